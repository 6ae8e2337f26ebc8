/**
 * How SBOM packages meet OSV ecosystems: purl type → OSV ecosystem family and package name,
 * distro releases, source packages, and which version ordering each family uses.
 * OSV ecosystem list: https://ossf.github.io/osv-schema/#affectedpackage-field
 */
import { parsePurl, type Ecosystem } from '../../core/ecosystem.js';
import type { LinuxRelease, Package } from '../../sbom/model.js';

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

/** Which version ordering a family uses (custody's per-ecosystem comparators). */
export function orderingOf(family: string): Ecosystem | undefined {
  switch (family) {
    case 'Maven':
      return 'maven';
    case 'npm':
      return 'npm';
    case 'PyPI':
      return 'pypi';
    case 'Go':
      return 'golang';
    case 'crates.io':
      return 'cargo';
    case 'RubyGems':
      return 'gem';
    case 'NuGet':
      return 'nuget';
    case 'Packagist':
      return 'composer';
    case 'Debian':
    case 'Ubuntu':
      return 'deb';
    case 'Alpine':
    case 'Wolfi':
    case 'Chainguard':
      return 'apk';
    case 'Red Hat':
    case 'AlmaLinux':
    case 'Rocky Linux':
    case 'openSUSE':
    case 'SUSE':
    case 'Mageia':
    case 'openEuler':
      return 'rpm';
    default:
      return undefined;
  }
}

/** Name as OSV compares it: PyPI names are PEP 503-normalised, NuGet names are case-insensitive. */
export function normaliseOsvName(family: string, name: string): string {
  if (family === 'PyPI') return name.toLowerCase().replace(/[-_.]+/g, '-');
  if (family === 'NuGet' || family === 'Packagist') return name.toLowerCase();
  return name;
}

/** What the matcher looks up for one package. */
export interface OsvQuery {
  family: string;
  /** Ecosystem ordering for ECOSYSTEM ranges. */
  ordering: Ecosystem;
  name: string;
  version: string;
  /** Source package (Debian source, Alpine origin, source RPM name), when the package names one. */
  sourceName?: string;
  /** Distro release of the package, e.g. '10', '3.18.4', '8.7'. */
  release?: string;
}

const DISTRO_FAMILY: Record<string, string> = {
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
  opensuse: 'openSUSE',
  'opensuse-leap': 'openSUSE',
  sles: 'SUSE',
  suse: 'SUSE',
  mageia: 'Mageia',
  openeuler: 'openEuler',
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
    switch (purl.type) {
      case 'maven':
        return ns ? { family: 'Maven', ordering: 'maven', name: `${ns}:${purl.name}`, version } : undefined;
      case 'npm':
        return { family: 'npm', ordering: 'npm', name: ns ? `${ns}/${purl.name}` : purl.name, version };
      case 'pypi':
        return { family: 'PyPI', ordering: 'pypi', name: purl.name, version };
      case 'golang':
        return { family: 'Go', ordering: 'golang', name: ns ? `${ns}/${purl.name}` : purl.name, version: version.replace(/^v/, '') };
      case 'cargo':
        return { family: 'crates.io', ordering: 'cargo', name: purl.name, version };
      case 'gem':
        return { family: 'RubyGems', ordering: 'gem', name: purl.name, version };
      case 'nuget':
        return { family: 'NuGet', ordering: 'nuget', name: purl.name, version };
      case 'composer':
        return { family: 'Packagist', ordering: 'composer', name: ns ? `${ns}/${purl.name}` : purl.name, version };
      case 'deb':
      case 'apk':
      case 'rpm': {
        const family = DISTRO_FAMILY[(ns || distro?.id || '').toLowerCase()] ?? DISTRO_FAMILY[(distro?.id ?? '').toLowerCase()];
        if (!family) return undefined;
        const ordering: Ecosystem = purl.type;
        // rpm purls carry the epoch as a qualifier; OSV versions spell it 'epoch:version'.
        const v = purl.type === 'rpm' && q.epoch && q.epoch !== '0' && !version.includes(':') ? `${q.epoch}:${version}` : version;
        const out: OsvQuery = { family, ordering, name: purl.name, version: v };
        const src = sourceNameOf(purl.type, q.upstream, pkg.metadata);
        if (src && src !== purl.name) out.sourceName = src;
        const release = releaseOf(q.distro) ?? distro?.versionId;
        if (release) out.release = release;
        return out;
      }
      default:
        return undefined;
    }
  }
  if (pkg.type === 'java-archive' && pkg.group) return { family: 'Maven', ordering: 'maven', name: `${pkg.group}:${pkg.name}`, version };
  if (pkg.type === 'npm') return { family: 'npm', ordering: 'npm', name: pkg.name, version };
  if (pkg.type === 'python') return { family: 'PyPI', ordering: 'pypi', name: pkg.name, version };
  if (pkg.type === 'rust-crate') return { family: 'crates.io', ordering: 'cargo', name: pkg.name, version };
  if (pkg.type === 'gem') return { family: 'RubyGems', ordering: 'gem', name: pkg.name, version };
  return undefined;
}

