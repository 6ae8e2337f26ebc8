/**
 * `sbom index add|remove|list|stats` and `sbom query --db`: packages of many SBOMs in one store,
 * incremental by content hash; queries narrow candidates by indexed columns, then apply the same
 * matchPackage as the file scan, so both give the same answers.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError, errorMessage, isAuditError } from '../../core/errors.js';
import type { Clock } from '../../core/clock.js';
import { silentLogger, type Logger } from '../../core/log.js';
import { decodeSbomBytes } from '../../sbom/index.js';
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

/** Add (or refresh) SBOM files/directories; unchanged files (same path and sha256) are skipped. */
export async function addToIndex(db: string, paths: readonly string[], o: { logger?: Logger; clock: Clock }): Promise<IndexAddResult> {
  const log = o.logger ?? silentLogger;
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
      const loaded = await Promise.all(
        batch.map(async (f) => {
          try {
            return { f, buf: await readFile(f.path) };
          } catch (err) {
            return { f, error: `cannot read: ${errorMessage(err)}` };
          }
        }),
      );
      store.transaction(() => {
        for (const item of loaded) {
          const path = resolve(item.f.path);
          if (item.error !== undefined || !item.buf) {
            result.errors.push({ path: item.f.path, reason: item.error ?? 'cannot read' });
            continue;
          }
          const sha256 = createHash('sha256').update(item.buf).digest('hex');
          const existing = store.get(path);
          if (existing && existing.sha256 === sha256) {
            result.unchanged.push(path);
            continue;
          }
          const not = notAnSbomReason(item.buf);
          if (not) {
            (item.f.named ? result.errors : result.skipped).push({ path: item.f.path, reason: not });
            continue;
          }
          try {
            const { sbom, format } = decodeSbomBytes(item.buf, item.f.path);
            const stored: StoredSbom = { path, sha256, format: formatLabel(format), subject: subjectOf(sbom.subject), packages: sbom.packages.length, indexedAt: now };
            store.put(stored, sbom.packages.map(toStoredPackage));
            result.packages += sbom.packages.length;
            (existing ? result.updated : result.added).push(path);
          } catch (err) {
            const reason = isAuditError(err) ? err.message : `internal error: ${errorMessage(err)}`;
            (item.f.named ? result.errors : result.skipped).push({ path: item.f.path, reason });
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
