/** One file of a query scan: read, pre-filter, sniff, decode, match. Runs in a worker or in-thread. */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { errorMessage, isAuditError } from '../core/errors.js';
import { collectingLogger } from '../core/log.js';
import { decodeSbomBytes } from '../sbom/index.js';
import { bytesToText, sniffTextKind } from '../sbom/format.js';
import { compileQuery, matchPackage, mayContain, prefilterNeedle, type CompiledQuery, type QueryOptions } from './match.js';
import { formatLabel, subjectOf, type QueryMatch } from './result.js';

export type FileOutcome =
  | { path: string; status: 'matched' | 'no-match'; parsed: boolean; matches: QueryMatch[]; warnings: string[] }
  | { path: string; status: 'skipped' | 'error'; reason: string };

const SBOM_MARKERS = ['"bomFormat"', '"spdxVersion"', '"artifacts"', '"@context"', '"payloadType"', '"predicate"', '"sbom"'].map((m) => Buffer.from(m));

/** A reason why `buf` is certainly not an SBOM, or undefined when it may be one. */
export function notAnSbomReason(buf: Buffer): string | undefined {
  if (buf.length === 0) return 'empty file';
  const head = bytesToText(buf.subarray(0, 64 * 1024));
  const kind = sniffTextKind(head);
  if (kind === 'unknown') return 'not an SBOM (neither JSON, XML nor SPDX tag-value)';
  if (kind === 'json' && !(buf[0] === 0xff || buf[0] === 0xfe) && !SBOM_MARKERS.some((m) => buf.indexOf(m) !== -1)) {
    return 'JSON without the keys of a known SBOM format';
  }
  if (kind === 'xml' && !/cyclonedx\.org\/schema\/bom/.test(head)) return 'XML that is not a CycloneDX bom';
  return undefined;
}

export interface ScanFileOptions {
  maxBytes: number;
  /** A path the user named (errors are reported as errors, not skips). */
  named: boolean;
}

let pool = Buffer.allocUnsafe(4 * 1024 * 1024);

export async function scanFile(path: string, q: CompiledQuery, needle: string | undefined, o: ScanFileOptions): Promise<FileOutcome> {
  let buf: Buffer;
  try {
    // Synchronous reads into one reused buffer (scans run in worker threads; no allocation per file).
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size > o.maxBytes) return { path, status: o.named ? 'error' : 'skipped', reason: `larger than the ${o.maxBytes}-byte limit` };
      if (pool.length < size) pool = Buffer.allocUnsafe(Math.max(size, pool.length * 2));
      let off = 0;
      while (off < size) {
        const n = readSync(fd, pool, off, size - off, off);
        if (n === 0) break;
        off += n;
      }
      buf = pool.subarray(0, off);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    return { path, status: 'error', reason: `cannot read: ${errorMessage(err)}` };
  }
  if (needle !== undefined && !mayContain(buf, needle)) {
    const why = notAnSbomReason(buf);
    if (why) return { path, status: o.named ? 'error' : 'skipped', reason: why };
    return { path, status: 'no-match', parsed: false, matches: [], warnings: [] };
  }
  // The decoded model must not alias the reused read buffer.
  buf = Buffer.from(buf);
  const logger = collectingLogger();
  let decoded;
  try {
    decoded = decodeSbomBytes(buf, path, logger);
  } catch (err) {
    const reason = notAnSbomReason(buf) ?? (isAuditError(err) ? err.message.split(path).join('the file') : `internal error: ${errorMessage(err)}`);
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

/** Worker/in-thread entry: compile once per batch. */
export async function scanBatch(paths: { path: string; named: boolean }[], options: QueryOptions, maxBytes: number): Promise<FileOutcome[]> {
  const q = compileQuery(options);
  const needle = prefilterNeedle(q);
  const out: FileOutcome[] = [];
  for (const p of paths) out.push(await scanFile(p.path, q, needle, { maxBytes, named: p.named }));
  return out;
}
