/**
 * A bounded reader of what a .NET portable executable says about itself
 * (https://learn.microsoft.com/windows/win32/debug/pe-format): the CLR header's runtime version (data directory
 * 14, the evidence that the file is a .NET assembly) and the version resource (`RT_VERSION` in the resource
 * directory, data directory 2: `VS_VERSION_INFO`, its `VS_FIXEDFILEINFO` and the `StringFileInfo` strings:
 * ProductName, FileDescription, CompanyName, ProductVersion, FileVersion, …), through random access: the
 * headers, section table, resource directory and the one version resource are all that is read.
 *
 * Hostile input: every offset is checked against what was read, the resource directory is walked at most
 * three levels deep (type, name, language) over at most 4,096 entries with every directory visited once,
 * a version resource over 64 KB or nodes past 1,024 are not read; anything malformed gives what was read so
 * far, never a throw past `readPeVersionInfo` (undefined when the file is not a PE image).
 */
import type { ByteSource } from '../go/elf.js';
import { readExecutable } from '../go/exe.js';

const DIR_RESOURCE = 2;
const DIR_CLR = 14;
const RT_VERSION = 16;
const MAX_ENTRIES = 4096;
const MAX_DEPTH = 3;
const MAX_VERSION_BYTES = 64 * 1024;
const MAX_NODES = 1024;
const MAX_STRING_CHARS = 1024;

export interface PeVersionInfo {
  /** StringFileInfo strings (the first string table that has them), keyed as written. */
  strings: Record<string, string>;
  /** VS_FIXEDFILEINFO's file version as a.b.c.d, when present. */
  fixedFileVersion?: string;
  /** The CLR header's runtime version (2.5 for every .NET assembly), when there is a CLR header. */
  clr?: { major: number; minor: number };
  /** Named resources (a `CLRDEBUGINFO` resource marks a .NET runtime file without a CLR header). */
  resourceNames: string[];
  /** The file names a CLR header (a .NET assembly) that could not be read: whether it is .NET is unknown. */
  unreadableClr?: boolean;
}

interface Mapped {
  /** File offset of an RVA, with how many bytes the section holds from there. */
  at(rva: number): { offset: number; avail: number } | undefined;
}

function mapper(sections: readonly { addr: bigint; offset: number; size: number; type: number }[], imageBase: bigint): Mapped {
  const table = sections.map((s) => ({ va: Number(s.addr - imageBase), offset: s.offset, size: s.size, nobits: s.type === 8 }));
  return {
    at(rva) {
      for (const s of table) {
        if (!s.nobits && rva >= s.va && rva < s.va + s.size) return { offset: s.offset + (rva - s.va), avail: s.va + s.size - rva };
      }
      return undefined;
    },
  };
}

/** Bytes at an RVA, at most `length` and never past the section's end. */
function readRva(src: ByteSource, map: Mapped, rva: number, length: number): Buffer {
  const m = map.at(rva);
  if (m === undefined) return Buffer.alloc(0);
  return src.read(m.offset, Math.min(length, m.avail));
}

/** UTF-16LE text up to a NUL (or `end`), at most MAX_STRING_CHARS characters; returns the text and where the NUL ends. */
function utf16z(b: Buffer, start: number, end: number): { text: string; next: number } {
  let i = start;
  const limit = Math.min(end, b.length, start + MAX_STRING_CHARS * 2);
  while (i + 1 < limit && (b[i] !== 0 || b[i + 1] !== 0)) i += 2;
  return { text: b.toString('utf16le', start, i), next: i + 2 };
}

const align4 = (n: number): number => (n + 3) & ~3;

interface VersionNode {
  key: string;
  type: number;
  valueLength: number;
  valueStart: number;
  childrenStart: number;
  end: number;
}

/** One node of a version resource (wLength, wValueLength, wType, szKey, padding, value, padding, children). */
function node(b: Buffer, at: number, parentEnd: number, valueInWords: boolean): VersionNode | undefined {
  if (at + 6 > parentEnd) return undefined;
  const length = b.readUInt16LE(at);
  if (length < 6) return undefined;
  const end = Math.min(at + length, parentEnd);
  const valueLength = b.readUInt16LE(at + 2);
  const type = b.readUInt16LE(at + 4);
  const { text: key, next } = utf16z(b, at + 6, end);
  const valueStart = align4(next);
  const valueBytes = valueInWords && type === 1 ? valueLength * 2 : valueLength;
  return { key, type, valueLength, valueStart, childrenStart: align4(valueStart + valueBytes), end };
}

/** The children of a node, in order, each bounded by its parent; at most `budget.n` nodes in all. */
function* children(b: Buffer, parent: VersionNode, budget: { n: number }, valueInWords: boolean): Generator<VersionNode> {
  let at = parent.childrenStart;
  while (at < parent.end && budget.n-- > 0) {
    const c = node(b, at, parent.end, valueInWords);
    if (c === undefined) return;
    yield c;
    at = align4(c.end);
  }
}

