/**
 * OSV range evaluation (https://ossf.github.io/osv-schema/#evaluation): events sorted by version,
 * walked in order; introduced opens, fixed closes (exclusive), last_affected closes (inclusive).
 * `limit` only bounds GIT ranges, which cannot be matched against an SBOM version and are skipped.
 */
import type { OsvAffected, OsvEvent, OsvRange } from './record.js';

/** Compare two versions of one ordering; throws on a version it cannot read. */
export type Compare = (a: string, b: string) => number;

export interface RangeHit {
  /** 'explicit-version' when matched through the `versions` list. */
  via: 'range' | 'versions';
  rangeType?: OsvRange['type'];
  /** e.g. '>=2.4, <2.12.2' */
  constraint: string;
  /** `fixed` of the interval that contains the version, if any. */
  fixed?: string;
}

function eventVersion(e: OsvEvent): string {
  return (e.introduced ?? e.fixed ?? e.last_affected ?? e.limit)!;
}

function isZero(v: string): boolean {
  return v === '0';
}

/** Does `version` fall in `range`? Returns the interval it fell in, or undefined. */
export function evaluateRange(range: OsvRange, version: string, compare: Compare): RangeHit | undefined {
  if (range.type === 'GIT') return undefined;
  const events = range.events.filter((e) => e.limit === undefined);
  // Sort by version; introduced "0" sorts before everything (OSV spec).
  const sorted = [...events].sort((a, b) => {
    const va = eventVersion(a);
    const vb = eventVersion(b);
    const za = a.introduced !== undefined && isZero(va);
    const zb = b.introduced !== undefined && isZero(vb);
    if (za || zb) return za && zb ? 0 : za ? -1 : 1;
    return compare(va, vb);
  });
  let affected = false;
  let openedAt: string | undefined;
  let hit: RangeHit | undefined;
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i]!;
    if (e.introduced !== undefined) {
      if (isZero(e.introduced) || compare(version, e.introduced) >= 0) {
        affected = true;
        openedAt = e.introduced;
      }
    } else if (e.fixed !== undefined) {
      if (compare(version, e.fixed) >= 0) affected = false;
      else if (affected && hit === undefined) hit = interval(range, openedAt, `<${e.fixed}`, e.fixed);
    } else if (e.last_affected !== undefined) {
      if (compare(version, e.last_affected) > 0) affected = false;
      else if (affected && hit === undefined) hit = interval(range, openedAt, `<=${e.last_affected}`);
    }
  }
  if (!affected) return undefined;
  return hit ?? interval(range, openedAt, undefined);
}

function interval(range: OsvRange, from: string | undefined, upper: string | undefined, fixed?: string): RangeHit {
  const parts: string[] = [];
  if (from !== undefined && !isZero(from)) parts.push(`>=${from}`);
  if (upper !== undefined) parts.push(upper);
  const hit: RangeHit = { via: 'range', rangeType: range.type, constraint: parts.length > 0 ? parts.join(', ') : 'all versions' };
  if (fixed !== undefined) hit.fixed = fixed;
  return hit;
}

/**
 * Is `version` affected by this entry? Explicit `versions` are checked first (exact string, then
 * equal under the ordering), then every ECOSYSTEM/SEMVER range.
 * `compareFor` picks the ordering per range type (SEMVER ranges always use SemVer 2.0 ordering).
 */
export function affectsVersion(affected: OsvAffected, version: string, compareFor: (type: 'ECOSYSTEM' | 'SEMVER') => Compare): RangeHit | undefined {
  if (affected.versions.includes(version)) return { via: 'versions', constraint: `=${version}` };
  for (const range of affected.ranges) {
    if (range.type === 'GIT') continue;
    const hit = evaluateRange(range, version, compareFor(range.type));
    if (hit) return hit;
  }
  if (affected.versions.length > 0) {
    const cmp = compareFor('ECOSYSTEM');
    for (const v of affected.versions) {
      try {
        if (cmp(v, version) === 0) return { via: 'versions', constraint: `=${v}` };
      } catch {
        // a listed version the ordering cannot read never equals ours
      }
    }
  }
  return undefined;
}

/** Every `fixed` event of the entry's ranges that is above `version` (the versions that fix it). */
export function fixedAbove(affected: OsvAffected, version: string, compareFor: (type: 'ECOSYSTEM' | 'SEMVER') => Compare): string[] {
  const out: string[] = [];
  for (const range of affected.ranges) {
    if (range.type === 'GIT') continue;
    const cmp = compareFor(range.type);
    for (const e of range.events) {
      if (e.fixed === undefined) continue;
      try {
        if (cmp(e.fixed, version) > 0) out.push(e.fixed);
      } catch {
        // unreadable fixed version: not offered as a fix
      }
    }
  }
  return out;
}
