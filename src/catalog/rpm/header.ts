/**
 * One RPM header as the package databases store it (all three back ends hold the same blob): be32
 * index count `il`, be32 data size `dl`, `il` 16-byte index entries (tag, type, offset, count, all
 * be32), then `dl` bytes of data store
 * (https://rpm-software-management.github.io/rpm/manual/format_header.html, rpm's lib/header.c).
 * The index is read once; values are decoded only for the tags asked for, each checked against the
 * data store's bounds, so a hostile header costs at most one pass over its own bytes.
 */

/** The tags custody reads (rpm's include/rpm/rpmtag.h). */
export const RPMTAG = {
  SIGMD5: 261,
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  SUMMARY: 1004,
  SIZE: 1009,
  VENDOR: 1011,
  LICENSE: 1014,
  ARCH: 1022,
  OLDFILENAMES: 1027,
  SOURCERPM: 1044,
  DIRINDEXES: 1116,
  BASENAMES: 1117,
  DIRNAMES: 1118,
  LONGSIZE: 5009,
  MODULARITYLABEL: 5096,
} as const;

/** Data types of index entries (rpmTagType). */
export const RPM_TYPE = { NULL: 0, CHAR: 1, INT8: 2, INT16: 3, INT32: 4, INT64: 5, STRING: 6, BIN: 7, STRING_ARRAY: 8, I18NSTRING: 9 } as const;

/**
 * rpm refuses headers over 256 MiB of data or 0xffff entries (hdrblob limits); an installed package
 * header is a few KiB to a few MiB (its file list), so custody is stricter.
 */
export const MAX_HEADER_ENTRIES = 0x10000;
export const MAX_HEADER_DATA = 64 * 1024 * 1024;
/** The largest blob a back end should hand over: index plus data at their limits. */
export const MAX_HEADER_BYTES = 8 + MAX_HEADER_ENTRIES * 16 + MAX_HEADER_DATA;

interface Entry {
  type: number;
  offset: number;
  count: number;
}

/** A parsed header: its index, and typed accessors that decode one tag each. */
export class RpmHeader {
  private constructor(
    private readonly data: Buffer,
    private readonly index: Map<number, Entry>,
  ) {}

  /**
   * Parse a header blob. Throws an Error whose message starts with "rpm header" when its counts do not
   * fit the blob (the caller reports that header as unreadable).
   */
  static parse(blob: Buffer): RpmHeader {
    if (blob.length < 8) throw new Error('rpm header shorter than 8 bytes');
    const il = blob.readUInt32BE(0);
    const dl = blob.readUInt32BE(4);
    if (il === 0 || il > MAX_HEADER_ENTRIES || dl > MAX_HEADER_DATA) throw new Error(`rpm header has implausible sizes (${il} entries, ${dl} bytes)`);
    const dataStart = 8 + il * 16;
    if (dataStart + dl > blob.length) throw new Error(`rpm header truncated (${blob.length} of ${dataStart + dl} bytes)`);
    const index = new Map<number, Entry>();
    for (let i = 0; i < il; i++) {
      const e = 8 + i * 16;
      // A tag seen twice: rpm lets the later ("dribble") entry replace the one in the immutable region.
      index.set(blob.readUInt32BE(e), { type: blob.readUInt32BE(e + 4), offset: blob.readUInt32BE(e + 8), count: blob.readUInt32BE(e + 12) });
    }
    return new RpmHeader(blob.subarray(dataStart, dataStart + dl), index);
  }

  has(tag: number): boolean {
    return this.index.has(tag);
  }

  /** A STRING, or the first (C locale) value of an I18NSTRING or STRING_ARRAY; undefined when absent or out of bounds. */
  string(tag: number): string | undefined {
    const e = this.index.get(tag);
    if (e === undefined || e.count === 0) return undefined;
    if (e.type !== RPM_TYPE.STRING && e.type !== RPM_TYPE.I18NSTRING && e.type !== RPM_TYPE.STRING_ARRAY) return undefined;
    if (e.offset >= this.data.length) throw new Error(`rpm header tag ${tag}: offset out of bounds`);
    const end = this.data.indexOf(0, e.offset);
    if (end < 0) throw new Error(`rpm header tag ${tag}: unterminated string`);
    return this.data.toString('utf8', e.offset, end);
  }

