import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { parseDepsJson } from '../../../../src/catalog/dotnet/deps-json.js';
import { dotnetDepsCataloger } from '../../../../src/catalog/dotnet/index.js';
import { catalogFiles, find, fixture, summarize } from '../lang-support.js';

describe('dotnet-deps-cataloger', () => {
  it('NuGet packages (not the project), SHA-512, relationships', async () => {
    const r = await catalogFiles([dotnetDepsCataloger], [{ path: '/app/app.deps.json', content: fixture('dotnet/app.deps.json') }]);
    expect(r.packages.map((p) => p.purl).sort()).toEqual(['pkg:nuget/Newtonsoft.Json@13.0.1', 'pkg:nuget/Serilog@2.12.0']);
    expect(find(r, 'Newtonsoft.Json')[0]!.hashes?.['SHA-512']).toMatch(/^a693c5a4/);
    expect(r.relationships).toHaveLength(1);
    await expect(summarize(r)).toMatchFileSnapshot('__golden__/deps-json.txt');
  });

  it('hostile JSON (fast-check)', () => {
    const ctx = { warn: () => {}, limits: DEFAULT_LIMITS };
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          parseDepsJson({ location: { path: '/x' }, contents: Buffer.from(JSON.stringify({ libraries: v, targets: v })) }, ctx);
        } catch (err) {
          expect(err).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 300 },
    );
  });
});
