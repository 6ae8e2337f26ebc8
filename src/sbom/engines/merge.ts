/**
 * `--engine native,trivy`: one SBOM out of several engines' SBOMs. Packages are matched by purl
 * (type/namespace/name@version; qualifiers only break a tie, and a differing `arch` never matches),
 * then by type+name+version with a shared location path. A merged package lists every engine in
 * `metadata.engines` (and the union of `foundBy`), so the table can show where engines disagree:
 * a package some engine did not report, or a version only one engine saw. Licences differing between
 * engines (mostly normalisation: GPL-2.0 vs GPL-2.0-or-later) are kept per engine in
 * `metadata.licensesByEngine`.
 */
import { parsePurl } from '../../core/ecosystem.js';
import type { Package, Relationship, Sbom, ToolInfo } from '../model.js';
import { dedupeLocations, reidentify, sortPackages, type EngineName } from './common.js';

export interface EngineSbom {
  engine: EngineName;
  sbom: Sbom;
}

/** Per-package agreement, also kept on each package as `metadata.engines` / `metadata.disagreements`. */
export interface EngineAgreement {
  engines: EngineName[];
  /** Packages every engine reported. */
  agreed: number;
  /** Packages only some engines reported, by engine set ('native', 'trivy', ...). */
  partial: Record<string, number>;
  /** Human-readable notes ("lodash: version native=4.17.21 trivy=4.17.20"). */
  notes: string[];
}

function purlKey(p: Package): { key: string; arch?: string } | undefined {
  if (p.purl === undefined) return undefined;
  const u = parsePurl(p.purl);
  if (u === undefined) return undefined;
  let version = u.version ?? p.version;
  // deb/rpm: the epoch is a qualifier for some tools and part of the version for others.
  const epoch = u.qualifiers?.epoch;
  if (epoch !== undefined && epoch !== '' && epoch !== '0' && !version.includes(':')) version = `${epoch}:${version}`;
  const key = `${u.type}/${(u.namespace ?? '').toLowerCase()}/${u.type === 'npm' ? u.name : u.name.toLowerCase()}@${version}`;
  const arch = u.qualifiers?.arch;
  return arch !== undefined ? { key, arch } : { key };
}

function nameKey(p: Package): string {
  return `${p.type}|${(p.group ?? '').toLowerCase()}|${p.name.toLowerCase()}|${p.version}`;
}

function sharesLocation(a: Package, b: Package): boolean {
  const paths = new Set(a.locations.map((l) => l.path));
  return b.locations.some((l) => paths.has(l.path));
}

interface Slot {
  pkg: Package;
  engines: EngineName[];
  /** Original ids per engine (for relationship remapping). */
  ids: Map<EngineName, string[]>;
  /** Licences per engine, to spot disagreements. */
  licenses: Map<EngineName, string[]>;
}

function enginesOf(s: Slot): EngineName[] {
  return s.engines;
}

function pick(cands: Slot[], p: Package, engine: EngineName): Slot | undefined {
  const free = cands.filter((s) => !s.engines.includes(engine));
  if (free.length === 0) return undefined;
  return free.find((s) => sharesLocation(s.pkg, p)) ?? free[0];
}

function absorb(slot: Slot, p: Package, engine: EngineName): void {
  const base = slot.pkg;
  slot.engines.push(engine);
  slot.ids.set(engine, [...(slot.ids.get(engine) ?? []), p.id]);
  slot.licenses.set(engine, p.licenses);
  base.foundBy = [...new Set([...base.foundBy, ...p.foundBy])];
  base.locations = dedupeLocations([...base.locations, ...p.locations]);
  if (p.cpes) base.cpes = [...new Set([...(base.cpes ?? []), ...p.cpes])];
  // The base engine's licences win (engines normalise differently: GPL-2.0 vs GPL-2.0-or-later);
  // each engine's own list is kept in metadata.licensesByEngine when they differ.
  if (base.licenses.length === 0) base.licenses = [...p.licenses];
  if (base.purl === undefined && p.purl !== undefined) base.purl = p.purl;
  if (p.hashes) base.hashes = { ...p.hashes, ...base.hashes };
  for (const k of ['group', 'supplier', 'description'] as const) if (base[k] === undefined && p[k] !== undefined) base[k] = p[k];
  if (p.metadata && Object.keys(p.metadata).length > 0) base.metadata = { ...base.metadata, [engine]: p.metadata };
}

function newSlot(p: Package, engine: EngineName): Slot {
  return {
    pkg: { ...p, foundBy: [...p.foundBy], locations: [...p.locations], licenses: [...p.licenses], ...(p.cpes ? { cpes: [...p.cpes] } : {}) },
    engines: [engine],
    ids: new Map([[engine, [p.id]]]),
    licenses: new Map([[engine, p.licenses]]),
  };
}

/**
 * Merge engine SBOMs (the first is the base: its subject, distro and field values win).
 * Returns the merged SBOM and the agreement summary.
 */
