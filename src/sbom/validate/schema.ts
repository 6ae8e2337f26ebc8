/**
 * JSON Schemas for `sbom validate`: the ones custody ships (SPDX 2.2/2.3, vendored in ./schemas) and the
 * one a user names with `--schema FILE`, which is checked before it is trusted:
 * - it is JSON, an object, and a JSON Schema: its `$schema` names a draft custody validates with (draft-06,
 *   draft-07, 2019-09, 2020-12; none means draft-07) and it is valid against that draft's meta-schema;
 *   without `$schema` it must use at least one schema keyword, and an SBOM given as a schema is refused
 *   (an object of unknown keywords is a valid schema that accepts everything);
 * - the schemas it refers to (`$ref` to another document, as CycloneDX's bom-1.x.schema.json refers to
 *   spdx.schema.json, jsf-0.82.schema.json and cryptography-defs.schema.json) are read from beside it, each
 *   checked the same way; a reference that is not there is a clear error, and nothing is fetched or read
 *   outside that directory.
 */
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError, ToolError, errorMessage } from '../../core/errors.js';
import { readInputFile } from '../../core/input-file.js';
import spdx22 from './schemas/spdx-2.2.schema.json' with { type: 'json' };
import spdx23 from './schemas/spdx-2.3.schema.json' with { type: 'json' };

export type Draft = 'draft-06' | 'draft-07' | '2019-09' | '2020-12';

/** A schema with everything it refers to, ready to compile. */
export interface SchemaSet {
  /** How reports name it: the file, or "SPDX 2.3 JSON schema (spdx-spec ...)". */
  label: string;
  draft: Draft;
  main: Record<string, unknown>;
  /** Referenced documents, by the URI the main schema's `$ref`s resolve to. */
  refs: { uri: string; schema: Record<string, unknown> }[];
  /** The SBOM format and version an official `$id` says the schema is for. */
  describes?: { id: 'cyclonedx-json' | 'spdx-json'; version: string };
}

const MAX_SCHEMA_BYTES = 16 << 20;
const MAX_REFERENCED = 32;
/** Keywords one of which any real schema uses at its top level. */
const SCHEMA_KEYWORDS = ['type', 'properties', '$ref', 'allOf', 'anyOf', 'oneOf', 'definitions', '$defs', 'items', 'enum', 'const', 'required', 'patternProperties', 'additionalProperties', 'not', 'if'];

const BUILT_IN: Record<string, SchemaSet> = {
  '2.2': { label: 'SPDX 2.2 JSON schema (spdx-spec 2.2.2, shipped with custody)', draft: 'draft-07', main: spdx22 as Record<string, unknown>, refs: [], describes: { id: 'spdx-json', version: '2.2' } },
  '2.3': { label: 'SPDX 2.3 JSON schema (spdx-spec 2.3.1, shipped with custody)', draft: '2019-09', main: spdx23 as Record<string, unknown>, refs: [], describes: { id: 'spdx-json', version: '2.3' } },
};

/** The vendored SPDX 2.x JSON schema of a document version (see ./schemas/README.md), or undefined. */
export function builtInSpdxSchema(version: string | undefined): SchemaSet | undefined {
  return version === undefined ? undefined : BUILT_IN[version];
}

function schemaError(code: string, file: string, why: string, hint: string, cause?: unknown): InputError {
  return new InputError(code, `schema ${file} ${why}`, { hint, ...(cause === undefined ? {} : { cause }) });
}

const NOT_A_SCHEMA_HINT = 'pass a JSON Schema file: the official SPDX (spdx-spec schemas/spdx-schema.json) or CycloneDX (bom-1.x.schema.json) schema of the document version; without --schema custody uses the ones it ships';

