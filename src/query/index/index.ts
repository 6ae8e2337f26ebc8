/**
 * `sbom index add|remove|list|stats` and `sbom query --db`: packages of many SBOMs in one store,
 * incremental by content hash; queries narrow candidates by indexed columns, then apply the same
 * matchPackage as the file scan, so both give the same answers.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError, errorMessage, isAuditError } from '../../core/errors.js';
import type { Clock } from '../../core/clock.js';
import { silentLogger, type Logger } from '../../core/log.js';
import { DECODE_LIMITS } from '../../sbom/decode.js';
import { streamableJsonHead } from '../../sbom/format.js';
import { decodeSbomBytes, decodeSbomObject } from '../../sbom/index.js';
import { namesSubject, readSparseJson, SinkError } from '../../sbom/json-stream.js';
import type { Package } from '../../sbom/model.js';
import { compileQuery, identityOf, matchPackage, type CompiledQuery, type QueryOptions } from '../match.js';
import { formatLabel, sortMatches, subjectOf, type QueryResult, type SkippedFile } from '../result.js';
import { expandPaths } from '../scan.js';
import { notAnSbomReason } from '../scan-file.js';
import { SqliteStore } from './sqlite.js';
import type { CandidateFilter, IndexStats, SbomStore, StoredPackage, StoredSbom } from './store.js';

export type { IndexStats, SbomStore, StoredSbom } from './store.js';

/** Open the store named by --db. Only SQLite files today; `postgres://` is reserved for a later back end. */
export function openStore(db: string, opts: { create: boolean }): SbomStore {
  if (/^postgres(ql)?:\/\//i.test(db)) {
    throw new UsageError('QUERY_INDEX_BACKEND', 'the PostgreSQL index back end is not available in this build', {
      hint: 'use a SQLite file path for --db',
    });
  }
  return new SqliteStore(db, opts);
}

export function toStoredPackage(p: Package): StoredPackage {
  const id = identityOf(p);
  return {
    name: p.name,
    version: p.version,
    purl: p.purl,
    type: p.type,
    group: p.group,
    cpes: p.cpes,
    locations: p.locations,
    identType: id.type,
    identName: id.name,
    ecosystem: id.type ?? 'unknown',
  };
}

export interface IndexAddResult {
  added: string[];
  updated: string[];
  unchanged: string[];
  skipped: SkippedFile[];
  errors: SkippedFile[];
  packages: number;
}

/**
 * Add (or refresh) SBOM files/directories; unchanged files (same path and sha256) are skipped. Files are read
 * one at a time; JSON files from `DECODE_LIMITS.streamFrom` on are streamed (see `addLargeJson`), so memory
 * is bounded by one ordinary file, not by the corpus or by one huge SBOM.
 */
export async function addToIndex(db: string, paths: readonly string[], o: { logger?: Logger; clock: Clock; streamFrom?: number }): Promise<IndexAddResult> {
  const log = o.logger ?? silentLogger;
  const streamFrom = o.streamFrom ?? DECODE_LIMITS.streamFrom;
  const store = openStore(db, { create: true });
  const result: IndexAddResult = { added: [], updated: [], unchanged: [], skipped: [], errors: [], packages: 0 };
  try {
    const { files, errors } = await expandPaths(paths);
    result.errors.push(...errors);
    const now = o.clock.now().toISOString();
    let done = 0;
    const BATCH = 200;
    for (let i = 0; i < files.length; i += BATCH) {
      const batch = files.slice(i, i + BATCH);
      store.transaction(() => {
        for (const f of batch) {
          const path = resolve(f.path);
          const fail = (reason: string): void => void (f.named ? result.errors : result.skipped).push({ path: f.path, reason });
          let buf: Buffer | undefined;
          let sha256: string;
          try {
            if (statSync(f.path).size >= streamFrom && startsAsStreamableJson(f.path)) sha256 = hashFile(f.path);
            else {
              buf = readFileSync(f.path);
              sha256 = createHash('sha256').update(buf).digest('hex');
            }
          } catch (err) {
            result.errors.push({ path: f.path, reason: `cannot read: ${errorMessage(err)}` });
            continue;
          }
          const existing = store.get(path);
          if (existing && existing.sha256 === sha256) {
            result.unchanged.push(path);
            continue;
          }
          const not = buf ? notAnSbomReason(buf) : undefined;
          if (not) {
            fail(not);
            continue;
          }
          try {
            let stored: StoredSbom;
            if (buf) {
              const { sbom, format } = decodeSbomBytes(buf, f.path);
              stored = { path, sha256, format: formatLabel(format), subject: subjectOf(sbom.subject), packages: sbom.packages.length, indexedAt: now };
              store.put(stored, sbom.packages.map(toStoredPackage));
            } else {
              stored = addLargeJson(store, f.path, { path, sha256, indexedAt: now });
            }
            result.packages += stored.packages;
            (existing ? result.updated : result.added).push(path);
          } catch (err) {
            fail(isAuditError(err) ? err.message : `internal error: ${errorMessage(err)}`);
          }
        }
      });
      done += batch.length;
      log.progress(`indexed ${done}/${files.length} files`);
    }
  } finally {
    store.close();
  }
  return result;
}

