/**
 * Reading any SBOM: `readSbom(pathOrBytes)` sniffs the format from content (never the file name),
 * decodes it leniently (warnings through the logger) and returns custody's Sbom model.
 * Formats: SPDX 2.2/2.3 JSON and tag-value, SPDX 3 JSON-LD (packages only), CycloneDX 1.0–1.7 JSON
 * and XML, syft JSON, GitHub dependency-graph exports, custody's own json model, in-toto/DSSE
 * attestations wrapping one of these.
 */
import { InputError, errorMessage } from '../core/errors.js';
import { readInputFile } from '../core/input-file.js';
import { silentLogger, type Logger } from '../core/log.js';
import { decodeCycloneDxObject } from './cyclonedx/decode.js';
import { decodeCycloneDxXml } from './cyclonedx/decode-xml.js';
import { DECODE_LIMITS, isObj, obj, str, type DecodeContext, type PackageFilter } from './decode.js';
import { bytesToText, detectJsonFormat, detectTagValueVersion, detectXmlFormat, sniffTextKind, unknownFormat, type DetectedFormat } from './format.js';
import { decodeGithubDependencyGraph } from './github/decode.js';
import { decodeNativeSbom } from './native/decode.js';
import type { Sbom } from './model.js';
import { decodeSpdxObject } from './spdx/decode.js';
import { decodeSpdx3Object } from './spdx/decode-spdx3.js';
import { decodeSpdxTagValue } from './spdx/tag-value.js';
import { decodeSyftObject } from './syft/decode.js';

export type { DetectedFormat, SbomFormatId } from './format.js';
export { bytesToText, detectJsonFormat, detectXmlFormat, sniffTextKind } from './format.js';

export interface ReadSbomOptions {
  /** Where warnings go (lenient decoding); default: nowhere. */
  logger?: Logger;
  /** Name used in messages when the input is a Buffer. */
  name?: string;
  /** Refuse inputs larger than this (default 1 GiB). */
  maxBytes?: number;
}

export interface DecodedSbom {
  sbom: Sbom;
  format: DetectedFormat;
}

/** Read the whole file, refusing what is larger than the limit or not a regular file. */
/**
 * Read the whole file, refusing what is larger than the limit. Each cause has its code: SBOM_NOT_FOUND,
 * SBOM_PERMISSION_DENIED, SBOM_IS_DIRECTORY, SBOM_NOT_A_DIRECTORY, SBOM_SYMLINK_LOOP, SBOM_TOO_LARGE,
 * SBOM_UNREADABLE.
 */
export async function readInputBytes(path: string, maxBytes: number = DECODE_LIMITS.maxBytes): Promise<Buffer> {
  return readInputFile(path, { prefix: 'SBOM', what: 'SBOM', maxBytes, directoryHint: 'commands that take directories of SBOMs (sbom query, sbom index add) walk them' });
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InputError('SBOM_MALFORMED', `${source} is not valid JSON: ${errorMessage(err)}`, {
      hint: 'check that the file is complete (not truncated) and is one JSON document',
    });
  }
}

/** Unwrap a DSSE envelope / in-toto statement to its SBOM predicate. */
function unwrapAttestation(doc: Record<string, unknown>, ctx: DecodeContext, depth: number): DecodedSbom {
  let statement: unknown = doc;
  if (typeof doc.payload === 'string') {
    statement = parseJson(Buffer.from(doc.payload, 'base64').toString('utf8'), `${ctx.source} (DSSE payload)`);
  }
  let predicate = obj(statement).predicate;
  // cosign wraps the SBOM as {"Data": <sbom or its JSON text>, "Timestamp": ...}.
  if (isObj(predicate) && predicate.Data !== undefined && !('bomFormat' in predicate) && !('spdxVersion' in predicate)) {
    predicate = typeof predicate.Data === 'string' ? parseJson(predicate.Data, `${ctx.source} (predicate Data)`) : predicate.Data;
  }
  if (!isObj(predicate)) throw unknownFormat(ctx.source, 'an in-toto statement without an SBOM predicate');
  ctx.warn(`${ctx.source}: read the SBOM inside an in-toto attestation (predicate ${str(obj(statement).predicateType) ?? 'unknown'}); its signature is not checked here`);
  return decodeParsedJson(predicate, ctx, depth + 1);
}

