import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileQuery, matchPackage, prefilterNeedle } from '../../../src/query/match.js';
import { mayContain } from '../../../src/query/prefilter.js';
import { addToIndex, queryIndex } from '../../../src/query/index/index.js';
import { queryFiles } from '../../../src/query/scan.js';
import { fixedClock } from '../../../src/core/clock.js';
import { FIXTURES } from '../../helpers/paths.js';
import { runInProcess } from '../../helpers/run-cli.js';

const DIR = resolve(FIXTURES, 'sboms', 'dir');
const tmp = mkdtempSync(join(tmpdir(), 'custody-query-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const pkg = (over: Partial<Parameters<typeof matchPackage>[1]>) => ({ name: 'log4j-core', version: '2.14.1', type: 'java-archive' as const, purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', ...over });

describe('matchPackage', () => {
  it('name: exact (case-insensitive), glob, group:artifact names', () => {
    expect(matchPackage(compileQuery({ name: 'LOG4J-core' }), pkg({}))).toBe(true);
    expect(matchPackage(compileQuery({ name: 'log4j' }), pkg({}))).toBe(false);
    expect(matchPackage(compileQuery({ name: 'log4j-*' }), pkg({}))).toBe(true);
    expect(matchPackage(compileQuery({ name: 'log4j-core' }), pkg({ name: 'org.apache.logging.log4j:log4j-core', purl: undefined }))).toBe(true);
  });

  it('purl: type/namespace/name, optional version, qualifiers only when given', () => {
    const q = compileQuery({ purl: 'pkg:maven/org.apache.logging.log4j/log4j-core' });
    expect(matchPackage(q, pkg({}))).toBe(true);
    expect(matchPackage(q, pkg({ purl: 'pkg:maven/other/log4j-core@2.14.1' }))).toBe(false);
    expect(matchPackage(q, pkg({ purl: 'pkg:npm/log4j-core@2.14.1' }))).toBe(false);
    expect(matchPackage(compileQuery({ purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1' }), pkg({}))).toBe(true);
    expect(matchPackage(compileQuery({ purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.15.0' }), pkg({}))).toBe(false);
    expect(matchPackage(compileQuery({ purl: 'pkg:deb/debian/libc6?arch=arm64' }), pkg({ name: 'libc6', version: '2.36', type: 'deb', purl: 'pkg:deb/debian/libc6@2.36?arch=amd64' }))).toBe(false);
    expect(matchPackage(compileQuery({ purl: 'pkg:deb/debian/libc6' }), pkg({ name: 'libc6', version: '2.36', type: 'deb', purl: 'pkg:deb/debian/libc6@2.36?arch=amd64' }))).toBe(true);
  });

  it('purl @vers: range and --version use the ecosystem ordering', () => {
    const q = compileQuery({ purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@vers:maven/>=2.0-beta9|<2.15.0' });
    expect(matchPackage(q, pkg({ version: '2.0-beta9' }))).toBe(true);
    expect(matchPackage(q, pkg({ version: '2.0-alpha1' }))).toBe(false);
    expect(matchPackage(q, pkg({ version: '2.15.0' }))).toBe(false);
    const deb = compileQuery({ name: 'openssl', version: '<1:1.1.1n' });
    expect(matchPackage(deb, pkg({ name: 'openssl', version: '1:1.1.1k-1', type: 'deb', purl: 'pkg:deb/debian/openssl@1:1.1.1k-1' }))).toBe(true);
    expect(matchPackage(deb, pkg({ name: 'openssl', version: '3.0.0', type: 'deb', purl: 'pkg:deb/debian/openssl@3.0.0' }))).toBe(true); // epoch 0 < epoch 1
  });

  it('cpe: vendor/product with wildcards and _/- equivalence', () => {
    const p = pkg({ cpes: ['cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*'] });
    expect(matchPackage(compileQuery({ cpe: 'cpe:2.3:a:apache:log4j:*' }), p)).toBe(true);
    expect(matchPackage(compileQuery({ cpe: 'cpe:/a:apache:log4j' }), p)).toBe(true);
    expect(matchPackage(compileQuery({ cpe: 'cpe:2.3:a:apache:log4j:2.17.1' }), p)).toBe(false);
    expect(matchPackage(compileQuery({ cpe: 'cpe:2.3:a:*:log*' }), p)).toBe(true);
  });

  it('pre-filter: needles only from plain fragments; escapes force a parse', () => {
    expect(prefilterNeedle(compileQuery({ name: 'log4j-core' }))).toEqual({ text: 'log4j-core', token: true });
    expect(prefilterNeedle(compileQuery({ name: '*log4j*' }))).toEqual({ text: 'log4j', token: false });
    expect(prefilterNeedle(compileQuery({ name: '{a,b}*' }))).toBeUndefined();
    expect(prefilterNeedle(compileQuery({ version: '<1' }))).toBeUndefined();
    expect(mayContain(Buffer.from('{"name":"LOG4J-CORE"}'), 'log4j-core')).toBe(true);
    expect(mayContain(Buffer.from('{"name":"log4j\\u002dcore"}'), 'log4j-core')).toBe(true);
    expect(mayContain(Buffer.from('<name>log4j&#45;core</name>'), 'log4j-core')).toBe(true);
    expect(mayContain(Buffer.from('{"name":"lodash","d":"\\u003c"}'), 'log4j-core')).toBe(false);
  });
});

describe('queryFiles and the index give the same answers', () => {
  const queries = [
    { name: 'log4j-core' },
    { name: 'log4j-*' },
    { purl: 'pkg:maven/org.apache.logging.log4j/log4j-core', version: '>=2.0.0 <2.17.1' },
    { purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@vers:maven/>=2.0-beta9|<2.15.0' },
    { cpe: 'cpe:2.3:a:openssl:openssl:*' },
    { version: '>=1.0' },
    { name: 'nothing-like-this' },
  ];
  it('on the fixture directory', async () => {
    const db = join(tmp, 'idx.db');
    const added = await addToIndex(db, [DIR], { clock: fixedClock(new Date(0)) });
    expect(added.added).toHaveLength(6);
    expect(added.skipped.map((s) => s.path.split('/').pop()).sort()).toEqual(['README.md', 'package.json']);
    const again = await addToIndex(db, [DIR], { clock: fixedClock(new Date(0)) });
    expect(again).toMatchObject({ added: [], updated: [] });
    expect(again.unchanged).toHaveLength(6);
    for (const q of queries) {
      const files = await queryFiles([DIR], q, { workers: 1 });
      const indexed = await queryIndex(db, q);
      const key = (m: { sbom: string; package: string; version: string }) => `${m.sbom}|${m.package}|${m.version}`;
      expect(indexed.matches.map(key), JSON.stringify(q)).toEqual(files.matches.map(key));
    }
    const l4j = await queryFiles([DIR], { name: 'log4j-core' }, { workers: 1 });
    expect(l4j.matches.map((m) => m.version).sort()).toEqual(['2.0-beta9', '2.14.1', '2.16.0', '2.17.1']);
    expect(l4j.filesScanned).toBe(6);
    expect(l4j.skipped).toHaveLength(2);
    expect(l4j.filesParsed).toBeLessThan(6); // the pre-filter skipped the syft and GitHub files
  });
});

describe('sbom query in-process', () => {
  it('exit 0 with matches, 1 without; an unreadable named path keeps a match (0) and turns "no match" into 3', async () => {
    const hit = await runInProcess(['sbom', 'query', DIR, '--name', 'log4j-core', '-o', 'json']);
    expect(hit.code).toBe(0);
    const doc = JSON.parse(hit.stdout) as { matches: { subject: { name: string }; locations: { path: string }[]; version: string }[]; skipped: unknown[]; summary: { filesScanned: number } };
    expect(doc.matches.find((m) => m.version === '2.14.1')).toMatchObject({ subject: { name: 'registry.example/app' }, locations: [{ path: '/app/app.war!/WEB-INF/lib/log4j-core-2.14.1.jar' }] });
    expect(doc.skipped).toHaveLength(2);
    expect(hit.stderr).toMatch(/skipped 2 non-SBOM file/);
    const miss = await runInProcess(['sbom', 'query', DIR, '--name', 'nope']);
    expect(miss.code).toBe(1);
    expect(miss.stdout).toMatch(/no match/);
    // A match is proven by what was read: it stands (README "Completeness"); the unread path is still named.
    const bad = await runInProcess(['sbom', 'query', DIR, join(tmp, 'missing.json'), '--name', 'log4j-core', '-o', 'csv']);
    expect(bad.code).toBe(0);
    expect(bad.stdout.split('\n')[0]).toBe('sbom,format,subject,subject_digest,package,version,purl,type,locations,image,tags,layers,deleted');
    expect(bad.stdout).toMatch(/2\.14\.1/);
    expect(bad.stderr).toMatch(/missing\.json: cannot read/);
    expect(bad.stderr).toMatch(/^incomplete: 1 input not read: sbom .*missing\.json: cannot read/m);
    // "No match" with it unread is not an answer: 3, or 1 with --allow-incomplete.
    const none = await runInProcess(['sbom', 'query', DIR, join(tmp, 'missing.json'), '--name', 'nope']);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/the answer above covers only what was read: exit 3/);
    const allowed = await runInProcess(['--allow-incomplete', 'sbom', 'query', DIR, join(tmp, 'missing.json'), '--name', 'nope']);
    expect(allowed.code).toBe(1);
  });

  it('usage errors exit 2', async () => {
    expect((await runInProcess(['sbom', 'query', DIR])).code).toBe(2);
    expect((await runInProcess(['sbom', 'query', DIR, '--version', '>>1'])).code).toBe(2);
    expect((await runInProcess(['sbom', 'query', '--name', 'x'])).code).toBe(2);
  });

  it('diff and convert round trip', async () => {
    const d = await runInProcess(['sbom', 'diff', join(DIR, 'app.cdx.json'), join(DIR, 'img.spdx.json'), '-o', 'json']);
    expect(d.code).toBe(1);
    const diff = JSON.parse(d.stdout) as { added: { name: string }[]; removed: { name: string }[]; changed: { name: string; from: string[]; to: string[] }[] };
    expect(diff.changed).toEqual([
      {
        key: 'purl/maven/org.apache.logging.log4j/log4j-core',
        name: 'log4j-core',
        from: ['2.14.1'],
        to: ['2.17.1'],
        fromLocations: [{ path: '/app/app.war!/WEB-INF/lib/log4j-core-2.14.1.jar' }],
        toLocations: [{ path: '/opt/lib/log4j-core-2.17.1.jar' }],
      },
    ]);
    expect(diff.added.map((e) => e.name)).toEqual(['libc6']);
    expect(diff.removed.map((e) => e.name).sort()).toEqual(['app-war', 'lodash']);
    const out = join(tmp, 'conv.cdx.json');
    const c = await runInProcess(['sbom', 'convert', join(DIR, 'img.spdx.json'), '-o', 'cyclonedx-json', '--file', out], { env: { SOURCE_DATE_EPOCH: '0' } });
    expect(c.code).toBe(0);
    const same = await runInProcess(['sbom', 'diff', join(DIR, 'img.spdx.json'), out]);
    expect(same.stdout).toMatch(/0 added, 0 removed, 0 changed, 2 unchanged/);
    expect(same.code).toBe(0);
  });

  it('validate: CycloneDX valid/invalid, SPDX against the shipped schema, tag-value has none (exit 4), unreadable exit 3', async () => {
    const ok = await runInProcess(['sbom', 'validate', join(DIR, 'app.cdx.json')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^valid/);
    const { writeFileSync } = await import('node:fs');
    const badFile = join(tmp, 'bad.cdx.json');
    writeFileSync(badFile, JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [{ type: 'nonsense', name: 'x' }] }));
    const bad = await runInProcess(['sbom', 'validate', badFile, '-o', 'json']);
    expect(bad.code).toBe(1);
    expect((JSON.parse(bad.stdout) as { valid: boolean; errors: string[] }[])[0]!.errors.join()).toMatch(/components\/0\/type/);
    expect((await runInProcess(['sbom', 'validate', join(DIR, 'img.spdx.json')])).code).toBe(0);
    expect((await runInProcess(['sbom', 'validate', join(DIR, 'tv.spdx')])).code).toBe(4);
    expect((await runInProcess(['sbom', 'validate', join(tmp, 'nope.json')])).code).toBe(3);
  });
});

describe('pre-filter and attestations', () => {
  it('never rules out a DSSE envelope (the SBOM is base64 inside)', () => {
    const env = { payloadType: 'application/vnd.in-toto+json', payload: Buffer.from('{"predicate":{"components":[{"name":"openssl"}]}}').toString('base64') };
    expect(mayContain(Buffer.from(JSON.stringify(env)), 'openssl')).toBe(true);
  });
});

describe('containsIgnoreCase', () => {
  it('agrees with a naive lower-case search (property)', async () => {
    const fc = (await import('fast-check')).default;
    const { containsIgnoreCase } = await import('../../../src/query/prefilter.js');
    const alpha = fc.constantFrom(...'abcLOG4j-c0re_.xyzOPENSL'.split(''));
    fc.assert(
      fc.property(fc.array(alpha, { maxLength: 300 }), fc.array(alpha, { minLength: 2, maxLength: 6 }), (hay, nd) => {
        const h = hay.join('');
        const n = nd.join('');
        expect(containsIgnoreCase(Buffer.from(h, 'latin1'), n)).toBe(h.toLowerCase().includes(n.toLowerCase()));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('mayContain never rules out a file whose decoded text holds the needle (property)', () => {
  const needle = 'log4j-core';
  const escapeJson = (s: string, mask: number[]): string =>
    [...s].map((c, i) => (mask[i % mask.length] ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c === '"' || c === '\\' ? `\\${c}` : c)).join('');
  const escapeXml = (s: string, mask: number[]): string =>
    [...s].map((c, i) => (mask[i % mask.length] ? (i % 2 ? `&#${c.charCodeAt(0)};` : `&#x${c.charCodeAt(0).toString(16)};`) : c === '<' ? '&lt;' : c === '&' ? '&amp;' : c)).join('');

  it('JSON with any mix of \\u escapes and letter case', async () => {
    const fc = (await import('fast-check')).default;
    const { mayContain, compileNeedle } = await import('../../../src/query/prefilter.js');
    const n = compileNeedle(needle);
    const piece = fc.constantFrom('log4j', '-', 'core', 'LOG4J', 'Core', 'x', '"', '\\', 'é', ' ');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 1, maxLength: 8 }), fc.boolean(), (parts, mask, cdx) => {
        const name = parts.join('');
        const head = cdx ? '{"bomFormat":"CycloneDX","components":[{"name":"' : '{"spdxVersion":"SPDX-2.3","packages":[{"name":"';
        const text = `${head}${escapeJson(name, mask)}"}]}`;
        const decoded = (JSON.parse(text) as { components?: { name: string }[]; packages?: { name: string }[] });
        const value = (decoded.components ?? decoded.packages)![0]!.name;
        if (value.toLowerCase().includes(needle)) expect(mayContain(Buffer.from(text), n)).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('XML with any mix of character references and letter case', async () => {
    const fc = (await import('fast-check')).default;
    const { mayContain, compileNeedle } = await import('../../../src/query/prefilter.js');
    const n = compileNeedle(needle);
    const piece = fc.constantFrom('log4j', '-', 'core', 'LOG4J', 'Core', 'x', '<', '&', ' ');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 1, maxLength: 8 }), (parts, mask) => {
        const name = parts.join('');
        const text = `<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components><component><name>${escapeXml(name, mask)}</name></component></components></bom>`;
        if (name.toLowerCase().includes(needle)) expect(mayContain(Buffer.from(text), n)).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('rules out plain SBOMs that only mention other packages, even with unrelated escapes', async () => {
    const { mayContain } = await import('../../../src/query/prefilter.js');
    expect(mayContain(Buffer.from('{"bomFormat":"CycloneDX","components":[{"name":"lodash","description":"a \\u003cb\\u003e"}],"x":"payloadType"}'), needle)).toBe(false);
    expect(mayContain(Buffer.from('<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><name>a &#60; b &amp; c</name></bom>'), needle)).toBe(false);
    // a Sigstore bundle / DSSE envelope without plain SBOM keys is always parsed
    expect(mayContain(Buffer.from('{"mediaType":"application/vnd.dev.sigstore.bundle+json","dsseEnvelope":{"payload":"e30=","payloadType":"application/vnd.in-toto+json"}}'), needle)).toBe(true);
  });
});
