/**
 * bun.lock, Bun's text lockfile (https://bun.sh/docs/install/lockfile; since Bun 1.2): JSONC (comments
 * and trailing commas) with `workspaces` (the project and its members: name, version and their
 * dependency maps) and `packages`, keyed by install path (`axios`, nested copies `bun-types/@types/node`),
 * each value a tuple whose first element is the identifier `name@version`. The other elements depend
 * on where the package came from (registry `[id, registry, {meta}, integrity]`, git
 * `[id, {meta}, resolved, integrity?]`, root and workspaces `[id, {…}]` / `[id]`), so the metadata
 * object and the integrity hash are found by type, not position (as syft does).
 *
 * Local packages (`root:`, `workspace:`, `link:`, `file:`) among `packages` are not packages; the project
 * and its members are reported from `workspaces` (marked `project: root` / `project: workspace`). A package is dev when it is reachable from a workspace's `devDependencies` but not from
 * its `dependencies`, `optionalDependencies` or `peerDependencies`. The binary `bun.lockb` is not read.
 */
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { isRecord, projectMetadata, str, textOf } from '../lang-common.js';
import { npmPackage, reachable } from './common.js';

const CATALOGER = 'npm-lock-cataloger';
const PROD_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies'] as const;

/**
 * JSONC → JSON: drops `//` and `/* *\/` comments and commas before `}` or `]`, leaves strings alone.
 * Throws on an unterminated string or comment.
 */
export function stripJsonc(text: string): string {
  const out: string[] = [];
  let from = 0; // start of the text not yet copied to `out`
  const n = text.length;
  /** End of the whitespace and comments starting at `i`. */
  const skipBlank = (i: number): number => {
    for (;;) {
      while (i < n && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
      if (text[i] === '/' && text[i + 1] === '/') {
        const j = text.indexOf('\n', i);
        i = j < 0 ? n : j;
      } else if (text[i] === '/' && text[i + 1] === '*') {
        const j = text.indexOf('*/', i + 2);
        if (j < 0) throw new Error('unterminated comment');
        i = j + 2;
      } else return i;
    }
  };
  let i = 0;
  while (i < n) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= n) throw new Error('unterminated string');
      i = j + 1;
    } else if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) {
      out.push(text.slice(from, i));
      i = from = skipBlank(i);
    } else if (c === ',') {
      const next = skipBlank(i + 1);
      if (text[next] === '}' || text[next] === ']') {
        out.push(text.slice(from, i));
        i = from = next;
      } else i++;
    } else i++;
  }
  out.push(text.slice(from));
  return out.join('');
}

/** `name@version`, `@scope/name@version` → parts; undefined without a name or a version. */
export function parseBunIdentifier(id: string): { name: string; version: string } | undefined {
  const at = id.indexOf('@', id.startsWith('@') ? 1 : 0);
  if (at <= 0 || at === id.length - 1) return undefined;
  return { name: id.slice(0, at), version: id.slice(at + 1) };
}

const isLocal = (version: string): boolean => /^(root|workspace|link|file):/.test(version);

/** Package names of an install-path key: `a/@s/b/c` → [a, @s/b, c]. */
function keyNames(key: string): string[] {
  const parts = key.split('/');
  const names: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.startsWith('@') && i + 1 < parts.length) names.push(`${p}/${parts[++i]!}`);
    else names.push(p);
  }
  return names;
}

interface Entry {
  key: string;
  name: string;
  version: string;
  meta: Record<string, unknown>;
  pkg: Package;
}

