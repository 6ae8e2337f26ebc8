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
  /** Where the package was found (files; layer digests for images). */
  locations: string[];
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

export interface ScanTarget {
  /** 'image' | 'sbom' | 'report' */
  kind: 'image' | 'sbom' | 'report';
  name: string;
  /** Detected report / SBOM format, e.g. 'grype-json', 'trivy-json', 'cyclonedx-json'. */
  format?: string;
  distro?: string;
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
  warnings: string[];
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
