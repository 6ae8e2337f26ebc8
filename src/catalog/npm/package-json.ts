/**
 * Installed npm packages: the package.json at the root of each package folder —
 * `node_modules/<name>/`, `node_modules/@scope/<name>/` (any depth), and Debian's node-* layout
 * (`/usr/share/nodejs/<name>/`, `/usr/lib/nodejs/<name>/`, `/usr/lib/<triplet>/nodejs/<name>/`).
 * The globs only reach package roots, so package.json files of test fixtures and sub-folders inside a
 * package are never read. A package root without name or version, or whose name is no npm name
 * (`@scope/name/`), is a warning.
 */
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { isRecord, parseJsonText, str } from '../lang-common.js';
import { authorOf, npmPackage, npmPurl, packageJsonLicenses } from './common.js';

export const NPM_INSTALLED_GLOBS = [
  '**/node_modules/*/package.json',
  '**/node_modules/@*/*/package.json',
  '/usr/share/nodejs/*/package.json',
  '/usr/share/nodejs/@*/*/package.json',
  '/usr/lib/nodejs/*/package.json',
  '/usr/lib/nodejs/@*/*/package.json',
  '/usr/lib/*/nodejs/*/package.json',
  '/usr/lib/*/nodejs/@*/*/package.json',
];

export function parseInstalledPackageJson(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const pj = parseJsonText(file.contents, 'package.json');
  if (!isRecord(pj)) {
    ctx.incomplete('package.json is not a JSON object');
    return { packages: [] };
  }
  const name = str(pj, 'name');
  const version = str(pj, 'version');
  if (!name || !version) {
    ctx.warn(`package.json without ${!name ? 'a name' : 'a version'}; not an installed package, skipped`, file.location);
    return { packages: [] };
  }
  if (npmPurl(name, version) === undefined) {
    ctx.warn(`package.json name ${JSON.stringify(name)} is not an npm package name; skipped`, file.location);
    return { packages: [] };
  }
  const metadata: Record<string, unknown> = {};
  const author = authorOf(pj);
  if (author) metadata.author = author;
  const homepage = str(pj, 'homepage');
  if (homepage) metadata.homepage = homepage;
  if (pj.private === true) metadata.private = true;
  return {
    packages: [
      npmPackage({
        name,
        version,
        location: file.location,
        foundBy: 'npm-installed-cataloger',
        licenses: packageJsonLicenses(pj),
        description: str(pj, 'description'),
        metadata,
      }),
    ],
  };
}
