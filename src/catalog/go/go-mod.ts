/**
 * go.mod (https://go.dev/ref/mod#go-mod-file): `require` lines and blocks (with `// indirect`),
 * `replace` directives applied to them, `exclude` directives removing them (an excluded version is
 * never selected: https://go.dev/ref/mod#go-mod-file-exclude). The `h1:` hashes come from the go.sum
 * beside it, read through ctx.read. The module itself (the `module` line) is reported without a version,
 * marked `project: root`; it depends on the requirements that are not `// indirect`.
 * A go.mod older than Go 1.17 (or without a `go` line, which Go reads as 1.16) does not list the indirect
 * requirements (https://go.dev/ref/mod#go-mod-file-go): the modules its go.sum names and it does not
 * require are added as indirect, at the last version go.sum lists (go.sum is sorted, so the highest:
 * the one minimal version selection picks), marked `fromGoSum`, as trivy merges them. A go.sum with no
 * go.mod beside it is read the same way on its own.
 * A go.mod in the go command's module cache (`…/pkg/mod/<escaped module path>@<version>/go.mod`, GOMODCACHE)
 * belongs to a downloaded dependency: its requirements are only that module's minimum versions (minimal
 * version selection may pick higher ones, https://go.dev/ref/mod#minimal-version-selection), so they are
 * not reported; the cached module itself is, at the version its directory names.
 */
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { dirOf, langPackage, projectMetadata, textOf } from '../lang-common.js';
import { golangPurl } from './common.js';

interface Require {
  path: string;
  version: string;
  indirect: boolean;
}

function unquote(s: string): string {
  return s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s.startsWith('`') && s.endsWith('`') ? s.slice(1, -1) : s;
}

/** The directives of go.mod (https://go.dev/ref/mod#go-mod-file-grammar); the go command rejects any other. */
const DIRECTIVES = new Set(['module', 'go', 'toolchain', 'godebug', 'require', 'exclude', 'replace', 'retract', 'tool', 'ignore']);

export function parseGoModText(text: string): {
  module?: string;
  goVersion?: string;
  requires: Require[];
  replaces: Map<string, { from?: string; path: string; version: string }>;
  excludes: Set<string>;
  /** Directives the go command does not know (`ruire (`): what they hold is not read. */
  unknown: string[];
} {
  const unknown: string[] = [];
  const requires: Require[] = [];
  const excludes = new Set<string>();
  const replaces = new Map<string, { from?: string; path: string; version: string }>();
  let module: string | undefined;
  let goVersion: string | undefined;
  let block: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const indirect = /\/\/\s*indirect\b/.test(raw);
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (line === '') continue;
    if (block !== undefined) {
      if (line === ')') {
        block = undefined;
        continue;
      }
      handle(block, line, indirect);
      continue;
    }
    const m = /^(\w+)\s*(\()?\s*(.*)$/.exec(line);
    if (!m || !DIRECTIVES.has(m[1]!)) {
      if (unknown.length < 10) unknown.push((m?.[1] ?? line).slice(0, 40));
      if (m?.[2]) block = m[1]!;
      continue;
    }
    if (m[2]) {
      block = m[1]!;
      if (m[3]) handle(block, m[3], indirect);
      continue;
    }
    handle(m[1]!, m[3] ?? '', indirect);
  }
  function handle(verb: string, rest: string, indirect: boolean): void {
    const f = rest.split(/\s+/).filter((x) => x !== '').map(unquote);
    if (verb === 'module' && f[0]) module = f[0];
    else if (verb === 'go' && f[0]) goVersion = f[0];
    else if (verb === 'require' && f[0] && f[1]) requires.push({ path: f[0], version: f[1], indirect });
    else if (verb === 'exclude' && f[0] && f[1]) excludes.add(`${f[0]}@${f[1]}`);
    else if (verb === 'replace') {
      const arrow = f.indexOf('=>');
      if (arrow < 1) return;
      const from = f[0]!;
      const fromVersion = arrow === 2 ? f[1] : undefined;
      const path = f[arrow + 1];
      if (!path) return;
      replaces.set(fromVersion ? `${from}@${fromVersion}` : from, { path, version: f[arrow + 2] ?? '' });
    }
  }
  return { ...(module ? { module } : {}), ...(goVersion ? { goVersion } : {}), requires, replaces, excludes, unknown };
}

