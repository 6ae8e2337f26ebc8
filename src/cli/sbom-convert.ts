/** `custody sbom convert IN -o FORMAT [--file OUT]`: read any SBOM, write it in another format (sbom/encode). */
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { declaredIncompleteInput } from '../sbom/completeness.js';
import { ENCODE_FORMATS, encodeSbom, isEncodeFormat } from '../sbom/encode.js';
import { readSbom } from '../sbom/index.js';
import { sbomCommand, type CommandModule } from './command.js';
import { writtenOutcome } from './outcome.js';
import { StagedOutputs } from './output.js';

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
          // The output file is checked before the input is read; it appears only once complete.
          const files = await StagedOutputs.prepare(flags.file === undefined ? [] : [{ path: flags.file, label: flags.output }], ctx.io.cwd);
          try {
            const sbom = await readSbom(input, { logger: ctx.log });
            const text = encodeSbom(sbom, flags.output, { clock: ctx.clock });
            const out = text.endsWith('\n') ? text : `${text}\n`;
            if (flags.file !== undefined) {
              await files.put(flags.file, out, flags.output);
              await files.commit(ctx.io.signal);
              ctx.log.info(`wrote ${sbom.packages.length} packages as ${flags.output} to ${flags.file}`);
            } else ctx.io.stdout.write(out);
            // The declaration travels into the output; an SBOM that says it is incomplete is still incomplete input.
            const declared = declaredIncompleteInput(sbom, input);
            return writtenOutcome(declared ? [declared] : []);
          } finally {
            await files.discard();
          }
        }),
      );
  },
};
