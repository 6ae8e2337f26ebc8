/**
 * pnpm-lock.yaml (https://github.com/pnpm/spec/tree/master/lockfile): v5 keys `/name/1.2.3[_peers]`,
 * v6 `/name@1.2.3(peers)`, v9 `name@1.2.3` with dependencies under `snapshots`.
 *
 * The file may hold several YAML documents: pnpm 11+ writes an "env" document first (config
 * dependencies and the pnpm it resolved for the project) and the project's lockfile after it
 * (https://pnpm.io/lockfile, "Reading pnpm-lock.yaml"). Both install packages, so every document is
 * read and their packages are united; a document that is not valid YAML is reported incomplete and
 * the others are still read.
 *
 * A package is taken from the `packages` section, and also from the direct dependencies the
 * importers declare (`importers.<path>.dependencies`, v5's top-level `dependencies`, the env
 * document's `configDependencies`), so a lockfile whose `packages` section lacks an entry still
 * reports what the project resolved.
 */
import { lazyRequire } from '../../core/lazy.js';
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { isRecord, projectMetadata, str, textOf } from '../lang-common.js';
import { npmPackage, reachable } from './common.js';

const yaml = lazyRequire<typeof import('yaml')>('yaml');

const CATALOGER = 'npm-lock-cataloger';
/** Documents read from one file (pnpm writes two). */
const MAX_DOCUMENTS = 16;

