import type { Incomplete } from '../core/incomplete.js';

/**
 * One finding model for every engine (grype, trivy, osv-scanner reports and the native OSV matcher).
 * `custody scan -o json` prints `ScanResult` as documented in docs/readme/scan.md ("JSON schema").
 */

/** Severity buckets, most severe first. `unknown` is the "unscored" bucket: no vector and no vendor label. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Rank for comparisons: higher is more severe; `unknown` ranks 0 and is handled by the gate explicitly. */
export function severityRank(s: Severity): number {
  switch (s) {
    case 'critical':
      return 5;
    case 'high':
      return 4;
    case 'medium':
      return 3;
    case 'low':
      return 2;
    case 'negligible':
      return 1;
    case 'unknown':
      return 0;
  }
}

/** Which engine produced a finding; 'cyclonedx' for CycloneDX vulnerability reports of unknown origin. */
export type EngineName = 'osv' | 'grype' | 'trivy' | 'osv-scanner' | 'cyclonedx';

/** A CVSS vector as found, with the score we computed (ae-cvss-calculator). */
export interface CvssScore {
  /** '2.0' | '3.0' | '3.1' | '4.0' */
  version: string;
  vector: string;
  /** Base score computed by custody; undefined when the vector is malformed. */
  score?: number;
  /** Who published it (nvd, redhat, ghsa, the OSV record itself...). */
  source?: string;
}

export interface FindingSeverity {
  level: Severity;
  /** Score behind `level` when it came from a vector. */
  score?: number;
  /** What decided `level`: a scored vector, the vendor's label, or nothing (unscored). */
  basis: 'cvss' | 'vendor' | 'none';
  /** The vendor's own label as written (e.g. Debian 'Negligible', GHSA 'MODERATE'), kept verbatim. */
  vendor?: string;
  cvss: CvssScore[];
}

export type FixState = 'fixed' | 'not-fixed' | 'wont-fix' | 'unknown';

export interface FindingPackage {
  name: string;
  version: string;
  /** 'deb', 'npm', 'java-archive'... as the engine names it. */
  type?: string;
  purl?: string;
  /** Where the package was found: paths inside the image or directory ('/opt/app/app.war!/WEB-INF/lib/x.jar'). */
  locations: string[];
  /** Digest of the layer of each location, where the SBOM records it (same order as `locations`; '' when unknown). */
  layers?: string[];
  /** With --scope all-layers SBOMs: a later layer deleted the package (such findings are left out unless --include-deleted). */
  deleted?: boolean;
}

/** How the engine tied the advisory to the package. */
export interface MatchEvidence {
  /** 'purl-range' (OSV / ecosystem ranges), 'cpe', 'distro-package', 'explicit-version'. */
  kind: 'purl-range' | 'cpe' | 'distro-package' | 'explicit-version' | 'unknown';
  /** The constraint or range that matched, e.g. '>=2.4 <2.12.2 (ECOSYSTEM)' or '< 0:0.7-21.el8_9.1 (rpm)'. */
  constraint?: string;
  /** The CPE that matched, for CPE matches. */
  cpe?: string;
  /** Source package the advisory names, when matched through it (distro packages). */
  sourcePackage?: string;
  /** Advisory namespace / data source (e.g. 'debian:10', 'nvd:cpe', OSV ecosystem 'Maven'). */
  namespace?: string;
  matcher?: string;
}

export interface Finding {
  /** Stable key: `${id}|${package.purl ?? name@version}|${first location}`. */
  key: string;
  /** Advisory id as the engine reported it (CVE-…, GHSA-…, DSA-…). */
  id: string;
  /** Other ids for the same vulnerability (CVE ⇄ GHSA ...), sorted, without `id`. */
  aliases: string[];
  package: FindingPackage;
  /** Versions that fix it (empty when none is known). */
  fixedVersions: string[];
  fixState: FixState;
  severity: FindingSeverity;
  engine: EngineName;
  evidence: MatchEvidence[];
  title?: string;
  urls: string[];
  /** Engine-specific fields that do not map (EPSS, trivy Fingerprint, grype matcher...). */
  properties: Record<string, unknown>;
}

/** Why a finding does not count towards the gate. */
export interface Suppression {
  by: 'ignore' | 'vex' | 'only-fixed';
  /** The ignore rule's reason, or the VEX status/justification. */
  reason: string;
  /** The ignore file or VEX document that did it. */
  source?: string;
}

export interface SuppressedFinding {
  finding: Finding;
  suppression: Suppression;
}

/** The image (or directory) an SBOM describes, as reports name it: image → path → package@version. */
export interface ScanSubject {
  kind: 'image' | 'directory' | 'file' | 'unknown';
  /** As recorded: what the user typed, or the SBOM's document name. */
  name: string;
  /** How a responder reads it: registry reference or repo tag, else the path and OCI ref name. */
  label: string;
  digest?: string;
  tags?: string[];
}

export interface ScanTarget {
  /** 'image' | 'sbom' | 'report' */
  kind: 'image' | 'sbom' | 'report';
  name: string;
  /** What the scanned SBOM or image describes (native OSV engine; tools' reports do not say). */
  subject?: ScanSubject;
  /** Detected report / SBOM format, e.g. 'grype-json', 'trivy-json', 'cyclonedx-json'. */
  format?: string;
  distro?: string;
}

