/**
 * Large JSON SBOMs are read as a token stream (sbom/json-stream.ts). The streamed (sparse) read must give
 * the same query answers as the whole-file read; these tests force it with `streamFrom: 0`.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { queryFiles } from '../../../src/query/scan.js';
import type { QueryOptions } from '../../../src/query/match.js';
import { assembleSparse, readSparseJson } from '../../../src/sbom/json-stream.js';
import { FORMATS } from '../../helpers/sbom-docs.js';

const tmp = mkdtempSync(join(tmpdir(), 'custody-stream-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const write = (content: string | Buffer): string => {
  const p = join(tmp, `f${n++}.json`);
  writeFileSync(p, content);
  return p;
};

async function both(path: string, q: QueryOptions): Promise<[unknown, unknown]> {
  const strip = (r: Awaited<ReturnType<typeof queryFiles>>): unknown => ({ matches: r.matches, errors: r.errors.map((e) => e.reason.replace(/:.*/, '')), skipped: r.skipped.length });
  const whole = await queryFiles([path], q, { workers: 1, streamFrom: Number.MAX_SAFE_INTEGER });
  const streamed = await queryFiles([path], q, { workers: 1, streamFrom: 0 });
  return [strip(streamed), strip(whole)];
}

describe('assembleSparse', () => {
  const doc = {
    bomFormat: 'CycloneDX', metadata: { component: { name: 'img', components: [{ name: 'x' }] }, tools: [1, 2] },
    components: [{ name: 'a' }, { name: 'log4j-core', components: [{ name: 'inner', hashes: [{ alg: 'SHA-1' }] }] }, 'log4j-core', 3, null, { name: 'b', purl: 'pkg:x/log4j-core' }],
    dependencies: [{ ref: 'a' }],
    extra: { nested: [[1, { deep: true, f: false, n: -1.5e3 }]] },
  };
  it('keeps the document and only the wanted elements of big arrays, in order, with what is inside them', () => {
    const sparse = assembleSparse(tokensOf(doc) as never, (s) => s.includes('log4j-core'));
    expect(sparse).toEqual({ ...doc, metadata: { ...doc.metadata, component: { name: 'img', components: [] } }, components: [doc.components[1], 'log4j-core', doc.components[5]], dependencies: [] });
  });
  it('read from a file with a test that wants every string, gives back the whole document but the elements without one', () => {
    expect(readSparseJson(write(JSON.stringify(doc, null, 2)), () => true)).toEqual({ ...doc, components: doc.components.filter((c) => c !== null && typeof c !== 'number') });
  });
});

/** Tokens of a value in stream-json's packed form (what its parser emits with packValues and no streaming). */
function* tokensOf(v: unknown): Generator<unknown> {
  if (Array.isArray(v)) {
    yield { name: 'startArray' };
    for (const x of v) yield* tokensOf(x);
    yield { name: 'endArray' };
  } else if (v !== null && typeof v === 'object') {
    yield { name: 'startObject' };
    for (const [k, x] of Object.entries(v)) {
      yield { name: 'keyValue', value: k };
      yield* tokensOf(x);
    }
    yield { name: 'endObject' };
  } else if (typeof v === 'string') yield { name: 'stringValue', value: v };
  else if (typeof v === 'number') yield { name: 'numberValue', value: String(v) };
  else if (v === null) yield { name: 'nullValue', value: null };
  else yield { name: v ? 'trueValue' : 'falseValue', value: v };
}

