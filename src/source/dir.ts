/**
 * `dir:PATH`: a root filesystem or any directory. The walk never follows symlinks (lstat only), so
 * links are resolved inside the walked root like in a container and never reach the host.
 * File bytes are read lazily, when a cataloger asks.
 */
import type { Dirent } from 'node:fs';
import { lstat, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { join, resolve as resolveHost } from 'node:path';
import { InputError } from '../core/errors.js';
import type { Incomplete } from '../core/incomplete.js';
import { fileProblem } from '../core/input-file.js';
import { sourcePathError } from './fs-errors.js';
import type { Logger } from '../core/log.js';
import { silentLogger } from '../core/log.js';
import type { SourceDescription } from '../sbom/model.js';
import { joinPath } from './paths.js';
import { FileTree, TreeResolver, type TreeNode } from './tree.js';
import type { FileEntry, FileResolver, ResolverOptions, Source } from './types.js';

export async function openDirSource(hostPath: string, name: string, log: Logger = silentLogger): Promise<Source> {
  let root: string;
  try {
    root = await realpath(resolveHost(hostPath));
  } catch (err) {
    throw sourcePathError(err, name, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'pass the path of an existing directory (dir:PATH) or an image archive' : undefined);
  }
  const st = await stat(root).catch((err: unknown) => {
    throw sourcePathError(err, name);
  });
  if (!st.isDirectory()) {
    throw new InputError('SOURCE_NOT_A_DIRECTORY', `${name} is not a directory, and dir: reads a directory`, {
      hint: 'image archives are read with docker-archive: or oci-archive: (or give the bare path and custody sniffs it)',
    });
  }
  const description: SourceDescription = { kind: 'directory', name, transport: 'dir' };
  return {
    describe: () => description,
    resolver: (options?: ResolverOptions) => walkDir(root, name, log, options),
    [Symbol.asyncDispose]: async () => {},
  };
}

/**
 * Walk the directory. The root itself must be listable (else nothing was read: an error); a
 * subdirectory that cannot be listed, or an entry that cannot be looked at, is incomplete input
 * (README "Completeness"): reported with its reason, never silently skipped.
 */
async function walkDir(root: string, name: string, log: Logger, options: ResolverOptions = {}): Promise<FileResolver> {
  const tree = new FileTree(false);
  const incomplete: Incomplete[] = [];
  let count = 0;
  const stack: string[] = ['/'];
  while (stack.length > 0) {
    if (options.signal?.aborted) throw options.signal.reason;
    const dir = stack.pop()!;
    const hostDir = join(root, dir);
    let list: Dirent[];
    try {
      list = await readdir(hostDir, { withFileTypes: true });
    } catch (err) {
      if (dir === '/') throw sourcePathError(err, name);
      const { reason } = fileProblem(err);
      incomplete.push({ kind: 'directory', path: dir, reason });
      log.warn(`cannot list ${dir} in ${name}: ${reason}; what it holds is not read`);
      continue;
    }
    for (const d of list) {
      const path = joinPath(dir, d.name);
      const host = join(root, path);
      let st;
      try {
        st = await lstat(host);
      } catch (err) {
        // Gone between readdir and lstat, or not accessible: say so rather than drop it.
        const { problem, reason } = fileProblem(err);
        if (problem !== 'not-found') incomplete.push({ kind: 'file', path, reason });
        continue;
      }
      const kind: FileEntry['kind'] = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
      const entry: FileEntry = { path, kind, size: kind === 'file' ? st.size : 0, mode: st.mode & 0o7777 };
      if (kind === 'symlink') {
        try {
          entry.linkTarget = await readlink(host);
        } catch {
          entry.linkTarget = '';
        }
      }
      // Built without a conditional spread: spreads gave each of 100k nodes its own hidden class.
      const node: TreeNode = { entry, layerIndex: 0 };
      if (kind === 'file') node.content = { kind: 'file', file: host };
      tree.set(node);
      if (kind === 'dir') stack.push(path);
      if (++count % 5000 === 0) options.onProgress?.(`${count} files walked in ${name}`);
    }
  }
  return new TreeResolver(tree, { scope: 'squashed', sourceName: name, incomplete });
}
