/**
 * `custody sbom query PATH... | --db FILE`: which SBOMs contain a package (name/purl/cpe + version range), or
 * which are affected by an advisory (`--advisory ID`, through the OSV matcher `scan` uses).
 * Exit like grep: 0 matched, 1 nothing matched; "nothing matched" while something could not be read (a
 * named path, a corrupt SBOM in a directory, an SBOM that declares itself incomplete, an affected ecosystem
 * custody cannot match) is 3 (README "Completeness"); an advisory not in the database is 3.
 */
import { Option, type Command } from 'commander';
import { UsageError } from '../core/errors.js';
import type { Incomplete } from '../core/incomplete.js';
import type { QueryOptions } from '../query/match.js';
import { hideDeleted, type QueryResult } from '../query/result.js';
import { queryFiles } from '../query/scan.js';
import { defaultQueryColumns, QUERY_COLUMNS, queryJson, renderQueryCsv, renderQueryMarkdown, renderQueryTable, type QueryColumn } from '../report/human/query.js';
import type { OsvRecord } from '../vuln/osv/record.js';
import { sbomCommand, type CommandModule } from './command.js';
import type { CommandContext } from './io.js';
import { queryOutcome, type CommandResult } from './outcome.js';

interface QueryFlags {
  name?: string;
  purl?: string;
  cpe?: string;
  version?: string;
  advisory?: string;
  osvDb?: string;
  vulndbDir?: string;
  db?: string;
  output: 'table' | 'json' | 'csv' | 'markdown';
  columns?: string;
  includeDeleted: boolean;
  matchOwnedLanguagePackages: boolean;
  workers?: string;
}

export function renderQuery(r: QueryResult, output: QueryFlags['output'], ctx: CommandContext, columns?: readonly QueryColumn[]): string {
  switch (output) {
    case 'json':
      return `${JSON.stringify(queryJson(r), null, 2)}\n`;
    case 'csv':
      return renderQueryCsv(r);
    case 'markdown':
      return renderQueryMarkdown(r);
    case 'table':
      return renderQueryTable(r, ctx.chalk, {
        columns: columns ?? defaultQueryColumns(r, { advisory: r.query.advisory !== undefined, includeDeleted: false }),
        width: ctx.io.stdout.isTTY === true ? ctx.io.stdout.columns : undefined,
      });
  }
}

/** `--columns image,path,package`: known names, at least one. */
function parseColumns(text: string): QueryColumn[] {
  const cols = text.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '');
  const bad = cols.filter((c) => !(QUERY_COLUMNS as readonly string[]).includes(c));
  if (cols.length === 0 || bad.length > 0) {
    throw new UsageError('QUERY_BAD_COLUMNS', `--columns ${JSON.stringify(text)}: ${bad.length > 0 ? `unknown column(s) ${bad.join(', ')}` : 'no column named'}`, {
      hint: `choose from ${QUERY_COLUMNS.join(', ')}`,
    });
  }
  return cols as QueryColumn[];
}

function summariseSkips(r: QueryResult, ctx: CommandContext): void {
  if (r.skipped.length > 0) {
    const reasons = new Map<string, number>();
    for (const s of r.skipped) reasons.set(s.reason, (reasons.get(s.reason) ?? 0) + 1);
    const top = [...reasons.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([why, n]) => `${n} ${why}`).join('; ');
    ctx.log.info(`skipped ${r.skipped.length} non-SBOM file(s): ${top}${r.skipped.length > 0 ? ' (listed in -o json)' : ''}`);
  }
  if (r.hiddenDeleted > 0) ctx.log.info(`${r.hiddenDeleted} match(es) of packages a later layer deleted not shown (--include-deleted shows them)`);
  for (const e of r.errors) ctx.io.stderr.write(`${ctx.chalkErr.red('error:')} ${e.path}: ${e.reason}\n`);
  if (r.warnings.length > 0) {
    for (const w of r.warnings.slice(0, 5)) ctx.log.warn(w);
    if (r.warnings.length > 5) ctx.log.warn(`${r.warnings.length - 5} more warning(s) in -o json`);
  }
}