/** 'debian-10' → '10'; 'alpine-3.18.4' → '3.18.4'; 'rhel-8.7' → '8.7'; '3.10.2' → '3.10.2'. */
function releaseOf(distroQualifier: string | undefined): string | undefined {
  if (!distroQualifier) return undefined;
  const m = /(\d[\w.]*)$/.exec(distroQualifier);
  return m?.[1];
}

/** Source package from a purl `upstream` qualifier ('krb5', 'krb5@1.17', 'avahi-0.7-20.el8.src.rpm') or metadata. */
export function sourceNameOf(type: string, upstream: string | undefined, metadata: Record<string, unknown> | undefined): string | undefined {
  let src = upstream;
  if (!src && metadata) {
    for (const k of ['source', 'Source', 'sourcePackage', 'origin', 'originPackage', 'sourceRpm']) {
      const v = metadata[k];
      if (typeof v === 'string' && v !== '') {
        src = v;
        break;
      }
    }
  }
  if (!src) return undefined;
  if (type === 'rpm' && src.endsWith('.src.rpm')) {
    // name-version-release.src.rpm: the name is everything before the last two dashes.
    const base = src.slice(0, -'.src.rpm'.length);
    const parts = base.split('-');
    return parts.length >= 3 ? parts.slice(0, -2).join('-') : base;
  }
  return src.split(/[@ (]/)[0] || undefined;
}

/**
 * Does a package of release `release` fall under the OSV ecosystem `ecosystem`?
 * 'Debian:10' needs release 10; 'Alpine:v3.18' needs 3.18.x; 'AlmaLinux:8' needs 8.x; a bare family
 * matches every release. Unknown package release: `undefined` (the caller decides and says so).
 */
export function releaseMatches(ecosystem: string, release: string | undefined): boolean | undefined {
  const want = ecosystemRelease(ecosystem);
  if (want === '') return true;
  if (release === undefined) return undefined;
  const family = ecosystemFamily(ecosystem);
  if (family === 'Alpine') {
    const m = /^v?(\d+)\.(\d+)/.exec(want);
    const r = /^v?(\d+)\.(\d+)/.exec(release);
    return m !== null && r !== null && m[1] === r[1] && m[2] === r[2];
  }
  if (family === 'Ubuntu') return want.split(':').includes(release.split(' ')[0] ?? release);
  const major = /^(\d+)/.exec(release)?.[1];
  if (major === undefined) return false;
  if (family === 'Debian') return want === major || want === release;
  // Red Hat style 'enterprise_linux:8::appstream', AlmaLinux:8, Rocky Linux:9, SUSE:...:15: any numeric part.
  return want.split(/[^0-9.]+/).some((part) => part !== '' && (part === major || part === release || part.split('.')[0] === major));
}
