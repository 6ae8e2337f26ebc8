/** `sbom diff A B`: packages added, removed and changed (version sets) between two SBOMs of any formats. */
import type { Package, Sbom } from '../sbom/model.js';
import { identityOf } from './match.js';
import { compareVersionsLenient } from './versions/index.js';

export interface DiffEntry {
  key: string;
  name: string;
  purl?: string | undefined;
  versions: string[];
}

export interface ChangedEntry {
  key: string;
  name: string;
  from: string[];
  to: string[];
}

export interface SbomDiff {
  a: { path: string; format: string; subject: string; packages: number };
  b: { path: string; format: string; subject: string; packages: number };
  added: DiffEntry[];
  removed: DiffEntry[];
  changed: ChangedEntry[];
  unchanged: number;
}

/** Identity key: purl type/namespace/name when known, else name (case-insensitive). */
export function diffKey(p: Package): string {
  const id = identityOf(p);
  return [id.type ?? '', (id.namespace ?? '').toLowerCase(), id.name.toLowerCase()].join('/');
}

function groupByKey(s: Sbom): Map<string, { name: string; purl?: string | undefined; versions: Set<string>; scheme: string }> {
  const m = new Map<string, { name: string; purl?: string | undefined; versions: Set<string>; scheme: string }>();
  for (const p of s.packages) {
    const k = diffKey(p);
    const e = m.get(k) ?? { name: p.name, purl: p.purl?.replace(/@.*$/, ''), versions: new Set<string>(), scheme: identityOf(p).scheme };
    e.versions.add(p.version);
    m.set(k, e);
  }
  return m;
}

export function diffSboms(a: Sbom, b: Sbom, names: { a: { path: string; format: string }; b: { path: string; format: string } }): SbomDiff {
  const ga = groupByKey(a);
  const gb = groupByKey(b);
  const sortV = (scheme: string, vs: Set<string>): string[] => [...vs].sort((x, y) => compareVersionsLenient(scheme, x, y) || (x < y ? -1 : x > y ? 1 : 0));
  const out: SbomDiff = {
    a: { ...names.a, subject: a.subject.name, packages: a.packages.length },
    b: { ...names.b, subject: b.subject.name, packages: b.packages.length },
    added: [],
    removed: [],
    changed: [],
    unchanged: 0,
  };
  for (const [k, e] of gb) {
    const old = ga.get(k);
    if (!old) out.added.push({ key: k, name: e.name, purl: e.purl, versions: sortV(e.scheme, e.versions) });
    else {
      const from = sortV(old.scheme, old.versions);
      const to = sortV(e.scheme, e.versions);
      if (from.join('\u0000') === to.join('\u0000')) out.unchanged++;
      else out.changed.push({ key: k, name: e.name, from, to });
    }
  }
  for (const [k, e] of ga) if (!gb.has(k)) out.removed.push({ key: k, name: e.name, purl: e.purl, versions: sortV(e.scheme, e.versions) });
  const byKey = (x: { key: string }, y: { key: string }): number => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0);
  out.added.sort(byKey);
  out.removed.sort(byKey);
  out.changed.sort(byKey);
  return out;
}