export function mergeEngineSboms(parts: readonly EngineSbom[]): { sbom: Sbom; agreement: EngineAgreement } {
  const engines = parts.map((p) => p.engine);
  const slots: Slot[] = [];
  const byPurl = new Map<string, Slot[]>();
  const byName = new Map<string, Slot[]>();
  const index = (s: Slot): void => {
    const pk = purlKey(s.pkg);
    if (pk) byPurl.set(pk.key, [...(byPurl.get(pk.key) ?? []), s]);
    byName.set(nameKey(s.pkg), [...(byName.get(nameKey(s.pkg)) ?? []), s]);
  };
  for (const { engine, sbom } of parts) {
    for (const p of sbom.packages) {
      let slot: Slot | undefined;
      const pk = purlKey(p);
      if (pk) {
        const cands = (byPurl.get(pk.key) ?? []).filter((s) => {
          const other = purlKey(s.pkg)?.arch;
          return other === undefined || pk.arch === undefined || other === pk.arch;
        });
        slot = pick(cands, p, engine);
      }
      if (slot === undefined) {
        // No purl match: same type, name and version, found at the same place.
        const cands = (byName.get(nameKey(p)) ?? []).filter((s) => sharesLocation(s.pkg, p) || (s.pkg.locations.length === 0 && p.locations.length === 0));
        slot = pick(cands, p, engine);
      }
      if (slot) absorb(slot, p, engine);
      else {
        const s = newSlot(p, engine);
        slots.push(s);
        index(s);
      }
    }
  }

  // Disagreements: licences within a slot; versions across slots of the same name that no engine shares.
  const notes: string[] = [];
  const byTypeName = new Map<string, Slot[]>();
  for (const s of slots) {
    const k = `${s.pkg.type}|${s.pkg.name.toLowerCase()}`;
    byTypeName.set(k, [...(byTypeName.get(k) ?? []), s]);
    if (s.engines.length > 1) {
      const sets = [...s.licenses.entries()].filter(([, l]) => l.length > 0);
      const distinct = new Set(sets.map(([, l]) => [...l].sort().join(' AND ')));
      if (distinct.size > 1) s.pkg.metadata = { ...s.pkg.metadata, licensesByEngine: Object.fromEntries(sets) };
    }
  }
  for (const group of byTypeName.values()) {
    if (group.length < 2) continue;
    const partial = group.filter((s) => s.engines.length < engines.length);
    const versions = new Map<string, string[]>();
    for (const s of partial) for (const e of s.engines) versions.set(e, [...(versions.get(e) ?? []), s.pkg.version]);
    if (versions.size < 2) continue;
    const note = `version ${[...versions.entries()].map(([e, v]) => `${e}=${[...new Set(v)].join('|')}`).join(' ')}`;
    for (const s of partial) addNote(s, note);
    notes.push(`${group[0]!.pkg.name}: ${note}`);
  }

  const partialCounts: Record<string, number> = {};
  let agreed = 0;
  for (const s of slots) {
    s.pkg.metadata = { ...s.pkg.metadata, engines: enginesOf(s) };
    if (s.engines.length === engines.length) agreed++;
    else {
      const k = s.engines.join(',');
      partialCounts[k] = (partialCounts[k] ?? 0) + 1;
    }
  }

  // Relationships: remap every engine's ids onto the merged packages.
  const idMap = new Map<string, string>();
  slots.forEach((s, i) => {
    s.pkg.id = `slot-${i}`;
    for (const [engine, ids] of s.ids) for (const id of ids) idMap.set(`${engine}\u0000${id}`, s.pkg.id);
  });
  const rels: Relationship[] = [];
  for (const { engine, sbom } of parts) {
    for (const r of sbom.relationships) {
      const from = idMap.get(`${engine}\u0000${r.from}`);
      const to = idMap.get(`${engine}\u0000${r.to}`);
      if (from !== undefined && to !== undefined) rels.push({ from, to, type: r.type });
    }
  }
  const packages = slots.map((s) => s.pkg);
  const { relationships } = reidentify(packages, rels);

  const first = parts[0]?.sbom;
  const tools: ToolInfo[] = [];
  for (const { sbom } of parts) for (const t of sbom.tools) if (!tools.some((x) => x.name === t.name && x.version === t.version)) tools.push(t);
  const subject: Sbom['subject'] = { ...(first?.subject ?? { kind: 'unknown', name: '' }) };
  const fill = subject as unknown as Record<string, unknown>;
  for (const { sbom } of parts.slice(1)) {
    for (const [k, v] of Object.entries(sbom.subject)) if (fill[k] === undefined) fill[k] = v;
  }
  const merged: Sbom = { subject, packages, relationships, tools };
  // What any engine could not read stays listed; the merge is complete when one engine declared so and none missed anything.
  const incomplete = parts.flatMap((p) => p.sbom.incomplete ?? []);
  if (incomplete.length > 0) merged.incomplete = incomplete;
  merged.completeness = incomplete.length > 0 ? 'incomplete' : parts.some((p) => p.sbom.completeness === 'complete') ? 'complete' : 'not-declared';
  const distro = parts.map((p) => p.sbom.distro).find((d) => d !== undefined);
  if (distro) merged.distro = distro;
  return { sbom: sortPackages(merged), agreement: { engines, agreed, partial: partialCounts, notes } };
}

function addNote(s: Slot, note: string): void {
  const prev = (s.pkg.metadata?.disagreements as string[] | undefined) ?? [];
  if (!prev.includes(note)) s.pkg.metadata = { ...s.pkg.metadata, disagreements: [...prev, note] };
}

/** Engines recorded on a merged package (`metadata.engines`), or undefined for a single-engine SBOM. */
export function packageEngines(p: Package): string[] | undefined {
  const e = p.metadata?.engines;
  return Array.isArray(e) && e.every((x) => typeof x === 'string') ? (e as string[]) : undefined;
}

/** Disagreement notes recorded on a merged package. */
export function packageDisagreements(p: Package): string[] {
  const d = p.metadata?.disagreements;
  return Array.isArray(d) ? d.filter((x): x is string => typeof x === 'string') : [];
}
