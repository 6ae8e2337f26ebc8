/**
 * One file of a query scan: read, pre-filter, sniff, decode, match. Runs in a worker or in-thread.
 * Only the pre-filter is loaded up front: the decoders and the matcher are imported on the first file
 * that needs them, so a worker starts scanning bytes at once (most files of a big corpus never need parsing).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { errorMessage, isAuditError } from '../core/errors.js';
import type { Incomplete } from '../core/incomplete.js';
import { collectingLogger, type Logger } from '../core/log.js';
import { bytesToText, sniffTextKind, streamableJsonHead } from '../sbom/format.js';
import type { PackageFilter } from '../sbom/decode.js';
import type { DecodedSbom } from '../sbom/index.js';
import { DECODE_LIMITS } from '../sbom/decode.js';
import { declaredIncompleteInput } from '../sbom/completeness.js';
import { ownersOf } from '../sbom/ownership.js';
import type { CompiledQuery, PrefilterNeedle, QueryOptions } from './match.js';
import { CHUNK_OVERLAP, compileNeedle, hasEscapedPlainPercentText, mayContain, mayContainJsonChunk, type CompiledNeedle } from './prefilter.js';
import { formatLabel, subjectOf, type QueryMatch } from './result.js';

type Parser = { decodeSbomBytes: typeof import('../sbom/index.js').decodeSbomBytes; decodeSbomObject: typeof import('../sbom/index.js').decodeSbomObject; matchPackage: typeof import('./match.js').matchPackage; compileQuery: typeof import('./match.js').compileQuery };
let parser: Promise<Parser> | undefined;
/** The parser once loaded: from then on a file is read, filtered and decoded without yielding. */
let loadedParser: Parser | undefined;
const loadParser = (): Promise<Parser> =>
  (parser ??= Promise.all([import('../sbom/index.js'), import('./match.js')]).then(([sbom, match]) => (loadedParser = { decodeSbomBytes: sbom.decodeSbomBytes, decodeSbomObject: sbom.decodeSbomObject, matchPackage: match.matchPackage, compileQuery: match.compileQuery })));

/**
 * What became of one file. `skipped`: found under a directory and clearly not an SBOM (counted, does not
 * change the answer). `incomplete`: found under a directory, an SBOM by its content or its name, and not
 * readable (README "Completeness"). `error`: a path the user named that could not be read as an SBOM.
 * A read SBOM that declares itself incomplete carries `declared`.
 */
export type FileOutcome =
  | { path: string; status: 'matched' | 'no-match'; parsed: boolean; matches: QueryMatch[]; warnings: string[]; declared?: Incomplete }
  | { path: string; status: 'skipped' | 'error' | 'incomplete'; reason: string };

// custody's own json model (`custodySbomVersion`) is an SBOM too.
const SBOM_MARKERS = ['"bomFormat"', '"spdxVersion"', '"artifacts"', '"@context"', '"payloadType"', '"predicate"', '"sbom"', '"custodySbomVersion"'].map((m) => Buffer.from(m));

/**
 * Names that say "SBOM" (README "Completeness"): `bom.json`, `sbom.json`, `*.bom.json`, `*.cdx.json`,
 * `*.cdx.xml`, `*.spdx`, `*.spdx.json`, `*.syft.json`, ... A file so named that does not parse is an SBOM
 * that could not be read, whatever its content.
 */
export function sbomByName(path: string): boolean {
  const b = basename(path).toLowerCase();
  return /(^|\.)s?bom\.(json|xml)$/.test(b) || /\.cdx(\.(json|xml))?$/.test(b) || /\.spdx(\.json)?$/.test(b) || /\.syft\.json$/.test(b);
}

/**
 * Final extensions an SBOM may have (and no extension): a file with one of these that cannot even be
 * opened may be an SBOM. Any other final extension (`.sha256`, `.sig`, `.pem`, `.md`, ...) is a skip.
 */
const SBOM_EXTENSIONS = new Set(['', '.json', '.xml', '.jsonl', '.spdx', '.cdx', '.bom', '.sbom', '.intoto', '.att', '.tv']);

