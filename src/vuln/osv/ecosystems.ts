/**
 * How SBOM packages meet OSV ecosystems: purl type → OSV ecosystem family and package name,
 * distro releases (and their channels: Ubuntu Pro, RPM module streams), source packages, and which
 * version ordering each family uses.
 * OSV ecosystem list: https://ossf.github.io/osv-schema/#affectedpackage-field
 * (osv-schema's ecosystems.txt; osv.dev exports one bucket directory per family:
 * https://google.github.io/osv.dev/data/#data-dumps)
 */
import { parsePurl, sourceNameOf, type Ecosystem } from '../../core/ecosystem.js';
import type { LinuxRelease, Package } from '../../sbom/model.js';
import { moduleStream } from './record.js';

/** The family of an OSV ecosystem string: 'Debian:10' → 'Debian', 'Alpine:v3.18' → 'Alpine'. */
export function ecosystemFamily(ecosystem: string): string {
  const i = ecosystem.indexOf(':');
  return i < 0 ? ecosystem : ecosystem.slice(0, i);
}

/** The release part of an OSV ecosystem string ('10', 'v3.18', 'enterprise_linux:8::appstream'), or ''. */
export function ecosystemRelease(ecosystem: string): string {
  const i = ecosystem.indexOf(':');
  return i < 0 ? '' : ecosystem.slice(i + 1);
}

/** A version ordering: one of custody's per-ecosystem comparators, or plain SemVer 2.0. */
export type Ordering = Ecosystem | 'semver';

/**
 * Every family custody matches and the ordering its ECOSYSTEM ranges use. Hex, Pub and Bitnami
 * versions are SemVer (osv-scalibr's semantic package orders them the same way).
 */
const FAMILY_ORDERING: Readonly<Record<string, Ordering>> = {
  Maven: 'maven',
  npm: 'npm',
  PyPI: 'pypi',
  Go: 'golang',
  'crates.io': 'cargo',
  RubyGems: 'gem',
  NuGet: 'nuget',
  Packagist: 'composer',
  Hex: 'semver',
  Pub: 'semver',
  Bitnami: 'semver',
  Debian: 'deb',
  Ubuntu: 'deb',
  Alpine: 'apk',
  Wolfi: 'apk',
  Chainguard: 'apk',
  'Red Hat': 'rpm',
  AlmaLinux: 'rpm',
  'Rocky Linux': 'rpm',
  openSUSE: 'rpm',
  SUSE: 'rpm',
  Mageia: 'rpm',
  openEuler: 'rpm',
  CRAN: 'cran',
  ConanCenter: 'conan',
  SwiftURL: 'semver',
  'GitHub Actions': 'github',
  Julia: 'semver',
  Hackage: 'hackage',
  opam: 'opam',
};

/** Which version ordering a family uses; undefined for families custody does not match. */
export function orderingOf(family: string): Ordering | undefined {
  return Object.hasOwn(FAMILY_ORDERING, family) ? FAMILY_ORDERING[family] : undefined;
}

/** Is this an ecosystem (or family) custody can match packages against? */
export function isMatchedEcosystem(ecosystem: string): boolean {
  return orderingOf(ecosystemFamily(ecosystem)) !== undefined;
}

/** The osv.dev bucket directories `custody vulndb update` fetches when asked for nothing in particular. */
export const MATCHED_FAMILIES: readonly string[] = Object.keys(FAMILY_ORDERING);

/** Name as OSV compares it: PyPI names are PEP 503-normalised; NuGet, Packagist, Hex and Pub names are case-insensitive. */
export function normaliseOsvName(family: string, name: string): string {
  if (family === 'PyPI') return name.toLowerCase().replace(/[-_.]+/g, '-');
  if (family === 'NuGet' || family === 'Packagist' || family === 'Hex' || family === 'Pub') return name.toLowerCase();
  // SwiftURL names are repository URLs without scheme (github.com/apple/swift-nio): hosts and GitHub paths ignore case
  if (family === 'SwiftURL') return name.toLowerCase();
  // GitHub Actions names are owner/repo, and GitHub ignores their case
  if (family === 'GitHub Actions') return name.toLowerCase();
  return name;
}

