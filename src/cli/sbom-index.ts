/**
 * `custody sbom index add|remove|list|stats --db FILE`: a SQLite index of many SBOMs for fast
 * `sbom query --db`. `add` is incremental: files whose path and sha256 are unchanged are skipped.
 */
import { Option, type Command } from 'commander';
import { ExitCode } from '../core/errors.js';
import { addToIndex, indexStats, listIndex, removeFromIndex } from '../query/index/index.js';
import { incompleteJson } from '../report/incomplete.js';
import { labelOf } from '../query/result.js';
import { sbomCommand, type CommandModule } from './command.js';
import { writtenOutcome } from './outcome.js';

type Out = { output: 'table' | 'json' };

export const sbomIndexCommand: CommandModule = {
  register(program: Command, runner) {
    const index = sbomCommand(program).command('index').description('maintain a SQLite index of SBOMs for `sbom query --db`');
    const dbOption = (): Option => new Option('--db <file>', 'the index file (SQLite)').makeOptionMandatory();
    const outOption = (): Option => new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table');

    index
      .command('add')
      .description('add SBOM files/directories (unchanged files are skipped by content hash)')
      .argument('<paths...>', 'SBOM files and/or directories')
      .addOption(dbOption())
      .addOption(outOption())
      .action(
        runner.action(async (ctx, paths: string[], flags: { db: string } & Out) => {
          const r = await addToIndex(flags.db, paths, { logger: ctx.log, clock: ctx.clock, signal: ctx.io.signal });
          const incomplete = incompleteJson(r.incomplete);
          if (flags.output === 'json') ctx.io.stdout.write(`${JSON.stringify({ ...r, incomplete }, null, 2)}\n`);
          else {
            ctx.io.stdout.write(
              `${r.added.length} added, ${r.updated.length} updated, ${r.unchanged.length} unchanged, ${r.skipped.length} skipped (not SBOMs), ${incomplete.length} not read; ${r.packages} packages written to ${flags.db}\n`,
            );
          }
          for (const s of r.skipped.slice(0, 5)) ctx.log.info(`skipped ${s.path}: ${s.reason}`);
          if (r.skipped.length > 5) ctx.log.info(`... ${r.skipped.length - 5} more skipped (see -o json)`);
          for (const e of r.errors) ctx.io.stderr.write(`${ctx.chalkErr.red('error:')} ${e.path}: ${e.reason}\n`);
          // An index written from partial input is not done (README "Completeness"); `query --db` will say so too.
          return writtenOutcome(r.incomplete);
        }),
      );

    index
      .command('remove')
      .description('remove SBOMs (files, or every SBOM under a directory) from the index')
      .argument('<paths...>', 'paths as they were added')
      .addOption(dbOption())
      .addOption(outOption())
      .action(
        runner.action(async (ctx, paths: string[], flags: { db: string } & Out) => {
          const r = removeFromIndex(flags.db, paths);
          if (flags.output === 'json') ctx.io.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
          else ctx.io.stdout.write(`${r.removed.length} removed${r.missing.length > 0 ? `; not in the index: ${r.missing.join(', ')}` : ''}\n`);
          return r.missing.length > 0 ? ExitCode.PolicyFailed : ExitCode.Ok;
        }),
      );

    index
      .command('list')
      .description('list the indexed SBOMs')
      .addOption(dbOption())
      .addOption(outOption())
      .action(
        runner.action(async (ctx, flags: { db: string } & Out) => {
          const list = listIndex(flags.db);
          if (flags.output === 'json') ctx.io.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
          else {
            for (const s of list) ctx.io.stdout.write(`${s.path}\t${s.format}\t${s.packages}\t${labelOf(s.subject)}${s.subject.digest ? `\t${s.subject.digest}` : ''}\n`);
          }
          return ExitCode.Ok;
        }),
      );

    index
      .command('stats')
      .description('counts of SBOMs and packages, by format and ecosystem')
      .addOption(dbOption())
      .addOption(outOption())
      .action(
        runner.action(async (ctx, flags: { db: string } & Out) => {
          const s = indexStats(flags.db);
          if (flags.output === 'json') ctx.io.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
          else {
            const lines = [`sboms     ${s.sboms}`, `packages  ${s.packages}`];
            if (s.unread !== undefined && s.unread > 0) lines.push(`not read  ${s.unread} (files index add could not read, or SBOMs that declare themselves incomplete)`);
            if (s.bytesOnDisk !== undefined) lines.push(`size      ${s.bytesOnDisk} bytes`);
            lines.push('by format:', ...Object.entries(s.byFormat).map(([k, v]) => `  ${k}  ${v}`));
            lines.push('by ecosystem:', ...Object.entries(s.byEcosystem).map(([k, v]) => `  ${k}  ${v}`));
            ctx.io.stdout.write(`${lines.join('\n')}\n`);
          }
          return ExitCode.Ok;
        }),
      );
  },
};
