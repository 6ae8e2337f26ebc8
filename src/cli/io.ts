/**
 * Everything a command needs from the outside world, injected so commands run in-process in tests.
 * Only cli/ touches process; domain code gets a Logger, a Clock and plain values.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { clockFromEpoch, type Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';

export interface Writer {
  write(chunk: string): void;
  readonly isTTY?: boolean;
  /** The terminal's width in characters, when it is a terminal (tables fit it; piped output is never cut). */
  readonly columns?: number | undefined;
}

export interface CliIO {
  stdout: Writer;
  stderr: Writer;
  /** Standard input, for `-` arguments. */
  stdin: () => Readable;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
}

export interface GlobalOptions {
  debug: boolean;
  quiet: boolean;
  color: boolean;
  /** `--allow-incomplete`: a negative answer over unread input exits as if complete (the report still lists it). */
  allowIncomplete?: boolean;
}

/** Per-run context built from the IO and the global flags. */
export interface CommandContext {
  io: CliIO;
  /** Colour for stdout reports: only on a TTY, never with NO_COLOR or --no-color. */
  chalk: ChalkInstance;
  /** Colour for stderr messages. */
  chalkErr: ChalkInstance;
  log: Logger;
  clock: Clock;
  options: GlobalOptions;
}

export function processIO(signal: AbortSignal): CliIO {
  return {
    stdout: {
      write: (s) => void process.stdout.write(s),
      get isTTY() {
        return process.stdout.isTTY === true;
      },
      get columns() {
        return process.stdout.isTTY === true ? process.stdout.columns : undefined;
      },
    },
    stderr: {
      write: (s) => void process.stderr.write(s),
      get isTTY() {
        return process.stderr.isTTY === true;
      },
    },
    stdin: () => process.stdin,
    env: process.env,
    cwd: process.cwd(),
    signal,
  };
}

function colorLevel(io: CliIO, stream: Writer, wanted: boolean): 0 | 1 {
  if (!wanted) return 0;
  const noColor = io.env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return 0;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return 1;
  return stream.isTTY === true && io.env.TERM !== 'dumb' ? 1 : 0;
}

export function commandContext(io: CliIO, options: GlobalOptions): CommandContext {
  const chalk = new Chalk({ level: colorLevel(io, io.stdout, options.color) });
  const chalkErr = new Chalk({ level: colorLevel(io, io.stderr, options.color) });
  const showProgress = !options.quiet && io.stderr.isTTY === true;
  let lastProgressLength = 0;
  const log: Logger = {
    warn: (m) => {
      if (lastProgressLength > 0) clearProgress();
      io.stderr.write(`${chalkErr.yellow('warning:')} ${m}\n`);
    },
    info: (m) => {
      if (options.quiet) return;
      if (lastProgressLength > 0) clearProgress();
      io.stderr.write(`${chalkErr.dim(m)}\n`);
    },
    progress: (m) => {
      if (!showProgress) return;
      const line = m.length > 110 ? `${m.slice(0, 107)}...` : m;
      io.stderr.write(`\r${line}${' '.repeat(Math.max(0, lastProgressLength - line.length))}`);
      lastProgressLength = line.length;
    },
    debug: (m) => {
      if (options.debug) io.stderr.write(`${chalkErr.gray(`debug: ${m}`)}\n`);
    },
  };
  function clearProgress(): void {
    io.stderr.write(`\r${' '.repeat(lastProgressLength)}\r`);
    lastProgressLength = 0;
  }
  return { io, chalk, chalkErr, log, clock: clockFromEpoch(io.env.SOURCE_DATE_EPOCH), options };
}

/** Read a file argument, or standard input for '-'. */
export function openInput(io: CliIO, path: string): Readable {
  return path === '-' ? io.stdin() : createReadStream(path);
}
