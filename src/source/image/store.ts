/**
 * Where the members of an image layout live: a directory (oci-dir) or an uncompressed tar
 * (oci-archive, docker-archive). Paths are relative to the layout root and never climb out.
 */
import type { Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { InputError } from '../../core/errors.js';
import { sourcePathError } from '../fs-errors.js';
import { normalizePath } from '../paths.js';
import type { TarIndex } from '../tar-index.js';

export interface LayoutStore {
  /** How to name the input in messages ('oci-dir:./img'). */
  readonly label: string;
  /** Bytes of a member, or undefined when absent. InputError when larger than `cap`. */
  read(path: string, cap: number): Promise<Buffer | undefined>;
  /** Stream a member, or undefined when absent. */
  stream(path: string): Promise<Readable | undefined>;
  /** Is there a regular file at `path`? */
  has(path: string): Promise<boolean>;
  /** Where a member's bytes sit in a local file (for random access to uncompressed layers). */
  locate(path: string): Promise<FileRange | undefined>;
}

export interface FileRange {
  file: string;
  offset: number;
  size: number;
}

function tooBig(label: string, path: string, cap: number): never {
  throw new InputError('SOURCE_OVERSIZED_METADATA', `${path} in ${label} is larger than ${cap} bytes`, {
    hint: 'this does not look like image metadata; check the input',
  });
}

export function dirStore(root: string, label: string): LayoutStore {
  const host = (p: string): string => join(root, normalizePath(p));
  // Absent (ENOENT, or a path through a file) is "not in the layout"; permission denied and the like
  // are errors that say so, never a "missing blob".
  const fail = (path: string) => (err: unknown): never => {
    throw sourcePathError(err, `${label}: ${path}`);
  };
  const statOf = async (path: string): Promise<Stats | undefined> => {
    try {
      return await stat(host(path));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      return fail(path)(err);
    }
  };
  return {
    label,
    async read(path, cap) {
      const st = await statOf(path);
      if (st === undefined || !st.isFile()) return undefined;
      if (st.size > cap) tooBig(label, path, cap);
      const fh = await open(host(path), 'r').catch(fail(path));
      try {
        return await fh.readFile().catch(fail(path));
      } finally {
        await fh.close();
      }
    },
    async stream(path) {
      const st = await statOf(path);
      if (st === undefined || !st.isFile()) return undefined;
      // Opened here so that permission denied is this call's error, not a late stream event.
      const fh = await open(host(path), 'r').catch(fail(path));
      return fh.createReadStream({ highWaterMark: 1 << 20 });
    },
    async has(path) {
      const st = await statOf(path);
      return st?.isFile() === true;
    },
    async locate(path) {
      const st = await statOf(path);
      return st?.isFile() === true ? { file: host(path), offset: 0, size: st.size } : undefined;
    },
  };
}

export function tarStore(index: TarIndex, label: string): LayoutStore {
  return {
    label,
    async read(path, cap) {
      const m = index.lookup(path);
      if (m === undefined) return undefined;
      if (m.size > cap) tooBig(label, path, cap);
      const chunks: Buffer[] = [];
      for await (const c of index.stream(m)) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    },
    async stream(path) {
      const m = index.lookup(path);
      return m === undefined ? undefined : index.stream(m);
    },
    async has(path) {
      return index.lookup(path) !== undefined;
    },
    async locate(path) {
      const m = index.lookup(path);
      return m === undefined ? undefined : index.location(m);
    },
  };
}

/** 'sha256:abc…' → 'blobs/sha256/abc…' (digest validated first). */
export function blobPath(digest: string): string {
  const [alg, hex] = digest.split(':') as [string, string];
  return `blobs/${alg}/${hex}`;
}
