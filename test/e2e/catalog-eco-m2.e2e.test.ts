/**
 * `custody sbom generate dir:…` over GitHub Actions workflows, Terraform lock files, OTP `.app` files,
 * pubspec.yaml, Conan's conaninfo.txt and rockspecs (the peers' own fixtures): the purls reach CycloneDX JSON,
 * and `sbom convert` to SPDX JSON, CycloneDX XML and back keeps them and their package types.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../helpers/paths.js';
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
  for (const t of TREE) {
    const to = join(root, t.to);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(join(FIXTURES, 'catalog', 'peers', t.from), to);
  }
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

const purlsOfCdx = (doc: { components?: { purl?: string }[] }): string[] => (doc.components ?? []).map((c) => c.purl ?? '').filter((p) => p !== '').sort();
const unpurledOfCdx = (doc: { components?: { purl?: string; name: string; version?: string }[] }): string[] =>
  (doc.components ?? []).filter((c) => !c.purl).map((c) => `${c.name}@${c.version ?? ''}`).sort();
const purlsOfSpdx = (doc: { packages?: { externalRefs?: { referenceType: string; referenceLocator: string }[] }[] }): string[] =>
  (doc.packages ?? []).flatMap((p) => (p.externalRefs ?? []).filter((r) => r.referenceType === 'purl').map((r) => r.referenceLocator)).sort();

describe('custody sbom generate: GitHub Actions, Terraform, OTP .app, pubspec.yaml, conaninfo.txt, rockspec (e2e)', () => {
  it('CycloneDX JSON carries every purl; SPDX JSON, CycloneDX XML and back again keep them and the package types', async () => {
    const want = TREE.flatMap((t) => t.purls).sort();
    const unpurled = TREE.flatMap((t) => t.unpurled ?? []).sort();
    const gen = await runBuilt(['sbom', 'generate', `dir:${root}`, '-o', 'cyclonedx-json']);
    expect(gen.code, gen.stderr).toBe(0);
    expect(purlsOfCdx(JSON.parse(gen.stdout) as never)).toEqual(want);
    expect(unpurledOfCdx(JSON.parse(gen.stdout) as never)).toEqual(unpurled);
    const cdx = join(work, 'tree.cdx.json');
    writeFileSync(cdx, gen.stdout);
    const spdx = await runBuilt(['sbom', 'convert', cdx, '-o', 'spdx-json']);
    expect(spdx.code, spdx.stderr).toBe(0);
    expect(purlsOfSpdx(JSON.parse(spdx.stdout) as never)).toEqual(want);
    const spdxFile = join(work, 'tree.spdx.json');
    writeFileSync(spdxFile, spdx.stdout);
    const back = await runBuilt(['sbom', 'convert', spdxFile, '-o', 'cyclonedx-json']);
    expect(back.code, back.stderr).toBe(0);
    expect(purlsOfCdx(JSON.parse(back.stdout) as never)).toEqual(want);
    expect(unpurledOfCdx(JSON.parse(back.stdout) as never)).toEqual(unpurled);
    const xml = await runBuilt(['sbom', 'convert', cdx, '-o', 'cyclonedx-xml']);
    expect(xml.code, xml.stderr).toBe(0);
    const xmlFile = join(work, 'tree.cdx.xml');
    writeFileSync(xmlFile, xml.stdout);
    const fromXml = await runBuilt(['sbom', 'convert', xmlFile, '-o', 'cyclonedx-json']);
    expect(fromXml.code, fromXml.stderr).toBe(0);
    expect(purlsOfCdx(JSON.parse(fromXml.stdout) as never)).toEqual(want);
    expect(unpurledOfCdx(JSON.parse(fromXml.stdout) as never)).toEqual(unpurled);
    // custody's own JSON keeps the package types: from CycloneDX (custody:type) all of them; from SPDX those
    // with a purl (SPDX 2.3 says a package's kind only through its purl, and a Terraform provider has none)
    const typesOf = (out: string): string[] => [...new Set((JSON.parse(out) as { packages: { type: string }[] }).packages.map((p) => p.type))].sort();
    const fromCdx = await runBuilt(['sbom', 'convert', xmlFile, '-o', 'json']);
    expect(fromCdx.code, fromCdx.stderr).toBe(0);
    expect(typesOf(fromCdx.stdout)).toEqual([...TYPES].sort());
    const own = await runBuilt(['sbom', 'convert', spdxFile, '-o', 'json']);
    expect(own.code, own.stderr).toBe(0);
    expect(typesOf(own.stdout)).toEqual([...TYPES.filter((t) => t !== 'terraform'), ...(unpurled.length > 0 ? ['unknown'] : [])].sort());
    for (const c of CATALOGERS) expect(readFileSync(cdx, 'utf8')).toContain(c);
  });
});
