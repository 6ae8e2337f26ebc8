/**
 * `custody vulndb update`: fetch osv.dev-style `<Ecosystem>/all.zip` exports into a new generation.
 * Whole zips with conditional requests, not `modified_id.csv` increments: a daily refresh of an
 * unchanged ecosystem costs one 304, a changed one a single download whose integrity the zip's CRCs
 * prove, and the index is rebuilt from one self-consistent snapshot (README "custody vulndb": figures).
 */
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AuditError, InputError, NetworkError, UsageError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { DEFAULT_OSV_LIMITS, readOsvZip } from '../osv/store.js';
import { MATCHED_FAMILIES, ecosystemFamily } from '../osv/ecosystems.js';
import { createDatasetBuilder } from './build.js';
import { redactUrl } from './credentials.js';
import type { Fetched, HttpClient } from './fetch.js';
import { carryOver, commitGeneration, discardGeneration, listGenerations, startGeneration, writeError, type PartialGeneration } from './generation.js';
import { openIndex } from './index-db.js';
import { datasetFile, readCurrentGeneration, type DatasetMeta, type Generation } from './layout.js';
import { acquireLock, type LockOptions } from './lock.js';

/** osv.dev's public export bucket. */
export const DEFAULT_SOURCE = 'https://osv-vulnerabilities.storage.googleapis.com/';

/** The biggest all.zip accepted (osv.dev's largest are a few hundred MB). */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 4 * 1024 * 1024 * 1024;

export interface UpdateOptions {
  root: string;
  /** Base URL of a bucket-like mirror (ends in '/'). */
  source: URL;
  /** `--ecosystem` values ('Maven', 'Debian:12'); undefined: what the cache holds, else every family custody matches. */
  ecosystems?: string[];
  client: HttpClient;
  maxDownloadBytes: number;
  log: Logger;
  now(): Date;
  signal?: AbortSignal;
  lock: Pick<LockOptions, 'pid' | 'isAlive' | 'waitMs'>;
}

/** What happened to one dataset. */
export interface DatasetOutcome {
  name: string;
  /** downloaded: new data; not-modified: the source said 304; kept: not asked for, or the download failed and the old data stays. */
  action: 'downloaded' | 'not-modified' | 'kept' | 'failed' | 'not-offered';
  records?: number;
  bytes?: number;
  detail?: string;
}

export interface UpdateResult {
  root: string;
  /** The generation now current (undefined when nothing could be stored). */
  generation?: string;
  source: string;
  datasets: DatasetOutcome[];
  /** Bytes transferred in all. */
  transferred: number;
  /** Set when something failed: the error to exit with (its message says what was kept). */
  error?: AuditError;
}

/** A requested bucket directory and the releases to keep (undefined: all of it). */
interface Wanted {
  bucket: string;
  keep?: string[];
  explicit: boolean;
}

/**
 * Update the cache from `source`. Failed datasets keep their previous data; the new generation is
 * committed with everything that worked, and `result.error` says what did not.
 * @throws InputError VULNDB_LOCKED / VULNDB_WRITE_FAILED (nothing changed), UsageError for an
 *   ecosystem the source does not offer; an abort (SIGINT) is rethrown after removing the partial generation.
 */
export async function updateVulnDb(o: UpdateOptions): Promise<UpdateResult> {
  const lock = await acquireLock(o.root, { ...o.lock, log: o.log, now: o.now, ...(o.signal ? { signal: o.signal } : {}) });
  try {
    await removeLeftovers(o.root);
    const prev = await currentOrNothing(o.root, o.log);
    let offered: Set<string> | undefined;
    try {
      offered = await offeredEcosystems(o);
    } catch (err) {
      // The source cannot be reached at all: nothing changes, and the message says what stays in use.
      if (err instanceof NetworkError && prev) {
        throw new NetworkError(err.code, `${err.message}; nothing was changed: the data in use (${prev.manifest.datasets.map((d) => d.name).join(', ')}; generation ${prev.name}) stays`, {
          cause: err,
          ...(err.hint !== undefined ? { hint: err.hint } : {}),
        });
      }
      throw err;
    }
    const wanted = resolveWanted(o.ecosystems, prev, offered);
    const gen = await startGeneration(o.root, o.now());
    try {
      return await fill(o, prev, gen, wanted);
    } catch (err) {
      await discardGeneration(gen);
      throw err;
    }
  } finally {
    await lock.release();
  }
}

