import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { dotnetLibmanCataloger } from '../../../../src/catalog/dotnet/index.js';
import { parseLibmanJson } from '../../../../src/catalog/dotnet/libman.js';
import { FIXTURES } from '../../../helpers/paths.js';
import { catalogFiles } from '../lang-support.js';

describe('dotnet-libman-cataloger', () => {
  it("syft's fixture: the cdnjs library as pkg:npm with its provider and destination; the filesystem one is no package", async () => {
    const r = await catalogFiles([dotnetLibmanCataloger], [
      { path: '/app/libman.json', content: readFileSync(join(FIXTURES, 'catalog', 'peers', 'syft', 'dotnet', 'image-net6-asp-libman', 'src', 'libman.json')) },
    ]);
    expect(r.packages).toHaveLength(1);
    expect(r.packages[0]).toMatchObject({
      name: 'jquery',
      version: '3.3.1',
      type: 'npm',
      purl: 'pkg:npm/jquery@3.3.1',
      foundBy: ['dotnet-libman-cataloger'],
      metadata: { provider: 'cdnjs', destination: 'wwwroot/lib/jquery/' },
    });
    expect(r.warnings).toEqual([]);
  });

  it('scoped names, per-library providers, duplicates once; no version or not an npm name a warning; not JSON incomplete', async () => {
    const doc = {
      defaultProvider: 'unpkg',
      libraries: [
        { library: '@microsoft/signalr@8.0.0', destination: 'wwwroot/lib/signalr' },
        { library: 'bootstrap@5.3.3', provider: 'jsdelivr' },
        { library: 'bootstrap@5.3.3', provider: 'jsdelivr' },
        { library: 'gh/user/repo@1.0' },
        { library: 'nover' },
        { provider: 'filesystem', library: 'C:/vendor' },
        'not an object',
      ],
    };
    const r = await catalogFiles([dotnetLibmanCataloger], [
      { path: '/a/libman.json', content: Buffer.from(JSON.stringify(doc)) },
      { path: '/b/libman.json', content: Buffer.from('{"libraries": [') },
      { path: '/c/libman.json', content: Buffer.from('{"libraries": {}}') },
      { path: '/d/libman.json', content: Buffer.from('{"version": "1.0"}') },
    ]);
    expect(r.packages.map((p) => [p.purl, p.metadata?.provider])).toEqual([
      ['pkg:npm/%40microsoft/signalr@8.0.0', 'unpkg'],
      ['pkg:npm/bootstrap@5.3.3', 'jsdelivr'],
    ]);
    expect(r.warnings.some((w) => w.includes('gh/user/repo@1.0') && w.includes('nover'))).toBe(true);
    expect(r.incomplete.map((i) => i.path).sort()).toEqual(['/b/libman.json', '/c/libman.json']);
  });

  it('hostile input (fast-check): a result or a thrown Error', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const run = (s: string): void => {
      try {
        expect(Array.isArray(parseLibmanJson({ location: { path: '/libman.json' }, contents: Buffer.from(s) }, ctx).packages)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    };
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (v, s) => {
        run(JSON.stringify(v) ?? 'null');
        run(s);
        run(JSON.stringify({ defaultProvider: v, libraries: [{ library: s, provider: v, destination: v }, v, { library: `${s}@${s}` }] }));
      }),
      { numRuns: 300 },
    );
    run(JSON.stringify({ libraries: Array.from({ length: 20_000 }, (_, i) => ({ library: `p${i}@1.0.0` })) }));
  });
});