/** How to count a file that could not be read as an SBOM: `error` (named), `incomplete` (an SBOM by content or name) or `skipped`. */
export function unreadableStatus(path: string, named: boolean, looksLikeSbom: boolean | undefined): 'error' | 'incomplete' | 'skipped' {
  if (named) return 'error';
  if (sbomByName(path) || looksLikeSbom === true) return 'incomplete';
  if (looksLikeSbom === undefined && SBOM_EXTENSIONS.has(extname(path).toLowerCase())) return 'incomplete';
  return 'skipped';
}

/**
 * A reason when a document that looks like an SBOM was clearly cut short: JSON whose last character is
 * not `}`, XML whose last is not `>` or that lacks the closing `bom>` tag. Checked on files the pre-filter
 * rules out without parsing them (a parse would find it; this costs a few bytes). A JSON document cut
 * right after an inner `}` and damage in the middle of a file are not seen here: real documents close their
 * root at any indentation, so nothing cheaper than a parse tells an inner `}` from the last one (README
 * "Completeness", limits). A file that holds the searched name is parsed, and every cut is found.
 */
export function truncatedReason(buf: Buffer): string | undefined {
  if (buf.length >= 2 && (buf[0] === 0xff || buf[0] === 0xfe)) return undefined; // UTF-16: not checked here
  let i = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)) i++;
  let j = buf.length - 1;
  while (j > i && (buf[j] === 0x20 || buf[j] === 0x0a || buf[j] === 0x0d || buf[j] === 0x09 || buf[j] === 0x00)) j--;
  if (buf[i] === 0x7b && buf[j] !== 0x7d) return 'truncated: the JSON document does not end with }';
  if (buf[i] === 0x3c && (buf[j] !== 0x3e || buf.subarray(Math.max(0, j - 64), j + 1).indexOf('bom>') === -1)) return 'truncated: the XML document does not end with its closing bom tag';
  return undefined;
}

/** Where each format declares its completeness (README "Completeness"), by what its head shows. */
const CYCLONEDX_HEAD = [Buffer.from('"bomFormat"'), Buffer.from('cyclonedx.org/schema/bom')];
const SPDX_HEAD = [Buffer.from('"spdxVersion"'), Buffer.from('SPDXVersion:')];
const NATIVE_HEAD = Buffer.from('"custodySbomVersion"');
const AGGREGATE = Buffer.from('aggregate');
const SPDX_DECLARATION = Buffer.from('custody:completeness=');
const NATIVE_DECLARATION = Buffer.from('"completeness"');

/** The byte strings that may open a completeness declaration in this document: one full search for most files. */
function declarationMarkers(buf: Buffer): Buffer[] {
  // The format's own keys open the document (CycloneDX `bomFormat`, SPDX `spdxVersion`, the XML namespace).
  const head = buf.subarray(0, 4096);
  const out: Buffer[] = [];
  if (CYCLONEDX_HEAD.some((m) => head.indexOf(m) !== -1)) out.push(AGGREGATE);
  if (SPDX_HEAD.some((m) => head.indexOf(m) !== -1)) out.push(SPDX_DECLARATION);
  if (head.indexOf(NATIVE_HEAD) !== -1) out.push(NATIVE_DECLARATION);
  // The format's keys are not in the first 4 KB (rare): look for every form.
  return out.length > 0 ? out : [AGGREGATE, SPDX_DECLARATION, NATIVE_DECLARATION];
}

/** Where a declaration is looked for in a file the pre-filter rules out: its head and its tail. */
const DECLARATION_HEAD = 16 * 1024;
const DECLARATION_TAIL = 64 * 1024;

/**
 * May the document declare itself incomplete or unknown (CycloneDX `aggregate`, SPDX
 * `custody:completeness=`, the json model's `completeness`)? Then it is parsed, not ruled out by the
 * pre-filter, so its declaration is read. The search covers the first 16 KB and the last 64 KB: custody
 * writes the declaration there (CycloneDX `compositions` last, as the CycloneDX XSD orders it and the
 * CycloneDX libraries write it; SPDX annotations last; the json model's sorted keys first), and a whole-file
 * search of every ruled-out file would cost the pre-filter's own time again (measured: +0.09 s CPU on 1,000
 * SBOMs, 170 MB). A file holding the searched name is parsed whole, its declaration always read.
 */
