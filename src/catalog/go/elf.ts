/**
 * A minimal, bounds-checked ELF reader (https://refspecs.linuxfoundation.org/elf/gabi4+/ch4.sheader.html):
 * section headers by name, and virtual address → file offset through the sections that hold file
 * bytes. Hostile input never throws past `readElf` (it returns undefined).
 */

export interface ElfSection {
  name: string;
  type: number;
  addr: bigint;
  offset: number;
  size: number;
}

export interface Elf {
  is64: boolean;
  littleEndian: boolean;
  sections: ElfSection[];
}

const SHT_NOBITS = 8;
const MAX_SECTIONS = 65_535;

export function isElf(buf: Buffer): boolean {
  return buf.length >= 16 && buf[0] === 0x7f && buf[1] === 0x45 && buf[2] === 0x4c && buf[3] === 0x46;
}

/** Parse the section table; undefined when the bytes are not a well-formed ELF file. */
export function readElf(buf: Buffer): Elf | undefined {
  if (!isElf(buf)) return undefined;
  const cls = buf[4];
  const data = buf[5];
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) return undefined;
  const is64 = cls === 2;
  const le = data === 1;
  const u16 = (o: number): number => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const u64 = (o: number): bigint => (le ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o));
  try {
    const headerSize = is64 ? 64 : 52;
    if (buf.length < headerSize) return undefined;
    const shoff = is64 ? Number(u64(0x28)) : u32(0x20);
    const shentsize = u16(is64 ? 0x3a : 0x2e);
    const shnum = u16(is64 ? 0x3c : 0x30);
    const shstrndx = u16(is64 ? 0x3e : 0x32);
    if (shoff === 0 || shnum === 0 || shnum > MAX_SECTIONS) return { is64, littleEndian: le, sections: [] };
    const minEnt = is64 ? 64 : 40;
    if (shentsize < minEnt || !Number.isSafeInteger(shoff) || shoff + shnum * shentsize > buf.length) return undefined;
    const raw: { nameOff: number; type: number; addr: bigint; offset: number; size: number }[] = [];
    for (let i = 0; i < shnum; i++) {
      const o = shoff + i * shentsize;
      const nameOff = u32(o);
      const type = u32(o + 4);
      const addr = is64 ? u64(o + 0x10) : BigInt(u32(o + 0x0c));
      const offset = is64 ? Number(u64(o + 0x18)) : u32(o + 0x10);
      const size = is64 ? Number(u64(o + 0x20)) : u32(o + 0x14);
      raw.push({ nameOff, type, addr, offset, size });
    }
    const strtab = raw[shstrndx];
    const sections: ElfSection[] = [];
    for (const s of raw) {
      let name = '';
      if (strtab && strtab.offset < buf.length) {
        const start = strtab.offset + s.nameOff;
        if (s.nameOff < strtab.size && start < buf.length) {
          const end = buf.indexOf(0, start);
          name = buf.toString('latin1', start, end < 0 ? Math.min(buf.length, start + 256) : Math.min(end, start + 256));
        }
      }
      sections.push({ name, type: s.type, addr: s.addr, offset: s.offset, size: s.size });
    }
    return { is64, littleEndian: le, sections };
  } catch {
    return undefined;
  }
}

/** Bytes of a named section, clamped to the file; undefined when absent or NOBITS. */
export function sectionData(buf: Buffer, elf: Elf, name: string): Buffer | undefined {
  const s = elf.sections.find((x) => x.name === name);
  if (!s || s.type === SHT_NOBITS || !Number.isSafeInteger(s.offset) || s.offset >= buf.length) return undefined;
  return buf.subarray(s.offset, Math.min(buf.length, s.offset + s.size));
}

/** File offset of a virtual address, through the section that contains it. */
export function offsetOfAddress(elf: Elf, addr: bigint): number | undefined {
  for (const s of elf.sections) {
    if (s.type === SHT_NOBITS || s.addr === 0n) continue;
    if (addr >= s.addr && addr < s.addr + BigInt(s.size)) {
      const off = s.offset + Number(addr - s.addr);
      return Number.isSafeInteger(off) ? off : undefined;
    }
  }
  return undefined;
}
