import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { dotnetDepsCataloger, dotnetPortableExecutableCataloger } from '../../../../src/catalog/dotnet/index.js';
import { assemblyName, assemblyVersion, parsePortableExecutable } from '../../../../src/catalog/dotnet/pe.js';
import { parseVersionResource, readPeVersionInfo, type PeVersionInfo } from '../../../../src/catalog/dotnet/pe-resources.js';
import { bufferSource } from '../../../../src/catalog/go/elf.js';
import { FIXTURES } from '../../../helpers/paths.js';
import { catalogFiles } from '../lang-support.js';

const dll = readFileSync(join(FIXTURES, 'catalog', 'dotnet', 'pe', 'System.Json.dll'));

/** The file with its CLR data directory (index 14) set to `rva`/`size` (zero: a native PE file with the same version resource). */
function withClrDirectory(b: Buffer, rva: number, size: number): Buffer {
  const c = Buffer.from(b);
  const pe = c.readUInt32LE(0x3c);
  const magic = c.readUInt16LE(pe + 24);
  const dirs = pe + 24 + (magic === 0x20b ? 112 : 96);
  c.writeUInt32LE(rva, dirs + 14 * 8);
  c.writeUInt32LE(size, dirs + 14 * 8 + 4);
  return c;
}
const withoutClr = (b: Buffer): Buffer => withClrDirectory(b, 0, 0);

