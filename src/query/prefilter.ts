/**
 * The byte-level pre-filter of `sbom query` scans: may this file contain the needle in any spelling the
 * decoders accept? It runs on every file, so it works on raw bytes without decoding them to a string.
 * False means "certainly not"; true means "parse it". Speed comes from searching for a rare anchor
 * (Buffer#indexOf finds a rare first byte with memchr, several times faster than a long needle) and
 * from skipping the checks a file's own shape rules out.
 */

const isLetterCode = (b: number): boolean => (b >= 65 && b <= 90) || (b >= 97 && b <= 122);
const lower = (b: number): number => (b >= 65 && b <= 90 ? b + 32 : b);

/**
 * Rough byte frequencies of SBOM JSON/XML (per mille), used only to pick the rarest anchor: hex digits,
 * common letters and punctuation of JSON are frequent; the rest are rare. Wrong guesses cost speed, never answers.
 */
const COMMON = new Map<number, number>();
for (const [chars, weight] of [
  ['"', 60], [':', 25], [',', 20], ['-', 20], ['/', 20], ['.', 15], [' ', 40], ['\n', 10], ['_', 5], ['@', 3], ['=', 3], ['<', 5], ['>', 5],
  ['0123456789', 30], ['abcdef', 40], ['eiontsr', 45], ['lpmguhkvwy', 15], ['jqxz', 2],
  ['ABCDEFGHIJKLMNOPQRSTUVWXYZ', 3],
] as [string, number][]) {
  for (const c of chars) COMMON.set(c.charCodeAt(0), Math.max(COMMON.get(c.charCodeAt(0)) ?? 0, weight));
}
const freq = (b: number): number => COMMON.get(b) ?? 1;

export interface CompiledNeedle {
  /** The needle in lower case. */
  lower: Buffer;
  /** Offset of the anchor byte in the needle, and its case variants (1 for a caseless byte, else 2). */
  at: number;
  variants: number[];
}

/** Prepare an ASCII needle for `containsIgnoreCase`: pick its rarest byte as the anchor. */
export function compileNeedle(needle: string): CompiledNeedle {
  const low = Buffer.from(needle.toLowerCase(), 'latin1');
  let at = 0;
  let best = Infinity;
  for (let i = 0; i < low.length; i++) {
    const b = low[i]!;
    const cost = isLetterCode(b) ? freq(b) + freq(b - 32) : freq(b);
    if (cost < best) {
      best = cost;
      at = i;
    }
  }
  const a = low[at] ?? 0;
  return { lower: low, at, variants: isLetterCode(a) ? [a, a - 32] : [a] };
}

/** Case-insensitive (ASCII) search without copying: native scans for the anchor's case variants, then verify. */
export function containsIgnoreCase(buf: Buffer, needle: string | CompiledNeedle): boolean {
  const n = typeof needle === 'string' ? compileNeedle(needle) : needle;
  const want = n.lower;
  if (want.length === 0) return true;
  for (const v of n.variants) {
    let pos = buf.indexOf(v);
    while (pos !== -1) {
      const start = pos - n.at;
      if (start >= 0 && start + want.length <= buf.length) {
        let k = 0;
        while (k < want.length && lower(buf[start + k]!) === want[k]) k++;
        if (k === want.length) return true;
      }
      pos = buf.indexOf(v, pos + 1);
    }
  }
  return false;
}

const hex = (b: number | undefined): number => {
  if (b === undefined) return -1;
  if (b >= 48 && b <= 57) return b - 48;
  const l = lower(b);
  return l >= 97 && l <= 102 ? l - 87 : -1;
};

/** A code point that a needle of plain characters [A-Za-z0-9._-] could be made of. */
const plainCode = (c: number): boolean => c === 0x2d || c === 0x2e || c === 0x5f || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

const JSON_ESCAPE = Buffer.from('\\u');
const XML_CHARREF = Buffer.from('&#');

/** Does a JSON `\uXXXX` escape spell a plain character anywhere in `buf`? */
export function hasEscapedPlainJson(buf: Buffer): boolean {
  for (let pos = buf.indexOf(JSON_ESCAPE); pos !== -1; pos = buf.indexOf(JSON_ESCAPE, pos + 2)) {
    let code = 0;
    let ok = true;
    for (let k = 2; k < 6; k++) {
      const h = hex(buf[pos + k]);
      if (h < 0) {
        ok = false;
        break;
      }
      code = code * 16 + h;
    }
    if (ok && plainCode(code)) return true;
  }
  return false;
}

/** Does an XML character reference (`&#45;`, `&#x2D;`) spell a plain character anywhere in `buf`? */
export function hasEscapedPlainXml(buf: Buffer): boolean {
  for (let pos = buf.indexOf(XML_CHARREF); pos !== -1; pos = buf.indexOf(XML_CHARREF, pos + 2)) {
    let i = pos + 2;
    const isHex = buf[i] === 0x78 || buf[i] === 0x58;
    if (isHex) i++;
    let code = 0;
    let digits = 0;
    for (; i < buf.length && digits < 12; i++, digits++) {
      const b = buf[i]!;
      const d = isHex ? hex(b) : b >= 48 && b <= 57 ? b - 48 : -1;
      if (d < 0) break;
      code = code * (isHex ? 16 : 10) + d;
    }
    if (digits > 0 && buf[i] === 0x3b && plainCode(code)) return true;
  }
  return false;
}

const PAYLOAD_TYPE = Buffer.from('"payloadType"');
/** Top-level keys of plain (not enveloped) SBOM documents: a file showing one is not a DSSE envelope. */
const PLAIN_SBOM_KEYS = ['"bomFormat"', '"spdxVersion"', '"SPDXID"', '"@context"', '"artifacts"'].map((k) => Buffer.from(k));
const HEAD = 64 * 1024;

function firstByte(buf: Buffer): number | undefined {
  const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  for (let i = bom; i < buf.length && i < 4096; i++) {
    const b = buf[i]!;
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return b;
  }
  return undefined;
}

/**
 * False only when the bytes certainly cannot contain `needle` (plain characters only, see
 * `prefilterNeedle`) in any spelling the decoders accept: any letter case, JSON `\u` escapes, XML
 * character references, or base64 inside a DSSE envelope (never ruled out).
 */
export function mayContain(buf: Buffer, needle: string | CompiledNeedle): boolean {
  // UTF-16 input or a BOM: do not guess.
  if (buf.length >= 2 && (buf[0] === 0xff || buf[0] === 0xfe || buf[1] === 0)) return true;
  if (containsIgnoreCase(buf, needle)) return true;
  const first = firstByte(buf);
  if (first === 0x3c) return hasEscapedPlainXml(buf); // XML
  if (first !== 0x7b && first !== 0x5b) return buf.indexOf(JSON_ESCAPE) !== -1 || buf.indexOf(XML_CHARREF) !== -1 || buf.indexOf(PAYLOAD_TYPE) !== -1;
  // JSON. DSSE envelopes (and bundles, JSON lines of them) carry the SBOM base64-encoded: the needle
  // cannot be seen in the bytes. A plain SBOM key near the top says this is not one.
  const head = buf.subarray(0, HEAD);
  if (!PLAIN_SBOM_KEYS.some((k) => head.indexOf(k) !== -1) && buf.indexOf(PAYLOAD_TYPE) !== -1) return true;
  return hasEscapedPlainJson(buf);
}
