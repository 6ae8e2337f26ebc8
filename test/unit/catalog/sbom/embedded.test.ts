import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bitnamiCataloger } from '../../../../src/catalog/bitnami/index.js';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { ALL_CATALOGERS, selectCatalogers } from '../../../../src/catalog/registry.js';
import { parseEmbeddedSbom } from '../../../../src/catalog/sbom/embedded.js';
import { sbomCataloger } from '../../../../src/catalog/sbom/index.js';
import { FIXTURES } from '../../../helpers/paths.js';
import { catalogFiles } from '../lang-support.js';

const peers = (f: string): Buffer => readFileSync(join(FIXTURES, 'catalog', 'peers', f));
/** What syft's cataloger_test.go expects from this document (purls kept as the document writes them). */
const SYFT_PURLS = [
  'pkg:apk/alpine/alpine-baselayout-data@3.2.0-r23?arch=x86_64&upstream=alpine-baselayout&distro=alpine-3.16.3',
  'pkg:apk/alpine/alpine-baselayout@3.2.0-r23?arch=x86_64&upstream=alpine-baselayout&distro=alpine-3.16.3',
  'pkg:apk/alpine/alpine-keys@2.4-r1?arch=x86_64&upstream=alpine-keys&distro=alpine-3.16.3',
  'pkg:apk/alpine/apk-tools@2.12.9-r3?arch=x86_64&upstream=apk-tools&distro=alpine-3.16.3',
  'pkg:apk/alpine/busybox@1.35.0-r17?arch=x86_64&upstream=busybox&distro=alpine-3.16.3',
  'pkg:apk/alpine/ca-certificates-bundle@20220614-r0?arch=x86_64&upstream=ca-certificates&distro=alpine-3.16.3',
  'pkg:apk/alpine/libc-utils@0.7.2-r3?arch=x86_64&upstream=libc-dev&distro=alpine-3.16.3',
  'pkg:apk/alpine/libcrypto1.1@1.1.1s-r0?arch=x86_64&upstream=openssl&distro=alpine-3.16.3',
  'pkg:apk/alpine/libssl1.1@1.1.1s-r0?arch=x86_64&upstream=openssl&distro=alpine-3.16.3',
  'pkg:apk/alpine/musl-utils@1.2.3-r1?arch=x86_64&upstream=musl&distro=alpine-3.16.3',
  'pkg:apk/alpine/musl@1.2.3-r1?arch=x86_64&upstream=musl&distro=alpine-3.16.3',
  'pkg:apk/alpine/scanelf@1.3.4-r0?arch=x86_64&upstream=pax-utils&distro=alpine-3.16.3',
  'pkg:apk/alpine/ssl_client@1.35.0-r17?arch=x86_64&upstream=busybox&distro=alpine-3.16.3',
  'pkg:apk/alpine/zlib@1.2.12-r3?arch=x86_64&upstream=zlib&distro=alpine-3.16.3',
];

