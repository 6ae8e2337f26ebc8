import type { DeclaredCompleteness, Incomplete } from '../core/incomplete.js';

/**
 * custody's own SBOM model: every source (native catalogers, syft, trivy, any SBOM file) is mapped
 * into it, and every output format is written from it. `-o json` prints it as is (README "Model").
 */

/** Where a package was found. Nested archives use `!/`: '/opt/app/app.war!/WEB-INF/lib/x.jar'. */
export interface Location {
  path: string;
  /** Digest of the layer the file came from (images only). */
  layer?: string;
}

export type PackageType =
  | 'deb'
  | 'apk'
  | 'rpm'
  | 'java-archive'
  | 'npm'
  | 'python'
  | 'go-module'
  | 'rust-crate'
  | 'gem'
  | 'php-composer'
  | 'php-pear'
  | 'dotnet'
  | 'binary'
  | 'unknown'
  | 'alpm'
  | 'conda'
  | 'r-package'
  | 'conan'
  | 'dart-pub'
  | 'hex'
  | 'swift'
  | 'cocoapods'
  | 'bitnami'
  | 'portage'
  | 'github-action'
  | 'terraform'
  | 'lua-rocks'
  | 'julia'
  | 'hackage'
  | 'opam'
  | 'wordpress'
  | 'swiplpack'
  | 'apple-app-bundle'
  | 'model'
  | 'homebrew'
  | 'nix'
  | 'linux-kernel'
  | 'linux-kernel-module'
  | 'vcpkg';

export interface Package {
  /** Stable id, derived from purl/name/version/location (never random). */
  id: string;
  name: string;
  version: string;
  type: PackageType;
  purl?: string;
  cpes?: string[];
  /** SPDX expressions where normalisable; otherwise the text as found. */
  licenses: string[];
  locations: Location[];
  /** Catalogers or engines that reported this package (e.g. 'dpkg-db-cataloger', 'trivy'). */
  foundBy: string[];
  /** Checksums keyed by algorithm: { 'SHA-1': '...' }. */
  hashes?: Record<string, string>;
  /** CycloneDX group / Maven groupId where relevant. */
  group?: string;
  supplier?: string;
  description?: string;
  /** With --scope all-layers: a later layer deleted this package. */
  deleted?: boolean;
  /** Anything else worth keeping; engine fields that do not map land here. */
  metadata?: Record<string, unknown>;
}

/**
 * `owns`: `from` is an OS package (dpkg/rpm/apk) whose file list holds files of `to`, a language
 * package (syft's ownership-by-file-overlap): the distro's advisories apply to it, not the language
 * ecosystem's (issue 19).
 */
export type RelationshipType = 'depends-on' | 'contains' | 'dev-depends-on' | 'describes' | 'owns';

export interface Relationship {
  from: string;
  to: string;
  type: RelationshipType;
}

export interface LinuxRelease {
  id: string;
  versionId?: string;
  versionCodename?: string;
  prettyName?: string;
  idLike?: string[];
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface LayerDescription {
  digest: string;
  mediaType?: string;
  size?: number;
  /** Digest of the uncompressed layer (config rootfs.diff_ids). */
  diffId?: string;
}

/** What an SBOM describes: an image (with its identity) or a directory/file. */
export interface SourceDescription {
  kind: 'image' | 'directory' | 'file' | 'unknown';
  /** What the user typed, or the SBOM's document name. */
  name: string;
  /** 'oci-dir' | 'oci-archive' | 'docker-archive' | 'registry' | 'dir' | 'sbom' */
  transport?: string;
  manifestDigest?: string;
  configDigest?: string;
  /** Full references ('registry/repo:tag'); an OCI layout's bare ref name ('latest') is `refName`, not a tag. */
  repoTags?: string[];
  repoDigests?: string[];
  /**
   * An OCI layout's `org.opencontainers.image.ref.name` when it is not a full reference ('latest', '1.0'):
   * it names the entry inside that layout, not the image, so it never names the subject on its own.
   */
  refName?: string;
  platform?: Platform;
  layers?: LayerDescription[];
}

export interface ToolInfo {
  name: string;
  version: string;
  vendor?: string;
}

export interface Sbom {
  subject: SourceDescription;
  distro?: LinuxRelease;
  packages: Package[];
  relationships: Relationship[];
  tools: ToolInfo[];
  /** Source document metadata when the SBOM was read from a file. */
  document?: { format: string; specVersion?: string; name?: string; serialNumber?: string; created?: string };
  /**
   * What could not be read while this SBOM was made (generation), or what the document lists as not
   * read (custody's own documents carry the list). Empty or absent: nothing known to be missing.
   */
  incomplete?: Incomplete[];
  /**
   * What the document declares about its own completeness: custody writes `incomplete` when
   * `incomplete` is non-empty and `complete` otherwise; decoders read the declaration back
   * (`not-declared` when the document says nothing: the norm for third-party SBOMs, not incomplete).
   */
  completeness?: DeclaredCompleteness;
}
