import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { vcpkgManifestCataloger } from '../../../../src/catalog/vcpkg/index.js';
import { parseVcpkgManifest } from '../../../../src/catalog/vcpkg/manifest.js';
import { FIXTURES } from '../../../helpers/paths.js';
import { catalogFiles } from '../lang-support.js';

const peer = (p: string): Buffer => readFileSync(join(FIXTURES, 'catalog', 'peers', 'syft', 'cpp', p));

describe('vcpkg-manifest-cataloger', () => {
  it('the project itself at its version, its dependencies and the registry of vcpkg-configuration.json beside it in metadata', async () => {
    const r = await catalogFiles([vcpkgManifestCataloger], [
      { path: '/src/hello/vcpkg.json', content: peer('vcpkg/helloworld/vcpkg.json') },
      { path: '/src/hello/vcpkg-configuration.json', content: peer('vcpkg/helloworld/vcpkg-configuration.json') },
    ]);
    expect(r.packages).toHaveLength(1);
    expect(r.packages[0]).toMatchObject({
      name: 'hello',
      version: '0.1.0',
      type: 'vcpkg',
      purl: 'pkg:vcpkg/hello@0.1.0',
      foundBy: ['vcpkg-manifest-cataloger'],
      metadata: {
        project: 'root',
        dependencies: ['fmt', 'vcpkg-sample-library'],
        defaultRegistry: { kind: 'git', baseline: 'fbfe5a93a4b9562d88dcbc9cefca0016594ba3b3', repository: 'https://github.com/anchore/vcpkg-test-fixture' },
      },
    });
    expect(r.incomplete).toEqual([]);
  });

  it('version fields, #port-version as syft writes it, a port of a registry, overrides, licence, description list', async () => {
    const port = {
      name: 'fmt',
      'version-semver': '11.0.2',
      'port-version': 1,
      description: ['{fmt} is a formatting library.', 'Second line.'],
      license: 'MIT',
      homepage: 'https://github.com/fmtlib/fmt',
      dependencies: [{ name: 'vcpkg-cmake', host: true }, { name: 'vcpkg-cmake-config', 'version>=': '2024-05-23' }, 'Not A Name', 42],
    };
    const app = { name: 'app', 'version-date': '2024-01-02', 'builtin-baseline': 'abc', overrides: [{ name: 'zlib', version: '1.3', 'port-version': 2 }], 'vcpkg-configuration': { 'default-registry': { kind: 'builtin', baseline: 'abc' } } };
    const r = await catalogFiles([vcpkgManifestCataloger], [
      { path: '/reg/ports/fmt/vcpkg.json', content: Buffer.from(JSON.stringify(port)) },
      { path: '/app/vcpkg.json', content: Buffer.from(JSON.stringify(app)) },
      { path: '/app/vcpkg-configuration.json', content: Buffer.from('{"default-registry": {"kind": "git", "repository": "ignored: the embedded one wins"}}') },
    ]);
    const byName = new Map(r.packages.map((p) => [p.name, p]));
    expect(byName.get('fmt')).toMatchObject({
      version: '11.0.2#1',
      purl: 'pkg:vcpkg/fmt@11.0.2?port_revision=1',
      licenses: ['MIT'],
      description: '{fmt} is a formatting library.\nSecond line.',
      metadata: { homepage: 'https://github.com/fmtlib/fmt', dependencies: ['vcpkg-cmake', 'vcpkg-cmake-config>=2024-05-23'] },
    });
    expect(byName.get('fmt')?.metadata?.project).toBeUndefined();
    expect(byName.get('app')).toMatchObject({
      version: '2024-01-02',
      purl: 'pkg:vcpkg/app@2024-01-02',
      metadata: { project: 'root', builtinBaseline: 'abc', overrides: ['zlib@1.3#2'], defaultRegistry: { kind: 'builtin', baseline: 'abc' } },
    });
    expect(r.warnings.some((w) => w.includes('dependencies skipped') && w.includes('Not A Name'))).toBe(true);
  });

  it('no name (an application manifest): nothing, a warning; not JSON, not an object or a bad name incomplete; {} silent', async () => {
    const r = await catalogFiles([vcpkgManifestCataloger], [
      { path: '/a/vcpkg.json', content: Buffer.from('{"dependencies": ["boost-asio", "fmt"]}') },
      { path: '/b/vcpkg.json', content: Buffer.from('{"name": "x",') },
      { path: '/c/vcpkg.json', content: Buffer.from('[]') },
      { path: '/d/vcpkg.json', content: Buffer.from('{"name": "Bad Name", "version": "1"}') },
      { path: '/e/vcpkg.json', content: peer('glob-paths/somewhere/src/vcpkg.json') },
      { path: '/f/vcpkg.json', content: Buffer.from('{"name": "noversion"}') },
    ]);
    expect(r.packages.map((p) => [p.name, p.version, p.purl])).toEqual([['noversion', '', 'pkg:vcpkg/noversion']]);
    expect(r.incomplete.map((i) => i.path).sort()).toEqual(['/b/vcpkg.json', '/c/vcpkg.json', '/d/vcpkg.json']);
    expect(r.warnings.filter((w) => w.includes('names no project'))).toHaveLength(1);
  });

  it('hostile input (fast-check): a result or a thrown Error', async () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS, read: async () => Buffer.from('{"default-registry": 1}') };
    const run = async (s: string): Promise<void> => {
      try {
        expect(Array.isArray((await parseVcpkgManifest({ location: { path: '/ports/x/vcpkg.json' }, contents: Buffer.from(s) }, ctx)).packages)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    };
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.string(), fc.jsonValue(), async (v, s, deps) => {
        await run(JSON.stringify(v) ?? 'null');
        await run(s);
        await run(JSON.stringify({ name: 'x', version: s, 'port-version': v, description: v, dependencies: deps, overrides: deps, 'vcpkg-configuration': v }));
      }),
      { numRuns: 300 },
    );
    await run(`{"name": "x", "dependencies": [${'"a",'.repeat(20_000)}"a"]}`);
    await run('['.repeat(100_000));
  });
});
