import { defineCataloger } from '../cataloger.js';
import { parseComposerInstalled, parseComposerLock } from './composer.js';

/** Installed Composer packages: <vendor-dir>/composer/installed.json (Composer 1 and 2; vendor-dir is `vendor` unless configured). */
export const phpComposerInstalledCataloger = defineCataloger({
  name: 'php-composer-installed-cataloger',
  ecosystem: 'composer',
  tags: ['language', 'installed', 'image', 'directory', 'php', 'composer'],
  parsers: [{ globs: ['**/composer/installed.json'], parse: parseComposerInstalled }],
});

/** Declared Composer packages: composer.lock (packages and packages-dev). */
export const phpComposerLockCataloger = defineCataloger({
  name: 'php-composer-lock-cataloger',
  ecosystem: 'composer',
  tags: ['language', 'declared', 'directory', 'php', 'composer'],
  parsers: [{ globs: ['**/composer.lock'], parse: parseComposerLock }],
});
