/**
 * Stable identifiers: every id and serial number custody writes is derived from content, never random,
 * so the same input gives byte-identical SBOMs.
 */
import { createHash } from 'node:crypto';
import type { Package } from './model.js';

/** Characters allowed in ids that must also be valid SPDX identifiers and CycloneDX bom-refs. */
function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64) || 'x';
}

/** Hex digest of the JSON encoding of `parts` (sha256). */
export function contentHash(parts: readonly unknown[], length = 16): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, length);
}

/** The fields a package id is derived from. */
export type PackageIdInput = Pick<Package, 'type' | 'name' | 'version' | 'purl' | 'locations'>;

/**
 * Stable package id: `<type>-<name>-<hash>` where the hash covers type, purl, name, version and the
 * first location's path and layer. Two packages with the same id are the same finding.
 * Ids use only [A-Za-z0-9.-] so they can be reused in SPDX identifiers.
 */
export function packageId(p: PackageIdInput): string {
  const loc = p.locations[0];
  return `${safe(p.type)}-${safe(p.name)}-${contentHash([p.type, p.purl ?? '', p.name, p.version, loc?.path ?? '', loc?.layer ?? ''])}`;
}

/**
 * A UUID derived from content (RFC 4122 §4.3 name-based layout, SHA-256 truncated, version nibble 5):
 * serial numbers and document namespaces stay the same for the same input.
 */
export function contentUuid(content: string): string {
  const h = createHash('sha256').update(content).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}
