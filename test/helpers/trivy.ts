/**
 * The real trivy for the real tier: installed on demand by scripts/install-trivy.mjs into the cache
 * (~/.cache/custody/peers), exactly as CI does. Never skips: a failed install fails the suite.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from './run-cli.js';

interface Installer {
  installTrivy(o?: { log?: (m: string) => void }): string;
}

let cached: string | undefined;

/** Path of the real trivy binary (installs it the first time; idempotent). */
export async function realTrivy(): Promise<string> {
  if (cached !== undefined) return cached;
  const mod = (await import(pathToFileURL(join(PROJECT_ROOT, 'scripts', 'install-trivy.mjs')).href)) as Installer;
  cached = mod.installTrivy({ log: (m) => process.stderr.write(`${m}\n`) });
  return cached;
}

/** Environment for running trivy hermetically: its own HOME and cache dir, PATH kept. */
export function trivyEnv(trivy: string, extra: Record<string, string> = {}): Record<string, string> {
  const home = mkdtempSync(join(tmpdir(), 'custody-trivy-home-'));
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    TRIVY_CACHE_DIR: join(home, 'cache'),
    CUSTODY_TRIVY_PATH: trivy,
    ...extra,
  };
}
