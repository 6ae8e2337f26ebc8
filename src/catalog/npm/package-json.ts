/**
 * Installed npm packages: the package.json at the root of each package folder —
 * `node_modules/<name>/`, `node_modules/@scope/<name>/` (any depth), and Debian's node-* layout
 * (`/usr/share/nodejs/<name>/`, `/usr/lib/nodejs/<name>/`, `/usr/lib/<triplet>/nodejs/<name>/`).
 * The globs only reach package roots, so package.json files of test fixtures and sub-folders inside a
 * package are never read. A package root without name or version, or whose name is no npm name
 * (`@scope/name/`), is a warning.
 */
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { isRecord, parseJsonText, projectMetadata, str, textOf } from '../lang-common.js';
import { stripJsonc } from './bun-lock.js';
import { workspaceMatchers } from './yarn-lock.js';
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
  return readPackageJson(file, ctx, true);
}

/** A package.json's package (name, version, licences, author, homepage, description); nothing without a name and a version. */
function readPackageJson(file: CatalogFile, ctx: CatalogContext, installed: boolean, extra: Record<string, unknown> = {}): ParseResult {
  const pj = parseJsonText(file.contents, 'package.json');
  if (!isRecord(pj)) {
    ctx.incomplete('package.json is not a JSON object');
    return { packages: [] };
  }
  const name = str(pj, 'name');
  const version = str(pj, 'version');
  if (!name || !version) {
    // a project's manifest often names no version (an application, a private tool): not a package, as the peers
    if (installed) ctx.warn(`package.json without ${!name ? 'a name' : 'a version'}; not an installed package, skipped`, file.location);
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
        metadata: { ...metadata, ...extra },
      }),
    ],
  };
}

/**
 * A project's own package.json: any package.json outside node_modules (the installed globs read those)
 * and outside Debian's nodejs folders (their package roots are installed packages, their sub-folders'
 * package.json files are helpers), as syft's javascript-package-cataloger and trivy's node-pkg analyzer
 * read every package.json. The extglob keeps the files of node_modules out of the kept bytes of a
 * streamed image (catalog/stream.ts); path-match keys it by its literal basename.
 */
export const NPM_PROJECT_GLOBS = ['!(**/node_modules/**)/package.json'];

/** The lock files whose parsers (npm-lock-cataloger) report the project they lie beside and its workspace members. */
const PROJECT_LOCKS = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'bun.lock'] as const;
export const NPM_PROJECT_COMPANIONS = PROJECT_LOCKS.map((n) => `!(**/node_modules/**)/${n}`);

const DEBIAN_NODEJS = /^\/usr\/(?:share\/nodejs|lib\/nodejs|lib\/[^/]+\/nodejs)\//;
const MAX_LOCK_BYTES = 64 * 1024 * 1024;
const MAX_MEMBERS = 100_000;

/** Which folders (relative to the lock's, '' for its own) a lock reports as the project or a workspace member. */
type Members = (rel: string) => boolean;

/**
 * Per run (keyed by the run's companion listing, which the runner makes once per run and parser): the
 * lock files present, and each lock's members, read once however many package.json files lie under it.
 */
const runCache = new WeakMap<object, { exists: Set<string>; members: Map<string, Promise<Members>> }>();

/**
 * A package.json outside node_modules with a name and a version: the project, marked `project: root`
 * (licences, author, homepage as the installed parser reads them). Nothing when a lock file beside it
 * (package-lock.json, npm-shrinkwrap.json, yarn.lock, bun.lock) or in a folder above it already reports
 * it (the project, or one of its workspace members): the lock catalogers report it there. pnpm-lock.yaml,
 * bun.lockb and deno.lock report no project, so they do not hold it back. No name or no version: nothing.
 */
export async function parseProjectPackageJson(file: CatalogFile, ctx: CatalogContext): Promise<ParseResult> {
  const path = file.location.path;
  if (DEBIAN_NODEJS.test(path) || path.split('/').includes('node_modules')) return { packages: [] };
  if (await reportedByLock(path.slice(0, path.lastIndexOf('/')), ctx)) return { packages: [] };
  return readPackageJson(file, ctx, false, projectMetadata('root'));
}

