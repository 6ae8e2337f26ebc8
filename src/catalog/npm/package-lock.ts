/**
 * package-lock.json / npm-shrinkwrap.json (https://docs.npmjs.com/cli/v10/configuring-npm/package-lock-json):
 * v1 — nested `dependencies` tree with `requires`; v2 — both forms (we read `packages`); v3 — only
 * `packages`, keyed by install path (`node_modules/a/node_modules/b`). The root project (the `""` entry,
 * v1's top-level `name`) is reported marked `project: root`; a local folder that a link points at or that
 * names itself (keys outside `node_modules`: workspace members) is reported marked `project: workspace`,
 * named as its link names it (its version may be empty); a link itself is not a package but resolves to
 * its target. Relationships resolve each dependency the way node does: nearest `node_modules` upward from
 * the dependent.
 *
 * Dev status: a package nested under a dev-only package (`node_modules/a/node_modules/b`, or v1's
 * `dependencies` inside a `dev: true` entry) is reachable only through it, so it is dev as well even
 * when its own entry does not say so; and a name@version installed at several paths is dev only when
 * every copy is (the SBOM reports it once).
 */
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { isRecord, parseJsonText, projectMetadata, str } from '../lang-common.js';
import { npmPackage } from './common.js';

const CATALOGER = 'npm-lock-cataloger';
const MAX_DEPTH = 64;

function nameFromInstallPath(key: string): string | undefined {
  const i = key.lastIndexOf('node_modules/');
  if (i < 0) return undefined;
  return key.slice(i + 'node_modules/'.length) || undefined;
}

function depNames(entry: Record<string, unknown>, fields: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const f of fields) {
    const deps = entry[f];
    if (!isRecord(deps)) continue;
    for (const [n, v] of Object.entries(deps)) out.push([n, f === 'devDependencies' ? 'dev-depends-on' : 'depends-on']);
  }
  return out;
}

export function parsePackageLock(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const lock = parseJsonText(file.contents, 'package lock');
  if (!isRecord(lock)) throw new Error('package lock is not a JSON object');
  const version = lock.lockfileVersion;
  if (version === undefined) ctx.warn('no lockfileVersion, assuming v1', file.location);
  if (isRecord(lock.packages)) return parseV2(lock.packages, file, ctx);
  const root = rootPackage(str(lock, 'name'), str(lock, 'version'), undefined, file);
  const r: ParseResult = isRecord(lock.dependencies) ? parseV1(lock.dependencies, file, ctx) : { packages: [] };
  if (root) r.packages.unshift(root);
  return r;
}

/** The project itself, when the lock names it. */
function rootPackage(name: string | undefined, version: string | undefined, license: string | undefined, file: CatalogFile): Package | undefined {
  if (!name) return undefined;
  return npmPackage({ name, version: version ?? '', location: file.location, foundBy: CATALOGER, licenses: license ? [license] : [], metadata: projectMetadata('root') });
}

function parseV2(entries: Record<string, unknown>, file: CatalogFile, ctx: CatalogContext): ParseResult {
  const byPath = new Map<string, Package>();
  const packages: Package[] = [];
  // local folders that links point at, by the name the link gives them (workspace members)
  const linkName = new Map<string, string>();
  const links: [string, string][] = [];
  for (const [key, e] of Object.entries(entries)) {
    if (!isRecord(e) || e.link !== true) continue;
    const target = str(e, 'resolved');
    const name = nameFromInstallPath(key);
    if (target === undefined || name === undefined) continue;
    links.push([key, target]);
    if (!linkName.has(target)) linkName.set(target, name);
  }
  const rootEntry = entries[''];
  if (isRecord(rootEntry)) {
    const root = rootPackage(str(rootEntry, 'name'), str(rootEntry, 'version'), str(rootEntry, 'license'), file);
    if (root) {
      byPath.set('', root);
      packages.push(root);
    }
  }
  for (const [key, e] of Object.entries(entries)) {
    if (key === '' || !isRecord(e) || e.link === true) continue;
    const inModules = key.includes('node_modules/');
    const name = str(e, 'name') ?? (inModules ? nameFromInstallPath(key) : linkName.get(key));
    const version = str(e, 'version');
    if (!inModules) {
      // a local folder (a workspace member, the target of a link or a file: dependency): first-party
      // code, reported as a workspace member when a link or its own entry names it
      if (!name) continue;
      const lic = str(e, 'license');
      const p = npmPackage({ name, version: version ?? '', location: file.location, foundBy: CATALOGER, licenses: lic ? [lic] : [], metadata: projectMetadata('workspace', { installPath: key }) });
      byPath.set(key, p);
      packages.push(p);
      continue;
    }
    if (!name || !version) {
      ctx.incomplete(`lock entry ${JSON.stringify(key)} has no name or version; skipped`, file.location);
      continue;
    }
    const metadata: Record<string, unknown> = { installPath: key };
    const resolved = str(e, 'resolved');
    if (resolved) metadata.resolved = resolved;
    const integrity = str(e, 'integrity');
    if (integrity) metadata.integrity = integrity;
    if (e.dev === true || devAncestor(key, entries)) metadata.dev = true;
    const lic = str(e, 'license');
    const p = npmPackage({ name, version, location: file.location, foundBy: CATALOGER, licenses: lic ? [lic] : [], metadata });
    byPath.set(key, p);
    packages.push(p);
  }
  settleDev(packages);
  // a link resolves to what it points at (node follows the symlink)
  const linked = new Map<string, Package>();
  for (const [key, target] of links) {
    const p = byPath.get(target);
    if (p) linked.set(key, p);
  }
  const relationships: Relationship[] = [];
  const at = (path: string): Package | undefined => byPath.get(path) ?? linked.get(path);
  const resolve = (from: string, dep: string): Package | undefined => {
    let base = from;
    for (;;) {
      const hit = at(base === '' ? `node_modules/${dep}` : `${base}/node_modules/${dep}`);
      if (hit) return hit;
      if (base === '') return undefined;
      const i = base.lastIndexOf('/node_modules/');
      base = i < 0 ? '' : base.slice(0, i);
    }
  };
  for (const [key, p] of byPath) {
    const e = entries[key] as Record<string, unknown>;
    // the project and its members declare devDependencies too: those edges are dev-depends-on
    const fields = key.includes('node_modules/') ? ['dependencies', 'optionalDependencies', 'peerDependencies'] : ['dependencies', 'optionalDependencies', 'peerDependencies', 'devDependencies'];
    for (const [dep, type] of depNames(e, fields)) {
      const target = resolve(key, dep);
      if (target && target !== p) relationships.push({ from: p.id, to: target.id, type: type as Relationship['type'] });
    }
  }
  return { packages, relationships };
}

