/** SemVer 2.0 (npm, crates.io, OSV SEMVER), Go module versions and NuGet's four-part SemVer. */
import semver from 'semver';
import { compareGeneric } from './generic.js';
import { compareDigits, compareStrings, invalidVersion } from './util.js';

function parseSemver(version: string, scheme: string, loose: boolean): semver.SemVer {
  const v = version.trim().replace(/^v(?=\d)/, '');
  const parsed = semver.parse(v, { loose });
  if (!parsed) throw invalidVersion(scheme, version);
  return parsed;
}

/** Strict SemVer 2.0 ordering (build metadata ignored). A leading 'v' is accepted. */
export function compareSemver(a: string, b: string): number {
  return semver.compare(parseSemver(a, 'SemVer', false), parseSemver(b, 'SemVer', false));
}

/** npm: SemVer with npm's loose parsing ('=1.2.3', 'v1.2.3'). */
export function compareNpm(a: string, b: string): number {
  return semver.compare(parseSemver(a, 'npm', true), parseSemver(b, 'npm', true));
}

/** Go modules: v-prefixed SemVer; pseudo-versions are pre-releases; '+incompatible' is ignored. */
export function compareGo(a: string, b: string): number {
  return semver.compare(parseSemver(a, 'Go', false), parseSemver(b, 'Go', false));
}

/** NuGet: up to four numeric parts (missing = 0), then a case-insensitive SemVer pre-release. */
export function compareNuget(a: string, b: string): number {
  const parse = (v: string): { nums: string[]; pre: string[] | undefined } => {
    const m = /^\s*v?(\d+(?:\.\d+){0,3})(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?\s*$/.exec(v);
    if (!m) throw invalidVersion('NuGet', v);
    return { nums: m[1]!.split('.'), pre: m[2]?.toLowerCase().split('.') };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 4; i++) {
    const r = compareDigits(x.nums[i] ?? '0', y.nums[i] ?? '0');
    if (r !== 0) return r;
  }
  if (!x.pre || !y.pre) return x.pre === y.pre ? 0 : x.pre ? -1 : 1;
  const n = Math.max(x.pre.length, y.pre.length);
  for (let i = 0; i < n; i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    const r = pn && qn ? compareDigits(p, q) : pn ? -1 : qn ? 1 : compareStrings(p, q);
    if (r !== 0) return r;
  }
  return 0;
}

/**
 * GitHub Actions refs as OSV's `GitHub Actions` ranges order them: tags are v-prefixed SemVer, often cut
 * short (`v4` is 4.0.0, `v4.2` is 4.2.0); anything else (a branch) falls back to the generic ordering.
 */
export function compareGithubActions(a: string, b: string): number {
  const full = (v: string): string | undefined => {
    const m = /^\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?((?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)\s*$/.exec(v);
    return m ? `${m[1]}.${m[2] ?? '0'}.${m[3] ?? '0'}${m[4] ?? ''}` : undefined;
  };
  const x = full(a);
  const y = full(b);
  if (x !== undefined && y !== undefined && semver.valid(x) && semver.valid(y)) return semver.compare(x, y);
  return compareGeneric(a, b);
}
