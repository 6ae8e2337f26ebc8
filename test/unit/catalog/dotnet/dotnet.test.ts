import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { dotnetRuntimeCpe, parseDepsJson } from '../../../../src/catalog/dotnet/deps-json.js';
import { dotnetDepsCataloger, dotnetPackagesLockCataloger } from '../../../../src/catalog/dotnet/index.js';
import { parsePackagesLock } from '../../../../src/catalog/dotnet/packages-lock.js';
import { catalogFiles, find, fixture, summarize } from '../lang-support.js';

describe('dotnet-deps-cataloger', () => {
  it('NuGet packages and the project (marked), SHA-512, relationships', async () => {
    const r = await catalogFiles([dotnetDepsCataloger], [{ path: '/app/app.deps.json', content: fixture('dotnet/app.deps.json') }]);
    expect(r.packages.map((p) => `${p.purl}${p.metadata?.project ? ` (${String(p.metadata.project)})` : ''}`).sort()).toEqual(['pkg:nuget/Newtonsoft.Json@13.0.1', 'pkg:nuget/Serilog@2.12.0', 'pkg:nuget/app@1.0.0 (root)']);
    expect(find(r, 'Newtonsoft.Json')[0]!.hashes?.['SHA-512']).toMatch(/^a693c5a4/);
    expect(r.relationships).toHaveLength(3);
    await expect(summarize(r)).toMatchFileSnapshot('__golden__/deps-json.txt');
  });

  it('self-contained app: runtimepack libraries are the .NET and ASP.NET Core runtime packages, with their CPEs; a package the framework provides is not reported', async () => {
    const r = await catalogFiles([dotnetDepsCataloger], [{ path: '/app/billing.deps.json', content: fixture('dotnet/self-contained/billing.deps.json') }]);
    expect(r.packages.filter((p) => p.metadata?.project === 'root').map((p) => p.name)).toEqual(['billing']);
    expect(r.packages.filter((p) => p.metadata?.project === undefined).map((p) => `${p.purl} ${(p.cpes ?? []).join(' ')}`.trim()).sort()).toEqual([
      'pkg:nuget/Microsoft.AspNetCore.App.Runtime.linux-x64@8.0.14 cpe:2.3:a:microsoft:asp.net_core:8.0.14:*:*:*:*:*:*:*',
      'pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@8.0.14 cpe:2.3:a:microsoft:.net:8.0.14:*:*:*:*:*:*:*',
      'pkg:nuget/Newtonsoft.Json@13.0.3',
      'pkg:nuget/Serilog.AspNetCore@8.0.1',
      'pkg:nuget/Serilog@3.1.1',
    ]);
    expect(find(r, 'Microsoft.NETCore.App.Runtime.linux-x64')[0]!.metadata?.runtimePack).toBe('runtimepack.Microsoft.NETCore.App.Runtime.linux-x64');
    // System.Diagnostics.DiagnosticSource/8.0.0 has no assets in the linux-x64 target: the framework's copy runs
    expect(find(r, 'System.Diagnostics.DiagnosticSource')).toEqual([]);
    expect(r.relationships.map((x) => `${r.packages.find((p) => p.id === x.from)!.name} -> ${r.packages.find((p) => p.id === x.to)!.name}`).filter((x) => !x.startsWith('billing ->'))).toEqual(['Serilog.AspNetCore -> Serilog']);
    expect(r.warnings).toEqual([]);
    await expect(summarize(r)).toMatchFileSnapshot('__golden__/self-contained.txt');
  });

  it('runtime CPEs as syft writes them', () => {
    expect(dotnetRuntimeCpe('Microsoft.NETCore.App.Runtime.win-x64', '10.0.4')).toBe('cpe:2.3:a:microsoft:.net:10.0.4:*:*:*:*:*:*:*');
    expect(dotnetRuntimeCpe('runtimepack.Microsoft.AspNetCore.App.Runtime.linux-musl-x64', '8.0.14')).toBe('cpe:2.3:a:microsoft:asp.net_core:8.0.14:*:*:*:*:*:*:*');
    expect(dotnetRuntimeCpe('Microsoft.NETCore.App', '3.1')).toBe('cpe:2.3:a:microsoft:.net_core:3.1:*:*:*:*:*:*:*');
    expect(dotnetRuntimeCpe('Microsoft.NETCore.App', '8')).toBe('cpe:2.3:a:microsoft:.net:8.0:*:*:*:*:*:*:*');
    expect(dotnetRuntimeCpe('Newtonsoft.Json', '13.0.3')).toBeUndefined();
    expect(dotnetRuntimeCpe('Microsoft.NETCore.App', '8.0.0-preview.1')).toBeUndefined();
  });

  it('packages.lock.json: Direct, Transitive and CentralTransitive packages once across target frameworks; Project entries are not packages', async () => {
    const lock = JSON.stringify({
      version: 2,
      dependencies: {
        'net8.0': {
          Serilog: { type: 'Direct', requested: '[3.1.1, )', resolved: '3.1.1', contentHash: 'abc' },
          'Newtonsoft.Json': { type: 'CentralTransitive', requested: '[13.0.3, )', resolved: '13.0.3' },
          'My.Shared': { type: 'Project', dependencies: { Serilog: '[3.1.1, )' } },
          Broken: { type: 'Transitive' },
        },
        'net6.0': { Serilog: { type: 'Direct', requested: '[3.1.1, )', resolved: '3.1.1', dependencies: { 'Newtonsoft.Json': '13.0.3' } } },
      },
    });
    const r = await catalogFiles([dotnetPackagesLockCataloger], [{ path: '/src/app/packages.lock.json', content: lock }]);
    expect(r.packages.map((p) => `${p.purl} ${String(p.metadata?.dependencyType)}`).sort()).toEqual(['pkg:nuget/Newtonsoft.Json@13.0.3 CentralTransitive', 'pkg:nuget/Serilog@3.1.1 Direct']);
    expect(r.relationships).toHaveLength(1);
    expect(r.incomplete.map((i) => i.reason)).toEqual(['packages.lock.json net8.0 entry "Broken" has no resolved version; skipped']);
  });

  it('hostile JSON (fast-check)', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          parseDepsJson({ location: { path: '/x' }, contents: Buffer.from(JSON.stringify({ libraries: v, targets: v, runtimeTarget: v })) }, ctx);
          parsePackagesLock({ location: { path: '/x' }, contents: Buffer.from(JSON.stringify({ dependencies: { a: v, b: { c: v } } })) }, ctx);
        } catch (err) {
          expect(err).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 300 },
    );
  });
});
