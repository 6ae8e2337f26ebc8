/**
 * Declared Python dependencies: poetry.lock, uv.lock and pdm.lock (TOML `[[package]]`,
 * https://pdm-project.org/en/latest/usage/lockfile/), Pipfile.lock (JSON `default`/`develop`).
 * requirements*.txt: requirements.ts.
 */
import { parse as parseToml } from 'smol-toml';
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { isRecord, parseJsonText, str, textOf } from '../lang-common.js';
import { normalizePythonName, pythonPackage } from './common.js';

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
  for (const e of list) {
    if (!isRecord(e)) continue;
    const name = str(e, 'name');
    const version = str(e, 'version');
    const source = e.source;
    // uv: the project itself and workspace members are editable/virtual sources; pdm: editable local members
    if (isRecord(source) && (source.editable !== undefined || source.virtual !== undefined)) continue;
    if (e.editable === true) continue;
    if (!name || !version) {
      ctx.incomplete(`${what} package ${JSON.stringify(name ?? '?')} has no version; skipped`, file.location);
      continue;
    }
    const metadata: Record<string, unknown> = {};
    const category = str(e, 'category');
    if (category) metadata.category = category;
    if (Array.isArray(e.groups) && e.groups.every((g) => typeof g === 'string')) metadata.groups = e.groups;
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
  return { packages, relationships };
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
