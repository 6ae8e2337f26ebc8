/**
 * `sbom query` over files: expand named paths (directories recursively, symlinks not followed
 * inside them), scan in a worker_threads pool (both cores), collect a QueryResult.
 */
import { availableParallelism } from 'node:os';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { silentLogger } from '../core/log.js';
import { DECODE_LIMITS } from '../sbom/decode.js';
import { compileQuery, type QueryOptions } from './match.js';
import { sortMatches, type QueryResult, type SkippedFile } from './result.js';
import { scanBatch, type FileOutcome } from './scan-file.js';

export interface ScanOptions {
  logger?: Logger;
  /** Worker threads; default: available cores (1 = scan in this thread). */
  workers?: number;
  maxBytes?: number;
  signal?: AbortSignal;
}

export interface ExpandedPaths {
  files: { path: string; named: boolean }[];
  errors: SkippedFile[];
}

const MAX_DEPTH = 32;

/** Named files as they are; directories walked recursively (sorted, symlinks inside skipped). */
export async function expandPaths(paths: readonly string[]): Promise<ExpandedPaths> {
  const files: { path: string; named: boolean }[] = [];
  const errors: SkippedFile[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) return;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      errors.push({ path: dir, reason: `cannot read directory: ${errorMessage(err)}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p, depth + 1);
      else if (e.isFile()) files.push({ path: p, named: false });
    }
  };
  for (const p of paths) {
    let st;
    try {
      st = await stat(p);
    } catch (err) {
      errors.push({ path: p, reason: `cannot read: ${errorMessage(err)}` });
      continue;
    }
    if (st.isDirectory()) {
      const l = await lstat(p);
      if (l.isDirectory() || l.isSymbolicLink()) await walk(p, 0);
    } else if (st.isFile()) files.push({ path: p, named: true });
    else errors.push({ path: p, reason: 'not a regular file or directory' });
  }
  return { files, errors };
}

function workerUrl(): URL | undefined {
  const url = new URL('./scan-worker.js', import.meta.url);
  // Under the TypeScript sources (tests), there is no compiled worker: scan in-thread.
  return import.meta.url.endsWith('.js') ? url : undefined;
}

async function runPool(files: { path: string; named: boolean }[], options: QueryOptions, maxBytes: number, workers: number, onProgress: (done: number) => void, signal?: AbortSignal): Promise<FileOutcome[]> {
  const url = workerUrl();
  if (workers <= 1 || files.length < 16 || !url) {
    const out: FileOutcome[] = [];
    const BATCH = 32;
    for (let i = 0; i < files.length; i += BATCH) {
      if (signal?.aborted) break;
      out.push(...(await scanBatch(files.slice(i, i + BATCH), options, maxBytes)));
      onProgress(out.length);
    }
    return out;
  }
  const batchSize = Math.max(4, Math.min(64, Math.ceil(files.length / (workers * 8))));
  const batches: { path: string; named: boolean }[][] = [];
  for (let i = 0; i < files.length; i += batchSize) batches.push(files.slice(i, i + batchSize));
  const results: FileOutcome[][] = new Array(batches.length);
  let next = 0;
  let done = 0;
  const pool = Array.from({ length: Math.min(workers, batches.length) }, () => new Worker(url));
  try {
    await Promise.all(
      pool.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            let current = -1;
            const feed = (): void => {
              if (next >= batches.length || signal?.aborted) {
                resolve();
                return;
              }
              current = next++;
              w.postMessage({ id: current, paths: batches[current], options, maxBytes });
            };
            w.on('message', (msg: { id: number; outcomes?: FileOutcome[]; error?: string }) => {
              if (msg.error !== undefined) {
                reject(new Error(`query worker failed: ${msg.error}`));
                return;
              }
              results[msg.id] = msg.outcomes ?? [];
              done += results[msg.id]!.length;
              onProgress(done);
              feed();
            });
            w.on('error', reject);
            w.on('exit', (code) => {
              if (code !== 0 && current !== -1 && results[current] === undefined) reject(new Error(`query worker exited with code ${code}`));
            });
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results.flat();
}

/** Scan SBOM files and directories for packages matching `options`. */
export async function queryFiles(paths: readonly string[], options: QueryOptions, o: ScanOptions = {}): Promise<QueryResult> {
  compileQuery(options); // usage errors before any I/O
  const log = o.logger ?? silentLogger;
  const { files, errors } = await expandPaths(paths);
  const workers = o.workers ?? Math.max(1, availableParallelism());
  const outcomes = await runPool(files, options, o.maxBytes ?? DECODE_LIMITS.maxBytes, workers, (n) => log.progress(`scanned ${n}/${files.length} files`), o.signal);
  const result: QueryResult = { query: options, via: 'files', matches: [], filesScanned: 0, filesParsed: 0, filesMatched: 0, skipped: [], errors: [...errors], warnings: [] };
  for (const oc of outcomes) {
    if ('reason' in oc) {
      (oc.status === 'skipped' ? result.skipped : result.errors).push({ path: oc.path, reason: oc.reason });
    } else {
      result.filesScanned++;
      if (oc.parsed) result.filesParsed++;
      if (oc.status === 'matched') result.filesMatched++;
      result.matches.push(...oc.matches);
      result.warnings.push(...oc.warnings);
    }
  }
  sortMatches(result.matches);
  return result;
}
