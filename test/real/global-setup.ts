/**
 * Real tier set-up: builds the real Debian-based images with ../shared/tools/build-images.sh
 * (idempotent: seconds when up to date) and starts the loopback registry with them pushed
 * (../shared/tools/registry.sh). Needs root, debootstrap, umoci, skopeo, docker-registry
 * (.ci/run installs them).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGES, SHARED } from '../helpers/paths.js';

let startedRegistry = false;

export async function setup(): Promise<void> {
  const tools = join(SHARED, 'tools');
  if (!existsSync(tools)) throw new Error(`the real test tier needs ${SHARED} (the shared corpus and tools)`);
  const wanted = ['debian-min', 'java-log4j', 'java-log4j1', 'node-app', 'python-app', 'layered-whiteout'];
  const missing = wanted.filter((n) => !existsSync(join(IMAGES, 'truth', n, 'summary.json')) || !existsSync(join(IMAGES, 'docker-archive', `${n}.tar`)));
  if (missing.length > 0) {
    process.stderr.write(`[real] building images (${missing.join(', ')}) into ${IMAGES}; ~200 s cold\n`);
    execFileSync('bash', [join(tools, 'build-images.sh'), IMAGES], { stdio: ['ignore', 'inherit', 'inherit'] });
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
