/**
 * Declared Python dependencies: requirements*.txt (pinned `==`/`===` lines only; ranges are not
 * versions), poetry.lock and uv.lock (TOML `[[package]]`), Pipfile.lock (JSON `default`/`develop`).
 */
import { parse as parseToml } from 'smol-toml';
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { isRecord, parseJsonText, str, textOf } from '../lang-common.js';
import { normalizePythonName, pythonPackage } from './common.js';

const CATALOGER = 'python-lock-cataloger';

export function parseRequirements(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const packages: Package[] = [];
  const lines = textOf(file.contents).replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '' || line.startsWith('-')) return; // options: -r, -e, --hash, --index-url ...
    const spec = line.split(';')[0]!.replace(/\s--\S+.*$/, '').trim();
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*([^\s,;*]+)$/.exec(spec);
    if (!m) {
      if (/^[A-Za-z0-9]/.test(spec) && !/[<>~!]=?|@/.test(spec) && !/==/.test(spec)) return; // unpinned name
      if (/==/.test(spec) && /[*]/.test(spec)) ctx.warn(`line ${i + 1}: wildcard pin ${JSON.stringify(spec)} is not a version; skipped`, file.location);
      return;
    }
    packages.push(pythonPackage({ name: m[1]!, version: m[2]!, location: file.location, foundBy: CATALOGER, metadata: { line: i + 1 } }));
  });
  return { packages };
}

function tomlOf(file: CatalogFile, what: string): Record<string, unknown> {
  try {
    return parseToml(textOf(file.contents)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`invalid TOML in ${what}: ${(err as Error).message}`, { cause: err });
  }
}

/** poetry.lock and uv.lock share `[[package]]` name/version; dependencies differ (table vs array). */
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
    // uv: the project itself and workspace members are editable/virtual sources
    if (isRecord(source) && (source.editable !== undefined || source.virtual !== undefined)) continue;
    if (!name || !version) {
      ctx.warn(`${what} package ${JSON.stringify(name ?? '?')} has no version; skipped`, file.location);
      continue;
    }
    const metadata: Record<string, unknown> = {};
    const category = str(e, 'category');
    if (category) metadata.category = category;
    const p = pythonPackage({ name, version, location: file.location, foundBy: CATALOGER, description: str(e, 'description'), metadata });
    packages.push(p);
    byName.set(normalizePythonName(name), p);
    const names: string[] = [];
    if (isRecord(e.dependencies)) names.push(...Object.keys(e.dependencies));
    else if (Array.isArray(e.dependencies)) for (const d of e.dependencies) if (str(d, 'name')) names.push(str(d, 'name')!);
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
