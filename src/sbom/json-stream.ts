/**
 * Large JSON SBOMs (hundreds of MB) read as a token stream instead of one string and one object tree:
 * memory stays bounded by what is kept, not by the file. The document is assembled sparsely: everything
 * except the elements of its big arrays (packages, components, relationships, files...) is assembled
 * as usual; an element of a big array is kept only when `wanted` says one of its strings may matter.
 * The sparse document has the shape of the original, so the ordinary decoders read it (with the same
 * package filter) and give the same answers for the packages kept.
 *
 * Tokenizing is done by stream-json's core parser (synchronous, no Node streams); objects are assembled
 * by its Assembler. Used by `sbom query` for name/purl queries on files from `DECODE_LIMITS.streamFrom` on.
 */
import { isAscii } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { getManyValues, isMany, none } from 'stream-chain/defs.js';
import Assembler from 'stream-json/core/assembler.js';
import { jsonParser } from 'stream-json/core/parser.js';
import type { Token } from 'stream-json/core/parser.js';
import { InputError, errorMessage } from '../core/errors.js';
import { DECODE_LIMITS } from './decode.js';

/**
 * Keys whose array elements are filtered one by one. Only the outermost such array on a path is
 * filtered: a kept element keeps everything inside it (nested components included).
 */
const BIG_ARRAYS = new Set(['components', 'packages', '@graph', 'artifacts', 'relationships', 'dependencies', 'files', 'artifactRelationships', 'snippets', 'vulnerabilities', 'annotations', 'services']);

/** Caps on hostile input: nesting, and the length of one key, string or number held in memory. */
const MAX_DEPTH = 256;
const MAX_VALUE_CHARS = 64 * 1024 * 1024;
/** Tokens of one array element held while deciding whether to keep it (a single element this big is refused). */
const MAX_ELEMENT_TOKENS = 5_000_000;
const CHUNK = 1024 * 1024;

/** Does one of an element's strings (keys included) make it worth keeping? */
export type ElementTest = (text: string) => boolean;

/**
 * Strings that make an element worth keeping for the document's subject and distro: SPDX DESCRIBES
 * relationships, image purls and CONTAINER roots (trivy's `SPDXRef-ContainerImage-…`), FILE roots and trivy's
 * structure elements (`SPDXRef-Filesystem-…`, `SPDXRef-Application-…`, CycloneDX components with an
 * `aquasecurity:trivy:Class`: not packages, and their paths locate the packages they list), custody's subject
 * annotations and completeness declaration, the SPDX 3 document element, and the distro's element (CycloneDX `operating-system`, SPDX
 * `OPERATING_SYSTEM`, trivy's `SPDXRef-OperatingSystem-…`): the decoders read these as the subject and the
 * distro, not as packages, so a sparse read must keep them to give the answers of a whole read.
 */
export function namesSubject(s: string): boolean {
  // Asked about every string of every element of a large document: dispatch on the first character, so
  // most strings cost one comparison.
  switch (s.charCodeAt(0)) {
    case 0x44: // D
      return s === 'DESCRIBES' || s === 'DESCRIBED_BY';
    case 0x53: // S
      return s === 'SpdxDocument' || s.startsWith('SPDXRef-ContainerImage-') || s.startsWith('SPDXRef-OperatingSystem-') || s.startsWith('SPDXRef-Filesystem-') || s.startsWith('SPDXRef-Application-');
    case 0x43: // C
      return s === 'CONTAINER';
    case 0x46: // F
      return s === 'FILE';
    case 0x61: // a
      return s === 'aquasecurity:trivy:Class';
    case 0x4f: // O
      return s === 'OPERATING_SYSTEM';
    case 0x6f: // o
      return s === 'operating-system';
    case 0x70: // p
      return s.startsWith('pkg:oci/') || s.startsWith('pkg:docker/');
    case 0x63: // c
      return s.startsWith('custody:source:') || s.startsWith('custody:distro:') || declaresCompleteness(s);
    default:
      return false;
  }
}

