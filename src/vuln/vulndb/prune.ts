/**
 * `custody vulndb prune`: drop what the cache no longer needs — generations other than the current
 * one and anything a killed writer left behind; with `--ecosystem`, datasets the user no longer wants
 * (a new generation without them); with `--all`, the whole cache.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { carryOver, commitGeneration, discardGeneration, exclusiveBytes, listGenerations, startGeneration } from './generation.js';
import { currentFile, generationsDir, readCurrentGeneration } from './layout.js';
import { acquireLock, type LockOptions } from './lock.js';

export interface PruneOptions {
  root: string;
  /** Datasets to drop ('Debian', 'Maven'). */
  ecosystems?: string[];
  /** Remove everything. */
  all?: boolean;
  log: Logger;
  now(): Date;
  signal?: AbortSignal;
  lock: Pick<LockOptions, 'pid' | 'isAlive' | 'waitMs'>;
}

export interface PruneResult {
  root: string;
  /** What was removed: 'generation g-…', 'dataset Debian', 'partial generation g-…'. */
  removed: string[];
  /** Bytes freed (files of removed generations; shared hard links are counted where they were last referenced). */
  freed: number;
}

/**
 * Prune the cache. Removing nothing is not an error.
 * @throws UsageError VULNDB_PRUNE_UNKNOWN for a dataset the cache does not hold.
 */
export async function pruneVulnDb(o: PruneOptions): Promise<PruneResult> {
  const result: PruneResult = { root: o.root, removed: [], freed: 0 };
  const lock = await acquireLock(o.root, { ...o.lock, log: o.log, now: o.now, ...(o.signal ? { signal: o.signal } : {}) });
  try {
    if (o.all) {
      const gens = await listGenerations(o.root);
      for (const g of gens) {
        result.freed += g.bytes;
        result.removed.push(`${g.partial ? 'partial generation' : 'generation'} ${g.name.replace(/\.partial$/, '')}`);
      }
      // `current` first: from here on readers see "no data", never a generation being deleted.
      await rm(currentFile(o.root), { force: true });
      await rm(generationsDir(o.root), { recursive: true, force: true });
      return result;
    }
    let current = await readCurrentGeneration(o.root).catch(() => undefined);
    if (o.ecosystems && o.ecosystems.length > 0 && current) {
      const drop = new Set(o.ecosystems);
      const unknown = [...drop].filter((e) => !current!.manifest.datasets.some((d) => d.name === e));
      if (unknown.length > 0) {
        throw new UsageError('VULNDB_PRUNE_UNKNOWN', `the cache holds no ${unknown.join(', ')} data`, {
          hint: `it holds: ${current.manifest.datasets.map((d) => d.name).join(', ') || 'nothing'}`,
        });
      }
      const gen = await startGeneration(o.root, o.now());
      try {
        const keep = current.manifest.datasets.filter((d) => !drop.has(d.name));
        for (const d of keep) await carryOver(current.dir, gen, d.file);
        if (keep.length === 0) {
          await discardGeneration(gen);
          await rm(currentFile(o.root), { force: true });
        } else {
          await commitGeneration(o.root, gen, o.now(), keep);
        }
      } catch (err) {
        await discardGeneration(gen);
        throw err;
      }
      for (const d of current.manifest.datasets.filter((x) => drop.has(x.name))) result.removed.push(`dataset ${d.name}`);
      current = await readCurrentGeneration(o.root).catch(() => undefined);
    } else if (o.ecosystems && o.ecosystems.length > 0) {
      throw new UsageError('VULNDB_PRUNE_UNKNOWN', `the cache holds no ${o.ecosystems.join(', ')} data`, { hint: 'it holds nothing' });
    }
    for (const g of await listGenerations(o.root)) {
      if (current && g.name === current.name) continue;
      // Hard-linked files are still used by the current generation; count only what is gone for good.
      result.freed += await exclusiveBytes(g.dir);
      await rm(join(generationsDir(o.root), g.name), { recursive: true, force: true });
      result.removed.push(`${g.partial ? 'partial generation' : 'old generation'} ${g.name.replace(/\.partial$/, '')}`);
    }
    return result;
  } finally {
    await lock.release();
  }
}
