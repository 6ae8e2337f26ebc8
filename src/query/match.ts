/**
 * What `sbom query` looks for and whether a package matches: --name (exact or glob, case-insensitive),
 * --purl (type/namespace/name, optional version or `@vers:` range, qualifiers only when given),
 * --cpe (vendor/product with wildcards), --version (ecosystem-aware range).
 * The same `matchPackage` serves the file scan and the index, so both give the same answers.
 */
import picomatch from 'picomatch';
import { parsePurl, sourceNameOf, type PurlParts } from '../core/ecosystem.js';
import { UsageError } from '../core/errors.js';
import type { Package, PackageType } from '../sbom/model.js';
import { compareVersions, parseRange, satisfies, schemeOf, type VersionRange, type VersionScheme } from './versions/index.js';

export interface QueryOptions {
  name?: string | undefined;
  purl?: string | undefined;
  cpe?: string | undefined;
  version?: string | undefined;
  /** `--advisory ID`: echoed in results; the packages looked at are `candidates`. */
  advisory?: string | undefined;
  /**
   * `--advisory`: packages that an affected entry of the advisory's OSV records could name. The query finds
   * these candidates; the OSV matcher (vuln/) decides which are affected. Not combined with the other criteria.
   */
  candidates?: AdvisoryCandidates | undefined;
}

/** Names an advisory's affected entries give (lower case); see `QueryOptions.candidates`. */
export interface AdvisoryCandidates {
  /** Package names as OSV spells them ('org.apache.logging.log4j:log4j-core', '@scope/name', 'golang.org/x/net'). */
  names: string[];
  /** PyPI names, compared PEP 503-normalised (one name is spelled with '-', '_' or '.'). */
  pypiNames: string[];
  /** Source package names of distro entries ('apache-log4j2'): binary packages built from them are candidates. */
  sources: string[];
}

/** A compiled query (plain data, so it can be sent to worker threads as its options and rebuilt). */
export interface CompiledQuery {
  options: QueryOptions;
  candidateNames?: ReadonlySet<string>;
  candidatePypi?: ReadonlySet<string>;
  candidateSources?: ReadonlySet<string>;
  nameMatcher?: (candidate: string) => boolean;
  purl?: PurlParts;
  purlRange?: VersionRange;
  cpe?: CpeParts;
  versionRange?: VersionRange;
  versionText?: string;
}

export interface CpeParts {
  part: string;
  vendor: string;
  product: string;
  version: string;
}

const GLOB_CHARS = /[*?[\]{}()!+@]/;

/** Split a CPE 2.3 formatted string or a CPE 2.2 URI into its first fields. */
export function parseCpe(cpe: string): CpeParts | undefined {
  const s = cpe.trim();
  let fields: string[];
  if (/^cpe:2\.3:/i.test(s)) fields = s.slice(8).split(/(?<!\\):/);
  else if (/^cpe:\/[aoh]?/i.test(s)) fields = s.slice(5).split(':');
  else return undefined;
  const unq = (x: string | undefined): string => (x ?? '*').replace(/\\(.)/g, '$1').toLowerCase() || '*';
  return { part: unq(fields[0]), vendor: unq(fields[1]), product: unq(fields[2]), version: unq(fields[3]) };
}

function badQuery(message: string, hint: string): UsageError {
  return new UsageError('QUERY_INVALID', message, { hint });
}