/** go.sum lines `path version h1:...` (the `/go.mod` lines are skipped). */
export function parseGoSum(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const f = line.trim().split(/\s+/);
    if (f.length === 3 && !f[1]!.endsWith('/go.mod')) out.set(`${f[0]}@${f[1]}`, f[2]!);
  }
  return out;
}

/**
 * The modules a go.sum names, each at the last version it lists (`/go.mod`-only lines count: the module
 * is in the module graph), in file order; `bad` counts non-empty lines that are not `path version hash`.
 */
export function goSumModules(text: string): { modules: Map<string, string>; bad: number } {
  const modules = new Map<string, string>();
  let bad = 0;
  for (const line of text.split(/\r?\n/)) {
    const f = line.trim().split(/\s+/);
    if (f.length === 1 && f[0] === '') continue;
    if (f.length !== 3 || !/^v\d/.test(f[1]!)) {
      bad++;
      continue;
    }
    const version = f[1]!.replace(/\/go\.mod$/, '');
    modules.delete(f[0]!); // keep file order of the last version
    modules.set(f[0]!, version);
  }
  return { modules, bad };
}

/** True for a `go` directive older than 1.17 (or none: Go reads a go.mod without one as go 1.16). */
function beforeGo117(goVersion: string | undefined): boolean {
  if (goVersion === undefined) return true;
  const m = /^(\d+)\.(\d+)/.exec(goVersion);
  return m !== null && (Number(m[1]) < 1 || (Number(m[1]) === 1 && Number(m[2]) < 17));
}

function goSumPackages(text: string, skip: ReadonlySet<string>, file: CatalogFile, ctx: CatalogContext, sumPath: string): Package[] {
  const { modules, bad } = goSumModules(text);
  if (bad > 0) ctx.incomplete(`${bad} go.sum line(s) are not "module version hash"; not read`, { ...file.location, path: sumPath });
  const sums = parseGoSum(text);
  const out: Package[] = [];
  for (const [path, version] of modules) {
    if (skip.has(path)) continue;
    const metadata: Record<string, unknown> = { indirect: true, fromGoSum: true };
    const sum = sums.get(`${path}@${version}`);
    if (sum) metadata.h1Digest = sum;
    out.push(langPackage({ name: path, version, type: 'go-module', purl: golangPurl(path, version), location: { ...file.location, path: sumPath }, foundBy: 'go-mod-cataloger', metadata }));
  }
  return out;
}

const CACHE_VERSION = /^v\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.!+-]*)?$/;

