/**
 * Declared Python dependencies: poetry.lock, uv.lock and pdm.lock (TOML `[[package]]`,
 * https://pdm-project.org/en/latest/usage/lockfile/), Pipfile.lock (JSON `default`/`develop`).
 * pylock.toml (PEP 751). requirements*.txt: requirements.ts; setup.py: setup-py.ts.
 */
import { parse as parseToml } from 'smol-toml';
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { isRecord, parseJsonText, projectMetadata, str, textOf } from '../lang-common.js';
import { normalizePythonName, pythonPackage } from './common.js';
import { distributionFileName } from './requirements.js';

const CATALOGER = 'python-lock-cataloger';

function tomlOf(file: CatalogFile, what: string): Record<string, unknown> {
  try {
    return parseToml(textOf(file.contents)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`invalid TOML in ${what}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * poetry.lock, uv.lock and pdm.lock share `[[package]]` name/version; dependencies differ (poetry: a
 * table, uv: an array of `{name}`, pdm: an array of PEP 508 strings). pdm writes a package once per
 * set of extras: the SBOM keeps one.
 */
function parseTomlLock(file: CatalogFile, ctx: CatalogContext, what: string): ParseResult {
  const doc = tomlOf(file, what);
  const list = Array.isArray(doc.package) ? doc.package : [];
  const packages: Package[] = [];
  const byName = new Map<string, Package>();
  const deps: [Package, string[]][] = [];
  const roots: Record<string, unknown>[] = [];
  for (const e of list) {
    if (!isRecord(e)) continue;
    const name = str(e, 'name');
    const version = str(e, 'version');
    const source = e.source;
    // uv: the project itself (`.`) and workspace members are editable/virtual sources, reported marked
    // `project`; pdm: editable local members are not packages
    if (isRecord(source) && (source.editable !== undefined || source.virtual !== undefined)) {
      roots.push(e);
      if (name) {
        const at = str(source, 'editable') ?? str(source, 'virtual');
        const p = pythonPackage({ name, version: version ?? '', location: file.location, foundBy: CATALOGER, metadata: projectMetadata(at === '.' ? 'root' : 'workspace') });
        packages.push(p);
        deps.push([p, uvProdDeps(e)]);
      }
      continue;
    }
    if (e.editable === true) continue;
    if (!name || !version) {
      ctx.incomplete(`${what} package ${JSON.stringify(name ?? '?')} has no version; skipped`, file.location);
      continue;
    }
    const metadata: Record<string, unknown> = {};
    const category = str(e, 'category');
    if (category) metadata.category = category;
    if (Array.isArray(e.groups) && e.groups.every((g) => typeof g === 'string')) metadata.groups = e.groups;
    // poetry: `category = "dev"` (poetry < 1.2), or dependency groups none of which is `main` (as trivy)
    if (what === 'poetry.lock' && (category === 'dev' || (Array.isArray(metadata.groups) && metadata.groups.length > 0 && !metadata.groups.includes('main')))) metadata.dev = true;
    const p = pythonPackage({ name, version, location: file.location, foundBy: CATALOGER, description: str(e, 'description'), metadata });
    packages.push(p);
    byName.set(normalizePythonName(name), p);
    const names: string[] = [];
    if (isRecord(e.dependencies)) names.push(...Object.keys(e.dependencies));
    else if (Array.isArray(e.dependencies)) {
      for (const d of e.dependencies) {
        if (str(d, 'name')) names.push(str(d, 'name')!);
        else if (typeof d === 'string') {
          const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(d);
          if (m) names.push(m[1]!);
        }
      }
    }
    deps.push([p, names]);
  }
  const relationships: Relationship[] = [];
  for (const [p, names] of deps) {
    for (const n of names) {
      const t = byName.get(normalizePythonName(n));
      if (t && t !== p) relationships.push({ from: p.id, to: t.id, type: 'depends-on' });
    }
  }
  if (what === 'uv.lock' && roots.length > 0) markUvDev(list, roots, byName);
  return { packages, relationships };
}

/** `{name}` entries of uv's `dependencies` and of every group of `optional-dependencies` (extras). */
function uvProdDeps(e: Record<string, unknown>): string[] {
  const names = (v: unknown): string[] => (Array.isArray(v) ? v.flatMap((d) => (str(d, 'name') ? [normalizePythonName(str(d, 'name')!)] : [])) : []);
  const optional = isRecord(e['optional-dependencies']) ? Object.values(e['optional-dependencies']).flatMap(names) : [];
  return [...names(e.dependencies), ...optional];
}

/**
 * uv.lock: a package is dev when no project or workspace member (the editable/virtual roots) reaches
 * it through `dependencies` or extras, only through `dev-dependencies` groups (as trivy reads it).
 */
function markUvDev(list: unknown[], roots: Record<string, unknown>[], byName: Map<string, Package>): void {
  const entries = new Map<string, Record<string, unknown>>();
  for (const e of list) if (isRecord(e) && str(e, 'name')) entries.set(normalizePythonName(str(e, 'name')!), e);
  const prod = new Set<string>();
  const todo = roots.flatMap(uvProdDeps);
  for (let n = todo.pop(); n !== undefined; n = todo.pop()) {
    if (prod.has(n)) continue;
    prod.add(n);
    const e = entries.get(n);
    if (e) todo.push(...uvProdDeps(e).filter((d) => !prod.has(d)));
  }
  for (const [n, p] of byName) if (!prod.has(n)) p.metadata = { ...p.metadata, dev: true };
}

export function parsePoetryLock(file: CatalogFile, ctx: CatalogContext): ParseResult {
  return parseTomlLock(file, ctx, 'poetry.lock');
}

export function parseUvLock(file: CatalogFile, ctx: CatalogContext): ParseResult {
  return parseTomlLock(file, ctx, 'uv.lock');
}

export function parsePdmLock(file: CatalogFile, ctx: CatalogContext): ParseResult {
  return parseTomlLock(file, ctx, 'pdm.lock');
}

export function parsePipfileLock(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const doc = parseJsonText(file.contents, 'Pipfile.lock');
  if (!isRecord(doc)) throw new Error('Pipfile.lock is not a JSON object');
  const packages: Package[] = [];
  for (const section of ['default', 'develop']) {
    const deps = doc[section];
    if (!isRecord(deps)) continue;
    for (const [name, e] of Object.entries(deps)) {
      const v = str(e, 'version');
      if (!v) {
        if (!isRecord(e) || (e.git === undefined && e.path === undefined && e.file === undefined)) {
          ctx.warn(`Pipfile.lock ${section} entry ${JSON.stringify(name)} has no version; skipped`, file.location);
        }
        continue;
      }
      const version = v.replace(/^===?/, '');
      packages.push(pythonPackage({ name, version, location: file.location, foundBy: CATALOGER, metadata: section === 'develop' ? { dev: true } : {} }));
    }
  }
  return { packages };
}

/**
 * pylock.toml / pylock.<name>.toml (PEP 751, https://packaging.python.org/en/latest/specifications/pylock-toml/):
 * `[[packages]]` with name, version and, per environment, a `marker`, so one name may be locked at
 * several versions (all reported) and one name@version several times (reported once). A package with
 * a `directory` is a local source tree (the project itself, as pip writes it): reported marked `project`. A
 * package without a version takes it from its wheel or sdist file name; else it is a warning.
 */
export function parsePylock(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const doc = tomlOf(file, 'pylock.toml');
  if (doc.packages === undefined) {
    if (doc['lock-version'] === undefined) throw new Error('pylock.toml has neither lock-version nor packages');
    return { packages: [] };
  }
  if (!Array.isArray(doc.packages)) throw new Error('pylock.toml "packages" is not an array of tables');
  const byId = new Map<string, Package>();
  const deps: [Package, { name: string; version?: string }[]][] = [];
  for (const e of doc.packages) {
    const name = str(e, 'name');
    if (!isRecord(e) || !name) {
      ctx.incomplete('pylock.toml package without a name; skipped', file.location);
      continue;
    }
    if (isRecord(e.directory)) {
      // a local source tree: the project itself (`path = "."`) or a member of it, reported marked
      const at = str(e.directory, 'path') ?? '.';
      const version = str(e, 'version') ?? '';
      const key = `${normalizePythonName(name)}@${version}`;
      if (!byId.has(key)) byId.set(key, pythonPackage({ name, version, location: file.location, foundBy: CATALOGER, metadata: projectMetadata(at === '.' || at === './' ? 'root' : 'workspace') }));
      const ds = Array.isArray(e.dependencies) ? e.dependencies : [];
      deps.push([byId.get(key)!, ds.flatMap((d) => (str(d, 'name') ? [{ name: str(d, 'name')!, ...(str(d, 'version') ? { version: str(d, 'version') } : {}) }] : []))]);
      continue;
    }
    let version = str(e, 'version');
    if (!version) {
      const files = [...(Array.isArray(e.wheels) ? e.wheels : []), e.sdist, e.archive].map((f) => str(f, 'name') ?? str(f, 'url') ?? str(f, 'path'));
      version = files.map((f) => (f ? distributionFileName(f)?.version : undefined)).find((v) => v !== undefined);
    }
    if (!version) {
      ctx.warn(`pylock.toml package ${JSON.stringify(name)} has no version (a VCS checkout or archive); not reported`, file.location);
      continue;
    }
    const key = `${normalizePythonName(name)}@${version}`;
    let p = byId.get(key);
    if (!p) {
      const metadata: Record<string, unknown> = {};
      const marker = str(e, 'marker');
      if (marker) metadata.markers = marker;
      p = pythonPackage({ name, version, location: file.location, foundBy: CATALOGER, metadata });
      byId.set(key, p);
    } else if (p.metadata?.markers !== undefined && str(e, 'marker') !== p.metadata.markers) delete p.metadata.markers;
    const ds = Array.isArray(e.dependencies) ? e.dependencies : [];
    deps.push([p, ds.flatMap((d) => (str(d, 'name') ? [{ name: str(d, 'name')!, ...(str(d, 'version') ? { version: str(d, 'version') } : {}) }] : []))]);
  }
  const packages = [...byId.values()];
  const byName = new Map<string, Package[]>();
  for (const p of packages) byName.set(normalizePythonName(p.name), [...(byName.get(normalizePythonName(p.name)) ?? []), p]);
  const relationships: Relationship[] = [];
  const seen = new Set<string>();
  for (const [p, ds] of deps) {
    for (const d of ds) {
      const candidates = (byName.get(normalizePythonName(d.name)) ?? []).filter((t) => d.version === undefined || t.version === d.version);
      if (candidates.length !== 1 || candidates[0] === p) continue;
      const k = `${p.id}>${candidates[0]!.id}`;
      if (seen.has(k)) continue;
      seen.add(k);
      relationships.push({ from: p.id, to: candidates[0]!.id, type: 'depends-on' });
    }
  }
  return { packages, relationships };
}
