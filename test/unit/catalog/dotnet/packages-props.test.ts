import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { dotnetPackagesPropsCataloger } from '../../../../src/catalog/dotnet/index.js';
import { parsePackagesProps } from '../../../../src/catalog/dotnet/packages-props.js';
import { catalogFiles, fixture } from '../lang-support.js';

describe('dotnet-packages-props-cataloger', () => {
  it('Directory.Packages.props: PackageVersion and GlobalPackageReference items of every ItemGroup; [x] is x; a property or a range is a warning', async () => {
    const r = await catalogFiles([dotnetPackagesPropsCataloger], [{ path: '/repo/Directory.Packages.props', content: fixture('dotnet/packages-props/Directory.Packages.props') }]);
    expect(r.packages.map((p) => p.purl).sort()).toEqual([
      'pkg:nuget/AutoMapper@12.0.1',
      'pkg:nuget/Microsoft.Extensions.Logging@8.0.0',
      'pkg:nuget/Polly@8.2.0',
      'pkg:nuget/StyleCop.Analyzers@1.2.0-beta.556',
      'pkg:nuget/System.Text.Json@8.0.4',
    ]);
    expect(r.packages.find((p) => p.name === 'Polly')).toMatchObject({ type: 'dotnet', foundBy: ['dotnet-packages-props-cataloger'], metadata: { item: 'PackageVersion' } });
    expect(r.incomplete).toEqual([]);
    const w = r.warnings.join('\n');
    expect(w).toMatch(/<PackageVersion> "Serilog" version "\$\(SerilogVersion\)" is an MSBuild property custody does not evaluate/);
    expect(w).toMatch(/<PackageVersion> "Dapper" version "\[2\.0,3\.0\)" is a range or floating version, not one version/);
  });

  it('not a <Project> document, not well-formed, or with a DOCTYPE: incomplete', async () => {
    const r = await catalogFiles([dotnetPackagesPropsCataloger], [
      { path: '/a/Directory.Packages.props', content: Buffer.from('<ItemGroup><PackageVersion Include="A" Version="1.0"/></ItemGroup>') },
      { path: '/b/Directory.Packages.props', content: Buffer.from('<Project><ItemGroup><PackageVersion Include="A" Version="1.0"></ItemGroup></Project>') },
      { path: '/c/Directory.Packages.props', content: Buffer.from('<!DOCTYPE Project [<!ENTITY x "y">]><Project/>') },
    ]);
    expect(r.packages).toEqual([]);
    expect(r.incomplete.map((i) => `${i.path} ${i.reason}`).sort()).toEqual([
      expect.stringMatching(/^\/a\/Directory\.Packages\.props Directory\.Packages\.props has no <Project> root element/),
      expect.stringMatching(/^\/b\/Directory\.Packages\.props Directory\.Packages\.props is not well-formed XML/),
      expect.stringMatching(/^\/c\/Directory\.Packages\.props Directory\.Packages\.props declares a DOCTYPE/),
    ]);
  });

  it('names at most ten skipped items per file', () => {
    const warnings: string[] = [];
    const items = Array.from({ length: 14 }, (_, i) => `<PackageVersion Include="P${i}" />`).join('');
    parsePackagesProps({ location: { path: '/Directory.Packages.props' }, contents: Buffer.from(`<Project><ItemGroup>${items}</ItemGroup></Project>`) }, { warn: (m) => warnings.push(m), incomplete: () => {}, limits: DEFAULT_LIMITS });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/"P9" has no version; and 4 more$/);
  });

  it('hostile input (fast-check): only Errors thrown (the runner makes them incomplete), packages always have a name and a version', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const piece = fc.oneof(
      fc.string(),
      fc.constantFrom('<Project>', '</Project>', '<ItemGroup>', '</ItemGroup>', '<PackageVersion ', '<PackageReference ', '<Version>', '</Version>', '/>', '>', 'Include="', 'Update="', 'Version="', '"', '$(', ')', '[', ']', '&lt;', '<!DOCTYPE x>', '<![CDATA[', ']]>', '\uFEFF'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        try {
          const r = parsePackagesProps({ location: { path: '/Directory.Packages.props' }, contents: Buffer.from(parts.join('')) }, ctx);
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
