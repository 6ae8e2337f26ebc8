import { defineCataloger } from '../cataloger.js';
import { parseBunLock } from './bun-lock.js';
import { parseDenoLock } from './deno-lock.js';
import { NPM_INSTALLED_GLOBS, parseInstalledPackageJson } from './package-json.js';
import { parsePackageLock } from './package-lock.js';
import { parsePnpmLock } from './pnpm-lock.js';
import { parseYarnLockBeside } from './yarn-lock.js';

/** Installed npm packages: package.json at each node_modules package root and Debian's /usr/share/nodejs. */
export const npmInstalledCataloger = defineCataloger({
  name: 'npm-installed-cataloger',
  ecosystem: 'npm',
  tags: ['language', 'installed', 'image', 'directory', 'javascript', 'node', 'npm'],
  parsers: [{ globs: NPM_INSTALLED_GLOBS, parse: parseInstalledPackageJson }],
});

/**
 * Declared npm dependencies from lock files (outside node_modules): package-lock.json v1-v3,
 * npm-shrinkwrap.json, yarn.lock (classic and berry), pnpm-lock.yaml, bun.lock, deno.lock, with depends-on relationships.
 */
export const npmLockCataloger = defineCataloger({
  name: 'npm-lock-cataloger',
  ecosystem: 'npm',
  tags: ['language', 'declared', 'directory', 'javascript', 'node', 'npm', 'yarn', 'pnpm', 'bun', 'deno'],
  parsers: [
    { globs: ['**/package-lock.json', '**/npm-shrinkwrap.json'], parse: parsePackageLock },
    { globs: ['**/yarn.lock'], companions: ['**/package.json'], parse: parseYarnLockBeside },
    { globs: ['**/pnpm-lock.yaml'], parse: parsePnpmLock },
    { globs: ['**/bun.lock'], parse: parseBunLock },
    { globs: ['**/deno.lock'], parse: parseDenoLock },
  ],
});