/** Parse a VS_VERSION_INFO resource: its fixed file version and its string table(s). */
export function parseVersionResource(b: Buffer, out: PeVersionInfo): void {
  const root = node(b, 0, b.length, false);
  if (root === undefined || root.key !== 'VS_VERSION_INFO') return;
  if (root.valueLength >= 52 && root.valueStart + 52 <= root.end && b.readUInt32LE(root.valueStart) === 0xfeef04bd) {
    const ms = b.readUInt32LE(root.valueStart + 8);
    const ls = b.readUInt32LE(root.valueStart + 12);
    out.fixedFileVersion = `${ms >>> 16}.${ms & 0xffff}.${ls >>> 16}.${ls & 0xffff}`;
  }
  const budget = { n: MAX_NODES };
  for (const info of children(b, root, budget, false)) {
    if (info.key !== 'StringFileInfo') continue;
    for (const table of children(b, info, budget, false)) {
      for (const s of children(b, table, budget, true)) {
        if (s.key === '' || s.key in out.strings) continue;
        const value = s.valueLength > 0 ? utf16z(b, s.valueStart, s.end).text : '';
        out.strings[s.key] = value;
      }
    }
  }
}

/** Walk the resource directory: named entries' names, and the data entry of the first RT_VERSION resource. */
function walkResources(src: ByteSource, map: Mapped, base: number, size: number, out: PeVersionInfo): number | undefined {
  const visited = new Set<number>();
  let entries = 0;
  let version: number | undefined;
  const dir = (offset: number, depth: number, underVersion: boolean): void => {
    if (depth >= MAX_DEPTH || visited.has(offset) || offset + 16 > size) return;
    visited.add(offset);
    const head = readRva(src, map, base + offset, 16);
    if (head.length < 16) return;
    const count = head.readUInt16LE(12) + head.readUInt16LE(14);
    if (count === 0 || entries + count > MAX_ENTRIES) return;
    entries += count;
    const table = readRva(src, map, base + offset + 16, count * 8);
    for (let i = 0; i < count && i * 8 + 8 <= table.length; i++) {
      const name = table.readUInt32LE(i * 8);
      const target = table.readUInt32LE(i * 8 + 4);
      let isVersion = underVersion;
      if (name & 0x80000000) {
        const at = name & 0x7fffffff;
        const len = readRva(src, map, base + at, 2);
        if (len.length === 2 && at + 2 < size) {
          const n = Math.min(len.readUInt16LE(0), MAX_STRING_CHARS);
          const text = readRva(src, map, base + at + 2, n * 2).toString('utf16le');
          if (text !== '' && out.resourceNames.length < 64 && !out.resourceNames.includes(text)) out.resourceNames.push(text);
        }
      } else if (depth === 0) {
        isVersion = name === RT_VERSION;
      }
      if (target & 0x80000000) dir(target & 0x7fffffff, depth + 1, isVersion);
      else if (isVersion && version === undefined && depth > 0 && target + 16 <= size) version = target;
    }
  };
  dir(0, 0, false);
  return version;
}

/** What a PE file says of itself; undefined when it is not a PE image. Never throws. */
export function readPeVersionInfo(src: ByteSource): PeVersionInfo | undefined {
  try {
    const exe = readExecutable(src);
    if (exe?.format !== 'pe' || exe.pe === undefined) return undefined;
    const map = mapper(exe.sections, exe.pe.imageBase);
    const out: PeVersionInfo = { strings: {}, resourceNames: [] };
    const clrDir = exe.pe.directories[DIR_CLR];
    if (clrDir && clrDir.rva !== 0 && clrDir.size >= 8) {
      const h = readRva(src, map, clrDir.rva, 8);
      if (h.length === 8) out.clr = { major: h.readUInt16LE(4), minor: h.readUInt16LE(6) };
      else out.unreadableClr = true;
    }
    const res = exe.pe.directories[DIR_RESOURCE];
    if (res && res.rva !== 0 && res.size >= 16) {
      const entry = walkResources(src, map, res.rva, res.size, out);
      if (entry !== undefined) {
        const d = readRva(src, map, res.rva + entry, 16);
        if (d.length === 16) {
          const dataRva = d.readUInt32LE(0);
          const dataSize = d.readUInt32LE(4);
          if (dataSize > 0 && dataSize <= MAX_VERSION_BYTES) parseVersionResource(readRva(src, map, dataRva, dataSize), out);
        }
      }
    }
    return out;
  } catch {
    return undefined;
  }
}

/** syft's evidence of a .NET file: a CLR header with a runtime version, or a CLRDEBUGINFO resource. */
export function isDotnetAssembly(info: PeVersionInfo): boolean {
  return (info.clr !== undefined && info.clr.major !== 0 && info.clr.minor !== 0) || info.resourceNames.includes('CLRDEBUGINFO');
}