export const sbomQueryCommand: CommandModule = {
  register(program: Command, runner) {
    sbomCommand(program)
      .command('query')
      .description('find packages across SBOM files and directories (any format) or an index (--db); or which of them an advisory affects (--advisory)')
      .argument('[paths...]', 'SBOM files and/or directories (searched recursively)')
      .option('--name <name>', "package name, exact or glob ('log4j-*'), case-insensitive")
      .option('--purl <purl>', "package URL without or with version, or with a range: 'pkg:maven/g/a@vers:maven/>=2.0|<2.15.0'")
      .option('--cpe <cpe>', "CPE 2.3 or 2.2, '*' wildcards ('cpe:2.3:a:apache:log4j:*')")
      .option('--version <range>', "version range in the package's ecosystem: '>=2.0.0 <2.17.1', '[2.0,2.15)', 'vers:maven/...'")
      .option('--advisory <id>', 'the packages an advisory affects (OSV id or alias: GHSA-…, CVE-…, DSA-…), matched as `scan` matches them, with the fixed versions')
      .option('--osv-db <path>', 'the OSV database to look the advisory up in: a directory of OSV JSON files or osv.dev all.zip files (beats the local database)')
      .option('--vulndb-dir <dir>', 'the local vulnerability database (custody vulndb) --advisory reads when there is no --osv-db')
      .option('--match-owned-language-packages', 'with --advisory: also match language packages an OS package installed against their own ecosystem (as scan --match-owned-language-packages)', false)
      .option('--db <file>', 'query an index built with `custody sbom index add` instead of files')
      .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'csv', 'markdown']).default('table'))
      .option('--columns <list>', `table columns, comma-separated: ${QUERY_COLUMNS.join(', ')}`)
      .option('--include-deleted', 'also report packages a later image layer deleted (SBOMs made with --scope all-layers); they are marked', false)
      .option('--workers <n>', 'threads for the file scan (default: all cores from 2,000 files on, one below: a worker costs more than it saves on small sets)')
      .action(
        runner.action(async (ctx, paths: string[], flags: QueryFlags): Promise<CommandResult> => {
          const options: QueryOptions = {};
          if (flags.name !== undefined) options.name = flags.name;
          if (flags.purl !== undefined) options.purl = flags.purl;
          if (flags.cpe !== undefined) options.cpe = flags.cpe;
          if (flags.version !== undefined) options.version = flags.version;
          const columns = flags.columns !== undefined ? parseColumns(flags.columns) : undefined;
          if ((flags.osvDb !== undefined || flags.vulndbDir !== undefined) && flags.advisory === undefined) {
            throw new UsageError('QUERY_OSV_DB_WITHOUT_ADVISORY', `${flags.osvDb !== undefined ? '--osv-db' : '--vulndb-dir'} is only read with --advisory`, { hint: 'add --advisory ID, or drop it' });
          }
          if (flags.db !== undefined && paths.length > 0) throw new UsageError('QUERY_PATHS_WITH_DB', 'give either SBOM paths or --db, not both', { hint: 'drop the paths to query the index, or drop --db to scan files' });
          if (flags.db === undefined && paths.length === 0) throw new UsageError('QUERY_NO_PATHS', 'no SBOM files or directories given', { hint: 'custody sbom query ./sboms --name log4j-core, or --db FILE' });
          let workers: number | undefined;
          if (flags.workers !== undefined) {
            workers = Number(flags.workers);
            if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new UsageError('QUERY_BAD_WORKERS', `--workers ${flags.workers} is not a number from 1 to 64`, { hint: 'pass e.g. --workers 2' });
          }
          // --advisory: the advisory's records give the candidates; the OSV matcher keeps the affected ones.
          let incomplete: Incomplete[] = [];
          let records: readonly OsvRecord[] | undefined;
          // The OSV store and matcher (and their dependencies) load only for --advisory: a name query starts as fast as before.
          const advisory = flags.advisory !== undefined ? await import('../vuln/advisory.js') : undefined;
          if (flags.advisory !== undefined && advisory !== undefined) {
            const { advisoryCandidates, advisoryRecords, openAdvisoryDatabase } = advisory;
            if (flags.name !== undefined || flags.purl !== undefined || flags.cpe !== undefined || flags.version !== undefined) {
              throw new UsageError('QUERY_ADVISORY_WITH_CRITERIA', '--advisory is not combined with --name, --purl, --cpe or --version', { hint: 'the advisory says which packages and versions are affected; drop the other flags' });
            }
            const store = await openAdvisoryDatabase({ osvDb: flags.osvDb, vulndbDir: flags.vulndbDir, env: ctx.io.env, cwd: ctx.io.cwd }, ctx.log);
            records = advisoryRecords(store, flags.advisory);
            const c = advisoryCandidates(records);
            options.advisory = flags.advisory;
            options.candidates = c.candidates;
            incomplete = c.unsupported;
          }
          // Deleted packages are hidden after the advisory's matcher ran, so the count is of affected ones.
          const includeDeleted = flags.includeDeleted || records !== undefined;
          let result: QueryResult;
          if (flags.db !== undefined) {
            // The index (SQLite, every decoder) is loaded only when asked for: a file scan starts faster without it.
            const { queryIndex } = await import('../query/index/index.js');
            result = await queryIndex(flags.db, options, { includeDeleted });
            ctx.io.signal.throwIfAborted();
          } else {
            result = await queryFiles(paths, options, { logger: ctx.log, signal: ctx.io.signal, includeDeleted, ...(workers !== undefined ? { workers } : {}) });
          }
          if (records !== undefined && advisory !== undefined) {
            const { compareVersions } = await import('../query/versions/index.js');
            result = advisory.affectedMatches(records, result, compareVersions, { matchOwned: flags.matchOwnedLanguagePackages });
            hideDeleted(result, flags.includeDeleted);
          }
          // Ecosystems of the advisory custody cannot match: "not affected" is not proven for them.
          if (incomplete.length > 0) result.incomplete = [...result.incomplete, ...incomplete];
          ctx.io.stdout.write(renderQuery(result, flags.output, ctx, columns ?? (flags.output === 'table' ? defaultQueryColumns(result, { advisory: records !== undefined, includeDeleted: flags.includeDeleted }) : undefined)));
          summariseSkips(result, ctx);
          return queryOutcome(result.matches.length > 0, result.incomplete);
        }),
      );
  },
};