/** Build a matcher from the user's flags. Throws UsageError for bad flags. */
export function compileQuery(options: QueryOptions): CompiledQuery {
  const q: CompiledQuery = { options };
  if (options.candidates) {
    if (options.name || options.purl || options.cpe || options.version) throw badQuery('--advisory is not combined with --name, --purl, --cpe or --version', 'the advisory says which packages and versions are affected; drop the other flags');
    q.candidateNames = new Set(options.candidates.names.map((n) => n.toLowerCase()));
    q.candidatePypi = new Set(options.candidates.pypiNames.map(pep503));
    q.candidateSources = new Set(options.candidates.sources.map((n) => n.toLowerCase()));
    return q;
  }
  if (!options.name && !options.purl && !options.cpe && !options.version) {
    throw badQuery('nothing to look for', 'pass --name, --purl, --cpe and/or --version');
  }
  if (options.name) {
    const name = options.name.trim();
    if (GLOB_CHARS.test(name)) {
      const isMatch = picomatch(name, { nocase: true, dot: true, bash: true });
      q.nameMatcher = (c) => isMatch(c);
    } else {
      const lc = name.toLowerCase();
      q.nameMatcher = (c) => c.toLowerCase() === lc;
    }
  }
  if (options.purl) {
    let text = options.purl.trim();
    const at = text.indexOf('@vers:');
    if (at !== -1) {
      q.purlRange = parseRange(text.slice(at + 1));
      text = text.slice(0, at);
    }
    const parsed = parsePurl(text);
    if (!parsed) throw badQuery(`cannot read --purl ${JSON.stringify(options.purl)}`, "write it as pkg:type/namespace/name[@version], e.g. 'pkg:maven/org.apache.logging.log4j/log4j-core'");
    q.purl = parsed;
  }
  if (options.cpe) {
    const cpe = parseCpe(options.cpe);
    if (!cpe) throw badQuery(`cannot read --cpe ${JSON.stringify(options.cpe)}`, "write it as 'cpe:2.3:a:apache:log4j:*' or 'cpe:/a:apache:log4j'");
    q.cpe = cpe;
  }
  if (options.version) {
    q.versionText = options.version;
    // The scheme comes from each package; parse once without one to reject bad syntax early.
    q.versionRange = parseRange(options.version, q.purl ? schemeOf(q.purl.type) : undefined);
  }
  return q;
}

const TYPE_SCHEMES: Partial<Record<PackageType, VersionScheme>> = {
  deb: 'deb',
  apk: 'apk',
  rpm: 'rpm',
  'java-archive': 'maven',
  npm: 'npm',
  python: 'pypi',
  'go-module': 'golang',
  'rust-crate': 'cargo',
  gem: 'gem',
  'php-composer': 'composer',
  dotnet: 'nuget',
  alpm: 'alpm',
  conda: 'conda',
  'r-package': 'cran',
  conan: 'conan',
  'dart-pub': 'pub',
  hex: 'hex',
  swift: 'swift',
  cocoapods: 'cocoapods',
  bitnami: 'bitnami',
  portage: 'ebuild',
  'github-action': 'github',
  terraform: 'terraform',
  'lua-rocks': 'luarocks',
  julia: 'julia',
  hackage: 'hackage',
  opam: 'opam',
  wordpress: 'wordpress',
  swiplpack: 'swiplpack',
  homebrew: 'brew',
  nix: 'nix',
  vcpkg: 'vcpkg',
};

/** Package identity: from the purl when there is one, else name + ecosystem hints (type, group). */
export interface PackageIdentity {
  type?: string | undefined;
  namespace?: string | undefined;
  name: string;
  scheme: VersionScheme;
}

/** The purl type of a version scheme: every ecosystem's scheme is named after its purl type; `semver` and `generic` have none. */
const purlTypeOfScheme = (scheme: VersionScheme): string | undefined => (scheme === 'semver' || scheme === 'generic' ? undefined : scheme);

export function identityOf(pkg: Pick<Package, 'name' | 'purl' | 'type' | 'group'>): PackageIdentity {
  const p = pkg.purl ? parsePurl(pkg.purl) : undefined;
  if (p) return { type: p.type, namespace: p.namespace, name: p.name, scheme: schemeOf(p.type) };
  const scheme = TYPE_SCHEMES[pkg.type] ?? 'generic';
  // 'group:artifact' names (trivy, Maven tools) carry the namespace.
  const colon = pkg.name.lastIndexOf(':');
  if (scheme === 'maven' && colon > 0) return { type: 'maven', namespace: pkg.name.slice(0, colon), name: pkg.name.slice(colon + 1), scheme };
  return { type: purlTypeOfScheme(scheme), namespace: pkg.group, name: pkg.name, scheme };
}

