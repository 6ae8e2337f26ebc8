/**
 * Random access into an uncompressed outer tar (oci-archive, docker-archive): one pass over the
 * headers (data is skipped, not read) gives each member's offset and size, so blobs can then be
 * streamed straight from the file. Supports ustar (name + prefix), pax `path`/`linkpath`/`size`
 * records and GNU long names.
 */
import { createReadStream, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { InputError } from '../core/errors.js';
import { sourcePathError } from './fs-errors.js';
import { normalizePath, resolveInRoot, type PathInfo } from './paths.js';

export interface TarMember {
  name: string;
  offset: number;
  size: number;
  kind: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  linkname?: string;
}

const MAX_MEMBERS = 1_000_000;
export const MAX_META = 1 << 20;

export function cstr(buf: Buffer, start: number, len: number): string {
  const end = buf.indexOf(0, start);
  return buf.toString('utf8', start, end === -1 || end > start + len ? start + len : end);
}

export function octal(buf: Buffer, start: number, len: number): number {
  // GNU base-256 for big numbers.
  if ((buf[start]! & 0x80) !== 0) {
    let v = 0;
    for (let i = start + 1; i < start + len; i++) v = v * 256 + buf[i]!;
    return v;
  }
  const s = cstr(buf, start, len).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) return NaN;
  return parseInt(s, 8);
}

export function checksumOk(h: Buffer): boolean {
  const stored = octal(h, 148, 8);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return stored === sum;
}

export function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(32, i);
    if (sp === -1) break;
    const len = parseInt(data.toString('utf8', i, sp), 10);
    if (!(len > 0) || i + len > data.length) break;
    const rec = data.toString('utf8', sp + 1, i + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    i += len;
  }
  return out;
}

/** One tar member's header, as the walker reports it. */
export interface TarHeader {
  name: string;
  kind: TarMember['kind'];
  /** 'file' | 'directory' | 'symlink' | 'link' | 'other' in tar-stream's words. */
  type: 'file' | 'directory' | 'symlink' | 'link' | 'other';
  mode: number;
  size: number;
  linkname: string;
  /** Absolute position of the data in the underlying file. */
  dataOffset: number;
}

