/**
 * One file of a query scan: read, pre-filter, sniff, decode, match. Runs in a worker or in-thread.
 * Only the pre-filter is loaded up front: the decoders and the matcher are imported on the first file
 * that needs them, so a worker starts scanning bytes at once (most files of a big corpus never need parsing).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { errorMessage, isAuditError } from '../core/errors.js';
import { collectingLogger, type Logger } from '../core/log.js';
import { bytesToText, sniffTextKind, streamableJsonHead } from '../sbom/format.js';
import type { PackageFilter } from '../sbom/decode.js';
import type { DecodedSbom } from '../sbom/index.js';
import { DECODE_LIMITS } from '../sbom/decode.js';
import type { CompiledQuery, PrefilterNeedle, QueryOptions } from './match.js';
import { CHUNK_OVERLAP, compileNeedle, hasEscapedPlainPercentText, mayContain, mayContainJsonChunk, type CompiledNeedle } from './prefilter.js';
import { formatLabel, subjectOf, type QueryMatch } from './result.js';

type Parser = { decodeSbomBytes: typeof import('../sbom/index.js').decodeSbomBytes; decodeSbomObject: typeof import('../sbom/index.js').decodeSbomObject; matchPackage: typeof import('./match.js').matchPackage; compileQuery: typeof import('./match.js').compileQuery };
let parser: Promise<Parser> | undefined;
/** The parser once loaded: from then on a file is read, filtered and decoded without yielding. */
let loadedParser: Parser | undefined;
const loadParser = (): Promise<Parser> =>
  (parser ??= Promise.all([import('../sbom/index.js'), import('./match.js')]).then(([sbom, match]) => (loadedParser = { decodeSbomBytes: sbom.decodeSbomBytes, decodeSbomObject: sbom.decodeSbomObject, matchPackage: match.matchPackage, compileQuery: match.compileQuery })));

export type FileOutcome =
  | { path: string; status: 'matched' | 'no-match'; parsed: boolean; matches: QueryMatch[]; warnings: string[] }
  | { path: string; status: 'skipped' | 'error'; reason: string };

const SBOM_MARKERS = ['"bomFormat"', '"spdxVersion"', '"artifacts"', '"@context"', '"payloadType"', '"predicate"', '"sbom"'].map((m) => Buffer.from(m));

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
  if (kind === 'xml' && !/cyclonedx\.org\/schema\/bom/.test(headText)) return 'XML that is not a CycloneDX bom';
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

/**
 * Strings that make an element of a big array worth keeping when a large file is read sparsely: the
 * needle (any case), a purl escaping its name, and what names the subject (`namesSubject`).
 */
function elementTest(needle: CompiledNeedle, namesSubject: (s: string) => boolean): (s: string) => boolean {
  const t = needle.lower.toString('latin1');
  return (s) => s.toLowerCase().includes(t) || (s.startsWith('pkg:') && escapedBeforeQualifiers(s)) || namesSubject(s);
}
const filters = new WeakMap<CompiledNeedle, PackageFilter>();