/** A module cache path segment: `!x` stands for `X` (https://go.dev/ref/mod#module-cache). */
function unescapeCachePath(s: string): string {
  return s.replace(/!([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * Where a go.mod or go.sum lies in a Go module cache (`…/pkg/mod/<escaped path>@<version>/…`): the module
 * and version its directory names, `top` when the file is directly in that directory; `download` for the
 * cache's own `pkg/mod/cache/` tree. Undefined outside a module cache.
 */
export function moduleCacheEntry(path: string): { module: string; version: string; top: boolean } | { download: true } | undefined {
  const m = /(?:^|\/)pkg\/mod\/(.*)$/.exec(path);
  if (!m) return undefined;
  const segs = m[1]!.split('/');
  if (segs[0] === 'cache') return { download: true };
  const k = segs.findIndex((s) => s.includes('@'));
  if (k < 0 || k > 64) return undefined;
  const last = segs[k]!;
  const version = unescapeCachePath(last.slice(last.lastIndexOf('@') + 1));
  const module = unescapeCachePath([...segs.slice(0, k), last.slice(0, last.lastIndexOf('@'))].join('/'));
  if (!CACHE_VERSION.test(version) || module === '' || segs.slice(0, k + 1).some((s) => s === '' || s === '.' || s === '..')) return undefined;
  return { module, version, top: segs.length === k + 2 };
}

/** A go.sum read on its own, only when no go.mod is beside it (else the go.mod's parser reads it). */
export async function parseLoneGoSum(file: CatalogFile, ctx: CatalogContext): Promise<ParseResult> {
  if (moduleCacheEntry(file.location.path) !== undefined) return { packages: [] }; // a cached dependency's own sums
  const mod = ctx.read ? await ctx.read(`${dirOf(file.location.path)}/go.mod`) : undefined;
  if (mod !== undefined) return { packages: [] };
  return { packages: goSumPackages(textOf(file.contents), new Set(), file, ctx, file.location.path) };
}

export async function parseGoMod(file: CatalogFile, ctx: CatalogContext): Promise<ParseResult> {
  const cached = moduleCacheEntry(file.location.path);
  if (cached !== undefined) {
    if ('download' in cached || !cached.top) return { packages: [] };
    const metadata = { moduleCache: true };
    return { packages: [langPackage({ name: cached.module, version: cached.version, type: 'go-module', purl: golangPurl(cached.module, cached.version), location: file.location, foundBy: 'go-mod-cataloger', metadata })] };
  }
  const mod = parseGoModText(textOf(file.contents));
  if (!mod.module) ctx.warn('go.mod without a module line', file.location);
  if (mod.unknown.length > 0) ctx.incomplete(`go.mod has lines the go command rejects (unknown directive ${mod.unknown.map((u) => JSON.stringify(u)).join(', ')}); what they hold is not read`, file.location);
  const sumBytes = ctx.read ? await ctx.read(`${dirOf(file.location.path)}/go.sum`) : undefined;
  const sums = sumBytes ? parseGoSum(textOf(sumBytes)) : new Map<string, string>();
  const packages: Package[] = [];
  for (const r of mod.requires) {
    if (mod.excludes.has(`${r.path}@${r.version}`)) {
      // Go ignores a requirement on an excluded version (Go >= 1.16); the version it selects instead is not in go.mod
      ctx.warn(`require ${r.path} ${r.version} is excluded by an exclude directive; not reported`, file.location);
      continue;
    }
    const rep = mod.replaces.get(`${r.path}@${r.version}`) ?? mod.replaces.get(r.path);
    const local = rep !== undefined && rep.version === '';
    const path = rep && !local ? rep.path : r.path;
    // A module replaced by a local directory is that directory's code, not the version required (often the
    // placeholder v0.0.0-00010101000000-000000000000): no version, marked a workspace member (as syft leaves
    // the version empty; trivy drops such modules).
    const version = local ? '' : rep ? rep.version : r.version;
    const metadata: Record<string, unknown> = local ? projectMetadata('workspace') : {};
    if (r.indirect) metadata.indirect = true;
    if (rep) metadata.replaces = `${r.path}@${r.version}`;
    if (local) metadata.replacedByLocalPath = rep.path;
    const sum = sums.get(`${path}@${version}`);
    if (sum) metadata.h1Digest = sum;
    packages.push(langPackage({ name: path, version, type: 'go-module', purl: golangPurl(path, version), location: file.location, foundBy: 'go-mod-cataloger', metadata }));
  }
  if (sumBytes && beforeGo117(mod.goVersion)) {
    const required = new Set(packages.map((p) => p.name));
    for (const r of mod.requires) required.add(r.path);
    if (mod.module) required.add(mod.module);
    packages.push(...goSumPackages(textOf(sumBytes), required, file, ctx, `${dirOf(file.location.path)}/go.sum`));
  }
  const relationships: Relationship[] = [];
  if (mod.module) {
    const root = langPackage({ name: mod.module, version: '', type: 'go-module', purl: golangPurl(mod.module, ''), location: file.location, foundBy: 'go-mod-cataloger', metadata: projectMetadata('root') });
    for (const p of packages) if (p.metadata?.indirect !== true) relationships.push({ from: root.id, to: p.id, type: 'depends-on' });
    packages.unshift(root);
  }
  return { packages, relationships };
}
