/**
 * `custody sbom validate FILE...`: check against the official schema of the document's format and version.
 * Every file is reported (valid, invalid with its errors, or the error that kept it from being checked);
 * the exit code is the worst of them: 1 some invalid, else 3 unreadable/unknown, else 4 no validator or
 * schema, else 0 (cli/outcome.ts worstExitCode).
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import { AuditError, ExitCode } from '../core/errors.js';
import { loadSchemaFile, validateSbomFile, type SchemaSet, type ValidationResult } from '../sbom/validate/index.js';
import { sbomCommand, type CommandModule } from './command.js';
import { worstExitCode } from './outcome.js';
import { formatError } from './render-error.js';

/** One file's line in the report: validated, or the error that kept it from being validated. */
type FileReport =
  | (ValidationResult & { status: 'valid' | 'invalid' })
  | { path: string; status: 'error'; valid: null; error: { code: string; message: string; hint?: string }; errors: []; errorCount: 0 };

export const sbomValidateCommand: CommandModule = {
  register(program: Command, runner) {
    sbomCommand(program)
      .command('validate')
      .description('validate SBOMs against the official schema of their format and version')
      .argument('<files...>', 'SBOM files')
      .option('--schema <file>', 'a JSON Schema to use instead of the built-in one (referenced schemas are read from beside it)')
      .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
      .action(
        runner.action(async (ctx, files: string[], flags: { schema?: string; output: 'table' | 'json' }) => {
          const abs = (p: string): string => (isAbsolute(p) ? p : resolve(ctx.io.cwd, p));
          // The schema is common to every file: a bad one stops the run before any file is read.
          const schema: SchemaSet | undefined = flags.schema === undefined ? undefined : await loadSchemaFile(abs(flags.schema), flags.schema);
          const reports: FileReport[] = [];
          const codes: ExitCode[] = [];
          // The schema of custody's json model ships with custody: docs/ is two levels above this module in dist/cli, dist/bundle and src/cli.
          const custodySchema = fileURLToPath(new URL('../../docs/schemas/custody-sbom.schema.json', import.meta.url));
          for (const f of files) {
            try {
              const r = await validateSbomFile(abs(f), { schema, shown: f, custodySchema });
              reports.push({ ...r, status: r.valid ? 'valid' : 'invalid' });
              codes.push(r.valid ? ExitCode.Ok : ExitCode.PolicyFailed);
            } catch (err) {
              if (!(err instanceof AuditError)) throw err;
              ctx.io.stderr.write(formatError(err, ctx.chalkErr, ctx.options.debug));
              reports.push({ path: f, status: 'error', valid: null, error: { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) }, errors: [], errorCount: 0 });
              codes.push(err.exitCode);
            }
          }
          if (flags.output === 'json') ctx.io.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
          else {
            for (const r of reports) {
              if (r.status === 'error') {
                ctx.io.stdout.write(`${ctx.chalk.yellow('error')}    ${r.path}: not validated [${r.error.code}]\n`);
                continue;
              }
              const label = `${r.format.id}${r.format.version ? `@${r.format.version}` : ''}`;
              if (r.valid) ctx.io.stdout.write(`${ctx.chalk.green('valid')}    ${r.path} (${label}, ${r.schema})\n`);
              else {
                ctx.io.stdout.write(`${ctx.chalk.red('invalid')}  ${r.path} (${label}, ${r.schema}): ${r.errorCount} error(s)\n`);
                for (const e of r.errors.slice(0, 20)) ctx.io.stdout.write(`  ${e}\n`);
                if (r.errorCount > 20) ctx.io.stdout.write(`  ... ${r.errorCount - 20} more (-o json lists up to 200)\n`);
              }
            }
          }
          return worstExitCode(codes);
        }),
      );
  },
};
