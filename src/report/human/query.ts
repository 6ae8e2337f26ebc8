/**
 * `sbom query` output: table (one row per package location: image → path → package@version, with the
 * SBOM it came from), json (the documented schema, docs/schemas/custody-query.schema.json), csv and markdown.
 */
import type { ChalkInstance } from 'chalk';
import { labelOf, type QueryMatch, type QueryResult } from '../../query/result.js';
import { incompleteJson, renderIncompleteLines, renderIncompleteMarkdown } from '../incomplete.js';
import { fitColumns, type FitColumn } from './columns.js';

export const QUERY_JSON_SCHEMA_VERSION = 1;

/** Columns of the query table (`--columns`), in their default order. */
export const QUERY_COLUMNS = ['image', 'digest', 'tags', 'package', 'version', 'type', 'purl', 'advisory', 'fixed', 'path', 'layer', 'deleted', 'sbom', 'format'] as const;
export type QueryColumn = (typeof QUERY_COLUMNS)[number];

/**
 * The default columns: who, where and what; the tags an SBOM records besides the one naming the image; the
 * advisory's id and fixed versions with --advisory; the mark with --include-deleted.
 */
export function defaultQueryColumns(r: QueryResult, o: { advisory: boolean; includeDeleted: boolean }): QueryColumn[] {
  const cols: QueryColumn[] = ['image', 'digest'];
  if (r.matches.some((m) => (m.subject.tags ?? []).some((t) => t !== labelOf(m.subject)))) cols.push('tags');
  cols.push('package', 'version');
  if (o.advisory) cols.push('advisory', 'fixed');
  cols.push('path', 'layer');
  if (o.includeDeleted && r.matches.some((m) => m.deleted)) cols.push('deleted');
  cols.push('sbom');
  return cols;
}

/** A digest shortened for tables ('sha256:' and 12 hex digits); the full one is in -o json/csv. */
function shortDigest(d: string | undefined): string {
  if (!d) return '-';
  const m = /^(sha\d+:)([0-9a-f]+)$/.exec(d);
  return m ? `${m[1]}${m[2]!.slice(0, 12)}` : d;
}

/** One table row per location (a package without locations is one row with '-'). */
function rows(m: QueryMatch, columns: readonly QueryColumn[]): string[][] {
  const locs = m.locations.length > 0 ? m.locations : [undefined];
  return locs.map((l) =>
    columns.map((c): string => {
      switch (c) {
        case 'image':
          return labelOf(m.subject);
        case 'digest':
          return shortDigest(m.subject.digest);
        case 'tags':
          return (m.subject.tags ?? []).join(', ') || '-';
        case 'package':
          return m.package;
        case 'version':
          return m.version || '-';
        case 'type':
          return m.type;
        case 'purl':
          return m.purl ?? '-';
        case 'advisory':
          return m.advisory?.id ?? '-';
        case 'fixed':
          return m.advisory ? m.advisory.fixedVersions.join(', ') || '(no fix)' : '-';
        case 'path':
          return l?.path ?? '-';
        case 'layer':
          return shortDigest(l?.layer);
        case 'deleted':
          return m.deleted ? 'deleted' : '';
        case 'sbom':
          return m.sbom;
        case 'format':
          return m.format;
      }
    }),
  );
}

/** Columns whose long values are cut first, and from which end ('…/WEB-INF/lib/x.jar' keeps a path's tail). */
const FIT: Partial<Record<QueryColumn, Omit<FitColumn, 'header'>>> = {
  path: { keep: 'tail', min: 24 },
  sbom: { keep: 'tail', min: 12 },
  image: { keep: 'head', min: 16 },
  purl: { keep: 'head', min: 16 },
  tags: { keep: 'head', min: 10 },
  fixed: { keep: 'head', min: 8 },
};

export interface QueryTableOptions {
  columns: readonly QueryColumn[];
  /** The terminal's width when stdout is a TTY: long cells are then cut to fit; never when piped. */
  width?: number | undefined;
}

export function renderQueryTable(r: QueryResult, chalk: ChalkInstance, o: QueryTableOptions): string {
  const out: string[] = [];
  if (r.matches.length > 0) {
    const header = o.columns.map((c) => c.toUpperCase());
    const body = r.matches.flatMap((m) => rows(m, o.columns).map((cells) => ({ cells, deleted: m.deleted === true })));
    const fitted = fitColumns(
      [header, ...body.map((b) => b.cells)],
      o.columns.map((c) => ({ header: c, keep: FIT[c]?.keep ?? 'none', min: FIT[c]?.min ?? 0 })),
      o.width,
    );
    out.push(chalk.bold(fitted[0]!));
    fitted.slice(1).forEach((line, i) => out.push(body[i]!.deleted ? chalk.dim(line) : line));
  }
  const summary = `${r.matches.length} match${r.matches.length === 1 ? '' : 'es'} in ${r.filesMatched} of ${r.filesScanned} SBOM${r.filesScanned === 1 ? '' : 's'}${r.hiddenDeleted > 0 ? `; ${r.hiddenDeleted} deleted package(s) hidden` : ''}${r.skipped.length > 0 ? `; ${r.skipped.length} file(s) skipped` : ''}${r.errors.length > 0 ? `; ${r.errors.length} unreadable` : ''}`;
  if (r.matches.length > 0) out.push('');
  out.push(r.matches.length > 0 ? summary : chalk.dim(`no match: ${summary}`));
  out.push(...renderIncompleteLines(r.incomplete, chalk));
  return `${out.join('\n')}\n`;
}