describe('dotnet-portable-executable-cataloger', () => {
  it("a real assembly (Debian's Mono System.Json.dll): CLR evidence, the version resource's strings, pkg:nuget as syft names it", async () => {
    const info = readPeVersionInfo(bufferSource(dll));
    expect(info?.clr).toEqual({ major: 2, minor: 5 });
    expect(info?.fixedFileVersion).toBe('4.6.57.0');
    expect(info?.strings).toMatchObject({ CompanyName: 'Mono development team', ProductName: 'Mono Common Language Infrastructure', FileVersion: '4.6.57.0', ProductVersion: '4.6.57.0', InternalName: 'System.Json', OriginalFilename: 'System.Json.dll' });
    const r = await catalogFiles([dotnetPortableExecutableCataloger], [{ path: '/usr/lib/mono/4.5/System.Json.dll', content: dll }]);
    expect(r.packages.map((p) => [p.name, p.version, p.type, p.purl])).toEqual([['Mono Common Language Infrastructure', '4.6.57.0', 'dotnet', 'pkg:nuget/Mono%20Common%20Language%20Infrastructure@4.6.57.0']]);
    expect(r.packages[0]?.metadata).toMatchObject({ companyName: 'Mono development team', internalName: 'System.Json', clrVersion: '2.5' });
  });

  it('no CLR header: a native PE file, no package; not a PE file: no package, no warning', async () => {
    const r = await catalogFiles([dotnetPortableExecutableCataloger], [
      { path: '/w/native.dll', content: withoutClr(dll) },
      { path: '/w/text.dll', content: Buffer.from('not a PE file at all') },
      { path: '/w/MZ.exe', content: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(100)]) },
    ]);
    expect(r.packages).toEqual([]);
    expect(r.incomplete).toEqual([]);
  });

  it('a CLR header the PE headers name but the file does not hold: whether it is .NET is unknown, so the file is incomplete', async () => {
    const r = await catalogFiles([dotnetPortableExecutableCataloger], [{ path: '/w/cut.dll', content: withClrDirectory(dll, 0x7fff0000, 72) }]);
    expect(r.packages).toEqual([]);
    expect(r.incomplete.map((i) => i.path)).toEqual(['/w/cut.dll']);
    expect(r.incomplete[0]?.reason).toMatch(/CLR header/);
  });

  it('an assembly the .deps.json beside it deploys is its package, not reported again; one it does not list is', async () => {
    const deps = {
      runtimeTarget: { name: '.NETCoreApp,Version=v8.0' },
      targets: { '.NETCoreApp,Version=v8.0': { 'App/1.0.0': { runtime: { 'App.dll': {} } }, 'System.Json/4.7.1': { runtime: { 'lib/netstandard2.0/System.Json.dll': {} } } } },
      libraries: { 'App/1.0.0': { type: 'project' }, 'System.Json/4.7.1': { type: 'package', path: 'system.json/4.7.1' } },
    };
    const r = await catalogFiles([dotnetDepsCataloger, dotnetPortableExecutableCataloger], [
      { path: '/app/App.deps.json', content: Buffer.from(JSON.stringify(deps)) },
      { path: '/app/System.Json.dll', content: dll },
      { path: '/app/plugins/System.Json.dll', content: dll },
    ]);
    expect(r.packages.map((p) => `${p.purl} ${p.locations[0]?.path}`).sort()).toEqual([
      'pkg:nuget/App@1.0.0 /app/App.deps.json',
      'pkg:nuget/Mono%20Common%20Language%20Infrastructure@4.6.57.0 /app/plugins/System.Json.dll',
      'pkg:nuget/System.Json@4.7.1 /app/App.deps.json',
    ]);
  });

  it("syft's name and version rules: Microsoft's files by FileDescription, build stamps, runtime suffixes, fallbacks", () => {
    expect(assemblyName({ CompanyName: 'Microsoft Corporation', ProductName: 'Microsoft® .NET', FileDescription: 'System.Text.Json' }, '/a/x.dll')).toEqual({ name: 'System.Text.Json' });
    expect(assemblyName({ ProductName: '  Json.NET   (net8.0)' }, '/a/x.dll')).toEqual({ name: 'Json.NET', runtime: 'net8.0' });
    expect(assemblyName({}, '/a/Legacy.Thing.EXE')).toEqual({ name: 'Legacy.Thing' });
    // Microsoft: ProductVersion sharing major.minor with a longer FileVersion (a CI stamp), metadata cut
    expect(assemblyVersion({ CompanyName: 'Microsoft Corporation', ProductVersion: '8.0.14+a1b2c3', FileVersion: '8.0.1425.11118' })).toBe('8.0.14');
    // otherwise the greater of two versions
    expect(assemblyVersion({ ProductVersion: '13.0.1', FileVersion: '13.0.3.27908' })).toBe('13.0.3.27908');
    expect(assemblyVersion({ ProductVersion: '2.0.0', FileVersion: '1.9.9' })).toBe('2.0.0');
    // words after the version are dropped; a product version that is not a version loses to a file version with punctuation
    expect(assemblyVersion({ ProductVersion: '4.6.57.0 built by: CI', FileVersion: '4.6.57.0' })).toBe('4.6.57.0');
    expect(assemblyVersion({ ProductVersion: 'Release 5', FileVersion: '5.1.2' })).toBe('5.1.2');
    expect(assemblyVersion({}, '1.2.3.4')).toBe('1.2.3.4');
    expect(assemblyVersion({})).toBe('');
  });

  it('hostile input (fast-check): mutated headers, directories and version resources never throw', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const pe = dll.readUInt32LE(0x3c);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: dll.length - 1 }), fc.nat({ max: 255 })), { minLength: 1, maxLength: 40 }), fc.nat({ max: 4096 }), (edits, hot) => {
        const b = Buffer.from(dll);
        for (const [at, v] of edits) b[at] = v;
        // also hit the headers and the resource area hard
        for (const [, v] of edits) b[(pe + hot) % b.length] = v;
        const r = parsePortableExecutable({ location: { path: '/x.dll' }, file: bufferSource(b) }, ctx);
        expect(Array.isArray(r.packages)).toBe(true);
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const out: PeVersionInfo = { strings: {}, resourceNames: [] };
        parseVersionResource(Buffer.from(bytes), out);
        expect(typeof out.strings).toBe('object');
        expect(readPeVersionInfo(bufferSource(Buffer.concat([Buffer.from('MZ'), Buffer.from(bytes)])))).toSatisfy((v) => v === undefined || typeof v === 'object');
      }),
      { numRuns: 300 },
    );
  });
});
