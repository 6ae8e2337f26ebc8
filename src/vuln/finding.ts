/** Small helpers shared by every backend when building `Finding`s. */
import { parsePurl } from '../core/ecosystem.js';
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

/**
 * Does `ref` (a purl, or a bare package name, or name@version) name the finding's package?
 * Purls compare type, namespace, name and — when `ref` has one — version; qualifiers are ignored.
 */
export function refMatchesPackage(ref: string, pkg: { name: string; version: string; purl?: string }): boolean {
  if (ref.startsWith('pkg:')) {
    const want = parsePurl(ref);
    if (!want) return false;
    const have = pkg.purl ? parsePurl(pkg.purl) : undefined;
    if (have) {
      if (want.type !== have.type || want.name.toLowerCase() !== have.name.toLowerCase()) return false;
      if ((want.namespace ?? '').toLowerCase() !== (have.namespace ?? '').toLowerCase()) return false;
      return want.version === undefined || want.version === have.version;
    }
    return want.name === pkg.name && (want.version === undefined || want.version === pkg.version);
  }
  const at = ref.lastIndexOf('@');
  if (at > 0) return ref.slice(0, at) === pkg.name && ref.slice(at + 1) === pkg.version;
  return ref === pkg.name;
}

/** Does `id` name the finding's vulnerability (its id or one of its aliases)? */
export function idMatches(id: string, f: Finding): boolean {
  const u = id.toUpperCase();
  return f.id.toUpperCase() === u || f.aliases.some((a) => a.toUpperCase() === u);
}
