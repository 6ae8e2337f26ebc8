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
  /**
   * The needle is a whole package name (an exact --name's last segment or a --purl name), not a glob
   * fragment: in JSON, only occurrences that can be a package's name or purl name count (see `identityToken`).
   */
  token: boolean;
  /** Offset of the anchor byte in the needle, and its case variants (1 for a caseless byte, else 2). */
  at: number;
  variants: number[];
}

/** Prepare an ASCII needle for `containsIgnoreCase`: pick its rarest byte as the anchor. */
export function compileNeedle(needle: string, token = false): CompiledNeedle {
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
  return { lower: low, at, variants: isLetterCode(a) ? [a, a - 32] : [a], token };
}

/**
 * Case-insensitive (ASCII) search without copying: native scans for the anchor's case variants, then verify.
 * With `accept`, an occurrence counts only when `accept(start)` says so.
 */
export function containsIgnoreCase(buf: Buffer, needle: string | CompiledNeedle, accept?: (start: number) => boolean): boolean {
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
        if (k === want.length && (accept === undefined || accept(start))) return true;
      }
      pos = buf.indexOf(v, pos + 1);
    }
  }
  return false;
}

/** A byte a package name token is made of: an occurrence next to one is part of a longer word. */
const nameByte = (b: number): boolean => b === 0x2d || b === 0x2e || b === 0x5f || (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const PERCENT = 0x25;
const MAX_KEY = 64;
const isSpace = (b: number | undefined): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/** Index of the last `"` at or before `from` that is not escaped by a backslash, or -1. */
function lastUnescapedQuote(buf: Buffer, from: number): number {
  for (let q = from >= 0 ? buf.lastIndexOf(QUOTE, from) : -1; q !== -1; q = q > 0 ? buf.lastIndexOf(QUOTE, q - 1) : -1) {
    let k = q;
    while (k > 0 && buf[k - 1] === BACKSLASH) k--;
    if ((q - k) % 2 === 0) return q;
  }
  return -1;
}

/**
 * JSON keys whose string values no decoder reads as a package's name or purl (nor as anything these are
 * derived from): ids and references between elements, descriptions, file names, evidence, CycloneDX
 * property values (read for CPEs, types, locations and the subject, never for the name), SPDX 3 extension
 * values, document names of namespaces. test/unit/query/prefilter.test.ts puts the needle under each of these
 * keys in every JSON format and checks that no package then matches.
 */
export const NON_IDENTITY_KEYS: ReadonlySet<string> = new Set([
  'value', 'extension_cdxPropValue', 'concludedValue', 'description', 'summary', 'comment',
  'fileName', 'packageFileName', 'documentNamespace', 'downloadLocation', 'homepage',
  'bom-ref', 'ref', 'SPDXID', 'spdxId', 'spdxElementId', 'relatedSpdxElement', '@id',
]);

/**
 * May the occurrence of a token needle at [start, end) in JSON be (part of) a package's name or purl name?
 * False only when it certainly is not:
 * - it is inside a longer word: a name byte right before it (not part of an escape), or after it a name
 *   byte or a slash (a name ends at the end of its string, a purl name at `@`, `?`, `#` or the end);
 * - it is in the qualifiers or subpath of a purl (after `?` or `#`) and does not end the string;
 * - it is in the value of a key of `NON_IDENTITY_KEYS`.
 * Anything unexpected (no enclosing string found, a key too long to be a key) counts as a possible name.
 */
export function identityToken(buf: Buffer, start: number, end: number): boolean {
  // Cheapest first, without allocating: most occurrences in big SBOMs are inside file names and paths.
  const after = buf[end];
  if (after !== undefined) {
    if (nameByte(after) || after === 0x2f) return false;
    if (after === PERCENT && buf[end + 1] === 0x32 && (buf[end + 2] === 0x46 || buf[end + 2] === 0x66)) return false; // %2F
  }
  if (start > 0 && nameByte(buf[start - 1]!)) {
    // Escapes may hide a separator right before the name: `\n`, `\u0020`, `%20`.
    let escaped = false;
    for (let i = Math.max(0, start - 6); i < start && !escaped; i++) escaped = buf[i] === BACKSLASH || (buf[i] === PERCENT && i >= start - 3);
    if (!escaped) return false;
  }
  const q = lastUnescapedQuote(buf, start - 1);
  if (q === -1) return true;
  // A purl's qualifiers or subpath (`pkg:...?...log4j-core...`), unless the string ends with the needle
  // (a name like `pkg:x?y:log4j-core` would still end in it).
  if (after !== QUOTE && buf[q + 1] === 0x70 && buf[q + 2] === 0x6b && buf[q + 3] === 0x67 && buf[q + 4] === 0x3a) {
    for (let i = q + 5; i < start; i++) if (buf[i] === 0x3f || buf[i] === 0x23) return false;
  }
  let m = q - 1;
  while (isSpace(buf[m])) m--;
  if (buf[m] !== 0x3a) return true; // not `"key": "..."`: an array element or a key itself
  m--;
  while (isSpace(buf[m])) m--;
  if (buf[m] !== QUOTE) return true;
  const ks = lastUnescapedQuote(buf, m - 1);
  if (ks === -1 || m - ks - 1 > MAX_KEY) return true;
  return !NON_IDENTITY_KEYS.has(buf.toString('latin1', ks + 1, m));
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

/** Does a percent escape (`%2D`, `%6C`: purls decode them) spell a plain character anywhere in `buf`? */
export function hasEscapedPlainPercent(buf: Buffer): boolean {
  for (let pos = buf.indexOf(PERCENT); pos !== -1; pos = buf.indexOf(PERCENT, pos + 3)) {
    const hi = hex(buf[pos + 1]);
    const lo = hex(buf[pos + 2]);
    if (hi >= 0 && lo >= 0 && plainCode(hi * 16 + lo)) return true;
  }
  return false;
}

/** The string form of `hasEscapedPlainPercent`, for one purl. */
export function hasEscapedPlainPercentText(s: string): boolean {
  for (let pos = s.indexOf('%'); pos !== -1; pos = s.indexOf('%', pos + 1)) {
    const hi = hex(s.charCodeAt(pos + 1));
    const lo = hex(s.charCodeAt(pos + 2));
    if (hi >= 0 && lo >= 0 && plainCode(hi * 16 + lo)) return true;
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
const PLAIN_SBOM_KEYS = ['"bomFormat"', '"spdxVersion"', '"SPDXID"', '"@context"', '"artifacts"', '"custodySbomVersion"'].map((k) => Buffer.from(k));
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
 * For a piece of a JSON file read in chunks (overlapping by `CHUNK_OVERLAP` bytes): false only when the
 * piece certainly holds no spelling of `needle` (literal in any case, JSON `\u` or purl `%` escapes).
 */
export function mayContainJsonChunk(chunk: Buffer, needle: CompiledNeedle): boolean {
  return containsIgnoreCase(chunk, needle) || hasEscapedPlainPercent(chunk) || hasEscapedPlainJson(chunk);
}

/** Overlap of chunks for `mayContainJsonChunk`: a needle or an escape split by a chunk boundary is whole in one of them. */
export const CHUNK_OVERLAP = 256;

/**
 * False only when the bytes certainly cannot hold a package named `needle` (plain characters only, see
 * `prefilterNeedle`) in any spelling the decoders accept: any letter case, JSON `\u` escapes, XML
 * character references, purl percent-escapes, or base64 inside a DSSE envelope (never ruled out).
 * A token needle in JSON counts only where it can be a name or purl name (`identityToken`).
 */
export function mayContain(buf: Buffer, needle: string | CompiledNeedle): boolean {
  // UTF-16 input or a BOM: do not guess.
  if (buf.length >= 2 && (buf[0] === 0xff || buf[0] === 0xfe || buf[1] === 0)) return true;
  const n = typeof needle === 'string' ? compileNeedle(needle) : needle;
  const first = firstByte(buf);
  const json = first === 0x7b || first === 0x5b;
  const accept = json && n.token ? (start: number): boolean => identityToken(buf, start, start + n.lower.length) : undefined;
  if (containsIgnoreCase(buf, n, accept)) return true;
  if (hasEscapedPlainPercent(buf)) return true;
  if (first === 0x3c) return hasEscapedPlainXml(buf); // XML
  if (!json) return buf.indexOf(JSON_ESCAPE) !== -1 || buf.indexOf(XML_CHARREF) !== -1 || buf.indexOf(PAYLOAD_TYPE) !== -1;
  // JSON. DSSE envelopes (and bundles, JSON lines of them) carry the SBOM base64-encoded: the needle
  // cannot be seen in the bytes. A plain SBOM key near the top says this is not one.
  const head = buf.subarray(0, HEAD);
  if (!PLAIN_SBOM_KEYS.some((k) => head.indexOf(k) !== -1) && buf.indexOf(PAYLOAD_TYPE) !== -1) return true;
  return hasEscapedPlainJson(buf);
}
