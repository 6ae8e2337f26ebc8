import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './run-cli.js';

/** ../shared beside the project (read-only). The `real` tier needs it; `npm test` never does. */
export const SHARED = process.env.CUSTODY_SHARED_DIR ?? join(PROJECT_ROOT, '..', 'shared');
export const CORPUS = join(SHARED, 'corpus');
/** Real images from ../shared/tools/build-images.sh (the real tier's global setup builds them). */
export const IMAGES = process.env.CUSTODY_IMAGES_DIR ?? '/tmp/images';
export const FIXTURES = join(PROJECT_ROOT, 'fixtures');
export const GENERATED = join(FIXTURES, 'generated');

export function hasShared(): boolean {
  return existsSync(join(CORPUS, 'cases.json'));
}
