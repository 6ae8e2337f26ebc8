/**
 * The section tables of the three executable formats Go writes, read into one shape (name, virtual
 * address, file offset, file size) so the Go build information blob, the same in every format, can be
 * found and its pointers followed the same way (as Go's debug/buildinfo does):
 *  - ELF: the `.go.buildinfo` section (elf.ts);
 *  - PE (Windows, https://learn.microsoft.com/windows/win32/debug/pe-format): no section of its own; the
 *    blob is near the start of the first initialised read-write data section (`.data`);
 *  - Mach-O (macOS, <mach-o/loader.h>): the `__go_buildinfo` section (Go >= 1.18's linker), else the first
 *    read-write segment (`__DATA`). Universal ("fat") files: the first architecture's image.
 * Bounds-checked: hostile input never throws past `readExecutable` (it returns undefined); only the
 * headers and load commands are read. The Rust cataloger finds cargo-auditable's `.dep-v0` section through
 * the same tables.
 */
import { bufferSource, isElf, readElf, type ByteSource, type ElfSection } from './elf.js';

export type ExeFormat = 'elf' | 'pe' | 'macho';

/** Where to look for the build information blob: `exact` = it starts there (a section of its own). */
export interface DataRegion {
  offset: number;
  size: number;
  exact: boolean;
}

export interface Executable {
  format: ExeFormat;
  sections: ElfSection[];
  /** PE and Mach-O: the region Go's debug/buildinfo searches; ELF: see buildinfo.ts. */
  data?: DataRegion;
  /** PE: the image base and the optional header's data directories (RVA and size; index 2 resources, 14 the CLR header). */
  pe?: { imageBase: bigint; directories: { rva: number; size: number }[] };
}

/** Section type of bytes that are not in the file (ELF SHT_NOBITS; PE uninitialised data, Mach-O zerofill). */
export const NOBITS = 8;
const MAX_SECTIONS = 65_535;
/** Load commands (Mach-O) and section tables (PE) larger than this are not believed. */
const MAX_HEADER_BYTES = 16 * 1024 * 1024;

const asSource = (b: Buffer | ByteSource): ByteSource => (Buffer.isBuffer(b) ? bufferSource(b) : b);
const cstr = (b: Buffer, start: number, len: number): string => {
  const s = b.subarray(start, start + len);
  const end = s.indexOf(0);
  return s.toString('latin1', 0, end < 0 ? s.length : end);
};

/** An executable's sections, in whichever of the three formats; undefined for anything else. */
export function readExecutable(bytes: Buffer | ByteSource): Executable | undefined {
  const src = asSource(bytes);
  if (isElf(src)) {
    // an ELF file whose section table cannot be read is searched whole (buildinfo.ts), as before
    return { format: 'elf', sections: readElf(src)?.sections ?? [] };
  }
  const head = src.read(0, 8);
  if (head.length < 8) return undefined;
  try {
    if (head[0] === 0x4d && head[1] === 0x5a) return readPe(src);
    const be = head.readUInt32BE(0);
    if (be === 0xcafebabe) return readFatMachO(src);
    const le = head.readUInt32LE(0);
    if (le === 0xfeedface || le === 0xfeedfacf) return readMachO(src, 0, src.size, true);
    if (be === 0xfeedface || be === 0xfeedfacf) return readMachO(src, 0, src.size, false);
  } catch {
    return undefined;
  }
  return undefined;
}

// --- PE ---------------------------------------------------------------------------------------------
const IMAGE_SCN_CNT_INITIALIZED_DATA = 0x40;
const IMAGE_SCN_CNT_UNINITIALIZED_DATA = 0x80;
const IMAGE_SCN_MEM_READ = 0x40000000;
const IMAGE_SCN_MEM_WRITE = 0x80000000;
const IMAGE_SCN_ALIGN_32BYTES = 0x600000;

