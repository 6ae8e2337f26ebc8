/**
 * syft's binary classifiers end to end through the built CLI: `custody sbom generate dir:…` over a tree
 * holding a few of syft's snippets of real binaries installed under /usr/local, the purls and CPEs in
 * CycloneDX JSON, and `sbom convert` to SPDX JSON and back keeping them. Runtimes are found wherever they
 * are (a MySQL client at /app/mysql), as syft's globs look; a script named like a program gives nothing.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sbom } from '../../src/sbom/model.js';
import { FIXTURES } from '../helpers/paths.js';
import { runBuilt } from '../helpers/run-cli.js';

let root: string;
const snippet = (p: string): string => join(FIXTURES, 'catalog', 'peers', 'syft', 'binary', p);

function put(rel: string, from: string | Buffer): void {
  const to = join(root, rel);
  mkdirSync(dirname(to), { recursive: true });
  if (typeof from === 'string') copyFileSync(from, to);
  else writeFileSync(to, from);
}

/** purl → CPEs, as syft's classifiers give them */
const EXPECTED: Record<string, string[]> = {
  'pkg:generic/erlang@26.1.2': ['cpe:2.3:a:erlang:erlang\\/otp:26.1.2:*:*:*:*:*:*:*'],
  'pkg:generic/haproxy@2.7.3': ['cpe:2.3:a:haproxy:haproxy:2.7.3:*:*:*:*:*:*:*'],
  'pkg:generic/haskell/ghc@9.6.5': ['cpe:2.3:a:haskell:ghc:9.6.5:*:*:*:*:*:*:*'],
  'pkg:generic/istio@1.26.8': ['cpe:2.3:a:istio:istio:1.26.8:*:*:*:*:*:*:*'],
  'pkg:generic/mysql-cluster@7.6.17': ['cpe:2.3:a:oracle:mysql_cluster:7.6.17:*:*:*:*:*:*:*'],
  'pkg:generic/mysql@8.0.37': ['cpe:2.3:a:oracle:mysql:8.0.37:*:*:*:*:*:*:*'],
  'pkg:generic/mysql-server@5.7.33': ['cpe:2.3:a:oracle:mysql:5.7.33:*:*:*:*:*:*:*', 'cpe:2.3:a:oracle:mysql_server:5.7.33:*:*:*:*:*:*:*'],
  'pkg:github/fluent/fluent-bit@3.0.2': ['cpe:2.3:a:treasuredata:fluent_bit:3.0.2:*:*:*:*:*:*:*'],
  'pkg:golang/helm.sh/helm@3.11.1': ['cpe:2.3:a:helm:helm:3.11.1:*:*:*:*:*:*:*'],
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'custody-e2e-bin-syft-'));
  put('usr/local/bin/haproxy', snippet('haproxy/2.7.3/linux-amd64/haproxy'));
  put('usr/local/bin/helm', snippet('helm/3.11.1/linux-amd64/helm'));
  put('usr/local/bin/fluent-bit', snippet('fluent-bit/3.0.2/linux-amd64/fluent-bit'));
  put('usr/local/bin/pilot-discovery', snippet('istio_pilot-discovery/1.26.8/linux-amd64/pilot-discovery'));
  put('usr/local/mysql/bin/mysqld', snippet('mysql-cluster/7.6.17/linux-amd64/mysqld'));
  put('usr/local/lib/erlang/erts-14.1.1/bin/beam.smp', snippet('erlang/26.1.2/linux-arm64/beam.smp'));
  put('opt/ghc/bin/ghc-9.6.5', snippet('haskell-ghc/9.6.5/linux-amd64/ghc-9.6.5'));
  // outside any bin directory, as an application image may copy it
  put('app/mysql', readFileSync(snippet('mysql/8.0.37/linux-amd64/mysql')));
  // an init script named like a program, without a version string: nothing
  put('etc/init.d/haproxy', Buffer.from('#!/bin/sh\n# haproxy init script\nexec /usr/local/bin/haproxy -f /etc/haproxy.cfg\n'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("custody sbom generate: syft's binary classifiers (e2e)", () => {
  it('writes their purls and CPEs to CycloneDX JSON, and sbom convert to SPDX JSON and back keeps them', async () => {
    const cdx = join(root, 'out.cdx.json');
    const r = await runBuilt(['sbom', 'generate', `dir:${root}`, '-o', `cyclonedx-json=${cdx}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/incomplete|error/i);
    const bom = JSON.parse(readFileSync(cdx, 'utf8')) as { components: { purl?: string; cpe?: string; properties?: { name: string; value: string }[] }[] };
    const purls = bom.components.map((c) => c.purl).filter((p) => p !== undefined).sort();
    expect(purls).toEqual(Object.keys(EXPECTED).sort());
    for (const c of bom.components) {
      const all = [c.cpe, ...(c.properties ?? []).filter((x) => x.name === 'syft:cpe23' || x.name === 'custody:cpe').map((x) => x.value)].filter((x) => x !== undefined);
      expect(all.sort(), c.purl).toEqual([...EXPECTED[c.purl!]!].sort());
    }

    const spdx = join(root, 'out.spdx.json');
    const c1 = await runBuilt(['sbom', 'convert', cdx, '-o', 'spdx-json', '--file', spdx]);
    expect(c1.code, c1.stderr).toBe(0);
    const back = join(root, 'back.json');
    const c2 = await runBuilt(['sbom', 'convert', spdx, '-o', 'json', '--file', back]);
    expect(c2.code, c2.stderr).toBe(0);
    const sbom = JSON.parse(readFileSync(back, 'utf8')) as Sbom;
    expect(sbom.packages.map((p) => p.purl).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const p of sbom.packages) expect([...(p.cpes ?? [])].sort(), p.purl).toEqual([...EXPECTED[p.purl!]!].sort());
  });
});