async function fill(o: UpdateOptions, prev: Generation | undefined, gen: PartialGeneration, wanted: Wanted[]): Promise<UpdateResult> {
  const source = redactUrl(o.source);
  const result: UpdateResult = { root: o.root, source, datasets: [], transferred: 0 };
  const datasets: DatasetMeta[] = [];
  const failures: AuditError[] = [];
  const kept = new Set<string>();
  for (const w of wanted) {
    o.signal?.throwIfAborted();
    const old = prev?.manifest.datasets.find((d) => d.name === w.bucket);
    // Ask conditionally only when the data in use is the same selection and its index is readable: a 304
    // carries the old index over, so a damaged one must be downloaded again instead.
    const sameShape = old !== undefined && old.origin === 'download' && sameKeep(old.keep, w.keep) && indexReadable(join(prev!.dir, old.file), o.log);
    const url = new URL(`${encodeURIComponent(w.bucket)}/all.zip`, o.source);
    const file = datasetFile(w.bucket);
    const zipPath = join(gen.dir, `${file}.zip.part`);
    let fetched: Fetched;
    try {
      fetched = await o.client.download(url, zipPath, {
        ...(sameShape && (old.etag || old.lastModified) ? { validators: { ...(old.etag ? { etag: old.etag } : {}), ...(old.lastModified ? { lastModified: old.lastModified } : {}) } } : {}),
        maxBytes: o.maxDownloadBytes,
        onProgress: (received, total) => o.log.progress(`${w.bucket}: ${mb(received)}${total !== undefined ? ` / ${mb(total)}` : ''}`),
      });
    } catch (err) {
      await rm(zipPath, { force: true });
      if (o.signal?.aborted || !(err instanceof NetworkError || (err instanceof InputError && err.code === 'VULNDB_DOWNLOAD_TOO_LARGE'))) throw err;
      failures.push(err);
      result.datasets.push(await keepOld(o, prev, gen, old, datasets, kept, w.bucket, `${err.message}`));
      continue;
    }
    if (fetched.status === 'not-modified' && old !== undefined && prev !== undefined) {
      await carryOver(prev.dir, gen, old.file);
      kept.add(old.name);
      datasets.push({ ...old, checkedAt: o.now().toISOString() });
      result.datasets.push({ name: w.bucket, action: 'not-modified', records: old.records });
      continue;
    }
    if (fetched.status === 'missing') {
      if (w.explicit) {
        failures.push(new NetworkError('VULNDB_NOT_OFFERED', `${redactUrl(url)} does not exist (HTTP ${fetched.httpStatus}): the source has no ${w.bucket} data`, { hint: 'check the ecosystem name (case matters: PyPI, crates.io, Red Hat) and the --source URL' }));
        result.datasets.push(await keepOld(o, prev, gen, old, datasets, kept, w.bucket, `not offered by the source (HTTP ${fetched.httpStatus})`));
      } else {
        result.datasets.push(old ? await keepOld(o, prev, gen, old, datasets, kept, w.bucket, 'not offered by the source') : { name: w.bucket, action: 'not-offered' });
      }
      continue;
    }
    if (fetched.status !== 'ok') continue;
    result.transferred += fetched.bytes;
    o.log.progress(`${w.bucket}: indexing`);
    const indexPath = join(gen.dir, file);
    const builder = createDatasetBuilder(indexPath, w.keep);
    try {
      await readOsvZip(zipPath, DEFAULT_OSV_LIMITS, (bytes, name, entry) => builder.add(bytes, name.slice(zipPath.length + 2), entry.deflated));
    } catch (err) {
      await builder.abort();
      await rm(zipPath, { force: true });
      if (o.signal?.aborted) throw err;
      if (err instanceof InputError && err.code.startsWith('VULN_OSV_ZIP')) {
        const e = new InputError('VULNDB_CORRUPT_DOWNLOAD', `the ${w.bucket} data from ${redactUrl(url)} is corrupt (${err.message})`, { cause: err, hint: 'run the update again; if it persists the mirror serves a damaged file' });
        failures.push(e);
        result.datasets.push(await keepOld(o, prev, gen, old, datasets, kept, w.bucket, 'the download was corrupt'));
        continue;
      }
      throw writeError(indexPath, err);
    }
    let counts;
    try {
      counts = builder.finish();
    } catch (err) {
      await builder.abort();
      throw writeError(indexPath, err);
    }
    await rm(zipPath, { force: true });
    const now = o.now().toISOString();
    const meta: DatasetMeta = {
      name: w.bucket,
      file,
      ...(w.keep ? { keep: w.keep } : {}),
      origin: 'download',
      source: redactUrl(url),
      fetchedAt: now,
      checkedAt: now,
      ...(fetched.etag ? { etag: fetched.etag } : {}),
      ...(fetched.lastModified ? { lastModified: fetched.lastModified } : {}),
      sha256: fetched.sha256,
      sourceBytes: fetched.bytes,
      indexBytes: (await stat(indexPath)).size,
      ...counts,
    };
    datasets.push(meta);
    kept.add(meta.name);
    result.datasets.push({ name: w.bucket, action: 'downloaded', records: counts.records, bytes: fetched.bytes, ...(counts.skipped > 0 ? { detail: `${counts.skipped} invalid records skipped` } : {}) });
  }
  // Datasets not asked for this time stay as they are.
  for (const old of prev?.manifest.datasets ?? []) {
    if (kept.has(old.name) || wanted.some((w) => w.bucket === old.name)) continue;
    await carryOver(prev!.dir, gen, old.file);
    datasets.push(old);
    result.datasets.push({ name: old.name, action: 'kept', records: old.records, detail: old.origin === 'import' ? 'imported; not updated from the source' : 'not asked for' });
  }
  if (datasets.length === 0) {
    await discardGeneration(gen);
  } else {
    result.generation = await commitGeneration(o.root, gen, o.now(), datasets);
    await removeOldGenerations(o.root, result.generation, prev?.name);
  }
  if (failures.length > 0) result.error = combine(failures, result);
  return result;
}

