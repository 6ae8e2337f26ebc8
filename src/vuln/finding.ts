/** Small helpers shared by every backend when building `Finding`s. */
import type { Finding, FixState, FindingSeverity, Severity } from './model.js';
import { severityRank } from './model.js';

/** The stable identity of a finding: advisory + package + first location. */
export function findingKey(id: string, pkg: { name: string; version: string; purl?: string; locations: string[] }): string {
  return `${id}|${pkg.purl ?? `${pkg.name}@${pkg.version}`}|${pkg.locations[0] ?? ''}`;
}

/** Sort: most severe first, then id, then package, then key (deterministic output). */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity.level) - severityRank(a.severity.level) ||
    cmp(a.id, b.id) ||
    cmp(a.package.name, b.package.name) ||
    cmp(a.package.version, b.package.version) ||
    cmp(a.key, b.key)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Normalise an engine's fix state word. */
export function fixStateOf(word: string | undefined, fixedVersions: readonly string[]): FixState {
  switch ((word ?? '').toLowerCase().replace(/_/g, '-')) {
    case 'fixed':
      return 'fixed';
    case 'not-fixed':
    case 'affected':
    case 'fix-deferred':
    case 'under-investigation':
      return fixedVersions.length > 0 ? 'fixed' : 'not-fixed';
    case 'wont-fix':
    case 'will-not-fix':
    case 'end-of-life':
      return 'wont-fix';
    default:
      return fixedVersions.length > 0 ? 'fixed' : 'unknown';
  }
}

export function emptyCounts(): Record<Severity, number> {
  return { critical: 0, high: 0, medium: 0, low: 0, negligible: 0, unknown: 0 };
}

export function isScored(s: FindingSeverity): boolean {
  return s.level !== 'unknown';
}
