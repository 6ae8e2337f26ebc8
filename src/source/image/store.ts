/**
 * Where the members of an image layout live: a directory (oci-dir) or an uncompressed tar
 * (oci-archive, docker-archive). Paths are relative to the layout root and never climb out.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { InputError } from '../../core/errors.js';
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
  return {
    label,
    async read(path, cap) {
      const st = await stat(host(path)).catch(() => undefined);
      if (st === undefined || !st.isFile()) return undefined;
      if (st.size > cap) tooBig(label, path, cap);
      return readFile(host(path));
    },
    async stream(path) {
      const st = await stat(host(path)).catch(() => undefined);
      if (st === undefined || !st.isFile()) return undefined;
      return createReadStream(host(path), { highWaterMark: 1 << 20 });
    },
    async has(path) {
      const st = await stat(host(path)).catch(() => undefined);
      return st?.isFile() === true;
    },
    async locate(path) {
      const st = await stat(host(path)).catch(() => undefined);
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
