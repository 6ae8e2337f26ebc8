/**
 * `custody scan` default output: findings grouped by severity (most severe first), with fixed-in,
 * then suppressed findings and why, then the gate line.
 */
import type { ChalkInstance } from 'chalk';
import type { Finding, GatedScan, Severity } from '../../vuln/model.js';
import { SEVERITIES } from '../../vuln/model.js';

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

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.min(60, Math.max(...rows.map((r) => (r[i] ?? '').length))));
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

function row(f: Finding): string[] {
  return [
    f.id,
    f.package.name,
    f.package.version,
    f.fixedVersions.length ? f.fixedVersions.join(', ') : f.fixState === 'wont-fix' ? "(won't fix)" : '(no fix)',
    f.severity.score !== undefined ? f.severity.score.toFixed(1) : '-',
    f.aliases.slice(0, 2).join(' '),
  ];
}

export function renderScanTable(g: GatedScan, chalk: ChalkInstance): string {
  const out: string[] = [];
  const t = g.scan.target;
  out.push(`${chalk.bold('target:')} ${t.name}${t.format ? ` (${t.format})` : ''}${t.distro ? `, ${t.distro}` : ''}`);
  out.push(`${chalk.bold('engine:')} ${g.scan.engine}${g.scan.tools.length ? ` [${g.scan.tools.map((x) => `${x.name}@${x.version}`).join(', ')}]` : ''}`);
  if (g.scan.packagesScanned !== undefined) out.push(`${chalk.bold('packages scanned:')} ${g.scan.packagesScanned}`);
  out.push('');
  if (g.findings.length === 0) out.push('no vulnerabilities found');
  for (const s of SEVERITIES) {
    const group = g.findings.filter((f) => f.severity.level === s);
    if (group.length === 0) continue;
    const label = s === 'unknown' ? 'UNSCORED' : s.toUpperCase();
    out.push(paint(chalk, s, `${label} (${group.length})`));
    for (const line of table([['  ID', 'PACKAGE', 'VERSION', 'FIXED IN', 'SCORE', 'ALIASES'], ...group.map((f) => [`  ${f.id}`, ...row(f).slice(1)])])) {
      out.push(line);
    }
    out.push('');
  }
  if (g.suppressed.length > 0) {
    out.push(chalk.dim(`SUPPRESSED (${g.suppressed.length})`));
    for (const line of table([
      ['  ID', 'PACKAGE', 'VERSION', 'BY', 'REASON'],
      ...g.suppressed.map((s) => [`  ${s.finding.id}`, s.finding.package.name, s.finding.package.version, s.suppression.by, s.suppression.reason]),
    ])) {
      out.push(chalk.dim(line));
    }
    out.push('');
  }
  if (g.expiredIgnores.length > 0) {
    out.push(chalk.yellow(`EXPIRED IGNORE RULES (${g.expiredIgnores.length}) — no longer applied`));
    for (const e of g.expiredIgnores) out.push(`  ${e.id}${e.package ? ` ${e.package}` : ''}  expired ${e.expires}  (${e.reason})`);
    out.push('');
  }
  const c = g.counts;
  out.push(`${chalk.bold('summary:')} ${c.critical} critical, ${c.high} high, ${c.medium} medium, ${c.low} low, ${c.negligible} negligible, ${c.unknown} unscored; ${g.suppressed.length} suppressed`);
  out.push(`${chalk.bold('gate:')} ${g.gate.passed ? chalk.green(g.gate.summary) : chalk.red(g.gate.summary)}`);
  return `${out.join('\n')}\n`;
}
