/**
 * How subcommands plug into the program: each cli/<command>.ts exports one `CommandModule`,
 * listed by hand in cli/commands.ts (no registration by import side effect).
 */
import type { Command } from 'commander';
import type { ExitCode } from '../core/errors.js';
import type { CommandContext } from './io.js';
import type { CommandResult } from './outcome.js';

/** Runs a command body; it returns the exit code derived from its result, or an outcome (answer + what was not read). */
export type Handler = (ctx: CommandContext) => Promise<CommandResult>;

export interface Runner {
  /**
   * Turn a handler into a commander action. Usage:
   *   cmd.action(runner.action(async (ctx) => { ...; return ExitCode.Ok; }))
   * Commander passes (args..., options, command); use `this`-free closures over them.
   */
  action<A extends unknown[]>(body: (ctx: CommandContext, ...args: A) => Promise<ExitCode | CommandResult>): (...args: A) => Promise<void>;
}

export interface CommandModule {
  /** Adds the command (and its subcommands) to `program`. `sbom` subcommands share one parent: use `sbomCommand(program)`. */
  register(program: Command, runner: Runner): void;
}

/** The shared `custody sbom` parent command, created on first use. */
export function sbomCommand(program: Command): Command {
  const existing = program.commands.find((c) => c.name() === 'sbom');
  if (existing) return existing;
  return program.command('sbom').description('generate, query, index, diff, convert and validate SBOMs');
}