function readPe(src: ByteSource): Executable | undefined {
  const dos = src.read(0, 64);
  if (dos.length < 64) return undefined;
  const peOff = dos.readUInt32LE(0x3c);
  const coff = src.read(peOff, 24);
  if (coff.length < 24 || coff.readUInt32BE(0) !== 0x50450000) return undefined; // "PE\0\0"
  const nsect = coff.readUInt16LE(6);
  const optSize = coff.readUInt16LE(20);
  const opt = src.read(peOff + 24, optSize);
  if (opt.length < 2) return undefined;
  const magic = opt.readUInt16LE(0);
  let imageBase: bigint;
  if (magic === 0x20b && opt.length >= 32) imageBase = opt.readBigUInt64LE(24);
  else if (magic === 0x10b && opt.length >= 32) imageBase = BigInt(opt.readUInt32LE(28));
  else return undefined;
  if (nsect > MAX_SECTIONS) return undefined;
  const tableOff = peOff + 24 + optSize;
  const table = src.read(tableOff, nsect * 40);
  if (table.length < nsect * 40) return undefined;
  const sections: ElfSection[] = [];
  let data: DataRegion | undefined;
  for (let i = 0; i < nsect; i++) {
    const o = i * 40;
    const name = cstr(table, o, 8);
    const virtualAddress = table.readUInt32LE(o + 12);
    const rawSize = table.readUInt32LE(o + 16);
    const virtualSize = table.readUInt32LE(o + 8);
    const rawOffset = table.readUInt32LE(o + 20);
    const characteristics = table.readUInt32LE(o + 36);
    const nobits = (characteristics & IMAGE_SCN_CNT_UNINITIALIZED_DATA) !== 0 || rawOffset === 0;
    // raw data is padded to the file alignment: the section holds its virtual size when that is smaller
    const size = virtualSize > 0 ? Math.min(virtualSize, rawSize) : rawSize;
    sections.push({ name, type: nobits ? NOBITS : 1, addr: imageBase + BigInt(virtualAddress), offset: rawOffset, size });
    // Go's debug/buildinfo: the first section that is initialised, readable, writable data
    const rw = IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ | IMAGE_SCN_MEM_WRITE;
    if (!data && virtualAddress !== 0 && rawSize !== 0 && !nobits && (characteristics & ~IMAGE_SCN_ALIGN_32BYTES) >>> 0 === rw >>> 0) {
      data = { offset: rawOffset, size: rawSize, exact: false };
    }
  }
  // data directories: after the 96 (PE32) or 112 (PE32+) bytes of fixed fields, NumberOfRvaAndSizes entries of 8 bytes
  const dirStart = magic === 0x20b ? 112 : 96;
  const directories: { rva: number; size: number }[] = [];
  if (opt.length >= dirStart) {
    const n = Math.min(opt.readUInt32LE(dirStart - 4), 16, Math.floor((opt.length - dirStart) / 8));
    for (let i = 0; i < n; i++) directories.push({ rva: opt.readUInt32LE(dirStart + i * 8), size: opt.readUInt32LE(dirStart + i * 8 + 4) });
  }
  const pe = { imageBase, directories };
  return data ? { format: 'pe', sections, data, pe } : { format: 'pe', sections, pe };
}

// --- Mach-O -------------------------------------------------------------------------------------------
const LC_SEGMENT = 0x1;
const LC_SEGMENT_64 = 0x19;
const S_ZEROFILL = 0x1;
const S_GB_ZEROFILL = 0xc;
const S_THREAD_LOCAL_ZEROFILL = 0x12;
const VM_PROT_RW = 3;

function readFatMachO(src: ByteSource): Executable | undefined {
  // fat_header and fat_arch are big endian; Java class files share the magic (then the count is a
  // class file version, 45 or more), so only a small architecture count is a universal binary.
  const head = src.read(0, 8 + 20);
  if (head.length < 28) return undefined;
  const n = head.readUInt32BE(4);
  if (n === 0 || n > 20) return undefined;
  const offset = head.readUInt32BE(8 + 8);
  const size = head.readUInt32BE(8 + 12);
  if (offset === 0 || offset >= src.size) return undefined;
  const inner = src.read(offset, 4);
  if (inner.length < 4) return undefined;
  const le = inner.readUInt32LE(0);
  const be = inner.readUInt32BE(0);
  if (le === 0xfeedface || le === 0xfeedfacf) return readMachO(src, offset, Math.min(size, src.size - offset), true);
  if (be === 0xfeedface || be === 0xfeedfacf) return readMachO(src, offset, Math.min(size, src.size - offset), false);
  return undefined;
}