export async function scanFile(path: string, query: () => CompiledQuery | Promise<CompiledQuery>, needle: CompiledNeedle | undefined, o: ScanFileOptions): Promise<FileOutcome> {
  let buf: Buffer | undefined;
  try {
    // Synchronous reads into one reused buffer (scans run in worker threads; no allocation per file).
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size > o.maxBytes) return { path, status: o.named ? 'error' : 'skipped', reason: `larger than the ${o.maxBytes}-byte limit` };
      // A large JSON file is read as a token stream (memory bounded by what is kept), when a needle says what to keep.
      if (!(size >= (o.streamFrom ?? DECODE_LIMITS.streamFrom) && needle !== undefined && streamableJson(fd))) {
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
    return { path, status: 'error', reason: `cannot read: ${errorMessage(err)}` };
  }
  if (buf === undefined) {
    try {
      const verdict = largeMayContain(path, needle!);
      if (verdict === 'not-an-sbom') return { path, status: o.named ? 'error' : 'skipped', reason: 'JSON without the keys of a known SBOM format' };
      if (verdict === 'no') return { path, status: 'no-match', parsed: false, matches: [], warnings: [] };
    } catch (err) {
      return { path, status: 'error', reason: `cannot read: ${errorMessage(err)}` };
    }
    const { readSparseJson, namesSubject } = await import('../sbom/json-stream.js');
    await loadParser();
    const q = await query();
    return decodeAndMatch(path, q, o, (logger) => loadedParser!.decodeSbomObject(readSparseJson(path, elementTest(needle!, namesSubject), o.maxBytes), path, logger, { keep: filterFor(needle!) }), () => undefined);
  }
  if (needle !== undefined && !mayContain(buf, needle)) {
    const why = notAnSbomReason(buf);
    if (why) return { path, status: o.named ? 'error' : 'skipped', reason: why };
    return { path, status: 'no-match', parsed: false, matches: [], warnings: [] };
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
  const keep = needle !== undefined ? filterFor(needle) : undefined;
  return decodeAndMatch(path, q, o, (logger) => loadedParser!.decodeSbomBytes(bytes, path, logger, keep ? { keep } : {}), () => notAnSbomReason(bytes));
}

function filterFor(needle: CompiledNeedle): PackageFilter {
  let keep = filters.get(needle);
  if (!keep) filters.set(needle, (keep = packageFilter(needle)));
  return keep;
}

/**
 * The pre-filter over a large JSON file, in chunks of the reused buffer (memory stays bounded; no token rules
 * across chunks). Without the needle, a file that shows none of the keys of a known SBOM format is not one.
 */
function largeMayContain(path: string, needle: CompiledNeedle): 'maybe' | 'no' | 'not-an-sbom' {
  const chunk = 8 * 1024 * 1024;
  if (pool.length < chunk + CHUNK_OVERLAP) pool = Buffer.allocUnsafe(chunk + CHUNK_OVERLAP);
  const fd = openSync(path, 'r');
  try {
    let sbom = false;
    for (let pos = 0; ; pos += chunk) {
      const n = readSync(fd, pool, 0, chunk + CHUNK_OVERLAP, pos);
      if (pos === 0 && pool[0] === 0xff && pool[1] === 0xfe) return 'maybe'; // UTF-16: do not guess
      const piece = pool.subarray(0, n);
      if (n > 0 && mayContainJsonChunk(piece, needle)) return 'maybe';
      sbom ||= SBOM_MARKERS.some((m) => piece.indexOf(m) !== -1);
      if (n < chunk + CHUNK_OVERLAP) return sbom ? 'no' : 'not-an-sbom';
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
    const reason = notSbom() ?? (isAuditError(err) ? err.message.split(path).join('the file') : `internal error: ${errorMessage(err)}`);
    return { path, status: o.named ? 'error' : 'skipped', reason };
  }
  const { sbom, format } = decoded;
  const subject = subjectOf(sbom.subject);
  const label = formatLabel(format);
  const matches: QueryMatch[] = [];
  const versionErrors: string[] = [];
  for (const p of sbom.packages) {
    if (!matchPackage(q, p, (m) => versionErrors.push(m))) continue;
    matches.push({ sbom: path, format: label, subject, package: p.name, version: p.version, purl: p.purl, type: p.type, locations: p.locations });
  }
  const warnings = logger.warnings.length > 0 ? [`${path}: ${logger.warnings.length} lenient-read warning(s), first: ${logger.warnings[0]}`] : [];
  if (versionErrors.length > 0) warnings.push(`${path}: ${versionErrors.length} version(s) not comparable in their ecosystem, first: ${versionErrors[0]}`);
  return { path, status: matches.length > 0 ? 'matched' : 'no-match', parsed: true, matches, warnings };
}

/** What a batch needs: the query (compiled where it is used) and its pre-filter needle (from `prefilterNeedle`). */
export interface ScanJob {
  options: QueryOptions;
  needle: PrefilterNeedle | undefined;
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
const needles = new Map<string, CompiledNeedle>();

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
  let needle: CompiledNeedle | undefined;
  if (job.needle !== undefined) {
    const needleKey = `${job.needle.token ? 'token' : 'part'}:${job.needle.text}`;
    needle = needles.get(needleKey);
    if (!needle) needles.set(needleKey, (needle = compileNeedle(job.needle.text, job.needle.token)));
  }
  const out: FileOutcome[] = [];
  for (const p of paths) out.push(await scanFile(p.path, query, needle, { maxBytes: job.maxBytes, named: p.named, ...(job.streamFrom !== undefined ? { streamFrom: job.streamFrom } : {}) }));
  return out;
}
