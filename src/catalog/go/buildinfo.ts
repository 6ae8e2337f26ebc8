/**
 * Go module build information embedded in binaries (cmd/go, debug/buildinfo): a 16-byte aligned blob
 * that starts with "\xff Go buildinf:", a pointer size and a flags byte: ELF's `.go.buildinfo` section,
 * Mach-O's `__go_buildinfo` section (else the start of its read-write segment), PE's `.data` (exe.ts).
 *  - Go >= 1.18 (flags & 2): the version and modinfo strings follow inline at offset 32, each prefixed
 *    by a uvarint length.
 *  - older: two pointers at offset 16 to Go string headers {data, len} for the version and modinfo,
 *    read through the virtual address space (byte 15: 0 little endian, 1 big endian).
 * modinfo is wrapped in 16-byte sentinels and holds `path`, `mod`, `dep`, `=>` (replaces the
 * previous dep) and `build` lines, tab-separated.
 */
import { bufferSource, offsetOfAddress, sectionData, type ByteSource } from './elf.js';
import { readExecutable, type Executable } from './exe.js';

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const MAX_STRING = 16 * 1024 * 1024;

export interface GoModule {
  path: string;
  version: string;
  sum?: string;
  replace?: GoModule;
}

export interface GoBuildInfo {
  goVersion: string;
  path?: string;
  main?: GoModule;
  deps: GoModule[];
  settings: [string, string][];
}

function uvarint(src: ByteSource, off: number): [number, number] | undefined {
  const buf = src.read(off, 10);
  let x = 0;
  let s = 1;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i]!;
    x += (b & 0x7f) * s;
    if (b < 0x80) return x > Number.MAX_SAFE_INTEGER ? undefined : [x, i + 1];
    s *= 128;
  }
  return undefined;
}

/** How much of a PE/Mach-O data region is searched for the blob (Go's linker puts it at the start). */
const MAX_SEARCH = 64 * 1024 * 1024;
const SEARCH_CHUNK = 1024 * 1024;
const ALIGN = 16;

/** The blob's offset: at 16-byte aligned offsets from `start`, within `size` bytes. */
function searchMagic(src: ByteSource, start: number, size: number): number | undefined {
  const end = Math.min(src.size, start + Math.min(size, MAX_SEARCH));
  for (let pos = start; pos < end; pos += SEARCH_CHUNK) {
    // a chunk plus the tail a header starting inside it needs
    const buf = src.read(pos, Math.min(SEARCH_CHUNK + 32, end - pos));
    let i = buf.indexOf(MAGIC);
    while (i >= 0 && i < SEARCH_CHUNK) {
      if ((pos - start + i) % ALIGN === 0 && pos + i + 32 <= src.size) return pos + i;
      i = buf.indexOf(MAGIC, i + 1);
    }
  }
  return undefined;
}

/**
 * Find the buildinfo header: ELF's section, or (ELF without a section table) the magic at a 16-byte
 * boundary of the whole file; the region PE and Mach-O name (exe.ts).
 */
function findHeader(src: ByteSource, exe: Executable): number | undefined {
  if (exe.format !== 'elf') {
    if (!exe.data) return undefined;
    if (!exe.data.exact) return searchMagic(src, exe.data.offset, exe.data.size);
    const head = src.read(exe.data.offset, 32);
    return head.length >= 32 && head.subarray(0, MAGIC.length).equals(MAGIC) ? exe.data.offset : undefined;
  }
  const s = exe.sections.find((x) => x.name === '.go.buildinfo');
  if (s) {
    const data = sectionData(src, exe, '.go.buildinfo');
    if (data && data.length >= 32 && data.subarray(0, MAGIC.length).equals(MAGIC)) return s.offset;
    return undefined;
  }
  if (exe.sections.length > 0) return undefined;
  return searchMagic(src, 0, src.size);
}

function readPointer(src: ByteSource, off: number, ptrSize: number, le: boolean): bigint | undefined {
  if (ptrSize !== 8 && ptrSize !== 4) return undefined;
  const buf = src.read(off, ptrSize);
  if (buf.length < ptrSize) return undefined;
  if (ptrSize === 8) return le ? buf.readBigUInt64LE(0) : buf.readBigUInt64BE(0);
  return BigInt(le ? buf.readUInt32LE(0) : buf.readUInt32BE(0));
}

