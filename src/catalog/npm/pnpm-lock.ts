/**
 * pnpm-lock.yaml (https://github.com/pnpm/spec/tree/master/lockfile): v5 keys `/name/1.2.3[_peers]`,
 * v6 `/name@1.2.3(peers)`, v9 `name@1.2.3` with dependencies under `snapshots`.
 */
import { lazyRequire } from '../../core/lazy.js';
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { isRecord, str, textOf } from '../lang-common.js';
import { npmPackage } from './common.js';

const yaml = lazyRequire<typeof import('yaml')>('yaml');

const CATALOGER = 'npm-lock-cataloger';

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

export function parsePnpmLock(file: CatalogFile, ctx: CatalogContext): ParseResult {
  let doc: unknown;
  try {
    doc = yaml().parse(textOf(file.contents), { maxAliasCount: 100, logLevel: 'error' });
  } catch (err) {
    throw new Error(`invalid YAML in pnpm-lock.yaml: ${(err as Error).message}`, { cause: err });
  }
  if (!isRecord(doc)) throw new Error('pnpm-lock.yaml is not a YAML mapping');
  const lockVersion = String(doc.lockfileVersion ?? '');
  if (lockVersion === '') ctx.warn('no lockfileVersion in pnpm-lock.yaml', file.location);
  const pkgs = isRecord(doc.packages) ? doc.packages : {};
  const snapshots = isRecord(doc.snapshots) ? doc.snapshots : undefined;
  const packages: Package[] = [];
  const byNameVersion = new Map<string, Package>();
  for (const [key, v] of Object.entries(pkgs)) {
    const nv = parsePnpmKey(key);
    if (!nv) continue;
    const name = (isRecord(v) && str(v, 'name')) || nv.name;
    const version = (isRecord(v) && str(v, 'version')) || nv.version;
    const metadata: Record<string, unknown> = {};
    const integrity = isRecord(v) && isRecord(v.resolution) ? str(v.resolution, 'integrity') : undefined;
    if (integrity) metadata.integrity = integrity;
    if (isRecord(v) && v.dev === true) metadata.dev = true;
    const p = npmPackage({ name, version, location: file.location, foundBy: CATALOGER, metadata });
    if (byNameVersion.has(`${name}@${version}`)) continue;
    byNameVersion.set(`${name}@${version}`, p);
    packages.push(p);
  }
  const relationships: Relationship[] = [];
  const source = snapshots ?? pkgs;
  for (const [key, v] of Object.entries(source)) {
    const nv = parsePnpmKey(key);
    if (!nv || !isRecord(v)) continue;
    const from = byNameVersion.get(`${nv.name}@${nv.version}`);
    if (!from) continue;
    for (const f of ['dependencies', 'optionalDependencies']) {
      const deps = v[f];
      if (!isRecord(deps)) continue;
      for (const [n, ver] of Object.entries(deps)) {
        const raw = String(ver);
        // '1.2.3(peer@1)' / '1.2.3_peer@1' / '/other/1.0.0' (aliases)
        const target = raw.startsWith('/') || raw.includes('@') && !/^\d/.test(raw)
          ? (() => {
              const a = parsePnpmKey(raw);
              return a ? byNameVersion.get(`${a.name}@${a.version}`) : undefined;
            })()
          : byNameVersion.get(`${n}@${raw.replace(/\(.*$/, '').replace(/_.*$/, '')}`);
        if (target && target !== from) relationships.push({ from: from.id, to: target.id, type: 'depends-on' });
      }
    }
  }
  return { packages, relationships };
}
