/**
 * An installed RPM package from its header, with the identity RHEL-family tools expect:
 * version `[epoch:]version-release` (epoch 0 written as none, as rpm -q and the rpm version comparison
 * treat it), and the purl syft writes (purl-spec PURL-TYPES "rpm": the epoch is a qualifier, kept when
 * the header has one, 0 included; namespace = the os-release ID, `rhel` as `redhat` and the openSUSE
 * flavours as `opensuse`; qualifiers in canonical (sorted) order:
 * `pkg:rpm/<ns>/<name>@<version>-<release>?arch=…&distro=<id>-<version_id>&epoch=<n>&upstream=<srpm>`).
 */
import { buildPurl } from '../../core/ecosystem.js';
import { normalizeLicense } from '../../core/license.js';
import { packageId } from '../../sbom/ids.js';
import type { LinuxRelease, Location, Package } from '../../sbom/model.js';
import { distroQualifier } from '../os-release.js';
import { RPMTAG, type RpmHeader } from './header.js';

/** "glibc-2.34-100.el9.src.rpm" → "glibc" (name of the source RPM: drop version-release.arch.rpm). */
export function sourceRpmName(sourceRpm: string): string | undefined {
  const m = /^(.+)-[^-]+-[^-]+\.(?:src|nosrc)\.rpm$/.exec(sourceRpm);
  return m?.[1];
}

/** The purl namespace for a distro, as syft writes it (its redhat cataloger's packageURL). */
export function rpmNamespace(distro: LinuxRelease | undefined): string {
  const id = distro?.id;
  if (id === undefined || id === '') return 'redhat';
  if (id === 'rhel') return 'redhat';
  if (id.startsWith('opensuse')) return 'opensuse';
  return id;
}

/** `[epoch:]version-release`, the way rpm and the RHEL tools print it (epoch 0 as none). */
export function rpmVersionString(epoch: number | undefined, version: string, release: string | undefined): string {
  return `${epoch !== undefined && epoch > 0 ? `${epoch}:` : ''}${version}${release ? `-${release}` : ''}`;
}

export type RpmPackageResult = { package: Package } | { skip: 'pubkey' } | { error: string };

/** What custody reports of an installed rpm, from a header or from a line of an rpm manifest. */
export interface RpmFields {
  name: string;
  version: string;
  release?: string | undefined;
  epoch?: number | undefined;
  arch?: string | undefined;
  sourceRpm?: string | undefined;
  license?: string | undefined;
  size?: number | undefined;
  modularityLabel?: string | undefined;
  sigmd5?: string | undefined;
  summary?: string | undefined;
  vendor?: string | undefined;
}

/** The package these fields describe, with the identity and purl of the module comment. */
export function rpmPackageOf(f: RpmFields, location: Location, distro: LinuxRelease | undefined): Package {
  const { name, version, release, epoch, arch, sourceRpm, license } = f;
  const dq = distroQualifier(distro);
  const purl = buildPurl({
    type: 'rpm',
    namespace: rpmNamespace(distro),
    name,
    version: `${version}${release ? `-${release}` : ''}`,
    qualifiers: {
      arch: arch ?? '',
      ...(epoch !== undefined ? { epoch: String(epoch) } : {}),
      ...(dq ? { distro: dq } : {}),
      ...(sourceRpm ? { upstream: sourceRpm } : {}),
    },
  });
  const metadata: Record<string, unknown> = { release: release ?? '' };
  if (epoch !== undefined) metadata.epoch = epoch;
  if (arch) metadata.architecture = arch;
  if (sourceRpm) {
    metadata.sourceRpm = sourceRpm;
    const src = sourceRpmName(sourceRpm);
    if (src) metadata.source = src;
  }
  if (f.size !== undefined) metadata.size = f.size;
  if (f.modularityLabel) metadata.modularityLabel = f.modularityLabel;
  if (f.sigmd5 !== undefined) metadata.sigmd5 = f.sigmd5;
  const pkg: Package = {
    id: '',
    name,
    version: rpmVersionString(epoch, version, release),
    type: 'rpm',
    purl,
    licenses: license !== undefined && license.trim() !== '' ? [normalizeLicense(license)] : [],
    locations: [{ ...location }],
    foundBy: ['rpm-db-cataloger'],
    metadata,
  };
  if (f.summary) pkg.description = f.summary;
  if (f.vendor) pkg.supplier = f.vendor;
  pkg.id = packageId(pkg);
  return pkg;
}

/**
 * The package a header describes. `gpg-pubkey` headers (imported signing keys rpm keeps as
 * pseudo-packages) are skipped; a header without a name or version is an error (corruption).
 */
export function rpmPackage(h: RpmHeader, location: Location, distro: LinuxRelease | undefined): RpmPackageResult {
  const name = h.string(RPMTAG.NAME);
  const version = h.string(RPMTAG.VERSION);
  if (name === undefined || name === '' || version === undefined || version === '') return { error: 'no name or version' };
  if (name === 'gpg-pubkey') return { skip: 'pubkey' };
  const sigmd5 = h.bin(RPMTAG.SIGMD5);
  const fields: RpmFields = {
    name,
    version,
    release: h.string(RPMTAG.RELEASE),
    epoch: h.int(RPMTAG.EPOCH),
    arch: h.string(RPMTAG.ARCH),
    sourceRpm: h.string(RPMTAG.SOURCERPM),
    license: h.string(RPMTAG.LICENSE),
    size: h.int(RPMTAG.LONGSIZE) ?? h.int(RPMTAG.SIZE),
    modularityLabel: h.string(RPMTAG.MODULARITYLABEL),
    sigmd5: sigmd5 !== undefined && sigmd5.length === 16 ? sigmd5.toString('hex') : undefined,
    summary: h.string(RPMTAG.SUMMARY),
    vendor: h.string(RPMTAG.VENDOR),
  };
  return { package: rpmPackageOf(fields, location, distro) };
}