describe('sbom-cataloger', () => {
  it('a syft JSON document in the tree: every package it lists, located at the document, with its relationships', async () => {
    const r = await catalogFiles([sbomCataloger], [{ path: '/app/sbom.syft.json', content: peers('syft/sbom/sbom.syft.json') }]);
    expect(r.packages).toHaveLength(14);
    expect(r.packages.map((p) => p.purl).sort()).toEqual(SYFT_PURLS);
    for (const p of r.packages) {
      expect(p.locations).toEqual([{ path: '/app/sbom.syft.json' }]);
      expect(p.foundBy).toEqual(['sbom-cataloger']);
      expect(p.type).toBe('apk');
      expect(p.metadata?.['sbomFormat']).toMatch(/^syft-json/);
    }
    const musl = r.packages.find((p) => p.name === 'musl')!;
    expect(musl.licenses).toEqual(['MIT']);
    expect(r.relationships.length).toBeGreaterThan(0);
    expect(r.relationships.every((rel) => r.packages.some((p) => p.id === rel.from) && r.packages.some((p) => p.id === rel.to))).toBe(true);
    expect(r.incomplete).toEqual([]);
  });

  it('the document read back from custody\'s own outputs keeps purls; a named file that is no SBOM is a warning; a broken one incomplete', async () => {
    const cdx = JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [{ type: 'library', name: 'left-pad', version: '1.3.0', purl: 'pkg:npm/left-pad@1.3.0' }] });
    const r = await catalogFiles([sbomCataloger], [
      { path: '/srv/app/bom.json', content: Buffer.from(cdx) },
      { path: '/srv/app/app.cdx.json', content: peers('syft/sbom/glob-paths/app.cdx.json') },
      { path: '/srv/app/broken.spdx.json', content: Buffer.from('{"spdxVersion": "SPDX-2.3", "packages": [') },
    ]);
    expect(r.packages.map((p) => p.purl)).toEqual(['pkg:npm/left-pad@1.3.0']);
    expect(r.warnings.join('\n')).toMatch(/\/srv\/app\/app\.cdx\.json: not an SBOM document/);
    expect(r.incomplete.map((i) => i.path)).toEqual(['/srv/app/broken.spdx.json']);
  });

  it('a CycloneDX metadata.component that is software with a version is a package too (syft\'s and trivy\'s sbom catalogers); an image, a file, an OS or a versionless path is only the subject', async () => {
    const doc = (component: Record<string, unknown>): Buffer =>
      Buffer.from(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', metadata: { component: { 'bom-ref': 'root', ...component } }, components: [{ type: 'library', name: 'dep', version: '2.0.0', 'bom-ref': 'dep', purl: 'pkg:npm/dep@2.0.0' }], dependencies: [{ ref: 'root', dependsOn: ['dep'] }] }));
    const r = await catalogFiles([sbomCataloger], [
      { path: '/a/bom.json', content: doc({ type: 'library', name: 'main', group: 'org.example', version: '1.2.3', purl: 'pkg:maven/org.example/main@1.2.3' }) },
      { path: '/b/bom.json', content: doc({ type: 'container', name: 'registry.example/app', version: 'sha256:' + 'a'.repeat(64) }) },
      { path: '/c/bom.json', content: doc({ type: 'application', name: '/home/user/project' }) },
      { path: '/d/bom.json', content: doc({ type: 'operating-system', name: 'debian', version: '12' }) },
    ]);
    expect(r.packages.map((p) => `${p.purl} ${p.locations[0]!.path}`).sort()).toEqual([
      'pkg:maven/org.example/main@1.2.3 /a/bom.json',
      'pkg:npm/dep@2.0.0 /a/bom.json',
      'pkg:npm/dep@2.0.0 /b/bom.json',
      'pkg:npm/dep@2.0.0 /c/bom.json',
      'pkg:npm/dep@2.0.0 /d/bom.json',
    ]);
    const main = r.packages.find((p) => p.name === 'main')!;
    expect(main.metadata?.['sbomSubject']).toBe(true);
    expect(r.relationships.filter((x) => x.from === main.id).map((x) => r.packages.find((p) => p.id === x.to)!.locations[0]!.path)).toEqual(['/a/bom.json']);
  });

  it('an entry without a name (SPDX `packageName` instead of `name`) is not reported and makes the result incomplete', async () => {
    const spdx = JSON.stringify({
      spdxVersion: 'SPDX-2.2',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: 'x',
      packages: [
        { packageName: 'example.com/hello', SPDXID: 'SPDXRef-a' },
        { name: 'rsc.io/quote', versionInfo: 'v1.5.2', SPDXID: 'SPDXRef-b' },
      ],
    });
    const r = await catalogFiles([sbomCataloger], [{ path: '/sbom/x.spdx.json', content: Buffer.from(spdx) }]);
    expect(r.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['rsc.io/quote@v1.5.2']);
    expect(r.incomplete.map((i) => `${i.path}: ${i.reason}`)).toEqual(['/sbom/x.spdx.json: 1 package without a name, not reported']);
  });

  it('Bitnami\'s .spdx-*.spdx files are the bitnami-cataloger\'s: their packages reported once', async () => {
    const file = { path: '/opt/bitnami/postgresql/.spdx-postgresql.spdx', content: peers('syft/bitnami/testdata/json/opt/bitnami/postgresql/.spdx-postgresql.spdx') };
    const both = await catalogFiles([bitnamiCataloger, sbomCataloger], [file]);
    const alone = await catalogFiles([bitnamiCataloger], [file]);
    expect(both.packages.length).toBeGreaterThan(0);
    expect(both.packages.map((p) => p.id)).toEqual(alone.packages.map((p) => p.id));
    expect(both.packages.every((p) => p.foundBy.join() === 'bitnami-cataloger')).toBe(true);
  });

  it('runs only when selected by name: not a default, not by tag; +sbom adds it to the defaults', () => {
    const names = (s: string[]): string[] => selectCatalogers(ALL_CATALOGERS, s).map((c) => c.name);
    expect(names([])).not.toContain('sbom-cataloger');
    expect(names(['image'])).not.toContain('sbom-cataloger');
    expect(names(['-python'])).not.toContain('sbom-cataloger');
    expect(names(['sbom'])).toEqual(['sbom-cataloger']);
    // in registry order: the defaults with the sbom-cataloger in its place
    const withSbom = (base: string[]): string[] => ALL_CATALOGERS.map((c) => c.name).filter((n) => n === 'sbom-cataloger' || base.includes(n));
    expect(names(['+sbom'])).toEqual(withSbom(names([])));
    expect(names(['npm', '+sbom-cataloger'])).toEqual(withSbom(names(['npm'])));
  });

  it('hostile input (fast-check): a result or a thrown Error', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const run = (s: string): void => {
      try {
        expect(Array.isArray(parseEmbeddedSbom({ location: { path: '/x/app.spdx.json' }, contents: Buffer.from(s) }, ctx).packages)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    };
    fc.assert(
      fc.property(fc.string(), fc.jsonValue(), (a, j) => {
        run(a);
        run(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [j, { name: a, purl: a }] }));
        run(JSON.stringify({ spdxVersion: 'SPDX-2.3', packages: [j], relationships: [j] }));
      }),
      { numRuns: 200 },
    );
    run(`${'['.repeat(100_000)}`);
    run(`{"bomFormat":"CycloneDX","specVersion":"1.5","components":[${'{"components":['.repeat(5_000)}`);
  });
});
