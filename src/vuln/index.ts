/**
 * vuln/: vulnerabilities from grype, trivy, osv-scanner reports and a native OSV matcher, one finding
 * model, one gate. `audit/` and `cli/` use only what is exported here.
 */

/** The finding model and gate result types (documented JSON: docs/readme/scan.md). */
export type {
  CvssScore,
  EngineName,
  ExpiredIgnore,
  FailOn,
  Finding,
  FindingPackage,
  FindingSeverity,
  FixState,
  GateOptions,
  GateOutcome,
  GatedScan,
  MatchEvidence,
  ScanResult,
  ScanTarget,
  Severity,
  SuppressedFinding,
  Suppression,
  UnscoredPolicy,
} from './model.js';
export { SEVERITIES, severityRank } from './model.js';

/**
 * The whole scan (findings → suppressions → gate) and its parts.
 * runScan throws UsageError (flags), InputError (unreadable report/SBOM/OSV DB/ignore/VEX, exit 3),
 * ToolError (grype/trivy missing or failed, exit 4).
 */
export { collectFindings, loadSuppressions, runScan, type EngineChoice, type ScanDeps, type ScanInput, type ScanOptions } from './scan.js';

/** Apply ignore rules, VEX and the --fail-on threshold to a ScanResult (pure). */
export { gateScan, type GateInputs } from './gate.js';

/** Ingest a grype / trivy / osv-scanner / CycloneDX-vulnerabilities JSON report (InputError when unknown). */
export { ingestReport, sniffReport, type ReportFormat } from './report-file.js';

/** Ignore files (YAML) and VEX documents (OpenVEX, CycloneDX VEX); both throw InputError when malformed. */
export { parseIgnoreFile, type IgnoreRule } from './ignore.js';
export { parseVex, type VexDocument, type VexStatement, type VexStatus } from './vex.js';

/** The local OSV database and the native matcher (version ordering injected: query/versions compareVersions). */
export { loadOsvDatabase, storeFromRecords, DEFAULT_OSV_LIMITS, type OsvLoadLimits, type OsvStore } from './osv/store.js';
export { matchSbom, osvScanResult, type CompareVersions, type MatchOptions, type MatchResult } from './osv/matcher.js';
export { parseOsvRecord, type OsvRecord } from './osv/record.js';

/** grype / trivy as engines (runs the tools; ToolError on failure). */
export { runExternalEngine, type EngineRunOptions } from './backends/engines.js';

/** CVSS scoring (ae-cvss-calculator) and the severity rule. */
export { resolveSeverity, scoreVector, severityOfLabel, severityOfScore } from './cvss.js';

/** The `custody scan -o json` document. */
export { scanJson, SCAN_JSON_SCHEMA } from './json.js';

/**
 * The local vulnerability database (`custody vulndb`): which data a command uses (`openVulnData`:
 * --osv-db beats the cache; none is InputError VULN_NO_DATABASE), and update/import/prune/status.
 * Network only in `updateVulnDb`, through `createHttpClient`.
 */
export { hasLocalVulnData, openVulnData, type OpenedVulnData, type VulnDataChoice } from './database.js';
export { DEFAULT_MAX_VULNDB_AGE_SECONDS, formatAge, parseDuration } from './age.js';
export { resolveVulnDbDir, type DatasetMeta } from './vulndb/layout.js';
export { createHttpClient, type HttpClient, type HttpClientOptions } from './vulndb/fetch.js';
export { redactUrl, resolveCredentials } from './vulndb/credentials.js';
export { DEFAULT_MAX_DOWNLOAD_BYTES, DEFAULT_SOURCE, updateVulnDb, type DatasetOutcome, type UpdateOptions, type UpdateResult } from './vulndb/update.js';
export { importVulnDb, type ImportResult } from './vulndb/import.js';
export { pruneVulnDb, type PruneResult } from './vulndb/prune.js';
export { VULNDB_STATUS_SCHEMA, vulnDbStatus, type DatasetStatus, type VulnDbStatus } from './vulndb/status.js';
export type { CoverageEntry, OwnedPackage, VulnData, VulnDataSet } from './model.js';