/** True when an install path's enclosing package (`node_modules/a` of `node_modules/a/node_modules/b`) is dev. */
function devAncestor(key: string, entries: Record<string, unknown>): boolean {
  for (let i = key.lastIndexOf('/node_modules/'); i > 0; i = key.lastIndexOf('/node_modules/', i - 1)) {
    const parent = entries[key.slice(0, i)];
    if (isRecord(parent) && parent.dev === true) return true;
  }
  return false;
}

/** A name@version that is not dev at one of its paths is not dev-only: drop `dev` from every copy. */
function settleDev(packages: readonly Package[]): void {
  const prod = new Set(packages.filter((p) => p.metadata?.dev !== true).map((p) => `${p.name}@${p.version}`));
  for (const p of packages) if (p.metadata?.dev === true && prod.has(`${p.name}@${p.version}`)) delete p.metadata.dev;
}

function parseV1(root: Record<string, unknown>, file: CatalogFile, ctx: CatalogContext): ParseResult {
  const packages: Package[] = [];
  const relationships: Relationship[] = [];
  interface Scope {
    parent: Scope | undefined;
    byName: Map<string, Package>;
  }
  const pending: { p: Package; requires: string[]; scope: Scope }[] = [];
  const walk = (deps: Record<string, unknown>, parent: Scope | undefined, depth: number, devParent: boolean): Scope => {
    const scope: Scope = { parent, byName: new Map() };
    if (depth > MAX_DEPTH) {
      ctx.incomplete(`dependencies nest deeper than ${MAX_DEPTH}; the rest skipped`, file.location);
      return scope;
    }
    for (const [name, e] of Object.entries(deps)) {
      if (!isRecord(e)) continue;
      const version = str(e, 'version');
      if (!version) {
        ctx.incomplete(`lock entry ${JSON.stringify(name)} has no version; skipped`, file.location);
        continue;
      }
      // v1 aliases: "version": "npm:real-name@1.2.3"; file/git deps keep their spec as version.
      const alias = /^npm:((?:@[^/]+\/)?[^@]+)@(.+)$/.exec(version);
      const metadata: Record<string, unknown> = {};
      const resolved = str(e, 'resolved');
      if (resolved) metadata.resolved = resolved;
      const integrity = str(e, 'integrity');
      if (integrity) metadata.integrity = integrity;
      if (e.dev === true || devParent) metadata.dev = true;
      // some writers key nested entries by install path ("node_modules/async")
      const realName = alias ? alias[1]! : (nameFromInstallPath(name) ?? name);
      if (alias) metadata.alias = name;
      const p = npmPackage({
        name: realName,
        version: alias ? alias[2]! : version,
        location: file.location,
        foundBy: CATALOGER,
        metadata,
      });
      packages.push(p);
      scope.byName.set(name, p);
      pending.push({ p, requires: isRecord(e.requires) ? Object.keys(e.requires) : [], scope });
    }
    for (const [name, e] of Object.entries(deps)) {
      if (!isRecord(e) || !isRecord(e.dependencies)) continue;
      const child = walk(e.dependencies, scope, depth + 1, devParent || e.dev === true);
      const owner = scope.byName.get(name);
      if (owner) for (const item of pending) if (item.p === owner) item.scope = child;
    }
    return scope;
  };
  walk(root, undefined, 0, false);
  settleDev(packages);
  for (const { p, requires, scope } of pending) {
    for (const dep of requires) {
      let s: Scope | undefined = scope;
      let target: Package | undefined;
      while (s && !target) {
        target = s.byName.get(dep);
        s = s.parent;
      }
      if (target && target !== p) relationships.push({ from: p.id, to: target.id, type: 'depends-on' });
    }
  }
  return { packages, relationships };
}
