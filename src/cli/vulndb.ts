/**
 * `custody vulndb update|status|import|prune`: the local vulnerability database the native scanner
 * reads (README "custody vulndb"). Network only in `update`.
 */
import { isAbsolute, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { ExitCode } from '../core/errors.js';
import { formatAge, importVulnDb, pruneVulnDb, vulnDbStatus, type VulnDbStatus } from '../vuln/index.js';
import type { CommandModule } from './command.js';
import type { CommandContext } from './io.js';
import { lockSettings, renderUpdate, runVulnDbUpdate, vulnDbDir, type UpdateFlags, type VulnDbDirFlag } from './vulndb-wiring.js';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];
type Out = { output: 'table' | 'json' };

export const vulndbCommand: CommandModule = {
  register(program: Command, runner) {
    const vulndb = program.command('vulndb').description('keep the local vulnerability database (osv.dev data) the native scanner reads');
    const dirOption = (): Option => new Option('--vulndb-dir <dir>', 'the database directory (default $CUSTODY_VULNDB_DIR, else $XDG_CACHE_HOME/custody/vulndb, else ~/.cache/custody/vulndb)');
    const outOption = (): Option => new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table');
    const lockOption = (): Option => new Option('--lock-timeout <seconds>', 'how long to wait for another custody writing the database').default('300');

    vulndb
      .command('update')
      .description('download (or refresh) osv.dev per-ecosystem exports; unchanged ones cost a 304')
      .option('--ecosystem <name>', "an OSV ecosystem ('Maven', 'PyPI', 'Debian:12', 'Red Hat'); repeatable. Default: what the database holds, else every ecosystem custody matches", collect, [])
      .option('--source <url>', 'a mirror laid out like osv.dev\'s bucket (<Ecosystem>/all.zip, ecosystems.txt); default $CUSTODY_VULNDB_SOURCE, else https://osv-vulnerabilities.storage.googleapis.com/')
      .option('--allow-insecure-source', 'accept a plain http:// source (its data could be altered on the way)', false)
      .option('--ca-file <pem>', 'extra CA certificates to trust for the source (and the proxy)')
      .option('--timeout <seconds>', 'connect / response / idle timeout', '60')
      .addOption(lockOption())
      .addOption(dirOption())
      .addOption(outOption())
      .action(
        runner.action(async (ctx, flags: UpdateFlags & Out) => {
          const r = await runVulnDbUpdate(ctx, flags);
          ctx.io.stdout.write(flags.output === 'json' ? `${JSON.stringify({ schema: 'custody.vulndb-update/v1', ...r, error: r.error ? { code: r.error.code, message: r.error.message } : undefined }, null, 2)}\n` : renderUpdate(r));
          if (r.error) throw r.error;
          return ExitCode.Ok;
        }),
      );

    vulndb
      .command('status')
      .description('what the database holds: per ecosystem records, fetch time, upstream last-modified, size, source')
      .addOption(dirOption())
      .addOption(outOption())
      .action(
        runner.action(async (ctx, flags: VulnDbDirFlag & Out) => {
          const s = await vulnDbStatus(vulnDbDir(ctx, flags), ctx.clock.now());
          ctx.io.stdout.write(flags.output === 'json' ? `${JSON.stringify(s, null, 2)}\n` : renderStatus(s));
          return ExitCode.Ok;
        }),
      );

    vulndb
      .command('import')
      .description('import OSV records from a directory or zip (an air-gapped copy of osv.dev, a vendor export)')
      .argument('<path>', 'a directory of OSV JSON files and/or all.zip files, or one zip')
      .addOption(lockOption())
      .addOption(dirOption())
      .addOption(outOption())
      .action(
        runner.action(async (ctx, path: string, flags: VulnDbDirFlag & Out & { lockTimeout?: string }) => {
          const r = await importVulnDb({ root: vulnDbDir(ctx, flags), path: resolveArg(ctx, path), log: ctx.log, now: () => ctx.clock.now(), signal: ctx.io.signal, lock: lockSettings(flags.lockTimeout) });
          if (flags.output === 'json') ctx.io.stdout.write(`${JSON.stringify({ schema: 'custody.vulndb-import/v1', ...r }, null, 2)}\n`);
          else {
            const lines = [`vulndb: imported ${r.source} into ${r.root} (generation ${r.generation})`];
            for (const d of r.datasets) lines.push(`  ${d.name}: ${d.records} records${d.withdrawn ? `, ${d.withdrawn} withdrawn` : ''}${d.skipped ? `, ${d.skipped} invalid skipped` : ''}${d.replaced ? ' (replaced the previous data)' : ''}`);
            if (r.unattached > 0) lines.push(`  ${r.unattached} records name no affected package (nothing to match; not stored)`);
            ctx.io.stdout.write(`${lines.join('\n')}\n`);
          }
          for (const d of r.datasets.filter((x) => x.skipped > 0)) ctx.log.warn(`${d.name}: ${d.skipped} invalid records skipped (vulndb status lists examples)`);
          return ExitCode.Ok;
        }),
      );

    vulndb
      .command('prune')
      .description('remove old generations and leftovers; with --ecosystem, data you no longer want; with --all, everything')
      .option('--ecosystem <name>', 'drop this dataset (as `vulndb status` names it); repeatable', collect, [])
      .option('--all', 'remove the whole database', false)
      .addOption(lockOption())
      .addOption(dirOption())
      .addOption(outOption())
      .action(
        runner.action(async (ctx, flags: VulnDbDirFlag & Out & { ecosystem: string[]; all: boolean; lockTimeout?: string }) => {
          const r = await pruneVulnDb({ root: vulnDbDir(ctx, flags), ecosystems: flags.ecosystem, all: flags.all, log: ctx.log, now: () => ctx.clock.now(), signal: ctx.io.signal, lock: lockSettings(flags.lockTimeout) });
          if (flags.output === 'json') ctx.io.stdout.write(`${JSON.stringify({ schema: 'custody.vulndb-prune/v1', ...r }, null, 2)}\n`);
          else ctx.io.stdout.write(r.removed.length === 0 ? `vulndb: nothing to prune in ${r.root}\n` : `vulndb: removed ${r.removed.join(', ')}; ${(r.freed / 1024 / 1024).toFixed(1)} MB freed\n`);
          return ExitCode.Ok;
        }),
      );
  },
};

