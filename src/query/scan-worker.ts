/** worker_threads entry for `sbom query` scans: receives batches of paths, answers with outcomes. */
import { parentPort } from 'node:worker_threads';
import type { QueryOptions } from './match.js';
import { scanBatch } from './scan-file.js';

interface Job {
  id: number;
  paths: { path: string; named: boolean }[];
  options: QueryOptions;
  maxBytes: number;
}

parentPort?.on('message', (job: Job) => {
  scanBatch(job.paths, job.options, job.maxBytes).then(
    (outcomes) => parentPort!.postMessage({ id: job.id, outcomes }),
    (err: unknown) => parentPort!.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
