/**
 * Property lists (Apple's `Info.plist`), XML and binary (`bplist00`), read into plain values: strings, numbers
 * (as text), booleans, arrays and dictionaries; dates and data as their text or `undefined`. Bounded: the
 * caller caps the size, nesting stops at 64 levels, a binary plist's object count and references are
 * checked against the file (a reference loop is refused by the nesting bound).
 */
import { untrustedXmlParser } from '../../core/xml.js';

export type PlistValue = string | boolean | PlistValue[] | { [key: string]: PlistValue } | undefined;

export class PlistError extends Error {}

const MAX_DEPTH = 64;
const MAX_OBJECTS = 1_000_000;

type XmlNode = { [tag: string]: XmlNode[] | string } & { '#text'?: string };

function xmlText(children: XmlNode[] | string | undefined): string {
  if (typeof children === 'string') return children;
  return (children ?? []).map((c) => (typeof c['#text'] === 'string' ? c['#text'] : '')).join('');
}

function tagOf(node: XmlNode): string | undefined {
  return Object.keys(node).find((k) => k !== ':@' && k !== '#text');
}

function xmlValue(node: XmlNode, depth: number): PlistValue {
  if (depth > MAX_DEPTH) throw new PlistError(`plist nested deeper than ${MAX_DEPTH}`);
  const tag = tagOf(node);
  if (tag === undefined) return undefined;
  const children = node[tag] as XmlNode[];
  switch (tag) {
    case 'string':
    case 'integer':
    case 'real':
    case 'date':
      return xmlText(children);
    case 'true':
      return true;
    case 'false':
      return false;
    case 'data':
      return xmlText(children).replace(/\s+/g, '');
    case 'array':
      return children.filter((c) => tagOf(c) !== undefined).map((c) => xmlValue(c, depth + 1));
    case 'dict': {
      const out: { [key: string]: PlistValue } = {};
      const items = children.filter((c) => tagOf(c) !== undefined);
      for (let i = 0; i < items.length; i++) {
        if (tagOf(items[i]!) !== 'key') throw new PlistError(`<dict> holds <${tagOf(items[i]!)}> where a <key> belongs`);
        const key = xmlText(items[i]![tagOf(items[i]!)!] as XmlNode[]);
        const v = items[i + 1];
        if (v === undefined) throw new PlistError(`<key>${key}</key> without a value`);
        i++;
        if (!Object.hasOwn(out, key)) Object.defineProperty(out, key, { value: xmlValue(v, depth + 1), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    default:
      throw new PlistError(`unknown plist element <${tag}>`);
  }
}

/** An XML plist: `<plist version="1.0"><dict>…</dict></plist>`. */
export function readXmlPlist(text: string): PlistValue {
  // the standard DOCTYPE (no internal subset) is dropped; any other DOCTYPE or an ENTITY is refused
  const xml = text.replace(/<!DOCTYPE\s+plist\b[^[>]*>/i, '');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new PlistError('the plist declares a DOCTYPE or XML entities, which custody refuses to expand');
  let doc: XmlNode[];
  try {
    doc = untrustedXmlParser(new Set(), { preserveOrder: true }).parse(xml) as XmlNode[];
  } catch (err) {
    throw new PlistError(`not XML: ${(err as Error).message}`);
  }
  const plist = doc.find((n) => tagOf(n) === 'plist');
  if (plist === undefined) throw new PlistError('no <plist> element');
  const top = (plist['plist'] as XmlNode[]).find((c) => tagOf(c) !== undefined);
  return top === undefined ? undefined : xmlValue(top, 0);
}

/** A binary plist (`bplist00`): https://opensource.apple.com/source/CF/CF-1153.18/CFBinaryPList.c */
export function readBinaryPlist(buf: Buffer): PlistValue {
  if (buf.length < 8 + 32 || buf.toString('latin1', 0, 8) !== 'bplist00') throw new PlistError('not a bplist00 binary plist');
  const trailer = buf.subarray(buf.length - 32);
  const offsetSize = trailer[6]!;
  const refSize = trailer[7]!;
  const numObjects = Number(trailer.readBigUInt64BE(8));
  const top = Number(trailer.readBigUInt64BE(16));
  const tableAt = Number(trailer.readBigUInt64BE(24));
  if (offsetSize < 1 || offsetSize > 8 || refSize < 1 || refSize > 8) throw new PlistError('bad integer sizes in the trailer');
  if (numObjects < 1 || numObjects > MAX_OBJECTS || top >= numObjects) throw new PlistError(`bad object count ${numObjects}`);
  if (tableAt < 8 || tableAt + numObjects * offsetSize > buf.length - 32) throw new PlistError('the offset table lies outside the file');
  const uint = (at: number, size: number): number => {
    if (at < 0 || at + size > buf.length) throw new PlistError('read past the end of the file');
    let n = 0;
    for (let k = 0; k < size; k++) n = n * 256 + buf[at + k]!;
    return n;
  };
  const offsetOf = (ref: number): number => {
    if (ref >= numObjects) throw new PlistError(`object reference ${ref} out of range`);
    const off = uint(tableAt + ref * offsetSize, offsetSize);
    if (off < 8 || off >= tableAt) throw new PlistError(`object offset ${off} out of range`);
    return off;
  };
  /** An object's count: the marker's low nibble, or the int object after it when that is 0xF. */
  const lengthAt = (at: number): { n: number; start: number } => {
    const low = buf[at]! & 0x0f;
    if (low !== 0x0f) return { n: low, start: at + 1 };
    const m = buf[at + 1];
    if (m === undefined || (m & 0xf0) !== 0x10) throw new PlistError('bad length marker');
    const size = 1 << (m & 0x0f);
    if (size > 8) throw new PlistError('length integer too wide');
    return { n: uint(at + 2, size), start: at + 2 + size };
  };
  // objects may be shared (a DAG): visits are counted so that sharing cannot blow the value up
  let visits = 0;
  const read = (ref: number, depth: number): PlistValue => {
    if (depth > MAX_DEPTH) throw new PlistError(`plist nested deeper than ${MAX_DEPTH} (or a reference loop)`);
    if (++visits > MAX_OBJECTS) throw new PlistError(`more than ${MAX_OBJECTS} values (shared objects repeated)`);
    const at = offsetOf(ref);
    const marker = buf[at]!;
    const kind = marker >> 4;
    switch (kind) {
      case 0x0:
        return marker === 0x09 ? true : marker === 0x08 ? false : undefined;
      case 0x1: {
        const size = 1 << (marker & 0x0f);
        if (size > 16) throw new PlistError('integer too wide');
        if (at + 1 + size > tableAt) throw new PlistError('integer past its object');
        return size <= 8 ? (size === 8 ? buf.readBigInt64BE(at + 1) : BigInt(uint(at + 1, size))).toString() : buf.readBigUInt64BE(at + 9).toString();
      }
      case 0x2: {
        const size = 1 << (marker & 0x0f);
        if (size === 4) return String(buf.readFloatBE(at + 1));
        if (size === 8) return String(buf.readDoubleBE(at + 1));
        throw new PlistError('bad real size');
      }
      case 0x3:
        return new Date(Date.UTC(2001, 0, 1) + buf.readDoubleBE(at + 1) * 1000).toISOString();
      case 0x4:
      case 0x5:
      case 0x6: {
        const { n, start } = lengthAt(at);
        const bytes = kind === 0x6 ? n * 2 : n;
        if (start + bytes > tableAt) throw new PlistError('string past the object table');
        if (kind === 0x4) return buf.toString('base64', start, start + bytes);
        if (kind === 0x5) return buf.toString('latin1', start, start + bytes);
        const le = Buffer.from(buf.subarray(start, start + bytes));
        le.swap16();
        return le.toString('utf16le');
      }
      case 0x8:
        return undefined;
      case 0xa:
      case 0xc:
      case 0xd: {
        const { n, start } = lengthAt(at);
        const refs = kind === 0xd ? n * 2 : n;
        if (start + refs * refSize > tableAt) throw new PlistError('collection past the object table');
        const refAt = (k: number): number => uint(start + k * refSize, refSize);
        if (kind !== 0xd) return Array.from({ length: n }, (_, k) => read(refAt(k), depth + 1));
        const out: { [key: string]: PlistValue } = {};
        for (let k = 0; k < n; k++) {
          const key = read(refAt(k), depth + 1);
          if (typeof key !== 'string') throw new PlistError('a dictionary key that is not a string');
          if (!Object.hasOwn(out, key)) Object.defineProperty(out, key, { value: read(refAt(n + k), depth + 1), enumerable: true, writable: true, configurable: true });
        }
        return out;
      }
      default:
        throw new PlistError(`unknown object marker 0x${marker.toString(16)}`);
    }
  };
  return read(top, 0);
}

/** A plist of either form, told by its first bytes. */
export function readPlist(buf: Buffer): PlistValue {
  if (buf.toString('latin1', 0, 6) === 'bplist') return readBinaryPlist(buf);
  return readXmlPlist(buf.toString('utf8').replace(/^\uFEFF/, ''));
}