export function mayDeclareIncomplete(buf: Buffer): boolean {
  const regions = buf.length <= DECLARATION_HEAD + DECLARATION_TAIL ? [buf] : [buf.subarray(0, DECLARATION_HEAD), buf.subarray(buf.length - DECLARATION_TAIL)];
  for (const m of declarationMarkers(buf)) {
    for (const region of regions) {
      let seen = 0;
      for (let at = region.indexOf(m); at !== -1 && seen < 10_000; at = region.indexOf(m, at + m.length), seen++) {
        let k = at + m.length;
        const end = Math.min(region.length, k + 48);
        while (k < end && (region[k] === 0x22 || region[k] === 0x3a || region[k] === 0x3d || region[k] === 0x3e || region[k] === 0x20 || region[k] === 0x0a || region[k] === 0x0d || region[k] === 0x09)) k++;
        const word = region.toString('latin1', k, Math.min(end, k + 10)).toLowerCase();
        if (word.startsWith('incomplete') || word.startsWith('unknown')) return true;
      }
    }
  }
  return false;
}

const HEAD = 64 * 1024;

/** A reason why `buf` is certainly not an SBOM, or undefined when it may be one (decodes text only when it must). */
export function notAnSbomReason(buf: Buffer): string | undefined {
  if (buf.length === 0) return 'empty file';
  if (buf.length >= 2 && (buf[0] === 0xff || buf[0] === 0xfe)) return undefined; // UTF-16: let the decoder say
  let i = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  while (i < buf.length && i < HEAD && (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)) i++;
  if (buf[i] === 0x7b) {
    // JSON: the markers are usually near the top; look at the head first, then everywhere.
    const head = buf.subarray(0, HEAD);
    if (SBOM_MARKERS.some((m) => head.indexOf(m) !== -1)) return undefined;
    if (buf.length > HEAD && SBOM_MARKERS.some((m) => buf.indexOf(m) !== -1)) return undefined;
    return 'JSON without the keys of a known SBOM format';
  }
  const headText = bytesToText(buf.subarray(0, HEAD));
  const kind = sniffTextKind(headText);
  if (kind === 'unknown') return 'not an SBOM (neither JSON, XML nor SPDX tag-value)';
  // A CycloneDX schema (XSD) names the namespace too; a bom has a <bom> root element.
  if (kind === 'xml' && (!/cyclonedx\.org\/schema\/bom/.test(headText) || !/<(?:[\w.-]+:)?bom[\s>/]/.test(headText))) return 'XML that is not a CycloneDX bom';
  return undefined;
}

export interface ScanFileOptions {
  maxBytes: number;
  /** JSON files from this size on are read as a token stream when there is a needle (default `DECODE_LIMITS.streamFrom`). */
  streamFrom?: number;
  /** A path the user named (errors are reported as errors, not skips). */
  named: boolean;
}

let pool = Buffer.allocUnsafe(4 * 1024 * 1024);

/**
 * Packages worth building when looking for `needle`: a matching package has it (case-insensitively) in its
 * name, group or purl, or spells its purl with percent escapes (decoded before matching).
 */
export function packageFilter(needle: CompiledNeedle): PackageFilter {
  const t = needle.lower.toString('latin1');
  const has = (s: string | undefined): boolean => s !== undefined && s.toLowerCase().includes(t);
  return (name, purl, group) => has(name) || has(group) || (purl !== undefined && (has(purl) || purl.split(' ').some(escapedBeforeQualifiers)));
}

