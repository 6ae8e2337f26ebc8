/**
 * Output files, all or nothing (README "Completeness", "Nothing half-done"): every file a command
 * writes is checked before the work starts, staged in a temporary file beside its target, and the
 * whole set is renamed into place only once every one of them was written. A failure (a full disk,
 * an interrupt, an error in the command) leaves none of them and no temporary file behind.
 *
 * Targets that are not regular files (`/dev/stdout`, `/dev/full`, a FIFO) cannot be renamed over:
 * they are written directly, after the staged files were written and before they are renamed, so a
 * failing direct write still leaves no regular output behind. An existing target keeps its mode;
 * a symbolic link is followed (the file it names is replaced, the link stays).
 */
import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { access, lstat, open, realpath, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError, UsageError, errorMessage } from '../core/errors.js';

/** Temporary files not yet renamed or removed, for the exit hook (a second Ctrl-C ends the process at once). */
const live = new Set<string>();
let hooked = false;

function removeLive(): void {
  for (const f of live) {
    try {
      rmSync(f, { force: true });
    } catch {
      // best effort at exit
    }
  }
  live.clear();
}

function trackTemp(file: string): void {
  live.add(file);
  if (!hooked) {
    hooked = true;
    process.once('exit', removeLive);
  }
}

/** A few words for an errno: what a user reads in the one error line. */
function why(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'the directory does not exist';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EISDIR':
      return 'it is a directory';
    case 'EIO':
      return 'input/output error';
    default:
      return code ?? errorMessage(err);
  }
}

function unwritable(path: string, err: unknown, label?: string): InputError {
  return new InputError('CLI_OUTPUT_UNWRITABLE', `cannot write ${label ? `${label} output ` : ''}to ${path}: ${why(err)}`, {
    hint: 'check that the directory exists and is writable and the disk has space; no output of this run was written',
    cause: err,
  });
}

interface Staged {
  /** The file the user named (symlinks resolved). */
  target: string;
  /** What the user typed, for messages. */
  shown: string;
  label: string | undefined;
  /** Regular (or new) file: a temporary file beside it; undefined for a direct target. */
  temp?: string;
  handle?: FileHandle;
  /** Mode for the renamed file: the existing target's, else 0666 minus the umask. */
  mode: number;
  text?: string;
}

function tempNameFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.custody-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * The output files of one run. `prepareOutputs` checks every target (creates its temporary file, or
 * checks a direct target is writable) before any work; `put` gives each its text; `commit` writes and
 * renames them together; `discard` (also on dispose) removes whatever was not committed.
 */
export class StagedOutputs implements AsyncDisposable {
  private readonly staged = new Map<string, Staged>();
  private committed = false;

  private constructor(private readonly cwd: string) {}

  /**
   * Check and stage `targets` (paths as typed, relative to `cwd`).
   * @throws InputError `CLI_OUTPUT_UNWRITABLE` naming the first target that cannot be written (the
   *   others are discarded); UsageError `CLI_OUTPUT_CONFLICT` when two outputs name the same file.
   */
  static async prepare(targets: readonly { path: string; label?: string }[], cwd: string): Promise<StagedOutputs> {
    const out = new StagedOutputs(cwd);
    try {
      for (const t of targets) await out.stage(t.path, t.label);
    } catch (err) {
      await out.discard();
      throw err;
    }
    return out;
  }

  private async stage(path: string, label: string | undefined): Promise<Staged> {
    const abs = resolve(this.cwd, path);
    let target = abs;
    let st: Stats | undefined;
    try {
      if ((await lstat(abs)).isSymbolicLink()) target = await realpath(abs);
      st = await stat(target);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw unwritable(path, err, label);
    }
    if (this.staged.has(target)) {
      throw new UsageError('CLI_OUTPUT_CONFLICT', `two outputs write to ${path}`, { hint: 'give each -o its own file' });
    }
    if (st?.isDirectory()) throw unwritable(path, Object.assign(new Error('is a directory'), { code: 'EISDIR' }), label);
    const entry: Staged = { target, shown: path, label, mode: st ? st.mode & 0o7777 : 0o666 & ~process.umask() };
    if (st !== undefined && !st.isFile()) {
      // /dev/stdout, /dev/full, a FIFO: written in place at commit (a rename would replace the device node).
      try {
        await access(target, constants.W_OK);
      } catch (err) {
        throw unwritable(path, err, label);
      }
    } else {
      const temp = tempNameFor(target);
      try {
        entry.handle = await open(temp, 'wx', 0o600);
      } catch (err) {
        throw unwritable(path, err, label);
      }
      entry.temp = temp;
      trackTemp(temp);
    }
    this.staged.set(target, entry);
    return entry;
  }

  /**
   * The text of one output. `path` is a prepared target, or a new file in the directory of one (a
   * per-platform file name); a new one is staged now.
   */
  async put(path: string, text: string, label?: string): Promise<void> {
    const abs = resolve(this.cwd, path);
    let entry = this.staged.get(abs) ?? [...this.staged.values()].find((s) => s.shown === path);
    entry ??= await this.stage(path, label);
    entry.text = text;
  }

  /** Targets that were prepared but not given any text (a per-platform base name): removed at commit. */
  private unused(): Staged[] {
    return [...this.staged.values()].filter((s) => s.text === undefined);
  }

  /**
   * Write every staged output and rename them into place together. Nothing is renamed unless every
   * file was written; a failure removes the temporary files.
   * @throws InputError `CLI_OUTPUT_UNWRITABLE` (ENOSPC, EIO, ...); the abort reason when `signal` aborted.
   */
  async commit(signal?: AbortSignal): Promise<{ path: string; label?: string }[]> {
    try {
      for (const s of this.unused()) await this.drop(s);
      const entries = [...this.staged.values()];
      for (const s of entries) {
        if (s.handle === undefined) continue;
        signal?.throwIfAborted();
        try {
          await s.handle.writeFile(s.text ?? '');
          await s.handle.chmod(s.mode);
          await s.handle.close();
        } catch (err) {
          throw unwritable(s.shown, err, s.label);
        } finally {
          s.handle = undefined;
        }
      }
      for (const s of entries) {
        if (s.temp !== undefined) continue;
        signal?.throwIfAborted();
        let fh: FileHandle | undefined;
        try {
          fh = await open(s.target, 'w');
          await fh.writeFile(s.text ?? '');
        } catch (err) {
          throw unwritable(s.shown, err, s.label);
        } finally {
          await fh?.close().catch(() => undefined);
        }
      }
      signal?.throwIfAborted();
      for (const s of entries) {
        if (s.temp === undefined) continue;
        try {
          // The temp file already has the target's mode (set on its handle above): rename keeps it.
          await rename(s.temp, s.target);
        } catch (err) {
          throw unwritable(s.shown, err, s.label);
        }
        live.delete(s.temp);
        s.temp = undefined;
      }
      this.committed = true;
      return entries.map((s) => (s.label === undefined ? { path: s.shown } : { path: s.shown, label: s.label }));
    } catch (err) {
      await this.discard();
      throw err;
    }
  }

  private async drop(s: Staged): Promise<void> {
    await s.handle?.close().catch(() => undefined);
    s.handle = undefined;
    if (s.temp !== undefined) {
      await unlink(s.temp).catch(() => undefined);
      live.delete(s.temp);
      s.temp = undefined;
    }
    this.staged.delete(s.target);
  }

  /** Remove every temporary file not yet renamed. Safe to call more than once. */
  async discard(): Promise<void> {
    for (const s of [...this.staged.values()]) await this.drop(s);
  }

  get isCommitted(): boolean {
    return this.committed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.discard();
  }
}