/** A packages/snapshots key → name and version (peer suffixes removed); undefined when not a registry package. */
export function parsePnpmKey(key: string): { name: string; version: string } | undefined {
  let k = key.startsWith('/') ? key.slice(1) : key;
  k = k.replace(/\(.*$/, '');
  const at = k.indexOf('@', k.startsWith('@') ? 1 : 0);
  const slashV5 = /^((?:@[^/]+\/)?[^/@]+)\/(\d[^/]*)$/.exec(k);
  if (slashV5) return { name: slashV5[1]!, version: slashV5[2]!.replace(/_.*$/, '') };
  if (at > 0) {
    const version = k.slice(at + 1);
    if (version === '' || /^(link|file|workspace):/.test(version)) return undefined;
    return { name: k.slice(0, at), version };
  }
  return undefined;
}

/** True for keys and versions of local packages (the project's own workspaces, local folders). */
function isLocal(spec: string): boolean {
  return /^(link|file|workspace):/.test(spec) || /@(link|file|workspace):/.test(spec);
}

/**
 * What an importer's or a snapshot's dependency value resolves to: `'1.2.3'`, `'1.2.3(peer@1)'`,
 * `'1.2.3_peer@1'` (v5) name the dependency itself; `'/other/1.0.0'` (v5/v6) and `'other@1.0.0'`
 * (v9) are aliases naming the installed package. Undefined for links and local folders.
 */
export function resolvePnpmDependency(depName: string, raw: string): { name: string; version: string } | undefined {
  if (raw === '' || isLocal(raw)) return undefined;
  if (raw.startsWith('/') || (raw.includes('@') && !/^\d/.test(raw))) return parsePnpmKey(raw);
  return { name: depName, version: raw.replace(/\(.*$/, '').replace(/_.*$/, '') };
}

/** An importer's dependency entry: `{specifier, version}` (v6+) or a bare version string (v5). */
function importerVersion(v: unknown): string | undefined {
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  return str(v, 'version');
}

interface Acc {
  packages: Package[];
  relationships: Relationship[];
  byNameVersion: Map<string, Package>;
}

function addPackage(acc: Acc, file: CatalogFile, name: string, version: string, metadata: Record<string, unknown>): Package {
  const key = `${name}@${version}`;
  const existing = acc.byNameVersion.get(key);
  if (existing) {
    // the same package reached from a non-dev place is not dev-only
    if (metadata.dev !== true && existing.metadata?.dev === true) delete existing.metadata.dev;
    return existing;
  }
  const p = npmPackage({ name, version, location: file.location, foundBy: CATALOGER, metadata });
  acc.byNameVersion.set(key, p);
  acc.packages.push(p);
  return p;
}

/** The importers of one document: `importers.<path>` (v5 workspaces, v6+), or the document itself (v5 single project). */
function importersOf(doc: Record<string, unknown>): Record<string, unknown>[] {
  if (isRecord(doc.importers)) return Object.values(doc.importers).filter(isRecord);
  return [doc];
}

const IMPORTER_SECTIONS: readonly [string, boolean][] = [
  ['dependencies', false],
  ['optionalDependencies', false],
  ['devDependencies', true],
  ['configDependencies', false],
  ['packageManagerDependencies', false],
];

function readDocument(doc: Record<string, unknown>, index: number, file: CatalogFile, ctx: CatalogContext, acc: Acc): void {
  const where = index > 0 ? ` (document ${index + 1})` : '';
  const lockVersion = String(doc.lockfileVersion ?? '');
  if (lockVersion === '') ctx.warn(`no lockfileVersion in pnpm-lock.yaml${where}`, file.location);
  const pkgs = isRecord(doc.packages) ? doc.packages : {};
  const snapshots = isRecord(doc.snapshots) ? doc.snapshots : undefined;
  for (const [key, v] of Object.entries(pkgs)) {
    const named = isRecord(v) ? str(v, 'name') : undefined;
    const versioned = isRecord(v) ? str(v, 'version') : undefined;
    const nv = parsePnpmKey(key);
    // v9 keys a local package `lodash@file:…`, v5/v6 `file:…` with a `name` field
    const localName = named || /^((?:@[^/@]+\/)?[^@/]+)@(?:file|link):/.exec(key)?.[1];
    // local packages: links are the project's own; a tarball or folder (`file:`) that names itself is a package
    if (!nv && isLocal(key) && (/(^|@)link:/.test(key) || !localName || !versioned)) {
      // a local folder (`file:` with a directory resolution) is first-party code: reported as a member of the
      // project, without a version; anything else local without a version names nothing to report
      const folder = isRecord(v) && isRecord(v.resolution) && str(v.resolution, 'type') === 'directory';
      if (/(^|@)file:/.test(key) && !versioned && localName && folder) addPackage(acc, file, localName, '', projectMetadata('workspace', { resolved: key }));
      else if (/(^|@)file:/.test(key) && !versioned) ctx.warn(`pnpm-lock.yaml local package ${JSON.stringify(key)}${where} has no version; not reported`, file.location);
      continue;
    }
    const name = named || nv?.name || localName;
    const version = versioned || nv?.version;
    if (!name || !version) {
      ctx.incomplete(`pnpm-lock.yaml package ${JSON.stringify(key)}${where} names no version; skipped`, file.location);
      continue;
    }
    const metadata: Record<string, unknown> = {};
    const integrity = isRecord(v) && isRecord(v.resolution) ? str(v.resolution, 'integrity') : undefined;
    if (integrity) metadata.integrity = integrity;
    if (!nv) metadata.resolved = key;
    if (isRecord(v) && v.dev === true) metadata.dev = true;
    const p = addPackage(acc, file, name, version, metadata);
    // git/tarball keys are not name@version: let snapshots and importers find them by what they resolve to
    if (nv && (nv.name !== name || nv.version !== version)) acc.byNameVersion.set(`${nv.name}@${nv.version}`, p);
  }
  // Direct dependencies the importers resolved: normally also in `packages`; reported from here when not.
  const roots = { prod: [] as string[], dev: [] as string[] };
  // v9: the same name@version under different peers is one package but several snapshots, each with its
  // own dependencies; dev is decided snapshot by snapshot (`jest-pnp-resolver@1.2.3(jest-resolve@27.5.1)`
  // reached only from a dev dependency keeps what it alone reaches dev), then a package is dev when no
  // production path reaches any of its snapshots
  const variantOf = (n: string, raw: string): string | undefined => {
    if (snapshots === undefined) return undefined;
    const k = /^\d/.test(raw) ? `${n}@${raw}` : raw;
    return Object.hasOwn(snapshots, k) ? k : undefined;
  };
  const vroots = { prod: [] as string[], dev: [] as string[] };
  const vedges = new Map<string, string[]>();
  for (const importer of importersOf(doc)) {
    for (const [section, dev] of IMPORTER_SECTIONS) {
      const deps = importer[section];
      if (!isRecord(deps)) continue;
      for (const [depName, v] of Object.entries(deps)) {
        const raw = importerVersion(v);
        if (raw === undefined) {
          ctx.incomplete(`pnpm-lock.yaml importer ${section} entry ${JSON.stringify(depName)}${where} has no version; skipped`, file.location);
          continue;
        }
        const nv = resolvePnpmDependency(depName, raw);
        if (!nv) continue;
        const p = addPackage(acc, file, nv.name, nv.version, dev ? { dev: true } : {});
        (dev ? roots.dev : roots.prod).push(p.id);
        (dev ? vroots.dev : vroots.prod).push(variantOf(depName, raw) ?? `=${p.id}`);
      }
    }
  }
  const edges = new Map<string, string[]>();
  const source = snapshots ?? pkgs;
  for (const [key, v] of Object.entries(source)) {
    const nv = parsePnpmKey(key);
    if (!nv || !isRecord(v)) continue;
    const from = acc.byNameVersion.get(`${nv.name}@${nv.version}`);
    if (!from) continue;
    for (const f of ['dependencies', 'optionalDependencies']) {
      const deps = v[f];
      if (!isRecord(deps)) continue;
      for (const [n, ver] of Object.entries(deps)) {
        const t = resolvePnpmDependency(n, String(ver));
        const target = t ? acc.byNameVersion.get(`${t.name}@${t.version}`) : undefined;
        if (!target) continue;
        if (snapshots !== undefined) {
          const to = variantOf(n, String(ver)) ?? `=${target.id}`;
          const vout = vedges.get(key);
          if (vout) vout.push(to);
          else vedges.set(key, [to]);
        }
        if (target === from) continue;
        acc.relationships.push({ from: from.id, to: target.id, type: 'depends-on' });
        const out = edges.get(from.id);
        if (out) out.push(target.id);
        else edges.set(from.id, [target.id]);
      }
    }
  }
  // v9 no longer writes `dev: true` on packages: a package only the devDependencies reach is dev.
  if (!Object.values(pkgs).some((v) => isRecord(v) && typeof v.dev === 'boolean') && roots.dev.length > 0) {
    let prod = reach(roots.prod, edges);
    let dev = reach(roots.dev, edges);
    if (snapshots !== undefined) {
      // snapshot keys (and `=<id>` for a package reached without a snapshot) → package ids
      const idOf = (v: string): string | undefined => {
        if (v.startsWith('=')) return v.slice(1);
        const nv = parsePnpmKey(v);
        return nv ? acc.byNameVersion.get(`${nv.name}@${nv.version}`)?.id : undefined;
      };
      const ids = (vs: Set<string>): Set<string> => new Set([...vs].map(idOf).filter((x): x is string => x !== undefined));
      prod = ids(reach(vroots.prod, vedges));
      dev = ids(reach(vroots.dev, vedges));
    }
    for (const p of acc.packages) {
      if (!dev.has(p.id)) continue;
      if (prod.has(p.id)) {
        if (p.metadata?.dev === true) delete p.metadata.dev;
      } else p.metadata = { ...p.metadata, dev: true };
    }
  }
}

/** Ids reachable from `roots` (included) over `edges`. */
function reach(roots: readonly string[], edges: ReadonlyMap<string, readonly string[]>): Set<string> {
  return reachable(roots, (id) => edges.get(id) ?? []);
}

export function parsePnpmLock(file: CatalogFile, ctx: CatalogContext): ParseResult {
  let docs: ReturnType<ReturnType<typeof yaml>['parseAllDocuments']>;
  try {
    docs = yaml().parseAllDocuments(textOf(file.contents), { logLevel: 'error' });
  } catch (err) {
    throw new Error(`invalid YAML in pnpm-lock.yaml: ${(err as Error).message}`, { cause: err });
  }
  const list = Array.isArray(docs) ? docs : [];
  if (list.length === 0) throw new Error('pnpm-lock.yaml is empty');
  if (list.length > MAX_DOCUMENTS) ctx.incomplete(`pnpm-lock.yaml holds ${list.length} YAML documents; only the first ${MAX_DOCUMENTS} read`, file.location);
  const acc: Acc = { packages: [], relationships: [], byNameVersion: new Map() };
  let read = 0;
  let versioned = false;
  let firstError: string | undefined;
  list.slice(0, MAX_DOCUMENTS).forEach((d, i) => {
    let doc: unknown;
    const error = d.errors[0];
    if (error === undefined) {
      try {
        doc = d.toJS({ maxAliasCount: 100 });
      } catch (err) {
        firstError ??= (err as Error).message;
        if (list.length > 1) ctx.incomplete(`pnpm-lock.yaml document ${i + 1} cannot be read (${(err as Error).message}); skipped`, file.location);
        return;
      }
    } else {
      const message = error.message.split('\n')[0]!;
      firstError ??= message;
      if (list.length > 1) ctx.incomplete(`pnpm-lock.yaml document ${i + 1} is not valid YAML (${message}); skipped`, file.location);
      return;
    }
    if (!isRecord(doc)) {
      if (doc !== null && doc !== undefined && list.length > 1) ctx.incomplete(`pnpm-lock.yaml document ${i + 1} is not a YAML mapping; skipped`, file.location);
      return;
    }
    read++;
    if (doc.lockfileVersion !== undefined) versioned = true;
    readDocument(doc, i, file, ctx, acc);
  });
  if (read === 0) {
    if (firstError !== undefined) throw new Error(`invalid YAML in pnpm-lock.yaml: ${firstError}`);
    throw new Error('pnpm-lock.yaml is not a YAML mapping');
  }
  // pnpm writes lockfileVersion in every document; a mapping without it that gave nothing is no lock
  if (acc.packages.length === 0 && !versioned) {
    throw new Error('pnpm-lock.yaml has no lockfileVersion: not a pnpm lockfile');
  }
  return { packages: acc.packages, relationships: acc.relationships };
}