/** Keys of the arrays the decoders read packages from (CycloneDX, SPDX 2, SPDX 3, syft; wrapped or not). */
const PACKAGE_ARRAYS = new Set(['components', 'packages', '@graph', 'artifacts']);
/** Elements decoded together when a large SBOM is streamed into the index. */
const STREAM_BATCH = 2000;

/**
 * Index a large JSON SBOM in two streamed passes: the first assembles the document without its package
 * arrays (format and subject; SPDX keeps what names its subject), the second hands the package-array elements
 * over in batches, each decoded as that document with the batch as its array and written straight to the store.
 */
function addLargeJson(store: SbomStore, file: string, meta: { path: string; sha256: string; indexedAt: string }): StoredSbom {
  const skeleton = readSparseJson(file, namesSubject);
  const { sbom: head, format } = decodeSbomObject(skeleton, file, undefined, { keep: () => false });
  const stored: StoredSbom = { ...meta, format: formatLabel(format), subject: subjectOf(head.subject), packages: 0 };
  // Each batch is decoded as the document with only that batch in its package arrays.
  const bare = withoutPackageArrays(skeleton);
  store.put(stored, (add) => {
    const pending = new Map<string, { path: readonly (string | number)[]; batch: unknown[] }>();
    const flush = (p: { path: readonly (string | number)[]; batch: unknown[] }): void => {
      if (p.batch.length === 0) return;
      const { sbom } = decodeSbomObject(withValueAt(bare, p.path, p.batch), file);
      for (const pkg of sbom.packages) add(toStoredPackage(pkg));
      p.batch = [];
    };
    readSparseJson(file, () => false, DECODE_LIMITS.maxBytes, (path) => {
      if (!PACKAGE_ARRAYS.has(String(path[path.length - 1]))) return undefined;
      const key = JSON.stringify(path);
      const p = pending.get(key) ?? { path, batch: [] };
      pending.set(key, p);
      return (element) => {
        p.batch.push(element);
        if (p.batch.length >= STREAM_BATCH) {
          try {
            flush(p);
          } catch (err) {
            throw new SinkError('decoding a batch failed', { cause: err });
          }
        }
      };
    });
    for (const p of pending.values()) flush(p);
  });
  return stored;
}

/** A copy of `doc` (objects only) whose arrays under `PACKAGE_ARRAYS` keys are empty. */
function withoutPackageArrays(doc: unknown): unknown {
  if (Array.isArray(doc)) return doc.map(withoutPackageArrays);
  if (doc === null || typeof doc !== 'object') return doc;
  return Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, PACKAGE_ARRAYS.has(k) && Array.isArray(v) ? [] : withoutPackageArrays(v)]));
}

