/**
 * Per-ecosystem version ordering and ranges: `compareVersions`, `parseRange`, `satisfies`, `inRange`.
 * `sbom query --version` and the OSV matcher (vuln/) use exactly these.
 */
import semver from 'semver';
import { type Ecosystem } from '../../core/ecosystem.js';
import { UsageError } from '../../core/errors.js';
import { compareAlpm } from './alpm.js';
import { compareApk } from './apk.js';
import { compareComposer } from './composer.js';
import { compareDeb } from './dpkg.js';
import { compareGem } from './gem.js';
import { compareGeneric } from './generic.js';
import { compareMaven } from './maven.js';
import { comparePep440 } from './pep440.js';
import { compareRpm } from './rpm.js';
import { compareGithubActions, compareGo, compareNpm, compareNuget, compareSemver } from './semver.js';
import { comparePortage } from './portage.js';
import { compareHackage } from './hackage.js';
import { compareOpam } from './opam.js';

/** An ecosystem (purl type) or 'semver' for plain SemVer 2.0 (OSV SEMVER ranges). */
export type VersionScheme = Ecosystem | 'semver';

const COMPARATORS: Record<VersionScheme, (a: string, b: string) => number> = {
  maven: compareMaven,
  npm: compareNpm,
  pypi: comparePep440,
  deb: compareDeb,
  apk: compareApk,
  rpm: compareRpm,
  golang: compareGo,
  gem: compareGem,
  cargo: compareSemver,
  nuget: compareNuget,
  composer: compareComposer,
  semver: compareSemver,
  generic: compareGeneric,
  alpm: compareAlpm,
  // conda's VersionOrder, R's package_version and Conan's versions: digit runs numerically, letters lexically
  conda: compareGeneric,
  cran: compareGeneric,
  conan: compareGeneric,
  pub: compareSemver,
  hex: compareSemver,
  swift: compareSemver,
  // Pod::Version is a Gem::Version
  cocoapods: compareGem,
  // upstream version and Bitnami's own revision ('17.2.0-8'): digit runs numerically, not a SemVer pre-release
  bitnami: compareGeneric,
  ebuild: comparePortage,
  // GitHub Actions refs: tags such as v4, v4.2.2
  github: compareGithubActions,
  // provider versions are SemVer (the registry's protocol requires it)
  terraform: compareSemver,
  // LuaRocks versions (1.0.2-1: upstream version, rockspec revision): digit runs numerically, letters lexically
  luarocks: compareGeneric,
  julia: compareSemver,
  hackage: compareHackage,
  opam: compareOpam,
  // WordPress compares its own and its plugins' versions with PHP's version_compare()
  wordpress: compareComposer,
  // pack versions are dot-separated numbers (pack_version/1): compared numerically
  swiplpack: compareGeneric,
  // Homebrew versions (1.2.3, 1.2.3_1 with the formula's revision): digit runs numerically, letters lexically
  brew: compareGeneric,
  // nixpkgs versions (2.34-210, 1.1.1q, unstable-2021-08-16): digit runs numerically, letters lexically
  nix: compareGeneric,
  // vcpkg versions (relaxed, semver, date or string, then #port-version): digit runs numerically, letters lexically
  vcpkg: compareGeneric,
};

/** Names accepted for a scheme (purl types, vers schemes, OSV ecosystem names). */
const ALIASES: Record<string, VersionScheme> = {
  maven: 'maven',
  npm: 'npm',
  pypi: 'pypi',
  python: 'pypi',
  pip: 'pypi',
  deb: 'deb',
  debian: 'deb',
  ubuntu: 'deb',
  dpkg: 'deb',
  apk: 'apk',
  alpine: 'apk',
  rpm: 'rpm',
  golang: 'golang',
  go: 'golang',
  gem: 'gem',
  rubygems: 'gem',
  cargo: 'cargo',
  'crates.io': 'cargo',
  nuget: 'nuget',
  composer: 'composer',
  packagist: 'composer',
  semver: 'semver',
  generic: 'generic',
  alpm: 'alpm',
  pacman: 'alpm',
  conda: 'conda',
  cran: 'cran',
  conan: 'conan',
  conancenter: 'conan',
  pub: 'pub',
  hex: 'hex',
  swift: 'swift',
  swifturl: 'swift',
  cocoapods: 'cocoapods',
  bitnami: 'bitnami',
  ebuild: 'ebuild',
  portage: 'ebuild',
  gentoo: 'ebuild',
  github: 'github',
  'github actions': 'github',
  terraform: 'terraform',
  luarocks: 'luarocks',
  julia: 'julia',
  hackage: 'hackage',
  opam: 'opam',
  wordpress: 'wordpress',
  swiplpack: 'swiplpack',
  brew: 'brew',
  homebrew: 'brew',
  nix: 'nix',
  vcpkg: 'vcpkg',
};

/** The scheme for a purl type / vers scheme / ecosystem name; 'generic' when unknown. */
export function schemeOf(name: string | undefined): VersionScheme {
  if (!name) return 'generic';
  return ALIASES[name.toLowerCase()] ?? 'generic';
}

