/**
 * `custody sbom validate` through the built CLI: SPDX 2.2/2.3 against the schemas custody ships, `--schema`
 * checked to be a JSON Schema (and its sibling schemas read from beside it) before it is trusted, several
 * files each reported with the worst status as the exit code, and empty/null/scalar/array documents named.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../helpers/paths.js';
import { runBuilt } from '../helpers/run-cli.js';

const DIR = join(FIXTURES, 'sboms', 'dir');
/** The CycloneDX library ships the official schemas with their siblings (named *.SNAPSHOT.schema.json). */
const CDX_SCHEMAS = join(dirname(createRequire(import.meta.url).resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');

let tmp: string;
const file = (name: string, content: string): string => {
  const p = join(tmp, name);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
  return p;
};

type Report = { path: string; status: 'valid' | 'invalid' | 'error'; valid: boolean | null; schema?: string; errorCount: number; errors: string[]; error?: { code: string; message: string } };

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'custody-validate-'));
  const spdx = await runBuilt(['sbom', 'generate', 'fixtures/images/example.tar', '-o', 'spdx-json'], { env: { SOURCE_DATE_EPOCH: '1700000000' } });
  expect(spdx.code, spdx.stderr).toBe(0);
  file('custody.spdx.json', spdx.stdout);
  const cdx16 = await runBuilt(['sbom', 'generate', 'fixtures/images/example.tar', '-o', 'cyclonedx-json@1.6'], { env: { SOURCE_DATE_EPOCH: '1700000000' } });
  expect(cdx16.code, cdx16.stderr).toBe(0);
  file('custody-1.6.cdx.json', cdx16.stdout);
  // A 2.2 document: the 2.3 one with the fields 2.2 does not have removed.
  const doc = JSON.parse(spdx.stdout) as Record<string, unknown> & { packages: Record<string, unknown>[] };
  doc.spdxVersion = 'SPDX-2.2';
  for (const p of doc.packages) delete p.primaryPackagePurpose;
  file('custody-2.2.spdx.json', JSON.stringify(doc));
  file('invalid.spdx.json', JSON.stringify({ ...doc, spdxVersion: 'SPDX-2.3', dataLicense: 42 }));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('SPDX without --schema: the official schemas ship with custody', () => {
  it('custody\'s own SPDX 2.3 output and a 2.2 document are valid (exit 0)', async () => {
    const r = await runBuilt(['sbom', 'validate', join(tmp, 'custody.spdx.json'), join(tmp, 'custody-2.2.spdx.json'), '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const reports = JSON.parse(r.stdout) as Report[];
    expect(reports.map((x) => [x.status, x.schema])).toEqual([
      ['valid', 'SPDX 2.3 JSON schema (spdx-spec 2.3.1, shipped with custody)'],
      ['valid', 'SPDX 2.2 JSON schema (spdx-spec 2.2.2, shipped with custody)'],
    ]);
  });

  it('an invalid one is exit 1 with the error', async () => {
    const r = await runBuilt(['sbom', 'validate', join(tmp, 'invalid.spdx.json')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^invalid {2}.*invalid\.spdx\.json \(spdx-json@2\.3, SPDX 2\.3 JSON schema/);
    expect(r.stdout).toContain('/dataLicense: must be string');
    expect(r.stderr).toBe('');
  });
});

describe('several files: every file is reported, then the worst status', () => {
  it.each([
    [['custody.spdx.json', 'invalid.spdx.json', 'missing.json', 'tv.spdx'], 1],
    [['custody.spdx.json', 'missing.json', 'tv.spdx'], 3],
    [['custody.spdx.json', 'tv.spdx'], 4],
    [['custody.spdx.json', 'app.cdx.json'], 0],
  ])('%j -> exit %i', async (names, code) => {
    const paths = names.map((n) => (n === 'tv.spdx' || n === 'app.cdx.json' ? join(DIR, n) : join(tmp, n)));
    const r = await runBuilt(['sbom', 'validate', ...paths, '-o', 'json']);
    expect(r.code, r.stderr).toBe(code);
    const reports = JSON.parse(r.stdout) as Report[];
    expect(reports.map((x) => x.path)).toEqual(paths);
    const want: Record<string, string> = { 'custody.spdx.json': 'valid', 'app.cdx.json': 'valid', 'invalid.spdx.json': 'invalid', 'missing.json': 'error', 'tv.spdx': 'error' };
    expect(reports.map((x) => x.status)).toEqual(names.map((n) => want[n]));
    if (names.includes('missing.json')) {
      expect(reports.find((x) => x.path.endsWith('missing.json'))!.error).toMatchObject({ code: 'SBOM_NOT_FOUND' });
      expect(r.stderr).toContain('error [SBOM_NOT_FOUND]: cannot read SBOM');
    }
    if (names.includes('tv.spdx')) expect(r.stderr).toContain('error [SBOM_SCHEMA_MISSING]');
  });

  it('the table names each file too', async () => {
    const r = await runBuilt(['sbom', 'validate', join(tmp, 'custody.spdx.json'), join(tmp, 'missing.json')]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^valid {4}.*custody\.spdx\.json/m);
    expect(r.stdout).toMatch(/^error {4}.*missing\.json: not validated \[SBOM_NOT_FOUND\]$/m);
  });
});

describe('documents that are not SBOMs are named, never an internal error', () => {
  it.each([
    ['empty.json', '', 'the file is empty'],
    ['space.json', ' \n\t\n', 'the file is empty'],
    ['null.json', 'null', 'JSON null'],
    ['string.json', '"an SBOM"', 'a JSON string'],
    ['number.json', '42', 'a JSON number'],
    ['array.json', '[{"bomFormat":"CycloneDX"}]', 'a JSON array'],
    ['object.json', '{"hello":"world"}', 'JSON without the keys of a known SBOM format'],
  ])('%s -> exit 3 SBOM_UNKNOWN_FORMAT', async (name, content, text) => {
    const p = file(name, content);
    const r = await runBuilt(['sbom', 'validate', p]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(`error [SBOM_UNKNOWN_FORMAT]: cannot tell the SBOM format of ${p}: ${text}`);
    expect(r.stderr).not.toContain('internal error');
  });
});

describe('--schema is checked before it is trusted', () => {
  it.each([
    ['not-json.schema.json', '{"type": ', 'SBOM_SCHEMA_MALFORMED', 'is not JSON'],
    ['empty.schema.json', '', 'SBOM_SCHEMA_MALFORMED', 'is not JSON'],
    ['space.schema.json', '  \n', 'SBOM_SCHEMA_MALFORMED', 'is not JSON'],
    ['null.schema.json', 'null', 'SBOM_SCHEMA_NOT_A_SCHEMA', 'is not a JSON Schema: the document is null, not an object'],
    ['string.schema.json', '"schema"', 'SBOM_SCHEMA_NOT_A_SCHEMA', 'is not a JSON Schema: the document is a string, not an object'],
    ['array.schema.json', '[]', 'SBOM_SCHEMA_NOT_A_SCHEMA', 'is not a JSON Schema: the document is an array, not an object'],
    ['keywordless.schema.json', '{"hello": 1}', 'SBOM_SCHEMA_NOT_A_SCHEMA', 'is not a JSON Schema: it has no $schema and none of the keywords a schema is made of'],
    ['sbom.schema.json', '{"bomFormat":"CycloneDX","specVersion":"1.6","$schema":"http://json-schema.org/draft-07/schema#"}', 'SBOM_SCHEMA_NOT_A_SCHEMA', 'is an SBOM, not a JSON Schema'],
    ['invalid.schema.json', '{"$schema":"http://json-schema.org/draft-07/schema#","type":12}', 'SBOM_SCHEMA_INVALID', 'is not a valid JSON Schema (draft-07): /type'],
    ['draft4.schema.json', '{"$schema":"http://json-schema.org/draft-04/schema#","type":"object"}', 'SBOM_SCHEMA_UNSUPPORTED', 'uses the meta-schema "http://json-schema.org/draft-04/schema#", which custody does not validate with'],
    ['remote.schema.json', '{"$schema":"http://json-schema.org/draft-07/schema#","$ref":"https://example.com/other/x.schema.json"}', 'SBOM_SCHEMA_REF_OUTSIDE', 'refers to https://example.com/other/x.schema.json, which is not a file beside it'],
    ['climb.schema.json', '{"$schema":"http://json-schema.org/draft-07/schema#","properties":{"a":{"$ref":"../x.schema.json"}}}', 'SBOM_SCHEMA_REF_OUTSIDE', 'refers to file:///'],
  ])('%s -> exit 3 %s, before any SBOM is read', async (name, content, code, text) => {
    const schema = file(join('schemas', name), content);
    const r = await runBuilt(['sbom', 'validate', join(tmp, 'custody.spdx.json'), join(tmp, 'missing.json'), '--schema', schema]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error [${code}]: schema ${schema} ${text}`);
    expect(r.stderr).toMatch(/hint: \S/);
    expect(r.stderr).not.toContain('SBOM_NOT_FOUND'); // no file was looked at
  });

  it('a missing or unreadable schema file names its cause', async () => {
    const r = await runBuilt(['sbom', 'validate', join(tmp, 'custody.spdx.json'), '--schema', join(tmp, 'nope.schema.json')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('error [SBOM_SCHEMA_NOT_FOUND]: cannot read schema');
    const dir = await runBuilt(['sbom', 'validate', join(tmp, 'custody.spdx.json'), '--schema', tmp]);
    expect(dir.code).toBe(3);
    expect(dir.stderr).toContain('error [SBOM_SCHEMA_IS_DIRECTORY]');
  });

  it('a CycloneDX schema from a directory with its siblings works (the library\'s copy)', async () => {
    const r = await runBuilt(['sbom', 'validate', join(tmp, 'custody-1.6.cdx.json'), '--schema', join(CDX_SCHEMAS, 'bom-1.6.SNAPSHOT.schema.json'), '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Report[])[0]).toMatchObject({ status: 'valid', schema: join(CDX_SCHEMAS, 'bom-1.6.SNAPSHOT.schema.json') });
    expect(r.stderr).toBe('');
  });

  it('a CycloneDX schema without its siblings is a clear exit 3 naming the missing one', async () => {
    const lonely = join(tmp, 'lonely');
    mkdirSync(lonely, { recursive: true });
    copyFileSync(join(CDX_SCHEMAS, 'bom-1.6.SNAPSHOT.schema.json'), join(lonely, 'bom-1.6.schema.json'));
    const r = await runBuilt(['sbom', 'validate', join(tmp, 'custody-1.6.cdx.json'), '--schema', join(lonely, 'bom-1.6.schema.json')]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/error \[SBOM_SCHEMA_MISSING_REF\]: schema .*bom-1\.6\.schema\.json refers to (spdx|jsf-0\.82)\.SNAPSHOT\.schema\.json .*which is not beside it/);
    expect(r.stderr).toContain('hint: put ');
    // With a sibling that is not a schema, that sibling is named.
    copyFileSync(join(CDX_SCHEMAS, 'spdx.SNAPSHOT.schema.json'), join(lonely, 'spdx.SNAPSHOT.schema.json'));
    writeFileSync(join(lonely, 'jsf-0.82.SNAPSHOT.schema.json'), 'null');
    const bad = await runBuilt(['sbom', 'validate', join(tmp, 'custody-1.6.cdx.json'), '--schema', join(lonely, 'bom-1.6.schema.json')]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('error [SBOM_SCHEMA_NOT_A_SCHEMA]: schema jsf-0.82.SNAPSHOT.schema.json is not a JSON Schema');
  });

  it('a schema of another format than the document is refused for that document, the others still reported', async () => {
    const r = await runBuilt(['sbom', 'validate', join(tmp, 'custody.spdx.json'), join(tmp, 'custody-1.6.cdx.json'), '--schema', join(CDX_SCHEMAS, 'bom-1.6.SNAPSHOT.schema.json'), '-o', 'json']);
    expect(r.code).toBe(3);
    const reports = JSON.parse(r.stdout) as Report[];
    expect(reports.map((x) => x.status)).toEqual(['error', 'valid']);
    expect(reports[0]!.error).toMatchObject({ code: 'SBOM_SCHEMA_MISMATCH', message: expect.stringContaining('is spdx-json 2.3, but the schema') });
  });
});