describe('streamed and whole-file reads give the same answers', () => {
  it('on generated documents of every JSON format (property)', async () => {
    const piece = fc.constantFrom('log4j-core', 'LOG4J-CORE', 'log4j', '-', 'core', '/', ':', '.jar', ' ', '%2D', '%40', '?q=', '@1.0', 'x', 'é', '"', '\\');
    const text = fc.array(piece, { maxLength: 5 }).map((a) => a.join(''));
    const purl = fc.tuple(fc.constantFrom('pkg:maven/ns/', 'pkg:npm/', 'pkg:oci/'), text, fc.constantFrom('', '@2.14.1', '?a=b')).map(([a, b, c]) => `${a}${b}${c}`);
    // One name in four is the needle itself, so enough documents match for the comparison to mean something
    // (with only random pieces, a run of 300 sometimes had fewer than 20 matching documents).
    const name = fc.oneof({ weight: 1, arbitrary: fc.constant('log4j-core') }, { weight: 3, arbitrary: text });
    const pkg = fc.record({ name, purl: fc.option(purl, { nil: undefined }), note: text });
    let matched = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(FORMATS)), fc.array(pkg, { minLength: 1, maxLength: 4 }), fc.boolean(), async (format, pkgs, describe) => {
        const doc = FORMATS[format]!(pkgs.map((p) => ({ name: p.name, ...(p.purl ? { purl: p.purl } : {}), extra: { description: p.note } })), describe ? { documentDescribes: ['SPDXRef-0'] } : {}) as Record<string, unknown>;
        const path = write(JSON.stringify(doc));
        const [streamed, whole] = await both(path, { name: 'log4j-core' });
        expect(streamed).toEqual(whole);
        if ((whole as { matches: unknown[] }).matches.length > 0) matched++;
      }),
      { numRuns: 300 },
    );
    expect(matched).toBeGreaterThan(20);
  });

  it('SPDX: the described image package still names the subject', async () => {
    const doc = {
      spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', name: 'registry.example/app:1',
      packages: [
        { SPDXID: 'SPDXRef-l', name: 'log4j-core', versionInfo: '2.14.1' },
        { SPDXID: 'SPDXRef-root', name: 'app', versionInfo: `sha256:${'b'.repeat(64)}`, externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: `pkg:oci/app@sha256%3A${'b'.repeat(64)}` }] },
      ],
      relationships: [{ spdxElementId: 'SPDXRef-l', relationshipType: 'CONTAINS', relatedSpdxElement: 'SPDXRef-root' }, { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-root' }],
    };
    const [streamed, whole] = await both(write(JSON.stringify(doc)), { name: 'log4j-core' });
    expect(streamed).toEqual(whole);
    expect((whole as { matches: { subject: { digest?: string } }[] }).matches[0]!.subject.digest).toBe(`sha256:${'b'.repeat(64)}`);
  });

  it('SPDX 3: the document element still names the subject', async () => {
    const doc = { '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld', '@graph': [{ type: 'software_Package', spdxId: 'urn:p', name: 'log4j-core', software_packageVersion: '2.14.1' }, { type: 'software_File', spdxId: 'urn:f', name: 'x' }, { type: 'SpdxDocument', spdxId: 'urn:d', name: 'registry.example/app:1' }] };
    const [streamed, whole] = await both(write(JSON.stringify(doc)), { name: 'log4j-core' });
    expect(streamed).toEqual(whole);
    expect((whole as { matches: { subject: { name: string } }[] }).matches[0]!.subject.name).toBe('registry.example/app:1');
  });

  it('UTF-8 with a BOM, UTF-16LE with a BOM, and multi-byte characters across read chunks', async () => {
    const filler = 'é'.repeat(700_000); // 1.4 MB of two-byte characters: chunk boundaries fall inside them
    const doc = { bomFormat: 'CycloneDX', specVersion: '1.5', metadata: { component: { name: 'ü-app', description: filler } }, components: [{ type: 'library', name: 'log4j-core', version: '2.14.1', description: filler }] };
    const text = JSON.stringify(doc);
    for (const bytes of [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])]) {
      const [streamed, whole] = await both(write(bytes), { name: 'log4j-core' });
      expect(streamed).toEqual(whole);
      expect((streamed as { matches: { subject: { name: string } }[] }).matches.map((m) => m.subject.name)).toEqual(['ü-app']);
    }
  });
});