/** A Mach-O image at `base` (0, or an architecture inside a universal file; offsets are relative to it). */
function readMachO(src: ByteSource, base: number, length: number, le: boolean): Executable | undefined {
  const u32 = (b: Buffer, o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const u64 = (b: Buffer, o: number): bigint => (le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
  const head = src.read(base, 32);
  if (head.length < 28) return undefined;
  const is64 = u32(head, 0) === 0xfeedfacf;
  const ncmds = u32(head, 16);
  const sizeofcmds = u32(head, 20);
  const headerSize = is64 ? 32 : 28;
  if (sizeofcmds > MAX_HEADER_BYTES || headerSize + sizeofcmds > length) return undefined;
  const cmds = src.read(base + headerSize, sizeofcmds);
  if (cmds.length < sizeofcmds) return undefined;
  const sections: ElfSection[] = [];
  let buildinfo: DataRegion | undefined;
  let rwSegment: DataRegion | undefined;
  let at = 0;
  for (let i = 0; i < ncmds && at + 8 <= cmds.length; i++) {
    const cmd = u32(cmds, at);
    const size = u32(cmds, at + 4);
    if (size < 8 || at + size > cmds.length) return undefined;
    if (cmd === LC_SEGMENT_64 || cmd === LC_SEGMENT) {
      const w = cmd === LC_SEGMENT_64;
      const segHead = w ? 72 : 56;
      const sectSize = w ? 80 : 68;
      if (size < segHead) return undefined;
      const vmaddr = w ? u64(cmds, at + 24) : BigInt(u32(cmds, at + 24));
      const fileoff = w ? Number(u64(cmds, at + 40)) : u32(cmds, at + 32);
      const filesize = w ? Number(u64(cmds, at + 48)) : u32(cmds, at + 36);
      const maxprot = u32(cmds, at + (w ? 56 : 40));
      const initprot = u32(cmds, at + (w ? 60 : 44));
      const nsects = u32(cmds, at + (w ? 64 : 48));
      if (nsects > MAX_SECTIONS || segHead + nsects * sectSize > size) return undefined;
      if (!rwSegment && vmaddr !== 0n && filesize !== 0 && maxprot === VM_PROT_RW && initprot === VM_PROT_RW && Number.isSafeInteger(fileoff) && Number.isSafeInteger(filesize)) {
        rwSegment = { offset: base + fileoff, size: Math.min(filesize, Math.max(0, length - fileoff)), exact: false };
      }
      for (let k = 0; k < nsects; k++) {
        const o = at + segHead + k * sectSize;
        const name = cstr(cmds, o, 16);
        const addr = w ? u64(cmds, o + 32) : BigInt(u32(cmds, o + 32));
        const ssize = w ? Number(u64(cmds, o + 40)) : u32(cmds, o + 36);
        const offset = u32(cmds, o + (w ? 48 : 40));
        const flags = u32(cmds, o + (w ? 64 : 56));
        const kind = flags & 0xff;
        const nobits = kind === S_ZEROFILL || kind === S_GB_ZEROFILL || kind === S_THREAD_LOCAL_ZEROFILL || offset === 0;
        if (!Number.isSafeInteger(ssize)) continue;
        sections.push({ name, type: nobits ? NOBITS : 1, addr, offset: base + offset, size: ssize, segment: cstr(cmds, o + 16, 16) });
        if (name === '__go_buildinfo' && !nobits && !buildinfo) buildinfo = { offset: base + offset, size: ssize, exact: true };
      }
    }
    at += size;
  }
  const data = buildinfo ?? rwSegment;
  return data ? { format: 'macho', sections, data } : { format: 'macho', sections };
}
