import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './run-cli.js';

/** ../shared beside the project (read-only). The `real` tier needs it; `npm test` never does. */
export const SHARED = process.env.CUSTODY_SHARED_DIR ?? join(PROJECT_ROOT, '..', 'shared');
export const CORPUS = join(SHARED, 'corpus');
/** Real images from ../shared/tools/build-images.sh (the real tier's global setup builds them). */
export const IMAGES = process.env.CUSTODY_IMAGES_DIR ?? '/tmp/images';
export const FIXTURES = join(PROJECT_ROOT, 'fixtures');
/** The project's own test images (test/images/<name>.image.sh), built with the shared ones. */
export const PROJECT_IMAGES_DIR = join(PROJECT_ROOT, 'test', 'images');
export const EXTRA_IMAGES_FILE = join(PROJECT_IMAGES_DIR, 'extra-images.sh');
export const GENERATED = join(FIXTURES, 'generated');

export function hasShared(): boolean {
  return existsSync(join(CORPUS, 'cases.json'));
}

/** The loopback registry of the real tier (test/real/global-setup.ts starts it). */
export const REGISTRY = process.env.CUSTODY_TEST_REGISTRY ?? '127.0.0.1:5000';

/** One real image of IMAGES under every transport custody reads: [label, source reference]. */
export function realImageRefs(name: string): [string, string][] {
  return [
    ['oci-dir', `oci-dir:${join(IMAGES, 'oci', name)}`],
    ['oci-archive', `oci-archive:${join(IMAGES, 'oci-archive', `${name}.tar`)}`],
    ['docker-archive', `docker-archive:${join(IMAGES, 'docker-archive', `${name}.tar`)}`],
    ['docker-archive-v25', `docker-archive:${join(IMAGES, 'docker-archive-v25', `${name}.tar`)}`],
    ['dir', `dir:${join(IMAGES, 'rootfs', name)}`],
    ['registry', `registry:${REGISTRY}/sbomtest/${name}:latest`],
  ];
}
