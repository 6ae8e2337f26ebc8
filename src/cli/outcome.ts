/**
 * The one rule that turns a command's answer and what it could not read into an exit code
 * (README "Exit codes" and "Completeness"). Commands return an `Outcome`; `cli/main.ts` alone
 * calls `exitCodeFor`.
 */
import { EXIT_INCOMPLETE, ExitCode } from '../core/errors.js';
import { describeIncomplete, normalizeIncomplete, type Incomplete } from '../core/incomplete.js';

export interface Outcome {
  /** The exit code of the answer itself: 0 (yes / passed / written) or 1 (no / failed). */
  code: ExitCode;
  /**
   * `found`: a positive answer that what was read proves (a match, a failed policy, a finding over
   * the gate, a bad signature): it stands whatever else could not be read.
   * `clear`: a negative answer (no match, passed, nothing over the gate, an SBOM written): it is only
   * conclusive when nothing was left unread.
   */
  answer: 'found' | 'clear';
  /** Everything the command would have read and could not. */
  incomplete: readonly Incomplete[];
  /**
   * The command's own configuration accepts a negative answer over incomplete input, as the global
   * `--allow-incomplete` does (the audit policy's `allowIncomplete: true`).
   */
  allowIncomplete?: boolean;
}

/** What a command body may return: a bare exit code (nothing read that could be incomplete) or an outcome. */
export type CommandResult = ExitCode | Outcome;

export function isOutcome(r: CommandResult): r is Outcome {
  return typeof r === 'object';
}

/** An outcome for a command whose answer is "yes" on 0 and "no" on 1 (query: a match is the positive answer). */
export function queryOutcome(matched: boolean, incomplete: readonly Incomplete[]): Outcome {
  return matched ? { code: ExitCode.Ok, answer: 'found', incomplete } : { code: ExitCode.PolicyFailed, answer: 'clear', incomplete };
}

/** An outcome for a gate (scan, audit, verify, provenance): failing is the positive answer. */
export function gateOutcome(failed: boolean, incomplete: readonly Incomplete[]): Outcome {
  return failed ? { code: ExitCode.PolicyFailed, answer: 'found', incomplete } : { code: ExitCode.Ok, answer: 'clear', incomplete };
}

/** An outcome for a command that writes something (an SBOM, an index): written from partial input is not done. */
export function writtenOutcome(incomplete: readonly Incomplete[]): Outcome {
  return { code: ExitCode.Ok, answer: 'clear', incomplete };
}

/**
 * Exit code for an outcome: a `found` answer keeps its code; a `clear` answer over incomplete input
 * becomes 3 (`EXIT_INCOMPLETE`) unless `allowIncomplete`.
 */
export function exitCodeFor(o: Outcome, allowIncomplete: boolean): ExitCode {
  if (o.answer === 'found' || o.incomplete.length === 0 || allowIncomplete) return o.code;
  return EXIT_INCOMPLETE;
}

/** How many entries the stderr summary names before "and N more". */
const SUMMARY_NAMES = 3;

/**
 * The one stderr line (two when the exit code changes) that says what was not read. Empty string
 * when nothing was incomplete.
 */
export function incompleteSummary(o: Outcome, allowIncomplete: boolean): string {
  const items = normalizeIncomplete(o.incomplete);
  if (items.length === 0) return '';
  const named = items.slice(0, SUMMARY_NAMES).map(describeIncomplete).join('; ');
  const more = items.length > SUMMARY_NAMES ? `; and ${items.length - SUMMARY_NAMES} more (-o json lists them)` : '';
  let line = `incomplete: ${items.length} input${items.length === 1 ? '' : 's'} not read: ${named}${more}\n`;
  if (o.answer === 'clear') {
    line += allowIncomplete
      ? 'incomplete: --allow-incomplete: answering as if complete\n'
      : 'incomplete: the answer above covers only what was read: exit 3 (--allow-incomplete accepts it)\n';
  }
  return line;
}

/**
 * The worst of several exit codes, for commands that do many things (validate several files, audit
 * several images): a definite failure (1) outranks could-not-check, and among those input (3)
 * outranks tool (4), which outranks network (5); interruptions and internal errors outrank all.
 */
export function worstExitCode(codes: readonly ExitCode[]): ExitCode {
  const rank = (c: ExitCode): number => {
    switch (c) {
      case ExitCode.Ok:
        return 0;
      case ExitCode.Network:
        return 1;
      case ExitCode.Tool:
        return 2;
      case ExitCode.Input:
        return 3;
      case ExitCode.Usage:
        return 4;
      case ExitCode.PolicyFailed:
        return 5;
      default:
        return 6;
    }
  };
  return codes.reduce<ExitCode>((w, c) => (rank(c) > rank(w) ? c : w), ExitCode.Ok);
}