async function reportedByLock(dir: string, ctx: CatalogContext): Promise<boolean> {
  if (ctx.read === undefined) return false;
  let run: { exists?: Set<string>; members?: Map<string, Promise<Members>> } = {};
  if (ctx.companionPaths !== undefined) {
    let cached = runCache.get(ctx.companionPaths);
    if (cached === undefined) runCache.set(ctx.companionPaths, (cached = { exists: new Set(ctx.companionPaths()), members: new Map() }));
    run = cached;
  }
  const segments = dir === '' ? [''] : dir.split('/');
  // this folder first, then each one above it
  for (let n = segments.length; n >= 1; n--) {
    const above = segments.slice(0, n).join('/');
    const rel = segments.slice(n).join('/');
    for (const lock of PROJECT_LOCKS) {
      const lockPath = `${above}/${lock}`;
      if (run.exists !== undefined && !run.exists.has(lockPath)) continue;
      let members = run.members?.get(lockPath);
      if (members === undefined) {
        members = lockMembers(lockPath, lock, above, ctx);
        run.members?.set(lockPath, members);
      }
      if ((await members)(rel)) return true;
    }
  }
  return false;
}

const none: Members = () => false;

/** What one lock reports; a lock that cannot be read reports nothing (its own parser says why). */
async function lockMembers(lockPath: string, lock: (typeof PROJECT_LOCKS)[number], dir: string, ctx: CatalogContext): Promise<Members> {
  const bytes = await ctx.read!(lockPath);
  if (bytes === undefined || bytes.length > MAX_LOCK_BYTES) return none;
  const text = textOf(bytes);
  if (lock === 'yarn.lock') return yarnMembers(text, dir, ctx);
  let doc: unknown;
  try {
    doc = JSON.parse(lock === 'bun.lock' ? stripJsonc(text) : text);
  } catch {
    return none;
  }
  if (!isRecord(doc)) return none;
  const folders = new Set<string>();
  if (lock === 'bun.lock') {
    // bun.lock's workspaces that name themselves: "" is the project, the others its members, by folder
    if (typeof doc.lockfileVersion !== 'number' || !isRecord(doc.workspaces)) return none;
    for (const [k, ws] of Object.entries(doc.workspaces).slice(0, MAX_MEMBERS)) if (str(ws, 'name') !== undefined) folders.add(k);
  } else if (isRecord(doc.packages)) {
    // v2/v3: "" is the project (when it names itself), the keys outside node_modules its local folders
    for (const [k, e] of Object.entries(doc.packages).slice(0, MAX_MEMBERS)) {
      if (k.split('/').includes('node_modules')) continue;
      if (k !== '' || str(e, 'name') !== undefined) folders.add(k.replace(/^\.\/+/, '').replace(/\/+$/, ''));
    }
  } else if (str(doc, 'name') !== undefined) folders.add('');
  return (rel) => folders.has(rel);
}

/**
 * yarn.lock: the project beside it (read from this very package.json), berry's `@workspace:<folder>`
 * entries, and for a classic lock the folders the project's `workspaces` globs match.
 */
async function yarnMembers(text: string, dir: string, ctx: CatalogContext): Promise<Members> {
  const folders = new Set<string>(['']);
  for (const m of text.matchAll(/^ {2}resolution: "?(?:@[^@"\s/]+\/)?[^@"\s]+@workspace:([^"\s]*)"?\s*$/gm)) {
    if (folders.size >= MAX_MEMBERS) break;
    folders.add(m[1]!.replace(/^\.\/*/, '').replace(/\/+$/, ''));
  }
  let tests: RegExp[] = [];
  if (!/^__metadata:/m.test(text)) {
    const bytes = await ctx.read!(`${dir}/package.json`);
    let manifest: unknown;
    try {
      manifest = bytes === undefined || bytes.length > MAX_LOCK_BYTES ? undefined : JSON.parse(textOf(bytes));
    } catch {
      manifest = undefined;
    }
    // the yarn-lock parser warns about a glob it cannot use
    if (isRecord(manifest)) tests = workspaceMatchers(manifest)?.tests ?? [];
  }
  return (rel) => folders.has(rel) || (rel !== '' && tests.some((t) => t.test(rel)));
}
