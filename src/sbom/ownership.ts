/**
 * Which language packages an OS package installed (`owns` relationships, syft's
 * ownership-by-file-overlap): the distro's advisories apply to them, not the language ecosystem's.
 * One reading of the relationships for every consumer (the scan's matcher, `sbom query --advisory`,
 * the index).
 */
import type { Package, Sbom } from './model.js';

/** OS package types whose file lists make them owners of the language packages they installed. */
const OS_TYPES: ReadonlySet<string> = new Set(['deb', 'rpm', 'apk']);

/** Language packages (by id) owned by an OS package, with their owner. */
export function ownersOf(sbom: Pick<Sbom, 'packages' | 'relationships'>): Map<string, Package> {
  const out = new Map<string, Package>();
  if (!sbom.relationships.some((r) => r.type === 'owns')) return out;
  const byId = new Map(sbom.packages.map((p) => [p.id, p]));
  for (const r of sbom.relationships) {
    if (r.type !== 'owns') continue;
    const owner = byId.get(r.from);
    const owned = byId.get(r.to);
    if (owner && owned && OS_TYPES.has(owner.type) && !OS_TYPES.has(owned.type) && !out.has(owned.id)) out.set(owned.id, owner);
  }
  return out;
}
