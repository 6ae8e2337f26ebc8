/**
 * The composition root: builds the commander program, runs one command, and is the only place that
 * turns results and errors into exit codes (README "Exit codes").
 */
import { Command, CommanderError, Option } from 'commander';
import { createRequire } from 'node:module';
import { AuditError, ExitCode, errorMessage } from '../core/errors.js';
import type { Runner } from './command.js';
import { commandsFor } from './commands.js';
import { commandContext, processIO, type CliIO, type CommandContext, type GlobalOptions } from './io.js';
import { formatError } from './render-error.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

export const CUSTODY_VERSION = version;

export async function buildProgram(io: CliIO, state: { exitCode: ExitCode; ctx?: CommandContext }, argv: readonly string[] = []): Promise<Command> {
  const program = new Command('custody');
  program
    .description('supply-chain auditor: SBOMs, signatures, provenance and vulnerabilities of container images')
    .version(version, '-V', 'output the version number (also --version, before any subcommand)')
    .option('--debug', 'print the cause chain of errors and debug messages', false)
    .option('-q, --quiet', 'no progress or informational messages on stderr', false)
    .addOption(new Option('--no-color', 'disable colour (NO_COLOR is honoured too)'))
    .showHelpAfterError('(run with --help for usage)')
    .enablePositionalOptions(false)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride();

  const runner: Runner = {
    action(body) {
      return async (...args) => {
        const opts = program.opts<{ debug: boolean; quiet: boolean; color: boolean }>();
        const globals: GlobalOptions = { debug: opts.debug, quiet: opts.quiet, color: opts.color !== false };
        const ctx = commandContext(io, globals);
        state.ctx = ctx;
        state.exitCode = await body(ctx, ...args);
      };
    },
  };
  for (const module of await Promise.all(commandsFor(argv).map((c) => c.load()))) module.register(program, runner);
  // Subcommands inherit output configuration and exit override.
  const configure = (cmd: Command): void => {
    for (const sub of cmd.commands) {
      sub.configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
      sub.exitOverride();
      sub.showHelpAfterError('(run with --help for usage)');
      configure(sub);
    }
  };
  configure(program);
  return program;
}

/** Run custody with argv (without node and script); returns the exit code. Never throws. */
export async function run(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  const state: { exitCode: ExitCode; ctx?: CommandContext } = { exitCode: ExitCode.Ok };
  let program: Command;
  try {
    program = await buildProgram(io, state, argv);
  } catch (err) {
    io.stderr.write(formatError(err, commandContext(io, { debug: true, quiet: false, color: false }).chalkErr, true));
    return ExitCode.Internal;
  }
  try {
    // `--version` belongs to the root only as the first word: `sbom query --version RANGE` is a range.
    await program.parseAsync(argv[0] === '--version' ? ['-V', ...argv.slice(1)] : [...argv], { from: 'user' });
    return state.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      if (err.exitCode === 0) return ExitCode.Ok;
      return ExitCode.Usage;
    }
    const debug = argv.includes('--debug');
    const ctx = state.ctx ?? commandContext(io, { debug, quiet: false, color: !argv.includes('--no-color') });
    io.stderr.write(formatError(err, ctx.chalkErr, debug));
    return err instanceof AuditError ? err.exitCode : ExitCode.Internal;
  }
}

/** Entry point used by bin/custody.js. */
export async function main(argv: readonly string[]): Promise<number> {
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  // A closed pipe (custody ... | head) is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
  try {
    return await run(argv, processIO(controller.signal));
  } catch (err) {
    process.stderr.write(`custody: internal error: ${errorMessage(err)}\n`);
    return ExitCode.Internal;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}