/** What the matcher looks up for one package. */
export interface OsvQuery {
  family: string;
  /** Ordering for ECOSYSTEM ranges. */
  ordering: Ordering;
  name: string;
  version: string;
  /** Source package (Debian source, Alpine origin, source RPM name), when the package names one. */
  sourceName?: string;
  /**
   * Distro release of the package as the family's ecosystem strings spell it: '12' (Debian), '3.18.4'
   * (Alpine), '22.04' (Ubuntu), '8.7' (RHEL, AlmaLinux, Rocky), '15.5' (SLES), 'Leap 15.5' /
   * 'Tumbleweed' (openSUSE).
   */
  release?: string;
  /** RPM module stream ('nodejs:18') of a package built in a module; '?' when modular but the label is unknown. */
  module?: string;
}

const DISTRO_FAMILY: Readonly<Record<string, string>> = {
  debian: 'Debian',
  ubuntu: 'Ubuntu',
  alpine: 'Alpine',
  wolfi: 'Wolfi',
  chainguard: 'Chainguard',
  redhat: 'Red Hat',
  rhel: 'Red Hat',
  almalinux: 'AlmaLinux',
  alma: 'AlmaLinux',
  rocky: 'Rocky Linux',
  'rocky-linux': 'Rocky Linux',
  opensuse: 'openSUSE',
  'opensuse-leap': 'openSUSE',
  'opensuse-tumbleweed': 'openSUSE',
  'opensuse-leap-micro': 'openSUSE',
  sles: 'SUSE',
  sled: 'SUSE',
  'sle-micro': 'SUSE',
  'sles_sap': 'SUSE',
  suse: 'SUSE',
  mageia: 'Mageia',
  openeuler: 'openEuler',
};

/** Purl types whose OSV package name is the purl's name alone, and their OSV family (its ordering: FAMILY_ORDERING). */
const NAME_ONLY_FAMILY: Readonly<Record<string, string>> = {
  cargo: 'crates.io',
  gem: 'RubyGems',
  nuget: 'NuGet',
  hex: 'Hex',
  pub: 'Pub',
  cran: 'CRAN',
  julia: 'Julia',
  hackage: 'Hackage',
  opam: 'opam',
};

/**
 * The OSV query for a package, from its purl (preferred) or its type; undefined when the package
 * has no ecosystem OSV covers (binaries, unknown types).
 */
export function osvQueryOf(pkg: Package, distro: LinuxRelease | undefined): OsvQuery | undefined {
  const purl = pkg.purl ? parsePurl(pkg.purl) : undefined;
  const version = purl?.version ?? pkg.version;
  if (!version) return undefined;
  if (purl) {
    const ns = purl.namespace ?? '';
    const q = purl.qualifiers ?? {};
    const family = Object.hasOwn(NAME_ONLY_FAMILY, purl.type) ? NAME_ONLY_FAMILY[purl.type]! : undefined;
    const ordering = family === undefined ? undefined : orderingOf(family);
    if (family !== undefined && ordering !== undefined) return { family, ordering, name: purl.name, version };
    switch (purl.type) {
      case 'maven':
        return ns ? { family: 'Maven', ordering: 'maven', name: `${ns}:${purl.name}`, version } : undefined;
      case 'npm':
        return { family: 'npm', ordering: 'npm', name: ns ? `${ns}/${purl.name}` : purl.name, version };
      case 'pypi':
        return { family: 'PyPI', ordering: 'pypi', name: purl.name, version };
      case 'golang': {
        const name = ns ? `${ns}/${purl.name}` : purl.name;
        // The standard library is versioned by the toolchain ('go1.21.3' in syft's SBOMs, '1.21.3' in OSV).
        const v = name === 'stdlib' ? version.replace(/^go(?=\d)/, '') : version.replace(/^v/, '');
        return { family: 'Go', ordering: 'golang', name, version: v };
      }
      case 'composer':
        return { family: 'Packagist', ordering: 'composer', name: ns ? `${ns}/${purl.name}` : purl.name, version };
      case 'swift':
        // OSV names a Swift package by its repository URL without scheme; a purl's namespace is that URL's host and owner
        return { family: 'SwiftURL', ordering: 'semver', name: ns ? `${ns}/${purl.name}` : purl.name, version };
      case 'bitnami':
        // Bitnami's own package revision ('17.2.0-8') is not a SemVer pre-release: OSV ranges are upstream versions.
        return { family: 'Bitnami', ordering: 'semver', name: purl.name, version: version.replace(/-\d+$/, '') };
      case 'conan':
        // a reference with a user or channel comes from another remote than ConanCenter
        return ns === '' && q.channel === undefined ? { family: 'ConanCenter', ordering: 'conan', name: purl.name, version } : undefined;
      case 'github':
        // OSV names an action by its repository, owner/repo (an action in a sub-directory is part of it)
        return ns ? { family: 'GitHub Actions', ordering: 'github', name: `${ns}/${purl.name}`, version } : undefined;
      case 'deb':
      case 'apk':
      case 'rpm':
        return distroQuery(pkg, purl.type, ns, purl.name, version, q, distro);
      default:
        return undefined;
    }
  }
  if (pkg.type === 'java-archive' && pkg.group) return { family: 'Maven', ordering: 'maven', name: `${pkg.group}:${pkg.name}`, version };
  if (pkg.type === 'npm') return { family: 'npm', ordering: 'npm', name: pkg.name, version };
  if (pkg.type === 'python') return { family: 'PyPI', ordering: 'pypi', name: pkg.name, version };
  if (pkg.type === 'rust-crate') return { family: 'crates.io', ordering: 'cargo', name: pkg.name, version };
  if (pkg.type === 'gem') return { family: 'RubyGems', ordering: 'gem', name: pkg.name, version };
  if (pkg.type === 'dart-pub') return { family: 'Pub', ordering: 'semver', name: pkg.name, version };
  return undefined;
}