function draftOf(schema: Record<string, unknown>, file: string): Draft {
  const s = schema.$schema;
  if (s === undefined) {
    if (!SCHEMA_KEYWORDS.some((k) => k in schema)) {
      throw schemaError('SBOM_SCHEMA_NOT_A_SCHEMA', file, 'is not a JSON Schema: it has no $schema and none of the keywords a schema is made of', NOT_A_SCHEMA_HINT);
    }
    return 'draft-07';
  }
  if (typeof s !== 'string') throw schemaError('SBOM_SCHEMA_NOT_A_SCHEMA', file, 'is not a JSON Schema: its $schema is not a string', NOT_A_SCHEMA_HINT);
  if (/^https?:\/\/json-schema\.org\/draft-07\/schema#?$/.test(s)) return 'draft-07';
  if (/^https?:\/\/json-schema\.org\/draft-06\/schema#?$/.test(s)) return 'draft-06';
  if (/^https?:\/\/json-schema\.org\/draft\/2019-09\/schema#?$/.test(s)) return '2019-09';
  if (/^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/.test(s)) return '2020-12';
  throw schemaError('SBOM_SCHEMA_UNSUPPORTED', file, `uses the meta-schema ${JSON.stringify(s.slice(0, 120))}, which custody does not validate with`, 'custody validates JSON Schema draft-06, draft-07, 2019-09 and 2020-12 (the official SPDX and CycloneDX schemas use draft-07 or 2019-09)');
}

type AjvErrors = { instancePath: string; message?: string; params?: unknown }[] | null | undefined;
type ValidateFn = ((data: unknown) => boolean) & { errors?: AjvErrors };
interface AjvLike {
  compile(schema: unknown): ValidateFn;
  addSchema(schema: unknown, key?: string): unknown;
  addMetaSchema(schema: unknown): unknown;
  validateSchema(schema: unknown): boolean | Promise<unknown>;
  errors?: AjvErrors;
}

/** An ajv instance for a draft, with formats. ToolError when ajv is missing. */
function ajvFor(draft: Draft): AjvLike {
  const require = createRequire(import.meta.url);
  try {
    const mod = draft === '2019-09' ? 'ajv/dist/2019' : draft === '2020-12' ? 'ajv/dist/2020' : 'ajv';
    const AjvMod = require(mod) as { default?: new (o: object) => AjvLike } & (new (o: object) => AjvLike);
    const Ajv = AjvMod.default ?? AjvMod;
    // logger: false — ajv would print schema warnings on the console; strict: false — the official schemas
    // carry annotation keywords (meta:enum, deprecated) that are not validation keywords.
    const ajv = new Ajv({ allErrors: true, strict: false, logger: false });
    if (draft === 'draft-06') ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
    const formats = require('ajv-formats') as { default?: (a: AjvLike) => void } & ((a: AjvLike) => void);
    (formats.default ?? formats)(ajv);
    // idn-email, iri, iri-reference, idn-hostname (draft 2019-09 formats CycloneDX uses).
    const formats2019 = require('ajv-formats-draft2019') as { default?: (a: AjvLike) => void } & ((a: AjvLike) => void);
    (formats2019.default ?? formats2019)(ajv);
    return ajv;
  } catch (err) {
    throw new ToolError('SBOM_VALIDATOR_MISSING', `the JSON schema validator (ajv) is not available: ${errorMessage(err)}`, { hint: 'npm install ajv ajv-formats', cause: err });
  }
}

function formatErrors(errors: AjvErrors): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? 'invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}

/** Parse and check one schema document: JSON, an object, a known draft, valid against its meta-schema. */
function checkSchemaDocument(text: string, file: string): { schema: Record<string, unknown>; draft: Draft } {
  let doc: unknown;
  try {
    doc = JSON.parse(text) as unknown;
  } catch (err) {
    throw schemaError('SBOM_SCHEMA_MALFORMED', file, `is not JSON: ${errorMessage(err)}`, NOT_A_SCHEMA_HINT, err);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    const what = doc === null ? 'null' : Array.isArray(doc) ? 'an array' : `a ${typeof doc}`;
    throw schemaError('SBOM_SCHEMA_NOT_A_SCHEMA', file, `is not a JSON Schema: the document is ${what}, not an object`, NOT_A_SCHEMA_HINT);
  }
  const schema = doc as Record<string, unknown>;
  if ('bomFormat' in schema || 'spdxVersion' in schema || ('specVersion' in schema && 'components' in schema)) {
    throw schemaError('SBOM_SCHEMA_NOT_A_SCHEMA', file, 'is an SBOM, not a JSON Schema', 'pass the schema with --schema and the SBOM as the file to validate');
  }
  const draft = draftOf(schema, file);
  const ajv = ajvFor(draft);
  if (ajv.validateSchema(schema) !== true) {
    const errs = formatErrors(ajv.errors);
    throw schemaError('SBOM_SCHEMA_INVALID', file, `is not a valid JSON Schema (${draft}): ${errs.slice(0, 3).join('; ')}${errs.length > 3 ? `; and ${errs.length - 3} more` : ''}`, NOT_A_SCHEMA_HINT);
  }
  return { schema, draft };
}

/** Every `$ref` string in a schema (bounded walk). */
function refsOf(schema: unknown): string[] {
  const out = new Set<string>();
  const stack: [unknown, number][] = [[schema, 0]];
  let seen = 0;
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (++seen > 1_000_000 || depth > 256) break;
    if (Array.isArray(v)) for (const x of v) stack.push([x, depth + 1]);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (k === '$ref' && typeof x === 'string') out.add(x);
        else stack.push([x, depth + 1]);
      }
    }
  }
  return [...out];
}

