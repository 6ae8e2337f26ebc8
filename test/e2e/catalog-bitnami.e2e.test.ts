/**
 * A Bitnami-style root end to end: the SBOMs Bitnami ships under /opt/bitnami (syft's real testdata), a
 * redis-server binary inside the component's directory and one outside it. `sbom generate` reports the
 * pkg:bitnami packages once each and the binary only where no component owns it; `sbom convert` to SPDX and
 * back keeps them; `scan` matches them against an OSV record of the Bitnami ecosystem on the upstream version.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sbom } from '../../src/sbom/model.js';
import { FIXTURES, GENERATED } from '../helpers/paths.js';
import { runBuilt } from '../helpers/run-cli.js';

let root: string;
let out: string;
const peer = (p: string): string => join(FIXTURES, 'catalog', 'peers', 'syft', 'bitnami', 'testdata', p);

function put(rel: string, from: string | Buffer, mode?: number): void {
  const to = join(root, rel);
  mkdirSync(dirname(to), { recursive: true });
  if (typeof from === 'string') copyFileSync(from, to);
  else writeFileSync(to, from);
  if (mode !== undefined) writeFileSync(to, readFileSync(to), { mode });
}

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'custody-e2e-bitnami-out-'));
  root = mkdtempSync(join(tmpdir(), 'custody-e2e-bitnami-'));
  put('opt/bitnami/postgresql/.spdx-postgresql.spdx', peer('json/opt/bitnami/postgresql/.spdx-postgresql.spdx'));
  put('opt/bitnami/redis/.spdx-redis.spdx', peer('no-rel/opt/bitnami/redis/.spdx-redis.spdx'));
  const redis = join(GENERATED, 'catalog', 'binary', 'redis-7.0.15-debian', 'redis-server');
  put('opt/bitnami/redis/bin/redis-server', redis, 0o755);
  put('usr/local/bin/redis-server', redis, 0o755);
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

describe('custody sbom generate and scan: Bitnami images (e2e)', () => {
  it('pkg:bitnami packages once each, the runtime binary only outside a component; SPDX and back keeps them; OSV Bitnami matches', async () => {
    const cdx = join(out, 'out.cdx.json');
    const r = await runBuilt(['sbom', 'generate', `dir:${root}`, '-o', `cyclonedx-json=${cdx}`]);
    expect(r.code, r.stderr).toBe(0);
    const bom = JSON.parse(readFileSync(cdx, 'utf8')) as { components: { purl?: string; name: string; version?: string }[] };
    const purls = bom.components.map((c) => c.purl ?? '').sort();
    expect(purls.filter((p) => p.startsWith('pkg:bitnami/'))).toHaveLength(17);
    expect(purls).toContain('pkg:bitnami/redis@7.4.0-0?arch=arm64&distro=debian-12');
    expect(purls.filter((p) => !p.startsWith('pkg:bitnami/'))).toEqual(['pkg:generic/redis@7.0.15']);

    const spdx = join(out, 'out.spdx.json');
    expect((await runBuilt(['sbom', 'convert', cdx, '-o', 'spdx-json', '--file', spdx])).code).toBe(0);
    const back = join(out, 'back.json');
    expect((await runBuilt(['sbom', 'convert', spdx, '-o', 'json', '--file', back])).code).toBe(0);
    const sbom = JSON.parse(readFileSync(back, 'utf8')) as Sbom;
    expect(sbom.packages.filter((p) => p.type === 'bitnami').map((p) => p.purl).sort()).toEqual(purls.filter((p) => p.startsWith('pkg:bitnami/')));

    // an OSV record in the Bitnami ecosystem's shape (osv.dev BIT-… records): SEMVER ranges on the upstream version
    const osv = join(out, 'osv');
    mkdirSync(osv);
    writeFileSync(join(osv, 'BIT-postgresql-2025-1094.json'), JSON.stringify({
      schema_version: '1.6.0',
      id: 'BIT-postgresql-2025-1094',
      aliases: ['CVE-2025-1094'],
      modified: '2025-02-14T00:00:00Z',
      summary: 'PostgreSQL quoting APIs miss neutralizing quoting syntax',
      affected: [{ package: { ecosystem: 'Bitnami', name: 'postgresql' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '17.0.0' }, { fixed: '17.3.0' }] }] }],
    }));
    const s = await runBuilt(['scan', cdx, '--osv-db', osv, '-o', 'json']);
    expect(s.code, s.stderr).toBe(0);
    const doc = JSON.parse(s.stdout) as { findings: { id: string; package: { name: string; version: string }; fixedVersions: string[] }[] };
    expect(doc.findings.map((f) => `${f.id} ${f.package.name}@${f.package.version} fixed ${f.fixedVersions.join(',')}`)).toEqual(['BIT-postgresql-2025-1094 postgresql@17.2.0-8 fixed 17.3.0']);
  });
});
