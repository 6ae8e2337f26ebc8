/**
 * `sbom query` output: table (grouped by SBOM, subject shown with every group), json (the
 * documented schema, docs/readme/sbom-query.md), csv and markdown.
 */
import type { ChalkInstance } from 'chalk';
import type { QueryMatch, QueryResult } from '../../query/result.js';

export const QUERY_JSON_SCHEMA_VERSION = 1;

function subjectText(m: QueryMatch): string {
  const s = m.subject;
  const bits = [s.name];
  if (s.digest) bits.push(s.digest);
  if (s.tags && s.tags.length > 0 && !s.tags.includes(s.name)) bits.push(`tags ${s.tags.join(', ')}`);
  return `${s.kind === 'unknown' ? '' : `${s.kind} `}${bits.join(' ')}`;
}

function locationText(m: QueryMatch): string {
  return m.locations.map((l) => l.path).join(', ');
}

function group(matches: QueryMatch[]): Map<string, QueryMatch[]> {
  const g = new Map<string, QueryMatch[]>();
  for (const m of matches) {
    const list = g.get(m.sbom) ?? [];
    list.push(m);
    g.set(m.sbom, list);
  }
  return g;
}

export function renderQueryTable(r: QueryResult, chalk: ChalkInstance): string {
  const out: string[] = [];
  for (const [sbom, ms] of group(r.matches)) {
    out.push(`${chalk.bold(sbom)}  ${chalk.dim(ms[0]!.format)}`);
    out.push(`  ${chalk.cyan(subjectText(ms[0]!))}`);
    const rows = ms.map((m) => [m.package, m.version || '-', m.purl ?? '-', locationText(m) || '-']);
    const widths = [0, 1, 2].map((i) => Math.min(60, Math.max(...rows.map((row) => row[i]!.length))));
    for (const row of rows) {
      out.push(`    ${row.map((c, i) => (i === 3 ? chalk.dim(c) : c.padEnd(widths[i]!))).join('  ')}`.trimEnd());
    }
  }
  const summary = `${r.matches.length} match${r.matches.length === 1 ? '' : 'es'} in ${r.filesMatched} of ${r.filesScanned} SBOM${r.filesScanned === 1 ? '' : 's'}${r.skipped.length > 0 ? `; ${r.skipped.length} file(s) skipped` : ''}${r.errors.length > 0 ? `; ${r.errors.length} unreadable` : ''}`;
  if (r.matches.length > 0) out.push('');
  out.push(r.matches.length > 0 ? summary : chalk.dim(`no match: ${summary}`));
  return `${out.join('\n')}\n`;
}

/** The `-o json` document (schema version 1). */
export function queryJson(r: QueryResult): Record<string, unknown> {
  return {
    schemaVersion: QUERY_JSON_SCHEMA_VERSION,
    query: r.query,
    via: r.via,
    summary: { matches: r.matches.length, filesScanned: r.filesScanned, filesParsed: r.filesParsed, filesMatched: r.filesMatched, filesSkipped: r.skipped.length, errors: r.errors.length },
    matches: r.matches.map((m) => ({
      sbom: m.sbom,
      format: m.format,
      subject: m.subject,
      package: m.package,
      version: m.version,
      purl: m.purl ?? null,
      type: m.type,
      locations: m.locations,
    })),
    skipped: r.skipped,
    errors: r.errors,
    warnings: r.warnings,
  };
}

function csvCell(s: string): string {
  // Quote always; neutralise spreadsheet formulas.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function renderQueryCsv(r: QueryResult): string {
  const lines = [['sbom', 'format', 'subject', 'subject_digest', 'package', 'version', 'purl', 'type', 'locations'].join(',')];
  for (const m of r.matches) {
    lines.push([m.sbom, m.format, m.subject.name, m.subject.digest ?? '', m.package, m.version, m.purl ?? '', m.type, m.locations.map((l) => l.path).join(';')].map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/`/g, "'");
}

export function renderQueryMarkdown(r: QueryResult): string {
  const out = ['## SBOM query', ''];
  out.push(`${r.matches.length} match(es) in ${r.filesMatched} of ${r.filesScanned} SBOM(s).`, '');
  if (r.matches.length > 0) {
    out.push('| SBOM | Subject | Package | Version | purl | Locations |', '| --- | --- | --- | --- | --- | --- |');
    for (const m of r.matches) {
      out.push(`| ${mdCell(m.sbom)} | ${mdCell(subjectText(m))} | ${mdCell(m.package)} | ${mdCell(m.version)} | ${mdCell(m.purl ?? '')} | ${mdCell(locationText(m))} |`);
    }
    out.push('');
  }
  if (r.skipped.length > 0) {
    out.push(`<details><summary>${r.skipped.length} file(s) skipped</summary>`, '');
    for (const s of r.skipped) out.push(`- ${mdCell(s.path)}: ${mdCell(s.reason)}`);
    out.push('', '</details>', '');
  }
  return `${out.join('\n')}\n`;
}
