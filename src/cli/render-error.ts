import type { ChalkInstance } from 'chalk';
import { AuditError, errorMessage } from '../core/errors.js';

/** One clear paragraph on stderr: `error [CODE]: message` + hint; --debug adds the cause chain. */
export function formatError(err: unknown, chalk: ChalkInstance, debug: boolean): string {
  const lines: string[] = [];
  if (err instanceof AuditError) {
    lines.push(`${chalk.red('error')} [${err.code}]: ${err.message}`);
    if (err.hint) lines.push(`${chalk.cyan('hint:')} ${err.hint}`);
  } else {
    lines.push(`${chalk.red('internal error')} [INTERNAL]: ${errorMessage(err)}`);
    lines.push(`${chalk.cyan('hint:')} this is a bug in custody; please report it with the output of --debug`);
  }
  if (debug) {
    let cause: unknown = err instanceof Error ? err.cause : undefined;
    if (!(err instanceof AuditError) && err instanceof Error && err.stack) lines.push(err.stack);
    let depth = 0;
    while (cause !== undefined && depth < 10) {
      lines.push(`  caused by: ${errorMessage(cause)}`);
      if (cause instanceof Error && cause.stack) lines.push(cause.stack.split('\n').slice(1, 4).join('\n'));
      cause = cause instanceof Error ? cause.cause : undefined;
      depth++;
    }
  }
  return `${lines.join('\n')}\n`;
}
