/**
 * The one place custody spawns processes (STYLE.md §5): argv arrays over execa, never a shell,
 * `reject: false`, a timeout, cancellation through an AbortSignal, the binary from
 * `CUSTODY_<TOOL>_PATH` else `PATH`. Every failure becomes a `ToolError` (exit 4).
 */
import { ToolError } from '../core/errors.js';
import { redactSecrets, secretValues } from './redact.js';

/** An external tool custody can run. */
export interface ToolSpec {
  /** Executable name looked up on PATH, and the name used in messages and SBOM tool metadata. */
  name: string;
  /** Environment variable holding an explicit binary path: `CUSTODY_<TOOL>_PATH`. */
  envVar: string;
  /** Default timeout of one run. */
  timeoutMs: number;
  /** Where to get the tool, for the TOOL_NOT_INSTALLED hint. */
  install: string;
  /** Arguments that print the version (default `['--version']`). */
  versionArgs?: readonly string[];
  /** Cap on captured stdout (default 512 MiB). */
  maxOutputBytes?: number;
}

/** Per-run options. `env` is the whole child environment (nothing is inherited implicitly). */
export interface ToolOptions {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  env?: Readonly<Record<string, string | undefined>> | undefined;
  cwd?: string | undefined;
  input?: string | Buffer | undefined;
}

/** What one run gave back. `exitCode` is the child's; callers decide what non-zero means. */
export interface ToolRun {
  tool: string;
  binary: string;
  args: readonly string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Exact secret values from the environment, masked in anything repeated from this run. */
  secrets: readonly string[];
}

const DEFAULT_MAX_OUTPUT = 512 * 1024 * 1024;
/** Lines of stderr kept in error messages. */
export const STDERR_TAIL_LINES = 15;
const MAX_LINE = 400;

/** The binary to run: `env[spec.envVar]` when set, else `spec.name` looked up on PATH. */
export function resolveToolBinary(spec: ToolSpec, env: Readonly<Record<string, string | undefined>> = {}): string {
  const explicit = env[spec.envVar]?.trim();
  return explicit !== undefined && explicit !== '' ? explicit : spec.name;
}

/**
 * Run `spec` with `args` (no shell). Resolves for any exit code; check `exitCode` and use
 * {@link toolFailed} for a non-zero one.
 * @throws ToolError TOOL_NOT_INSTALLED (binary not found), TOOL_NOT_EXECUTABLE, TOOL_TIMEOUT,
 *   TOOL_CANCELLED, TOOL_OUTPUT_TOO_LARGE, TOOL_KILLED (killed by a signal), TOOL_SPAWN_FAILED.
 */
export async function runTool(spec: ToolSpec, args: readonly string[], opts: ToolOptions = {}): Promise<ToolRun> {
  const env = opts.env ?? {};
  const binary = resolveToolBinary(spec, env);
  const timeoutMs = opts.timeoutMs ?? spec.timeoutMs;
  const started = performance.now();
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) childEnv[k] = v;
  const { execa } = await import('execa'); // loaded only when a tool is run
  const result = await execa(binary, [...args], {
    reject: false,
    shell: false,
    env: childEnv,
    extendEnv: false,
    timeout: timeoutMs,
    ...(opts.signal ? { cancelSignal: opts.signal } : {}),
    forceKillAfterDelay: 3_000,
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
    ...(opts.input !== undefined ? { input: opts.input } : { stdin: 'ignore' as const }),
    maxBuffer: spec.maxOutputBytes ?? DEFAULT_MAX_OUTPUT,
    stripFinalNewline: false,
    encoding: 'utf8',
  });
  const run: ToolRun = {
    tool: spec.name,
    binary,
    args: [...args],
    exitCode: result.exitCode ?? -1,
    stdout: typeof result.stdout === 'string' ? result.stdout : '',
    stderr: typeof result.stderr === 'string' ? result.stderr : '',
    durationMs: Math.round(performance.now() - started),
    secrets: secretValues(env),
  };
  const where = binary === spec.name ? `${spec.name} (from PATH)` : `${spec.name} at ${binary}`;
  const code = (result as { code?: string }).code;
  if (code === 'ENOENT') {
    const explicit = binary !== spec.name;
    throw new ToolError(
      'TOOL_NOT_INSTALLED',
      explicit ? `${spec.name} not found at ${binary} (from ${spec.envVar})` : `${spec.name} is not installed (not found on PATH)`,
      {
        hint: explicit
          ? `point ${spec.envVar} at the ${spec.name} executable, or unset it to use ${spec.name} from PATH; get it from ${spec.install}`
          : `install ${spec.name} (${spec.install}) and put it on PATH, or set ${spec.envVar}=/path/to/${spec.name}`,
      },
    );
  }
  if (code === 'EACCES' || code === 'ENOEXEC') {
    throw new ToolError('TOOL_NOT_EXECUTABLE', `${where} cannot be executed (${code})`, {
      hint: `check that ${binary} is an executable ${spec.name} binary for this platform (chmod +x), or set ${spec.envVar}`,
    });
  }
  if (result.timedOut) {
    throw new ToolError('TOOL_TIMEOUT', `${where} did not finish within ${formatMs(timeoutMs)}`, {
      hint: `a large input may need more time (try --timeout); ${tail(run)}`.replace(/; $/, ''),
    });
  }
  if (result.isCanceled) {
    throw new ToolError('TOOL_CANCELLED', `${where} was cancelled`, { hint: 'the run was interrupted (Ctrl-C)' });
  }
  if (result.isMaxBuffer) {
    throw new ToolError('TOOL_OUTPUT_TOO_LARGE', `${where} printed more than ${formatBytes(spec.maxOutputBytes ?? DEFAULT_MAX_OUTPUT)}`, {
      hint: 'the output was cut off; narrow the input or report an issue',
    });
  }
  if (result.exitCode === undefined) {
    if (result.signal !== undefined) {
      throw new ToolError('TOOL_KILLED', `${where} was killed by ${result.signal}`, { hint: tailHint(run) });
    }
    throw new ToolError('TOOL_SPAWN_FAILED', `${where} could not be started: ${redactSecrets(result.shortMessage ?? 'unknown error', run.secrets)}`, {
      hint: `check ${spec.envVar} and the binary's permissions`,
      cause: result.cause,
    });
  }
  return run;
}

