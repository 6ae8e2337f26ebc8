/**
 * Go module build information embedded in binaries (cmd/go, debug/buildinfo): the `.go.buildinfo`
 * section starts with "\xff Go buildinf:", a pointer size and a flags byte.
 *  - Go >= 1.18 (flags & 2): the version and modinfo strings follow inline at offset 32, each prefixed
 *    by a uvarint length.
 *  - older: two pointers at offset 16 to Go string headers {data, len} for the version and modinfo,
 *    read through the virtual address space (byte 15: 0 little endian, 1 big endian).
 * modinfo is wrapped in 16-byte sentinels and holds `path`, `mod`, `dep`, `=>` (replaces the
 * previous dep) and `build` lines, tab-separated.
 */
import { isElf, offsetOfAddress, readElf, sectionData, type Elf } from './elf.js';

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

function uvarint(buf: Buffer, off: number): [number, number] | undefined {
  let x = 0;
  let s = 1;
  for (let i = 0; i < 10 && off + i < buf.length; i++) {
    const b = buf[off + i]!;
    x += (b & 0x7f) * s;
    if (b < 0x80) return x > Number.MAX_SAFE_INTEGER ? undefined : [x, i + 1];
    s *= 128;
  }
  return undefined;
}

/** Find the buildinfo header: the section, or (no section table) the magic at a 16-byte boundary. */
function findHeader(buf: Buffer, elf: Elf | undefined): number | undefined {
  if (elf) {
    const s = elf.sections.find((x) => x.name === '.go.buildinfo');
    if (s) {
      const data = sectionData(buf, elf, '.go.buildinfo');
      if (data && data.length >= 32 && data.subarray(0, MAGIC.length).equals(MAGIC)) return s.offset;
      return undefined;
    }
    if (elf.sections.length > 0) return undefined;
  }
  let i = buf.indexOf(MAGIC);
  while (i >= 0) {
    if (i % 16 === 0 && i + 32 <= buf.length) return i;
    i = buf.indexOf(MAGIC, i + 1);
  }
  return undefined;
}

function readPointer(buf: Buffer, off: number, ptrSize: number, le: boolean): bigint | undefined {
  if (off + ptrSize > buf.length) return undefined;
  if (ptrSize === 8) return le ? buf.readBigUInt64LE(off) : buf.readBigUInt64BE(off);
  if (ptrSize === 4) return BigInt(le ? buf.readUInt32LE(off) : buf.readUInt32BE(off));
  return undefined;
}

function readGoString(buf: Buffer, elf: Elf, headerAddr: bigint, ptrSize: number, le: boolean): string | undefined {
  const hoff = offsetOfAddress(elf, headerAddr);
  if (hoff === undefined) return undefined;
  const dataAddr = readPointer(buf, hoff, ptrSize, le);
  const len = readPointer(buf, hoff + ptrSize, ptrSize, le);
  if (dataAddr === undefined || len === undefined || len > BigInt(MAX_STRING)) return undefined;
  if (len === 0n) return '';
  const doff = offsetOfAddress(elf, dataAddr);
  if (doff === undefined || doff + Number(len) > buf.length) return undefined;
  return buf.toString('utf8', doff, doff + Number(len));
}

/** Raw version and modinfo strings of a Go binary; undefined when it has none. */
export function readGoBuildInfoStrings(buf: Buffer): { version: string; modinfo: string } | undefined {
  if (!isElf(buf)) return undefined;
  const elf = readElf(buf);
  const at = findHeader(buf, elf);
  if (at === undefined) return undefined;
  const ptrSize = buf[at + 14]!;
  const flags = buf[at + 15]!;
  if (flags & 2) {
    let off = at + 32;
    const strs: string[] = [];
    for (let k = 0; k < 2; k++) {
      const v = uvarint(buf, off);
      if (!v || v[0] > MAX_STRING || off + v[1] + v[0] > buf.length) return undefined;
      strs.push(buf.toString('utf8', off + v[1], off + v[1] + v[0]));
      off += v[1] + v[0];
    }
    return { version: strs[0]!, modinfo: strs[1]! };
  }
  if (!elf || (ptrSize !== 4 && ptrSize !== 8)) return undefined;
  const le = (flags & 1) === 0;
  const vAddr = readPointer(buf, at + 16, ptrSize, le);
  const mAddr = readPointer(buf, at + 16 + ptrSize, ptrSize, le);
  if (vAddr === undefined || mAddr === undefined) return undefined;
  const version = readGoString(buf, elf, vAddr, ptrSize, le);
  const modinfo = readGoString(buf, elf, mAddr, ptrSize, le);
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

export function readGoBuildInfo(buf: Buffer): GoBuildInfo | undefined {
  const s = readGoBuildInfoStrings(buf);
  return s ? parseModInfo(s.version, s.modinfo) : undefined;
}
