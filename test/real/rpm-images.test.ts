/**
 * Real tier: the project's rpm test images (test/images/rpm-{sqlite,bdb,ndb}.image.sh: an rpm database
 * of each back end in an image root with the os-release of an RPM distro), through the built CLI from
 * every source form (OCI layout, oci-archive, docker-archive of Docker < 25 and >= 25, the rootfs as
 * dir:, and the loopback registry, pushed here under custody-rpm/<image>) into every output format
 * (json, cyclonedx-json, cyclonedx-xml, spdx-json, table) at once. Each must give exactly the packages
 * of truth/<image>/rpm.tsv (`rpm -qa --queryformat` over the image's own database, read by rpm; for ndb
 * the real SLE 15 database's expected.json) with the right distro qualifier and namespace, and each
 * document must validate against its official schema.
 */
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePurl } from '../../src/core/ecosystem.js';
import { normalizeLicense } from '../../src/core/license.js';
import type { Sbom } from '../../src/sbom/model.js';
import { CORPUS, IMAGES, REGISTRY, realImageRefs } from '../helpers/paths.js';
import { copyImage } from '../helpers/registry-push.js';
import { runBuilt } from '../helpers/run-cli.js';

const RPM_IMAGES = {
  'rpm-sqlite': { namespace: 'rocky', distro: 'rocky-9.3' },
  'rpm-bdb': { namespace: 'redhat', distro: 'rhel-8.9' },
  'rpm-ndb': { namespace: 'sles', distro: 'sles-15.3' },
} as const;
type RpmImage = keyof typeof RPM_IMAGES;
const REPO = 'custody-rpm';

interface Row {
  name: string;
  epoch: string;
  version: string;
  release: string;
  arch: string;
  sourceRpm: string;
  license: string;
  vendor: string;
  label: string;
  size: number;
  sigmd5: string;
}

function truth(image: RpmImage): Row[] {
  const none = (s: string): string => (s === '(none)' ? '' : s);
  return readFileSync(join(IMAGES, 'truth', image, 'rpm.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [name, epoch, version, release, arch, sourceRpm, license, vendor, label, size, sigmd5] = l.split('\t') as string[];
      return { name: name!, epoch: none(epoch!), version: version!, release: release!, arch: arch!, sourceRpm: sourceRpm!, license: license!, vendor: vendor!, label: none(label!), size: Number(size), sigmd5: sigmd5! };
    })
    // Imported signing keys are pseudo-packages rpm lists; an SBOM leaves them out.
    .filter((r) => r.name !== 'gpg-pubkey');
}

/** name|epoch|version-release|arch, what a purl says (epoch qualifier as given, "" when none). */
const key = (r: Pick<Row, 'name' | 'epoch' | 'version' | 'release' | 'arch'>): string => `${r.name}|${r.epoch}|${r.version}-${r.release}|${r.arch}`;

function purlKey(purl: string, image: RpmImage): string {
  const p = parsePurl(purl)!;
  expect(p.type).toBe('rpm');
  expect(p.namespace).toBe(RPM_IMAGES[image].namespace);
  expect(p.qualifiers?.distro).toBe(RPM_IMAGES[image].distro);
  return `${p.name}|${p.qualifiers?.epoch ?? ''}|${p.version}|${p.qualifiers?.arch ?? ''}`;
}

let tmp: string;
let validateSpdx: ((doc: unknown) => boolean) & { errors?: unknown };
let xsd: string;
const cdx16 = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
const xml = new XMLParser({ ignoreAttributes: false, isArray: (n) => ['component', 'property'].includes(n) });

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'custody-real-rpm-'));
  for (const image of Object.keys(RPM_IMAGES)) copyImage(image, `${REPO}/${image}`, 'latest');
  const schema = JSON.parse(readFileSync(join(CORPUS, 'schemas', 'spdx', 'spdx-schema-2.3.1.json'), 'utf8')) as object;
  const ajv = new Ajv2019.default({ strict: false, allErrors: true });
  addFormats.default(ajv);
  validateSpdx = ajv.compile(schema);
  const dir = join(CORPUS, 'schemas', 'cyclonedx');
  xsd = join(tmp, 'bom-1.6.xsd');
  writeFileSync(xsd, readFileSync(join(dir, 'bom-1.6.xsd'), 'utf8').replace('schemaLocation="http://cyclonedx.org/schema/spdx"', `schemaLocation="${join(dir, 'spdx.xsd')}"`));
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function sources(image: RpmImage): [string, string][] {
  return realImageRefs(image).map(([label, ref]) => (label === 'registry' ? [label, `registry:${REGISTRY}/${REPO}/${image}:latest`] : [label, ref]));
}