function resolveArg(ctx: CommandContext, p: string): string {
  return isAbsolute(p) ? p : resolve(ctx.io.cwd, p);
}

function renderStatus(s: VulnDbStatus): string {
  const lines = [`vulndb: ${s.location} (generation ${s.generation}, written ${s.created}): ${s.records} records`];
  const rows = [['ECOSYSTEM', 'RECORDS', 'FETCHED', 'AGE', 'UPSTREAM MODIFIED', 'SIZE', 'SOURCE']];
  for (const d of s.datasets) {
    rows.push([
      d.keep ? `${d.name} (${d.keep.join(', ')})` : d.name,
      String(d.records),
      d.fetchedAt ?? `(imported; newest ${d.newestModified ?? '?'})`,
      d.ageSeconds !== undefined ? formatAge(d.ageSeconds) : '?',
      d.upstreamLastModified ?? '-',
      `${(d.indexBytes / 1024 / 1024).toFixed(1)} MB`,
      d.source,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) lines.push(`  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`);
  for (const d of s.datasets.filter((x) => x.skipped > 0)) lines.push(`  ${d.name}: ${d.skipped} invalid records skipped, e.g. ${d.skippedExamples[0] ?? ''}`);
  const unknown = Object.entries(s.unknownEcosystems).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (unknown.length > 0) lines.push(`  ecosystems custody does not match (counted, not used): ${unknown.map(([e, n]) => `${e} (${n})`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}
