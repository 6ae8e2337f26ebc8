/**
 * worker_threads entry for `sbom query` scans: takes batches from the shared counter until none are left,
 * posting each batch's outcomes, then `done`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { scanBatch, type ScanWorkerData, type ScanWorkerMessage } from './scan-file.js';

const { batches, job, counter } = workerData as ScanWorkerData;
const post = (m: ScanWorkerMessage): void => parentPort!.postMessage(m);

async function work(): Promise<void> {
  for (let id = Atomics.add(counter, 0, 1); id < batches.length; id = Atomics.add(counter, 0, 1)) {
    post({ id, outcomes: await scanBatch(batches[id]!, job) });
  }
  post({ done: true });
}

work().catch((err: unknown) => post({ error: err instanceof Error ? err.message : String(err) }));