const META_SCHEMA_HOST = /^https?:\/\/json-schema\.org\//;

/** The base URI a schema's relative `$ref`s resolve against: its `$id`, else the file itself. */
function baseUriOf(schema: Record<string, unknown>, file: string): string {
  const id = schema.$id ?? schema.id;
  if (typeof id === 'string') {
    try {
      return new URL(id).href;
    } catch {
      // a relative or malformed $id: fall back to the file
    }
  }
  return pathToFileURL(file).href;
}

function dirOf(uri: string): string {
  const u = new URL(uri);
  u.hash = '';
  u.search = '';
  return u.href.slice(0, u.href.lastIndexOf('/') + 1);
}

function describesOf(schema: Record<string, unknown>): SchemaSet['describes'] {
  const id = typeof schema.$id === 'string' ? schema.$id : '';
  const cdx = /^https?:\/\/cyclonedx\.org\/schema\/bom-(\d+\.\d+)\.schema\.json$/.exec(id);
  if (cdx) return { id: 'cyclonedx-json', version: cdx[1]! };
  if (/^https?:\/\/spdx\.org\/rdf\/terms\/?$/.test(id)) return { id: 'spdx-json', version: '2.2' };
  const spdx = /^https?:\/\/spdx\.org\/rdf\/terms\/(2\.\d+)$/.exec(id);
  if (spdx) return { id: 'spdx-json', version: spdx[1]! };
  return undefined;
}

/**
 * Load `--schema FILE` and the documents it refers to from beside it.
 * @throws InputError SBOM_SCHEMA_NOT_FOUND|_PERMISSION_DENIED|... (the file), SBOM_SCHEMA_MALFORMED,
 *   SBOM_SCHEMA_NOT_A_SCHEMA, SBOM_SCHEMA_UNSUPPORTED, SBOM_SCHEMA_INVALID, SBOM_SCHEMA_MISSING_REF,
 *   SBOM_SCHEMA_REF_OUTSIDE — all exit 3, naming the file
 */
