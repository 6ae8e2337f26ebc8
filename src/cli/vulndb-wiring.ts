/**
 * What `custody vulndb update` and `custody scan --update-vulndb` share: turning flags and the
 * environment into an update (source URL, proxy, CA file, credentials, lock) and printing its result.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { InputError, UsageError } from '../core/errors.js';
import {
  createHttpClient,
  DEFAULT_MAX_DOWNLOAD_BYTES,
  DEFAULT_SOURCE,
  resolveCredentials,
  resolveVulnDbDir,
  updateVulnDb,
  type UpdateResult,
} from '../vuln/index.js';
import type { CommandContext } from './io.js';

const require = createRequire(import.meta.url);
const { version: CUSTODY_VERSION } = require('../../package.json') as { version: string };

export interface VulnDbDirFlag {
  vulndbDir?: string;
}

export interface UpdateFlags extends VulnDbDirFlag {
  ecosystem?: string[];
  source?: string;
  allowInsecureSource?: boolean;
  caFile?: string;
  timeout?: string;
  lockTimeout?: string;
}

/** The cache directory for this run. */
export function vulnDbDir(ctx: CommandContext, flags: VulnDbDirFlag): string {
  return resolveVulnDbDir(flags.vulndbDir, ctx.io.env, ctx.io.cwd);
}

/** Lock settings: this process, a liveness check, and how long to wait for another writer. */
export function lockSettings(lockTimeout: string | undefined): { pid: number; isAlive: (pid: number) => boolean; waitMs: number } {
  return { pid: process.pid, isAlive, waitMs: seconds(lockTimeout, '--lock-timeout', 300) * 1000 };
}

function isAlive(pid: number): boolean {
  if (pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function seconds(v: string | undefined, flag: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError('VULNDB_BAD_FLAG', `${flag} ${JSON.stringify(v)} is not a number of seconds`, { hint: `${flag} 60` });
  return n;
}

/** Run an update as the flags and the environment say. Returns the result; the caller prints it and decides the exit code. */
export async function runVulnDbUpdate(ctx: CommandContext, flags: UpdateFlags): Promise<UpdateResult> {
  const env = ctx.io.env;
  const raw = flags.source ?? env.CUSTODY_VULNDB_SOURCE ?? DEFAULT_SOURCE;
  let source: URL;
  try {
    source = new URL(raw.endsWith('/') ? raw : `${raw}/`);
  } catch {
    throw new UsageError('VULNDB_BAD_SOURCE', `--source ${JSON.stringify(raw.replace(/\/\/[^@/]*@/, '//…@'))} is not a URL`, { hint: 'e.g. --source https://mirror.example/osv/' });
  }
  let ca: string | undefined;
  if (flags.caFile !== undefined) {
    const path = isAbsolute(flags.caFile) ? flags.caFile : resolve(ctx.io.cwd, flags.caFile);
    try {
      ca = await readFile(path, 'utf8');
    } catch (err) {
      throw new InputError('VULNDB_CA_UNREADABLE', `cannot read the CA file ${path}`, { cause: err, hint: 'pass a PEM file of the CA certificates to trust' });
    }
  }
  const client = createHttpClient({
    allowInsecure: flags.allowInsecureSource === true,
    ...(ca !== undefined ? { ca } : {}),
    proxy: {
      ...(proxyEnv(env, 'http_proxy') !== undefined ? { http: proxyEnv(env, 'http_proxy')! } : {}),
      ...(proxyEnv(env, 'https_proxy') !== undefined ? { https: proxyEnv(env, 'https_proxy')! } : {}),
      ...(proxyEnv(env, 'no_proxy') !== undefined ? { noProxy: proxyEnv(env, 'no_proxy')! } : {}),
    },
    ...(await credentialsFor(source, env)),
    timeoutMs: seconds(flags.timeout, '--timeout', 60) * 1000,
    userAgent: `custody/${CUSTODY_VERSION} (vulndb)`,
    signal: ctx.io.signal,
  });
  try {
    return await updateVulnDb({
      root: vulnDbDir(ctx, flags),
      source,
      ...(flags.ecosystem && flags.ecosystem.length > 0 ? { ecosystems: flags.ecosystem } : {}),
      client,
      maxDownloadBytes: DEFAULT_MAX_DOWNLOAD_BYTES,
      log: ctx.log,
      now: () => ctx.clock.now(),
      signal: ctx.io.signal,
      lock: lockSettings(flags.lockTimeout),
    });
  } finally {
    await client.close().catch(() => undefined);
  }
}

async function credentialsFor(source: URL, env: Readonly<Record<string, string | undefined>>) {
  const c = await resolveCredentials(source, env);
  return c ? { credentials: c } : {};
}

/** Lower-case wins over upper-case, as curl and undici read them. */
function proxyEnv(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  return env[name] ?? env[name.toUpperCase()];
}

/** The update's report (human). */
export function renderUpdate(r: UpdateResult): string {
  const lines = [`vulndb: ${r.root}${r.generation ? ` (generation ${r.generation})` : ''} from ${r.source}`];
  const width = Math.max(8, ...r.datasets.map((d) => d.name.length));
  for (const d of r.datasets) {
    const records = d.records !== undefined ? `${d.records} records` : '';
    const bytes = d.bytes !== undefined ? `${(d.bytes / 1024 / 1024).toFixed(1)} MB` : '';
    lines.push(`  ${d.name.padEnd(width)}  ${d.action.padEnd(12)}  ${records.padEnd(16)}  ${bytes}${d.detail ? `  (${d.detail})` : ''}`.trimEnd());
  }
  lines.push(`transferred ${(r.transferred / 1024 / 1024).toFixed(1)} MB`);
  return `${lines.join('\n')}\n`;
}

