/**
 * Julia: the `Manifest.toml` Pkg writes (https://pkgdocs.julialang.org/v1/toml-files/), every package
 * of the environment resolved, by name and UUID:
 * - format 2.0 (Julia 1.7+): `julia_version`, `manifest_format = "2.0"` and the packages under
 *   `[[deps.<Name>]]`; format 1.0 (before): `[[<Name>]]` at the top level, with no Julia version;
 * - an entry's `deps` is a list of names (`deps = ["Dates"]`, resolved to the one entry of that name) or
 *   a table of name = UUID (`[deps.A.deps]`, when two entries share a name);
 * - a standard library package (no `version`, no `git-tree-sha1`, no `path`, no `repo-url`) ships with
 *   Julia: its version is `julia_version`, as trivy reads it; a format-1.0 manifest names no Julia
 *   version, so such a package is reported without one (trivy writes `unknown`), with a warning;
 * - a package checked out by path or git without a `version` is reported without one (trivy: `unknown`),
 *   with a warning: it stays in the dependency graph, and scan never matches it.
 * The `Project.toml` beside it names the project (reported as the project, `metadata.project: root`)
 * and its direct dependencies: `[deps]`, and `[extras]` (test-only, used by `[targets]`); a package
 * that only `[extras]` reach is marked dev, as trivy marks it.
 */
import { parse as parseToml } from 'smol-toml';
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { dirOf, isRecord, langPackage, nameSome, projectMetadata, purlOrUndefined, str, textOf } from '../lang-common.js';

const CATALOGER = 'julia-manifest-cataloger';
/** A manifest bigger than this is no environment anyone resolved (large ones are a few hundred KB). */
const MAX_BYTES = 32 * 1024 * 1024;
const MAX_PACKAGES = 100_000;
const MAX_DEPS = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Entry {
  name: string;
  uuid: string;
  version: string;
  pkg: Package;
  deps: unknown;
}

function juliaPurl(name: string, version: string, uuid: string): string | undefined {
  return purlOrUndefined({ type: 'julia', name, version, qualifiers: uuid ? { uuid } : {} });
}

