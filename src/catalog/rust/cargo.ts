/**
 * Rust crates: Cargo.lock (`[[package]]` with name, version, source, checksum, dependencies as
 * "name", "name version" or "name version (source)"), and the cargo-auditable `.dep-v0` section of ELF, PE and Mach-O executables
 * (zlib-compressed JSON {packages:[{name, version, source, kind, dependencies:[index], root}]},
 * https://github.com/rust-secure-code/cargo-auditable/blob/master/PARAMETERS.md).
 */
import { inflateSync } from 'node:zlib';
import { parse as parseToml } from 'smol-toml';
import { buildPurl } from '../../core/ecosystem.js';
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult, RandomAccessCatalogFile } from '../cataloger.js';
import { isRecord, langPackage, parseJsonText, str, textOf } from '../lang-common.js';
import { sectionData } from '../go/elf.js';
import { readExecutable } from '../go/exe.js';

const MAX_INFLATED = 16 * 1024 * 1024;

function cargoPurl(name: string, version: string): string | undefined {
  try {
    return buildPurl({ type: 'cargo', name, version });
  } catch {
    return undefined;
  }
}

function crate(name: string, version: string, file: { location: CatalogFile['location'] }, foundBy: string, metadata: Record<string, unknown>): Package {
  return langPackage({ name, version, type: 'rust-crate', purl: cargoPurl(name, version), location: file.location, foundBy, metadata });
}

/** The crates a manifest names in one dependency table, by the name Cargo.lock gives them (`package = "…"` renames). */
function tableNames(table: unknown, workspaceDeps: Record<string, unknown>): string[] {
  if (!isRecord(table)) return [];
  return Object.entries(table).map(([key, v]) => {
    const own = isRecord(v) ? str(v, 'package') : undefined;
    const inherited = isRecord(v) && v.workspace === true && isRecord(workspaceDeps[key]) ? str(workspaceDeps[key], 'package') : undefined;
    return own ?? inherited ?? key;
  });
}

interface ManifestDeps {
  /** `[dependencies]`, `[build-dependencies]` and the same under `[target.<cfg>]`. */
  prod: Set<string>;
  /** `[dev-dependencies]` and `[target.<cfg>.dev-dependencies]`: only for tests, examples and benches. */
  dev: Set<string>;
}

function manifestDeps(doc: Record<string, unknown>, workspaceDeps: Record<string, unknown>): ManifestDeps {
  const prod = new Set<string>();
  const dev = new Set<string>();
  const tables: Record<string, unknown>[] = [doc, ...(isRecord(doc.target) ? Object.values(doc.target).filter(isRecord) : [])];
  for (const t of tables) {
    for (const k of ['dependencies', 'build-dependencies', 'build_dependencies']) for (const n of tableNames(t[k], workspaceDeps)) prod.add(n);
    for (const k of ['dev-dependencies', 'dev_dependencies']) for (const n of tableNames(t[k], workspaceDeps)) dev.add(n);
  }
  return { prod, dev };
}

/**
 * What the Cargo.toml beside a Cargo.lock (and those of its workspace members named without globs) say
 * each local crate needs outside tests, by crate name. Empty when there is none to read; a manifest that
 * does not parse is a warning (the lock file was read; only the dev marking is lost).
 */
async function readManifests(lockPath: string, ctx: CatalogContext): Promise<Map<string, ManifestDeps>> {
  const out = new Map<string, ManifestDeps>();
  if (ctx.read === undefined) return out;
  const dir = lockPath.slice(0, lockPath.lastIndexOf('/'));
  const load = async (path: string): Promise<Record<string, unknown> | undefined> => {
    const bytes = await ctx.read!(path);
    if (bytes === undefined) return undefined;
    try {
      return parseToml(textOf(bytes)) as Record<string, unknown>;
    } catch (err) {
      ctx.warn(`${path} does not parse (${(err as Error).message.split('\n')[0]}); dev dependencies are not told apart`, { path });
      return undefined;
    }
  };
  const root = await load(`${dir}/Cargo.toml`);
  if (root === undefined) return out;
  const workspace = isRecord(root.workspace) ? root.workspace : {};
  const workspaceDeps = isRecord(workspace.dependencies) ? workspace.dependencies : {};
  const rootName = isRecord(root.package) ? str(root.package, 'name') : undefined;
  if (rootName) out.set(rootName, manifestDeps(root, workspaceDeps));
  const members = Array.isArray(workspace.members) ? workspace.members.filter((m): m is string => typeof m === 'string') : [];
  for (const m of members.slice(0, 1000)) {
    // a glob member (`crates/*`) names no one directory: its crates keep every edge
    if (/[*?[\]{}]/.test(m)) continue;
    const rel = m.replace(/^\.\/+/, '').replace(/\/+$/, '');
    if (rel === '' || rel.split('/').includes('..')) continue;
    const doc = await load(`${dir}/${rel}/Cargo.toml`);
    const name = doc && isRecord(doc.package) ? str(doc.package, 'name') : undefined;
    if (doc && name && !out.has(name)) out.set(name, manifestDeps(doc, workspaceDeps));
  }
  return out;
}

