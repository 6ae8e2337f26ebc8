import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type CatalogContext } from '../../../src/catalog/cataloger.js';
import { parseConanfileTxt, parseConanLock, parseConanRef } from '../../../src/catalog/conan/conan.js';
import { conanCataloger } from '../../../src/catalog/conan/index.js';
import type { Package } from '../../../src/sbom/model.js';
import { osvQueryOf } from '../../../src/vuln/osv/ecosystems.js';
import { FIXTURES } from '../../helpers/paths.js';
import { catalogFiles } from './lang-support.js';

const peer = (rel: string): Buffer => readFileSync(join(FIXTURES, 'catalog', 'peers', rel));

describe('conan-cataloger', () => {
  it('Conan 1 lock: the graph gives depends-on relationships; the consumer node is no package', async () => {
    const r = await catalogFiles([conanCataloger], [{ path: '/src/conan.lock', content: peer('syft/cpp/conan.lock') }]);
    const label = new Map(r.packages.map((p) => [p.id, p.name]));
    expect(r.relationships.map((x) => `${label.get(x.from)} -> ${label.get(x.to)}`).sort()).toEqual(['boost -> bzip2', 'boost -> libbacktrace', 'boost -> zlib', 'mfast -> boost', 'mfast -> tinyxml2']);
    expect(r.packages.find((p) => p.name === 'zlib')?.metadata).toMatchObject({ recipeRevision: 'c67ce17f2e96b972d42393ce50a76a1a' });
    expect(r.incomplete).toEqual([]);
  });

  it('a build-context node and build/python requires are marked dev', async () => {
    const lock = JSON.stringify({ graph_lock: { nodes: { '0': { requires: ['1'], build_requires: ['2'] }, '1': { ref: 'fmt/10.2.1', context: 'host' }, '2': { ref: 'cmake/3.28.1', context: 'build' } } }, version: '0.4' });
    const r = await catalogFiles([conanCataloger], [{ path: '/a/conan.lock', content: Buffer.from(lock) }]);
    expect(r.packages.map((p) => `${p.name} ${p.metadata?.dev === true}`).sort()).toEqual(['cmake true', 'fmt false']);
  });

  it('conanfile.txt: pinned references of every requires section; ranges are warnings', async () => {
    const txt = '[requires]\nzlib/1.3.1\nboost/[>=1.80 <2]\n\n[tool_requires]\ncmake/3.28.1 # the build tool\n\n[options]\nzlib/*:shared=True\n';
    const r = await catalogFiles([conanCataloger], [{ path: '/a/conanfile.txt', content: Buffer.from(txt) }]);
    expect(r.packages.map((p) => `${p.purl}${p.metadata?.dev === true ? ' (dev)' : ''}`).sort()).toEqual(['pkg:conan/cmake@3.28.1 (dev)', 'pkg:conan/zlib@1.3.1']);
    expect(r.warnings.join('\n')).toMatch(/line 3 "boost\/\[>=1.80 <2\]" in \[requires\] not reported: version range/);
  });

  it('a lock with neither form is incomplete', async () => {
    const r = await catalogFiles([conanCataloger], [{ path: '/a/conan.lock', content: Buffer.from('{"version": "0.5"}') }]);
    expect(r.incomplete.map((i) => i.reason)).toEqual(['conan.lock has neither graph_lock.nodes (Conan 1) nor requires lists (Conan 2)']);
  });

  it('references', () => {
    expect(parseConanRef('spdlog/1.9.2@my_user/my_channel#1234567%%987654')).toEqual({ name: 'spdlog', version: '1.9.2', user: 'my_user', channel: 'my_channel', recipeRevision: '1234567' });
    expect(parseConanRef('zlib/1.2.13#abc:pkgid#prev%1700000000.1')).toEqual({ name: 'zlib', version: '1.2.13', recipeRevision: 'abc' });
    expect(parseConanRef('wrong/ref/format')).toHaveProperty('error');
    expect(parseConanRef('conanfile.txt')).toHaveProperty('error');
  });

  it('OSV ConanCenter only for references without user and channel', () => {
    const pkg = (purl: string): Package => ({ id: 'x', name: 'zlib', version: '1.2.12', type: 'conan', purl, licenses: [], locations: [], foundBy: [] });
    expect(osvQueryOf(pkg('pkg:conan/zlib@1.2.12'), undefined)).toEqual({ family: 'ConanCenter', ordering: 'conan', name: 'zlib', version: '1.2.12' });
    expect(osvQueryOf(pkg('pkg:conan/my_user/zlib@1.2.12?channel=stable'), undefined)).toBeUndefined();
  });

  it('never throws on hostile input, except a JSON error for a lock (property)', () => {
    const ctx: CatalogContext = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const ref = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('zlib/1.2.3', 'a/b@c/d#e:f#g%h', '/', '@', '#', 'x/[>1]'));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 1024 }).map((a) => Buffer.from(a)),
          fc.jsonValue({ maxDepth: 5 }).map((v) => Buffer.from(JSON.stringify(v))),
          fc.record({ requires: fc.array(ref, { maxLength: 8 }), build_requires: fc.anything() }, { requiredKeys: [] }).map((v) => Buffer.from(JSON.stringify(v))),
          fc.dictionary(fc.string({ maxLength: 3 }), fc.record({ ref, requires: fc.array(fc.string({ maxLength: 3 }), { maxLength: 5 }), context: fc.string() }, { requiredKeys: [] }), { maxKeys: 10 }).map((nodes) => Buffer.from(JSON.stringify({ graph_lock: { nodes } }))),
        ),
        (bytes) => {
          const check = (r: { packages: Package[] }): void => {
            for (const p of r.packages) {
              expect(p.name).not.toMatch(/^$|[\s/@#]/);
              expect(p.version).not.toMatch(/^$|\s/);
            }
          };
          check(parseConanfileTxt({ location: { path: '/a/conanfile.txt' }, contents: Buffer.concat([Buffer.from('[requires]\n'), bytes]) }, ctx));
          try {
            check(parseConanLock({ location: { path: '/a/conan.lock' }, contents: bytes }, ctx));
          } catch (err) {
            expect((err as Error).message).toMatch(/^invalid JSON/);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
