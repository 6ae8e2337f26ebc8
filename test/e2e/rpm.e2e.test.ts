/**
 * `custody sbom generate dir:…` end to end over root filesystems holding the committed rpm goldens
 * (BerkeleyDB `Packages` written by rpm and db5.3_load; fixtures/catalog/rpm/README.md): a good
 * database gives exit 0 and every package; a truncated one gives what could be read, the reason on
 * stderr, an SBOM that says it is incomplete, and exit 3 (0 with --allow-incomplete).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sbom } from '../../src/sbom/model.js';
import { FIXTURES } from '../helpers/paths.js';
import { runBuilt } from '../helpers/run-cli.js';

const GOLDEN = join(FIXTURES, 'catalog', 'rpm', 'golden');
const UBI8 = 'NAME="Red Hat Enterprise Linux"\nVERSION="8.9 (Ootpa)"\nID="rhel"\nID_LIKE="fedora"\nVERSION_ID="8.9"\nPRETTY_NAME="Red Hat Enterprise Linux 8.9 (Ootpa)"\n';

let tmp: string;
const roots: Record<string, string> = {};

function root(name: string, files: Record<string, Buffer | string>): string {
  const r = join(tmp, name);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(r, rel)), { recursive: true });
    writeFileSync(join(r, rel), content);
  }
  return r;
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'custody-e2e-rpm-'));
  const db = readFileSync(join(GOLDEN, 'bdb-be-512', 'Packages'));
  roots.good = root('good', { 'var/lib/rpm/Packages': db, 'etc/os-release': UBI8 });
  roots.cut = root('cut', { 'var/lib/rpm/Packages': db.subarray(0, Math.floor(db.length / 512 / 2) * 512), 'etc/os-release': UBI8 });
  roots.centos6 = root('centos6', { 'var/lib/rpm/Packages': readFileSync(join(GOLDEN, 'bdb-le-4096', 'Packages')), 'etc/redhat-release': 'CentOS release 6.10 (Final)\n' });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('custody sbom generate: rpm databases (e2e)', () => {
  it('a BerkeleyDB rpmdb: every package with its RHEL identity, exit 0', async () => {
    const out = join(tmp, 'good.cdx.json');
    const r = await runBuilt(['sbom', 'generate', `dir:${roots.good}`, '-o', 'json', '-o', `cyclonedx-json=${out}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/incomplete|warning/);
    const sbom = JSON.parse(r.stdout) as Sbom;
    expect(sbom.distro).toMatchObject({ id: 'rhel', versionId: '8.9' });
    expect(sbom.packages.map((p) => `${p.name} ${p.version}`)).toEqual(['hello 2.12.1-4.el8', 'nodejs-mod 1:10.21.0-3.module_el8.2.0+391+8da3adc6', 'shadow-lite 2:4.6-22.el8', 'tzdata-lite 2024a-1.el8']);
    expect(sbom.packages.every((p) => p.purl!.startsWith('pkg:rpm/redhat/') && p.purl!.includes('distro=rhel-8.9'))).toBe(true);
    expect(sbom.completeness).not.toBe('incomplete');
    const bom = JSON.parse(readFileSync(out, 'utf8')) as { components: { name: string; purl?: string; properties?: { name: string; value: string }[] }[] };
    const node = bom.components.find((c) => c.name === 'nodejs-mod')!;
    expect(node.properties).toContainEqual({ name: 'custody:metadata:modularityLabel', value: 'nodejs:10:8020020200707141642:6a468ee4' });
    expect(bom.components.find((c) => c.name === 'tzdata-lite')!.purl).toContain('epoch=0');
  });

  it('a truncated rpmdb: the packages that could be read, the reason on stderr, an incomplete SBOM, exit 3', async () => {
    const out = join(tmp, 'cut.json');
    const r = await runBuilt(['sbom', 'generate', `dir:${roots.cut}`, '-o', `json=${out}`]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/\/var\/lib\/rpm\/Packages: not read completely: BerkeleyDB rpm database read in part: the file holds \d+ of \d+ pages \(truncated\); /);
    expect(r.stderr).toMatch(/^incomplete: 1 input not read: .*\/var\/lib\/rpm\/Packages/m);
    expect(r.stderr).toMatch(/exit 3 \(--allow-incomplete accepts it\)/);
    expect(existsSync(out)).toBe(true);
    const sbom = JSON.parse(readFileSync(out, 'utf8')) as Sbom;
    expect(sbom.completeness).toBe('incomplete');
    expect(sbom.incomplete).toEqual([expect.objectContaining({ kind: 'file', path: '/var/lib/rpm/Packages', by: 'rpm-db-cataloger' })]);
    expect(sbom.packages.length).toBeLessThan(4);
    const accepted = await runBuilt(['sbom', 'generate', `dir:${roots.cut}`, '-o', 'json', '--allow-incomplete']);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stderr).toMatch(/^incomplete: --allow-incomplete: answering as if complete$/m);
  });

  it('a CentOS 6-era root without os-release: the distro comes from redhat-release', async () => {
    const r = await runBuilt(['sbom', 'generate', `dir:${roots.centos6}`, '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const sbom = JSON.parse(r.stdout) as Sbom;
    expect(sbom.distro).toMatchObject({ id: 'centos', versionId: '6' });
    expect(sbom.packages.find((p) => p.name === 'hello')!.purl).toBe('pkg:rpm/centos/hello@2.12.1-4.el8?arch=x86_64&distro=centos-6&upstream=hello-2.12.1-4.el8.src.rpm');
  });
});
