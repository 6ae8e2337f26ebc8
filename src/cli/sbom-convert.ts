/** `custody sbom convert IN -o FORMAT [--file OUT]`: read any SBOM, write it in another format (sbom/encode). */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ExitCode, InputError, UsageError, errorMessage } from '../core/errors.js';
import { ENCODE_FORMATS, encodeSbom, isEncodeFormat } from '../sbom/encode.js';
import { readSbom } from '../sbom/index.js';
import { sbomCommand, type CommandModule } from './command.js';

export const sbomConvertCommand: CommandModule = {
  register(program: Command, runner) {
    sbomCommand(program)
      .command('convert')
      .description('convert an SBOM (any format custody reads) to cyclonedx-json/xml, spdx-json or custody json')
      .argument('<input>', 'the SBOM to convert')
      .requiredOption('-o, --output <format>', `output format: ${ENCODE_FORMATS.join(', ')}`)
      .option('--file <path>', 'write to this file instead of standard output')
      .action(
        runner.action(async (ctx, input: string, flags: { output: string; file?: string }) => {
          if (!isEncodeFormat(flags.output)) {
            throw new UsageError('SBOM_UNKNOWN_FORMAT', `unknown output format ${JSON.stringify(flags.output)}`, { hint: `use one of: ${ENCODE_FORMATS.join(', ')}` });
          }
          const sbom = await readSbom(input, { logger: ctx.log });
          const text = encodeSbom(sbom, flags.output, { clock: ctx.clock });
          const out = text.endsWith('\n') ? text : `${text}\n`;
          if (flags.file !== undefined) {
            try {
              await writeFile(flags.file, out);
            } catch (err) {
              throw new InputError('SBOM_WRITE_FAILED', `cannot write ${flags.file}: ${errorMessage(err)}`, { hint: 'check the directory exists and is writable', cause: err });
            }
            ctx.log.info(`wrote ${sbom.packages.length} packages as ${flags.output} to ${flags.file}`);
          } else ctx.io.stdout.write(out);
          return ExitCode.Ok;
        }),
      );
  },
};
