/**
 * deno.lock (https://docs.deno.com/runtime/fundamentals/modules/#integrity-checking-and-lock-files), JSON in
 * every version: v1 a bare map of remote URL → hash; v2 `remote` and `npm.packages`; v3 `packages.{npm,jsr}`; v4 and v5 top-level `npm` and `jsr`. Keys
 * are `name@version`, npm ones with a peer suffix (`typedoc@0.28.19_typescript@6.0.3`) that is not part
 * of the version. Three kinds of package, as syft reads them:
 * - npm packages: `pkg:npm/...`;
 * - JSR packages (`@std/bytes@1.0.2`): `pkg:npm/%40std/bytes@1.0.2?repository_url=https://jsr.io`;
 * - remote modules (`remote`: one URL per file) that carry a version in their URL
 *   (`https://deno.land/std@0.140.0/path/mod.ts` → `deno.land/std` 0.140.0, once per module):
 *   `pkg:generic/deno.land/std@0.140.0?download_url=https://deno.land/std@0.140.0`. URLs without a
 *   version name no release and are left out (one warning counts them).
 * The project's own `workspace` section is not a package.
 */
import { buildPurl } from '../../core/ecosystem.js';
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { isRecord, langPackage, parseJsonText, str } from '../lang-common.js';
import { npmPackage } from './common.js';

const CATALOGER = 'npm-lock-cataloger';

/** `name@version[_peer@x…]` → parts, `@scope/name` allowed; undefined without both. */
export function parseDenoKey(key: string): { name: string; version: string } | undefined {
  const at = key.indexOf('@', key.startsWith('@') ? 1 : 0);
  if (at <= 0) return undefined;
  const version = key.slice(at + 1).replace(/_.*$/, '');
  if (version === '') return undefined;
  return { name: key.slice(0, at), version };
}

