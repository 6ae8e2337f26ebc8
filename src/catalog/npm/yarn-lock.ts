/**
 * yarn.lock, both formats:
 * - classic (v1): its own indented format — `"a@^1", a@~1.2:` headers, `version "1.2.3"`,
 *   `dependencies:` blocks of `name "range"`;
 * - berry (v2+): YAML with `__metadata`, keys `name@npm:range`, `resolution: name@npm:1.2.3`;
 *   `workspace:` entries are the project (`workspace:.`, marked `project: root`) and its members (marked
 *   `project: workspace`), named as their key names them; link/portal entries (folders outside the
 *   project) are not packages (local tarballs are).
 * Aliases (`my-ms@npm:ms@2.1.3`) are reported as the package actually installed: berry's
 * `resolution` names it; in classic, the tarball URL of the public registry does
 * (`https://registry.yarnpkg.com/ms/-/ms-2.1.3.tgz`), else the `npm:` target of the descriptor.
 * The package.json beside the lock (and berry's workspace folders' ones) give the project's name and
 * version (a classic lock has no entry for it), the members' versions, and the dev packages. A classic
 * lock names no workspace member: they are the folders whose package.json the project's `workspaces`
 * globs match (reported marked `project: workspace`, their dependencies counted for the dev marking).
 * A berry lock is one YAML mapping; when it does not parse as a whole (a duplicate key, one broken
 * entry), each top-level entry is parsed on its own, so one bad entry loses only itself.
 */
import picomatch from 'picomatch';
import { lazyRequire } from '../../core/lazy.js';
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { isRecord, projectMetadata, str, textOf, type ProjectRole } from '../lang-common.js';
import { npmPackage, reachable } from './common.js';

const yaml = lazyRequire<typeof import('yaml')>('yaml');

const CATALOGER = 'npm-lock-cataloger';

/** 'a@^1' / '@s/a@npm:^1' → name ('a', '@s/a'). */
export function descriptorName(d: string): string {
  const at = d.indexOf('@', d.startsWith('@') ? 1 : 0);
  return at < 0 ? d : d.slice(0, at);
}

/** The package an alias descriptor installs: 'my-ms@npm:ms@2.1.3' → 'ms'; undefined when not an alias. */
export function aliasTarget(d: string): string | undefined {
  const name = descriptorName(d);
  const rest = d.slice(name.length + 1);
  if (!rest.startsWith('npm:')) return undefined;
  const target = rest.slice(4);
  // 'npm:^1.2.3' is a plain range of the same package, 'npm:ms@2.1.3' / 'npm:@s/x@1' an alias
  if (!/^(@[^/@\s]+\/)?[^@\s/][^@\s]*@/.test(target)) return undefined;
  return descriptorName(target);
}

/**
 * Name of the package a public-registry tarball URL downloads
 * ('https://registry.yarnpkg.com/@s/x/-/x-1.0.0.tgz' → '@s/x'); undefined for other URLs (private
 * registries put their own path segments in front of the name).
 */
