/**
 * `custody sbom validate FILE...`: check against the official schema of the document's format and version.
 * Exit 0 all valid, 1 some invalid (errors listed), 3 unreadable/unknown, 4 no validator/schema available.
 */
import { Option, type Command } from 'commander';
import { ExitCode } from '../core/errors.js';
import { validateSbomFile, type ValidationResult } from '../sbom/validate/index.js';
import { sbomCommand, type CommandModule } from './command.js';

export const sbomValidateCommand: CommandModule = {
  register(program: Command, runner) {
    sbomCommand(program)
      .command('validate')
      .description('validate SBOMs against the official schema of their format and version')
      .argument('<files...>', 'SBOM files')
      .option('--schema <file>', 'the official SPDX JSON schema to use for SPDX 2.x JSON documents')
      .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
      .action(
        runner.action(async (ctx, files: string[], flags: { schema?: string; output: 'table' | 'json' }) => {
          const results: ValidationResult[] = [];
          for (const f of files) results.push(await validateSbomFile(f, { spdxSchema: flags.schema }));
          if (flags.output === 'json') ctx.io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
          else {
            for (const r of results) {
              const label = `${r.format.id}${r.format.version ? `@${r.format.version}` : ''}`;
              if (r.valid) ctx.io.stdout.write(`${ctx.chalk.green('valid')}    ${r.path} (${label}, ${r.schema})\n`);
              else {
                ctx.io.stdout.write(`${ctx.chalk.red('invalid')}  ${r.path} (${label}, ${r.schema}): ${r.errorCount} error(s)\n`);
                for (const e of r.errors.slice(0, 20)) ctx.io.stdout.write(`  ${e}\n`);
                if (r.errorCount > 20) ctx.io.stdout.write(`  ... ${r.errorCount - 20} more (-o json lists up to 200)\n`);
              }
            }
          }
          return results.every((r) => r.valid) ? ExitCode.Ok : ExitCode.PolicyFailed;
        }),
      );
  },
};
