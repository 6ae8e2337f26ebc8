/**
 * `custody scan` as one domain function: get findings (ingest a report, run grype/trivy, or match
 * natively against a local OSV database), then apply ignore rules, VEX and the gate.
 * Everything outside vuln/ (SBOM reading, version ordering, image cataloguing, tools) is injected.
 */
import { readFile } from 'node:fs/promises';
import { InputError, UsageError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Sbom } from '../sbom/model.js';
import { gateScan } from './gate.js';
import { parseIgnoreFile, type IgnoreRule } from './ignore.js';
import type { FailOn, GatedScan, ScanResult, UnscoredPolicy } from './model.js';
import { osvScanResult, type CompareVersions } from './osv/matcher.js';
import { loadOsvDatabase } from './osv/store.js';
import { ingestReport } from './report-file.js';
import { parseVex, type VexDocument } from './vex.js';

export type EngineChoice = 'osv' | 'grype' | 'trivy';

/** What a target is: an SBOM file custody reads, or an image reference as in `sbom generate`. */
export type ScanInput = { kind: 'sbom'; path: string } | { kind: 'image'; ref: string };

export interface ScanOptions {
  input?: ScanInput;
  /** `--report FILE`: ingest instead of scanning. */
  report?: string;
  engine?: EngineChoice;
  osvDb?: string;
  failOn: FailOn;
  onlyFixed: boolean;
  unscored: UnscoredPolicy;
  ignoreFiles: string[];
  vexFiles: string[];
  now: Date;
  signal?: AbortSignal;
}

/** External capabilities the scan uses; the CLI passes the real ones, tests may pass fakes. */
export interface ScanDeps {
  log: Logger;
  readSbom(path: string): Promise<Sbom>;
  /** Catalogue an image natively (for the OSV engine on image targets). */
  catalogImage(ref: string, signal?: AbortSignal): Promise<Sbom>;
  compareVersions: CompareVersions;
  /** Engines that run external tools: return their parsed result. */
  runEngine(engine: 'grype' | 'trivy', input: ScanInput, signal?: AbortSignal): Promise<ScanResult>;
}

async function readInputFile(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new InputError('VULN_INPUT_UNREADABLE', `cannot read ${what} ${path}`, { cause: err, hint: 'check the path' });
  }
}

/** Produce the findings (no gate). */
export async function collectFindings(o: ScanOptions, deps: ScanDeps): Promise<ScanResult> {
  if (o.report !== undefined) {
    if (o.input !== undefined) throw new UsageError('SCAN_REPORT_AND_TARGET', 'give either a target or --report, not both', { hint: 'custody scan --report grype.json' });
    return ingestReport(await readInputFile(o.report, 'report'), o.report);
  }
  if (o.input === undefined) throw new UsageError('SCAN_NO_TARGET', 'nothing to scan', { hint: 'custody scan <image|sbom> --engine grype, or --report FILE' });
  const engine = o.engine ?? (o.osvDb !== undefined ? 'osv' : undefined);
  if (engine === undefined) {
    throw new UsageError('SCAN_NO_ENGINE', 'choose a scanner', { hint: 'pass --engine grype|trivy, or --osv-db DIR for the native OSV matcher' });
  }
  if (engine !== 'osv' && o.osvDb !== undefined) throw new UsageError('SCAN_OSV_DB_ENGINE', `--osv-db is only used by the osv engine, not ${engine}`, { hint: 'drop --engine or --osv-db' });
  if (engine === 'osv') {
    if (o.osvDb === undefined) throw new UsageError('SCAN_NO_OSV_DB', 'the osv engine needs a local database', { hint: 'pass --osv-db DIR|all.zip' });
    const store = await loadOsvDatabase(o.osvDb, deps.log);
    const sbom = o.input.kind === 'sbom' ? await deps.readSbom(o.input.path) : await deps.catalogImage(o.input.ref, o.signal);
    const name = o.input.kind === 'sbom' ? o.input.path : o.input.ref;
    return osvScanResult(sbom, store, { compare: deps.compareVersions }, name, o.input.kind);
  }
  return deps.runEngine(engine, o.input, o.signal);
}

/** Load ignore files and VEX documents named on the command line. */
export async function loadSuppressions(o: Pick<ScanOptions, 'ignoreFiles' | 'vexFiles'>): Promise<{ ignore: { source: string; rules: IgnoreRule[] }[]; vex: VexDocument[] }> {
  const ignore = [];
  for (const f of o.ignoreFiles) ignore.push({ source: f, rules: parseIgnoreFile((await readInputFile(f, 'ignore file')).toString('utf8'), f) });
  const vex = [];
  for (const f of o.vexFiles) vex.push(parseVex(await readInputFile(f, 'VEX document'), f));
  return { ignore, vex };
}

/**
 * The whole scan: findings, suppressions, gate.
 * @throws UsageError (flags), InputError (unreadable input / DB / ignore / VEX), ToolError (engine missing or failed).
 */
export async function runScan(o: ScanOptions, deps: ScanDeps): Promise<GatedScan> {
  // Suppression files are read first: a typo in --vex fails before a long scan.
  const suppressions = await loadSuppressions(o);
  const scan = await collectFindings(o, deps);
  return gateScan(scan, { failOn: o.failOn, onlyFixed: o.onlyFixed, unscored: o.unscored }, { ...suppressions, now: o.now });
}
