import { buildPurl } from '../../core/ecosystem.js';
import type { Location, Package } from '../../sbom/model.js';
import { isRecord, langPackage, str } from '../lang-common.js';

/** 'name' or '@scope/name' → purl (namespace is the scope); undefined for names that are not npm names. */
export function npmPurl(name: string, version: string): string | undefined {
  const m = /^(@[^/]+)\/([^/]+)$/.exec(name);
  try {
    if (m) return buildPurl({ type: 'npm', namespace: m[1]!, name: m[2]!, version });
    if (name.includes('/')) return undefined;
    return buildPurl({ type: 'npm', name, version });
  } catch {
    return undefined;
  }
}

/** Licences of a package.json: `license` (string or legacy {type}), legacy `licenses` array. */
export function packageJsonLicenses(pj: Record<string, unknown>): string[] {
  const out: string[] = [];
  const one = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (isRecord(v) && typeof v.type === 'string') out.push(v.type);
  };
  one(pj.license);
  if (Array.isArray(pj.licenses)) for (const l of pj.licenses) one(l);
  else one(pj.licenses);
  return out;
}

export interface NpmPackageFields {
  name: string;
  version: string;
  location: Location;
  foundBy: string;
  licenses?: string[];
  description?: string | undefined;
  metadata?: Record<string, unknown>;
}

export function npmPackage(f: NpmPackageFields): Package {
  return langPackage({
    name: f.name,
    version: f.version,
    type: 'npm',
    purl: npmPurl(f.name, f.version),
    location: f.location,
    foundBy: f.foundBy,
    licenses: f.licenses,
    description: f.description,
    metadata: f.metadata,
  });
}

/** Author as written: a string, or {name, email}. */
export function authorOf(pj: Record<string, unknown>): string | undefined {
  const a = pj.author;
  if (typeof a === 'string') return a;
  const n = str(a, 'name');
  return n;
}

/** Everything reachable from `roots` (included) by following `next`: the dev marking of the lock files. */
export function reachable<T>(roots: Iterable<T>, next: (t: T) => Iterable<T>): Set<T> {
  const seen = new Set<T>();
  const todo = [...roots];
  for (let t = todo.pop(); t !== undefined; t = todo.pop()) {
    if (seen.has(t)) continue;
    seen.add(t);
    for (const n of next(t)) if (!seen.has(n)) todo.push(n);
  }
  return seen;
}