/**
 * What a sparse read keeps whatever the needle: `namesSubject`, and the SPDX 2 files and CONTAINS
 * relationships that locate packages whose `sourceInfo` does not (trivy, apko): file elements and relationship
 * elements are small, and without them a large document would lose locations a whole read gives.
 */
export function documentStructure(s: string): boolean {
  return namesSubject(s) || s === 'CONTAINS' || s === 'CONTAINED_BY' || s === 'fileName';
}

/** custody's completeness declaration in SPDX document annotations (README "Completeness"): always kept. */
function declaresCompleteness(s: string): boolean {
  return s.startsWith('custody:completeness=') || s.startsWith('custody:incomplete:');
}

/**
 * For a big array at `path` (keys from the root, e.g. `['sbom', 'packages']`): a sink that takes every one of
 * its elements as it is assembled (none is kept in the document), or undefined to filter it with `wanted`.
 */
export type ElementSinks = (path: readonly (string | number)[]) => ((element: unknown) => void) | undefined;

interface Filtered {
  /** Keys (and array indexes, when a big array sits inside another array) from the root to the array. */
  path: (string | number)[];
  kept: unknown[];
}

/**
 * Sparse JSON document from a token stream: `wanted(s)` is asked about every key and string of an element
 * of a big array, until one says yes; elements without a yes are dropped (numbers and nulls always are).
 */
export function assembleSparse(tokens: Iterable<Token>, wanted: ElementTest, sinks?: ElementSinks): unknown {
  const doc = new Assembler();
  const filtered: Filtered[] = [];
  // Keys (or array indexes) from the root to the current value, as the document assembler sees them.
  const path: (string | number)[] = [];
  const stack: ('object' | 'array')[] = [];
  const index: number[] = [];
  let key: string | undefined;
  // Inside a filtered array: its depth, the current element's tokens and whether one of them was wanted.
  let inArray: Filtered | undefined;
  let sink: ((element: unknown) => void) | undefined;
  let arrayDepth = -1;
  let element: Token[] = [];
  let hit = false;

  const enter = (kind: 'object' | 'array'): void => {
    if (stack.length > 0) path.push(stack[stack.length - 1] === 'object' ? key! : index[index.length - 1]!);
    stack.push(kind);
    index.push(0);
  };
  const leave = (): void => {
    stack.pop();
    index.pop();
    path.pop();
    if (stack.length > 0 && stack[stack.length - 1] === 'array') index[index.length - 1]!++;
  };
  const valueDone = (): void => {
    if (stack.length > 0 && stack[stack.length - 1] === 'array') index[index.length - 1]!++;
  };

  for (const t of tokens) {
    if (inArray) {
      const depth = stack.length;
      if (depth === arrayDepth && t.name === 'endArray') {
        inArray = undefined;
        doc.consume(t);
        leave();
        continue;
      }
      element.push(t);
      if (element.length > MAX_ELEMENT_TOKENS) throw new RangeError(`an element of "${String(path[path.length - 1])}" has more than ${MAX_ELEMENT_TOKENS} tokens`);
      if (!hit && (t.name === 'stringValue' || t.name === 'keyValue') && wanted(t.value)) hit = true;
      if (t.name === 'startObject' || t.name === 'startArray') stack.push(t.name === 'startObject' ? 'object' : 'array');
      else if (t.name === 'endObject' || t.name === 'endArray') stack.pop();
      if (stack.length === arrayDepth) {
        // The element is complete (a scalar, or its container closed).
        if (sink) {
          if (element.length > 1 || (element[0]!.name !== 'nullValue' && element[0]!.name !== 'numberValue')) sink(assemble(element));
        } else if (hit) inArray.kept.push(assemble(element));
        element = [];
        hit = false;
      }
      continue;
    }
    switch (t.name) {
      case 'keyValue':
        key = t.value;
        doc.consume(t);
        break;
      case 'startObject':
        doc.consume(t);
        enter('object');
        break;
      case 'startArray': {
        const parentIsObject = stack.length > 0 && stack[stack.length - 1] === 'object';
        doc.consume(t);
        enter('array');
        if (parentIsObject && key !== undefined && BIG_ARRAYS.has(key)) {
          inArray = { path: [...path], kept: [] };
          filtered.push(inArray);
          arrayDepth = stack.length;
          sink = sinks?.(inArray.path);
        }
        break;
      }
      case 'endObject':
      case 'endArray':
        doc.consume(t);
        leave();
        break;
      default:
        doc.consume(t);
        valueDone();
    }
  }
  const root = doc.current as unknown;
  // Put the kept elements into the (empty) arrays the document assembler built.
  for (const f of filtered) {
    let at: unknown = root;
    for (const k of f.path) at = (at as Record<string | number, unknown>)[k];
    if (Array.isArray(at)) at.push(...f.kept);
  }
  return root;
}

