/**
 * `custody sbom generate dir:…` over vcpkg manifests (with their vcpkg-configuration.json) and LibMan's
 * libman.json (the peers' own fixtures): the purls reach CycloneDX JSON, and `sbom convert` to SPDX JSON,
 * CycloneDX XML and back keeps them and their package types.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRoundTrip, plantPeerFixtures, purlsOfCdx, purlsOfSpdx } from '../helpers/format-round-trip.js';

let root: string;
let work: string;

/** Where each peer fixture goes in the tree, and the purls custody reports from it. */
const TREE: readonly { from: string; to: string; purls: string[] }[] = [
  { from: 'syft/cpp/vcpkg/helloworld/vcpkg.json', to: 'src/hello/vcpkg.json', purls: ['pkg:vcpkg/hello@0.1.0'] },
  { from: 'syft/cpp/vcpkg/helloworld/vcpkg-configuration.json', to: 'src/hello/vcpkg-configuration.json', purls: [] },
  { from: 'syft/cpp/glob-paths/somewhere/src/vcpkg.json', to: 'src/empty/vcpkg.json', purls: [] },
  { from: 'syft/dotnet/image-net6-asp-libman/src/libman.json', to: 'src/web/libman.json', purls: ['pkg:npm/jquery@3.3.1'] },
];
const TYPES = ['vcpkg', 'npm'];
const CATALOGERS = ['vcpkg-manifest-cataloger', 'dotnet-libman-cataloger'];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'custody-e2e-cpp-dotnet-'));
  work = mkdtempSync(join(tmpdir(), 'custody-e2e-cpp-dotnet-out-'));
  plantPeerFixtures(root, TREE);
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('custody sbom generate: vcpkg manifests and libman.json (e2e)', () => {
  it('CycloneDX JSON carries every purl; SPDX JSON, CycloneDX XML and back again keep them and the package types', async () => {
    const want = TREE.flatMap((t) => t.purls).sort();
    const r = await formatRoundTrip(root, work);
    expect(purlsOfCdx(r.generated)).toEqual(want);
    expect(purlsOfSpdx(r.spdx)).toEqual(want);
    expect(purlsOfCdx(r.fromSpdx)).toEqual(want);
    expect(purlsOfCdx(r.fromXml)).toEqual(want);
    expect([...new Set(r.model.packages.filter((p) => p.purl).map((p) => p.type))].sort()).toEqual([...TYPES].sort());
    for (const c of CATALOGERS) expect(r.cdxText).toContain(c);
    // the vcpkg project keeps its mark and the registry of the configuration beside it
    expect(r.cdxText).toContain('anchore/vcpkg-test-fixture');
  });
});
