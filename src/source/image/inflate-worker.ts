/**
 * Gunzip of a gzip layer blob that sits in a local file (oci-dir, oci-archive, docker-archive), on a
 * worker thread, into a ring of fixed slots shared with this thread.
 *
 * Why: gunzipped on this thread, zlib inflates one output chunk ahead of the tar walk and no more, so
 * every burst of work here (a jar or a package database parsed the moment its bytes have passed) stalls
 * the inflate; and each inflated chunk is a fresh buffer for this thread's garbage collector. Inflated
 * on a worker, the inflate runs up to RING_SLOTS slots ahead whatever this thread is doing, and this
 * thread reads views of the same slots over and over, allocating nothing. On the 2.5 GB big-mix image
 * (oci-dir, 2 cores) this alone took `sbom generate` from 5.9 s to 4.9 s and its peak RSS from 220 to
 * 205 MB; with two layers walked side by side (squash.ts) it is 4.3 s, about one plain gunzip of its
 * layers (README, `npm run bench -- big-mix`).
 *
 * The worker's code is plain JavaScript built from `inflateWorkerMain` (it imports nothing and takes
 * what it needs as arguments), so the same code runs under the TypeScript sources and from the bundle.
 * Each yielded chunk is a view of a slot and is valid only until the next one is asked for.
 */
import { Worker } from 'node:worker_threads';
import { createGunzip } from 'node:zlib';
import type { FileRange } from './store.js';

/** Slots of the ring, and bytes in each. */
const RING_SLOTS = 8;
const SLOT_BYTES = 1 << 20;
/** Layers smaller than this (compressed) are gunzipped in-thread: a worker takes ~20-40 ms to start. */
export const WORKER_MIN_LAYER_BYTES = 16 << 20;

// Control words (Int32Array over a SharedArrayBuffer).
const SEQ = 0; // bumped by the worker on every change (slot published, end, failure): what this thread waits on
const READ = 1; // slots this thread has finished with; -1 tells the worker to stop
const STATE = 2; // 0 running, 1 done (every slot published), 2 failed (the reason posted as a message)
const WRITTEN = 3; // slots the worker has published
const LENGTHS = 4; // RING_SLOTS words: bytes in each slot

interface InflateJob {
  file: string;
  offset: number;
  size: number;
  control: SharedArrayBuffer;
  ring: SharedArrayBuffer;
  slots: number;
  slotBytes: number;
}

interface Failure {
  message: string;
  code?: string;
}

/**
 * The worker's whole program. It must not refer to anything outside itself: it is turned into source text
 * (Function.prototype.toString) and evaluated in the worker.
 *
 * It reads the range with plain positioned reads and inflates straight into the ring's slots through the
 * zlib handle's synchronous write (the one zlib.gunzipSync uses), so inflating costs no thread-pool round
 * trip and no buffer per chunk; the loop blocks (Atomics.wait) only while the ring is full.
 */
function inflateWorkerMain(req: (id: string) => unknown, job: InflateJob, post: (f: Failure) => void): void {
  const { openSync, readSync, closeSync } = req('node:fs') as typeof import('node:fs');
  const zlib = req('node:zlib') as typeof import('node:zlib');
  const c = new Int32Array(job.control);
  const ring = Buffer.from(job.ring);
  let written = 0;
  let fill = 0;
  const changed = (): void => {
    Atomics.add(c, 0, 1);
    Atomics.notify(c, 0);
  };
  const publish = (): void => {
    c[4 + (written % job.slots)] = fill;
    written++;
    Atomics.store(c, 3, written);
    fill = 0;
    changed();
  };
  // Wait until a slot is free; false when told to stop.
  const room = (): boolean => {
    for (;;) {
      const read = Atomics.load(c, 1);
      if (read < 0) return false;
      if (written - read < job.slots) return true;
      Atomics.wait(c, 1, read, 1000);
    }
  };
  let fd: number | undefined;
  const gunzip = zlib.createGunzip() as unknown as SyncZlib;
  try {
    let failure: Error | undefined;
    const handle = gunzip._handle;
    const state = gunzip._writeState;
    // zlib reports a corrupt stream through the handle's onerror, during writeSync.
    handle.onerror = (message: string, errno: number, code: string) => {
      failure ??= Object.assign(new Error(message), { errno, code });
    };
    fd = openSync(job.file, 'r');
    const input = Buffer.allocUnsafe(1 << 20);
    let position = job.offset;
    const end = job.offset + job.size;
    let finished = false;
    while (!finished) {
      const want = Math.min(input.length, end - position);
      const got = want > 0 ? readSync(fd, input, 0, want, position) : 0;
      if (want > 0 && got === 0) throw Object.assign(new Error(`${job.file} ended before the layer's ${job.size} bytes`), { code: 'CUSTODY_SHORT_READ' });
      position += got;
      finished = position >= end;
      // Z_FINISH once the input is all in: a stream cut short then says "unexpected end of file".
      const flush = finished ? zlib.constants.Z_FINISH : zlib.constants.Z_NO_FLUSH;
      let inOff = 0;
      for (;;) {
        if (fill === 0 && !room()) return;
        const at = (written % job.slots) * job.slotBytes + fill;
        const space = job.slotBytes - fill;
        handle.writeSync(flush, input, inOff, got - inOff, ring, at, space);
        if (failure !== undefined) throw failure;
        const availOut = state[0]!;
        inOff = got - state[1]!;
        fill += space - availOut;
        if (fill === job.slotBytes) publish();
        // Output space left over: this input is used up (and, at Z_FINISH, the stream is complete).
        if (availOut !== 0) break;
      }
    }
    if (fill > 0) publish();
    Atomics.store(c, 2, 1);
    changed();
  } catch (e) {
    const err = e as { message?: unknown; code?: unknown };
    post({ message: typeof err?.message === 'string' ? err.message : String(e), ...(typeof err?.code === 'string' ? { code: err.code } : {}) });
    Atomics.store(c, 2, 2);
    changed();
  } finally {
    if (fd !== undefined) closeSync(fd);
    gunzip.close();
  }
}

