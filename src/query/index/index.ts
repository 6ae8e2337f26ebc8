/**
 * `sbom index add|remove|list|stats` and `sbom query --db`: packages of many SBOMs in one store,
 * incremental by content hash; queries narrow candidates by indexed columns, then apply the same
 * matchPackage as the file scan, so both give the same answers.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError, errorMessage, isAuditError } from '../../core/errors.js';
import type { Incomplete } from '../../core/incomplete.js';
import type { Clock } from '../../core/clock.js';
import { silentLogger, type Logger } from '../../core/log.js';
import { declaredIncompleteInput } from '../../sbom/completeness.js';
import { DECODE_LIMITS } from '../../sbom/decode.js';
import { streamableJsonHead } from '../../sbom/format.js';
import { decodeSbomBytes, decodeSbomObject } from '../../sbom/index.js';
import { documentStructure, readSparseJson, SinkError } from '../../sbom/json-stream.js';
import type { Package, Sbom } from '../../sbom/model.js';
import { ownersOf } from '../../sbom/ownership.js';
import { compileQuery, identityOf, matchPackage, packageSource, type CompiledQuery, type QueryOptions } from '../match.js';
import { formatLabel, hideDeleted, sortMatches, subjectOf, type QueryMatch, type QueryResult, type SkippedFile } from '../result.js';
import { expandPaths, publicQuery } from '../scan.js';
import { notAnSbomReason, unreadableStatus } from '../scan-file.js';
import { SqliteStore } from './sqlite.js';
import { INDEX_READER_VERSION, type CandidateFilter, type IndexStats, type SbomStore, type StoreMode, type StoredPackage, type StoredSbom } from './store.js';

export type { IndexStats, SbomStore, StoredSbom } from './store.js';

/**
 * Open the store named by --db. Only SQLite files today; `postgres://` is reserved for a later back end.
 * `read` opens an existing index without writing or creating anything (query, list, stats).
 */
export function openStore(db: string, opts: { mode: StoreMode }): SbomStore {
  if (/^postgres(ql)?:\/\//i.test(db)) {
    throw new UsageError('QUERY_INDEX_BACKEND', 'the PostgreSQL index back end is not available in this build', {
      hint: 'use a SQLite file path for --db',
    });
  }
  return new SqliteStore(db, opts);
}

/** Distro packages (deb, apk, rpm) name the source package they were built from; no other kind does. */
const DISTRO_PURL = /^pkg:(deb|apk|rpm)\//;

function sourceOf(p: Package): { source?: string } {
  if (p.type !== 'deb' && p.type !== 'apk' && p.type !== 'rpm' && !(p.purl !== undefined && DISTRO_PURL.test(p.purl))) return {};
  const s = packageSource(p);
  return s !== undefined && s !== p.name.toLowerCase() ? { source: s } : {};
}