/** A remote module URL → host/path name, version and module root; undefined without `@version`. */
export function parseDenoRemote(url: string): { name: string; version: string; root: string } | undefined {
  const m = /^(https?:\/\/)([^/?#]+)\/([^?#]*)/.exec(url);
  if (!m) return undefined;
  const segments = m[3]!.split('/');
  for (let i = 0; i < segments.length; i++) {
    // `name@version`; a leading `@` is a scope (esm.sh/@preact/signals@1.2.1)
    const at = segments[i]!.indexOf('@', 1);
    if (at <= 0) continue;
    const version = segments[i]!.slice(at + 1);
    if (version === '') return undefined;
    const path = [...segments.slice(0, i), segments[i]!.slice(0, at)].join('/');
    return { name: `${m[2]}/${path}`, version, root: `${m[1]}${m[2]}/${path}@${version}` };
  }
  return undefined;
}

export function parseDenoLock(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const lock = parseJsonText(file.contents, 'deno.lock');
  if (!isRecord(lock)) throw new Error('deno.lock is not a JSON object');
  const version = str(lock, 'version');
  // v1 (Deno < 1.28) is a bare map of remote URL → hash
  const v1 = version === undefined && Object.keys(lock).length > 0 && Object.entries(lock).every(([k, v]) => /^https?:\/\//.test(k) && typeof v === 'string');
  if (version === undefined && !v1) throw new Error('deno.lock has no version');
  const remote = v1 ? lock : lock.remote;
  const v3 = isRecord(lock.packages) ? lock.packages : undefined;
  const npmSection = isRecord(lock.npm) && isRecord(lock.npm.packages) ? lock.npm.packages : (v3?.npm ?? lock.npm);
  const jsrSection = v3?.jsr ?? lock.jsr;

  const packages: Package[] = [];
  const byKey = new Map<string, Package>();
  const seen = new Map<string, Package>();
  const add = (key: string, p: Package): void => {
    const id = p.purl ?? `${p.name}@${p.version}`;
    const known = seen.get(id);
    if (known) {
      byKey.set(key, known);
      return;
    }
    seen.set(id, p);
    byKey.set(key, p);
    packages.push(p);
  };
  const bad: string[] = [];
  const entries = (section: unknown, kind: 'npm' | 'jsr'): [string, Record<string, unknown>][] => {
    if (section === undefined) return [];
    if (!isRecord(section)) {
      bad.push(`"${kind}" is not an object`);
      return [];
    }
    return Object.entries(section).flatMap(([k, e]): [string, Record<string, unknown>][] => (isRecord(e) ? [[k, e]] : []));
  };

  for (const [key, e] of entries(npmSection, 'npm')) {
    const parsed = parseDenoKey(key);
    if (!parsed) {
      bad.push(`npm entry ${JSON.stringify(key)}`);
      continue;
    }
    const integrity = str(e, 'integrity');
    add(`npm:${key}`, npmPackage({ ...parsed, location: file.location, foundBy: CATALOGER, metadata: integrity ? { integrity } : {} }));
  }
  for (const [key, e] of entries(jsrSection, 'jsr')) {
    const parsed = parseDenoKey(key);
    const m = parsed ? /^@([^/]+)\/([^/]+)$/.exec(parsed.name) : undefined;
    if (!parsed || !m) {
      bad.push(`jsr entry ${JSON.stringify(key)}`);
      continue;
    }
    const integrity = str(e, 'integrity');
    let purl: string | undefined;
    try {
      purl = buildPurl({ type: 'npm', namespace: `@${m[1]}`, name: m[2]!, version: parsed.version, qualifiers: { repository_url: 'https://jsr.io' } });
    } catch {
      purl = undefined;
    }
    add(`jsr:${key}`, langPackage({ ...parsed, type: 'npm', purl, location: file.location, foundBy: CATALOGER, metadata: { registry: 'jsr', ...(integrity ? { integrity } : {}) } }));
  }
  let unversioned = 0;
  if (isRecord(remote)) {
    for (const url of Object.keys(remote)) {
      const r = parseDenoRemote(url);
      if (!r) {
        unversioned++;
        continue;
      }
      let purl: string | undefined;
      try {
        const slash = r.name.indexOf('/');
        purl = buildPurl({ type: 'generic', namespace: r.name.slice(0, slash), name: r.name.slice(slash + 1), version: r.version, qualifiers: { download_url: r.root } });
      } catch {
        purl = undefined;
      }
      add(`remote:${r.name}@${r.version}`, langPackage({ name: r.name, version: r.version, type: 'npm', purl, location: file.location, foundBy: CATALOGER, metadata: { url: r.root } }));
    }
  } else if (remote !== undefined) bad.push('"remote" is not an object');
  if (unversioned > 0) ctx.warn(`deno.lock: ${unversioned} remote module URL${unversioned === 1 ? '' : 's'} without a version in the URL; not reported`, file.location);
  if (bad.length > 0) ctx.incomplete(`deno.lock entries not readable: ${bad.slice(0, 10).join(', ')}${bad.length > 10 ? ', …' : ''}`, file.location);

  // relationships: dependencies name other entries by key (`name@version`), by `jsr:`/`npm:` specifier
  // (resolved through `specifiers`), or as an {alias: key} object (v2/v3 npm)
  const specifiers = isRecord(v3?.specifiers) ? v3.specifiers : isRecord(lock.specifiers) ? lock.specifiers : {};
  const onlyVersion = new Map<string, Package | undefined>();
  for (const [k, p] of byKey) {
    const kind = k.slice(0, k.indexOf(':'));
    const n = `${kind}:${p.name}`;
    onlyVersion.set(n, onlyVersion.has(n) && onlyVersion.get(n) !== p ? undefined : p);
  }
  const resolveDep = (section: 'npm' | 'jsr', raw: string): Package | undefined => {
    const m = /^(npm|jsr):(.*)$/.exec(raw);
    const kind = m ? m[1]! : section;
    let rest = m ? m[2]! : raw;
    const spec = specifiers[`${kind}:${rest}`];
    if (typeof spec === 'string') {
      const full = /^(npm|jsr):(.*)$/.exec(spec);
      if (full) return byKey.get(`${full[1]}:${full[2]}`);
      const name = parseDenoKey(rest)?.name;
      if (!name) return undefined;
      rest = `${name}@${spec}`;
    }
    // v4+ npm dependencies name a package without its version when only one version is locked
    return byKey.get(`${kind}:${rest}`) ?? byKey.get(`${kind}:${rest.replace(/_[^@]*@.*$/, '')}`) ?? onlyVersion.get(`${kind}:${rest}`);
  };
  const relationships: Relationship[] = [];
  const rel = new Set<string>();
  for (const [kind, section] of [['npm', npmSection], ['jsr', jsrSection]] as const) {
    for (const [key, e] of entries(section, kind)) {
      const from = byKey.get(`${kind}:${key}`);
      if (!from) continue;
      const deps = Array.isArray(e.dependencies) ? e.dependencies : isRecord(e.dependencies) ? Object.values(e.dependencies) : [];
      for (const d of deps) {
        if (typeof d !== 'string') continue;
        const to = resolveDep(kind, d);
        if (!to || to === from || rel.has(`${from.id}>${to.id}`)) continue;
        rel.add(`${from.id}>${to.id}`);
        relationships.push({ from: from.id, to: to.id, type: 'depends-on' });
      }
    }
  }
  return { packages, relationships };
}