function decodeParsedJson(doc: unknown, ctx: DecodeContext, depth = 0): DecodedSbom {
  const format = detectJsonFormat(doc);
  if (!format || !isObj(doc)) throw unknownFormat(ctx.source, 'JSON without the keys of a known SBOM format (bomFormat, spdxVersion, artifacts, sbom, custodySbomVersion)');
  switch (format.id) {
    case 'cyclonedx-json':
      return { sbom: decodeCycloneDxObject(doc, ctx, 'cyclonedx-json', format.version), format };
    case 'spdx-json':
      return { sbom: decodeSpdxObject(doc, ctx, 'spdx-json'), format };
    case 'spdx3-json':
      return { sbom: decodeSpdx3Object(doc, ctx, format.version), format };
    case 'syft-json':
      return { sbom: decodeSyftObject(doc, ctx), format };
    case 'github-dependency-graph':
      return { sbom: decodeGithubDependencyGraph(doc, ctx), format };
    case 'custody-json':
      return { sbom: decodeNativeSbom(doc, ctx), format };
    case 'in-toto':
      if (depth > 2) throw unknownFormat(ctx.source, 'attestations nested too deep');
      return unwrapAttestation(doc, ctx, depth);
    default:
      throw unknownFormat(ctx.source, 'unsupported format');
  }
}

/** Decode an already parsed JSON SBOM document (for example one read sparsely by json-stream.ts). */
export function decodeSbomObject(doc: unknown, source: string, logger: Logger = silentLogger, options: { keep?: PackageFilter } = {}): DecodedSbom {
  return decodeParsedJson(doc, { source, warn: (m) => logger.warn(m), keep: options.keep });
}

/** Decode SBOM bytes; the format comes from the content. */
export function decodeSbomBytes(buf: Buffer, source: string, logger: Logger = silentLogger, options: { keep?: PackageFilter; subjectAsPackage?: boolean } = {}): DecodedSbom {
  const ctx: DecodeContext = { source, warn: (m) => logger.warn(m), keep: options.keep, ...(options.subjectAsPackage === true ? { subjectAsPackage: true } : {}) };
  if (buf.length === 0) throw unknownFormat(source, 'the file is empty');
  const text = bytesToText(buf);
  const kind = sniffTextKind(text.slice(0, 64 * 1024));
  switch (kind) {
    case 'json': {
      let doc: unknown;
      try {
        doc = JSON.parse(text) as unknown;
      } catch (err) {
        // JSON Lines (one attestation per line): take the first line that is an SBOM.
        const first = text.split(/\r?\n/).find((l) => l.trim() !== '');
        if (first && first.length < text.trim().length) {
          try {
            doc = JSON.parse(first) as unknown;
          } catch {
            doc = undefined;
          }
        }
        if (doc === undefined) {
          throw new InputError('SBOM_MALFORMED', `${source} is not valid JSON: ${errorMessage(err)}`, {
            hint: 'check that the file is complete (not truncated) and is one JSON document',
          });
        }
      }
      return decodeParsedJson(doc, ctx);
    }
    case 'xml': {
      const format = detectXmlFormat(text.slice(0, 64 * 1024));
      if (!format) throw unknownFormat(source, 'XML that is not a CycloneDX bom (no http://cyclonedx.org/schema/bom/<version> namespace)');
      return { sbom: decodeCycloneDxXml(text, ctx, format.version), format };
    }
    case 'tag-value':
      return { sbom: decodeSpdxTagValue(text, ctx), format: { id: 'spdx-tag-value', version: detectTagValueVersion(text)?.replace(/^SPDX-/, '') } };
    default:
      throw unknownFormat(source, 'neither JSON, XML nor SPDX tag-value');
  }
}

/** Read an SBOM file (or bytes) in any supported format into custody's model. */
export async function readSbom(input: string | Buffer, options: ReadSbomOptions = {}): Promise<Sbom> {
  return (await readSbomWithFormat(input, options)).sbom;
}

export async function readSbomWithFormat(input: string | Buffer, options: ReadSbomOptions = {}): Promise<DecodedSbom> {
  const maxBytes = options.maxBytes ?? DECODE_LIMITS.maxBytes;
  const name = typeof input === 'string' ? input : (options.name ?? '<input>');
  const buf = typeof input === 'string' ? await readInputBytes(input, maxBytes) : input;
  if (buf.length > maxBytes) {
    throw new InputError('SBOM_TOO_LARGE', `${name} is ${buf.length} bytes, more than the ${maxBytes}-byte limit`, { hint: 'split the SBOM or raise the limit' });
  }
  return decodeSbomBytes(buf, name, options.logger ?? silentLogger);
}
