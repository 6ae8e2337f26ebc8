/**
 * Runtimes installed without a package manager and the ownership rules, end to end through the built CLI,
 * on fixtures/generated/catalog/binary/runtimes-image.tar (scripts/fixtures/catalog-binary.mjs): dpkg lists
 * python3.11's interpreter, busybox (through merged /usr) and python3-six's egg-info; python 3.12 (libpython),
 * nginx and a Temurin JDK sit in /usr/local and /opt without any package database.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Sbom } from '../../src/sbom/model.js';
import { GENERATED } from '../helpers/paths.js';
import { runBuilt } from '../helpers/run-cli.js';

const IMAGE = `docker-archive:${join(GENERATED, 'catalog', 'binary', 'runtimes-image.tar')}`;
const out = mkdtempSync(join(tmpdir(), 'custody-e2e-runtimes-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const row = (p: Sbom['packages'][number]): string => `${p.type} ${p.name} ${p.version} ${p.locations.map((l) => l.path).join(',')}`;

describe('custody sbom generate: runtimes without a package manager, ownership (e2e)', () => {
  it('reports each unowned runtime with its purl and CPEs, nothing dpkg installed twice, and owns from dpkg to six', async () => {
    const json = join(out, 'sbom.json');
    const spdx = join(out, 'sbom.spdx.json');
    const cdx = join(out, 'sbom.cdx.json');
    const r = await runBuilt(['sbom', 'generate', IMAGE, '-o', `json=${json}`, '-o', `spdx-json=${spdx}`, '-o', `cyclonedx-json=${cdx}`, '-o', 'table']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/warn|incomplete|error/i);
    expect(r.stdout).toMatch(/^nginx\s+1\.25\.1\s+binary\s+runtime-binary-cataloger\s+\/usr\/local\/nginx\/sbin\/nginx$/m);
    expect(r.stdout).toMatch(/^python\s+3\.12\.1\s+binary\s+runtime-binary-cataloger\s+\/usr\/local\/lib\/libpython3\.12\.so\.1\.0$/m);
    expect(r.stdout).not.toMatch(/^python\s+3\.11\.2\s+binary/m);
    expect(r.stdout).not.toMatch(/^busybox\s+\S+\s+binary/m);
    const sbom = JSON.parse(readFileSync(json, 'utf8')) as Sbom;
    expect(sbom.packages.filter((p) => p.type === 'binary').map(row)).toEqual([
      'binary nginx 1.25.1 /usr/local/nginx/sbin/nginx',
      'binary openjdk 21.0.4+7-LTS /opt/java/openjdk/release',
      'binary python 3.12.1 /usr/local/lib/libpython3.12.so.1.0',
    ]);
    const nginx = sbom.packages.find((p) => p.name === 'nginx')!;
    expect(nginx).toMatchObject({ purl: 'pkg:generic/nginx@1.25.1', cpes: ['cpe:2.3:a:f5:nginx:1.25.1:*:*:*:*:*:*:*', 'cpe:2.3:a:nginx:nginx:1.25.1:*:*:*:*:*:*:*'], foundBy: ['runtime-binary-cataloger'] });
    const id = (name: string): string => sbom.packages.find((p) => p.name === name)!.id;
    expect(sbom.relationships.filter((x) => x.type === 'owns')).toEqual([{ from: id('python3-six'), to: id('six'), type: 'owns' }]);
    // the same in SPDX (syft's OTHER + comment) and CycloneDX (custody:ownedBy), read back by `sbom convert`
    for (const file of [spdx, cdx]) {
      const back = join(out, `${file.split('/').pop()}.back.json`);
      const c = await runBuilt(['sbom', 'convert', file, '-o', 'json', '--file', back]);
      expect(c.code, c.stderr).toBe(0);
      const s = JSON.parse(readFileSync(back, 'utf8')) as Sbom;
      const names = new Map(s.packages.map((p) => [p.id, p.name]));
      expect(s.relationships.filter((x) => x.type === 'owns').map((x) => `${names.get(x.from)} owns ${names.get(x.to)}`)).toEqual(['python3-six owns six']);
    }
  });

  it('sbom query finds a runtime by name and by CPE, and says not found for a runtime dpkg installed', async () => {
    const json = join(out, 'q.cdx.json');
    expect((await runBuilt(['sbom', 'generate', IMAGE, '-o', `cyclonedx-json=${json}`])).code).toBe(0);
    const byCpe = await runBuilt(['sbom', 'query', json, '--cpe', 'cpe:2.3:a:nginx:nginx:*']);
    expect(byCpe.code, byCpe.stderr).toBe(0);
    expect(byCpe.stdout).toContain('1.25.1');
    const byName = await runBuilt(['sbom', 'query', json, '--purl', 'pkg:generic/oracle/openjdk']);
    expect(byName.code, byName.stderr).toBe(0);
    expect(byName.stdout).toContain('21.0.4+7-LTS');
    const none = await runBuilt(['sbom', 'query', json, '--purl', 'pkg:generic/busybox']);
    expect(none.code).toBe(1);
  });

  it('--select runtime: without the OS catalogers nothing is owned, so Debian\'s interpreter and busybox are reported too', async () => {
    const r = await runBuilt(['sbom', 'generate', IMAGE, '--select', 'runtime', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const sbom = JSON.parse(r.stdout) as Sbom;
    expect(sbom.packages.map(row)).toEqual([
      'binary busybox 1.35.0 /usr/bin/busybox',
      'binary nginx 1.25.1 /usr/local/nginx/sbin/nginx',
      'binary openjdk 21.0.4+7-LTS /opt/java/openjdk/release',
      'binary python 3.11.2 /usr/bin/python3.11',
      'binary python 3.12.1 /usr/local/lib/libpython3.12.so.1.0',
    ]);
    expect(readdirSync(out).some((f) => f.startsWith('custody-'))).toBe(false);
  });
});