/** A purl escaping a name character ([A-Za-z0-9._-]; not `%40`, `%2F`) before its qualifiers and subpath, where its name is. */
function escapedBeforeQualifiers(purl: string): boolean {
  if (!purl.includes('%')) return false;
  const q = purl.search(/[?#]/);
  return hasEscapedPlainPercentText(q === -1 ? purl : purl.slice(0, q));
}

/** Packages worth building when looking for any of several needles (an advisory's names). */
function anyPackageFilter(needles: readonly CompiledNeedle[]): PackageFilter {
  const filters = needles.map(packageFilter);
  return (name, purl, group) => filters.some((f) => f(name, purl, group));
}

/**
 * Strings that make an element of a big array worth keeping when a large file is read sparsely: a
 * needle (any case), a purl escaping its name, and the document's structure (`documentStructure`: subject, distro, file locations).
 */
function elementTest(needles: readonly CompiledNeedle[], structure: (s: string) => boolean): (s: string) => boolean {
  const ts = needles.map((n) => n.lower.toString('latin1'));
  // Called for every string of every element of a large document: one needle (every query but --advisory) without a loop.
  if (ts.length === 1) {
    const t = ts[0]!;
    return (s) => s.toLowerCase().includes(t) || (s.startsWith('pkg:') && escapedBeforeQualifiers(s)) || structure(s);
  }
  return (s) => {
    const l = s.toLowerCase();
    return ts.some((t) => l.includes(t)) || (s.startsWith('pkg:') && escapedBeforeQualifiers(s)) || structure(s);
  };
}
const filters = new WeakMap<readonly CompiledNeedle[], PackageFilter>();

/**
 * The needles of one scan: a file may hold a match only when it may contain one of them (`mayContain`).
 * `keepAll`: build every package of the files that pass (an advisory naming source packages: a binary
 * package's raw name and purl need not show its source).
 */
export interface ScanNeedles {
  needles: readonly CompiledNeedle[];
  keepAll: boolean;
}

export async function scanFile(path: string, query: () => CompiledQuery | Promise<CompiledQuery>, scanNeedles: ScanNeedles | undefined, o: ScanFileOptions): Promise<FileOutcome> {
  const needles = scanNeedles?.needles;
  let buf: Buffer | undefined;
  try {
    // Synchronous reads into one reused buffer (scans run in worker threads; no allocation per file).
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size > o.maxBytes) {
        const head = Buffer.allocUnsafe(HEAD);
        const n = readSync(fd, head, 0, HEAD, 0);
        return { path, status: unreadableStatus(path, o.named, notAnSbomReason(head.subarray(0, n)) === undefined), reason: `larger than the ${o.maxBytes}-byte limit` };
      }
      // A large JSON file is read as a token stream (memory bounded by what is kept), when a needle says what to keep.
      if (!(size >= (o.streamFrom ?? DECODE_LIMITS.streamFrom) && needles !== undefined && streamableJson(fd))) {
        if (pool.length < size) pool = Buffer.allocUnsafe(Math.max(size, pool.length * 2));
        let off = 0;
        while (off < size) {
          const n = readSync(fd, pool, off, size - off, off);
          if (n === 0) break;
          off += n;
        }
        buf = pool.subarray(0, off);
      }
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    return { path, status: unreadableStatus(path, o.named, undefined), reason: `cannot read: ${errorMessage(err)}` };
  }
  if (buf === undefined) {
    try {
      const verdict = largeMayContain(path, needles!);
      if (verdict === 'not-an-sbom') return { path, status: unreadableStatus(path, o.named, false), reason: 'JSON without the keys of a known SBOM format' };
      if (verdict === 'truncated') return { path, status: unreadableStatus(path, o.named, true), reason: 'truncated: the JSON document does not end with }' };
      if (verdict === 'no') return { path, status: 'no-match', parsed: false, matches: [], warnings: [] };
    } catch (err) {
      return { path, status: unreadableStatus(path, o.named, undefined), reason: `cannot read: ${errorMessage(err)}` };
    }
    const { readSparseJson, documentStructure } = await import('../sbom/json-stream.js');
    await loadParser();
    const q = await query();
    const keep = scanNeedles!.keepAll ? undefined : filterFor(needles!);
    // Keeping every package (keepAll) keeps every element of the package arrays: the sparse read is then a whole read.
    const test = scanNeedles!.keepAll ? () => true : elementTest(needles!, documentStructure);
    return decodeAndMatch(path, q, o, (logger) => loadedParser!.decodeSbomObject(readSparseJson(path, test, o.maxBytes), path, logger, keep ? { keep } : {}), () => undefined);
  }
  if (needles !== undefined && !needles.some((n) => mayContain(buf!, n))) {
    const why = notAnSbomReason(buf);
    if (why) return { path, status: unreadableStatus(path, o.named, false), reason: why };
    // Ruled out by its bytes, unless it is cut short or may declare itself incomplete (then it is parsed).
    const cut = truncatedReason(buf);
    if (cut) return { path, status: unreadableStatus(path, o.named, true), reason: cut };
    if (!mayDeclareIncomplete(buf)) return { path, status: 'no-match', parsed: false, matches: [], warnings: [] };
  }
  // Decoding turns the bytes into text first and keeps no reference to them, so the reused read buffer
  // needs no copy, unless this call must wait (first parse on this thread) and another read could reuse it.
  let q = loadedParser ? query() : undefined;
  if (!loadedParser || q === undefined || q instanceof Promise) {
    buf = Buffer.from(buf);
    await loadParser();
    q = await query();
  }
  const bytes = buf;
  const keep = needles !== undefined && !scanNeedles!.keepAll ? filterFor(needles) : undefined;
  return decodeAndMatch(path, q, o, (logger) => loadedParser!.decodeSbomBytes(bytes, path, logger, keep ? { keep } : {}), () => notAnSbomReason(bytes));
}

function filterFor(needles: readonly CompiledNeedle[]): PackageFilter {
  let keep = filters.get(needles);
  if (!keep) filters.set(needles, (keep = needles.length === 1 ? packageFilter(needles[0]!) : anyPackageFilter(needles)));
  return keep;
}

/**
 * The pre-filter over a large JSON file, in chunks of the reused buffer (memory stays bounded; no token rules
 * across chunks). Without the needle, a file that shows none of the keys of a known SBOM format is not one.
 */
function largeMayContain(path: string, needles: readonly CompiledNeedle[]): 'maybe' | 'no' | 'not-an-sbom' | 'truncated' {
  const chunk = 8 * 1024 * 1024;
  if (pool.length < chunk + CHUNK_OVERLAP) pool = Buffer.allocUnsafe(chunk + CHUNK_OVERLAP);
  const fd = openSync(path, 'r');
  try {
    let sbom = false;
    for (let pos = 0; ; pos += chunk) {
      const n = readSync(fd, pool, 0, chunk + CHUNK_OVERLAP, pos);
      if (pos === 0 && pool[0] === 0xff && pool[1] === 0xfe) return 'maybe'; // UTF-16: do not guess
      const piece = pool.subarray(0, n);
      if (n > 0 && (needles.some((needle) => mayContainJsonChunk(piece, needle)) || mayDeclareIncomplete(piece))) return 'maybe';
      sbom ||= SBOM_MARKERS.some((m) => piece.indexOf(m) !== -1);
      if (n < chunk + CHUNK_OVERLAP) {
        if (!sbom) return 'not-an-sbom';
        // The JSON must end with `}` (the streamed parse would find a cut; the pre-filter did not parse).
        return truncatedReason(Buffer.concat([Buffer.from('{'), piece.subarray(Math.max(0, n - 64))])) ? 'truncated' : 'no';
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** Is the file at `fd` JSON that may be streamed (`streamableJsonHead` of its first 64 KB)? */
function streamableJson(fd: number): boolean {
  const head = Buffer.allocUnsafe(HEAD);
  return streamableJsonHead(head.subarray(0, readSync(fd, head, 0, HEAD, 0)));
}

function decodeAndMatch(path: string, q: CompiledQuery, o: ScanFileOptions, decode: (logger: Logger) => DecodedSbom, notSbom: () => string | undefined): FileOutcome {
  const { matchPackage } = loadedParser!;
  const logger = collectingLogger();
  let decoded: DecodedSbom;
  try {
    decoded = decode(logger);
  } catch (err) {
    const not = notSbom();
    const reason = not ?? (isAuditError(err) ? err.message.split(path).join('the file') : `internal error: ${errorMessage(err)}`);
    // Read in full and understood as something else (an attestation of a provenance predicate, a JSON
    // document with an SBOM word in it): a skip. Not readable (cut, corrupt): incomplete.
    const somethingElse = not !== undefined || (isAuditError(err) && err.code === 'SBOM_UNKNOWN_FORMAT');
    return { path, status: unreadableStatus(path, o.named, !somethingElse), reason };
  }
  const { sbom, format } = decoded;
  const subject = subjectOf(sbom.subject);
  const label = formatLabel(format);
  const matches: QueryMatch[] = [];
  const versionErrors: string[] = [];
  // --advisory: a language package an OS package installed is left to the distro's advisories, as scan does.
  const owners = q.candidateNames ? ownersOf(sbom) : undefined;
  for (const p of sbom.packages) {
    if (!matchPackage(q, p, (m) => versionErrors.push(m))) continue;
    const m: QueryMatch = { sbom: path, format: label, subject, package: p.name, version: p.version, purl: p.purl, type: p.type, locations: p.locations };
    if (p.deleted === true) m.deleted = true;
    if (owners) {
      const owner = owners.get(p.id);
      m.candidate = { pkg: p, distro: sbom.distro, ...(owner ? { owner } : {}) };
    }
    matches.push(m);
  }
  const warnings = logger.warnings.length > 0 ? [`${path}: ${logger.warnings.length} lenient-read warning(s), first: ${logger.warnings[0]}`] : [];
  if (versionErrors.length > 0) warnings.push(`${path}: ${versionErrors.length} version(s) not comparable in their ecosystem, first: ${versionErrors[0]}`);
  const declared = declaredIncompleteInput(sbom, path);
  return { path, status: matches.length > 0 ? 'matched' : 'no-match', parsed: true, matches, warnings, ...(declared ? { declared } : {}) };
}

/** What a batch needs: the query (compiled where it is used) and its pre-filter needle (from `prefilterNeedle`). */
export interface ScanJob {
  options: QueryOptions;
  /** Several for an advisory (a file passes when it may hold any of them); none: every file is parsed. */
  needles: PrefilterNeedle[] | undefined;
  /** Build every package of the files that pass the pre-filter (see `ScanNeedles.keepAll`). */
  keepAll?: boolean;
  maxBytes: number;
  streamFrom?: number;
}

/** What a query worker is started with: every batch, the job, and the shared next-batch counter. */
export interface ScanWorkerData {
  batches: { path: string; named: boolean }[][];
  job: ScanJob;
  counter: Int32Array;
}

/** A worker's messages: one per finished batch, then `done` (or an error). */
export type ScanWorkerMessage = { id: number; outcomes: FileOutcome[] } | { done: true } | { error: string };

const compiled = new Map<string, CompiledQuery>();
const compiledNeedles = new Map<string, ScanNeedles>();

/** Worker/in-thread entry: the query and needle are compiled once per thread. */
export async function scanBatch(paths: { path: string; named: boolean }[], job: ScanJob): Promise<FileOutcome[]> {
  const key = JSON.stringify(job.options);
  const query = (): CompiledQuery | Promise<CompiledQuery> => {
    const q = compiled.get(key);
    if (q) return q;
    return loadParser().then((p) => {
      const c = compiled.get(key) ?? p.compileQuery(job.options);
      compiled.set(key, c);
      return c;
    });
  };
  let needles: ScanNeedles | undefined;
  if (job.needles !== undefined && job.needles.length > 0) {
    const needleKey = `${job.keepAll === true}|${job.needles.map((n) => `${n.token ? 'token' : 'part'}:${n.text}`).join('\u0000')}`;
    needles = compiledNeedles.get(needleKey);
    if (!needles) compiledNeedles.set(needleKey, (needles = { needles: job.needles.map((n) => compileNeedle(n.text, n.token)), keepAll: job.keepAll === true }));
  }
  const out: FileOutcome[] = [];
  for (const p of paths) out.push(await scanFile(p.path, query, needles, { maxBytes: job.maxBytes, named: p.named, ...(job.streamFrom !== undefined ? { streamFrom: job.streamFrom } : {}) }));
  return out;
}