export function toStoredPackage(p: Package, owner?: Package): StoredPackage {
  const id = identityOf(p);
  return {
    name: p.name,
    version: p.version,
    purl: p.purl,
    type: p.type,
    group: p.group,
    cpes: p.cpes,
    locations: p.locations,
    ...(p.deleted === true ? { deleted: true } : {}),
    ...sourceOf(p),
    ...(owner ? { ownedBy: { name: owner.name, version: owner.version, type: owner.type, ...(owner.purl ? { purl: owner.purl } : {}) } } : {}),
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
  /** Named paths that could not be read as SBOMs (also in `incomplete`). */
  errors: SkippedFile[];
  packages: number;
  /**
   * What this run could not read (README "Completeness"): named paths, SBOM files that do not parse,
   * directories that could not be listed, SBOMs that declare themselves incomplete. SBOM-like entries are
   * also recorded in the index, so `query --db` answers say what the index does not cover.
   */
  incomplete: Incomplete[];
}

/**
 * Add (or refresh) SBOM files/directories; unchanged files (same path and sha256) are skipped. Files are read
 * one at a time; JSON files from `DECODE_LIMITS.streamFrom` on are streamed (see `addLargeJson`), so memory
 * is bounded by one ordinary file, not by the corpus or by one huge SBOM. Each batch of files is one
 * transaction; `signal` is checked between files (an interrupted run rolls its batch back and leaves
 * whole earlier batches only; a new index is not created at all).
 */
export async function addToIndex(db: string, paths: readonly string[], o: { logger?: Logger; clock: Clock; streamFrom?: number; signal?: AbortSignal }): Promise<IndexAddResult> {
  const log = o.logger ?? silentLogger;
  const streamFrom = o.streamFrom ?? DECODE_LIMITS.streamFrom;
  const store = openStore(db, { mode: 'create' });
  const result: IndexAddResult = { added: [], updated: [], unchanged: [], skipped: [], errors: [], packages: 0, incomplete: [] };
  let completed = false;
  try {
    const { files, errors, incomplete: unlisted } = await expandPaths(paths);
    const now = o.clock.now().toISOString();
    result.errors.push(...errors);
    result.incomplete.push(...errors.map((e): Incomplete => ({ kind: 'sbom', path: e.path, reason: e.reason })), ...unlisted);
    const seen = new Set<string>();
    let done = 0;
    const BATCH = 200;
    for (let i = 0; i < files.length; i += BATCH) {
      o.signal?.throwIfAborted();
      const batch = files.slice(i, i + BATCH);
      await store.transactionAsync(async () => {
        for (const f of batch) {
          // Let a signal in between files (Ctrl-C rolls the batch back; earlier batches stay whole).
          await new Promise<void>((r) => setImmediate(r));
          o.signal?.throwIfAborted();
          const path = resolve(f.path);
          seen.add(path);
          // Not read: an error (named), incomplete (an SBOM by content or name: recorded in the index) or a skip.
          const fail = (reason: string, looksLikeSbom: boolean | undefined): void => {
            const status = unreadableStatus(f.path, f.named, looksLikeSbom);
            if (status === 'skipped') {
              result.skipped.push({ path: f.path, reason });
              return;
            }
            if (status === 'error') result.errors.push({ path: f.path, reason });
            result.incomplete.push({ kind: 'sbom', path: f.path, reason });
            if (unreadableStatus(f.path, false, looksLikeSbom) === 'incomplete') store.markUnread({ kind: 'sbom', path, reason }, now);
          };
          let buf: Buffer | undefined;
          let sha256: string;
          try {
            if (statSync(f.path).size >= streamFrom && startsAsStreamableJson(f.path)) sha256 = hashFile(f.path);
            else {
              buf = readFileSync(f.path);
              sha256 = createHash('sha256').update(buf).digest('hex');
            }
          } catch (err) {
            fail(`cannot read: ${errorMessage(err)}`, undefined);
            continue;
          }
          const existing = store.get(path);
          // Unchanged, and read with this version's rules: nothing to do. Read with older rules: read again.
          if (existing && existing.sha256 === sha256 && (existing.reader ?? 1) >= INDEX_READER_VERSION) {
            result.unchanged.push(path);
            continue;
          }
          const not = buf ? notAnSbomReason(buf) : undefined;
          if (not) {
            fail(not, false);
            continue;
          }
          try {
            let stored: StoredSbom;
            let sbom: Pick<Sbom, 'completeness' | 'incomplete'>;
            if (buf) {
              const decoded = decodeSbomBytes(buf, f.path);
              sbom = decoded.sbom;
              stored = { path, sha256, format: formatLabel(decoded.format), subject: subjectOf(decoded.sbom.subject), distro: decoded.sbom.distro, packages: decoded.sbom.packages.length, indexedAt: now };
              const owners = ownersOf(decoded.sbom);
              store.put(stored, decoded.sbom.packages.map((p) => toStoredPackage(p, owners.get(p.id))));
            } else {
              ({ stored, sbom } = addLargeJson(store, f.path, { path, sha256, indexedAt: now }));
            }
            result.packages += stored.packages;
            (existing ? result.updated : result.added).push(path);
            // An SBOM that declares itself incomplete is indexed and recorded as such (README "Completeness").
            const declared = declaredIncompleteInput(sbom, path);
            if (declared) {
              result.incomplete.push({ ...declared, path: f.path });
              store.markUnread(declared, now);
            } else store.clearUnread(path);
          } catch (err) {
            // Understood as something else (SBOM_UNKNOWN_FORMAT: an attestation of another predicate): a skip.
            fail(isAuditError(err) ? err.message : `internal error: ${errorMessage(err)}`, isAuditError(err) && err.code === 'SBOM_UNKNOWN_FORMAT' ? false : buf ? true : undefined);
          }
        }
      });
      done += batch.length;
      log.progress(`indexed ${done}/${files.length} files`);
    }
    // Files recorded as unread that are gone from a re-added directory are forgotten.
    store.transaction(() => {
      for (const p of paths) {
        const abs = resolve(p);
        try {
          if (statSync(abs).isDirectory()) store.forgetUnread(abs, seen);
        } catch {
          // a named path that does not exist is already an error
        }
      }
    });
    for (const d of unlisted) store.markUnread({ kind: 'directory', path: resolve(d.path), reason: d.reason }, now);
    o.signal?.throwIfAborted();
    completed = true;
  } finally {
    store.close(completed);
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
function addLargeJson(store: SbomStore, file: string, meta: { path: string; sha256: string; indexedAt: string }): { stored: StoredSbom; sbom: Pick<Sbom, 'completeness' | 'incomplete'> } {
  const skeleton = readSparseJson(file, documentStructure);
  const { sbom: head, format } = decodeSbomObject(skeleton, file, undefined, { keep: () => false });
  const stored: StoredSbom = { ...meta, format: formatLabel(format), subject: subjectOf(head.subject), distro: head.distro, packages: 0 };
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
  return { stored, sbom: head };
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
  const store = openStore(db, { mode: 'update' });
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
        // What index add could not read there is forgotten too (after the SBOMs, whose records go with them).
        store.forgetUnread(abs, new Set());
      }
    });
    return { removed, missing };
  } finally {
    store.close();
  }
}

