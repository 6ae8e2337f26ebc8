/**
 * `dir:PATH`: a root filesystem or any directory. The walk never follows symlinks (lstat only), so
 * links are resolved inside the walked root like in a container and never reach the host.
 * File bytes are read lazily, when a cataloger asks.
 */
import type { Dirent } from 'node:fs';
import { lstat, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { join, resolve as resolveHost } from 'node:path';
import { InputError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { silentLogger } from '../core/log.js';
import type { SourceDescription } from '../sbom/model.js';
import { joinPath } from './paths.js';
import { FileTree, TreeResolver } from './tree.js';
import type { FileEntry, FileResolver, ResolverOptions, Source } from './types.js';

export async function openDirSource(hostPath: string, name: string, log: Logger = silentLogger): Promise<Source> {
  let root: string;
  try {
    root = await realpath(resolveHost(hostPath));
    const st = await stat(root);
    if (!st.isDirectory()) throw new Error('not a directory');
  } catch (err) {
    throw new InputError('SOURCE_NOT_FOUND', `${hostPath} is not a readable directory`, {
      hint: 'pass the path of an existing directory (dir:PATH) or an image archive',
      cause: err,
    });
  }
  const description: SourceDescription = { kind: 'directory', name, transport: 'dir' };
  return {
    describe: () => description,
    resolver: (options?: ResolverOptions) => walkDir(root, name, log, options),
    [Symbol.asyncDispose]: async () => {},
  };
}

async function walkDir(root: string, name: string, log: Logger, options: ResolverOptions = {}): Promise<FileResolver> {
  const tree = new FileTree(false);
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
      log.warn(`cannot list ${dir} in ${name}: ${(err as Error).message}; skipping it`);
      continue;
    }
    for (const d of list) {
      const path = joinPath(dir, d.name);
      const host = join(root, path);
      let st;
      try {
        st = await lstat(host);
      } catch {
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
      tree.set({ entry, layerIndex: 0, ...(kind === 'file' ? { content: { kind: 'file' as const, file: host } } : {}) });
      if (kind === 'dir') stack.push(path);
      if (++count % 5000 === 0) options.onProgress?.(`${count} files walked in ${name}`);
    }
  }
  return new TreeResolver(tree, { scope: 'squashed', sourceName: name });
}
