/**
 * `custody scan` as one domain function: get findings (ingest a report, run grype/trivy, or match
 * natively against a local OSV database), then apply ignore rules, VEX and the gate.
 * Everything outside vuln/ (SBOM reading, version ordering, image cataloguing, tools) is injected.
 */
import { InputError, UsageError } from '../core/errors.js';
import { declaresIncomplete, type Incomplete } from '../core/incomplete.js';
import { readInputFile } from '../core/input-file.js';
import type { Logger } from '../core/log.js';
import type { Sbom } from '../sbom/model.js';
import { DEFAULT_MAX_VULNDB_AGE_SECONDS, formatAge } from './age.js';
import { openVulnData } from './database.js';
import { gateScan } from './gate.js';
import { parseIgnoreFile, type IgnoreRule } from './ignore.js';
import type { FailOn, GatedScan, ScanResult, UnscoredPolicy, VulnData } from './model.js';
import { osvQueryOf } from './osv/ecosystems.js';
import { osvScanResult, ownedPackages, type CompareVersions } from './osv/matcher.js';
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
  /** The local database (`custody vulndb`), used by the osv engine when there is no `osvDb`. */
  vulndbDir?: string;
  /** `--max-vulndb-age` in seconds; `explicit` makes stale data an error (exit 3) instead of a warning. */
  maxVulnDbAge?: { seconds: number; explicit: boolean };
  /** `--require-coverage`: ecosystems the data does not cover are incomplete input. */
  requireCoverage?: boolean;
  /** `--match-owned-language-packages`. */
  matchOwnedLanguagePackages?: boolean;
  failOn: FailOn;
  onlyFixed: boolean;
  unscored: UnscoredPolicy;
  ignoreFiles: string[];
  vexFiles: string[];
  now: Date;
  signal?: AbortSignal;
  /** Keep findings in packages a later layer deleted (`--include-deleted`); default: left out and counted. */
  includeDeleted?: boolean;
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

/** Scanner reports, ignore files and VEX documents are JSON/YAML; none is near this. */
const MAX_REPORT_BYTES = 512 << 20;

/** A named report: missing, permission denied, a directory each have their code (VULN_INPUT_*). */
async function readReportFile(path: string, what: string): Promise<Buffer> {
  return readInputFile(path, { prefix: 'VULN_INPUT', what, maxBytes: MAX_REPORT_BYTES });
}

/** Produce the findings (no gate). */
export async function collectFindings(o: ScanOptions, deps: ScanDeps): Promise<ScanResult> {
  if (o.report !== undefined) {
    if (o.input !== undefined) throw new UsageError('SCAN_REPORT_AND_TARGET', 'give either a target or --report, not both', { hint: 'custody scan --report grype.json' });
    return ingestReport(await readReportFile(o.report, 'report'), o.report);
  }
  if (o.input === undefined) throw new UsageError('SCAN_NO_TARGET', 'nothing to scan', { hint: 'custody scan <image|sbom> --engine grype, or --report FILE' });
  // The native engine is the default: it needs no other tool, only data (--osv-db or `custody vulndb`).
  const engine = o.engine ?? 'osv';
  if (engine !== 'osv' && o.osvDb !== undefined) throw new UsageError('SCAN_OSV_DB_ENGINE', `--osv-db is only used by the osv engine, not ${engine}`, { hint: 'drop --engine or --osv-db' });
  if (engine === 'osv') {
    if (o.osvDb === undefined && o.vulndbDir === undefined) {
      throw new UsageError('SCAN_NO_OSV_DB', 'the osv engine needs vulnerability data', { hint: 'run `custody vulndb update`, or pass --osv-db DIR|all.zip' });
    }
    const sbom = o.input.kind === 'sbom' ? await deps.readSbom(o.input.path) : await deps.catalogImage(o.input.ref, o.signal);
    const name = o.input.kind === 'sbom' ? o.input.path : o.input.ref;
    const matchOwned = o.matchOwnedLanguagePackages === true;
    const data = await openVulnData({ ...(o.osvDb !== undefined ? { osvDb: o.osvDb } : {}), vulndbDir: o.vulndbDir ?? '', families: familiesOf(sbom, matchOwned) }, deps.log);
    try {
      const result = osvScanResult(sbom, data.store, { compare: deps.compareVersions, matchOwned }, name, o.input.kind);
      // What the SBOM could not read (catalog) or says it lacks is unread input for the scan too: a clean
      // answer over it is not clean (README "Exit codes", incomplete input).
      const unread: Incomplete[] = [...(sbom.incomplete ?? [])];
      if (declaresIncomplete(sbom.completeness)) unread.push({ kind: 'sbom', path: name, reason: `the SBOM declares itself ${sbom.completeness}` });
      if (unread.length > 0) result.incomplete = unread;
      const info = data.describe(o.now, o.maxVulnDbAge ?? { seconds: DEFAULT_MAX_VULNDB_AGE_SECONDS, explicit: false });
      result.vulnerabilityData = info;
      result.tools = [{ name: 'osv-data', version: dataVersion(info) }];
      checkAge(info, result.warnings);
      if (o.requireCoverage === true) {
        const incomplete: Incomplete[] = (result.coverage ?? [])
          .filter((c) => !c.covered && c.project !== true)
          .map((c) => ({ kind: 'vulndb', path: c.ecosystem, reason: `${c.packages} package${c.packages === 1 ? '' : 's'} not covered (${c.reason ?? 'no records'})` }));
        if (incomplete.length > 0) result.incomplete = [...(result.incomplete ?? []), ...incomplete];
      }
      return result;
    } finally {
      data.close();
    }
  }
  return deps.runEngine(engine, o.input, o.signal);
}

