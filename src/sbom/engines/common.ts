/**
 * Shared by the engine mappers: stable ids, location normalisation, subjects.
 */
import type { Location, Package, Relationship, Sbom, SourceDescription } from '../model.js';
import { packageId } from '../ids.js';
import type { EngineTarget } from './target.js';

/** Engines custody can generate with. `native` is custody's own catalogers. */
export const ENGINES = ['native', 'syft', 'trivy'] as const;
export type EngineName = (typeof ENGINES)[number];

/** Paths in the model are absolute within the source: trivy prints them relative. */
export function normalizeLocationPath(p: string): string {
  const s = p.replace(/\\/g, '/');
  return s.startsWith('/') ? s : `/${s.replace(/^\.\//, '')}`;
}

/** Drop repeated locations; a path without a layer is dropped when the same path is known with one. */
export function dedupeLocations(locs: readonly Location[]): Location[] {
  const seen = new Set<string>();
  const layered = new Set(locs.filter((l) => l.layer !== undefined).map((l) => l.path));
  const out: Location[] = [];
  for (const l of locs) {
    if (l.layer === undefined && layered.has(l.path)) continue;
    const k = `${l.path}\u0000${l.layer ?? ''}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(l);
  }
  return out;
}

/**
 * Give every package custody's stable, content-derived id (engines print random bom-refs) and rewrite
 * the relationships to match; relationships to things that are not packages are dropped.
 */
export function reidentify(packages: Package[], relationships: readonly Relationship[]): { packages: Package[]; relationships: Relationship[] } {
  const map = new Map<string, string>();
  const used = new Map<string, number>();
  for (const p of packages) {
    const base = packageId(p);
    const n = used.get(base) ?? 0;
    used.set(base, n + 1);
    const id = n === 0 ? base : `${base}-${n}`;
    map.set(p.id, id);
    p.id = id;
  }
  const seen = new Set<string>();
  const rels: Relationship[] = [];
  for (const r of relationships) {
    const from = map.get(r.from);
    const to = map.get(r.to);
    if (from === undefined || to === undefined || from === to) continue;
    const k = `${from}\u0000${to}\u0000${r.type}`;
    if (seen.has(k)) continue;
    seen.add(k);
    rels.push({ from, to, type: r.type });
  }
  return { packages, relationships: rels };
}

/** The SBOM subject: what the user typed, plus the identity the engine reported. */
export function engineSubject(target: EngineTarget, fromTool: SourceDescription): SourceDescription {
  const kind: SourceDescription['kind'] = target.transport === 'dir' ? 'directory' : 'image';
  const subject: SourceDescription = { ...fromTool, kind, name: target.ref, transport: target.transport };
  return subject;
}

/** Sort packages the way native output is sorted (type, name, version, first location). */
export function sortPackages(sbom: Sbom): Sbom {
  sbom.packages.sort(
    (a, b) =>
      a.type.localeCompare(b.type) ||
      a.name.localeCompare(b.name) ||
      a.version.localeCompare(b.version) ||
      (a.locations[0]?.path ?? '').localeCompare(b.locations[0]?.path ?? '') ||
      a.id.localeCompare(b.id),
  );
  sbom.relationships.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to) || a.type.localeCompare(b.type));
  return sbom;
}