describe.each(Object.keys(RPM_IMAGES) as RpmImage[])('sbom generate on the rpm image %s', (image) => {
  it.each(sources(image))('%s: every format lists exactly rpm -qa, with the distro qualifier; documents validate', async (label, target) => {
    const rows = truth(image);
    expect(rows.length).toBeGreaterThan(5);
    const want = rows.map(key).sort();
    const f = (ext: string): string => join(tmp, `${image}-${label}.${ext}`);
    const r = await runBuilt(
      ['sbom', 'generate', target, '-o', `json=${f('json')}`, '-o', `cyclonedx-json=${f('cdx.json')}`, '-o', `cyclonedx-xml=${f('cdx.xml')}`, '-o', `spdx-json=${f('spdx.json')}`, '-o', 'table', ...(label === 'registry' ? ['--plain-http'] : [])],
      { env: { SOURCE_DATE_EPOCH: '1700000000' } },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/warning|incomplete/);

    // json: the full identity against rpm's own query
    const sbom = JSON.parse(readFileSync(f('json'), 'utf8')) as Sbom;
    const rpms = sbom.packages.filter((p) => p.type === 'rpm');
    expect(rpms.map((p) => purlKey(p.purl!, image)).sort()).toEqual(want);
    expect(sbom.packages.length).toBe(rpms.length);
    const byKey = new Map(rpms.map((p) => [purlKey(p.purl!, image), p]));
    for (const row of rows) {
      const p = byKey.get(key(row))!;
      expect(p.version).toBe(`${row.epoch !== '' && row.epoch !== '0' ? `${row.epoch}:` : ''}${row.version}-${row.release}`);
      expect(p.metadata).toMatchObject({ sourceRpm: row.sourceRpm, size: row.size, sigmd5: row.sigmd5, release: row.release, architecture: row.arch });
      expect(p.metadata?.modularityLabel ?? '').toBe(row.label);
      expect(p.licenses).toEqual([normalizeLicense(row.license)]);
      expect(p.supplier).toBe(row.vendor);
      expect(p.locations[0]!.path).toMatch(/^\/(var\/lib|usr\/lib\/sysimage)\/rpm\/(Packages|Packages\.db|rpmdb\.sqlite)$/);
    }

    // cyclonedx-json
    const cdxText = readFileSync(f('cdx.json'), 'utf8');
    expect(await cdx16.validate(cdxText)).toBeNull();
    const cdx = JSON.parse(cdxText) as { components: { type: string; purl?: string; name: string; properties?: { name: string; value: string }[] }[] };
    const libs = cdx.components.filter((c) => c.type === 'library');
    expect(libs.map((c) => purlKey(c.purl!, image)).sort()).toEqual(want);
    const labels = libs.flatMap((c) => (c.properties ?? []).filter((p) => p.name === 'custody:metadata:modularityLabel').map((p) => `${c.name}=${p.value}`));
    expect(labels.sort()).toEqual(rows.filter((x) => x.label !== '').map((x) => `${x.name}=${x.label}`).sort());

    // cyclonedx-xml (and the official 1.6 XSD; xmllint exits non-zero when it does not validate)
    execFileSync('xmllint', ['--noout', '--schema', xsd, f('cdx.xml')], { stdio: 'pipe' });
    const bom = xml.parse(readFileSync(f('cdx.xml'), 'utf8')) as { bom: { components: { component: { '@_type': string; purl?: string }[] } } };
    expect(bom.bom.components.component.filter((c) => c['@_type'] === 'library').map((c) => purlKey(c.purl!, image)).sort()).toEqual(want);

    // spdx-json (and the official SPDX 2.3 schema)
    const spdx = JSON.parse(readFileSync(f('spdx.json'), 'utf8')) as { packages: { externalRefs?: { referenceType: string; referenceLocator: string }[] }[] };
    expect(validateSpdx(spdx), JSON.stringify(validateSpdx.errors)).toBe(true);
    const spdxPurls = spdx.packages.flatMap((p) => (p.externalRefs ?? []).filter((e) => e.referenceType === 'purl' && e.referenceLocator.startsWith('pkg:rpm/')).map((e) => e.referenceLocator));
    expect(spdxPurls.map((p) => purlKey(p, image)).sort()).toEqual(want);

    // table on stdout: NAME VERSION TYPE FOUND-BY PATH
    const [head, ...lines] = r.stdout.trim().split('\n');
    expect(head).toMatch(/^NAME\s+VERSION\s+TYPE\s+FOUND-BY\s+PATH$/);
    const table = lines.map((l) => l.trim().split(/\s{2,}/)).map(([n, v, t]) => `${n} ${v} ${t}`);
    expect(table.sort()).toEqual(rows.map((x) => `${x.name} ${x.epoch !== '' && x.epoch !== '0' ? `${x.epoch}:` : ''}${x.version}-${x.release} rpm`).sort());
  });
});

describe('rpm images: the back end each one holds', () => {
  it.each([
    ['rpm-sqlite', '/var/lib/rpm/rpmdb.sqlite'],
    ['rpm-bdb', '/var/lib/rpm/Packages'],
    ['rpm-ndb', '/usr/lib/sysimage/rpm/Packages.db'],
  ] as const)('%s reads %s', async (image, path) => {
    const r = await runBuilt(['sbom', 'generate', `oci-dir:${join(IMAGES, 'oci', image)}`, '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const sbom = JSON.parse(r.stdout) as Sbom;
    expect(new Set(sbom.packages.map((p) => p.locations[0]!.path))).toEqual(new Set([path]));
    expect(sbom.packages.every((p) => /^sha256:[0-9a-f]{64}$/.test(p.locations[0]!.layer ?? ''))).toBe(true);
  });
});
