/**
 * The composition root: builds the commander program, runs one command, and is the only place that
 * turns results and errors into exit codes (README "Exit codes").
 */
import { Command, CommanderError, Option } from 'commander';
import { createRequire } from 'node:module';
import { parseSourceDateEpoch } from '../core/clock.js';
import { AuditError, ExitCode, errorMessage } from '../core/errors.js';
import type { Runner } from './command.js';
import { commandsFor } from './commands.js';
import { commandContext, processIO, type CliIO, type CommandContext, type GlobalOptions } from './io.js';
import { exitCodeFor, incompleteSummary, isOutcome } from './outcome.js';
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
    .option('--allow-incomplete', 'accept a negative answer (no match, passed, SBOM written) over input that could not be read completely: exit as if complete; the report still lists what was not read', false)
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
        const opts = program.opts<{ debug: boolean; quiet: boolean; color: boolean; allowIncomplete: boolean }>();
        const globals: GlobalOptions = { debug: opts.debug, quiet: opts.quiet, color: opts.color !== false, allowIncomplete: opts.allowIncomplete };
        const ctx = commandContext(io, globals);
        state.ctx = ctx;
        // A malformed SOURCE_DATE_EPOCH is a usage error for every command, before any work (exit 2).
        parseSourceDateEpoch(io.env.SOURCE_DATE_EPOCH);
        const result = await body(ctx, ...args);
        if (!isOutcome(result)) {
          state.exitCode = result;
          return;
        }
        // The one place a negative answer over unread input becomes exit 3 (README "Completeness").
        const allow = globals.allowIncomplete === true || result.allowIncomplete === true;
        io.stderr.write(ctx.chalkErr.yellow(incompleteSummary(result, allow)));
        state.exitCode = exitCodeFor(result, allow);
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

/** 130/143 and the one "interrupted" line when the run was stopped by a signal; undefined otherwise. */
function interrupted(io: CliIO): ExitCode | undefined {
  if (!io.signal.aborted) return undefined;
  const reason = io.signal.reason instanceof Error ? io.signal.reason.message : String(io.signal.reason);
  io.stderr.write(`custody: interrupted (${reason})\n`);
  return reason === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted;
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
    return interrupted(io) ?? state.exitCode;
  } catch (err) {
    // Ctrl-C or SIGTERM: whatever the command threw on its way out, one line and 130/143.
    const stopped = interrupted(io);
    if (stopped !== undefined) return stopped;
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

/** Wait until everything written to a stream so far has been handed to the OS (or failed). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed) {
      resolve();
      return;
    }
    stream.write('', () => resolve());
  });
}

/**
 * Entry point used by bin/custody.js. Owns the process-level contract (README "Exit codes"):
 * SIGINT/SIGTERM abort the run (temp files are removed by the commands' disposers) and end it with
 * 130/143 and one line; a second signal ends it at once. EPIPE on stdout is silent and keeps the
 * answer's code; any other stdout/stderr write error is one line and exit 3.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const controller = new AbortController();
  const onSignal = (name: 'SIGINT' | 'SIGTERM') => (): void => {
    const code = name === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted;
    if (controller.signal.aborted) process.exit(code);
    controller.abort(new Error(name));
  };
  const onSigint = onSignal('SIGINT');
  const onSigterm = onSignal('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  let writeError: { stream: string; error: NodeJS.ErrnoException } | undefined;
  const onStdoutError = (e: NodeJS.ErrnoException): void => {
    writeError ??= { stream: 'standard output', error: e };
  };
  const onStderrError = (e: NodeJS.ErrnoException): void => {
    writeError ??= { stream: 'standard error', error: e };
  };
  process.stdout.on('error', onStdoutError);
  process.stderr.on('error', onStderrError);
  let code: number;
  try {
    code = await run(argv, processIO(controller.signal));
  } catch (err) {
    process.stderr.write(`custody: internal error: ${errorMessage(err)}\n`);
    code = ExitCode.Internal;
  }
  await flushed(process.stdout);
  if (writeError !== undefined) {
    // A closed pipe (custody ... | head) is not an error: the answer's own code stands.
    if (writeError.error.code !== 'EPIPE' || writeError.stream !== 'standard output') {
      if (writeError.stream !== 'standard error') process.stderr.write(`custody: cannot write to ${writeError.stream}: ${writeError.error.code ?? writeError.error.message}\n`);
      code = ExitCode.Input;
    }
  }
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigterm);
  return code;
}
