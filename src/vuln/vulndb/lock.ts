/**
 * One writer at a time: `vulndb update|import|prune` hold `<root>/lock` (created with O_EXCL) while
 * they write. A second writer waits for it; a lock whose process is gone is taken over. Readers
 * (scan) never lock: generations are immutable and `current` is switched by rename.
 */
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { InputError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { lockFile } from './layout.js';

export interface LockOptions {
  /** This process. */
  pid: number;
  /** Is a process alive (injected: only cli/ touches process)? */
  isAlive(pid: number): boolean;
  /** How long to wait for another writer (ms). */
  waitMs: number;
  log: Logger;
  signal?: AbortSignal;
  now(): Date;
}

/** A held lock; `release()` removes it (idempotent). */
export interface HeldLock {
  release(): Promise<void>;
}

const POLL_MS = 200;

/**
 * Take the cache's write lock, waiting up to `waitMs` for another writer.
 * @throws InputError VULNDB_LOCKED when another live writer holds it past the wait.
 */
export async function acquireLock(root: string, o: LockOptions): Promise<HeldLock> {
  const path = lockFile(root);
  try {
    await mkdir(root, { recursive: true });
  } catch (err) {
    throw new InputError('VULNDB_WRITE_FAILED', `cannot create the vulnerability database directory ${root} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, {
      cause: err,
      hint: 'pass --vulndb-dir a directory you can write',
    });
  }
  const deadline = Date.now() + o.waitMs;
  let announced = false;
  for (;;) {
    try {
      let fh;
      try {
        fh = await open(path, 'wx');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw err;
        throw new InputError('VULNDB_WRITE_FAILED', `cannot create the lock ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, {
          cause: err,
          hint: 'pass --vulndb-dir a directory you can write',
        });
      }
      try {
        await fh.writeFile(`${JSON.stringify({ pid: o.pid, since: o.now().toISOString() })}\n`);
      } finally {
        await fh.close();
      }
      let released = false;
      return {
        release: async () => {
          if (released) return;
          released = true;
          await rm(path, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await readHolder(path);
    if (holder === 'young') {
      await sleep(POLL_MS, o.signal);
      continue;
    }
    if (holder === undefined || !o.isAlive(holder.pid)) {
      // The writer died without releasing (kill -9, power loss): its half-built generation is never
      // `current`, so taking the lock over is safe.
      o.log.warn(`vulndb: removing a stale lock left by process ${holder?.pid ?? '?'}${holder?.since ? ` (since ${holder.since})` : ''}`);
      await rm(path, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      throw new InputError('VULNDB_LOCKED', `another custody process (pid ${holder.pid}, since ${holder.since ?? '?'}) is writing the vulnerability database in ${root}`, {
        hint: 'wait for it to finish, or pass --lock-timeout SECONDS to wait longer',
      });
    }
    if (!announced) {
      o.log.info(`vulndb: waiting for process ${holder.pid}, which is writing ${root}`);
      announced = true;
    }
    await sleep(POLL_MS, o.signal);
  }
}

/** The lock's holder; 'young' for a lock created a moment ago and not written yet; undefined when unreadable. */
async function readHolder(path: string): Promise<{ pid: number; since?: string } | 'young' | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'young';
    return undefined;
  }
  try {
    const doc = JSON.parse(text) as { pid?: unknown; since?: unknown };
    if (typeof doc.pid !== 'number' || !Number.isInteger(doc.pid) || doc.pid <= 0) return undefined;
    return typeof doc.since === 'string' ? { pid: doc.pid, since: doc.since } : { pid: doc.pid };
  } catch {
    // Created with O_EXCL but not written yet by its owner: give it a few seconds before calling it stale.
    try {
      return Date.now() - (await stat(path)).mtimeMs < 5_000 ? 'young' : undefined;
    } catch {
      return 'young';
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
