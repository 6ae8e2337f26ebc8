/**
 * Real tier set-up: builds the real peers the tier asserts (scripts/install-peers.mjs, set `ci`: syft, grype,
 * cosign v2 and v3, slsa-verifier; seconds when cached, minutes cold), builds the real Debian-based images
 * with ../shared/tools/build-images.sh (idempotent: seconds when up to date) and starts the loopback registry
 * with them pushed (../shared/tools/registry.sh). Needs root, debootstrap, umoci, skopeo, docker-registry
 * (.ci/run installs them), Go for the peers, and mvn, pip, cargo and go for the real-artefacts image.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXTRA_IMAGES_FILE, IMAGES, PROJECT_IMAGES_DIR, SHARED } from '../helpers/paths.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

let startedRegistry = false;

export async function setup(): Promise<void> {
  const tools = join(SHARED, 'tools');
  if (!existsSync(tools)) throw new Error(`the real test tier needs ${SHARED} (the shared corpus and tools)`);
  // The peers first: a missing Go toolchain or proxy fails the tier here, once, not in every file.
  const peers = (await import(pathToFileURL(join(PROJECT_ROOT, 'scripts', 'install-peers.mjs')).href)) as {
    installPeers(names: string[], o?: { log?: (m: string) => void }): unknown[];
    SETS: Record<string, string[]>;
  };
  peers.installPeers(peers.SETS.ci!, { log: (m) => process.stderr.write(`[real] ${m}\n`) });
  // The shared images plus the project's own (test/images/<name>.image.sh), built in one run.
  const extra = readdirSync(PROJECT_IMAGES_DIR).filter((f) => f.endsWith('.image.sh')).map((f) => f.slice(0, -'.image.sh'.length));
  const wanted = ['debian-min', 'java-log4j', 'java-log4j1', 'node-app', 'python-app', 'layered-whiteout', ...extra];
  const missing = wanted.filter((n) => !existsSync(join(IMAGES, 'truth', n, 'summary.json')) || !existsSync(join(IMAGES, 'docker-archive', `${n}.tar`)));
  if (missing.length > 0) {
    process.stderr.write(`[real] building images (${missing.join(', ')}) into ${IMAGES}; ~200 s cold\n`);
    execFileSync('bash', [join(tools, 'build-images.sh'), IMAGES], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, EXTRA_IMAGES_FILE } });
  }
  const status = spawnStatus(tools);
  // `registry.sh status` prints 'registry: running pid N' or 'registry: not running'.
  if (!/^registry: running/m.test(status)) {
    execFileSync('bash', [join(tools, 'registry.sh'), 'start'], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, IMAGES_DIR: IMAGES },
    });
    startedRegistry = true;
  }
}

function spawnStatus(tools: string): string {
  try {
    return execFileSync('bash', [join(tools, 'registry.sh'), 'status'], { encoding: 'utf8', env: { ...process.env, IMAGES_DIR: IMAGES } });
  } catch {
    return '';
  }
}

export async function teardown(): Promise<void> {
  if (startedRegistry) {
    execFileSync('bash', [join(SHARED, 'tools', 'registry.sh'), 'stop'], { stdio: 'ignore' });
  }
}
