/**
 * `custody sbom query PATH... | --db FILE`: which SBOMs contain a package (name/purl/cpe + version range).
 * Exit like grep: 0 matched, 1 nothing matched, 3 a named path could not be read (others still reported).
 */
import { Option, type Command } from 'commander';
import { ExitCode, UsageError } from '../core/errors.js';
import type { QueryOptions } from '../query/match.js';
import type { QueryResult } from '../query/result.js';
import { queryFiles } from '../query/scan.js';
import { queryJson, renderQueryCsv, renderQueryMarkdown, renderQueryTable } from '../report/human/query.js';
import { sbomCommand, type CommandModule } from './command.js';
import type { CommandContext } from './io.js';

interface QueryFlags {
  name?: string;
  purl?: string;
  cpe?: string;
  version?: string;
  db?: string;
  output: 'table' | 'json' | 'csv' | 'markdown';
  workers?: string;
}

export function renderQuery(r: QueryResult, output: QueryFlags['output'], ctx: CommandContext): string {
  switch (output) {
    case 'json':
      return `${JSON.stringify(queryJson(r), null, 2)}\n`;
    case 'csv':
      return renderQueryCsv(r);
    case 'markdown':
      return renderQueryMarkdown(r);
    case 'table':
      return renderQueryTable(r, ctx.chalk);
  }
}

function summariseSkips(r: QueryResult, ctx: CommandContext): void {
  if (r.skipped.length > 0) {
    const reasons = new Map<string, number>();
    for (const s of r.skipped) reasons.set(s.reason, (reasons.get(s.reason) ?? 0) + 1);
    const top = [...reasons.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([why, n]) => `${n} ${why}`).join('; ');
    ctx.log.info(`skipped ${r.skipped.length} non-SBOM file(s): ${top}${r.skipped.length > 0 ? ' (listed in -o json)' : ''}`);
  }
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
      .description('find packages across SBOM files and directories (any format) or an index (--db)')
      .argument('[paths...]', 'SBOM files and/or directories (searched recursively)')
      .option('--name <name>', "package name, exact or glob ('log4j-*'), case-insensitive")
      .option('--purl <purl>', "package URL without or with version, or with a range: 'pkg:maven/g/a@vers:maven/>=2.0|<2.15.0'")
      .option('--cpe <cpe>', "CPE 2.3 or 2.2, '*' wildcards ('cpe:2.3:a:apache:log4j:*')")
      .option('--version <range>', "version range in the package's ecosystem: '>=2.0.0 <2.17.1', '[2.0,2.15)', 'vers:maven/...'")
      .option('--db <file>', 'query an index built with `custody sbom index add` instead of files')
      .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'csv', 'markdown']).default('table'))
      .option('--workers <n>', 'threads for the file scan (default: all cores from 2,000 files on, one below: a worker costs more than it saves on small sets)')
      .action(
        runner.action(async (ctx, paths: string[], flags: QueryFlags) => {
          const options: QueryOptions = {};
          if (flags.name !== undefined) options.name = flags.name;
          if (flags.purl !== undefined) options.purl = flags.purl;
          if (flags.cpe !== undefined) options.cpe = flags.cpe;
          if (flags.version !== undefined) options.version = flags.version;
          let result: QueryResult;
          if (flags.db !== undefined) {
            if (paths.length > 0) throw new UsageError('QUERY_PATHS_WITH_DB', 'give either SBOM paths or --db, not both', { hint: 'drop the paths to query the index, or drop --db to scan files' });
            // The index (SQLite, every decoder) is loaded only when asked for: a file scan starts faster without it.
            const { queryIndex } = await import('../query/index/index.js');
            result = await queryIndex(flags.db, options);
          } else {
            if (paths.length === 0) throw new UsageError('QUERY_NO_PATHS', 'no SBOM files or directories given', { hint: 'custody sbom query ./sboms --name log4j-core, or --db FILE' });
            let workers: number | undefined;
            if (flags.workers !== undefined) {
              workers = Number(flags.workers);
              if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new UsageError('QUERY_BAD_WORKERS', `--workers ${flags.workers} is not a number from 1 to 64`, { hint: 'pass e.g. --workers 2' });
            }
            result = await queryFiles(paths, options, { logger: ctx.log, signal: ctx.io.signal, ...(workers !== undefined ? { workers } : {}) });
          }
          ctx.io.stdout.write(renderQuery(result, flags.output, ctx));
          summariseSkips(result, ctx);
          if (result.errors.length > 0) return ExitCode.Input;
          return result.matches.length > 0 ? ExitCode.Ok : ExitCode.PolicyFailed;
        }),
      );
  },
};