export function registryTarballName(url: string): string | undefined {
  const m = /^https?:\/\/registry\.(?:yarnpkg\.com|npmjs\.org)\/((?:@[^/]+\/)?[^/@]+)\/-\/[^/]+\.tgz(?:[#?].*)?$/.exec(url);
  return m?.[1];
}

function unquote(s: string): string {
  const t = s.trim();
  return t.startsWith('"') && t.endsWith('"') && t.length >= 2 ? t.slice(1, -1).replace(/\\"/g, '"') : t;
}

interface Entry {
  descriptors: string[];
  name: string;
  version: string;
  deps: [string, string][];
  resolved?: string;
  integrity?: string;
  project?: ProjectRole;
  /** berry workspaces: the folder, relative to the lock (`.` for the project). */
  wsPath?: string;
}

export function parseClassicYarnLock(text: string): Entry[] {
  const out: Entry[] = [];
  let cur: Entry | undefined;
  let inDeps = false;
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const indent = raw.length - raw.trimStart().length;
    const line = raw.trim();
    if (indent === 0) {
      if (!line.endsWith(':')) {
        cur = undefined;
        continue;
      }
      const descriptors = line
        .slice(0, -1)
        .split(/,\s*/)
        .map(unquote)
        .filter((d) => d !== '');
      cur = { descriptors, name: descriptorName(descriptors[0] ?? ''), version: '', deps: [] };
      out.push(cur);
      inDeps = false;
      continue;
    }
    if (!cur) continue;
    if (indent <= 2) {
      // npm writes yarn.lock files too, with every key quoted: `"version" "3.6.0"`, `"dependencies":`
      inDeps = /^"?(dependencies|optionalDependencies)"?:$/.test(line);
      const m = /^("[^"]+"|\S+)\s+(.+)$/.exec(line);
      if (m && !inDeps) {
        const key = unquote(m[1]!);
        const v = unquote(m[2]!);
        if (key === 'version') cur.version = v;
        else if (key === 'resolved') cur.resolved = v;
        else if (key === 'integrity') cur.integrity = v;
      }
      continue;
    }
    if (inDeps) {
      const m = /^("[^"]+"|\S+)\s+(.+)$/.exec(line);
      if (m) cur.deps.push([unquote(m[1]!), unquote(m[2]!)]);
    }
  }
  return out;
}

function parseBerry(doc: Iterable<[string, unknown]>): Entry[] {
  const out: Entry[] = [];
  for (const [key, v] of doc) {
    if (key === '__metadata' || !isRecord(v)) continue;
    const resolution = str(v, 'resolution') ?? '';
    const descriptors = key.split(/,\s*/).map((d) => d.trim());
    // the project and its workspaces are reported as such; links and portals (folders outside the
    // project) are not packages; a local tarball (`file:x.tgz`, linkType hard) is
    const ws = /@workspace:(.*)$/.exec(resolution);
    if (!ws && (/@(link|portal):/.test(resolution) || str(v, 'linkType') === 'soft')) continue;
    const name = descriptorName((ws ? descriptors[0] : resolution) || descriptors[0] || '');
    const version = typeof v.version === 'string' || typeof v.version === 'number' ? String(v.version) : '';
    const deps: [string, string][] = [];
    for (const f of ['dependencies', 'optionalDependencies']) {
      const d = v[f];
      if (isRecord(d)) for (const [n, r] of Object.entries(d)) deps.push([n, String(r)]);
    }
    const e: Entry = { descriptors, name, version, deps };
    if (ws) {
      e.project = ws[1] === '.' || ws[1] === '' ? 'root' : 'workspace';
      e.wsPath = ws[1] === '' ? '.' : ws[1];
    }
    else if (resolution) e.resolved = resolution;
    const checksum = str(v, 'checksum');
    if (checksum) e.integrity = checksum;
    out.push(e);
  }
  return out;
}

const YAML_OPTIONS = { maxAliasCount: 100, logLevel: 'error' } as const;

/** First line of a YAML error (the library appends a multi-line excerpt of the file), optionally without its position. */
function firstLine(err: unknown, position = true): string {
  const line = ((err as Error).message ?? String(err)).split('\n')[0]!.trim();
  return position ? line : line.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * The entries of a berry lock that does not parse as one mapping: each top-level key (a line starting
 * in column 0 that is not a comment) and its indented lines are parsed on their own. A block that is
 * not valid YAML is one lost entry (incomplete, naming its line); a key seen twice is read both times
 * (a warning: nothing is lost).
 */
function lenientBerryEntries(text: string, ctx: CatalogContext, file: CatalogFile): [string, unknown][] {
  const lines = text.split(/\r?\n/);
  const blocks: { line: number; text: string[] }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (/^[^\s#]/.test(l)) blocks.push({ line: i + 1, text: [l] });
    else blocks.at(-1)?.text.push(l);
  }
  const out: [string, unknown][] = [];
  const seen = new Map<string, number>();
  for (const b of blocks) {
    const head = JSON.stringify(b.text[0]!.slice(0, 120));
    let doc: unknown;
    try {
      doc = yaml().parse(b.text.join('\n'), YAML_OPTIONS);
    } catch (err) {
      ctx.incomplete(`yarn.lock entry ${head} at line ${b.line} is not valid YAML (${firstLine(err, false)}); skipped`, file.location);
      continue;
    }
    const pairs = isRecord(doc) ? Object.entries(doc) : [];
    if (pairs.length !== 1) {
      ctx.incomplete(`yarn.lock entry ${head} at line ${b.line} is not one key and its fields; skipped`, file.location);
      continue;
    }
    const [key, value] = pairs[0]!;
    const before = seen.get(key);
    if (before !== undefined) ctx.warn(`yarn.lock key ${JSON.stringify(key)} appears at lines ${before} and ${b.line}; both read`, file.location);
    else seen.set(key, b.line);
    out.push([key, value]);
  }
  return out;
}

/** A berry lock's top-level entries: one parse of the whole file, else entry by entry. */
function berryEntries(text: string, ctx: CatalogContext, file: CatalogFile): [string, unknown][] {
  let doc: unknown;
  try {
    doc = yaml().parse(text, YAML_OPTIONS);
  } catch (err) {
    ctx.warn(`yarn.lock is not valid YAML as a whole (${firstLine(err)}); reading it entry by entry`, file.location);
    return lenientBerryEntries(text, ctx, file);
  }
  if (!isRecord(doc)) throw new Error('yarn.lock is not a YAML mapping');
  return Object.entries(doc);
}

/**
 * Classic entries name the package in their header; an alias header names the alias, so the tarball
 * URL of the public registry (what was downloaded) and then the `npm:` target take precedence.
 */
function classicName(e: Entry): string {
  const d = e.descriptors[0] ?? '';
  return (e.resolved ? registryTarballName(e.resolved) : undefined) ?? aliasTarget(d) ?? e.name;
}

const PROD_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies'] as const;
const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;

/**
 * The project's package.json beside the yarn.lock (read through ctx.read); undefined when there is none.
 * One that is not a JSON object is a warning: the lock file was read, only the project's own name and
 * version and the dev marking are lost.
 */
async function readManifest(path: string, ctx: CatalogContext): Promise<Record<string, unknown> | undefined> {
  if (ctx.read === undefined) return undefined;
  const bytes = await ctx.read(path);
  if (bytes === undefined) return undefined;
  let doc: unknown;
  try {
    if (bytes.length > MAX_MANIFEST_BYTES) throw new Error(`over ${MAX_MANIFEST_BYTES} bytes`);
    doc = JSON.parse(textOf(bytes));
  } catch (err) {
    ctx.warn(`${path} is not read (${(err as Error).message.split('\n')[0]}); the project and its dev dependencies are not told apart`, { path });
    return undefined;
  }
  if (isRecord(doc)) return doc;
  ctx.warn(`${path} is not a JSON object; the project and its dev dependencies are not told apart`, { path });
  return undefined;
}

/** [name, range] pairs of a manifest's dependency maps. */
function manifestDeps(m: Record<string, unknown>, fields: readonly string[]): [string, string][] {
  return fields.flatMap((f) => (isRecord(m[f]) ? Object.entries(m[f]).filter((e): e is [string, string] => typeof e[1] === 'string') : []));
}

/**
 * A yarn.lock with the package.json beside it: the project (a classic lock has no entry for it; berry's
 * `workspace:.` entry takes the manifest's name and version) and the packages only its
 * `devDependencies` reach, marked dev.
 */
export async function parseYarnLockBeside(file: CatalogFile, ctx: CatalogContext): Promise<ParseResult> {
  const dir = file.location.path.slice(0, file.location.path.lastIndexOf('/'));
  const manifests = new Map<string, Record<string, unknown>>();
  const text = textOf(file.contents);
  // berry names its workspaces' folders (`resolution: "a@workspace:packages/a"`); their package.json
  // tell their versions and dev dependencies (at most 1,000 read, never outside the project)
  const paths = new Set(['.']);
  for (const m of text.matchAll(/^ {2}resolution: "?(?:@[^@"\s/]+\/)?[^@"\s]+@workspace:([^"\s]*)"?\s*$/gm)) {
    if (paths.size >= 1000) break;
    const rel = m[1]!.replace(/^\.\/+/, '').replace(/\/+$/, '');
    if (rel !== '' && !rel.startsWith('/') && !rel.split('/').includes('..')) paths.add(rel);
  }
  for (const rel of paths) {
    const doc = await readManifest(rel === '.' ? `${dir}/package.json` : `${dir}/${rel}/package.json`, ctx);
    if (doc) manifests.set(rel, doc);
  }
  // a classic lock names no workspace member: the package.json files the project's globs match
  const root = manifests.get('.');
  const matchers = root !== undefined && !/^__metadata:/m.test(text) ? workspaceMatchers(root, (g) => ctx.warn(`workspaces glob ${JSON.stringify(g.slice(0, 120))} is not read`, file.location)) : undefined;
  if (matchers === undefined) return parseYarnLock(file, ctx, manifests);
  const found = classicMembers(dir, matchers, ctx);
  if (found === undefined) return parseYarnLock(file, ctx, manifests);
  let complete = found.complete;
  for (const rel of found.members) {
    const doc = await readManifest(`${dir}/${rel}/package.json`, ctx);
    if (doc) manifests.set(rel, doc);
    else complete = false;
  }
  return parseYarnLock(file, ctx, manifests, { members: found.members, complete });
}

const MAX_MEMBERS = 1000;
const MAX_MEMBER_GLOBS = 100;

/** A package.json's `workspaces` globs: an array, or `{ packages: [...] }` (yarn classic's form with `nohoist`). */
function workspaceGlobs(m: Record<string, unknown>): string[] | undefined {
  const w = m.workspaces;
  const list: unknown = Array.isArray(w) ? w : isRecord(w) ? w.packages : undefined;
  return Array.isArray(list) ? list.filter((g): g is string => typeof g === 'string') : undefined;
}

/**
 * A classic project's `workspaces` globs as matchers of member folders relative to it (at most 100 globs;
 * none outside the project: `complete` is false when some were left out). Undefined when it names none.
 */
export function workspaceMatchers(m: Record<string, unknown>, warn: (glob: string) => void = () => {}): { tests: RegExp[]; complete: boolean } | undefined {
  const globs = workspaceGlobs(m);
  if (globs === undefined) return undefined;
  const tests: RegExp[] = [];
  let complete = globs.length <= MAX_MEMBER_GLOBS;
  for (const raw of globs.slice(0, MAX_MEMBER_GLOBS)) {
    const g = raw.trim().replace(/^(\.\/)+/, '').replace(/\/+$/, '');
    if (g === '' || g === '.' || g.startsWith('!')) continue;
    // members outside the project are not read: what they depend on is unknown
    if (g.startsWith('/') || g.split('/').includes('..')) {
      complete = false;
      continue;
    }
    try {
      tests.push(picomatch.makeRe(g));
    } catch {
      warn(g);
    }
  }
  return { tests, complete };
}

/**
 * A classic project's workspace members: the folders (relative to the lock) of the package.json files
 * under it that one of its `workspaces` globs matches, never inside node_modules nor outside the project
 * (at most 1,000, from at most 100 globs; `complete` false when cut or when a glob points outside).
 * Undefined when the source's files cannot be listed.
 */
function classicMembers(dir: string, matchers: { tests: RegExp[]; complete: boolean }, ctx: CatalogContext): { members: string[]; complete: boolean } | undefined {
  if (ctx.companionPaths === undefined) return undefined;
  const { tests } = matchers;
  let complete = matchers.complete;
  const members: string[] = [];
  const prefix = `${dir}/`;
  for (const p of ctx.companionPaths()) {
    if (!p.startsWith(prefix) || !p.endsWith('/package.json')) continue;
    const rel = p.slice(prefix.length, -'/package.json'.length);
    if (rel === '' || rel.split('/').includes('node_modules') || !tests.some((t) => t.test(rel))) continue;
    if (members.length >= MAX_MEMBERS) {
      complete = false;
      break;
    }
    members.push(rel);
  }
  return { members: members.sort(), complete };
}

/**
 * A yarn.lock, with the package.json files read of its project (key `.`) and workspaces (their folders);
 * `classic`: the members a classic project's globs found (`complete` when every one was read).
 */
export function parseYarnLock(
  file: CatalogFile,
  ctx: CatalogContext,
  manifests: ReadonlyMap<string, Record<string, unknown>> = new Map(),
  classic?: { members: readonly string[]; complete: boolean },
): ParseResult {
  const manifest = manifests.get('.');
  const text = textOf(file.contents);
  const berry = /^__metadata:/m.test(text);
  const entries = berry ? parseBerry(berryEntries(text, ctx, file)) : parseClassicYarnLock(text);
  // a classic lock with content but not one entry header is not read, not an empty project
  if (!berry && entries.length === 0 && text.split('\n').some((l) => l.trim() !== '' && !l.trim().startsWith('#'))) {
    throw new Error('yarn.lock holds no entry this parser can read');
  }
  // a classic project's workspace members (the lock has no entry for them), named by their package.json
  if (!berry && classic !== undefined) {
    for (const rel of classic.members) {
      const own = manifests.get(rel);
      const name = own === undefined ? undefined : str(own, 'name');
      if (own === undefined) continue;
      if (name === undefined || name === '') {
        ctx.warn(`workspace member ${rel}/package.json names no package; not reported`, file.location);
        continue;
      }
      entries.push({ descriptors: [], name, version: str(own, 'version') ?? '', deps: manifestDeps(own, PROD_FIELDS), project: 'workspace', wsPath: rel });
    }
  }
  const manifestName = manifest ? str(manifest, 'name') : undefined;
  const manifestVersion = manifest ? str(manifest, 'version') : undefined;
  const packages: Package[] = [];
  const byDescriptor = new Map<string, Package>();
  const withPkg: [Entry, Package][] = [];
  let root: Package | undefined;
  for (const e of entries) {
    if (e.project !== undefined && e.name !== '') {
      // berry writes `0.0.0-use.local` for every workspace: the version is the package.json's, when it names one
      let version = e.version === '0.0.0-use.local' ? '' : e.version;
      let name = e.name;
      const own = manifests.get(e.wsPath ?? '');
      if (e.project === 'root' && manifest) {
        if (manifestName) name = manifestName;
        if (version === '' && manifestVersion) version = manifestVersion;
      } else if (own !== undefined && version === '') version = str(own, 'version') ?? '';
      const p = npmPackage({ name, version, location: file.location, foundBy: CATALOGER, metadata: projectMetadata(e.project) });
      if (e.project === 'root') root ??= p;
      packages.push(p);
      withPkg.push([e, p]);
      for (const d of e.descriptors) byDescriptor.set(d, p);
      continue;
    }
    if (e.name === '' || e.version === '') {
      ctx.incomplete(`yarn.lock entry ${JSON.stringify(e.descriptors.join(', '))} has no version; skipped`, file.location);
      continue;
    }
    const name = berry ? e.name : classicName(e);
    const metadata: Record<string, unknown> = {};
    if (e.resolved) metadata.resolved = e.resolved;
    if (e.integrity) metadata.integrity = e.integrity;
    const declared = descriptorName(e.descriptors[0] ?? '');
    if (declared !== '' && declared !== name) metadata.alias = declared;
    const p = npmPackage({ name, version: e.version, location: file.location, foundBy: CATALOGER, metadata });
    packages.push(p);
    withPkg.push([e, p]);
    for (const d of e.descriptors) byDescriptor.set(d, p);
  }
  const lookup = (n: string, r: string): Package | undefined => byDescriptor.get(`${n}@${r}`) ?? (berry ? byDescriptor.get(`${n}@npm:${r}`) : undefined);
  const relationships: Relationship[] = [];
  const edges = new Map<Package, Package[]>();
  for (const [e, p] of withPkg) {
    for (const [n, r] of e.deps) {
      const target = lookup(n, r);
      if (target && target !== p) {
        relationships.push({ from: p.id, to: target.id, type: 'depends-on' });
        if (e.project !== 'root') {
          const out = edges.get(p);
          if (out) out.push(target);
          else edges.set(p, [target]);
        }
      }
    }
  }
  if (manifest) {
    const prodRoots = manifestDeps(manifest, PROD_FIELDS).map(([n, r]) => lookup(n, r)).filter((p): p is Package => p !== undefined);
    const devRoots = manifestDeps(manifest, ['devDependencies']).map(([n, r]) => lookup(n, r)).filter((p): p is Package => p !== undefined);
    // a classic lock has no entry for the project: the package.json names it
    if (root === undefined && !berry && manifestName) {
      root = npmPackage({ name: manifestName, version: manifestVersion ?? '', location: file.location, foundBy: CATALOGER, metadata: projectMetadata('root') });
      packages.unshift(root);
      for (const t of prodRoots) relationships.push({ from: root.id, to: t.id, type: 'depends-on' });
    }
    if (root !== undefined) {
      const prodSet = new Set(prodRoots);
      const fromRoot = new Map(relationships.filter((x) => x.from === root!.id).map((x) => [x.to, x]));
      for (const t of devRoots) {
        if (prodSet.has(t)) continue;
        const r = fromRoot.get(t.id);
        if (r) r.type = 'dev-depends-on';
        else {
          const added: Relationship = { from: root.id, to: t.id, type: 'dev-depends-on' };
          relationships.push(added);
          fromRoot.set(t.id, added);
        }
      }
    }
    // dev: reachable from the project's devDependencies, not from its other dependencies nor from a
    // workspace member (berry lists the members; a classic project's are those its globs found, so
    // nothing is dev when one of them could not be read or the source could not be listed)
    if (berry || manifest.workspaces === undefined || classic?.complete === true) {
      const reach = (roots: Package[]): Set<Package> => reachable(roots, (p) => edges.get(p) ?? []);
      // a member whose package.json was read counts its own dependencies; another, all its lock entry lists
      const memberProd: Package[] = [];
      const memberDev: Package[] = [];
      for (const [e, p] of withPkg) {
        if (e.project !== 'workspace') continue;
        const own = manifests.get(e.wsPath ?? '');
        if (own === undefined) memberProd.push(p);
        else {
          for (const [n, r] of manifestDeps(own, PROD_FIELDS)) memberProd.push(...[lookup(n, r)].filter((t): t is Package => t !== undefined));
          for (const [n, r] of manifestDeps(own, ['devDependencies'])) memberDev.push(...[lookup(n, r)].filter((t): t is Package => t !== undefined));
        }
      }
      const prod = reach([...prodRoots, ...memberProd]);
      for (const p of reach([...devRoots, ...memberDev])) if (!prod.has(p) && p.metadata?.project === undefined) p.metadata = { ...p.metadata, dev: true };
    }
  }
  return { packages, relationships };
}
