/**
 * `custody sbom generate dir:…` over the lock files of Dart, Elixir, Erlang, Swift and CocoaPods (the
 * peers' own fixtures): the purls reach CycloneDX JSON, and `sbom convert` to SPDX JSON and back keeps them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPurlsKept, formatRoundTrip, plantPeerFixtures } from '../helpers/format-round-trip.js';

let root: string;
let work: string;

/** Where each peer fixture goes in the tree, and the purls custody reports from it. */
const TREE: readonly { from: string; to: string; purls: string[] }[] = [
  {
    from: 'syft/dart/pubspec_locks/pubspec.lock',
    to: 'srv/flutter-app/pubspec.lock',
    purls: [
      'pkg:pub/ale@3.3.0?hosted_url=pub.hosted.org',
      'pkg:pub/analyzer@0.40.7',
      'pkg:pub/ansicolor@1.1.1',
      'pkg:pub/archive@2.0.13',
      'pkg:pub/args@1.6.0',
      'pkg:pub/flutter@3.24.5',
      'pkg:pub/key_binder@1.11.20?vcs_url=git%40github.com%3AWorkiva%2Fkey_binder.git%403f7b3a6350e73c7dcac45301c0e18fbd42af02f7',
    ],
  },
  {
    from: 'syft/elixir/relationships/mix.lock',
    to: 'srv/phoenix/mix.lock',
    purls: ['pkg:hex/cowboy@2.9.0', 'pkg:hex/cowlib@2.11.0', 'pkg:hex/ranch@1.8.0'],
  },
  {
    from: 'syft/erlang/rebar.lock',
    to: 'srv/erlang-app/rebar.lock',
    purls: ['certifi@2.9.0', 'idna@6.1.1', 'metrics@1.0.1', 'mimerl@1.2.0', 'parse_trans@3.3.1', 'ssl_verify_fun@1.1.6', 'unicode_util_compat@0.7.0'].map((nv) => `pkg:hex/${nv}`),
  },
  {
    from: 'syft/swift/PackageV3.resolved',
    to: 'srv/ios/App.xcworkspace/xcshareddata/swiftpm/Package.resolved',
    purls: ['pkg:swift/github.com/apple/swift-mmio@80c109b87511041338a4d8d88064088c8dfc079b', 'pkg:swift/github.com/apple/swift-syntax@509.1.1'],
  },
  {
    from: 'trivy/swift/cocoapods/happy.lock',
    to: 'srv/ios/Podfile.lock',
    purls: ['pkg:cocoapods/AppCenter@4.2.0', 'pkg:cocoapods/AppCenter@4.2.0#Analytics', 'pkg:cocoapods/AppCenter@4.2.0#Core', 'pkg:cocoapods/AppCenter@4.2.0#Crashes', 'pkg:cocoapods/KeychainAccess@4.2.1'],
  },
];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'custody-e2e-eco-lang-'));
  work = mkdtempSync(join(tmpdir(), 'custody-e2e-eco-lang-out-'));
  plantPeerFixtures(root, TREE);
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('custody sbom generate: Dart, Elixir, Erlang, Swift, CocoaPods lock files (e2e)', () => {
  it('CycloneDX JSON carries every purl; SPDX JSON, CycloneDX XML and back again keep them', async () => {
    const want = TREE.flatMap((t) => t.purls).sort();
    const r = await formatRoundTrip(root, work);
    expectPurlsKept(r, want);
    // custody's own JSON read back from SPDX keeps the package types
    expect([...new Set(r.model.packages.map((p) => p.type))].sort()).toEqual(['cocoapods', 'dart-pub', 'hex', 'swift']);
    for (const c of ['dart-pubspec-lock-cataloger', 'elixir-mix-lock-cataloger', 'erlang-rebar-lock-cataloger', 'swift-package-resolved-cataloger', 'cocoapods-podfile-lock-cataloger']) expect(r.cdxText).toContain(c);
  });
});
