/**
 * `custody sbom diff A B` (any formats): packages added, removed, changed.
 * Exit like diff(1): 0 same packages, 1 differences, 3 unreadable input.
 */
import { Option, type Command } from 'commander';
import { ExitCode } from '../core/errors.js';
import { diffSboms, type SbomDiff } from '../query/diff.js';
import { formatLabel } from '../query/result.js';
import { readSbomWithFormat } from '../sbom/index.js';
import { sbomCommand, type CommandModule } from './command.js';
import type { CommandContext } from './io.js';

function renderTable(d: SbomDiff, ctx: CommandContext): string {
  const c = ctx.chalk;
  const out = [`${c.dim('---')} ${d.a.path} (${d.a.format}, ${d.a.packages} packages, ${d.a.subject})`, `${c.dim('+++')} ${d.b.path} (${d.b.format}, ${d.b.packages} packages, ${d.b.subject})`];
  for (const e of d.removed) out.push(c.red(`- ${e.name} ${e.versions.join(', ')}${e.purl ? `  ${e.purl}` : ''}`));
  for (const e of d.added) out.push(c.green(`+ ${e.name} ${e.versions.join(', ')}${e.purl ? `  ${e.purl}` : ''}`));
  for (const e of d.changed) out.push(c.yellow(`~ ${e.name} ${e.from.join(', ')} -> ${e.to.join(', ')}`));
  out.push(`${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed, ${d.unchanged} unchanged`);
  return `${out.join('\n')}\n`;
}

function renderMarkdown(d: SbomDiff): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
  const out = ['## SBOM diff', '', `\`${cell(d.a.path)}\` → \`${cell(d.b.path)}\`: ${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed, ${d.unchanged} unchanged.`, ''];
  if (d.added.length + d.removed.length + d.changed.length > 0) {
    out.push('| Change | Package | From | To |', '| --- | --- | --- | --- |');
    for (const e of d.removed) out.push(`| removed | ${cell(e.name)} | ${cell(e.versions.join(', '))} | |`);
    for (const e of d.added) out.push(`| added | ${cell(e.name)} | | ${cell(e.versions.join(', '))} |`);
    for (const e of d.changed) out.push(`| changed | ${cell(e.name)} | ${cell(e.from.join(', '))} | ${cell(e.to.join(', '))} |`);
  }
  return `${out.join('\n')}\n`;
}

export const sbomDiffCommand: CommandModule = {
  register(program: Command, runner) {
    sbomCommand(program)
      .command('diff')
      .description('packages added, removed and changed between two SBOMs (any formats)')
      .argument('<old>', 'the older SBOM')
      .argument('<new>', 'the newer SBOM')
      .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'markdown']).default('table'))
      .action(
        runner.action(async (ctx, oldPath: string, newPath: string, flags: { output: 'table' | 'json' | 'markdown' }) => {
          const a = await readSbomWithFormat(oldPath, { logger: ctx.log });
          const b = await readSbomWithFormat(newPath, { logger: ctx.log });
          const d = diffSboms(a.sbom, b.sbom, { a: { path: oldPath, format: formatLabel(a.format) }, b: { path: newPath, format: formatLabel(b.format) } });
          ctx.io.stdout.write(flags.output === 'json' ? `${JSON.stringify(d, null, 2)}\n` : flags.output === 'markdown' ? renderMarkdown(d) : renderTable(d, ctx));
          return d.added.length + d.removed.length + d.changed.length > 0 ? ExitCode.PolicyFailed : ExitCode.Ok;
        }),
      );
  },
};
