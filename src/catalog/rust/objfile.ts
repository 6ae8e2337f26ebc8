/**
 * The one section cargo-auditable writes, `.dep-v0`, in the two executable formats besides ELF
 * (go/elf.ts): PE/COFF (Windows: a section header named `.dep-v0`,
 * https://learn.microsoft.com/windows/win32/debug/pe-format#section-table-section-headers) and Mach-O
 * (macOS: section `.dep-v0` of segment `__DATA`, 32- and 64-bit, either byte order, and the first
 * slice of a universal binary). Bounds-checked: hostile input gives undefined, never a throw, and only
 * the headers and the section are read.
 */
import type { ByteSource } from '../go/elf.js';

/** Section tables larger than this are not believed. */
const MAX_SECTIONS = 4096;
const MAX_LOAD_COMMANDS = 4096;
const MAX_HEADER_BYTES = 4 * 1024 * 1024;
/** A `.dep-v0` section is a few KB of zlib; the inflated JSON is bounded by its reader. */
const MAX_SECTION_BYTES = 16 * 1024 * 1024;

export type ObjectFormat = 'PE' | 'Mach-O';

function slice(src: ByteSource, offset: number, size: number): Buffer | undefined {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || offset < 0 || size <= 0 || size > MAX_SECTION_BYTES || offset + size > src.size) return undefined;
  const b = src.read(offset, size);
  return b.length === size ? b : undefined;
}

function peSection(src: ByteSource, name: string): Buffer | undefined {
  const dos = src.read(0, 64);
  if (dos.length < 64) return undefined;
  const pe = dos.readUInt32LE(0x3c);
  const head = src.read(pe, 24);
  if (head.length < 24 || head.readUInt32LE(0) !== 0x00004550) return undefined; // "PE\0\0"
  const count = head.readUInt16LE(6);
  const optSize = head.readUInt16LE(20);
  if (count > MAX_SECTIONS) return undefined;
  const table = src.read(pe + 24 + optSize, count * 40);
  if (table.length < count * 40) return undefined;
  for (let i = 0; i < count; i++) {
    const o = i * 40;
    const raw = table.subarray(o, o + 8);
    const end = raw.indexOf(0);
    if (raw.subarray(0, end < 0 ? 8 : end).toString('latin1') !== name) continue;
    const virtualSize = table.readUInt32LE(o + 8);
    const rawSize = table.readUInt32LE(o + 16);
    const ptr = table.readUInt32LE(o + 20);
    // raw data is padded to the file alignment; the virtual size is what the section holds
    return slice(src, ptr, virtualSize > 0 ? Math.min(virtualSize, rawSize) : rawSize);
  }
  return undefined;
}

const MH_MAGIC = 0xfeedface;
const MH_MAGIC_64 = 0xfeedfacf;
const FAT_MAGIC = 0xcafebabe;
const LC_SEGMENT = 0x1;
const LC_SEGMENT_64 = 0x19;

function machoSection(src: ByteSource, base: number, segment: string, name: string): Buffer | undefined {
  const head = src.read(base, 32);
  if (head.length < 28) return undefined;
  let le: boolean;
  let is64: boolean;
  if (head.readUInt32LE(0) === MH_MAGIC_64 || head.readUInt32LE(0) === MH_MAGIC) [le, is64] = [true, head.readUInt32LE(0) === MH_MAGIC_64];
  else if (head.readUInt32BE(0) === MH_MAGIC_64 || head.readUInt32BE(0) === MH_MAGIC) [le, is64] = [false, head.readUInt32BE(0) === MH_MAGIC_64];
  else return undefined;
  const u32 = (b: Buffer, o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const ncmds = u32(head, 16);
  const sizeofcmds = u32(head, 20);
  if (ncmds > MAX_LOAD_COMMANDS || sizeofcmds > MAX_HEADER_BYTES) return undefined;
  const cmds = src.read(base + (is64 ? 32 : 28), sizeofcmds);
  if (cmds.length < sizeofcmds) return undefined;
  const cstr = (b: Buffer): string => {
    const end = b.indexOf(0);
    return b.subarray(0, end < 0 ? b.length : end).toString('latin1');
  };
  let off = 0;
  for (let i = 0; i < ncmds && off + 8 <= cmds.length; i++) {
    const cmd = u32(cmds, off);
    const size = u32(cmds, off + 4);
    if (size < 8 || off + size > cmds.length) return undefined;
    if (cmd === (is64 ? LC_SEGMENT_64 : LC_SEGMENT)) {
      const segHead = is64 ? 72 : 56;
      const sectSize = is64 ? 80 : 68;
      const nsects = size >= segHead ? u32(cmds, off + (is64 ? 64 : 48)) : 0;
      if (segHead + nsects * sectSize > size) return undefined;
      for (let j = 0; j < nsects; j++) {
        const s = off + segHead + j * sectSize;
        if (cstr(cmds.subarray(s, s + 16)) !== name || cstr(cmds.subarray(s + 16, s + 32)) !== segment) continue;
        const secSize = is64 ? Number(le ? cmds.readBigUInt64LE(s + 40) : cmds.readBigUInt64BE(s + 40)) : u32(cmds, s + 36);
        const fileOff = u32(cmds, s + (is64 ? 48 : 40));
        return slice(src, base + fileOff, secSize);
      }
    }
    off += size;
  }
  return undefined;
}

/** The object format of these bytes when it is PE or Mach-O (thin or universal). */
export function objectFormat(src: ByteSource): ObjectFormat | undefined {
  const m = src.read(0, 4);
  if (m.length < 4) return undefined;
  if (m[0] === 0x4d && m[1] === 0x5a) return 'PE'; // "MZ"
  const le = m.readUInt32LE(0);
  const be = m.readUInt32BE(0);
  if ([MH_MAGIC, MH_MAGIC_64].includes(le) || [MH_MAGIC, MH_MAGIC_64].includes(be) || be === FAT_MAGIC) return 'Mach-O';
  return undefined;
}

/** The bytes of the `.dep-v0` section of a PE or Mach-O executable; undefined when it has none (or is neither). */
export function depV0Section(src: ByteSource): Buffer | undefined {
  const format = objectFormat(src);
  if (format === 'PE') return peSection(src, '.dep-v0');
  if (format !== 'Mach-O') return undefined;
  const m = src.read(0, 8);
  if (m.length === 8 && m.readUInt32BE(0) === FAT_MAGIC) {
    // a universal binary: fat_arch entries (big-endian) of the slices; Java class files share the
    // magic, but their second word (a version >= 45) is never a small slice count
    const n = m.readUInt32BE(4);
    if (n === 0 || n > 32) return undefined;
    const arches = src.read(8, n * 20);
    for (let i = 0; i < n && (i + 1) * 20 <= arches.length; i++) {
      const found = machoSection(src, arches.readUInt32BE(i * 20 + 8), '__DATA', '.dep-v0');
      if (found) return found;
    }
    return undefined;
  }
  return machoSection(src, 0, '__DATA', '.dep-v0');
}