/** An error thrown by a sink: passed through as it is, not reported as malformed JSON. */
export class SinkError extends Error {}

function assemble(tokens: Token[]): unknown {
  const a = new Assembler();
  for (const t of tokens) a.consume(t);
  return a.current as unknown;
}

/** The file's tokens, read in chunks (UTF-8 or UTF-16LE with a BOM; a UTF-8 BOM is dropped). */
function* fileTokens(path: string, maxBytes: number): Generator<Token> {
  const parser = jsonParser({ packValues: true, streamValues: false, maxDepth: MAX_DEPTH, maxPackedLength: MAX_VALUE_CHARS });
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let pos = 0;
    let decoder: StringDecoder | undefined;
    let utf8 = true;
    let clean = true;
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, pos);
      if (n === 0) break;
      let bytes = buf.subarray(0, n);
      if (!decoder) {
        if (bytes[0] === 0xfe && bytes[1] === 0xff) throw new InputError('SBOM_ENCODING', `${path} is UTF-16 big-endian, which custody does not stream`, { hint: 'convert it to UTF-8 (iconv -f UTF-16BE -t UTF-8)' });
        const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe;
        decoder = new StringDecoder(utf16 ? 'utf16le' : 'utf8');
        utf8 = !utf16;
        if (utf16) bytes = bytes.subarray(2);
        else if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
      }
      pos += n;
      if (pos > maxBytes) throw new InputError('SBOM_TOO_LARGE', `${path} is larger than the ${maxBytes}-byte limit`);
      // ASCII chunks (most of an SBOM) skip the UTF-8 decoder when it cannot hold a partial character.
      const fast = utf8 && clean && isAscii(bytes);
      yield* tokensOf(parser(fast ? bytes.toString('latin1') : decoder.write(bytes)));
      clean = bytes.length === 0 || bytes[bytes.length - 1]! < 0x80;
    }
    if (decoder) yield* tokensOf(parser(decoder.end()));
    yield* tokensOf((parser as unknown as (x: typeof none) => unknown)(none));
  } finally {
    closeSync(fd);
  }
}

function* tokensOf(out: unknown): Generator<Token> {
  if (out === none || out === undefined) return;
  if (isMany(out)) yield* getManyValues(out) as Token[];
  else yield out as Token;
}

/** Read a JSON SBOM file sparsely (see `assembleSparse`); parse errors become SBOM_MALFORMED. */
export function readSparseJson(path: string, wanted: ElementTest, maxBytes = DECODE_LIMITS.maxBytes, sinks?: ElementSinks): unknown {
  try {
    return assembleSparse(fileTokens(path, maxBytes), wanted, sinks);
  } catch (err) {
    if (err instanceof InputError || err instanceof SinkError) throw err instanceof SinkError ? err.cause : err;
    throw new InputError('SBOM_MALFORMED', `${path} is not valid JSON: ${errorMessage(err)}`, {
      hint: 'check that the file is complete (not truncated) and is one JSON document',
    });
  }
}
