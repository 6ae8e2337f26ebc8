/**
 * Errors for host paths a source is given (the archive, the layout directory, the root filesystem):
 * each errno is its own typed error with a hint (README "Sources" > "Errors"), so "permission
 * denied" never reads as "cannot tell what kind of source", and a directory given to `docker-archive:`
 * is not an internal error.
 */
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import { fileProblem, fileProblemHint, inputFileError } from '../core/input-file.js';

/** The typed error for an fs failure on a source path (`SOURCE_NOT_FOUND`, `SOURCE_PERMISSION_DENIED`, ...). */
export function sourcePathError(err: unknown, label: string, extraHint?: string): InputError {
  if (err instanceof InputError) return err;
  const { problem, reason } = fileProblem(err);
  if (problem === 'not-found') {
    return new InputError('SOURCE_NOT_FOUND', `${label} does not exist`, {
      hint: extraHint ?? 'check the path (relative paths are taken from the current directory)',
      cause: err,
    });
  }
  return inputFileError({ prefix: 'SOURCE', what: 'source', path: label, ...(extraHint === undefined ? {} : { directoryHint: extraHint }) }, problem, reason, err);
}

/**
 * stat() that says "absent" only for a path that is really absent (ENOENT, or ENOTDIR when
 * `notDirIsAbsent`: a `PATH:TAG` candidate through a file); permission denied, symlink loops and
 * other errors are thrown as typed errors naming `label`.
 */
export async function statSource(path: string, label: string, notDirIsAbsent = false): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || (notDirIsAbsent && code === 'ENOTDIR')) return undefined;
    throw sourcePathError(err, label);
  }
}

/** A hint line for a permission problem inside a source (a blob of a layout, a member of a dir). */
export function permissionHint(what: string): string {
  return fileProblemHint('permission-denied', what);
}