/** One dataset of the vulnerability data a native scan used. */
export interface VulnDataSet {
  /** 'Maven', 'Debian' (osv.dev directory / ecosystem family), or the --osv-db path. */
  name: string;
  records: number;
  /** When it was downloaded (cache datasets from `vulndb update`). */
  fetchedAt?: string;
  /** Newest record `modified` (the age of data without a fetch time: `vulndb import`, `--osv-db`). */
  newestModified?: string;
  /** 'download' | 'import' | 'osv-db'. */
  origin: 'download' | 'import' | 'osv-db';
  /** Where it came from (URL without credentials, or a path). */
  source: string;
}

/** Which vulnerability data a native scan used, and how old it is (README "custody scan": data and coverage). */
export interface VulnData {
  /** 'cache': the local database (`custody vulndb`); 'osv-db': `--osv-db PATH`. */
  kind: 'cache' | 'osv-db';
  /** The cache directory, or the --osv-db path. */
  location: string;
  /** The cache generation read. */
  generation?: string;
  /** The datasets the scan read (only those its packages needed; all for --osv-db). */
  datasets: VulnDataSet[];
  /** Records in the datasets read. */
  records: number;
  /** The moment the data is current as of: the oldest fetch of the datasets read, else their newest record. */
  asOf?: string;
  /** How `asOf` was decided. */
  asOfBasis: 'fetched' | 'newest-record' | 'unknown';
  /** now - asOf, in seconds. */
  ageSeconds?: number;
  /** The age over which the data is stale, in seconds, and whether the threshold was given explicitly. */
  maxAgeSeconds: number;
  maxAgeExplicit: boolean;
  stale: boolean;
}

/** How much of an SBOM's ecosystem (or distro release, or package kind) the data covers. */
export interface CoverageEntry {
  /** 'npm', 'Maven', 'Debian 12', 'Ubuntu 22.04', or a kind OSV has no ecosystem for ('binary (runtime)', 'rpm (centos)'). */
  ecosystem: string;
  packages: number;
  /** Records the data has for it. */
  records: number;
  /** False: its packages were not checked ("0 findings" says nothing about them). */
  covered: boolean;
  /** Why not covered. */
  reason?: string;
  /** Packages not covered (name@version; at most 50 named, `packages` counts all). */
  notCovered?: string[];
  /**
   * Every package of the entry is the project itself or a member of it (metadata.project) that names no
   * version: there is nothing to match, so `--require-coverage` does not count it as unscanned input.
   */
  project?: true;
}

/** A language package matched through the OS package that installed it, not on its own. */
export interface OwnedPackage {
  name: string;
  version: string;
  purl?: string;
  /** The owning OS package ('python3-requests 2.28.1+dfsg-1'). */
  owner: string;
  ownerPurl?: string;
}

/** What the engines produced, before the gate. */
export interface ScanResult {
  target: ScanTarget;
  engine: EngineName;
  /** name@version of tools and databases used. */
  tools: { name: string; version: string }[];
  findings: Finding[];
  /** Number of packages scanned (native matcher / SBOM inputs), when known. */
  packagesScanned?: number;
  /** Native scans: the data used and its age. */
  vulnerabilityData?: VulnData;
  /** Native scans: coverage per ecosystem. */
  coverage?: CoverageEntry[];
  /** Native scans: language packages left to their owning OS package (unless --match-owned-language-packages). */
  ownedPackages?: OwnedPackage[];
  /** Findings in packages a later layer deleted, left out (without --include-deleted). */
  hiddenDeleted?: number;
  warnings: string[];
  /**
   * What was not read or not scanned (README "Completeness"): the SBOM's own list, an SBOM that declares
   * itself incomplete, files of an image custody could not read, findings of a report that could not be
   * read, what the tool says it could not scan (grype's database error, trivy's end-of-service-life OS),
   * uncovered ecosystems with --require-coverage. A gate that passes over any of it exits 3 unless
   * --allow-incomplete.
   */
  incomplete?: Incomplete[];
}

export type FailOn = 'none' | 'low' | 'medium' | 'high' | 'critical';
export type UnscoredPolicy = 'ignore' | 'fail';

export interface GateOptions {
  failOn: FailOn;
  onlyFixed: boolean;
  /** What to do with findings in the `unknown` bucket when failOn is not 'none'. */
  unscored: UnscoredPolicy;
}

export interface GateOutcome {
  failOn: FailOn;
  onlyFixed: boolean;
  unscored: UnscoredPolicy;
  passed: boolean;
  /** Counted (not suppressed) findings at or above the threshold. */
  failing: number;
  /** Human sentence: what the gate decided and how it treated unscored findings. */
  summary: string;
}

export interface ExpiredIgnore {
  id: string;
  package?: string;
  reason: string;
  expires: string;
}

/** The gated result every reporter renders. */
export interface GatedScan {
  scan: ScanResult;
  /** Findings that count, sorted by severity then id. */
  findings: Finding[];
  suppressed: SuppressedFinding[];
  counts: Record<Severity, number>;
  gate: GateOutcome;
  expiredIgnores: ExpiredIgnore[];
  /** VEX statements that matched no finding (also written as warnings). */
  unmatchedVex: { source: string; vulnerability: string; status: string; products: string[] }[];
  warnings: string[];
}