  /** All strings of a STRING_ARRAY (or I18NSTRING); undefined when absent. */
  strings(tag: number): string[] | undefined {
    const e = this.index.get(tag);
    if (e === undefined) return undefined;
    if (e.type !== RPM_TYPE.STRING_ARRAY && e.type !== RPM_TYPE.I18NSTRING && e.type !== RPM_TYPE.STRING) return undefined;
    // Each string takes at least its NUL byte: a count beyond the store cannot be honest.
    if (e.count > this.data.length - e.offset) throw new Error(`rpm header tag ${tag}: ${e.count} strings cannot fit`);
    if (e.count === 0) return [];
    let at = e.offset;
    for (let i = 0; i < e.count; i++) {
      const end = this.data.indexOf(0, at);
      if (end < 0) throw new Error(`rpm header tag ${tag}: unterminated string ${i}`);
      at = end + 1;
    }
    // One decode and one split instead of one decode per string: file lists hold thousands.
    return this.data.toString('utf8', e.offset, at - 1).split('\0');
  }

  /** The first value of an integer tag (INT8/16/32/64); undefined when absent. */
  int(tag: number): number | undefined {
    const e = this.index.get(tag);
    if (e === undefined || e.count === 0) return undefined;
    const width = intWidth(e.type);
    if (width === 0) return undefined;
    if (e.offset + width > this.data.length) throw new Error(`rpm header tag ${tag}: integer out of bounds`);
    return readInt(this.data, e.type, e.offset);
  }

  /** Every value of an INT32 array; undefined when absent or of another type. */
  int32s(tag: number): Int32Array | undefined {
    const e = this.index.get(tag);
    if (e === undefined || e.type !== RPM_TYPE.INT32) return undefined;
    if (e.count > (this.data.length - e.offset) / 4) throw new Error(`rpm header tag ${tag}: ${e.count} integers cannot fit`);
    const out = new Int32Array(e.count);
    for (let i = 0; i < e.count; i++) out[i] = this.data.readInt32BE(e.offset + i * 4);
    return out;
  }

  /** The bytes of a BIN tag; undefined when absent. */
  bin(tag: number): Buffer | undefined {
    const e = this.index.get(tag);
    if (e === undefined || e.type !== RPM_TYPE.BIN) return undefined;
    if (e.offset + e.count > this.data.length) throw new Error(`rpm header tag ${tag}: binary out of bounds`);
    return this.data.subarray(e.offset, e.offset + e.count);
  }
}

function intWidth(type: number): number {
  switch (type) {
    case RPM_TYPE.CHAR:
    case RPM_TYPE.INT8:
      return 1;
    case RPM_TYPE.INT16:
      return 2;
    case RPM_TYPE.INT32:
      return 4;
    case RPM_TYPE.INT64:
      return 8;
    default:
      return 0;
  }
}

function readInt(data: Buffer, type: number, at: number): number {
  switch (type) {
    case RPM_TYPE.INT16:
      return data.readUInt16BE(at);
    case RPM_TYPE.INT32:
      return data.readInt32BE(at);
    case RPM_TYPE.INT64:
      return Number(data.readBigUInt64BE(at));
    default:
      return data[at]!;
  }
}

/** Parse a header blob (see RpmHeader.parse). */
export function parseRpmHeader(blob: Buffer): RpmHeader {
  return RpmHeader.parse(blob);
}

/**
 * The files a header lists, as absolute paths: BASENAMES joined to DIRNAMES through DIRINDEXES (rpm's
 * compressed file list), or OLDFILENAMES in headers from before it. `dirs` interns directory names
 * across the headers of one database, so the same directory string is shared, not copied per package.
 * Throws (an "rpm header" Error) when the three arrays disagree.
 */
export function rpmHeaderFiles(h: RpmHeader, dirs: Map<string, string>): string[] {
  const base = h.strings(RPMTAG.BASENAMES);
  if (base === undefined) return h.strings(RPMTAG.OLDFILENAMES) ?? [];
  const dirNames = h.strings(RPMTAG.DIRNAMES) ?? [];
  const idx = h.int32s(RPMTAG.DIRINDEXES);
  if (idx === undefined || idx.length !== base.length) throw new Error('rpm header file list: DIRINDEXES does not match BASENAMES');
  const interned = dirNames.map((d) => {
    const known = dirs.get(d);
    if (known !== undefined) return known;
    dirs.set(d, d);
    return d;
  });
  const out = new Array<string>(base.length);
  for (let i = 0; i < base.length; i++) {
    const dir = interned[idx[i]!];
    if (dir === undefined) throw new Error(`rpm header file list: directory index ${idx[i]} out of range`);
    out[i] = dir + base[i]!;
  }
  return out;
}
