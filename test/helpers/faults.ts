/**
 * Helpers for the fault-injection suite (test/e2e/faults.e2e.test.ts, test/real/faults.test.ts): run the
 * built CLI as another user (the tests run as root, which no permission stops), with its own TMPDIR, with
 * stdout sent to a file such as /dev/full, and interrupt it once a condition shows it is mid-run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, mkdtempSync, openSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, PROJECT_ROOT } from './run-cli.js';

/** uid/gid of `nobody` on Debian: permission bits apply to it (root bypasses them). */
export const NOBODY = 65534;

export interface FaultRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface FaultOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  stdin?: string;
  /** Run as this uid/gid (the test runs as root). */
  uid?: number;
  /** Send standard output to this file (e.g. /dev/full) instead of a pipe. */
  stdoutFile?: string;
  /** Called once the child runs; resolves when it should get `signal`. */
  interruptWhen?: (child: ChildProcess) => Promise<void>;
  signal?: NodeJS.Signals;
  timeoutMs?: number;
}

/** A private TMPDIR the child may write to (also as nobody), to check that nothing is left in it. */
export function privateTmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'custody-faults-tmp-'));
  chmodSync(d, 0o777);
  return d;
}

export function leftIn(dir: string): string[] {
  return readdirSync(dir).sort();
}

/** Run the built custody with `argv`. Never rejects for a non-zero exit. */
export function runFault(argv: readonly string[], o: FaultOptions = {}): Promise<FaultRun> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: '1', ...o.env })) if (v !== undefined) env[k] = v;
    const outFd = o.stdoutFile !== undefined ? openSync(o.stdoutFile, 'w') : undefined;
    const child = spawn(process.execPath, [BIN, ...argv], {
      cwd: o.cwd ?? PROJECT_ROOT,
      env,
      stdio: ['pipe', outFd ?? 'pipe', 'pipe'],
      ...(o.uid !== undefined ? { uid: o.uid, gid: o.uid } : {}),
    });
    if (outFd !== undefined) closeSync(outFd);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    if (o.interruptWhen) {
      o.interruptWhen(child).then(
        () => child.kill(o.signal ?? 'SIGINT'),
        (e: unknown) => {
          child.kill('SIGKILL');
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    }
    child.stdin!.end(o.stdin ?? '');
  });
}

/** Poll `test` every 20 ms until it holds (or throw after `ms`). */
export async function until(test: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error('the condition to interrupt on never held');
    await new Promise((r) => setTimeout(r, 20));
  }
}
