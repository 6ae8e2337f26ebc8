/**
 * `custody sbom generate dir:…` over GitHub Actions workflows, Terraform lock files, OTP `.app` files,
 * pubspec.yaml, Conan's conaninfo.txt and rockspecs (the peers' own fixtures): the purls reach CycloneDX JSON,
 * and `sbom convert` to SPDX JSON, CycloneDX XML and back keeps them and their package types.
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
const TREE: readonly { from: string; to: string; purls: string[]; unpurled?: string[] }[] = [
  {
    from: 'syft/githubactions/call-shared-workflow.yaml',
    to: 'repo/.github/workflows/ci.yml',
    purls: ['pkg:github/actions/checkout@v4', 'pkg:github/octo-org/another-repo@v1#.github/workflows/workflow.yml', 'pkg:github/octo-org/this-repo@172239021f7ba04fe7327647b213799853a9eb89#.github/workflows/workflow-1.yml'],
    // the local reusable workflow is the repository's own: reported by its path, without a version or purl
    unpurled: ['./.github/workflows/workflow-2.yml@'],
  },
  {
    from: 'syft/githubactions/composite-action.yaml',
    to: 'repo/.github/actions/bootstrap/action.yaml',
    purls: ['pkg:github/actions/cache@v3', 'pkg:github/actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683', 'pkg:github/actions/setup-go@41dfa10bad2bb2ae585af6ee5bb4d7d973ad74ed', 'pkg:github/actions/setup-go@v4'],
  },
  {
    from: 'syft/terraform/two-providers/.terraform.lock.hcl',
    to: 'repo/infra/.terraform.lock.hcl',
    purls: [],
    // no purl type for Terraform providers yet: name@version, with the package type, must survive
    unpurled: ['registry.terraform.io/hashicorp/aws@5.72.1', 'registry.terraform.io/hashicorp/google@6.8.0'],
  },
  { from: 'syft/erlang/rabbitmq.app', to: 'repo/rel/lib/rabbit-3.12.10/ebin/rabbit.app', purls: ['pkg:hex/rabbit@3.12.10'] },
  { from: 'syft/dart/pubspecs/appainter.pubspec.yaml', to: 'repo/app/pubspec.yaml', purls: ['pkg:pub/appainter@2.4.8'] },
  {
    from: 'syft/cpp/conaninfo/mfast/1.2.2/my_user/my_channel/package/9d1f076b471417647c2022a78d5e2c1f834289ac/conaninfo.txt',
    to: 'conan-cache/data/mfast/1.2.2/my_user/my_channel/package/9d1f076b471417647c2022a78d5e2c1f834289ac/conaninfo.txt',
    purls: ['pkg:conan/boost@1.75.0', 'pkg:conan/bzip2@1.0.8', 'pkg:conan/libbacktrace@cci.20210118', 'pkg:conan/my_user/mfast@1.2.2?channel=my_channel', 'pkg:conan/tinyxml2@9.0.0', 'pkg:conan/zlib@1.2.13'],
  },
  { from: 'syft/lua/rockspec/luasyslog-2.0.1-1.rockspec', to: 'repo/lua/luasyslog-2.0.1-1.rockspec', purls: ['pkg:luarocks/luasyslog@2.0.1-1'] },
  { from: 'syft/lua/rockspec/lpeg-1.0.2-1.rockspec', to: 'repo/lua/lpeg-1.0.2-1.rockspec', purls: ['pkg:luarocks/LPeg@1.0.2-1'] },
];
const TYPES = ['github-action', 'terraform', 'hex', 'dart-pub', 'conan', 'lua-rocks'];
const CATALOGERS = ['github-actions-usage-cataloger', 'terraform-lock-cataloger', 'erlang-otp-application-cataloger', 'dart-pubspec-cataloger', 'conan-info-cataloger', 'lua-rock-cataloger'];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'custody-e2e-eco-m2-'));
  work = mkdtempSync(join(tmpdir(), 'custody-e2e-eco-m2-out-'));
  plantPeerFixtures(root, TREE);
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('custody sbom generate: GitHub Actions, Terraform, OTP .app, pubspec.yaml, conaninfo.txt, rockspec (e2e)', () => {
  it('CycloneDX JSON carries every purl; SPDX JSON, CycloneDX XML and back again keep them and the package types', async () => {
    const want = TREE.flatMap((t) => t.purls).sort();
    const unpurled = TREE.flatMap((t) => t.unpurled ?? []).sort();
    const r = await formatRoundTrip(root, work);
    expectPurlsKept(r, want, unpurled);
    // custody's own JSON keeps the package types: from CycloneDX (custody:type) all of them; from SPDX those
    // with a purl (SPDX 2.3 says a package's kind only through its purl, and a Terraform provider has none)
    const fromCdx = await runBuilt(['sbom', 'convert', r.xmlFile, '-o', 'json']);
    expect(fromCdx.code, fromCdx.stderr).toBe(0);
    expect(typesOf(JSON.parse(fromCdx.stdout) as { packages: { type: string }[] })).toEqual([...TYPES].sort());
    expect(typesOf(r.model)).toEqual([...TYPES.filter((t) => t !== 'terraform'), ...(unpurled.length > 0 ? ['unknown'] : [])].sort());
    for (const c of CATALOGERS) expect(r.cdxText).toContain(c);
  });
});
