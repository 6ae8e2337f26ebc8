/**
 * CocoaPods: Podfile.lock, YAML: `PODS` lists every pod and subspec installed, `Name (version)` or a mapping
 * `Name (version): [dependency (constraint), …]`; `SPEC CHECKSUMS` maps root pods to the SHA-1 of their
 * podspec. Subspecs (`PINCache/Core`) are reported as the peers report them, one package each; their purl
 * carries the subspec as subpath as the purl spec has it (`pkg:cocoapods/PINCache@3.0.3#Core`; syft writes
 * `pkg:cocoapods/PINCache%2FCore@3.0.3`). CocoaPods has no OSV ecosystem: these packages are not covered.
 */
import { lazyRequire } from '../../core/lazy.js';
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { isRecord, langPackage, nameSome, purlOrUndefined, str, textOf } from '../lang-common.js';

const yaml = lazyRequire<typeof import('yaml')>('yaml');

const CATALOGER = 'cocoapods-podfile-lock-cataloger';
const MAX_BYTES = 32 * 1024 * 1024;
const MAX_PODS = 100_000;
const MAX_NAMED = 20;

/** `Name (version)` → name and version; undefined for anything else. */
function podOf(spec: string): { name: string; version: string } | undefined {
  const m = /^(\S+) \(([^()]+)\)$/.exec(spec.trim());
  return m ? { name: m[1]!, version: m[2]!.trim() } : undefined;
}

export function parsePodfileLock(file: CatalogFile, ctx: CatalogContext): ParseResult {
  if (file.contents.length > MAX_BYTES) {
    ctx.incomplete(`Podfile.lock is ${file.contents.length} bytes, over the ${MAX_BYTES} read`);
    return { packages: [] };
  }
  let doc: unknown;
  try {
    doc = yaml().parse(textOf(file.contents), { maxAliasCount: 100, logLevel: 'error' });
  } catch (err) {
    throw new Error(`invalid YAML in Podfile.lock: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  if (doc === null || doc === undefined) {
    ctx.warn('empty Podfile.lock', file.location);
    return { packages: [] };
  }
  if (!isRecord(doc)) throw new Error('Podfile.lock is not a YAML mapping');
  if (doc.PODS === undefined || doc.PODS === null) {
    ctx.warn('Podfile.lock without PODS', file.location);
    return { packages: [] };
  }
  if (!Array.isArray(doc.PODS)) throw new Error('Podfile.lock PODS is not a list');
  const checksums = isRecord(doc['SPEC CHECKSUMS']) ? doc['SPEC CHECKSUMS'] : {};
  if (doc.PODS.length > MAX_PODS) ctx.incomplete(`Podfile.lock lists ${doc.PODS.length} pods; only the first ${MAX_PODS} are read`);
  const packages: Package[] = [];
  const byName = new Map<string, Package>();
  const deps: [Package, string[]][] = [];
  const unread: string[] = [];
  for (const item of doc.PODS.slice(0, MAX_PODS)) {
    const entry = typeof item === 'string' ? ([item, []] as const) : isRecord(item) && Object.keys(item).length === 1 ? Object.entries(item)[0]! : undefined;
    const pod = entry ? podOf(entry[0]) : undefined;
    if (!entry || !pod) {
      unread.push(JSON.stringify(typeof item === 'string' ? item : isRecord(item) ? Object.keys(item)[0] ?? '{}' : String(item)).slice(0, 200));
      continue;
    }
    const slash = pod.name.indexOf('/');
    const root = slash > 0 ? pod.name.slice(0, slash) : pod.name;
    const sha1 = str(checksums, root);
    const p = langPackage({
      name: pod.name,
      version: pod.version,
      type: 'cocoapods',
      purl: purlOrUndefined({ type: 'cocoapods', name: root, version: pod.version, subpath: slash > 0 ? pod.name.slice(slash + 1) : undefined }),
      location: file.location,
      foundBy: CATALOGER,
      hashes: sha1 && /^[0-9a-f]{40}$/i.test(sha1) ? { 'SHA-1': sha1.toLowerCase() } : undefined,
    });
    packages.push(p);
    byName.set(pod.name, p);
    const children = Array.isArray(entry[1]) ? entry[1] : [];
    deps.push([p, children.filter((c): c is string => typeof c === 'string').map((c) => c.trim().split(/\s+/)[0] ?? '')]);
  }
  if (unread.length > 0) ctx.incomplete(`Podfile.lock pods not in the form "Name (version)": ${nameSome(unread, MAX_NAMED)}`);
  const relationships: Relationship[] = [];
  for (const [p, ds] of deps) {
    for (const d of ds) {
      const to = byName.get(d);
      if (to && to !== p) relationships.push({ from: p.id, to: to.id, type: 'depends-on' });
    }
  }
  return { packages, relationships };
}