/** Compare two versions of one ecosystem: negative, 0 or positive. Throws InputError on unreadable versions. */
export function compareVersions(ecosystem: VersionScheme | string, a: string, b: string): number {
  const scheme = schemeOf(ecosystem);
  return Math.sign(COMPARATORS[scheme](a, b)) || 0;
}

/** Like compareVersions, but never throws: falls back to the generic ordering. */
export function compareVersionsLenient(ecosystem: VersionScheme | string, a: string, b: string): number {
  try {
    return compareVersions(ecosystem, a, b);
  } catch {
    return Math.sign(compareGeneric(a, b)) || 0;
  }
}

export type Comparator = '<' | '<=' | '>' | '>=' | '=' | '!=' | '*';

export interface Constraint {
  op: Comparator;
  version: string;
}

/**
 * A parsed range. `kind: 'vers'` follows the purl-spec vers algorithm over sorted constraints;
 * `kind: 'sets'` is an OR of AND-ed constraint sets (`>=1 <2 || >=3`, Maven `[1,2),[3,)`).
 */
export type VersionRange =
  | { kind: 'vers'; scheme: VersionScheme; constraints: Constraint[]; text: string }
  | { kind: 'sets'; scheme: VersionScheme | undefined; sets: Constraint[][]; text: string }
  | { kind: 'npm'; scheme: 'npm' | 'cargo'; range: semver.Range; text: string };

function badRange(text: string, why: string): UsageError {
  return new UsageError('QUERY_INVALID_RANGE', `cannot read version range ${JSON.stringify(text)}: ${why}`, {
    hint: "write ranges as '>=2.0.0 <2.17.1' (space = and, '||' = or), Maven '[2.0,2.17.1)' or 'vers:maven/>=2.0-beta9|<2.15.0'",
  });
}

const OP_RE = /^(<=|>=|!=|==|<|>|=)?\s*(.+)$/;

function parseConstraint(raw: string, text: string): Constraint {
  const s = raw.trim();
  if (s === '*') return { op: '*', version: '' };
  const m = OP_RE.exec(s);
  if (!m || !m[2] || /[\s<>=!|]/.test(m[2])) throw badRange(text, `bad constraint ${JSON.stringify(raw)}`);
  const op = (m[1] === '==' || m[1] === undefined ? '=' : m[1]) as Comparator;
  return { op, version: m[2] };
}

function parseVers(text: string): VersionRange {
  const m = /^vers:([a-z0-9.+-]+)\/(.*)$/i.exec(text.trim());
  if (!m) throw badRange(text, "a vers range looks like 'vers:<scheme>/<constraints>'");
  const scheme = schemeOf(m[1]);
  const body = m[2]!.replace(/\s+/g, '');
  if (body === '') throw badRange(text, 'no constraints');
  if (body === '*') return { kind: 'vers', scheme, constraints: [{ op: '*', version: '' }], text };
  const constraints = body.split('|').map((c) => {
    if (c === '') throw badRange(text, 'empty constraint');
    const parsed = parseConstraint(decodeURIComponent(c), text);
    if (parsed.op === '*') throw badRange(text, "'*' must be the only constraint");
    return parsed;
  });
  for (const c of constraints) {
    try {
      compareVersions(scheme, c.version, c.version);
    } catch {
      throw badRange(text, `${JSON.stringify(c.version)} is not a ${scheme} version`);
    }
  }
  constraints.sort((a, b) => compareVersions(scheme, a.version, b.version));
  return { kind: 'vers', scheme, constraints, text };
}

/** Maven interval notation: '[1.0,2.0)', '(,1.0]', '[1.5]', several separated by commas. */
function parseMavenIntervals(text: string): VersionRange {
  const sets: Constraint[][] = [];
  const re = /([[(])\s*([^,\])]*?)\s*(?:,\s*([^\])]*?)\s*)?([\])])\s*,?\s*/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  const t = text.trim();
  while ((m = re.exec(t)) !== null) {
    end = re.lastIndex;
    const [, open, lo, hi, close] = m;
    const hasComma = m[0].includes(',') && m[3] !== undefined;
    const set: Constraint[] = [];
    if (!hasComma) {
      if (open !== '[' || close !== ']' || !lo) throw badRange(text, 'a single version must be written [x]');
      set.push({ op: '=', version: lo });
    } else {
      if (lo) set.push({ op: open === '[' ? '>=' : '>', version: lo });
      if (hi) set.push({ op: close === ']' ? '<=' : '<', version: hi });
      if (set.length === 0) set.push({ op: '*', version: '' });
    }
    sets.push(set);
    if (end >= t.length) break;
  }
  if (end !== t.length || sets.length === 0) throw badRange(text, 'bad Maven interval');
  return { kind: 'sets', scheme: 'maven', sets, text };
}

/**
 * Parse a range for `ecosystem` (undefined: decided per package when matching).
 * Accepts `>=a <b` (also comma-separated), `||` alternatives, a bare version (= exact),
 * Maven intervals and purl-spec `vers:` strings; npm/cargo caret and tilde ranges use the semver package.
 */
