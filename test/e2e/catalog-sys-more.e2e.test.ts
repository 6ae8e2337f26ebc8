/**
 * `custody sbom generate dir:…` over Homebrew kegs and taps, a Nix store, snaps (the peers' own fixtures) and a Linux kernel with
 * modules (Debian's): the purls reach
 * CycloneDX JSON, and `sbom convert` to SPDX JSON, CycloneDX XML and back keeps them and their package types.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPurlsKept, formatRoundTrip, plantPeerFixtures, typesOf } from '../helpers/format-round-trip.js';
import { runBuilt } from '../helpers/run-cli.js';

let root: string;
let work: string;

/** Where each peer fixture goes in the tree, and the purls custody reports from it. */
const TREE: readonly { from: string; to: string; purls: string[] }[] = [
  { from: 'syft/homebrew/testdata/install-example/opt/homebrew/Cellar/foo/1.2.3/.brew/foo.rb', to: 'opt/homebrew/Cellar/foo/1.2.3/.brew/foo.rb', purls: ['pkg:brew/foo@1.2.3'] },
  { from: 'syft/homebrew/testdata/install-example/opt/homebrew/Library/Taps/testorg/sometap/Formula/bar.rb', to: 'opt/homebrew/Library/Taps/testorg/sometap/Formula/bar.rb', purls: ['pkg:brew/bar@4.5.6'] },
  { from: 'syft/homebrew/testdata/formulas/syft/1.23.1/.brew/syft.rb', to: 'usr/local/Cellar/syft/1.23.1_1/.brew/syft.rb', purls: ['pkg:brew/syft@1.23.1_1'] },
  // a Nix store object is a directory: the package is named by its path
  { from: 'syft/nix/testdata/fixture-1/nix/store/h0cnbmfcn93xm5dg2x27ixhag1cwndga-glibc-2.34-210-bin/lib/glibc.so', to: 'nix/store/h0cnbmfcn93xm5dg2x27ixhag1cwndga-glibc-2.34-210-bin/lib/glibc.so', purls: ['pkg:nix/glibc@2.34-210?output=bin&outputhash=h0cnbmfcn93xm5dg2x27ixhag1cwndga'] },
  { from: 'syft/nix/testdata/fixture-1/nix/store/h0cnbmfcn93xm5dg2x27ixhag1cwndga-glibc-2.34-210-bin/share/man/glibc.1', to: 'nix/store/h0cnbmfcn93xm5dg2x27ixhag1cwndga-glibc-2.34-210-bin/share/man/glibc.1', purls: [] },
  { from: 'syft/nix/testdata/fixture-1/nix/store/5av396z8xa13jg89g9jws145c0k26k2x-glibc-2.34-210.drv', to: 'nix/store/5av396z8xa13jg89g9jws145c0k26k2x-glibc-2.34-210.drv', purls: [] },
  // snaps: the Debian packages they were built from
  { from: 'syft/snap/testdata/manifest.yaml', to: 'snap/pc/146/snap/manifest.yaml', purls: ['pkg:deb/ubuntu/grub-efi-amd64-signed@1.202+2.12-1ubuntu7?arch=amd64', 'pkg:deb/ubuntu/shim-signed@1.56+15.7-0ubuntu1?arch=amd64'] },
  { from: 'syft/snap/testdata/dpkg.yaml', to: 'snap/core20/2379/usr/share/snappy/dpkg.yaml', purls: ['pkg:deb/ubuntu/adduser@3.118ubuntu2', 'pkg:deb/ubuntu/apparmor@2.13.3-7ubuntu5.3', 'pkg:deb/ubuntu/gcc-10-base@10.5.0-1ubuntu1~20.04?arch=amd64'] },
  // Debian's kernel and modules (fixtures/catalog/kernel/debian: syft's are built by a Dockerfile)
  { from: '../kernel/debian/vmlinuz-6.1.0-57-cloud-amd64.head', to: 'boot/vmlinuz-6.1.0-57-cloud-amd64', purls: ['pkg:generic/linux-kernel@6.1.0-57-cloud-amd64'] },
  { from: '../kernel/debian/crc7.ko', to: 'lib/modules/6.1.0-57-cloud-amd64/kernel/lib/crc7.ko', purls: ['pkg:generic/crc7'] },
  { from: '../kernel/debian/tcp_illinois.ko.gz', to: 'lib/modules/6.1.0-57-cloud-amd64/kernel/net/ipv4/tcp_illinois.ko.gz', purls: ['pkg:generic/tcp_illinois@1.0'] },
];
const TYPES = ['homebrew', 'nix', 'deb', 'linux-kernel', 'linux-kernel-module'];
const CATALOGERS = ['homebrew-cataloger', 'nix-store-cataloger', 'snap-cataloger', 'linux-kernel-cataloger'];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'custody-e2e-sys-more-'));
  work = mkdtempSync(join(tmpdir(), 'custody-e2e-sys-more-out-'));
  plantPeerFixtures(root, TREE);
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('custody sbom generate: Homebrew, Nix store, snaps, Linux kernel and modules (e2e)', () => {
  it('CycloneDX JSON carries every purl; SPDX JSON, CycloneDX XML and back again keep them and the package types', async () => {
    const want = TREE.flatMap((t) => t.purls).sort();
    const r = await formatRoundTrip(root, work);
    expectPurlsKept(r, want);
    // custody's own JSON keeps the package types: from CycloneDX (custody:type) all of them; from SPDX those whose
    // purl says it (SPDX 2.3 says a package's kind only through its purl: pkg:generic kernels come back `unknown`)
    const fromCdx = await runBuilt(['sbom', 'convert', r.xmlFile, '-o', 'json']);
    expect(fromCdx.code, fromCdx.stderr).toBe(0);
    expect(typesOf(JSON.parse(fromCdx.stdout) as { packages: { type: string }[] })).toEqual([...TYPES].sort());
    expect(typesOf(r.model)).toEqual([...TYPES.filter((t) => !t.startsWith('linux-kernel')), 'unknown'].sort());
    const cpes = (JSON.parse(r.cdxText) as { components: { name: string; cpe?: string }[] }).components.filter((c) => c.cpe).map((c) => `${c.name} ${c.cpe}`);
    expect(cpes).toEqual(['linux-kernel cpe:2.3:o:linux:linux_kernel:6.1.0-57-cloud-amd64:*:*:*:*:*:*:*']);
    // the modules depend on the kernel they were built for
    const cdx = JSON.parse(r.cdxText) as { components: { 'bom-ref': string; name: string }[]; dependencies?: { ref: string; dependsOn?: string[] }[] };
    const nameOf = new Map(cdx.components.map((c) => [c['bom-ref'], c.name]));
    const edges = (cdx.dependencies ?? []).flatMap((d) => (d.dependsOn ?? []).map((to) => `${nameOf.get(d.ref)} -> ${nameOf.get(to)}`)).sort();
    expect(edges).toEqual(['crc7 -> linux-kernel', 'tcp_illinois -> linux-kernel']);
    for (const c of CATALOGERS) expect(r.cdxText).toContain(c);
  });
});