function distroQuery(
  pkg: Package,
  type: 'deb' | 'apk' | 'rpm',
  ns: string,
  name: string,
  version: string,
  q: Record<string, string>,
  distro: LinuxRelease | undefined,
): OsvQuery | undefined {
  const qualifierDistro = parseDistroQualifier(q.distro);
  const distroId = (qualifierDistro?.id ?? distro?.id ?? '').toLowerCase();
  const family = DISTRO_FAMILY[ns.toLowerCase()] ?? DISTRO_FAMILY[distroId] ?? DISTRO_FAMILY[(distro?.id ?? '').toLowerCase()];
  if (!family) return undefined;
  // rpm and deb purls carry the epoch as a qualifier (purl spec); OSV versions spell it 'epoch:version'.
  const v = type !== 'apk' && q.epoch && q.epoch !== '0' && !version.includes(':') ? `${q.epoch}:${version}` : version;
  const out: OsvQuery = { family, ordering: type, name, version: v };
  const src = sourceNameOf(type, q.upstream, pkg.metadata);
  if (src && src !== name) out.sourceName = src;
  const release = releaseFor(family, distroId, qualifierDistro?.version ?? distro?.versionId);
  if (release) out.release = release;
  if (type === 'rpm') {
    const label = typeof pkg.metadata?.modularityLabel === 'string' ? pkg.metadata.modularityLabel : typeof pkg.metadata?.ModularityLabel === 'string' ? pkg.metadata.ModularityLabel : q.rpmmod;
    const module = moduleStream(label);
    if (module) out.module = module;
    // Built in a module ('.module+el8.9.0+…', '.module_el8…') but the SBOM does not say which: match every stream.
    else if (/\.module[+_]/.test(version)) out.module = '?';
  }
  return out;
}

/** 'debian-12' → {id: debian, version: 12}; 'opensuse-leap-15.5' → {opensuse-leap, 15.5}; '3.10.2' → {version}; 'bookworm' → {version: bookworm}. */
function parseDistroQualifier(d: string | undefined): { id?: string; version?: string } | undefined {
  if (!d) return undefined;
  const m = /^(.*?)-?(v?\d[\w.]*)$/.exec(d);
  if (m) return { ...(m[1] ? { id: m[1] } : {}), version: m[2]!.replace(/^v(?=\d)/, '') };
  return /^[a-z]+$/i.test(d) ? { version: d } : undefined;
}

/** Debian and Ubuntu code names as the distro qualifier may give them (osv-scalibr's tables). */
const CODENAMES: Readonly<Record<string, string>> = {
  buster: '10',
  bullseye: '11',
  bookworm: '12',
  trixie: '13',
  forky: '14',
  bionic: '18.04',
  focal: '20.04',
  jammy: '22.04',
  noble: '24.04',
  oracular: '24.10',
  plucky: '25.04',
};

/** The release key a family's ecosystem strings are compared with. */
function releaseFor(family: string, distroId: string, version: string | undefined): string | undefined {
  if (family === 'openSUSE') {
    if (distroId.includes('tumbleweed')) return 'Tumbleweed';
    if (!version) return undefined;
    return distroId.includes('micro') ? `Leap Micro ${version}` : `Leap ${version}`;
  }
  if (!version) return undefined;
  return CODENAMES[version.toLowerCase()] ?? version;
}

/** Source package of a distro package (one implementation, shared with `sbom query`'s advisory candidates). */
export { sourceNameOf } from '../../core/ecosystem.js';

