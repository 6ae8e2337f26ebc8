/**
 * `custody vulndb import DIR|ZIP`: OSV records that arrived by other means (an air-gapped copy of
 * osv.dev's bucket, a vendor's export, a directory of `<ID>.json`) become datasets of the cache, one
 * per ecosystem family, replacing the datasets of those families. Imported data has no fetch time:
 * its age is its newest record's `modified`.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { isRecord } from '../data.js';
import { ecosystemFamily } from '../osv/ecosystems.js';
import { DEFAULT_OSV_LIMITS, readOsvInput } from '../osv/store.js';
import { createDatasetBuilder, type DatasetBuilder } from './build.js';
import { carryOver, commitGeneration, discardGeneration, startGeneration, writeError } from './generation.js';
import { datasetFile, readCurrentGeneration, type DatasetMeta } from './layout.js';
import { acquireLock, type LockOptions } from './lock.js';

export interface ImportOptions {
  root: string;
  path: string;
  log: Logger;
  now(): Date;
  signal?: AbortSignal;
  lock: Pick<LockOptions, 'pid' | 'isAlive' | 'waitMs'>;
}

export interface ImportResult {
  root: string;
  generation: string;
  source: string;
  datasets: { name: string; records: number; skipped: number; withdrawn: number; replaced: boolean }[];
  /** Records with no affected package: nothing to match them against (counted, not stored). */
  unattached: number;
}

/**
 * Import every record under `path`.
 * @throws InputError VULN_OSV_DB_NOT_FOUND / VULN_OSV_ZIP_INVALID / VULN_OSV_DB_TOO_LARGE (nothing
 *   changed), VULNDB_IMPORT_EMPTY when no valid record was found, VULNDB_WRITE_FAILED.
 */
export async function importVulnDb(o: ImportOptions): Promise<ImportResult> {
  const source = resolve(o.path);
  try {
    await stat(source);
  } catch (err) {
    throw new InputError('VULN_OSV_DB_NOT_FOUND', `cannot read ${source}`, { cause: err, hint: 'pass a directory of OSV JSON files or an osv.dev all.zip' });
  }
  const lock = await acquireLock(o.root, { ...o.lock, log: o.log, now: o.now, ...(o.signal ? { signal: o.signal } : {}) });
  try {
    const prev = await readCurrentGeneration(o.root).catch((err: unknown) => {
      // A damaged cache is replaced by the import, not merged with: say so.
      o.log.warn(`${err instanceof Error ? err.message : String(err)}; the import starts a new database`);
      return undefined;
    });
    const gen = await startGeneration(o.root, o.now());
    try {
      const builders = new Map<string, DatasetBuilder>();
      const hash = createHash('sha256');
      let bytesRead = 0;
      let unattached = 0;
      let seen = 0;
      await readOsvInput(source, o.log, DEFAULT_OSV_LIMITS, (bytes, name, entry) => {
        if (o.signal?.aborted) throw o.signal.reason instanceof Error ? o.signal.reason : new Error('aborted');
        hash.update(bytes);
        bytesRead += bytes.length;
        if (++seen % 1000 === 0) o.log.progress(`import: ${seen} records read`);
        const families = familiesOf(bytes);
        // A record that cannot be read still has to be counted: it goes to the builder of the family
        // its path names (osv.dev layout <Family>/…), which counts it as skipped.
        const targets = families.length > 0 ? families : [familyFromPath(name, source) ?? '(unknown)'];
        if (families.length === 0 && looksValidWithoutAffected(bytes)) {
          unattached++;
          return;
        }
        for (const fam of targets) {
          let b = builders.get(fam);
          if (!b) {
            try {
              b = createDatasetBuilder(join(gen.dir, datasetFile(fam)));
            } catch (err) {
              throw writeError(gen.dir, err);
            }
            builders.set(fam, b);
          }
          b.add(bytes, name.startsWith(source) ? name.slice(source.length).replace(/^[/!]+/, '') : name, targets.length === 1 ? entry?.deflated : undefined);
        }
      });
      const now = o.now().toISOString();
      const digest = hash.digest('hex');
      const imported: DatasetMeta[] = [];
      for (const [name, b] of builders) {
        const counts = b.finish();
        const file = datasetFile(name);
        imported.push({ name, file, origin: 'import', source, sha256: digest, sourceBytes: bytesRead, indexBytes: (await stat(join(gen.dir, file))).size, ...counts, checkedAt: now });
      }
      if (imported.every((d) => d.records === 0 && d.withdrawn === 0)) {
        throw new InputError('VULNDB_IMPORT_EMPTY', `no valid OSV records found in ${source}`, {
          hint: `${imported.reduce((n, d) => n + d.skipped, 0)} files were not valid OSV records; expected <ID>.json files or osv.dev all.zip files`,
        });
      }
      const datasets = [...imported];
      for (const old of prev?.manifest.datasets ?? []) {
        if (builders.has(old.name)) continue;
        await carryOver(prev!.dir, gen, old.file);
        datasets.push(old);
      }
      const generation = await commitGeneration(o.root, gen, o.now(), datasets);
      return {
        root: o.root,
        generation,
        source,
        unattached,
        datasets: imported.map((d) => ({ name: d.name, records: d.records, skipped: d.skipped, withdrawn: d.withdrawn, replaced: prev?.manifest.datasets.some((p) => p.name === d.name) ?? false })),
      };
    } catch (err) {
      await discardGeneration(gen);
      throw err;
    }
  } finally {
    await lock.release();
  }
}

/** The ecosystem families a record's affected entries name (cheap pre-read; the builder validates properly). */
function familiesOf(bytes: Buffer): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    return [];
  }
  if (!isRecord(doc) || !Array.isArray(doc.affected)) return [];
  const out = new Set<string>();
  for (const a of doc.affected as unknown[]) {
    const eco = isRecord(a) && isRecord(a.package) && typeof a.package.ecosystem === 'string' ? a.package.ecosystem : undefined;
    if (eco) out.add(ecosystemFamily(eco));
  }
  return [...out];
}

function looksValidWithoutAffected(bytes: Buffer): boolean {
  try {
    const doc = JSON.parse(bytes.toString('utf8')) as unknown;
    return isRecord(doc) && typeof doc.id === 'string' && (!Array.isArray(doc.affected) || doc.affected.length === 0);
  } catch {
    return false;
  }
}

/** 'osv/Maven/all.zip!/GHSA-….json' → 'Maven' (the bucket directory), when the path follows osv.dev's layout. */
function familyFromPath(name: string, root: string): string | undefined {
  const rel = name.startsWith(root) ? name.slice(root.length).replace(/^\/+/, '') : name;
  const first = rel.split(/[/!]/)[0];
  return first && !first.toLowerCase().endsWith('.json') && !first.toLowerCase().endsWith('.zip') ? first : undefined;
}