function nameCandidates(pkg: Pick<Package, 'name'>, id: PackageIdentity): string[] {
  const out = [pkg.name, id.name];
  if (id.namespace) out.push(`${id.namespace}/${id.name}`, `${id.namespace}:${id.name}`);
  return out;
}

function eqi(a: string | undefined, b: string | undefined): boolean {
  return (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
}

function purlMatches(q: PurlParts, pkg: Pick<Package, 'name' | 'purl' | 'type' | 'group' | 'version'>, id: PackageIdentity): boolean {
  if (!id.type || id.type !== q.type) return false;
  if (q.namespace && !eqi(q.namespace, id.namespace)) return false;
  if (!eqi(q.name, id.name)) return false;
  if (q.version) {
    try {
      if (compareVersions(id.scheme, pkg.version, q.version) !== 0) return false;
    } catch {
      if (pkg.version !== q.version) return false;
    }
  }
  if (q.qualifiers && Object.keys(q.qualifiers).length > 0) {
    const pq = (pkg.purl ? parsePurl(pkg.purl)?.qualifiers : undefined) ?? {};
    for (const [k, v] of Object.entries(q.qualifiers)) if (pq[k] !== v) return false;
  }
  return true;
}

function cpeFieldMatches(want: string, have: string): boolean {
  if (want === '*' || want === '-' && have === '-') return true;
  if (want.includes('*') || want.includes('?')) return picomatch.isMatch(have, want, { nocase: true });
  return want === have || want.replace(/_/g, '-') === have.replace(/_/g, '-');
}

function cpeMatches(q: CpeParts, cpes: readonly string[] | undefined): boolean {
  for (const c of cpes ?? []) {
    const p = parseCpe(c);
    if (!p) continue;
    if (q.part !== '*' && p.part !== '*' && q.part !== p.part) continue;
    if (!cpeFieldMatches(q.vendor, p.vendor) || !cpeFieldMatches(q.product, p.product)) continue;
    if (q.version !== '*' && q.version !== '-' && p.version !== '*' && q.version !== p.version) continue;
    return true;
  }
  return false;
}

export type MatchablePackage = Pick<Package, 'name' | 'version' | 'purl' | 'type' | 'group' | 'cpes'> & {
  /** The source package, when the caller knows it already (the index stores it); else read from `metadata`. */
  source?: string | undefined;
  metadata?: Package['metadata'];
};

/** The source package of a distro package (purl `upstream` qualifier or metadata), lower case. */
export function packageSource(pkg: MatchablePackage): string | undefined {
  if (pkg.source !== undefined) return pkg.source === '' ? undefined : pkg.source.toLowerCase();
  const p = pkg.purl ? parsePurl(pkg.purl) : undefined;
  return sourceNameOf(p?.type ?? pkg.type, p?.qualifiers?.upstream, pkg.metadata)?.toLowerCase();
}

/** PEP 503 normalised name: lower case, runs of '-', '_', '.' as one '-'. */
const pep503 = (n: string): string => n.toLowerCase().replace(/[-_.]+/g, '-');

/** Is `pkg` a candidate for an advisory: does an affected entry name it, or the source package it was built from? */
function isCandidate(q: CompiledQuery, pkg: MatchablePackage, id: PackageIdentity): boolean {
  for (const c of nameCandidates(pkg, id)) if (q.candidateNames!.has(c.toLowerCase())) return true;
  if (q.candidatePypi!.size > 0 && (q.candidatePypi!.has(pep503(pkg.name)) || q.candidatePypi!.has(pep503(id.name)))) return true;
  if (q.candidateSources!.size === 0) return false;
  const src = packageSource(pkg);
  return src !== undefined && q.candidateSources!.has(src);
}

/**
 * Does `pkg` match every given criterion? `onVersionError` hears about versions the package's
 * scheme cannot read (they never match a range).
 */
export function matchPackage(q: CompiledQuery, pkg: MatchablePackage, onVersionError?: (message: string) => void): boolean {
  const id = identityOf(pkg);
  if (q.candidateNames) return isCandidate(q, pkg, id);
  if (q.nameMatcher && !nameCandidates(pkg, id).some((c) => q.nameMatcher!(c))) return false;
  if (q.purl && !purlMatches(q.purl, pkg, id)) return false;
  if (q.cpe && !cpeMatches(q.cpe, pkg.cpes)) return false;
  const ranges = [q.purlRange, q.versionRange].filter((r): r is VersionRange => r !== undefined);
  for (const r of ranges) {
    if (pkg.version === '') return false;
    try {
      if (!satisfies(pkg.version, r, id.scheme)) return false;
    } catch (err) {
      onVersionError?.(`${pkg.name} ${pkg.version}: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  }
  return true;
}

/** What the byte pre-filter of a scan looks for (see query/prefilter.ts). */
export interface PrefilterNeedle {
  /** A literal fragment every matching file must contain, case-insensitively. */
  text: string;
  /** The fragment is a whole name (exact --name's last segment, --purl name), not part of a glob. */
  token: boolean;
}

/** Plain characters only, so JSON/XML escaping cannot hide them (files that escape such characters are parsed anyway). */
const safeNeedle = (s: string): boolean => /^[A-Za-z0-9._-]{3,}$/.test(s);

/**
 * Cheap pre-filter: a literal fragment that any matching file must contain (case-insensitively).
 * Only fragments of plain characters [A-Za-z0-9._-] are used, so JSON/XML escaping cannot hide them
 * (files that escape such characters are detected and parsed anyway, see `mayContain`).
 */
export function prefilterNeedle(q: CompiledQuery): PrefilterNeedle | undefined {
  const candidates: PrefilterNeedle[] = [];
  if (q.purl && safeNeedle(q.purl.name)) candidates.push({ text: q.purl.name, token: true });
  const name = q.options.name?.trim();
  if (name) {
    if (!GLOB_CHARS.test(name)) {
      // The name may also match as 'namespace/name' or 'ns:name': take the last segment.
      const last = name.split(/[/:]/).pop() ?? '';
      if (safeNeedle(last)) candidates.push({ text: last, token: true });
    } else if (!/[[\]{}()!+@]/.test(name)) {
      const parts = name.split(/[*?/:]/).filter(safeNeedle).sort((a, b) => b.length - a.length);
      if (parts[0]) candidates.push({ text: parts[0], token: false });
    }
  }
  return candidates.sort((a, b) => b.text.length - a.text.length)[0];
}

/**
 * Pre-filter needles of an advisory query: a file may hold a candidate only if it holds one of them. A name's
 * last segment is a whole-name token; a source package name is a fragment (it also appears in purl qualifiers
 * and metadata). Undefined when some name has no plain fragment: then every file is parsed.
 */
export function candidateNeedles(c: AdvisoryCandidates): PrefilterNeedle[] | undefined {
  const out = new Map<string, PrefilterNeedle>();
  for (const n of c.names) {
    const last = (n.split(/[/:]/).pop() ?? '').toLowerCase();
    if (!safeNeedle(last)) return undefined;
    out.set(`token:${last}`, { text: last, token: true });
  }
  for (const n of c.pypiNames) {
    // PyPI spells one name with '-', '_' or '.': the longest plain piece between them must be there.
    const piece = n.toLowerCase().split(/[^a-z0-9]+/).filter((x) => x.length >= 3).sort((a, b) => b.length - a.length)[0];
    if (piece === undefined) return undefined;
    out.set(`part:${piece}`, { text: piece, token: false });
  }
  for (const s of c.sources) {
    if (!safeNeedle(s)) return undefined;
    out.set(`part:${s.toLowerCase()}`, { text: s.toLowerCase(), token: false });
  }
  return [...out.values()];
}