/** Keep the previous data of a dataset whose update failed (if there was any). */
async function keepOld(o: UpdateOptions, prev: Generation | undefined, gen: PartialGeneration, old: DatasetMeta | undefined, datasets: DatasetMeta[], kept: Set<string>, name: string, why: string): Promise<DatasetOutcome> {
  if (old === undefined || prev === undefined) return { name, action: 'failed', detail: `${why}; no previous data` };
  await carryOver(prev.dir, gen, old.file);
  datasets.push(old);
  kept.add(old.name);
  return { name, action: 'failed', records: old.records, detail: `${why}; kept the data ${old.fetchedAt ? `fetched ${old.fetchedAt}` : `imported from ${old.source}`}` };
}

/** One error for the run: the first failure's kind (network: 5, corrupt: 3), naming every failure and what was kept. */
function combine(failures: AuditError[], result: UpdateResult): AuditError {
  const first = failures[0]!;
  const keptOld = result.datasets.filter((d) => d.action === 'failed' && d.records !== undefined).map((d) => d.name);
  const none = result.datasets.filter((d) => d.action === 'failed' && d.records === undefined).map((d) => d.name);
  const parts = [failures.map((f) => f.message).join('; ')];
  if (keptOld.length > 0) parts.push(`the previous data stays in use for ${keptOld.join(', ')}`);
  if (none.length > 0) parts.push(`no data for ${none.join(', ')}`);
  const message = parts.join('; ');
  const options = { cause: first, ...(first.hint !== undefined ? { hint: first.hint } : {}) };
  // The exit code is the first failure's (network 5, corrupt download 3); the message names all of them.
  return first instanceof NetworkError ? new NetworkError(first.code, message, options) : new InputError(first.code, message, options);
}

