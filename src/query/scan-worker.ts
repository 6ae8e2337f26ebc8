/** worker_threads entry for `sbom query` scans: receives batches of paths, answers with outcomes. */
import { parentPort } from 'node:worker_threads';
import { scanBatch, type ScanJob } from './scan-file.js';

interface Message {
  id: number;
  paths: { path: string; named: boolean }[];
  job: ScanJob;
}

parentPort?.on('message', (msg: Message) => {
  scanBatch(msg.paths, msg.job).then(
    (outcomes) => parentPort!.postMessage({ id: msg.id, outcomes }),
    (err: unknown) => parentPort!.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
