/**
 * Bitnami images: the SBOMs they ship under /opt/bitnami (syft's real testdata, Apache-2.0: see
 * fixtures/catalog/peers/README.md), the components file of older images, and the runtime binaries
 * inside a component's directory (not reported twice).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { bitnamiCataloger } from '../../../../src/catalog/bitnami/index.js';
import { parseBitnamiComponents } from '../../../../src/catalog/bitnami/bitnami.js';
import { runtimeBinaryCataloger } from '../../../../src/catalog/binary/index.js';
import { runCatalogers } from '../../../../src/catalog/run.js';
import { collectingLogger } from '../../../../src/core/log.js';
import { createMemoryResolver } from '../../../../src/source/index.js';
import { FIXTURES } from '../../../helpers/paths.js';
import { catalogFiles, generated } from '../lang-support.js';

const peer = (p: string): Buffer => readFileSync(join(FIXTURES, 'catalog', 'peers', 'syft', 'bitnami', 'testdata', p));
const POSTGRES_SPDX = 'json/opt/bitnami/postgresql/.spdx-postgresql.spdx';

describe('bitnami-cataloger', () => {
  it('the pkg:bitnami packages of an image SBOM, with CPEs, licences and what the main package contains', async () => {
    const r = await catalogFiles([bitnamiCataloger], [{ path: '/opt/bitnami/postgresql/.spdx-postgresql.spdx', content: peer(POSTGRES_SPDX) }]);
    expect(r.packages).toHaveLength(16);
    const pg = r.packages.find((p) => p.name === 'postgresql')!;
    expect(pg).toMatchObject({
      type: 'bitnami',
      version: '17.2.0-8',
      purl: 'pkg:bitnami/postgresql@17.2.0-8?arch=arm64&distro=debian-12',
      licenses: ['PostgreSQL'],
      cpes: ['cpe:2.3:*:postgresql:postgresql:17.2.0:*:*:*:*:*:*:*'],
      foundBy: ['bitnami-cataloger'],
      metadata: { path: '/opt/bitnami/postgresql', arch: 'arm64', distro: 'debian-12' },
    });
    const contains = r.relationships.filter((x) => x.from === pg.id && x.type === 'contains');
    expect(contains).toHaveLength(15);
    expect([r.warnings, r.incomplete]).toEqual([[], []]);
  });

  it('only pkg:bitnami packages (the Go modules of a binary are the go-binary cataloger\'s); tag-value read too', async () => {
    const mix = await catalogFiles([bitnamiCataloger], [{ path: '/opt/bitnami/render-template/.spdx-render-template.spdx', content: peer('mix/opt/bitnami/render-template/.spdx-render-template.spdx') }]);
    expect(mix.packages.map((p) => p.purl)).toEqual(['pkg:bitnami/render-template@1.0.7-4?arch=arm64&distro=debian-12']);
    const tv = await catalogFiles([bitnamiCataloger], [{ path: '/opt/bitnami/redis/.spdx-apache.spdx', content: peer('tag-value/opt/bitnami/redis/.spdx-apache.spdx') }]);
    expect(tv.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['redis@7.4.1-0']);
  });

  it('an SBOM that does not decode is incomplete input, never an empty answer', async () => {
    const r = await catalogFiles([bitnamiCataloger], [{ path: '/opt/bitnami/redis/.spdx-redis.spdx', content: peer('invalid/opt/bitnami/redis/.spdx-redis.spdx') }]);
    expect(r.packages).toEqual([]);
    expect(r.incomplete).toEqual([expect.objectContaining({ path: '/opt/bitnami/redis/.spdx-redis.spdx', by: 'bitnami-cataloger', reason: expect.stringMatching(/not valid JSON/) })]);
  });

  it('.bitnami_components.json of older images: one package per component, digest as SHA-256; a component without a version is incomplete', async () => {
    const r = await catalogFiles([bitnamiCataloger], [{ path: '/opt/bitnami/.bitnami_components.json', content: peer('components-json-mongodb/opt/bitnami/.bitnami_components.json') }]);
    expect(r.packages.map((p) => p.purl).sort()).toEqual([
      'pkg:bitnami/gosu@1.14.0-1?arch=amd64&distro=debian-10',
      'pkg:bitnami/mongodb@4.4.11-2?arch=amd64&distro=debian-10',
      'pkg:bitnami/render-template@1.0.1-5?arch=amd64&distro=debian-10',
      'pkg:bitnami/wait-for-port@1.0.1-5?arch=amd64&distro=debian-10',
      'pkg:bitnami/yq@4.16.2-2?arch=amd64&distro=debian-10',
    ]);
    expect(r.packages.find((p) => p.name === 'mongodb')!.hashes).toEqual({ 'SHA-256': 'd21fc890385eae0aaa394ce6491ef304d28a5cc43f860def6badee401fe55bc5' });
    const bad = await catalogFiles([bitnamiCataloger], [{ path: '/opt/bitnami/.bitnami_components.json', content: Buffer.from('{"a": {"version": "1.0.0-1"}, "b": {"arch": "amd64"}}') }]);
    expect(bad.packages.map((p) => p.name)).toEqual(['a']);
    expect(bad.incomplete.map((i) => i.reason)).toEqual(['.bitnami_components.json components without a version: b']);
  });

  it('a runtime binary inside the directory of the SBOM\'s main package is that package, not reported again; elsewhere it is', async () => {
    const redis = generated('binary/redis-7.0.15-debian/redis-server');
    const resolver = createMemoryResolver([
      { path: '/opt/bitnami/redis/.spdx-redis.spdx', content: peer('no-rel/opt/bitnami/redis/.spdx-redis.spdx') },
      { path: '/opt/bitnami/redis/bin/redis-server', content: redis, mode: 0o755 },
      { path: '/usr/local/bin/redis-server', content: redis, mode: 0o755 },
    ]);
    const r = await runCatalogers(resolver, [bitnamiCataloger, runtimeBinaryCataloger], { log: collectingLogger() });
    expect(r.packages.map((p) => `${p.type} ${p.name}@${p.version} ${p.locations[0]!.path}`).sort()).toEqual([
      'binary redis@7.0.15 /usr/local/bin/redis-server',
      'bitnami redis@7.4.0-0 /opt/bitnami/redis/.spdx-redis.spdx',
    ]);
    // the directory gives no `owns` relationships
    expect(r.relationships.filter((x) => x.type === 'owns')).toEqual([]);
  });

  it('hostile components files (fast-check): never throw past the parser, every package has a version', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(fc.record({ version: fc.string({ maxLength: 10 }), arch: fc.string({ maxLength: 6 }), digest: fc.string({ maxLength: 70 }) }), fc.anything())), (doc) => {
        const r = parseBitnamiComponents({ location: { path: '/opt/bitnami/.bitnami_components.json' }, contents: Buffer.from(JSON.stringify(doc)) }, ctx);
        for (const p of r.packages) expect(p.version).not.toBe('');
      }),
      { numRuns: 300 },
    );
  });
});