describe('hostile or broken input', () => {
  it('nesting deeper than the cap, truncation and garbage are refused with a reason, not a crash', async () => {
    const deep = `{"bomFormat":"CycloneDX","components":[${'['.repeat(5000)}"log4j-core"${']'.repeat(5000)}]}`;
    for (const text of [deep, '{"bomFormat":"CycloneDX","components":[{"name":"log4j-core"', '{"bomFormat": log4j-core}']) {
      const r = await queryFiles([write(text)], { name: 'log4j-core' }, { workers: 1, streamFrom: 0 });
      expect(r.matches).toEqual([]);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]!.reason).toMatch(/not valid JSON/);
    }
  });

  it('a large file without the name is ruled out by the chunked pre-filter, even when the name straddles a chunk boundary elsewhere', async () => {
    const pad = 'x'.repeat(8 * 1024 * 1024 - 40);
    const without = write(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', metadata: { component: { name: 'a', description: pad } }, components: [{ type: 'library', name: 'zlib', version: '1' }] }));
    const r = await queryFiles([without], { name: 'log4j-core' }, { workers: 1, streamFrom: 0 });
    expect(r).toMatchObject({ filesScanned: 1, filesParsed: 0, matches: [] });
    // A large JSON file that is no SBOM at all is reported as such, as a small one is.
    const notSbom = write(JSON.stringify({ rows: [pad] }));
    expect(await queryFiles([notSbom], { name: 'log4j-core' }, { workers: 1, streamFrom: 0 })).toMatchObject({ filesScanned: 0, errors: [{ reason: 'JSON without the keys of a known SBOM format' }] });
    // The needle across the 8 MiB boundary: found through the overlap.
    const head = '{"bomFormat":"CycloneDX","specVersion":"1.5","metadata":{"component":{"name":"a","description":"';
    const mid = '"}},"components":[{"type":"library","name":"';
    const text = `${head}${'y'.repeat(8 * 1024 * 1024 - 5 - head.length - mid.length)}${mid}log4j-core","version":"2.14.1"}]}`;
    expect(text.indexOf('log4j-core')).toBe(8 * 1024 * 1024 - 5);
    const straddle = await queryFiles([write(text)], { name: 'log4j-core' }, { workers: 1, streamFrom: 0 });
    expect(straddle).toMatchObject({ filesParsed: 1 });
    expect(straddle.matches).toHaveLength(1);
  });
});

describe('sbom index add streams large JSON SBOMs', () => {
  const clock = { now: () => new Date(0) };
  const indexBoth = async (file: string, q: QueryOptions): Promise<[unknown, unknown]> => {
    const { addToIndex, queryIndex } = await import('../../../src/query/index/index.js');
    const out: unknown[] = [];
    for (const streamFrom of [0, Number.MAX_SAFE_INTEGER]) {
      const db = join(tmp, `i${n++}.db`);
      const added = await addToIndex(db, [file], { clock, streamFrom });
      const r = await queryIndex(db, q);
      out.push({ added: added.added.length, packages: added.packages, errors: added.errors, matches: r.matches });
    }
    return [out[0], out[1]];
  };

  it('gives the same index as a whole-file read, on generated documents of every JSON format (property)', async () => {
    const name = fc.constantFrom('log4j-core', 'zlib', 'LOG4J-CORE', 'a/log4j-core', 'openssl');
    const pkg = fc.record({ name, purl: fc.option(fc.constantFrom('pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', 'pkg:npm/x@1', 'pkg:oci/app@sha256%3Aab'), { nil: undefined }) });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(FORMATS)), fc.array(pkg, { minLength: 0, maxLength: 5 }), async (format, pkgs) => {
        const file = write(JSON.stringify(FORMATS[format]!(pkgs.map((p) => ({ name: p.name, ...(p.purl ? { purl: p.purl } : {}) })))));
        const [streamed, whole] = await indexBoth(file, { name: 'log4j-core' });
        expect(streamed).toEqual(whole);
      }),
      { numRuns: 60 },
    );
  });

  it('in batches: 4,500 CycloneDX components with nested ones, and the subject from metadata at the end of the file', async () => {
    const components = Array.from({ length: 4500 }, (_, i) => ({ type: 'library', name: i % 1000 === 7 ? 'log4j-core' : `p${i}`, version: `1.${i}`, components: i % 900 === 3 ? [{ type: 'library', name: 'log4j-core', version: '2.0-beta9' }] : undefined }));
    // An image component (kept by the first pass, for subjects) and components under metadata: no package twice.
    const image = { type: 'container', name: 'img', version: '1', purl: 'pkg:oci/img@sha256%3Aab' };
    const file = write(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [image, ...components], metadata: { component: { type: 'container', name: 'registry.example/late', components: [{ type: 'library', name: 'meta-sub' }] } } }));
    const [streamed, whole] = await indexBoth(file, { name: 'log4j-core' });
    expect(streamed).toEqual(whole);
    expect(whole).toMatchObject({ packages: 4506 });
    expect((whole as { matches: { subject: { name: string } }[] }).matches).toHaveLength(10);
    expect((whole as { matches: { subject: { name: string } }[] }).matches[0]!.subject.name).toBe('registry.example/late');
  });
});
