import { defineCataloger } from '../cataloger.js';
import { parseComposerInstalled, parseComposerLock } from './composer.js';
import { parsePearRegistry } from './pear.js';

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

/** Installed PEAR and PECL packages: the pear/pecl tools' registry (`<php dir>/.registry/*.reg`, `.registry/.channel.<channel>/*.reg`). */
export const phpPearCataloger = defineCataloger({
  name: 'php-pear-cataloger',
  ecosystem: 'composer',
  tags: ['language', 'installed', 'image', 'directory', 'php', 'pear', 'pecl'],
  parsers: [{ globs: ['**/php/.registry/*.reg', '**/php/.registry/.channel.*/*.reg'], parse: parsePearRegistry }],
});
