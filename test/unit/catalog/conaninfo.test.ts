import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../src/catalog/cataloger.js';
import { conanInfoCataloger } from '../../../src/catalog/conan/index.js';
import { parseConaninfo } from '../../../src/catalog/conan/conaninfo.js';
import { FIXTURES } from '../../helpers/paths.js';
import { catalogFiles } from './lang-support.js';

const MFAST = 'conaninfo/mfast/1.2.2/my_user/my_channel/package/9d1f076b471417647c2022a78d5e2c1f834289ac/conaninfo.txt';

describe('conan-info-cataloger', () => {
  it('the package named by the cache path, its full requires, depends-on each; recipe hash and package ids in metadata', async () => {
    const r = await catalogFiles([conanInfoCataloger], [{ path: `/home/u/.conan/data/${MFAST.slice('conaninfo/'.length)}`, content: readFileSync(join(FIXTURES, 'catalog', 'peers', 'syft/cpp', MFAST)) }]);
    const main = r.packages.find((p) => p.name === 'mfast')!;
    expect(main).toMatchObject({ version: '1.2.2', type: 'conan', purl: 'pkg:conan/my_user/mfast@1.2.2?channel=my_channel', metadata: { recipeHash: 'c6f6387c9b99780f0ee05e25f99d0f39', packageId: '9d1f076b471417647c2022a78d5e2c1f834289ac' } });
    const name = new Map(r.packages.map((p) => [p.id, p.name]));
    expect(r.relationships.filter((x) => x.from === main.id).map((x) => name.get(x.to)).sort()).toEqual(['boost', 'bzip2', 'libbacktrace', 'tinyxml2', 'zlib']);
    expect(r.packages.find((p) => p.name === 'zlib')!.metadata).toEqual({ packageId: 'dfbe50feef7f3c6223a476cd5aeadb687084a646' });
    expect(r.incomplete).toEqual([]);
  });

  it('_ for no user or channel; outside the cache layout only the requires (a warning); a bad require incomplete; no section incomplete', async () => {
    const info = '[requires]\n    zlib/1.2.Z\n\n[full_requires]\n    zlib/1.2.13:abcdef0\n    not a ref\n';
    const r = await catalogFiles([conanInfoCataloger], [
      { path: '/c/data/openssl/3.0.0/_/_/package/0123abc/conaninfo.txt', content: Buffer.from(info) },
      { path: '/build/conaninfo.txt', content: Buffer.from('[full_requires]\n  fmt/10.0.0@acme/stable\n') },
      { path: '/x/conaninfo.txt', content: Buffer.from('just text\n') },
    ]);
    expect(r.packages.map((p) => p.purl).sort()).toEqual(['pkg:conan/acme/fmt@10.0.0?channel=stable', 'pkg:conan/openssl@3.0.0', 'pkg:conan/zlib@1.2.13']);
    expect(r.warnings.join('\n')).toMatch(/\/build\/conaninfo\.txt: conaninfo\.txt outside the Conan cache layout/);
    expect(r.incomplete.map((i) => `${i.path}: ${i.reason}`).sort()).toEqual([
      '/c/data/openssl/3.0.0/_/_/package/0123abc/conaninfo.txt: conaninfo.txt full requires not read: line 6 "not a ref" (not name/version)',
      expect.stringMatching(/^\/x\/conaninfo\.txt: .*no \[section\]/),
    ]);
  });

  it('hostile input (fast-check): a result or a thrown Error', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const run = (path: string, s: string): void => {
      try {
        expect(Array.isArray(parseConaninfo({ location: { path }, contents: Buffer.from(s) }, ctx).packages)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    };
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        run('/conaninfo.txt', a);
        run(`/d/${a}/${b}/_/_/package/${b}/conaninfo.txt`, `[full_requires]\n${a}\n${b}/${a}:${b}\n[recipe_hash]\n${b}\n`);
      }),
      { numRuns: 300 },
    );
  });
});