function readToml(contents: Buffer, what: string): Record<string, unknown> {
  try {
    return parseToml(textOf(contents)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`invalid TOML in ${what}: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
}

/** The UUIDs of a Project.toml table (`[deps]`, `[extras]`), by name. */
function uuidTable(t: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (isRecord(t)) for (const [k, v] of Object.entries(t).slice(0, MAX_DEPS)) if (typeof v === 'string' && UUID.test(v)) out.set(k, v.toLowerCase());
  return out;
}

interface Project {
  path: string;
  name?: string | undefined;
  uuid?: string | undefined;
  version?: string | undefined;
  deps: Map<string, string>;
  extras: Map<string, string>;
}

async function readProject(manifestPath: string, ctx: CatalogContext): Promise<Project | undefined> {
  if (ctx.read === undefined) return undefined;
  const dir = dirOf(manifestPath);
  // Pkg prefers JuliaProject.toml / JuliaManifest.toml when both names exist
  const names = manifestPath.endsWith('/JuliaManifest.toml') ? ['JuliaProject.toml', 'Project.toml'] : ['Project.toml', 'JuliaProject.toml'];
  for (const n of names) {
    const path = `${dir === '/' ? '' : dir}/${n}`;
    const bytes = await ctx.read(path);
    if (bytes === undefined) continue;
    let doc: Record<string, unknown>;
    try {
      doc = readToml(bytes, n);
    } catch (err) {
      ctx.warn(`${path}: ${(err as Error).message}; the project and its dev dependencies are not told`, { path });
      return undefined;
    }
    return { path, name: str(doc, 'name'), uuid: str(doc, 'uuid'), version: str(doc, 'version'), deps: uuidTable(doc.deps), extras: uuidTable(doc.extras) };
  }
  return undefined;
}

export async function parseJuliaManifest(file: CatalogFile, ctx: CatalogContext): Promise<ParseResult> {
  if (file.contents.length > MAX_BYTES) {
    ctx.incomplete(`Manifest.toml is ${file.contents.length} bytes, over the ${MAX_BYTES} read`);
    return { packages: [] };
  }
  const doc = readToml(file.contents, 'Manifest.toml');
  const v2 = typeof doc.manifest_format === 'string';
  const juliaVersion = v2 ? (str(doc, 'julia_version') ?? '') : '';
  let table: Record<string, unknown>;
  if (v2) {
    if (doc.deps !== undefined && !isRecord(doc.deps)) throw new Error('Manifest.toml `deps` is not a table');
    table = isRecord(doc.deps) ? doc.deps : {};
  } else {
    // format 1.0: every top-level array of tables is a package
    table = Object.fromEntries(Object.entries(doc).filter(([, v]) => Array.isArray(v)));
    const entriesOf = Object.values(table).flat();
    if (entriesOf.length > 0 && !entriesOf.some((e) => isRecord(e) && typeof e.uuid === 'string')) {
      // another tool's Manifest.toml: no entry is a package with a UUID
      ctx.warn('Manifest.toml has no manifest_format and no package with a uuid: not a Julia manifest; ignored', file.location);
      return { packages: [] };
    }
  }
  const entries: Entry[] = [];
  const unversioned: string[] = [];
  const stdlibNoVersion: string[] = [];
  let count = 0;
  for (const [name, list] of Object.entries(table)) {
    if (!Array.isArray(list)) {
      ctx.incomplete(`Manifest.toml package ${JSON.stringify(name)} is not an array of tables; skipped`);
      continue;
    }
    for (const e of list) {
      if (++count > MAX_PACKAGES) break;
      if (!isRecord(e)) {
        ctx.incomplete(`Manifest.toml package ${JSON.stringify(name)} has an entry that is not a table; skipped`);
        continue;
      }
      const uuid = (str(e, 'uuid') ?? '').toLowerCase();
      if (!UUID.test(uuid)) {
        ctx.incomplete(`Manifest.toml package ${JSON.stringify(name)} has no valid uuid; skipped`);
        continue;
      }
      let version = str(e, 'version') ?? '';
      const metadata: Record<string, unknown> = { uuid };
      for (const k of ['git-tree-sha1', 'path', 'repo-url', 'repo-rev', 'repo-subdir'] as const) {
        const v = str(e, k);
        if (v) metadata[k] = v;
      }
      const stdlib = version === '' && metadata['git-tree-sha1'] === undefined && metadata.path === undefined && metadata['repo-url'] === undefined;
      if (stdlib) {
        metadata.stdlib = true;
        version = juliaVersion;
        if (version === '') stdlibNoVersion.push(name);
      } else if (version === '') unversioned.push(name);
      const pkg = langPackage({ name, version, type: 'julia', purl: juliaPurl(name, version, uuid), location: file.location, foundBy: CATALOGER, metadata });
      entries.push({ name, uuid, version, pkg, deps: e.deps });
    }
  }
  if (count > MAX_PACKAGES) ctx.incomplete(`Manifest.toml lists ${count}+ packages; only the first ${MAX_PACKAGES} are read`);
  if (unversioned.length > 0) ctx.warn(`Manifest.toml: ${nameSome(unversioned, 5)} (checked out by path or git) name no version; reported without one`, file.location);
  if (stdlibNoVersion.length > 0) ctx.warn(`Manifest.toml (format 1.0) names no Julia version: standard library packages ${nameSome(stdlibNoVersion, 5)} are reported without one`, file.location);

  const byUuid = new Map(entries.map((e) => [e.uuid, e]));
  const byName = new Map<string, Entry[]>();
  for (const e of entries) byName.set(e.name, [...(byName.get(e.name) ?? []), e]);
  const edges = new Map<Entry, Entry[]>();
  const unresolved: string[] = [];
  for (const e of entries) {
    const targets: Entry[] = [];
    if (Array.isArray(e.deps)) {
      for (const d of e.deps.slice(0, MAX_DEPS)) {
        const cands = typeof d === 'string' ? (byName.get(d) ?? []) : [];
        if (cands.length === 1) targets.push(cands[0]!);
        else unresolved.push(`${e.name} -> ${String(d)}`);
      }
    } else if (isRecord(e.deps)) {
      for (const [n, u] of Object.entries(e.deps).slice(0, MAX_DEPS)) {
        const t = typeof u === 'string' ? byUuid.get(u.toLowerCase()) : undefined;
        if (t) targets.push(t);
        else unresolved.push(`${e.name} -> ${n}`);
      }
    }
    edges.set(e, targets);
  }
  if (unresolved.length > 0) ctx.warn(`Manifest.toml: dependencies naming no single package (${nameSome(unresolved, 5)}); those edges are left out`, file.location);

  const packages = entries.map((e) => e.pkg);
  const relationships: Relationship[] = [];
  for (const [from, to] of edges) for (const t of to) if (t !== from) relationships.push({ from: from.pkg.id, to: t.pkg.id, type: 'depends-on' });

  const project = await readProject(file.location.path, ctx);
  if (project) {
    const reach = (roots: Iterable<string>): Set<Entry> => {
      const seen = new Set<Entry>();
      const queue = [...roots].map((u) => byUuid.get(u)).filter((e): e is Entry => e !== undefined);
      for (const q of queue) seen.add(q);
      while (queue.length > 0) for (const t of edges.get(queue.pop()!) ?? []) if (!seen.has(t)) seen.add(t), queue.push(t);
      return seen;
    };
    const main = reach(project.deps.values());
    const test = reach(project.extras.values());
    for (const e of test) if (!main.has(e)) e.pkg.metadata = { ...e.pkg.metadata, dev: true };
    if (project.name) {
      const uuid = project.uuid && UUID.test(project.uuid) ? project.uuid.toLowerCase() : '';
      const version = project.version ?? '';
      const root = langPackage({
        name: project.name,
        version,
        type: 'julia',
        purl: juliaPurl(project.name, version, uuid),
        location: { ...file.location, path: project.path },
        foundBy: CATALOGER,
        metadata: projectMetadata('root', uuid ? { uuid } : {}),
      });
      packages.unshift(root);
      for (const u of project.deps.values()) {
        const t = byUuid.get(u);
        if (t) relationships.push({ from: root.id, to: t.pkg.id, type: 'depends-on' });
      }
      for (const u of project.extras.values()) {
        const t = byUuid.get(u);
        if (t && !project.deps.has(t.name)) relationships.push({ from: root.id, to: t.pkg.id, type: 'dev-depends-on' });
      }
    }
  }
  return { packages, relationships };
}
