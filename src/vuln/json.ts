/**
 * The documented `custody scan -o json` document (schema id `custody.scan/v1`, docs/readme/scan.md).
 * Keys are fixed and lists sorted, so the output is stable for a given input.
 */
import { normalizeIncomplete } from '../core/incomplete.js';
import type { GatedScan } from './model.js';

export const SCAN_JSON_SCHEMA = 'custody.scan/v1';

export function scanJson(g: GatedScan, custodyVersion: string): Record<string, unknown> {
  return {
    schema: SCAN_JSON_SCHEMA,
    custody: custodyVersion,
    target: g.scan.target,
    engine: g.scan.engine,
    tools: g.scan.tools,
    ...(g.scan.packagesScanned !== undefined ? { packagesScanned: g.scan.packagesScanned } : {}),
    ...(g.scan.vulnerabilityData !== undefined ? { vulnerabilityData: g.scan.vulnerabilityData } : {}),
    ...(g.scan.coverage !== undefined ? { coverage: g.scan.coverage } : {}),
    ...(g.scan.ownedPackages !== undefined ? { ownedPackages: g.scan.ownedPackages } : {}),
    ...(g.scan.hiddenDeleted !== undefined ? { hiddenDeleted: g.scan.hiddenDeleted } : {}),
    gate: g.gate,
    counts: g.counts,
    findings: g.findings,
    suppressed: g.suppressed.map((s) => ({ ...s.finding, suppression: s.suppression })),
    expiredIgnores: g.expiredIgnores,
    unmatchedVex: g.unmatchedVex,
    warnings: g.warnings,
    // What was not read or not scanned (README "Completeness"): always present, empty when complete.
    incomplete: normalizeIncomplete(g.scan.incomplete ?? []),
  };
}
