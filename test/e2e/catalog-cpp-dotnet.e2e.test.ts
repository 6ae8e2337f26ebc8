/**
 * `custody sbom generate dir:…` over vcpkg manifests (with their vcpkg-configuration.json), LibMan's
 * libman.json (the peers' own fixtures) and a .NET assembly (Debian's Mono System.Json.dll), once alone and
 * once deployed by a .deps.json beside it: the purls reach CycloneDX JSON, and `sbom convert` to SPDX JSON,
 * CycloneDX XML and back keeps them and their package types.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPurlsKept, formatRoundTrip, plantPeerFixtures } from '../helpers/format-round-trip.js';
import { FIXTURES } from '../helpers/paths.js';

let root: string;
let work: string;

/** Where each peer fixture goes in the tree, and the purls custody reports from it. */
const TREE: readonly { from: string; to: string; purls: string[] }[] = [
  { from: 'syft/cpp/vcpkg/helloworld/vcpkg.json', to: 'src/hello/vcpkg.json', purls: ['pkg:vcpkg/hello@0.1.0'] },
  { from: 'syft/cpp/vcpkg/helloworld/vcpkg-configuration.json', to: 'src/hello/vcpkg-configuration.json', purls: [] },
  { from: 'syft/cpp/glob-paths/somewhere/src/vcpkg.json', to: 'src/empty/vcpkg.json', purls: [] },
  { from: 'syft/dotnet/image-net6-asp-libman/src/libman.json', to: 'src/web/libman.json', purls: ['pkg:npm/jquery@3.3.1'] },
];
/** The assembly alone (reported from its version resource) and deployed by an app's .deps.json (that file's package only). */
const ASSEMBLY_PURLS = ['pkg:nuget/Mono%20Common%20Language%20Infrastructure@4.6.57.0', 'pkg:nuget/App@1.0.0', 'pkg:nuget/System.Json@4.7.1'];
const DEPS = {
  runtimeTarget: { name: '.NETCoreApp,Version=v8.0' },
  targets: { '.NETCoreApp,Version=v8.0': { 'App/1.0.0': { runtime: { 'App.dll': {} } }, 'System.Json/4.7.1': { runtime: { 'lib/netstandard2.0/System.Json.dll': {} } } } },
  libraries: { 'App/1.0.0': { type: 'project' }, 'System.Json/4.7.1': { type: 'package', path: 'system.json/4.7.1' } },
};
const TYPES = ['vcpkg', 'npm', 'dotnet'];
const CATALOGERS = ['vcpkg-manifest-cataloger', 'dotnet-libman-cataloger', 'dotnet-portable-executable-cataloger'];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'custody-e2e-cpp-dotnet-'));
  work = mkdtempSync(join(tmpdir(), 'custody-e2e-cpp-dotnet-out-'));
  plantPeerFixtures(root, TREE);
  const dll = join(FIXTURES, 'catalog', 'dotnet', 'pe', 'System.Json.dll');
  mkdirSync(join(root, 'opt', 'tools'), { recursive: true });
  copyFileSync(dll, join(root, 'opt', 'tools', 'System.Json.dll'));
  mkdirSync(join(root, 'app'), { recursive: true });
  copyFileSync(dll, join(root, 'app', 'System.Json.dll'));
  writeFileSync(join(root, 'app', 'App.deps.json'), JSON.stringify(DEPS));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('custody sbom generate: vcpkg manifests, libman.json and .NET assemblies (e2e)', () => {
  it('CycloneDX JSON carries every purl; SPDX JSON, CycloneDX XML and back again keep them and the package types', async () => {
    const want = [...TREE.flatMap((t) => t.purls), ...ASSEMBLY_PURLS].sort();
    const r = await formatRoundTrip(root, work);
    expectPurlsKept(r, want);
    expect([...new Set(r.model.packages.filter((p) => p.purl).map((p) => p.type))].sort()).toEqual([...TYPES].sort());
    for (const c of CATALOGERS) expect(r.cdxText).toContain(c);
    // the vcpkg project keeps its mark and the registry of the configuration beside it
    expect(r.cdxText).toContain('anchore/vcpkg-test-fixture');
  });
});