/** Read `len` bytes at `pos` of an open file into `into` (fewer only at the end of the file); returns the count. */
export function readFullySync(fd: number, into: Buffer, len: number, pos: number): number {
  let done = 0;
  while (done < len) {
    const n = readSync(fd, into, done, len - done, pos + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/**
 * Positional reads with a read-ahead block cache (headers of small files sit next to each other).
 * The returned buffer is only valid until the next read: callers copy what they keep.
 * Reads are synchronous: a header walk makes thousands of small reads of a local file (mostly from the
 * page cache), and a thread-pool round trip per read cost more than the reads (0.4 s of 2 s on debian-min).
 */
export class BlockReader {
  private readonly buf: Buffer;
  private block: Buffer = Buffer.alloc(0);
  private blockPos = -1;
  constructor(
    private readonly fh: FileHandle,
    private readonly blockSize = 1 << 16,
  ) {
    this.buf = Buffer.allocUnsafe(blockSize);
  }

  async read(pos: number, len: number): Promise<Buffer> {
    if (this.blockPos >= 0 && pos >= this.blockPos && pos + len <= this.blockPos + this.block.length) {
      return this.block.subarray(pos - this.blockPos, pos - this.blockPos + len);
    }
    if (len > this.blockSize) {
      const big = Buffer.allocUnsafe(len);
      return big.subarray(0, readFullySync(this.fh.fd, big, len, pos));
    }
    this.blockPos = -1;
    const bytesRead = readFullySync(this.fh.fd, this.buf, this.blockSize, pos);
    this.block = this.buf.subarray(0, bytesRead);
    this.blockPos = pos;
    return this.block.subarray(0, Math.min(len, bytesRead));
  }
}

/**
 * Walk the headers of the tar occupying [start, end) of a file, never reading member data.
 * `bad(what)` is called (and must throw) on malformed or truncated input.
 */
export async function walkTarHeaders(
  reader: BlockReader,
  start: number,
  end: number,
  bad: (what: string) => never,
  onHeader: (h: TarHeader) => Promise<void> | void,
  maxMembers = MAX_MEMBERS,
): Promise<number> {
  let pos = start;
  let count = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Record<string, string> = {};
  for (;;) {
    if (pos + 512 > end) bad(count === 0 ? 'too short' : `truncated at byte ${pos - start}`);
    const header = await reader.read(pos, 512);
    if (header.length < 512) bad(`truncated at byte ${pos - start}`);
    if (header.every((b) => b === 0)) return count; // end-of-archive
    if (!checksumOk(header)) bad(`bad header checksum at byte ${pos - start}`);
    const typeflag = String.fromCharCode(header[156]!);
    let memberSize = octal(header, 124, 12);
    if (pax.size !== undefined) memberSize = Number(pax.size);
    if (!Number.isSafeInteger(memberSize) || memberSize < 0) bad(`bad size at byte ${pos - start}`);
    const dataStart = pos + 512;
    const next = dataStart + Math.ceil(memberSize / 512) * 512;
    if (dataStart + memberSize > end) bad(`truncated inside a member at byte ${pos - start}`);
    if (typeflag === 'x' || typeflag === 'L' || typeflag === 'K' || typeflag === 'g') {
      if (memberSize > MAX_META) bad('oversized extended header');
      const data = Buffer.from(await reader.read(dataStart, memberSize));
      if (typeflag === 'x') pax = { ...pax, ...parsePax(data) };
      else if (typeflag === 'L') longName = cstr(data, 0, data.length);
      else if (typeflag === 'K') longLink = cstr(data, 0, data.length);
      pos = next;
      continue;
    }
    let name = cstr(header, 0, 100);
    const magic = header.toString('latin1', 257, 262);
    if (magic === 'ustar') {
      const prefix = cstr(header, 345, 155);
      if (prefix !== '') name = `${prefix}/${name}`;
    }
    name = pax.path ?? longName ?? name;
    const linkname = pax.linkpath ?? longLink ?? cstr(header, 157, 100);
    const kind: TarMember['kind'] =
      typeflag === '0' || typeflag === '\0' || typeflag === '7' ? 'file' : typeflag === '5' ? 'dir' : typeflag === '2' ? 'symlink' : typeflag === '1' ? 'hardlink' : 'other';
    const type: TarHeader['type'] = kind === 'file' ? 'file' : kind === 'dir' ? 'directory' : kind === 'symlink' ? 'symlink' : kind === 'hardlink' ? 'link' : 'other';
    const mode = octal(header, 100, 8);
    // Only regular files carry data; for the rest a size field is skipped over but not reported.
    await onHeader({ name, kind, type, mode: Number.isNaN(mode) ? 0o644 : mode & 0o7777, size: kind === 'file' ? memberSize : 0, linkname, dataOffset: dataStart });
    if (++count > maxMembers) bad('too many members');
    pax = {};
    longName = longLink = undefined;
    pos = next;
  }
}

export class TarIndex {
  private constructor(
    readonly file: string,
    readonly members: Map<string, TarMember>,
  ) {}

  /** Index a tar file. InputError when it is not a tar, truncated or malformed. */
  static async open(file: string, label: string): Promise<TarIndex> {
    let fh: FileHandle;
    try {
      fh = await open(file, 'r');
    } catch (err) {
      throw sourcePathError(err, label);
    }
    try {
      const st = await fh.stat();
      if (st.isDirectory()) {
        throw new InputError('SOURCE_IS_DIRECTORY', `${label} is a directory, not a tar archive`, { hint: 'for an OCI layout directory use oci-dir:, for a root filesystem dir:' });
      }
      const size = st.size;
      const members = new Map<string, TarMember>();
      const bad = (what: string): never => {
        throw new InputError('SOURCE_BAD_ARCHIVE', `${label} is not a valid tar archive (${what})`, {
          hint: 'check that the file was written completely (docker save / skopeo copy) and is not compressed',
        });
      };
      await walkTarHeaders(new BlockReader(fh, 4096), 0, size, bad, (h) => {
        const key = normalizePath(h.name);
        members.set(key, { name: key, offset: h.dataOffset, size: h.size, kind: h.kind, ...(h.kind === 'symlink' || h.kind === 'hardlink' ? { linkname: h.linkname } : {}) });
      });
      return new TarIndex(file, members);
    } finally {
      await fh.close();
    }
  }

  /** Where a regular member's bytes are in the file. */
  location(m: TarMember): { file: string; offset: number; size: number } {
    return { file: this.file, offset: m.offset, size: m.size };
  }

  /** The regular file member at `name`, following symlinks and hard links inside the archive. */
  lookup(name: string): TarMember | undefined {
    const info = (p: string): PathInfo | undefined => {
      const m = this.members.get(p);
      if (m !== undefined) return m.kind === 'symlink' ? { kind: 'symlink', linkTarget: m.linkname ?? '' } : { kind: m.kind === 'dir' ? 'dir' : 'file' };
      // Implied directories (members without their parent entries).
      for (const k of this.members.keys()) if (k.startsWith(p + '/')) return { kind: 'dir' };
      return undefined;
    };
    const resolved = resolveInRoot(info, normalizePath(name));
    if (resolved === undefined) return undefined;
    let m = this.members.get(resolved);
    for (let i = 0; m?.kind === 'hardlink' && i < 8; i++) m = this.members.get(normalizePath(m.linkname ?? ''));
    return m?.kind === 'file' ? m : undefined;
  }

  stream(m: TarMember): Readable {
    if (m.size === 0) return Readable.from([]);
    return createReadStream(this.file, { start: m.offset, end: m.offset + m.size - 1, highWaterMark: 1 << 20 });
  }
}
