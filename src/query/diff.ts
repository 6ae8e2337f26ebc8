/**
 * `sbom diff A B`: packages added, removed and changed between two SBOMs of any formats.
 * Packages are compared by identity: the purl's type, namespace and name (qualifiers and the SBOM's own
 * ids play no part, so one image written in two formats, or by two tools, diffs as equal), else the
 * name; then by version; copies of one package are told apart by their locations. The subject of an SBOM
 * (an SPDX document's root image package, a CycloneDX metadata.component) is never a package.
 * With `by: 'location'`, a copy found at another path is reported as moved.
 */
import { parsePurl } from '../core/ecosystem.js';
import type { Location, Package, Sbom } from '../sbom/model.js';
import { subjectLabel } from '../sbom/subject.js';
import { identityOf } from './match.js';
import { compareVersionsLenient } from './versions/index.js';

export interface DiffEntry {
  key: string;
  name: string;
  purl?: string | undefined;
  versions: string[];
  /** Where the added/removed copies are (paths; empty when the SBOM records none). */
  locations: Location[];
  /** The copies are of packages a later layer deleted (with --include-deleted). */
  deleted?: boolean | undefined;
}

export interface ChangedEntry {
  key: string;
  name: string;
  from: string[];
  to: string[];
  /** Locations of the old and new versions. */
  fromLocations: Location[];
  toLocations: Location[];
}

/** A copy of a package found at another path (same identity and version), with `by: 'location'`. */
export interface MovedEntry {
  key: string;
  name: string;
  version: string;
  from: Location[];
  to: Location[];
}

export interface SbomDiff {
  a: { path: string; format: string; subject: string; packages: number };
  b: { path: string; format: string; subject: string; packages: number };
  by: 'package' | 'location';
  added: DiffEntry[];
  removed: DiffEntry[];
  changed: ChangedEntry[];
  moved: MovedEntry[];
  unchanged: number;
  /** Packages a later layer deleted, left out of the comparison (without --include-deleted), per side. */
  hiddenDeleted: { a: number; b: number };
}

export interface DiffOptions {
  by?: 'package' | 'location';
  includeDeleted?: boolean;
}

/** Identity key: purl type/namespace/name when there is a purl, else the name (case-insensitive, any ecosystem). */
export function diffKey(p: Package): string {
  const purl = p.purl ? parsePurl(p.purl) : undefined;
  if (purl) {
    const id = identityOf(p);
    return ['purl', id.type ?? '', (id.namespace ?? '').toLowerCase(), id.name.toLowerCase()].join('/');
  }
  // Without a purl, formats disagree on the type (SPDX has no field for custody's), so the name alone.
  return `name/${p.name.toLowerCase()}`;
}

interface Copy {
  version: string;
  locations: Location[];
  /** Sorted paths: copies at the same paths are the same copy. */
  where: string;
  deleted: boolean;
}

interface Group {
  name: string;
  purl?: string | undefined;
  scheme: string;
  copies: Copy[];
}

function groupByKey(s: Sbom, includeDeleted: boolean): { groups: Map<string, Group>; hidden: number } {
  const groups = new Map<string, Group>();
  let hidden = 0;
  for (const p of s.packages) {
    if (p.deleted === true && !includeDeleted) {
      hidden++;
      continue;
    }
    const k = diffKey(p);
    const g = groups.get(k) ?? { name: p.name, purl: p.purl?.replace(/[@?#].*$/, ''), scheme: identityOf(p).scheme, copies: [] };
    g.copies.push({ version: p.version, locations: p.locations, where: p.locations.map((l) => l.path).sort().join('\u0000'), deleted: p.deleted === true });
    groups.set(k, g);
  }
  return { groups, hidden };
}

/** Remove from `list` the first copy for which `same` holds, and return it. */
function take(list: Copy[], same: (c: Copy) => boolean): Copy | undefined {
  const i = list.findIndex(same);
  return i === -1 ? undefined : list.splice(i, 1)[0];
}

export function diffSboms(a: Sbom, b: Sbom, names: { a: { path: string; format: string }; b: { path: string; format: string } }, o: DiffOptions = {}): SbomDiff {
  const by = o.by ?? 'package';
  const ga = groupByKey(a, o.includeDeleted === true);
  const gb = groupByKey(b, o.includeDeleted === true);
  const sortV = (scheme: string, vs: Iterable<string>): string[] => [...new Set(vs)].sort((x, y) => compareVersionsLenient(scheme, x, y) || (x < y ? -1 : x > y ? 1 : 0));
  const out: SbomDiff = {
    a: { ...names.a, subject: subjectLabel(a.subject), packages: a.packages.length },
    b: { ...names.b, subject: subjectLabel(b.subject), packages: b.packages.length },
    by,
    added: [],
    removed: [],
    changed: [],
    moved: [],
    unchanged: 0,
    hiddenDeleted: { a: ga.hidden, b: gb.hidden },
  };
  const entry = (k: string, g: Group, copies: Copy[]): DiffEntry => ({
    key: k,
    name: g.name,
    purl: g.purl,
    versions: sortV(g.scheme, copies.map((c) => c.version)),
    locations: copies.flatMap((c) => c.locations),
    ...(copies.some((c) => c.deleted) ? { deleted: true } : {}),
  });
  for (const [k, gNew] of gb.groups) {
    const gOld = ga.groups.get(k);
    if (!gOld) {
      out.added.push(entry(k, gNew, gNew.copies));
      continue;
    }
    const olds = [...gOld.copies];
    const news: Copy[] = [];
    // 1. The same copy in both: same version at the same paths (or neither side records paths).
    for (const c of gNew.copies) {
      if (take(olds, (x) => x.version === c.version && x.where === c.where) || take(olds, (x) => x.version === c.version && (x.where === '' || c.where === ''))) out.unchanged++;
      else news.push(c);
    }
    // 2. The same version elsewhere: moved (by location) or unchanged (by package).
    const rest: Copy[] = [];
    for (const c of news) {
      const x = take(olds, (y) => y.version === c.version);
      if (x === undefined) rest.push(c);
      else if (by === 'location') out.moved.push({ key: k, name: gNew.name, version: c.version, from: x.locations, to: c.locations });
      else out.unchanged++;
    }
    // 3. What is left on both sides is a version change; on one side only, an addition or a removal.
    if (rest.length > 0 && olds.length > 0) {
      out.changed.push({
        key: k,
        name: gNew.name,
        from: sortV(gOld.scheme, olds.map((c) => c.version)),
        to: sortV(gNew.scheme, rest.map((c) => c.version)),
        fromLocations: olds.flatMap((c) => c.locations),
        toLocations: rest.flatMap((c) => c.locations),
      });
    } else if (rest.length > 0) out.added.push(entry(k, gNew, rest));
    else if (olds.length > 0) out.removed.push(entry(k, gOld, olds));
  }
  for (const [k, g] of ga.groups) if (!gb.groups.has(k)) out.removed.push(entry(k, g, g.copies));
  const byKey = (x: { key: string }, y: { key: string }): number => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0);
  out.added.sort(byKey);
  out.removed.sort(byKey);
  out.changed.sort(byKey);
  out.moved.sort((x, y) => byKey(x, y) || (x.version < y.version ? -1 : x.version > y.version ? 1 : 0));
  return out;
}

/** True when the two SBOMs hold the same packages (and, by location, at the same paths). */
export function diffIsEmpty(d: SbomDiff): boolean {
  return d.added.length + d.removed.length + d.changed.length + d.moved.length === 0;
}
