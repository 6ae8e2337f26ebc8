import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.js';
import { collectingLogger } from '../../../src/core/log.js';
import { decodeSbomBytes, readSbom, readSbomWithFormat } from '../../../src/sbom/index.js';
import { FIXTURES } from '../../helpers/paths.js';

const DIR = join(FIXTURES, 'sboms', 'dir');

describe('readSbom on one fixture per format', () => {
  it('CycloneDX JSON: nested components, subject, locations, cpes, relationships', async () => {
    const { sbom, format } = await readSbomWithFormat(join(DIR, 'app.cdx.json'));
    expect(format).toEqual({ id: 'cyclonedx-json', version: '1.5' });
    expect(sbom.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['app-war@1.0', 'log4j-core@2.14.1', 'lodash@4.17.21']);
    const l4j = sbom.packages.find((p) => p.name === 'log4j-core')!;
    expect(l4j).toMatchObject({ type: 'java-archive', group: 'org.apache.logging.log4j', licenses: ['Apache-2.0'], cpes: ['cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*'] });
    expect(l4j.locations).toEqual([{ path: '/app/app.war!/WEB-INF/lib/log4j-core-2.14.1.jar' }]);
    expect(sbom.subject).toMatchObject({ kind: 'image', name: 'registry.example/app', manifestDigest: `sha256:${'1'.repeat(64)}` });
    expect(sbom.relationships).toEqual([{ from: 'war', to: 'l4j', type: 'depends-on' }]);
    expect(sbom.tools).toEqual([{ name: 'hand', version: '1.0', vendor: 'example' }]);
  });

  it('CycloneDX XML: same mapping, nested components', async () => {
    const { sbom, format } = await readSbomWithFormat(join(DIR, 'nested', 'old.cdx.xml'));
    expect(format).toEqual({ id: 'cyclonedx-xml', version: '1.4' });
    expect(sbom.packages.map((p) => [p.name, p.version, p.purl])).toEqual([
      ['log4j-core', '2.0-beta9', 'pkg:maven/org.apache.logging.log4j/log4j-core@2.0-beta9'],
      ['log4j-api', '2.0-beta9', 'pkg:maven/org.apache.logging.log4j/log4j-api@2.0-beta9'],
    ]);
    expect(sbom.packages[0]!.licenses).toEqual(['Apache-2.0']);
    expect(sbom.subject.name).toBe('old-app@0.9');
  });

  it('SPDX JSON: purls from both PACKAGE-MANAGER spellings, sourceInfo locations, image subject', async () => {
    const { sbom, format } = await readSbomWithFormat(join(DIR, 'img.spdx.json'));
    expect(format).toEqual({ id: 'spdx-json', version: '2.3' });
    expect(sbom.packages.map((p) => p.purl)).toEqual(['pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1', 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64']);
    expect(sbom.packages[0]!.locations).toEqual([{ path: '/opt/lib/log4j-core-2.17.1.jar' }]);
    expect(sbom.packages[1]!.type).toBe('deb');
    expect(sbom.subject).toMatchObject({ kind: 'image', name: 'registry.example/legacy:1.0' });
    expect(sbom.tools).toEqual([{ name: 'syft', version: '1.2.3' }]);
  });

  it('SPDX tag-value: multi-line text, external refs, relationships', async () => {
    const { sbom, format } = await readSbomWithFormat(join(DIR, 'tv.spdx'));
    expect(format).toEqual({ id: 'spdx-tag-value', version: '2.2' });
    expect(sbom.packages.map((p) => [p.name, p.version])).toEqual([['Log4J-Core', '2.16.0'], ['openssl', '1:1.1.1k-1']]);
    expect(sbom.packages[0]!.description).toBe('multi\nline');
    expect(sbom.packages[1]!.cpes).toEqual(['cpe:2.3:a:openssl:openssl:1.1.1k:*:*:*:*:*:*:*']);
    expect(sbom.relationships).toEqual([{ from: 'SPDXRef-DOCUMENT', to: 'SPDXRef-P1', type: 'describes' }]);
  });

  it('syft JSON: artifacts, layers, distro, image identity', async () => {
    const { sbom, format } = await readSbomWithFormat(join(DIR, 'syft.json'));
    expect(format).toEqual({ id: 'syft-json', version: '16.0.0' });
    expect(sbom.packages[0]).toMatchObject({ name: 'musl', type: 'apk', licenses: ['MIT'], foundBy: ['apk-db-cataloger'], locations: [{ path: '/lib/apk/db/installed', layer: 'sha256:aaaa' }] });
    expect(sbom.distro).toMatchObject({ id: 'alpine', versionId: '3.19.0' });
    expect(sbom.subject).toMatchObject({ kind: 'image', name: 'alpine:3.19', manifestDigest: 'sha256:cccc', repoTags: ['alpine:3.19'] });
  });

  it('GitHub dependency-graph wrapper', async () => {
    const { sbom, format } = await readSbomWithFormat(join(DIR, 'github.json'));
    expect(format.id).toBe('github-dependency-graph');
    expect(sbom.packages.map((p) => p.purl)).toEqual(['pkg:npm/minimist@1.2.5']);
    expect(sbom.subject).toMatchObject({ kind: 'directory', name: 'com.github.example/repo' });
  });

  it('sniffs by content, not by name: the same bytes under any name give the same format', async () => {
    const a = await readSbom(join(DIR, 'tv.spdx'));
    const bytes = Buffer.from(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [{ name: 'x', version: '1' }] }));
    expect(decodeSbomBytes(bytes, 'weird-name.spdx').format).toEqual({ id: 'cyclonedx-json', version: '1.6' });
    expect(a.packages).toHaveLength(2);
  });

  it('reads UTF-16LE with a BOM', () => {
    const text = JSON.stringify({ spdxVersion: 'SPDX-2.2', packages: [{ SPDXID: 'SPDXRef-a', name: 'a', versionInfo: '1' }] });
    const buf = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(decodeSbomBytes(buf, 'x').sbom.packages.map((p) => p.name)).toEqual(['a']);
  });

  it('unwraps a DSSE in-toto attestation with a CycloneDX predicate, with a warning', () => {
    const statement = { _type: 'https://in-toto.io/Statement/v0.1', predicateType: 'https://cyclonedx.org/bom', subject: [], predicate: { bomFormat: 'CycloneDX', specVersion: '1.4', components: [{ name: 'p', version: '2' }] } };
    const env = { payloadType: 'application/vnd.in-toto+json', payload: Buffer.from(JSON.stringify(statement)).toString('base64'), signatures: [] };
    const log = collectingLogger();
    const { sbom, format } = decodeSbomBytes(Buffer.from(JSON.stringify(env)), 'att.json', log);
    expect(format.id).toBe('cyclonedx-json');
    expect(sbom.packages.map((p) => p.name)).toEqual(['p']);
    expect(log.warnings[0]).toMatch(/in-toto attestation/);
  });

  it('lenient: a bad purl is dropped with a warning, the package is kept', () => {
    const log = collectingLogger();
    const doc = { bomFormat: 'CycloneDX', specVersion: '1.4', components: [{ name: 'x', version: '1', purl: 'not a purl' }] };
    const { sbom } = decodeSbomBytes(Buffer.from(JSON.stringify(doc)), 'x.json', log);
    expect(sbom.packages[0]!.purl).toBeUndefined();
    expect(log.warnings.join('\n')).toMatch(/invalid purl/);
  });

  it('rejects what is not an SBOM with SBOM_UNKNOWN_FORMAT and a reason', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['hello world', /neither JSON, XML nor SPDX tag-value/],
      ['{"name": "pkg", "version": "1"}', /JSON without the keys/],
      ['<html><body/></html>', /not a CycloneDX bom/],
    ];
    for (const [text, why] of cases) {
      try {
        decodeSbomBytes(Buffer.from(text), 'f');
        expect.fail(`accepted ${text}`);
      } catch (err) {
        expect(err).toBeInstanceOf(InputError);
        expect((err as InputError).code).toBe('SBOM_UNKNOWN_FORMAT');
        expect((err as InputError).message).toMatch(why);
        expect((err as InputError).hint).toContain('custody reads SPDX 2.2/2.3 JSON');
      }
    }
  });

  it('a CycloneDX XML document cut inside a text node is malformed, not a shorter SBOM', () => {
    const xml = '<?xml version="1.0"?>\n<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library"><name>bash</name><version>5.2</version></component></components></bom>\n<!-- end -->\n';
    expect(decodeSbomBytes(Buffer.from(xml), 'x.cdx.xml').sbom.packages.map((p) => p.name)).toEqual(['bash']);
    const cut = xml.slice(0, xml.indexOf('5.2') + 1);
    expect(() => decodeSbomBytes(Buffer.from(cut), 'x.cdx.xml')).toThrow(/does not end with its closing bom tag/);
  });

  it('refuses XML entity declarations', () => {
    const xml = '<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY a "aaaa">]><bom xmlns="http://cyclonedx.org/schema/bom/1.4"><components/></bom>';
    expect(() => decodeSbomBytes(Buffer.from(xml), 'x.xml')).toThrow(/entities/);
  });

  it('never throws anything but InputError on hostile input (property)', () => {
    const prefixes = ['', '{"bomFormat":"CycloneDX","components":', '{"spdxVersion":"SPDX-2.3","packages":', '<bom xmlns="http://cyclonedx.org/schema/bom/1.5">', 'SPDXVersion: SPDX-2.2\nPackageName: ', '{"sbom":', '{"artifacts":[],"source":{},"schema":{},"x":'];
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), fc.oneof(fc.string({ maxLength: 200 }), fc.json({ maxDepth: 4 })), (prefix, tail) => {
        try {
          const { sbom } = decodeSbomBytes(Buffer.from(prefix + tail), 'fuzz');
          expect(Array.isArray(sbom.packages)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 600 },
    );
  });

  it('survives structurally valid documents with wrong field types (property)', () => {
    const anyJson = fc.anything({ maxDepth: 3 });
    fc.assert(
      fc.property(anyJson, anyJson, anyJson, (a, b, c) => {
        for (const doc of [
          { bomFormat: 'CycloneDX', specVersion: '1.5', metadata: a, components: [b, { name: 'n', components: c }], dependencies: c },
          { spdxVersion: 'SPDX-2.3', name: a, packages: [b, { name: 'n', externalRefs: c }], relationships: c, creationInfo: a },
          { artifacts: [b, { name: 'n', licenses: c, locations: a }], source: { target: a }, schema: {}, distro: c },
        ]) {
          let text: string;
          try {
            text = JSON.stringify(doc);
          } catch {
            continue;
          }
          try {
            decodeSbomBytes(Buffer.from(text), 'fuzz');
          } catch (err) {
            expect(err).toBeInstanceOf(InputError);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('deep nesting is bounded (no stack overflow)', () => {
    let c: Record<string, unknown> = { name: 'leaf', version: '1' };
    for (let i = 0; i < 500; i++) c = { name: `n${i}`, version: '1', components: [c] };
    const log = collectingLogger();
    const { sbom } = decodeSbomBytes(Buffer.from(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [c] })), 'deep', log);
    expect(sbom.packages.length).toBeLessThanOrEqual(66);
    expect(log.warnings.join()).toMatch(/nested deeper/);
  });
});