/** The parts of a zlib stream's internals the worker writes through (what zlib.gunzipSync itself uses). */
interface SyncZlib {
  _handle: {
    writeSync(flush: number, input: Buffer, inOff: number, inLen: number, out: Buffer, outOff: number, outLen: number): void;
    onerror: (message: string, errno: number, code: string) => void;
  };
  _writeState: Uint32Array;
  close(): void;
}

/** Does this Node's zlib have the synchronous handle write the worker relies on? (Else layers are gunzipped in-thread.) */
export const workerInflateSupported: boolean = (() => {
  try {
    const probe = createGunzip() as unknown as Partial<SyncZlib>;
    const ok = typeof probe._handle?.writeSync === 'function' && probe._writeState instanceof Uint32Array;
    probe.close?.();
    return ok;
  } catch {
    return false;
  }
})();

const SCRIPT = `const wt = require('node:worker_threads');
(${inflateWorkerMain.toString()})(require, wt.workerData, (f) => wt.parentPort.postMessage(f));`;

/** Atomics.waitAsync (Node >= 16; typed only from TypeScript's es2024 library on). */
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, index: number, value: number, timeout: number): { async: boolean; value: Promise<string> | string };
}).waitAsync;

/** An error of the worker's gunzip or read, as zlib or fs gave it (message and code kept). */
export class InflateError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'InflateError';
  }
}

/**
 * The gunzipped bytes of `range` (a gzip stream in a local file), chunk by chunk. Each chunk is a view of a
 * shared slot, valid until the next one is asked for. Stopping early (return, throw) stops the worker.
 */
export async function* inflateFileRange(range: FileRange): AsyncGenerator<Buffer, void, undefined> {
  const control = new SharedArrayBuffer(4 * (LENGTHS + RING_SLOTS));
  const ringBuffer = new SharedArrayBuffer(RING_SLOTS * SLOT_BYTES);
  const c = new Int32Array(control);
  const ring = Buffer.from(ringBuffer);
  const job: InflateJob = { file: range.file, offset: range.offset, size: range.size, control, ring: ringBuffer, slots: RING_SLOTS, slotBytes: SLOT_BYTES };
  const worker = new Worker(SCRIPT, { eval: true, workerData: job, resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 } });
  let failure: Failure | undefined;
  let exited = false;
  const settled = new Promise<void>((resolve) => {
    worker.on('message', (f: Failure) => {
      failure ??= f;
      resolve();
    });
    worker.on('error', (e: Error) => {
      failure ??= { message: e.message };
      resolve();
    });
    worker.on('exit', () => {
      exited = true;
      resolve();
    });
  });
  let read = 0;
  try {
    for (;;) {
      const seq = Atomics.load(c, SEQ);
      if (Atomics.load(c, WRITTEN) > read) {
        const slot = read % RING_SLOTS;
        const at = slot * SLOT_BYTES;
        yield ring.subarray(at, at + c[LENGTHS + slot]!);
        read++;
        Atomics.store(c, READ, read);
        Atomics.notify(c, READ);
        continue;
      }
      const state = Atomics.load(c, STATE);
      if (state === 1) {
        // Every slot was published before the state changed; one may have landed since WRITTEN was read.
        if (Atomics.load(c, WRITTEN) > read) continue;
        return;
      }
      if (state === 2 || exited) {
        await settled;
        throw new InflateError(failure?.message ?? 'the gunzip worker stopped unexpectedly', failure?.code);
      }
      // Woken by the next change; the timeout only guards against a worker that died without one.
      const wait = waitAsync(c, SEQ, seq, 1000);
      if (wait.async) await wait.value;
    }
  } finally {
    Atomics.store(c, READ, -1);
    Atomics.notify(c, READ);
    void worker.terminate();
  }
}
