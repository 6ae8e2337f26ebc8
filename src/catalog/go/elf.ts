/**
 * A minimal, bounds-checked ELF reader (https://refspecs.linuxfoundation.org/elf/gabi4+/ch4.sheader.html):
 * section headers by name, and virtual address → file offset through the sections that hold file
 * bytes. Hostile input never throws past `readElf` (it returns undefined).
 *
 * It reads through a {@link ByteSource}, so a binary's header, section table and the one section wanted
 * are all that is read of it (a few KB of a 4 MB executable), not the whole file.
 */
import type { RandomAccessFile } from '../../source/types.js';

/** Random access to a file's bytes (a source's RandomAccessFile, or bytes in memory). */
export type ByteSource = Omit<RandomAccessFile, 'close'>;

/** A ByteSource over bytes already in memory. */
export function bufferSource(buf: Buffer): ByteSource {
  return { size: buf.length, read: (offset, length) => buf.subarray(offset, Math.min(buf.length, offset + length)) };
}

const asSource = (b: Buffer | ByteSource): ByteSource => (Buffer.isBuffer(b) ? bufferSource(b) : b);

export interface ElfSection {
  name: string;
  type: number;
  addr: bigint;
  offset: number;
  size: number;
  /** Mach-O only: the segment the section belongs to (`__DATA`, `__TEXT`, …). */
  segment?: string;
}

export interface Elf {
  is64: boolean;
  littleEndian: boolean;
  sections: ElfSection[];
}

const SHT_NOBITS = 8;
const MAX_SECTIONS = 65_535;

export function isElf(bytes: Buffer | ByteSource): boolean {
  const head = asSource(bytes).read(0, 16);
  return head.length >= 16 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
}

/** Longest section name read. */
const MAX_NAME = 256;
/** A section header table or string table larger than this is not believed. */
const MAX_TABLE_BYTES = 16 * 1024 * 1024;

/** Parse the section table; undefined when the bytes are not a well-formed ELF file. */
export function readElf(bytes: Buffer | ByteSource): Elf | undefined {
  const src = asSource(bytes);
  if (!isElf(src)) return undefined;
  const head = src.read(0, 64);
  const cls = head[4];
  const data = head[5];
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) return undefined;
  const is64 = cls === 2;
  const le = data === 1;
  const u16 = (b: Buffer, o: number): number => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (b: Buffer, o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const u64 = (b: Buffer, o: number): bigint => (le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
  try {
    const headerSize = is64 ? 64 : 52;
    if (head.length < headerSize) return undefined;
    const shoff = is64 ? Number(u64(head, 0x28)) : u32(head, 0x20);
    const shentsize = u16(head, is64 ? 0x3a : 0x2e);
    const shnum = u16(head, is64 ? 0x3c : 0x30);
    const shstrndx = u16(head, is64 ? 0x3e : 0x32);
    if (shoff === 0 || shnum === 0 || shnum > MAX_SECTIONS) return { is64, littleEndian: le, sections: [] };
    const minEnt = is64 ? 64 : 40;
    if (shentsize < minEnt || !Number.isSafeInteger(shoff) || shoff + shnum * shentsize > src.size || shnum * shentsize > MAX_TABLE_BYTES) return undefined;
    const table = src.read(shoff, shnum * shentsize);
    if (table.length < shnum * shentsize) return undefined;
    const raw: { nameOff: number; type: number; addr: bigint; offset: number; size: number }[] = [];
    for (let i = 0; i < shnum; i++) {
      const o = i * shentsize;
      const nameOff = u32(table, o);
      const type = u32(table, o + 4);
      const addr = is64 ? u64(table, o + 0x10) : BigInt(u32(table, o + 0x0c));
      const offset = is64 ? Number(u64(table, o + 0x18)) : u32(table, o + 0x10);
      const size = is64 ? Number(u64(table, o + 0x20)) : u32(table, o + 0x14);
      raw.push({ nameOff, type, addr, offset, size });
    }
    const strtab = raw[shstrndx];
    // The names: the string table section, read once (capped), each name up to its NUL or MAX_NAME bytes.
    const names = strtab && Number.isSafeInteger(strtab.offset) && strtab.offset < src.size ? src.read(strtab.offset, Math.min(strtab.size, MAX_TABLE_BYTES)) : Buffer.alloc(0);
    const sections: ElfSection[] = [];
    for (const s of raw) {
      let name = '';
      if (strtab && s.nameOff < strtab.size && s.nameOff < names.length) {
        const end = names.indexOf(0, s.nameOff);
        name = names.toString('latin1', s.nameOff, end < 0 ? Math.min(names.length, s.nameOff + MAX_NAME) : Math.min(end, s.nameOff + MAX_NAME));
      }
      sections.push({ name, type: s.type, addr: s.addr, offset: s.offset, size: s.size });
    }
    return { is64, littleEndian: le, sections };
  } catch {
    return undefined;
  }
}

/** Bytes of a named section, clamped to the file; undefined when absent or NOBITS. */
export function sectionData(bytes: Buffer | ByteSource, elf: Pick<Elf, 'sections'>, name: string): Buffer | undefined {
  const src = asSource(bytes);
  const s = elf.sections.find((x) => x.name === name);
  if (!s || s.type === SHT_NOBITS || !Number.isSafeInteger(s.offset) || s.offset >= src.size) return undefined;
  return src.read(s.offset, Math.min(src.size - s.offset, s.size));
}

/** File offset of a virtual address, through the section that contains it. */
export function offsetOfAddress(elf: Pick<Elf, 'sections'>, addr: bigint): number | undefined {
  for (const s of elf.sections) {
    if (s.type === SHT_NOBITS || s.addr === 0n) continue;
    if (addr >= s.addr && addr < s.addr + BigInt(s.size)) {
      const off = s.offset + Number(addr - s.addr);
      return Number.isSafeInteger(off) ? off : undefined;
    }
  }
  return undefined;
}
