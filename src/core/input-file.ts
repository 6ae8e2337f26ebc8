/**
 * Reading a file the user named (an SBOM, a bundle, a key, a policy, a trusted root, a schema) with an
 * error that names the real cause: a missing file, permission denied, a directory where a file was
 * expected, a path through a non-directory, a symlink loop, or a file over the size limit are each
 * their own typed `InputError` (exit 3) with a hint, never a raw errno or "cannot tell what kind".
 *
 * Codes are `<PREFIX>_NOT_FOUND`, `_PERMISSION_DENIED`, `_IS_DIRECTORY`, `_NOT_A_DIRECTORY`,
 * `_SYMLINK_LOOP`, `_TOO_LARGE` and `_UNREADABLE`, where the prefix names the module reading it
 * (`VERIFY_INPUT`, `SBOM_INPUT`, `AUDIT_POLICY`, ...).
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { InputError } from './errors.js';

/** What went wrong with a path, in the words an error message uses. */
export type FileProblem = 'not-found' | 'permission-denied' | 'is-directory' | 'not-a-directory' | 'symlink-loop' | 'too-large' | 'unreadable';

const CODE_SUFFIX: Record<FileProblem, string> = {
  'not-found': 'NOT_FOUND',
  'permission-denied': 'PERMISSION_DENIED',
  'is-directory': 'IS_DIRECTORY',
  'not-a-directory': 'NOT_A_DIRECTORY',
  'symlink-loop': 'SYMLINK_LOOP',
  'too-large': 'TOO_LARGE',
  unreadable: 'UNREADABLE',
};

/** The problem an fs error stands for, and a few words saying so ("permission denied"). */
export function fileProblem(err: unknown): { problem: FileProblem; reason: string } {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return { problem: 'not-found', reason: 'no such file or directory' };
    case 'EACCES':
    case 'EPERM':
      return { problem: 'permission-denied', reason: 'permission denied' };
    case 'EISDIR':
      return { problem: 'is-directory', reason: 'is a directory' };
    case 'ENOTDIR':
      return { problem: 'not-a-directory', reason: 'a component of the path is not a directory' };
    case 'ELOOP':
      return { problem: 'symlink-loop', reason: 'too many levels of symbolic links (a loop)' };
    default:
      return { problem: 'unreadable', reason: code !== undefined ? `${code}: ${(err as Error).message}` : err instanceof Error ? err.message : String(err) };
  }
}

function whoAmI(): string {
  try {
    return userInfo().username;
  } catch {
    return 'this user';
  }
}

/** The hint for a problem; `extra` is appended (what to pass instead, for example). */
export function fileProblemHint(problem: FileProblem, what: string, extra?: string): string {
  const base: Record<FileProblem, string> = {
    'not-found': `check the ${what} path (relative paths are taken from the current directory)`,
    'permission-denied': `custody runs as ${whoAmI()}, who may not read it: make it readable (chmod/chown) or run custody as a user who may`,
    'is-directory': `pass the ${what} file itself, not a directory`,
    'not-a-directory': `a part of the ${what} path before the last '/' is a file, not a directory: check the path`,
    'symlink-loop': `the ${what} path goes through symbolic links that point at each other: fix or remove the link`,
    'too-large': `this is larger than any ${what} custody expects: check that you passed the right file`,
    unreadable: `check the ${what} file and the disk it is on`,
  };
  return extra === undefined ? base[problem] : `${base[problem]}; ${extra}`;
}

export interface InputFileOptions {
  /** Code prefix of the module reading it: `VERIFY_INPUT` gives `VERIFY_INPUT_PERMISSION_DENIED`. */
  prefix: string;
  /** What the file is, for the message and hint: 'bundle', 'public key', 'policy'. */
  what: string;
  /** How to name the file in messages (what the user typed); default: the path. */
  shown?: string;
  /** Refuse more bytes than this. */
  maxBytes: number;
  /** Appended to the hint for a directory (for example: which flag takes a directory). */
  directoryHint?: string;
}

/** The typed error for a problem with a named input file. */
export function inputFileError(o: Omit<InputFileOptions, 'maxBytes'> & { path: string }, problem: FileProblem, reason: string, cause?: unknown): InputError {
  const shown = o.shown ?? o.path;
  return new InputError(`${o.prefix}_${CODE_SUFFIX[problem]}`, `cannot read ${o.what} ${shown}: ${reason}`, {
    hint: fileProblemHint(problem, o.what, problem === 'is-directory' ? o.directoryHint : undefined),
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Read a named input file whole, refusing what is larger than `maxBytes` before reading it. Regular
 * files, FIFOs and character devices are read (`--bundle <(...)`, `/dev/stdin`); a FIFO is read up to
 * the limit and refused past it.
 * @throws InputError `<prefix>_NOT_FOUND|_PERMISSION_DENIED|_IS_DIRECTORY|_NOT_A_DIRECTORY|_SYMLINK_LOOP|_TOO_LARGE|_UNREADABLE`
 */
export async function readInputFile(path: string, o: InputFileOptions): Promise<Buffer> {
  const fail = (err: unknown): never => {
    const { problem, reason } = fileProblem(err);
    throw inputFileError({ ...o, path }, problem, reason, err);
  };
  const fh = await open(path, 'r').catch(fail);
  try {
    const st = await fh.stat().catch(fail);
    if (st.isDirectory()) fail(Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
    if (st.isFile() && st.size > o.maxBytes) throw inputFileError({ ...o, path }, 'too-large', `${st.size} bytes, more than the ${o.maxBytes}-byte limit`);
    if (st.isFile()) {
      // One allocation of the known size (large SBOMs are read whole: no second copy).
      const whole = await fh.readFile().catch(fail);
      if (whole.length > o.maxBytes) throw inputFileError({ ...o, path }, 'too-large', `more than the ${o.maxBytes}-byte limit`);
      return whole;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, o.maxBytes + 1 - total));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null).catch(fail);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > o.maxBytes) throw inputFileError({ ...o, path }, 'too-large', `more than the ${o.maxBytes}-byte limit`);
      chunks.push(buf.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** `readInputFile` for synchronous callers (the trusted-root loader). */
export function readInputFileSync(path: string, o: InputFileOptions): Buffer {
  const fail = (err: unknown): never => {
    const { problem, reason } = fileProblem(err);
    throw inputFileError({ ...o, path }, problem, reason, err);
  };
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    return fail(err);
  }
  try {
    let st;
    try {
      st = fstatSync(fd);
    } catch (err) {
      return fail(err);
    }
    if (st.isDirectory()) fail(Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
    if (st.isFile() && st.size > o.maxBytes) throw inputFileError({ ...o, path }, 'too-large', `${st.size} bytes, more than the ${o.maxBytes}-byte limit`);
    if (st.isFile()) {
      let whole: Buffer;
      try {
        whole = readFileSync(fd);
      } catch (err) {
        return fail(err);
      }
      if (whole.length > o.maxBytes) throw inputFileError({ ...o, path }, 'too-large', `more than the ${o.maxBytes}-byte limit`);
      return whole;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, o.maxBytes + 1 - total));
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (err) {
        return fail(err);
      }
      if (n === 0) break;
      total += n;
      if (total > o.maxBytes) throw inputFileError({ ...o, path }, 'too-large', `more than the ${o.maxBytes}-byte limit`);
      chunks.push(buf.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}
