/**
 * `sbom validate`: check a document against the official schema of its format and version.
 * CycloneDX JSON/XML: the schemas and validators shipped in @cyclonedx/cyclonedx-library.
 * SPDX 2.2/2.3 JSON: the official spdx-spec JSON schemas vendored in ./schemas (source, commit and
 * licence in ./schemas/README.md). `--schema FILE` replaces the schema of JSON documents; it is checked
 * to be a JSON Schema, and the schemas it refers to are read from beside it (./schema.ts).
 * custody's own json model: its schema (docs/schemas/custody-sbom.schema.json, shipped with custody; the CLI
 * passes its path). Other formats have no official schema to check.
 */
import { InputError, ToolError, errorMessage } from '../../core/errors.js';
import { readInputFile } from '../../core/input-file.js';
import { validateCycloneDx } from '../cyclonedx/validate.js';
import { bytesToText, detectJsonFormat, detectTagValueVersion, detectXmlFormat, sniffTextKind, unknownFormat, type DetectedFormat } from '../format.js';
import { DECODE_LIMITS } from '../decode.js';
import { builtInSpdxSchema, loadSchemaFile, validateWithSchema, type SchemaSet } from './schema.js';

export { loadSchemaFile, type SchemaSet } from './schema.js';

export interface ValidationResult {
  path: string;
  format: DetectedFormat;
  schema: string;
  valid: boolean;
  errors: string[];
  /** Total errors when `errors` was cut short. */
  errorCount: number;
}

const MAX_ERRORS = 200;

/**
 * A `--schema` given for a document of another format than the schema's official `$id` says: validating
 * a CycloneDX document against the SPDX schema would list nonsense errors (or, worse, pass).
 */
function checkFits(set: SchemaSet, format: DetectedFormat, path: string): void {
  const d = set.describes;
  if (d === undefined || (d.id === format.id && (format.version === undefined || d.version === format.version))) return;
  const what = `${format.id}${format.version ? ` ${format.version}` : ''}`;
  throw new InputError('SBOM_SCHEMA_MISMATCH', `${path} is ${what}, but the schema ${set.label} is the official schema of ${d.id} ${d.version}`, {
    hint: 'pass the schema of the document format and version, or drop --schema to use the schemas custody ships',
  });
}

/** 'JSON null' / 'a JSON string' for a document that is JSON but not an object or array, else undefined. */
function jsonScalarKind(text: string): string | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v === null ? 'JSON null' : Array.isArray(v) ? 'a JSON array' : `a JSON ${typeof v}`;
  } catch {
    return undefined;
  }
}

/**
 * Validate one file. `schema` (from loadSchemaFile) replaces the built-in schema of JSON documents;
 * `custodySchema` is the path of custody's json model schema (for custody json documents).
 * @throws InputError (exit 3) for unreadable or unknown input and schemas that do not fit; ToolError
 *   (exit 4) when no schema or validator is available for the format
 */
export async function validateSbomFile(file: string, o: { schema?: SchemaSet | undefined; shown?: string; custodySchema?: string | undefined } = {}): Promise<ValidationResult> {
  // `path` names the file as the user wrote it, in messages and in the result.
  const path = o.shown ?? file;
  const buf = await readInputFile(file, { prefix: 'SBOM', what: 'SBOM', shown: path, maxBytes: DECODE_LIMITS.maxBytes });
  if (buf.length === 0 || buf.toString('latin1').trim() === '') throw unknownFormat(path, 'the file is empty');
  const text = bytesToText(buf);
  const kind = sniffTextKind(text.slice(0, 64 * 1024));
  let format: DetectedFormat | undefined;
  let errors: string[];
  let schema: string;
  if (kind === 'xml') {
    format = detectXmlFormat(text.slice(0, 64 * 1024));
    if (!format?.version) throw unknownFormat(path, 'XML that is not a CycloneDX bom');
    if (o.schema !== undefined) throw new InputError('SBOM_SCHEMA_MISMATCH', `${path} is CycloneDX XML, and --schema is a JSON Schema`, { hint: 'XML documents are checked against the XSDs custody ships: drop --schema' });
    schema = `CycloneDX ${format.version} XSD (@cyclonedx/cyclonedx-library)`;
    errors = await validateCycloneDx(text, 'xml', format.version);
  } else if (kind === 'json') {
    let doc: unknown;
    try {
      doc = JSON.parse(text) as unknown;
    } catch (err) {
      throw new InputError('SBOM_MALFORMED', `${path} is not valid JSON: ${errorMessage(err)}`, { hint: 'check that the file is complete' });
    }
    format = detectJsonFormat(doc);
    if (!format) {
      const what = doc === null ? 'JSON null' : Array.isArray(doc) ? 'a JSON array' : typeof doc !== 'object' ? `a JSON ${typeof doc}` : 'JSON without the keys of a known SBOM format';
      throw unknownFormat(path, what);
    }
    if (o.schema !== undefined && (format.id === 'cyclonedx-json' || format.id === 'spdx-json')) {
      checkFits(o.schema, format, path);
      schema = o.schema.label;
      errors = validateWithSchema(doc, o.schema);
    } else if (format.id === 'cyclonedx-json') {
      if (!format.version) return { path, format, schema: 'CycloneDX', valid: false, errors: ['/specVersion: missing'], errorCount: 1 };
      schema = `CycloneDX ${format.version} JSON schema (@cyclonedx/cyclonedx-library)`;
      errors = await validateCycloneDx(text, 'json', format.version);
    } else if (format.id === 'spdx-json') {
      const builtIn = builtInSpdxSchema(format.version);
      if (builtIn === undefined) {
        throw new ToolError('SBOM_SCHEMA_MISSING', `custody ships no SPDX ${format.version ?? '(no version)'} JSON schema (it ships 2.2 and 2.3)`, {
          hint: 'pass --schema spdx-schema.json (github.com/spdx/spdx-spec, schemas/ of the matching version)',
        });
      }
      schema = builtIn.label;
      errors = validateWithSchema(doc, builtIn);
    } else if (format.id === 'custody-json' && o.custodySchema !== undefined) {
      const own = await loadSchemaFile(o.custodySchema, 'custody json model schema (docs/schemas/custody-sbom.schema.json)');
      schema = `custody json model schema ${format.version ?? ''} (docs/schemas/custody-sbom.schema.json)`.replace('  ', ' ');
      errors = validateWithSchema(doc, own);
    } else {
      throw new ToolError('SBOM_SCHEMA_MISSING', `custody has no schema to validate ${format.id} documents`, { hint: 'validate CycloneDX or SPDX 2.x JSON documents' });
    }
  } else if (kind === 'tag-value') {
    format = { id: 'spdx-tag-value', version: detectTagValueVersion(text) };
    throw new ToolError('SBOM_SCHEMA_MISSING', 'SPDX tag-value has no schema; custody validates JSON and XML documents', { hint: 'convert it first: custody sbom convert FILE -o spdx-json > out.json' });
  } else {
    throw unknownFormat(path, jsonScalarKind(text) ?? 'neither JSON, XML nor SPDX tag-value');
  }
  return { path, format, schema, valid: errors.length === 0, errors: errors.slice(0, MAX_ERRORS), errorCount: errors.length };
}