export function parseRange(text: string, ecosystem?: VersionScheme | string): VersionRange {
  const t = text.trim();
  if (t === '') throw badRange(text, 'empty range');
  if (t.length > 4096) throw badRange(text.slice(0, 40), 'range too long');
  if (/^vers:/i.test(t)) return parseVers(t);
  const scheme = ecosystem === undefined ? undefined : schemeOf(ecosystem);
  if (/^[[(]/.test(t)) return parseMavenIntervals(t);
  if (scheme === 'npm' || scheme === 'cargo') {
    try {
      return { kind: 'npm', scheme, range: new semver.Range(t.replace(/,\s*/g, ' '), { loose: true }), text: t };
    } catch {
      throw badRange(text, 'not a valid npm range');
    }
  }
  const sets = t.split('||').map((alt) => {
    const parts = alt
      .trim()
      .replace(/(<=|>=|!=|==|<|>|=)\s+/g, '$1')
      .split(/[\s,]+/)
      .filter((p) => p !== '');
    if (parts.length === 0) throw badRange(text, "empty alternative around '||'");
    return parts.map((p) => parseConstraint(p, text));
  });
  return { kind: 'sets', scheme, sets, text: t };
}

function test(op: Comparator, cmp: number): boolean {
  switch (op) {
    case '<':
      return cmp < 0;
    case '<=':
      return cmp <= 0;
    case '>':
      return cmp > 0;
    case '>=':
      return cmp >= 0;
    case '=':
      return cmp === 0;
    case '!=':
      return cmp !== 0;
    case '*':
      return true;
  }
}

/** The vers algorithm (purl-spec VERSION-RANGE-SPEC "checking if a version is contained"). */
function versContains(constraints: Constraint[], version: string, cmp: (a: string, b: string) => number): boolean {
  const rest: Constraint[] = [];
  for (const c of constraints) {
    if (c.op === '*') return true;
    const r = cmp(version, c.version);
    if (c.op === '=' && r === 0) return true;
    if (c.op === '!=' && r === 0) return false;
    if (c.op !== '=' && c.op !== '!=') rest.push(c);
  }
  if (rest.length === 0) return constraints.some((c) => c.op === '!=');
  const first = rest[0]!;
  if ((first.op === '<' || first.op === '<=') && test(first.op, cmp(version, first.version))) return true;
  const last = rest[rest.length - 1]!;
  if ((last.op === '>' || last.op === '>=') && test(last.op, cmp(version, last.version))) return true;
  for (let i = 0; i + 1 < rest.length; i++) {
    const cur = rest[i]!;
    const next = rest[i + 1]!;
    if ((cur.op === '>' || cur.op === '>=') && (next.op === '<' || next.op === '<=')) {
      if (test(cur.op, cmp(version, cur.version)) && test(next.op, cmp(version, next.version))) return true;
    }
  }
  return false;
}

/**
 * Is `version` in `range`? The ordering is the range's own scheme (vers:), else `ecosystem`, else generic.
 * Throws InputError when the version cannot be read in that scheme.
 */
export function satisfies(version: string, range: VersionRange | string, ecosystem?: VersionScheme | string): boolean {
  const r = typeof range === 'string' ? parseRange(range, ecosystem) : range;
  if (r.kind === 'npm') {
    return semver.satisfies(version.replace(/^v(?=\d)/, ''), r.range, { loose: true, includePrerelease: false });
  }
  const scheme: VersionScheme = r.kind === 'vers' ? r.scheme : (r.scheme ?? schemeOf(ecosystem));
  const cmp = (a: string, b: string): number => compareVersions(scheme, a, b);
  if (r.kind === 'vers') return versContains(r.constraints, version, cmp);
  return r.sets.some((set) => set.every((c) => test(c.op, c.op === '*' ? 0 : cmp(version, c.version))));
}

/** OSV-style bounds: introduced (inclusive; '0' = from the start), fixed (exclusive), lastAffected (inclusive), limit (exclusive). */
export interface RangeBounds {
  introduced?: string | undefined;
  fixed?: string | undefined;
  lastAffected?: string | undefined;
  limit?: string | undefined;
}

/** Is `version` within one introduced/fixed interval in `ecosystem`'s ordering? */
export function inRange(version: string, bounds: RangeBounds, ecosystem: VersionScheme | string): boolean {
  const cmp = (a: string, b: string): number => compareVersions(ecosystem, a, b);
  if (bounds.introduced !== undefined && bounds.introduced !== '0' && cmp(version, bounds.introduced) < 0) return false;
  if (bounds.fixed !== undefined && cmp(version, bounds.fixed) >= 0) return false;
  if (bounds.lastAffected !== undefined && cmp(version, bounds.lastAffected) > 0) return false;
  if (bounds.limit !== undefined && bounds.limit !== '*' && cmp(version, bounds.limit) >= 0) return false;
  return true;
}

/** A range as text for reports. */
export function formatRange(range: VersionRange): string {
  return range.text;
}