export function parseBunLock(file: CatalogFile, ctx: CatalogContext): ParseResult {
  let lock: unknown;
  try {
    lock = JSON.parse(stripJsonc(textOf(file.contents)));
  } catch (err) {
    throw new Error(`invalid JSONC in bun.lock: ${(err as Error).message}`, { cause: err });
  }
  if (!isRecord(lock)) throw new Error('bun.lock is not a JSON object');
  if (typeof lock.lockfileVersion !== 'number') throw new Error('bun.lock has no numeric lockfileVersion');
  if (!isRecord(lock.packages)) {
    if (lock.packages !== undefined) throw new Error('bun.lock "packages" is not an object');
    return { packages: [] };
  }
  const workspaces = isRecord(lock.workspaces) ? lock.workspaces : {};

  const byKey = new Map<string, Entry>();
  const byId = new Map<string, Package>();
  const entries: Entry[] = [];
  for (const [key, value] of Object.entries(lock.packages)) {
    const id = Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
    const parsed = id === undefined ? undefined : parseBunIdentifier(id);
    if (!parsed) {
      ctx.incomplete(`bun.lock entry ${JSON.stringify(key)} has no name@version identifier; skipped`, file.location);
      continue;
    }
    if (isLocal(parsed.version)) continue;
    const rest = (value as unknown[]).slice(1);
    const meta = rest.find(isRecord) ?? {};
    const integrity = rest.find((x): x is string => typeof x === 'string' && /^sha(1|256|384|512)-/.test(x));
    const idKey = `${parsed.name}@${parsed.version}`;
    let pkg = byId.get(idKey);
    if (!pkg) {
      const metadata: Record<string, unknown> = { installPath: key };
      if (integrity) metadata.integrity = integrity;
      pkg = npmPackage({ name: parsed.name, version: parsed.version, location: file.location, foundBy: CATALOGER, metadata });
      byId.set(idKey, pkg);
    }
    const e: Entry = { key, ...parsed, meta, pkg };
    byKey.set(key, e);
    entries.push(e);
  }

  // node-style lookup: `a/b` needing `c` tries `a/b/c`, `a/c`, `c`
  const resolve = (fromKey: string, dep: string): Entry | undefined => {
    const names = fromKey === '' ? [] : keyNames(fromKey);
    for (let i = names.length; i >= 0; i--) {
      const hit = byKey.get([...names.slice(0, i), dep].join('/'));
      if (hit) return hit;
    }
    return undefined;
  };
  const depsOf = (o: Record<string, unknown>, fields: readonly string[]): string[] =>
    fields.flatMap((f) => (isRecord(o[f]) ? Object.keys(o[f]) : []));

  const reach = (roots: Entry[]): Set<Entry> =>
    reachable(roots, (e) => depsOf(e.meta, PROD_FIELDS).map((d) => resolve(e.key, d)).filter((t): t is Entry => t !== undefined));
  const rootsOf = (fields: readonly string[]): Entry[] => {
    const roots: Entry[] = [];
    for (const ws of Object.values(workspaces)) {
      if (!isRecord(ws)) continue;
      const wsName = str(ws, 'name');
      for (const d of depsOf(ws, fields)) {
        const t = (wsName ? byKey.get(`${wsName}/${d}`) : undefined) ?? byKey.get(d);
        if (t) roots.push(t);
      }
    }
    return roots;
  };
  const prod = reach(rootsOf(PROD_FIELDS));
  const dev = reach(rootsOf(['devDependencies']));
  const prodIds = new Set([...prod].map((e) => e.pkg));
  for (const e of dev) if (!prodIds.has(e.pkg)) e.pkg.metadata = { ...e.pkg.metadata, dev: true };

  const relationships: Relationship[] = [];
  const seenRel = new Set<string>();
  for (const e of entries) {
    for (const d of depsOf(e.meta, PROD_FIELDS)) {
      const t = resolve(e.key, d);
      const k = t ? `${e.pkg.id}>${t.pkg.id}` : '';
      if (t && t.pkg !== e.pkg && !seenRel.has(k)) {
        seenRel.add(k);
        relationships.push({ from: e.pkg.id, to: t.pkg.id, type: 'depends-on' });
      }
    }
  }
  // the project (workspace "") and its members, as their workspaces entries name them
  const projects: Package[] = [];
  for (const [path, ws] of Object.entries(workspaces)) {
    const name = str(ws, 'name');
    if (!isRecord(ws) || !name) continue;
    const p = npmPackage({ name, version: str(ws, 'version') ?? '', location: file.location, foundBy: CATALOGER, metadata: projectMetadata(path === '' ? 'root' : 'workspace', path === '' ? {} : { installPath: path }) });
    projects.push(p);
    for (const [fields, type] of [[PROD_FIELDS, 'depends-on'], [['devDependencies'], 'dev-depends-on']] as const) {
      for (const d of depsOf(ws, fields)) {
        const t = byKey.get(`${name}/${d}`) ?? byKey.get(d);
        const k = t ? `${p.id}>${t.pkg.id}` : '';
        if (t && !seenRel.has(k)) {
          seenRel.add(k);
          relationships.push({ from: p.id, to: t.pkg.id, type });
        }
      }
    }
  }
  return { packages: [...projects, ...byId.values()], relationships };
}
