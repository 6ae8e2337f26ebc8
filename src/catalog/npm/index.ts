import { defineCataloger, type CatalogContext, type CatalogFile, type ParseResult } from '../cataloger.js';
import { parseBunLock } from './bun-lock.js';
import { parseDenoLock } from './deno-lock.js';
import { NPM_INSTALLED_GLOBS, NPM_PROJECT_COMPANIONS, NPM_PROJECT_GLOBS, parseInstalledPackageJson, parseProjectPackageJson } from './package-json.js';
import { parsePackageLock } from './package-lock.js';
import { parsePnpmLock } from './pnpm-lock.js';
import { parseYarnLockBeside } from './yarn-lock.js';

/**
 * Installed npm packages: package.json at each node_modules package root and Debian's /usr/share/nodejs
 * (streamed); and a project's own package.json elsewhere, unless a lock file beside or above it reports it
 * (read after the walk: it looks for those locks).
 */
export const npmInstalledCataloger = defineCataloger({
  name: 'npm-installed-cataloger',
  ecosystem: 'npm',
  tags: ['language', 'installed', 'image', 'directory', 'javascript', 'node', 'npm'],
  parsers: [
    { globs: NPM_INSTALLED_GLOBS, parse: parseInstalledPackageJson },
    { globs: NPM_PROJECT_GLOBS, companions: NPM_PROJECT_COMPANIONS, parse: parseProjectPackageJson },
  ],
});

/**
 * A lock file inside a `node_modules` directory (`node_modules/dep/package-lock.json`, shipped in a
 * package's tarball) records how that dependency was developed, not what is installed here: it is not
 * read (syft and trivy skip it too); what is installed there is found by its package.json files.
 */
function outsideNodeModules(parse: (file: CatalogFile, ctx: CatalogContext) => ParseResult | Promise<ParseResult>) {
  return (file: CatalogFile, ctx: CatalogContext): ParseResult | Promise<ParseResult> => (file.location.path.split('/').includes('node_modules') ? { packages: [] } : parse(file, ctx));
}

/**
 * Declared npm dependencies from lock files (outside node_modules): package-lock.json v1-v3,
 * npm-shrinkwrap.json, yarn.lock (classic and berry), pnpm-lock.yaml, bun.lock, deno.lock, with depends-on relationships.
 */
export const npmLockCataloger = defineCataloger({
  name: 'npm-lock-cataloger',
  ecosystem: 'npm',
  tags: ['language', 'declared', 'directory', 'javascript', 'node', 'npm', 'yarn', 'pnpm', 'bun', 'deno'],
  parsers: [
    { globs: ['**/package-lock.json', '**/npm-shrinkwrap.json'], parse: outsideNodeModules(parsePackageLock) },
    { globs: ['**/yarn.lock'], companions: ['**/package.json'], parse: outsideNodeModules(parseYarnLockBeside) },
    { globs: ['**/pnpm-lock.yaml'], parse: outsideNodeModules(parsePnpmLock) },
    { globs: ['**/bun.lock'], parse: outsideNodeModules(parseBunLock) },
    { globs: ['**/deno.lock'], parse: outsideNodeModules(parseDenoLock) },
  ],
});