/** The `-o json` document (schema version 1, docs/schemas/custody-query.schema.json). */
export function queryJson(r: QueryResult): Record<string, unknown> {
  return {
    schemaVersion: QUERY_JSON_SCHEMA_VERSION,
    query: r.query,
    via: r.via,
    summary: {
      matches: r.matches.length,
      filesScanned: r.filesScanned,
      filesParsed: r.filesParsed,
      filesMatched: r.filesMatched,
      filesSkipped: r.skipped.length,
      errors: r.errors.length,
      hiddenDeleted: r.hiddenDeleted,
      incomplete: incompleteJson(r.incomplete).length,
    },
    matches: r.matches.map((m) => ({
      sbom: m.sbom,
      format: m.format,
      subject: { ...m.subject, label: labelOf(m.subject) },
      package: m.package,
      version: m.version,
      purl: m.purl ?? null,
      type: m.type,
      locations: m.locations,
      ...(m.deleted ? { deleted: true } : {}),
      ...(m.advisory ? { advisory: m.advisory } : {}),
    })),
    skipped: r.skipped,
    errors: r.errors,
    warnings: r.warnings,
    incomplete: incompleteJson(r.incomplete),
  };
}

function csvCell(s: string): string {
  // Quote always; neutralise spreadsheet formulas.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function renderQueryCsv(r: QueryResult): string {
  const advisory = r.matches.some((m) => m.advisory);
  const head = ['sbom', 'format', 'subject', 'subject_digest', 'package', 'version', 'purl', 'type', 'locations', 'image', 'tags', 'layers', 'deleted'];
  if (advisory) head.push('advisory', 'fixed_versions');
  const lines = [head.join(',')];
  for (const m of r.matches) {
    const cells = [
      m.sbom,
      m.format,
      m.subject.name,
      m.subject.digest ?? '',
      m.package,
      m.version,
      m.purl ?? '',
      m.type,
      m.locations.map((l) => l.path).join(';'),
      labelOf(m.subject),
      (m.subject.tags ?? []).join(';'),
      m.locations.map((l) => l.layer ?? '').join(';'),
      m.deleted ? 'true' : '',
    ];
    if (advisory) cells.push(m.advisory?.id ?? '', (m.advisory?.fixedVersions ?? []).join(';'));
    lines.push(cells.map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/`/g, "'");
}

function subjectText(m: QueryMatch): string {
  const s = m.subject;
  const label = labelOf(s);
  const tags = (s.tags ?? []).filter((t) => t !== label);
  return [label, s.digest ?? '', tags.length > 0 ? `tags ${tags.join(', ')}` : ''].filter((x) => x !== '').join(' ');
}

export function renderQueryMarkdown(r: QueryResult): string {
  const out = ['## SBOM query', ''];
  out.push(`${r.matches.length} match(es) in ${r.filesMatched} of ${r.filesScanned} SBOM(s)${r.hiddenDeleted > 0 ? `; ${r.hiddenDeleted} deleted package(s) hidden` : ''}.`, '');
  if (r.matches.length > 0) {
    const advisory = r.matches.some((m) => m.advisory);
    out.push(`| Image | Package | Version |${advisory ? ' Advisory | Fixed in |' : ''} Path | SBOM |`, `| --- | --- | --- |${advisory ? ' --- | --- |' : ''} --- | --- |`);
    for (const m of r.matches) {
      const adv = advisory ? ` ${mdCell(m.advisory?.id ?? '')} | ${mdCell(m.advisory?.fixedVersions.join(', ') ?? '')} |` : '';
      const where = m.locations.map((l) => l.path).join(', ') || '-';
      out.push(`| ${mdCell(subjectText(m))} | ${mdCell(m.package)} | ${mdCell(m.version)}${m.deleted ? ' (deleted)' : ''} |${adv} ${mdCell(where)} | ${mdCell(m.sbom)} |`);
    }
    out.push('');
  }
  if (r.skipped.length > 0) {
    out.push(`<details><summary>${r.skipped.length} file(s) skipped</summary>`, '');
    for (const s of r.skipped) out.push(`- ${mdCell(s.path)}: ${mdCell(s.reason)}`);
    out.push('', '</details>', '');
  }
  const missing = renderIncompleteMarkdown(r.incomplete);
  if (missing !== '') out.push(missing);
  return `${out.join('\n')}\n`;
}
