import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { dotnetPackagesConfigCataloger } from '../../../../src/catalog/dotnet/index.js';
import { parsePackagesConfig } from '../../../../src/catalog/dotnet/packages-config.js';
import { MAX_MSBUILD_XML_BYTES } from '../../../../src/catalog/dotnet/msbuild-xml.js';
import { catalogFiles, fixture } from '../lang-support.js';

const label = (p: { purl?: string; metadata?: Record<string, unknown> }): string => `${p.purl}${p.metadata?.dev === true ? ' (dev)' : ''}`;
const run = (name: string, path = '/src/Web/packages.config') =>
  catalogFiles([dotnetPackagesConfigCataloger], [{ path, content: fixture(`dotnet/packages-config/${name}`) }]);

describe('dotnet-packages-config-cataloger', () => {
  it('one NuGet package per id and version; developmentDependency marks dev (not when also listed without it); no version is a warning', async () => {
    const r = await run('packages.config');
    expect(r.packages.map(label)).toEqual([
      'pkg:nuget/EntityFramework@6.4.4',
      'pkg:nuget/Microsoft.AspNet.Mvc@5.2.9',
      'pkg:nuget/NUnit@3.13.3 (dev)',
      'pkg:nuget/Newtonsoft.Json@13.0.3',
    ]);
    expect(r.packages[0]).toMatchObject({ name: 'EntityFramework', version: '6.4.4', type: 'dotnet', foundBy: ['dotnet-packages-config-cataloger'], metadata: { targetFramework: 'net48' } });
    expect(r.warnings.join('\n')).toMatch(/packages\.config package "Local\.Build\.Tool" has no version; not reported/);
    expect(r.incomplete).toEqual([]);
  });

  it('not well-formed XML: the file is incomplete, nothing reported from it', async () => {
    const r = await run('truncated.config');
    expect(r.packages).toEqual([]);
    expect(r.incomplete.map((i) => [i.path, i.reason])).toEqual([['/src/Web/packages.config', expect.stringMatching(/^packages\.config is not well-formed XML/)]]);
  });

  it('a DOCTYPE declaring entities is refused (never expanded): incomplete', async () => {
    const r = await run('entities.config');
    expect(r.packages).toEqual([]);
    expect(r.incomplete.map((i) => i.reason)).toEqual([expect.stringMatching(/declares a DOCTYPE or XML entities, which custody refuses to expand/)]);
  });

  it('a <package> without an id is incomplete; an empty <packages/> has no packages and loses nothing; another root element is incomplete', async () => {
    const ctx = () => {
      const c = { warnings: [] as string[], incomplete: [] as string[] };
      return { c, ctx: { warn: (m: string) => c.warnings.push(m), incomplete: (m: string) => c.incomplete.push(m), limits: DEFAULT_LIMITS } };
    };
    const a = ctx();
    expect(parsePackagesConfig({ location: { path: '/x' }, contents: Buffer.from('<packages><package version="1.0"/><package id="A" version="1.0"/></packages>') }, a.ctx).packages.map((p) => p.purl)).toEqual(['pkg:nuget/A@1.0']);
    expect(a.c.incomplete).toEqual(['packages.config has 1 <package> element without an id; not read']);
    const b = ctx();
    expect(parsePackagesConfig({ location: { path: '/x' }, contents: Buffer.from('<?xml version="1.0"?>\n<packages />\n') }, b.ctx).packages).toEqual([]);
    expect(b.c).toEqual({ warnings: [], incomplete: [] });
    expect(() => parsePackagesConfig({ location: { path: '/x' }, contents: Buffer.from('<configuration><package id="A" version="1"/></configuration>') }, b.ctx)).toThrow(/no <packages> element/);
  });

  it('a file over the XML size bound is not parsed (incomplete)', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const big = Buffer.alloc(MAX_MSBUILD_XML_BYTES + 1, 0x20);
    expect(() => parsePackagesConfig({ location: { path: '/x' }, contents: big }, ctx)).toThrow(/over the \d+-byte limit/);
  });

  it('hostile input (fast-check): only Errors thrown (the runner makes them incomplete), packages always have id and version', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const piece = fc.oneof(
      fc.string(),
      fc.constantFrom('<packages>', '</packages>', '<package ', '/>', '>', 'id="', 'version="', '"', ' developmentDependency="true"', '<!DOCTYPE x>', '&amp;', '&#x41;', '<![CDATA[', ']]>', '<!--', '-->', '<?xml version="1.0"?>', '\uFEFF'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        try {
          const r = parsePackagesConfig({ location: { path: '/x' }, contents: Buffer.from(parts.join('')) }, ctx);
          for (const p of r.packages) {
            expect(p.name).not.toBe('');
            expect(p.version).not.toBe('');
          }
        } catch (err) {
          expect(err).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 500 },
    );
  });
});
