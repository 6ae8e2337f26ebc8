/**
 * `custody scan` default output: the image scanned, then findings grouped by severity (most severe first),
 * with fixed-in and where each package is (a path column tells copies apart), then suppressed findings and
 * why, then the gate line. Cells are cut only to fit a terminal (`width`), never when piped.
 */
import type { ChalkInstance } from 'chalk';
import { renderIncompleteLines } from '../incomplete.js';
import { formatAge } from '../../vuln/age.js';
import type { CoverageEntry, Finding, GatedScan, Severity, VulnData } from '../../vuln/model.js';
import { SEVERITIES } from '../../vuln/model.js';
import { fitColumns, type FitColumn } from './columns.js';

function paint(chalk: ChalkInstance, s: Severity, text: string): string {
  switch (s) {
    case 'critical':
      return chalk.bold.red(text);
    case 'high':
      return chalk.red(text);
    case 'medium':
      return chalk.yellow(text);
    case 'low':
      return chalk.cyan(text);
    default:
      return chalk.dim(text);
  }
}

function table(rows: string[][], width: number | undefined): string[] {
  const header = rows[0]!;
  // A path keeps at least its last 24 characters (the file name); other columns give way first.
  const fit: FitColumn[] = header.map((h) => ({ header: h, keep: h.trim() === 'PATH' || h.trim() === 'REASON' ? 'tail' : h.trim() === 'ID' || h.trim() === 'BY' ? 'none' : 'head', min: h.trim() === 'PATH' ? 24 : 8 }));
  return fitColumns(rows, fit, width);
}

/** The package's first location, with how many more it has. */
function pathOf(f: Finding): string {
  const first = f.package.locations[0];
  if (first === undefined) return '-';
  const more = f.package.locations.length - 1;
  return `${first}${more > 0 ? ` (+${more})` : ''}${f.package.deleted ? ' (deleted)' : ''}`;
}

function row(f: Finding): string[] {
  return [
    f.id,
    f.package.name,
    f.package.version,
    f.fixedVersions.length ? f.fixedVersions.join(', ') : f.fixState === 'wont-fix' ? "(won't fix)" : '(no fix)',
    f.severity.score !== undefined ? f.severity.score.toFixed(1) : '-',
    pathOf(f),
    f.aliases.slice(0, 2).join(' '),
  ];
}

export function renderScanTable(g: GatedScan, chalk: ChalkInstance, width?: number): string {
  const out: string[] = [];
  const t = g.scan.target;
  out.push(`${chalk.bold('target:')} ${t.name}${t.format ? ` (${t.format})` : ''}${t.distro ? `, ${t.distro}` : ''}`);
  if (t.subject && t.subject.label !== t.name) out.push(`${chalk.bold(t.subject.kind === 'image' ? 'image:' : 'subject:')} ${t.subject.label}${t.subject.digest ? ` ${t.subject.digest}` : ''}`);
  out.push(`${chalk.bold('engine:')} ${g.scan.engine}${g.scan.tools.length ? ` [${g.scan.tools.map((x) => `${x.name}@${x.version}`).join(', ')}]` : ''}`);
  if (g.scan.packagesScanned !== undefined) out.push(`${chalk.bold('packages scanned:')} ${g.scan.packagesScanned}`);
  out.push('');
  if (g.findings.length === 0) out.push('no vulnerabilities found');
  for (const s of SEVERITIES) {
    const group = g.findings.filter((f) => f.severity.level === s);
    if (group.length === 0) continue;
    const label = s === 'unknown' ? 'UNSCORED' : s.toUpperCase();
    out.push(paint(chalk, s, `${label} (${group.length})`));
    for (const line of table([['  ID', 'PACKAGE', 'VERSION', 'FIXED IN', 'SCORE', 'PATH', 'ALIASES'], ...group.map((f) => [`  ${f.id}`, ...row(f).slice(1)])], width)) {
      out.push(line);
    }
    out.push('');
  }
  if (g.suppressed.length > 0) {
    out.push(chalk.dim(`SUPPRESSED (${g.suppressed.length})`));
    for (const line of table(
      [['  ID', 'PACKAGE', 'VERSION', 'PATH', 'BY', 'REASON'], ...g.suppressed.map((s) => [`  ${s.finding.id}`, s.finding.package.name, s.finding.package.version, pathOf(s.finding), s.suppression.by, s.suppression.reason])],
      width,
    )) {
      out.push(chalk.dim(line));
    }
    out.push('');
  }
  if (g.expiredIgnores.length > 0) {
    out.push(chalk.yellow(`EXPIRED IGNORE RULES (${g.expiredIgnores.length}) — no longer applied`));
    for (const e of g.expiredIgnores) out.push(`  ${e.id}${e.package ? ` ${e.package}` : ''}  expired ${e.expires}  (${e.reason})`);
    out.push('');
  }
  out.push(...dataLines(g, chalk));
  const c = g.counts;
  out.push(`${chalk.bold('summary:')} ${c.critical} critical, ${c.high} high, ${c.medium} medium, ${c.low} low, ${c.negligible} negligible, ${c.unknown} unscored; ${g.suppressed.length} suppressed${g.scan.hiddenDeleted ? `; ${g.scan.hiddenDeleted} in deleted packages not shown (--include-deleted)` : ''}`);
  out.push(`${chalk.bold('gate:')} ${g.gate.passed ? chalk.green(g.gate.summary) : chalk.red(g.gate.summary)}`);
  out.push(...renderIncompleteLines(g.scan.incomplete, chalk));
  return `${out.join('\n')}\n`;
}

