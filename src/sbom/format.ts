/**
 * Which SBOM format a file is, from its content only (never its name).
 * JSON formats are told apart by their top-level keys; XML by the CycloneDX namespace;
 * tag-value by its `SPDXVersion:` line.
 */
import { constants, isAscii } from 'node:buffer';
import { InputError } from '../core/errors.js';
import { isObj, str } from './decode.js';

export type SbomFormatId =
  | 'cyclonedx-json'
  | 'cyclonedx-xml'
  | 'spdx-json'
  | 'spdx-tag-value'
  | 'spdx3-json'
  | 'syft-json'
  | 'github-dependency-graph'
  | 'in-toto'
  /** custody's own model (`sbom generate -o json`). */
  | 'custody-json';

export interface DetectedFormat {
  id: SbomFormatId;
  /** Spec/schema version when the document says it: '1.5', '2.3', '16.0.0'. */
  version?: string | undefined;
}

export type TextKind = 'json' | 'xml' | 'tag-value' | 'unknown';

/** Decode bytes to text: UTF-8 (BOM stripped) or UTF-16 with a BOM. Text past V8's string limit is refused. */
export function bytesToText(buf: Buffer): string {
  try {
    return decodeText(buf);
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_STRING_TOO_LONG') throw err;
    throw new InputError('SBOM_TOO_LARGE', `the document is larger than one JavaScript string can hold (${constants.MAX_STRING_LENGTH} characters)`, {
      hint: '`custody sbom query` reads JSON SBOMs this large as a token stream; other commands need the document split (e.g. one SBOM per image)',
    });
  }
}

function decodeText(buf: Buffer): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    const swapped = Buffer.from(buf.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  // Pure ASCII (most SBOMs): latin1 gives the same string several times faster than the UTF-8 decoder.
  const s = isAscii(buf) ? buf.toString('latin1') : buf.toString('utf8');
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

/** The first meaningful bytes decide the text kind. */
export function sniffTextKind(head: string): TextKind {
  const t = head.replace(/^\uFEFF/, '').trimStart();
  if (t.startsWith('{')) return 'json';
  if (t.startsWith('<')) return 'xml';
  // Tag-value: optional comment lines, then Tag: Value lines, one of them SPDXVersion.
  if (/^(?:#[^\n]*\n\s*)*[A-Za-z][A-Za-z0-9]*:/.test(t) && /^SPDXVersion:\s*SPDX-/m.test(t.slice(0, 64 * 1024))) return 'tag-value';
  return 'unknown';
}

/** The format of a parsed JSON document, or undefined. */
export function detectJsonFormat(doc: unknown): DetectedFormat | undefined {
  if (!isObj(doc)) return undefined;
  // custody's own model (`-o json`): its format version is the one key no other format has.
  if (typeof doc.custodySbomVersion === 'number' && Array.isArray(doc.packages)) return { id: 'custody-json', version: String(doc.custodySbomVersion) };
  if (doc.bomFormat === 'CycloneDX' || (typeof doc.$schema === 'string' && /cyclonedx\.org\/schema\/bom/i.test(doc.$schema) && 'specVersion' in doc)) {
    return { id: 'cyclonedx-json', version: str(doc.specVersion) };
  }
  if (typeof doc.spdxVersion === 'string') return { id: 'spdx-json', version: doc.spdxVersion.replace(/^SPDX-/, '') };
  const ctx = doc['@context'];
  if ((typeof ctx === 'string' && /spdx\.org\/rdf\/3/.test(ctx)) || (Array.isArray(ctx) && ctx.some((c) => typeof c === 'string' && /spdx\.org\/rdf\/3/.test(c)))) {
    const m = /rdf\/(3\.[0-9.]+)/.exec(JSON.stringify(ctx));
    return { id: 'spdx3-json', version: m?.[1] };
  }
  if (Array.isArray(doc.artifacts) && (isObj(doc.source) || isObj(doc.descriptor)) && (isObj(doc.schema) || isObj(doc.descriptor))) {
    return { id: 'syft-json', version: str((doc.schema as Record<string, unknown> | undefined)?.version) };
  }
  if (isObj(doc.sbom) && typeof doc.sbom.spdxVersion === 'string') {
    return { id: 'github-dependency-graph', version: doc.sbom.spdxVersion.replace(/^SPDX-/, '') };
  }
  if (typeof doc.payloadType === 'string' && typeof doc.payload === 'string') return { id: 'in-toto' };
  if (typeof doc._type === 'string' && /in-toto\.io\/Statement/.test(doc._type)) return { id: 'in-toto' };
  return undefined;
}

/** The CycloneDX version from an XML head: the bom namespace 'http://cyclonedx.org/schema/bom/1.4'. */
export function detectXmlFormat(head: string): DetectedFormat | undefined {
  const m = /<(?:\w+:)?bom\b[^>]*xmlns(?::\w+)?\s*=\s*["']https?:\/\/cyclonedx\.org\/schema\/bom\/(\d+\.\d+)["']/.exec(head);
  return m ? { id: 'cyclonedx-xml', version: m[1] } : undefined;
}

export function detectTagValueVersion(text: string): string | undefined {
  return /^SPDXVersion:\s*SPDX-(\S+)/m.exec(text)?.[1];
}

export function unknownFormat(source: string, why: string): InputError {
  return new InputError('SBOM_UNKNOWN_FORMAT', `cannot tell the SBOM format of ${source}: ${why}`, {
    hint: "custody reads SPDX 2.2/2.3 JSON and tag-value, CycloneDX 1.2-1.7 JSON and XML, syft JSON, GitHub dependency-graph exports and its own json model (`-o json`)",
  });
}

/**
 * May a file starting with `head` (its first 64 KB) be read as a JSON token stream? JSON (UTF-8 or UTF-16LE,
 * with or without a BOM) that is not a DSSE envelope, whose SBOM is one base64 string.
 */
export function streamableJsonHead(head: Buffer): boolean {
  const utf16 = head[0] === 0xff && head[1] === 0xfe;
  const text = (utf16 ? head.subarray(2).toString('utf16le') : head.toString('latin1')).replace(/^\xef\xbb\xbf/, '').trimStart();
  return text.startsWith('{') && (!text.includes('"payloadType"') || /"(bomFormat|spdxVersion|SPDXID|@context|artifacts|custodySbomVersion)"/.test(text));
}