/** A copy of `doc` with the value at `path` replaced (objects along the path are copied, nothing else). */
function withValueAt(doc: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [k, ...rest] = path;
  const o = (doc ?? {}) as Record<string | number, unknown>;
  return Array.isArray(o) ? Object.assign([...o], { [k!]: withValueAt(o[k!], rest, value) }) : { ...o, [k!]: withValueAt(o[k!], rest, value) };
}

/** SHA-256 of a file read in chunks. */
function hashFile(file: string): string {
  const h = createHash('sha256');
  const buf = Buffer.allocUnsafe(8 * 1024 * 1024);
  const fd = openSync(file, 'r');
  try {
    for (let pos = 0; ; ) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/** May the file be streamed (`streamableJsonHead` of its first 64 KB)? */
function startsAsStreamableJson(file: string): boolean {
  const head = Buffer.alloc(64 * 1024);
  const fd = openSync(file, 'r');
  try {
    return streamableJsonHead(head.subarray(0, readSync(fd, head, 0, head.length, 0)));
  } finally {
    closeSync(fd);
  }
}

export function removeFromIndex(db: string, paths: readonly string[]): { removed: string[]; missing: string[] } {
  const store = openStore(db, { create: false });
  try {
    const removed: string[] = [];
    const missing: string[] = [];
    store.transaction(() => {
      for (const p of paths) {
        const abs = resolve(p);
        if (store.remove(abs)) removed.push(abs);
        else {
          // A directory: remove everything under it.
          const under = store.list().filter((s) => s.path.startsWith(`${abs.replace(/\/$/, '')}/`));
          for (const s of under) store.remove(s.path);
          if (under.length > 0) removed.push(...under.map((s) => s.path));
          else missing.push(p);
        }
      }
    });
    return { removed, missing };
  } finally {
    store.close();
  }
}

export function listIndex(db: string): StoredSbom[] {
  const store = openStore(db, { create: false });
  try {
    return store.list();
  } finally {
    store.close();
  }
}

export function indexStats(db: string): IndexStats {
  const store = openStore(db, { create: false });
  try {
    return store.stats();
  } finally {
    store.close();
  }
}

/** Narrowest indexed filter that every match must pass. */
export function candidateFilter(q: CompiledQuery): CandidateFilter {
  if (q.purl) return { kind: 'ident', type: q.purl.type, nameLc: q.purl.name.toLowerCase() };
  const name = q.options.name?.trim();
  if (name && !/[/:]/.test(name)) {
    if (!/[*?[\]{}()!+@]/.test(name)) return { kind: 'name', nameLc: name.toLowerCase() };
    const prefix = /^[^*?[\]{}()!+@\\]*/.exec(name)?.[0] ?? '';
    if (prefix.length >= 2) return { kind: 'name-prefix', prefixLc: prefix.toLowerCase() };
  }
  return { kind: 'all' };
}

export async function queryIndex(db: string, options: QueryOptions): Promise<QueryResult> {
  const q = compileQuery(options);
  const store = openStore(db, { create: false });
  try {
    const result: QueryResult = { query: options, via: store.backend, matches: [], filesScanned: 0, filesParsed: 0, filesMatched: 0, skipped: [], errors: [], warnings: [] };
    const matchedSboms = new Set<string>();
    const versionErrors: string[] = [];
    for (const { sbom, pkg } of store.candidates(candidateFilter(q))) {
      if (!matchPackage(q, pkg, (m) => versionErrors.push(m))) continue;
      matchedSboms.add(sbom.path);
      result.matches.push({ sbom: sbom.path, format: sbom.format, subject: sbom.subject, package: pkg.name, version: pkg.version, purl: pkg.purl, type: pkg.type, locations: pkg.locations });
    }
    result.filesScanned = store.countSboms();
    result.filesMatched = matchedSboms.size;
    if (versionErrors.length > 0) result.warnings.push(`${versionErrors.length} version(s) not comparable in their ecosystem, first: ${versionErrors[0]}`);
    sortMatches(result.matches);
    return result;
  } finally {
    store.close();
  }
}
