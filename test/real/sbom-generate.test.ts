/**
 * Real tier: `sbom generate` on every real Debian image of ../shared/tools/build-images.sh from every
 * transport (oci-dir, oci-archive, docker-archive pre-25 and v25, dir rootfs, the loopback registry):
 * every dpkg package of the image's own status file (truth/<image>/dpkg.tsv) is reported with the right
 * version and architecture, none is invented, the whiteout image shows none of the deleted packages;
 * every CycloneDX output passes the library validator (JSON) and the official 1.6 XSD (XML, xmllint),
 * every SPDX output the official SPDX 2.3 JSON schema (ajv).
 */
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { collectingLogger } from '../../src/core/log.js';
import { generateSbom } from '../../src/generate/index.js';
import { encodeSbom } from '../../src/sbom/encode.js';
import type { Sbom } from '../../src/sbom/model.js';
import { CORPUS, IMAGES, realImageRefs } from '../helpers/paths.js';

const NAMES = ['debian-min', 'java-log4j', 'java-log4j1', 'node-app', 'python-app', 'layered-whiteout'];
const clock = fixedClock(new Date('2024-01-01T00:00:00Z'));

const transports = realImageRefs;

interface TruthRow {
  name: string;
  version: string;
  arch: string;
  source: string;
}

function dpkgTruth(name: string): TruthRow[] {
  const [, ...rows] = readFileSync(join(IMAGES, 'truth', name, 'dpkg.tsv'), 'utf8').trim().split('\n');
  return rows.map((r) => {
    const [n, version, arch, source] = r.split('\t') as [string, string, string, string];
    return { name: n, version, arch, source };
  });
}

let tmp: string;
let validateSpdx: ((doc: unknown) => boolean) & { errors?: unknown };
let xsd: string;
const cdx16 = new Validation.JsonStrictValidator(Spec.Version.v1dot6);

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'custody-real-gen-'));
  const schema = JSON.parse(readFileSync(join(CORPUS, 'schemas', 'spdx', 'spdx-schema-2.3.1.json'), 'utf8')) as object;
  const ajv = new Ajv2019.default({ strict: false, allErrors: true });
  addFormats.default(ajv);
  validateSpdx = ajv.compile(schema);
  // The 1.6 XSD imports the SPDX licence XSD by URL; point it at the file beside it (no network).
  const dir = join(CORPUS, 'schemas', 'cyclonedx');
  xsd = join(tmp, 'bom-1.6.xsd');
  writeFileSync(xsd, readFileSync(join(dir, 'bom-1.6.xsd'), 'utf8').replace('schemaLocation="http://cyclonedx.org/schema/spdx"', `schemaLocation="${join(dir, 'spdx.xsd')}"`));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function generate(target: string, extra: { scope?: 'all-layers' } = {}): Promise<Sbom> {
  const log = collectingLogger();
  const result = await generateSbom({ target, log, toolVersion: 'test', plainHttp: target.startsWith('registry:'), ...extra });
  if (Array.isArray(result)) throw new Error('one SBOM expected');
  return result;
}

describe.each(NAMES)('sbom generate on the real image %s', (name) => {
  const truth = dpkgTruth(name);

  it.each(transports(name))('%s: every dpkg package with its version, none invented; outputs validate', async (transport, target) => {
    const sbom = await generate(target);
    const debs = sbom.packages.filter((p) => p.type === 'deb');
    const got = debs.map((p) => `${p.name}=${p.version}`).sort();
    expect(got).toEqual(truth.map((t) => `${t.name}=${t.version}`).sort());
    for (const t of truth) {
      const p = debs.find((d) => d.name === t.name)!;
      expect(p.metadata?.architecture).toBe(t.arch);
      expect(p.metadata?.source).toBe(t.source);
      expect(p.purl).toContain(`distro=debian-12`);
      expect(p.foundBy).toEqual(['dpkg-db-cataloger']);
      expect(p.locations[0]!.path).toBe('/var/lib/dpkg/status');
      if (transport !== 'dir') expect(p.locations[0]!.layer).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
    if (transport !== 'dir') {
      expect(sbom.subject.kind).toBe('image');
      expect(sbom.subject.layers?.length).toBeGreaterThan(0);
      expect(sbom.subject.configDigest).toMatch(/^sha256:/);
    }
    const cdx = encodeSbom(sbom, 'cyclonedx-json', { clock });
    expect(await cdx16.validate(cdx)).toBeNull();
    const spdx = JSON.parse(encodeSbom(sbom, 'spdx-json', { clock })) as unknown;
    const ok = validateSpdx(spdx);
    expect(validateSpdx.errors ?? null, JSON.stringify(validateSpdx.errors)).toBeNull();
    expect(ok).toBe(true);
    const xmlFile = join(tmp, `${name}-${transport}.cdx.xml`);
    writeFileSync(xmlFile, encodeSbom(sbom, 'cyclonedx-xml', { clock }));
    // xmllint exits non-zero (execFileSync throws) when the document does not validate.
    execFileSync('xmllint', ['--noout', '--schema', xsd, xmlFile], { stdio: 'pipe' });
  });
});

describe('layered-whiteout', () => {
  const layers = readFileSync(join(IMAGES, 'truth', 'layered-whiteout', 'layers.txt'), 'utf8');

  it('squashed: the package installed in layer 2 and purged in layer 3 is absent; all-layers: it is there, marked deleted', async () => {
    expect(layers).toContain('liblog4j2-java');
    const target = `oci-dir:${join(IMAGES, 'oci', 'layered-whiteout')}`;
    const squashed = await generate(target);
    expect(squashed.packages.some((p) => p.name === 'liblog4j2-java')).toBe(false);
    const all = await generate(target, { scope: 'all-layers' });
    const log4j = all.packages.find((p) => p.name === 'liblog4j2-java');
    expect(log4j).toMatchObject({ deleted: true });
    const live = all.packages.filter((p) => p.type === 'deb' && !p.deleted).map((p) => p.name).sort();
    expect(live).toEqual(dpkgTruth('layered-whiteout').map((t) => t.name).sort());
  });

  it('the xmllint check really fails on an invalid document', () => {
    const bad = join(tmp, 'bad.cdx.xml');
    writeFileSync(bad, '<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1"><components><component type="nonsense"><name>x</name></component></components></bom>');
    expect(() => execFileSync('xmllint', ['--noout', '--schema', xsd, bad], { stdio: 'pipe' })).toThrow();
  });
});
