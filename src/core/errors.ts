/**
 * The exit-code contract of every custody command (README "Exit codes").
 * `cli/main.ts` is the only place that turns results and errors into these numbers.
 */
export const ExitCode = {
  Ok: 0,
  PolicyFailed: 1,
  Usage: 2,
  Input: 3,
  Tool: 4,
  Network: 5,
  Internal: 70,
  /** 128 + SIGINT: interrupted (Ctrl-C). */
  Interrupted: 130,
  /** 128 + SIGTERM: terminated. */
  Terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * A negative answer ("no match", "passed", "0 findings", an SBOM written) given over input that could
 * not be read completely: the same number as `Input`, because what is missing is input.
 */
export const EXIT_INCOMPLETE: ExitCode = ExitCode.Input;

export interface AuditErrorOptions {
  /** What the user should do about it; printed after the message. */
  hint?: string;
  cause?: unknown;
}

/** An expected failure: typed code + message naming the input + hint. Never a bare Error. */
export abstract class AuditError extends Error {
  abstract readonly exitCode: ExitCode;
  readonly code: string;
  readonly hint?: string;

  constructor(code: string, message: string, options: AuditErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.hint !== undefined) this.hint = options.hint;
    this.name = new.target.name;
  }
}

/** Bad flags or arguments (exit 2). */
export class UsageError extends AuditError {
  readonly exitCode = ExitCode.Usage;
}

/** Missing, unreadable, malformed or unknown input (exit 3). */
export class InputError extends AuditError {
  readonly exitCode = ExitCode.Input;
}

/** External tool missing, failed, timed out or printed what we cannot parse (exit 4). */
export class ToolError extends AuditError {
  readonly exitCode = ExitCode.Tool;
}

/** Registry, TUF or advisory download failed (exit 5). */
export class NetworkError extends AuditError {
  readonly exitCode = ExitCode.Network;
}

export function isAuditError(err: unknown): err is AuditError {
  return err instanceof AuditError;
}

/** The message of anything thrown, for wrapping causes. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