export async function loadSchemaFile(path: string, shown: string = path): Promise<SchemaSet> {
  const read = async (p: string, label: string): Promise<string> => (await readInputFile(p, { prefix: 'SBOM_SCHEMA', what: 'schema', shown: label, maxBytes: MAX_SCHEMA_BYTES })).toString('utf8');
  const { schema, draft } = checkSchemaDocument(await read(path, shown), shown);
  const dir = dirname(path);
  const refs: SchemaSet['refs'] = [];
  const loaded = new Set<string>();
  const queue: { schema: Record<string, unknown>; base: string; from: string }[] = [{ schema, base: baseUriOf(schema, path), from: shown }];
  loaded.add(dirOf(queue[0]!.base) + basename(path));
  while (queue.length > 0) {
    const { schema: s, base, from } = queue.shift()!;
    for (const ref of refsOf(s)) {
      const target = ref.split('#')[0]!;
      if (target === '') continue;
      let uri: URL;
      try {
        uri = new URL(target, base);
      } catch {
        throw schemaError('SBOM_SCHEMA_INVALID', from, `has a $ref custody cannot resolve: ${JSON.stringify(ref)}`, NOT_A_SCHEMA_HINT);
      }
      if (META_SCHEMA_HOST.test(uri.href)) continue; // ajv knows the meta-schemas
      uri.hash = '';
      const name = decodeURIComponent(uri.pathname.slice(uri.pathname.lastIndexOf('/') + 1));
      if (dirOf(uri.href) !== dirOf(base) || name === '' || name === '.' || name === '..' || /[/\\]/.test(name)) {
        throw schemaError('SBOM_SCHEMA_REF_OUTSIDE', from, `refers to ${uri.href}, which is not a file beside it`, 'custody reads referenced schemas only from the directory of the --schema file and fetches nothing; save the referenced schema there, or drop --schema to use the schemas custody ships');
      }
      if (loaded.has(uri.href)) continue;
      loaded.add(uri.href);
      if (refs.length >= MAX_REFERENCED) throw schemaError('SBOM_SCHEMA_INVALID', shown, `refers to more than ${MAX_REFERENCED} other schemas`, NOT_A_SCHEMA_HINT);
      const file = join(dir, name);
      let text: string;
      try {
        text = await read(file, name);
      } catch (err) {
        if (err instanceof InputError && err.code === 'SBOM_SCHEMA_NOT_FOUND') {
          throw schemaError('SBOM_SCHEMA_MISSING_REF', from, `refers to ${name} (${JSON.stringify(ref)}), which is not beside it (${file})`, `put ${name} in the same directory: the CycloneDX schemas come with spdx.schema.json, jsf-0.82.schema.json and cryptography-defs.schema.json (github.com/CycloneDX/specification, schema/); or drop --schema to use the schemas custody ships`, err);
        }
        throw err;
      }
      const sibling = checkSchemaDocument(text, name).schema;
      // Registered under the URI the reference resolves to, whatever the sibling's own $id says.
      const registered = { ...sibling, $id: uri.href };
      refs.push({ uri: uri.href, schema: registered });
      queue.push({ schema: registered, base: uri.href, from: name });
    }
  }
  const describes = describesOf(schema);
  return { label: shown, draft, main: schema, refs, ...(describes ? { describes } : {}) };
}

/** Validate a parsed document against a schema set: error lines, [] when valid. */
export function validateWithSchema(doc: unknown, set: SchemaSet): string[] {
  let validate = compiled.get(set);
  if (validate === undefined) {
    const ajv = ajvFor(set.draft);
    for (const r of set.refs) ajv.addSchema(r.schema);
    try {
      validate = ajv.compile(set.main);
    } catch (err) {
      throw schemaError('SBOM_SCHEMA_INVALID', set.label, `cannot be compiled: ${errorMessage(err)}`, NOT_A_SCHEMA_HINT, err);
    }
    compiled.set(set, validate);
  }
  return validate(doc) ? [] : formatErrors(validate.errors);
}

/** One compile per schema set and run (several files share it). */
const compiled = new WeakMap<SchemaSet, ValidateFn>();
