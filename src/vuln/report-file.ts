/**
 * `--report FILE`: sniff and ingest an existing grype, trivy or osv-scanner JSON report.
 */
import { InputError } from '../core/errors.js';
import { isCycloneDxVulnReport, parseCycloneDxVulnReport } from './backends/cyclonedx.js';
import { isGrypeReport, parseGrypeReport } from './backends/grype.js';
import { isOsvScannerReport, parseOsvScannerReport } from './backends/osv-scanner.js';
import { isTrivyReport, parseTrivyReport } from './backends/trivy.js';
import { parseJsonBounded } from './data.js';
import type { ScanResult } from './model.js';

export type ReportFormat = 'grype-json' | 'trivy-json' | 'osv-scanner-json' | 'cyclonedx-json';

/** Which report format a parsed document is; undefined when none. */
export function sniffReport(doc: unknown): ReportFormat | undefined {
  if (isGrypeReport(doc)) return 'grype-json';
  if (isTrivyReport(doc)) return 'trivy-json';
  if (isOsvScannerReport(doc)) return 'osv-scanner-json';
  if (isCycloneDxVulnReport(doc)) return 'cyclonedx-json';
  return undefined;
}

/**
 * Parse report bytes named `name`.
 * @throws InputError VULN_BAD_JSON (not JSON / too big / too deep), VULN_UNKNOWN_REPORT (not a known report).
 */
export function ingestReport(bytes: Buffer, name: string): ScanResult {
  const doc = parseJsonBounded(bytes, name);
  switch (sniffReport(doc)) {
    case 'grype-json':
      return parseGrypeReport(doc, name);
    case 'trivy-json':
      return parseTrivyReport(doc, name);
    case 'osv-scanner-json':
      return parseOsvScannerReport(doc, name);
    case 'cyclonedx-json':
      return parseCycloneDxVulnReport(doc, name);
    default:
      throw new InputError('VULN_UNKNOWN_REPORT', `${name} is not a grype, trivy, osv-scanner or CycloneDX (with vulnerabilities) JSON report`, {
        hint: 'pass a report written with grype -o json, trivy -f json or osv-scanner --format json; SBOMs go in the positional argument',
      });
  }
}