export function listIndex(db: string): StoredSbom[] {
  const store = openStore(db, { mode: 'read' });
  try {
    return store.list();
  } finally {
    store.close();
  }
}

export function indexStats(db: string): IndexStats {
  const store = openStore(db, { mode: 'read' });
  try {
    return store.stats();
  } finally {
    store.close();
  }
}

/** Narrowest indexed filter that every match must pass. */
export function candidateFilter(q: CompiledQuery): CandidateFilter {
  const c = q.options.candidates;
  if (c) {
    // Identity names are stored without their namespace: 'org.apache.logging.log4j:log4j-core' is 'log4j-core'.
    const last = (n: string): string => (n.split(/[/:]/).pop() ?? n).toLowerCase();
    const namesLc = [...new Set([...c.names.map(last), ...c.names.map((n) => n.toLowerCase())])];
    return { kind: 'candidates', namesLc, sourcesLc: [...new Set(c.sources.map((s) => s.toLowerCase()))], pypi: c.pypiNames.length > 0 };
  }
  if (q.purl) return { kind: 'ident', type: q.purl.type, nameLc: q.purl.name.toLowerCase() };
  const name = q.options.name?.trim();
  if (name && !/[/:]/.test(name)) {
    if (!/[*?[\]{}()!+@]/.test(name)) return { kind: 'name', nameLc: name.toLowerCase() };
    const prefix = /^[^*?[\]{}()!+@\\]*/.exec(name)?.[0] ?? '';
    if (prefix.length >= 2) return { kind: 'name-prefix', prefixLc: prefix.toLowerCase() };
  }
  return { kind: 'all' };
}

/** A stored package as the model's Package (what the OSV matcher of `--advisory` reads). */
function asPackage(sbom: StoredSbom, pkg: StoredPackage, n: number): Package {
  const p: Package = { id: `${sbom.path}#${n}`, name: pkg.name, version: pkg.version, type: pkg.type, licenses: [], locations: pkg.locations, foundBy: [] };
  if (pkg.purl) p.purl = pkg.purl;
  if (pkg.group) p.group = pkg.group;
  if (pkg.cpes) p.cpes = pkg.cpes;
  if (pkg.source) p.metadata = { source: pkg.source };
  if (pkg.deleted) p.deleted = true;
  return p;
}

function ownerPackage(sbom: StoredSbom, pkg: StoredPackage, n: number): Package | undefined {
  const o = pkg.ownedBy;
  if (o === undefined) return undefined;
  return { id: `${sbom.path}#owner-${n}`, name: o.name, version: o.version, type: o.type, licenses: [], locations: [], foundBy: [], ...(o.purl ? { purl: o.purl } : {}) };
}

export async function queryIndex(db: string, options: QueryOptions, o: { includeDeleted?: boolean } = {}): Promise<QueryResult> {
  const q = compileQuery(options);
  const store = openStore(db, { mode: 'read' });
  try {
    // What `index add` could not read is not in the index: a "no match" from it is incomplete (README "Completeness").
    const result: QueryResult = { query: publicQuery(options), via: store.backend, matches: [], filesScanned: 0, filesParsed: 0, filesMatched: 0, hiddenDeleted: 0, skipped: [], errors: [], warnings: [], incomplete: store.unread() };
    const matchedSboms = new Set<string>();
    const versionErrors: string[] = [];
    let n = 0;
    for (const { sbom, pkg } of store.candidates(candidateFilter(q))) {
      if (!matchPackage(q, pkg, (m) => versionErrors.push(m))) continue;
      matchedSboms.add(sbom.path);
      const m: QueryMatch = { sbom: sbom.path, format: sbom.format, subject: sbom.subject, package: pkg.name, version: pkg.version, purl: pkg.purl, type: pkg.type, locations: pkg.locations };
      if (pkg.deleted) m.deleted = true;
      if (q.candidateNames) {
        const owner = ownerPackage(sbom, pkg, n);
        m.candidate = { pkg: asPackage(sbom, pkg, n++), distro: sbom.distro, ...(owner ? { owner } : {}) };
      }
      result.matches.push(m);
    }
    result.filesScanned = store.countSboms();
    result.filesMatched = matchedSboms.size;
    if (versionErrors.length > 0) result.warnings.push(`${versionErrors.length} version(s) not comparable in their ecosystem, first: ${versionErrors[0]}`);
    const older = store.countOlderReader();
    if (older > 0) {
      result.warnings.push(
        `${older} SBOM(s) in ${db} were indexed by an older custody, which did not read locations from custody's own SBOMs, subject tags and digests, deleted marks or source packages: run \`custody sbom index add --db ${db}\` on their paths again`,
      );
    }
    hideDeleted(result, o.includeDeleted === true);
    sortMatches(result.matches);
    return result;
  } finally {
    store.close();
  }
}