function readGoString(src: ByteSource, exe: Executable, headerAddr: bigint, ptrSize: number, le: boolean): string | undefined {
  const hoff = offsetOfAddress(exe, headerAddr);
  if (hoff === undefined) return undefined;
  const dataAddr = readPointer(src, hoff, ptrSize, le);
  const len = readPointer(src, hoff + ptrSize, ptrSize, le);
  if (dataAddr === undefined || len === undefined || len > BigInt(MAX_STRING)) return undefined;
  if (len === 0n) return '';
  const doff = offsetOfAddress(exe, dataAddr);
  if (doff === undefined || doff + Number(len) > src.size) return undefined;
  return src.read(doff, Number(len)).toString('utf8');
}

/** Raw version and modinfo strings of a Go binary; undefined when it has none. */
export function readGoBuildInfoStrings(bytes: Buffer | ByteSource): { version: string; modinfo: string } | undefined {
  const src = Buffer.isBuffer(bytes) ? bufferSource(bytes) : bytes;
  const exe = readExecutable(src);
  if (!exe) return undefined;
  const at = findHeader(src, exe);
  if (at === undefined) return undefined;
  const header = src.read(at, 32);
  if (header.length < 32) return undefined;
  const ptrSize = header[14]!;
  const flags = header[15]!;
  if (flags & 2) {
    let off = at + 32;
    const strs: string[] = [];
    for (let k = 0; k < 2; k++) {
      const v = uvarint(src, off);
      if (!v || v[0] > MAX_STRING || off + v[1] + v[0] > src.size) return undefined;
      strs.push(src.read(off + v[1], v[0]).toString('utf8'));
      off += v[1] + v[0];
    }
    return { version: strs[0]!, modinfo: strs[1]! };
  }
  if (ptrSize !== 4 && ptrSize !== 8) return undefined;
  const le = (flags & 1) === 0;
  const vAddr = readPointer(src, at + 16, ptrSize, le);
  const mAddr = readPointer(src, at + 16 + ptrSize, ptrSize, le);
  if (vAddr === undefined || mAddr === undefined) return undefined;
  const version = readGoString(src, exe, vAddr, ptrSize, le);
  const modinfo = readGoString(src, exe, mAddr, ptrSize, le);
  if (version === undefined) return undefined;
  return { version, modinfo: modinfo ?? '' };
}

/** Parse the modinfo text (sentinels stripped here). */
export function parseModInfo(goVersion: string, raw: string): GoBuildInfo {
  let s = raw;
  if (s.length >= 33 && s.charAt(s.length - 17) === '\n') s = s.slice(16, s.length - 16);
  const info: GoBuildInfo = { goVersion, deps: [], settings: [] };
  let last: GoModule | undefined;
  for (const line of s.split('\n')) {
    const f = line.split('\t');
    const mod = (): GoModule | undefined => {
      if (!f[1]) return undefined;
      const m: GoModule = { path: f[1], version: f[2] ?? '' };
      if (f[3]) m.sum = f[3];
      return m;
    };
    switch (f[0]) {
      case 'path':
        if (f[1]) info.path = f[1];
        break;
      case 'mod': {
        const m = mod();
        if (m) info.main = last = m;
        break;
      }
      case 'dep': {
        const m = mod();
        if (m) {
          info.deps.push(m);
          last = m;
        }
        break;
      }
      case '=>': {
        const m = mod();
        if (m && last) last.replace = m;
        break;
      }
      case 'build': {
        const kv = line.slice('build\t'.length);
        const eq = kv.indexOf('=');
        if (eq > 0) info.settings.push([kv.slice(0, eq), kv.slice(eq + 1)]);
        break;
      }
      default:
        break;
    }
  }
  return info;
}

export function readGoBuildInfo(bytes: Buffer | ByteSource): GoBuildInfo | undefined {
  const s = readGoBuildInfoStrings(bytes);
  return s ? parseModInfo(s.version, s.modinfo) : undefined;
}

/**
 * An executable with a section of Go build information (ELF `.go.buildinfo`, Mach-O `__go_buildinfo`):
 * a Go binary whose build information `readGoBuildInfo` could not read is incomplete input, not
 * "not a Go binary" (README "Completeness"). PE has no such section.
 */
export function hasGoBuildInfoSection(bytes: Buffer | ByteSource): boolean {
  const exe = readExecutable(bytes);
  return exe?.sections.some((s) => s.name === '.go.buildinfo' || s.name === '__go_buildinfo') ?? false;
}