/** How many not-covered packages the table names per ecosystem (JSON lists up to 50). */
const NAMED = 8;

/** The footer of a native scan: which data, how old, what it covers, what was left to owning OS packages. */
export function dataLines(g: GatedScan, chalk: ChalkInstance): string[] {
  const out: string[] = [];
  const d = g.scan.vulnerabilityData;
  if (d) out.push(`${chalk.bold('data:')} ${describeData(d)}${d.stale ? ` ${chalk.yellow(`(older than ${formatAge(d.maxAgeSeconds)})`)}` : ''}`);
  const cov = g.scan.coverage;
  if (cov && cov.length > 0) {
    out.push(`${chalk.bold('coverage:')} ${cov.map((c) => `${c.ecosystem} ${c.packages} pkg ${c.covered ? `covered (${c.records} records)` : chalk.yellow('NOT COVERED')}`).join('; ')}`);
    for (const c of cov.filter((x) => !x.covered)) out.push(chalk.yellow(`not covered: ${notCovered(c)}`));
  }
  const owned = g.scan.ownedPackages;
  if (owned && owned.length > 0) {
    out.push(`${chalk.bold('owned:')} ${owned.length} language package${owned.length === 1 ? '' : 's'} matched through the OS package that installed ${owned.length === 1 ? 'it' : 'them'} (e.g. ${owned[0]!.name} ${owned[0]!.version} by ${owned[0]!.owner}); --match-owned-language-packages matches them on their own`);
  }
  if (out.length > 0) out.push('');
  return out;
}

/** 'local database /root/.cache/custody/vulndb: Maven (12 records), npm (3 records); as of 2026-12-05T10:00:00Z, 1d 2h old'. */
export function describeData(d: VulnData): string {
  const where = d.kind === 'cache' ? `local database ${d.location}` : `--osv-db ${d.location}`;
  const sets =
    d.kind !== 'cache'
      ? ` (${d.records} records)`
      : d.datasets.length === 0
        ? ': none of its datasets is for the ecosystems of these packages'
        : `: ${d.datasets.map((s) => `${s.name} (${s.records} records${s.origin === 'import' ? ', imported' : ''})`).join(', ')}`;
  const age =
    d.asOf !== undefined
      ? `; ${d.asOfBasis === 'fetched' ? 'fetched' : 'newest record'} ${d.asOf}, ${formatAge(d.ageSeconds ?? 0)} old`
      : '; age unknown';
  return `${where}${sets}${age}`;
}

function notCovered(c: CoverageEntry): string {
  const names = c.notCovered ?? [];
  const more = c.packages - Math.min(names.length, NAMED);
  return `${c.ecosystem} (${c.packages}: ${c.reason ?? 'no records'}): ${names.slice(0, NAMED).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}
