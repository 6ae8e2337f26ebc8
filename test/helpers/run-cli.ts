/**
 * Two ways to run custody in tests:
 * - runInProcess: `run(argv, io)` with buffered writers (fast; command tests).
 * - runBuilt: spawn `node bin/custody.js` as a user would (e2e; always check code, stdout, stderr).
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(PROJECT_ROOT, 'bin', 'custody.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  stdin?: string | Buffer;
  tty?: boolean;
  timeoutMs?: number;
  /**
   * Run the built CLI as another user (spawn's uid/gid): tests run as root here, and root reads every
   * file, so EACCES is only reachable by dropping privileges (see `NOBODY`).
   */
  user?: { uid: number; gid: number };
}

/** The unprivileged user of Debian (nobody:nogroup), for permission-denied tests. */
export const NOBODY = { uid: 65534, gid: 65534 };

/** True when tests can drop to another user (they run as root). */
export function canDropPrivileges(): boolean {
  return process.getuid?.() === 0;
}

export async function runInProcess(argv: string[], opts: RunOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (s) => void (stdout += s), isTTY: opts.tty ?? false },
    stderr: { write: (s) => void (stderr += s), isTTY: opts.tty ?? false },
    stdin: () => Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]),
    env: { ...opts.env },
    cwd: opts.cwd ?? PROJECT_ROOT,
    signal: new AbortController().signal,
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

export function runBuilt(argv: string[], opts: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: '1', ...opts.env })) if (v !== undefined) env[k] = v;
    const child = spawn(process.execPath, [BIN, ...argv], { cwd: opts.cwd ?? PROJECT_ROOT, env, ...(opts.user ? { uid: opts.user.uid, gid: opts.user.gid } : {}) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    if (opts.stdin !== undefined) child.stdin.end(opts.stdin);
    else child.stdin.end();
  });
}