/** The last {@link STDERR_TAIL_LINES} non-empty lines of the run's stderr, credentials redacted. */
export function stderrTail(run: Pick<ToolRun, 'stderr' | 'secrets'>, lines = STDERR_TAIL_LINES): string[] {
  // Tools colour their logs; escape sequences and other control characters are not repeated
  // (a hostile tool must not drive the user's terminal through custody's error message).
  const plain = run.stderr.replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '').replace(/\x1b\][^\x07\x1b]*(\x07|\x1b\\)/g, '').replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '');
  const all = redactSecrets(plain, run.secrets)
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
  return all.slice(-lines).map((l) => (l.length > MAX_LINE ? `${l.slice(0, MAX_LINE)}...` : l));
}

function tail(run: ToolRun): string {
  const t = stderrTail(run);
  return t.length === 0 ? '' : `its stderr ended with:\n  ${t.join('\n  ')}`;
}

function tailHint(run: ToolRun): string {
  const t = tail(run);
  return t === '' ? 'it printed nothing on stderr' : t;
}

/**
 * The error for a run that exited non-zero: TOOL_FAILED with the redacted stderr tail in the hint.
 * `what` names what was being done ("generating an SBOM of app.tar").
 */
export function toolFailed(spec: ToolSpec, run: ToolRun, what?: string): ToolError {
  const doing = what === undefined ? '' : ` while ${what}`;
  return new ToolError('TOOL_FAILED', `${spec.name} exited with code ${run.exitCode}${doing}`, { hint: tailHint(run) });
}

/**
 * Parse a tool's JSON output.
 * @throws ToolError TOOL_BAD_OUTPUT (with the start of the output and the stderr tail) when it is not JSON.
 */
export function parseToolJson(spec: ToolSpec, stdout: string, run?: ToolRun): unknown {
  const text = stdout.trim();
  try {
    if (text === '') throw new Error('empty output');
    return JSON.parse(text) as unknown;
  } catch {
    const head = redactSecrets(text.slice(0, 120), run?.secrets ?? []).replace(/\s+/g, ' ');
    const t = run === undefined ? '' : tail(run);
    throw new ToolError(
      'TOOL_BAD_OUTPUT',
      `${spec.name} printed output that is not JSON (${text === '' ? 'empty' : `starts with "${head}"`})`,
      // No `cause`: JSON.parse messages quote the input, which --debug would print unredacted.
      { hint: t === '' ? `check that ${spec.envVar} points at a real ${spec.name}` : t },
    );
  }
}

/**
 * The tool's version (first `x.y.z` in the output of `versionArgs`), or 'unknown' when it prints none.
 * @throws ToolError as {@link runTool}, and TOOL_FAILED when the version command fails.
 */
export async function toolVersion(spec: ToolSpec, opts: ToolOptions = {}): Promise<string> {
  const run = await runTool(spec, spec.versionArgs ?? ['--version'], { ...opts, timeoutMs: opts.timeoutMs ?? 30_000 });
  if (run.exitCode !== 0) throw toolFailed(spec, run, 'printing its version');
  return parseVersion(`${run.stdout}\n${run.stderr}`) ?? 'unknown';
}

/**
 * First version-looking token (`v0.58.1`, `1.2.3-rc1`) in `text`; failing that, the word after
 * `Version:` (development builds print `Version: dev`).
 */
export function parseVersion(text: string): string | undefined {
  const m = /\bv?(\d+\.\d+(?:\.\d+)?(?:[-+][0-9A-Za-z.-]+)?)\b/.exec(text);
  if (m) return m[1];
  return /\bversion:[ \t]+([0-9A-Za-z][0-9A-Za-z._+-]*)/i.exec(text)?.[1];
}

function formatMs(ms: number): string {
  return ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

function formatBytes(n: number): string {
  return `${Math.round(n / (1024 * 1024))} MiB`;
}
