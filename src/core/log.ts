/**
 * Diagnostics sink handed down from the CLI: warnings and progress go to stderr, never stdout.
 * Domain code receives a `Logger` as an argument; it never touches `process`.
 */
export interface Logger {
  /** Something the user should know; the run goes on. */
  warn(message: string): void;
  /** A one-line status (layers read, files scanned); shown only on a TTY and without --quiet. */
  progress(message: string): void;
  /** An informational line (e.g. which source kind was sniffed); hidden by --quiet. */
  info(message: string): void;
  /** Only with --debug. */
  debug(message: string): void;
}

export const silentLogger: Logger = {
  warn: () => {},
  progress: () => {},
  info: () => {},
  debug: () => {},
};

/** A logger that records warnings, for tests and for results that list their warnings. */
export function collectingLogger(): Logger & { warnings: string[]; infos: string[] } {
  const warnings: string[] = [];
  const infos: string[] = [];
  return {
    warnings,
    infos,
    warn: (m) => void warnings.push(m),
    progress: () => {},
    info: (m) => void infos.push(m),
    debug: () => {},
  };
}