/**
 * Does a package of release `release` fall under the OSV ecosystem `ecosystem`? A bare family matches
 * every release. Unknown package release: `undefined` (the caller decides and says so).
 * - Debian 'Debian:12': the major release. Alpine 'Alpine:v3.18': 3.18.x ('edge' for edge).
 * - Ubuntu 'Ubuntu:22.04:LTS' / 'Ubuntu:23.10': the release; 'Ubuntu:Pro:…' only for packages from
 *   ESM (version has '+esm'); 'Ubuntu:Pro:FIPS…' only for FIPS builds (version has 'fips').
 * - Red Hat 'Red Hat:enterprise_linux:8::appstream': RHEL's own product, same major (EUS/AUS/E4S
 *   streams and layered products such as OpenShift are other repositories and never match an
 *   image's OS packages). AlmaLinux:8, Rocky Linux:9, Mageia:9: same major.
 * - SUSE 'SUSE:Linux Enterprise Server 15 SP5' ↔ 15.5 ('15' alone is SP0); openSUSE 'openSUSE:Leap 15.5',
 *   'openSUSE:Tumbleweed' ↔ the same label. openEuler: the release prefix ('24.03' ↔ '24.03-LTS-SP1').
 */
export function releaseMatches(ecosystem: string, release: string | undefined, version?: string): boolean | undefined {
  const want = ecosystemRelease(ecosystem);
  if (want === '') return true;
  if (release === undefined) return undefined;
  const family = ecosystemFamily(ecosystem);
  switch (family) {
    case 'Alpine': {
      if (want === 'edge' || release === 'edge') return want === release;
      const m = /^v?(\d+)\.(\d+)/.exec(want);
      const r = /^v?(\d+)\.(\d+)/.exec(release);
      return m !== null && r !== null && m[1] === r[1] && m[2] === r[2];
    }
    case 'Ubuntu': {
      const parts = want.split(':');
      const at = parts.findIndex((p) => /^\d+\.\d+$/.test(p));
      if (at < 0 || parts[at] !== release.split(' ')[0]) return false;
      if (parts[0] !== 'Pro') return true;
      const variant = parts.slice(1, at).join(':').toLowerCase();
      const v = (version ?? '').toLowerCase();
      return variant === '' ? v.includes('esm') : variant.startsWith('fips') ? v.includes('fips') : false;
    }
    case 'Debian': {
      const major = /^(\d+)/.exec(release)?.[1];
      return major !== undefined && (want === major || want === release);
    }
    case 'Red Hat': {
      const [product, ver] = want.split(':');
      const major = /^(\d+)/.exec(release)?.[1];
      return product === 'enterprise_linux' && major !== undefined && /^(\d+)/.exec(ver ?? '')?.[1] === major;
    }
    case 'SUSE': {
      const w = suseVersion(want);
      const r = /^(\d+)(?:\.(\d+))?/.exec(release);
      return w !== undefined && r !== null && w.major === r[1] && w.minor === (r[2] ?? '0');
    }
    case 'openSUSE':
      return want.toLowerCase() === release.toLowerCase();
    case 'openEuler':
      return want === release || want.startsWith(`${release}-`);
    default: {
      // AlmaLinux:8, Rocky Linux:9, Mageia:9, and any other 'Family:N' ecosystem: the major release.
      const major = /^(\d+)/.exec(release)?.[1];
      return major !== undefined && /^(\d+)/.exec(want)?.[1] === major;
    }
  }
}

/** 'Linux Enterprise Server 15 SP5' → 15/5; 'Linux Enterprise Micro 5.5' → 5/5; '… 15' → 15/0. */
function suseVersion(product: string): { major: string; minor: string } | undefined {
  const sp = /(\d+)(?: SP(\d+))?$/.exec(product);
  const dotted = /(\d+)\.(\d+)$/.exec(product);
  if (dotted) return { major: dotted[1]!, minor: dotted[2]! };
  return sp ? { major: sp[1]!, minor: sp[2] ?? '0' } : undefined;
}

/**
 * Does an affected entry's module stream apply to the package? An entry without a stream applies to
 * every build; an entry for a stream only to packages of that stream (a package from module
 * 'nodejs:18' never matches an advisory for 'nodejs:20'), or to a modular package whose stream the
 * SBOM does not name ('?'), so nothing is missed for want of a label. An entry for a module build
 * whose stream is unknown ('?') applies to every modular package.
 */
export function moduleMatches(entryModule: string | undefined, packageModule: string | undefined): boolean {
  if (entryModule === undefined) return true;
  if (packageModule === undefined) return false;
  return packageModule === '?' || entryModule === '?' || packageModule === entryModule;
}