/** The ecosystem families an SBOM's packages need (only their datasets are opened). */
function familiesOf(sbom: Sbom, matchOwned: boolean): Set<string> {
  const owned = matchOwned ? new Map() : ownedPackages(sbom);
  const out = new Set<string>();
  for (const p of sbom.packages) {
    if (owned.has(p.id)) continue;
    const q = osvQueryOf(p, sbom.distro);
    if (q) out.add(q.family);
  }
  return out;
}

/** 'cache g-… (3 datasets, 12345 records, as of 2026-12-01T…)' for the tools list. */
function dataVersion(d: VulnData): string {
  return `${d.records} records${d.asOf ? ` as of ${d.asOf}` : ''}`;
}

/**
 * Stale data: a warning by default; an error when the user set the threshold (`--max-vulndb-age`,
 * policy `maxVulnDbAge`).
 * @throws InputError VULN_DB_TOO_OLD
 */
function checkAge(d: VulnData, warnings: string[]): void {
  if (!d.stale) return;
  const age = d.ageSeconds !== undefined ? `${formatAge(d.ageSeconds)} old (as of ${d.asOf}, ${d.asOfBasis === 'fetched' ? 'when it was downloaded' : 'its newest record'})` : 'of unknown age (no fetch time and no record dates)';
  const limit = formatAge(d.maxAgeSeconds);
  const fix = d.kind === 'cache' ? 'run `custody vulndb update` (or scan with --update-vulndb)' : 'refresh the --osv-db data';
  if (d.maxAgeExplicit) {
    throw new InputError('VULN_DB_TOO_OLD', `the vulnerability data is ${age}, over the maximum age of ${limit}`, { hint: fix });
  }
  warnings.push(`the vulnerability data is ${age}, older than ${limit}: ${fix}`);
}

/** Load ignore files and VEX documents named on the command line. */
export async function loadSuppressions(o: Pick<ScanOptions, 'ignoreFiles' | 'vexFiles'>): Promise<{ ignore: { source: string; rules: IgnoreRule[] }[]; vex: VexDocument[] }> {
  const ignore = [];
  for (const f of o.ignoreFiles) ignore.push({ source: f, rules: parseIgnoreFile((await readReportFile(f, 'ignore file')).toString('utf8'), f) });
  const vex = [];
  for (const f of o.vexFiles) vex.push(parseVex(await readReportFile(f, 'VEX document'), f));
  return { ignore, vex };
}

/**
 * The whole scan: findings, suppressions, gate.
 * @throws UsageError (flags), InputError (unreadable input / DB / ignore / VEX), ToolError (engine missing or failed).
 */
export async function runScan(o: ScanOptions, deps: ScanDeps): Promise<GatedScan> {
  // Suppression files are read first: a typo in --vex fails before a long scan.
  const suppressions = await loadSuppressions(o);
  const scan = hideDeletedFindings(await collectFindings(o, deps), o.includeDeleted === true);
  return gateScan(scan, { failOn: o.failOn, onlyFixed: o.onlyFixed, unscored: o.unscored }, { ...suppressions, now: o.now });
}

/**
 * A package a later layer deleted is not in the image: its findings are left out of the gate and the
 * report unless asked for (then they keep their `deleted` mark). Returns the scan with the count.
 */
export function hideDeletedFindings(scan: ScanResult, includeDeleted: boolean): ScanResult {
  if (includeDeleted) return scan;
  const kept = scan.findings.filter((f) => f.package.deleted !== true);
  const hidden = scan.findings.length - kept.length;
  return hidden === 0 ? scan : { ...scan, findings: kept, hiddenDeleted: hidden };
}
