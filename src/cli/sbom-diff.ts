/**
 * `custody sbom diff A B` (any formats): packages added, removed, changed (and moved, `--by location`).
 * Exit like diff(1): 0 same packages, 1 differences, 3 unreadable input (or "same" between SBOMs that
 * declare themselves incomplete, unless --allow-incomplete).
 */
import { Option, type Command } from 'commander';
import { diffIsEmpty, diffSboms, type SbomDiff } from '../query/diff.js';
import { formatLabel } from '../query/result.js';
import { incompleteJson, renderIncompleteLines, renderIncompleteMarkdown } from '../report/incomplete.js';
import { declaredIncompleteInput } from '../sbom/completeness.js';
import type { Location } from '../sbom/model.js';
import { readSbomWithFormat } from '../sbom/index.js';
import { sbomCommand, type CommandModule } from './command.js';
import type { CommandContext } from './io.js';
import { gateOutcome } from './outcome.js';

function where(ls: readonly Location[]): string {
  return ls.length > 0 ? `  at ${ls.map((l) => l.path).join(', ')}` : '';
}

function renderTable(d: SbomDiff, ctx: CommandContext): string {
  const c = ctx.chalk;
  const out = [`${c.dim('---')} ${d.a.path} (${d.a.format}, ${d.a.packages} packages, ${d.a.subject})`, `${c.dim('+++')} ${d.b.path} (${d.b.format}, ${d.b.packages} packages, ${d.b.subject})`];
  const mark = (deleted: boolean | undefined): string => (deleted ? ' (deleted)' : '');
  for (const e of d.removed) out.push(c.red(`- ${e.name} ${e.versions.join(', ')}${mark(e.deleted)}${e.purl ? `  ${e.purl}` : ''}${where(e.locations)}`));
  for (const e of d.added) out.push(c.green(`+ ${e.name} ${e.versions.join(', ')}${mark(e.deleted)}${e.purl ? `  ${e.purl}` : ''}${where(e.locations)}`));
  for (const e of d.changed) out.push(c.yellow(`~ ${e.name} ${e.from.join(', ')} -> ${e.to.join(', ')}${where(e.toLocations)}`));
  for (const e of d.moved) out.push(c.cyan(`> ${e.name} ${e.version} ${e.from.map((l) => l.path).join(', ') || '-'} -> ${e.to.map((l) => l.path).join(', ') || '-'}`));
  out.push(`${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed, ${d.by === 'location' ? `${d.moved.length} moved, ` : ''}${d.unchanged} unchanged`);
  return `${out.join('\n')}\n`;
}

function renderMarkdown(d: SbomDiff): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
  const paths = (ls: readonly Location[]): string => cell(ls.map((l) => l.path).join(', '));
  const out = [
    '## SBOM diff',
    '',
    `\`${cell(d.a.path)}\` → \`${cell(d.b.path)}\`: ${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed, ${d.by === 'location' ? `${d.moved.length} moved, ` : ''}${d.unchanged} unchanged.`,
    '',
  ];
  if (!diffIsEmpty(d)) {
    out.push('| Change | Package | From | To | Where |', '| --- | --- | --- | --- | --- |');
    for (const e of d.removed) out.push(`| removed | ${cell(e.name)} | ${cell(e.versions.join(', '))} | | ${paths(e.locations)} |`);
    for (const e of d.added) out.push(`| added | ${cell(e.name)} | | ${cell(e.versions.join(', '))} | ${paths(e.locations)} |`);
    for (const e of d.changed) out.push(`| changed | ${cell(e.name)} | ${cell(e.from.join(', '))} | ${cell(e.to.join(', '))} | ${paths(e.toLocations)} |`);
    for (const e of d.moved) out.push(`| moved | ${cell(e.name)} ${cell(e.version)} | ${paths(e.from)} | ${paths(e.to)} | |`);
  }
  return `${out.join('\n')}\n`;
}

export const sbomDiffCommand: CommandModule = {
  register(program: Command, runner) {
    sbomCommand(program)
      .command('diff')
      .description('packages added, removed and changed between two SBOMs (any formats), by package identity')
      .argument('<old>', 'the older SBOM')
      .argument('<new>', 'the newer SBOM')
      .addOption(new Option('--by <what>', 'package: same identity and version is the same package; location: a copy at another path is reported as moved').choices(['package', 'location']).default('package'))
      .option('--include-deleted', 'also compare packages a later image layer deleted (SBOMs made with --scope all-layers)', false)
      .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'markdown']).default('table'))
      .action(
        runner.action(async (ctx, oldPath: string, newPath: string, flags: { output: 'table' | 'json' | 'markdown'; by: 'package' | 'location'; includeDeleted: boolean }) => {
          const a = await readSbomWithFormat(oldPath, { logger: ctx.log });
          const b = await readSbomWithFormat(newPath, { logger: ctx.log });
          const d = diffSboms(a.sbom, b.sbom, { a: { path: oldPath, format: formatLabel(a.format) }, b: { path: newPath, format: formatLabel(b.format) } }, { by: flags.by, includeDeleted: flags.includeDeleted });
          // "No differences" between SBOMs that declare themselves incomplete is not an answer (README "Completeness").
          const incomplete = [declaredIncompleteInput(a.sbom, oldPath), declaredIncompleteInput(b.sbom, newPath)].filter((i) => i !== undefined);
          const text =
            flags.output === 'json'
              ? `${JSON.stringify({ ...d, incomplete: incompleteJson(incomplete) }, null, 2)}\n`
              : flags.output === 'markdown'
                ? renderMarkdown(d) + renderIncompleteMarkdown(incomplete)
                : renderTable(d, ctx) + renderIncompleteLines(incomplete, ctx.chalk).map((l) => `${l}\n`).join('');
          ctx.io.stdout.write(text);
          const hidden = d.hiddenDeleted.a + d.hiddenDeleted.b;
          if (hidden > 0) ctx.log.info(`${hidden} package(s) a later layer deleted not compared (${d.hiddenDeleted.a} in ${oldPath}, ${d.hiddenDeleted.b} in ${newPath}; --include-deleted compares them)`);
          return gateOutcome(!diffIsEmpty(d), incomplete);
        }),
      );
  },
};