/**
 * Cargo.lock, with the crates that only dev-dependencies reach marked dev: Cargo.lock lists what tests,
 * examples and benches need with the rest, and only the local crates' Cargo.toml tell them apart (read
 * as trivy does; a crate a manifest names both ways, or whose local crate has no readable manifest,
 * is not dev).
 */
export async function parseCargoLock(file: CatalogFile, ctx: CatalogContext): Promise<ParseResult> {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(textOf(file.contents)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`invalid TOML in Cargo.lock: ${(err as Error).message}`, { cause: err });
  }
  const list = Array.isArray(doc.package) ? doc.package : [];
  const packages: Package[] = [];
  const byName = new Map<string, Package[]>();
  const deps: [Package, string[]][] = [];
  for (const e of list) {
    const name = str(e, 'name');
    const version = str(e, 'version');
    if (!name || !version) {
      ctx.incomplete(`Cargo.lock package ${JSON.stringify(name ?? '?')} has no version`);
      continue;
    }
    const metadata: Record<string, unknown> = {};
    const source = str(e, 'source');
    if (source) metadata.source = source;
    else metadata.local = true;
    const checksum = str(e, 'checksum');
    const p = crate(name, version, file, 'rust-cargo-lock-cataloger', metadata);
    if (checksum) p.hashes = { 'SHA-256': checksum };
    packages.push(p);
    byName.set(name, [...(byName.get(name) ?? []), p]);
    deps.push([p, isRecord(e) && Array.isArray(e.dependencies) ? e.dependencies.filter((d): d is string => typeof d === 'string') : []]);
  }
  const edges: { from: Package; to: Package; name: string }[] = [];
  for (const [p, ds] of deps) {
    for (const d of ds) {
      const [n, v] = d.split(' ');
      const cands = byName.get(n ?? '') ?? [];
      const t = v === undefined ? (cands.length === 1 ? cands[0] : undefined) : cands.find((c) => c.version === v);
      if (t && t !== p) edges.push({ from: p, to: t, name: n! });
    }
  }
  const manifests = await readManifests(file.location.path, ctx);
  if (manifests.size > 0) {
    const devOnly = (from: Package, name: string): boolean => {
      const m = from.metadata?.local === true ? manifests.get(from.name) : undefined;
      return m !== undefined && m.dev.has(name) && !m.prod.has(name);
    };
    const out = new Map<Package, Package[]>();
    for (const e of edges) if (!devOnly(e.from, e.name)) out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
    // every local crate (workspace member, path dependency) is built; what it needs outside tests is not dev
    const seen = new Set<Package>(packages.filter((p) => p.metadata?.local === true));
    const queue = [...seen];
    while (queue.length > 0) for (const t of out.get(queue.pop()!) ?? []) if (!seen.has(t)) seen.add(t), queue.push(t);
    for (const p of packages) if (!seen.has(p)) p.metadata = { ...p.metadata, dev: true };
  }
  const relationships: Relationship[] = edges.map((e) => ({ from: e.from.id, to: e.to.id, type: 'depends-on' }));
  return { packages, relationships };
}

/**
 * cargo-auditable's `.dep-v0` section: ELF and PE name it so; Mach-O puts it in the `__DATA` segment. The
 * section tables are read by go/exe.ts (one reader of the three formats for both catalogers).
 */
export function depV0Section(bytes: RandomAccessCatalogFile['file']): Buffer | undefined {
  const exe = readExecutable(bytes);
  if (!exe) return undefined;
  const section = exe.sections.find((s) => s.name === '.dep-v0' && (exe.format !== 'macho' || s.segment === '__DATA'));
  return section ? sectionData(bytes, { sections: [section] }, '.dep-v0') : undefined;
}

/** Reads only the headers, section table and `.dep-v0` of each executable (ELF, PE or Mach-O). */
export function parseCargoAuditable(file: RandomAccessCatalogFile, ctx: CatalogContext): ParseResult {
  const data = depV0Section(file.file);
  if (!data) return { packages: [] };
  let json: unknown;
  try {
    json = parseJsonText(inflateSync(data, { maxOutputLength: MAX_INFLATED }), '.dep-v0');
  } catch (err) {
    ctx.incomplete(`cargo-auditable .dep-v0 section unreadable (${(err as Error).message})`);
    return { packages: [] };
  }
  const list = isRecord(json) && Array.isArray(json.packages) ? json.packages : [];
  const packages: (Package | undefined)[] = [];
  for (const e of list) {
    const name = str(e, 'name');
    const version = str(e, 'version');
    if (!name || !version) {
      packages.push(undefined);
      continue;
    }
    const metadata: Record<string, unknown> = {};
    for (const k of ['source', 'kind'] as const) if (str(e, k)) metadata[k] = str(e, k);
    if (isRecord(e) && e.root === true) metadata.root = true;
    packages.push(crate(name, version, file, 'rust-binary-cataloger', metadata));
  }
  const relationships: Relationship[] = [];
  list.forEach((e, i) => {
    const from = packages[i];
    if (!from || !isRecord(e) || !Array.isArray(e.dependencies)) return;
    for (const d of e.dependencies) {
      const to = typeof d === 'number' ? packages[d] : undefined;
      if (to && to !== from) relationships.push({ from: from.id, to: to.id, type: 'depends-on' });
    }
  });
  return { packages: packages.filter((p): p is Package => p !== undefined), relationships };
}