function indexReadable(path: string, log: Logger): boolean {
  try {
    openIndex(path).close();
    return true;
  } catch (err) {
    log.warn(`the index ${path} cannot be read (${err instanceof Error ? err.message : String(err)}); downloading that ecosystem again`);
    return false;
  }
}

function sameKeep(a: string[] | undefined, b: string[] | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The ecosystems the source lists in `ecosystems.txt` (undefined when it has none). */
async function offeredEcosystems(o: UpdateOptions): Promise<Set<string> | undefined> {
  const text = await o.client.text(new URL('ecosystems.txt', o.source), 1024 * 1024);
  if (text === undefined) return undefined;
  return new Set(
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#')),
  );
}

/**
 * What to fetch: the `--ecosystem` values grouped by bucket directory (osv.dev exports 'Debian:12'
 * inside 'Debian/all.zip'); else the downloaded datasets already cached; else every family custody
 * matches that the source offers.
 * @throws UsageError VULNDB_UNKNOWN_ECOSYSTEM for a requested ecosystem the source's list lacks.
 */
function resolveWanted(requested: string[] | undefined, prev: Generation | undefined, offered: Set<string> | undefined): Wanted[] {
  if (requested && requested.length > 0) {
    const byBucket = new Map<string, Wanted>();
    for (const e of requested) {
      const bucket = ecosystemFamily(e.trim());
      if (offered !== undefined && !offered.has(bucket)) {
        const near = [...offered].filter((x) => x.toLowerCase() === bucket.toLowerCase());
        throw new UsageError('VULNDB_UNKNOWN_ECOSYSTEM', `the source does not offer the ecosystem ${JSON.stringify(bucket)}`, {
          hint: near.length > 0 ? `did you mean ${near.join(' or ')}? (names are case-sensitive)` : 'its ecosystems.txt lists what it offers',
        });
      }
      const w = byBucket.get(bucket) ?? { bucket, keep: [], explicit: true };
      if (e.trim() === bucket) w.keep = undefined;
      else if (w.keep !== undefined) w.keep = [...new Set([...w.keep, e.trim()])].sort();
      byBucket.set(bucket, w);
    }
    return [...byBucket.values()];
  }
  const cached = (prev?.manifest.datasets ?? []).filter((d) => d.origin === 'download');
  if (cached.length > 0) return cached.map((d) => ({ bucket: d.name, ...(d.keep ? { keep: d.keep } : {}), explicit: false }));
  return MATCHED_FAMILIES.filter((f) => offered === undefined || offered.has(f)).map((bucket) => ({ bucket, explicit: false }));
}

/** The generation in use; a damaged cache is reported and replaced rather than blocking the update. */
async function currentOrNothing(root: string, log: Logger): Promise<Generation | undefined> {
  try {
    return await readCurrentGeneration(root);
  } catch (err) {
    if (err instanceof InputError && err.code === 'VULNDB_CORRUPT') {
      log.warn(`${err.message}; building a new one`);
      return undefined;
    }
    throw err;
  }
}

/** Partial generations of writers that died (we hold the lock: nobody else is writing). */
async function removeLeftovers(root: string): Promise<void> {
  for (const g of await listGenerations(root)) if (g.partial) await rm(g.dir, { recursive: true, force: true });
}

/** After a commit, keep the new generation and the one before it (a scan may still be reading it). */
async function removeOldGenerations(root: string, current: string, previous: string | undefined): Promise<void> {
  for (const g of await listGenerations(root)) {
    if (g.partial || g.name === current || g.name === previous) continue;
    await rm(g.dir, { recursive: true, force: true });
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
