/**
 * The real peer tools for the real tier (syft, grype, trivy, cosign v2 and v3, slsa-verifier, OPA), found
 * through one helper: scripts/install-peers.mjs builds the pinned version into ~/.cache/custody/peers (or
 * $CUSTODY_PEERS_DIR) the first time, as CI does, and reuses it afterwards. Never skips: a failed install
 * fails the suite.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from './run-cli.js';

export type PeerName = 'syft' | 'grype' | 'trivy' | 'cosign' | 'cosign3' | 'slsa-verifier' | 'opa';

interface Installed {
  name: string;
  env: string;
  path: string;
  version: string;
  source: 'cache' | 'go' | 'npm';
}
interface Installer {
  installPeer(name: string, o?: { log?: (m: string) => void }): Installed;
  PEERS: Record<string, { version: string; env: string }>;
}

const cache = new Map<string, Installed>();

async function installer(): Promise<Installer> {
  return (await import(pathToFileURL(join(PROJECT_ROOT, 'scripts', 'install-peers.mjs')).href)) as Installer;
}

/** The installed peer (built the first time; idempotent). */
export async function realPeer(name: PeerName): Promise<Installed> {
  const hit = cache.get(name);
  if (hit) return hit;
  const got = (await installer()).installPeer(name, { log: (m) => process.stderr.write(`${m}\n`) });
  cache.set(name, got);
  return got;
}

/** Path of the peer's binary. */
export async function peerPath(name: PeerName): Promise<string> {
  return (await realPeer(name)).path;
}

/**
 * A hermetic environment for running a peer (and custody around it): its own HOME (no ~/.docker, no
 * ~/.sigstore, no caches shared between tests), no update checks, PATH kept, plus `extra`.
 */
export function peerEnv(extra: Record<string, string> = {}): Record<string, string> {
  const home = mkdtempSync(join(tmpdir(), 'custody-peer-home-'));
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_CONFIG_HOME: join(home, '.config'),
    TMPDIR: process.env.TMPDIR ?? tmpdir(),
    SYFT_CHECK_FOR_APP_UPDATE: 'false',
    GRYPE_CHECK_FOR_APP_UPDATE: 'false',
    GRYPE_DB_AUTO_UPDATE: 'false',
    NO_COLOR: '1',
    ...extra,
  };
}
