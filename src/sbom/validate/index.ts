/**
 * `sbom validate`: check a document against the official schema of its format and version.
 * CycloneDX JSON/XML: the schemas and validators shipped in @cyclonedx/cyclonedx-library.
 * SPDX 2.2/2.3 JSON: the official spdx-spec JSON schema, given with --schema (no npm package
 * ships it, and custody does not bundle it yet). Other formats have no official schema to check.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { InputError, ToolError, errorMessage } from '../../core/errors.js';
import { validateCycloneDx } from '../cyclonedx/validate.js';
import { bytesToText, detectJsonFormat, detectTagValueVersion, detectXmlFormat, sniffTextKind, unknownFormat, type DetectedFormat } from '../format.js';
import { readInputBytes } from '../index.js';

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

type AjvLike = { compile(schema: unknown): ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string; params?: unknown }[] | null } };

function loadAjv(draft2019: boolean): AjvLike {
  const require = createRequire(import.meta.url);
  try {
    const AjvMod = require(draft2019 ? 'ajv/dist/2019' : 'ajv') as { default?: new (o: object) => AjvLike } & (new (o: object) => AjvLike);
    const Ajv = AjvMod.default ?? AjvMod;
    const ajv = new Ajv({ allErrors: true, strict: false });
    const formats = require('ajv-formats') as { default?: (a: AjvLike) => void } & ((a: AjvLike) => void);
    (formats.default ?? formats)(ajv);
    return ajv;
  } catch (err) {
    throw new ToolError('SBOM_VALIDATOR_MISSING', `the JSON schema validator (ajv) is not available: ${errorMessage(err)}`, { hint: 'npm install ajv ajv-formats', cause: err });
  }
}

async function validateSpdxJson(doc: unknown, schemaPath: string): Promise<string[]> {
  let schema: unknown;
  try {
    schema = JSON.parse(await readFile(schemaPath, 'utf8')) as unknown;
  } catch (err) {
    throw new InputError('SBOM_SCHEMA_UNREADABLE', `cannot read the schema ${schemaPath}: ${errorMessage(err)}`, { hint: 'pass the SPDX JSON schema file (spdx-spec schemas/spdx-schema.json of the document version)' });
  }
  const draft2019 = typeof (schema as { $schema?: unknown }).$schema === 'string' && /2019-09/.test((schema as { $schema: string }).$schema);
  const validate = loadAjv(draft2019).compile(schema);
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? 'invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}

export async function validateSbomFile(path: string, o: { spdxSchema?: string | undefined } = {}): Promise<ValidationResult> {
  const buf = await readInputBytes(path);
  const text = bytesToText(buf);
  const kind = sniffTextKind(text.slice(0, 64 * 1024));
  let format: DetectedFormat | undefined;
  let errors: string[];
  let schema: string;
  if (kind === 'xml') {
    format = detectXmlFormat(text.slice(0, 64 * 1024));
    if (!format?.version) throw unknownFormat(path, 'XML that is not a CycloneDX bom');
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
    if (!format) throw unknownFormat(path, 'JSON without the keys of a known SBOM format');
    if (format.id === 'cyclonedx-json') {
      if (!format.version) return { path, format, schema: 'CycloneDX', valid: false, errors: ['/specVersion: missing'], errorCount: 1 };
      schema = `CycloneDX ${format.version} JSON schema (@cyclonedx/cyclonedx-library)`;
      errors = await validateCycloneDx(text, 'json', format.version);
    } else if (format.id === 'spdx-json') {
      if (!o.spdxSchema) {
        throw new ToolError('SBOM_SCHEMA_MISSING', `no SPDX ${format.version ?? ''} JSON schema is bundled with custody`, {
          hint: 'pass --schema spdx-schema.json (from github.com/spdx/spdx-spec, schemas/ of the matching version)',
        });
      }
      schema = o.spdxSchema;
      errors = await validateSpdxJson(doc, o.spdxSchema);
    } else {
      throw new ToolError('SBOM_SCHEMA_MISSING', `custody has no schema to validate ${format.id} documents`, { hint: 'validate CycloneDX or SPDX 2.x JSON documents' });
    }
  } else if (kind === 'tag-value') {
    format = { id: 'spdx-tag-value', version: detectTagValueVersion(text) };
    throw new ToolError('SBOM_SCHEMA_MISSING', 'SPDX tag-value has no schema; custody validates JSON and XML documents', { hint: 'convert it first: custody sbom convert FILE -o spdx-json > out.json' });
  } else {
    throw unknownFormat(path, 'neither JSON, XML nor SPDX tag-value');
  }
  return { path, format, schema, valid: errors.length === 0, errors: errors.slice(0, MAX_ERRORS), errorCount: errors.length };
}
