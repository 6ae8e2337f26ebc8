import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { UsageError } from '../../../src/core/errors.js';
import { ENCODE_FORMATS, encodeSbom } from '../../../src/sbom/encode.js';
import { decodeNativeSbom } from '../../../src/sbom/native/index.js';
import { sampleSbom } from './encode-fixture.js';

const clock = fixedClock(new Date('2024-05-01T12:00:00Z'));
const VERSIONS = { 'cyclonedx-json': Spec.Version.v1dot6, 'cyclonedx-json@1.6': Spec.Version.v1dot6, 'cyclonedx-json@1.5': Spec.Version.v1dot5, 'cyclonedx-json@1.4': Spec.Version.v1dot4 } as const;

describe('encodeSbom', () => {
  it.each(ENCODE_FORMATS)('%s matches its golden file', async (format) => {
    const ext = format.startsWith('cyclonedx-xml') ? 'xml' : 'json';
    await expect(encodeSbom(sampleSbom(), format, { clock })).toMatchFileSnapshot(`__golden__/encode/${format.replace('@', '-')}.${ext}`);
  });

  it.each(Object.entries(VERSIONS))('%s passes the CycloneDX library strict JSON validator', async (format, version) => {
    const text = encodeSbom(sampleSbom(), format, { clock });
    const errors = await new Validation.JsonStrictValidator(version).validate(text);
    expect(errors).toBeNull();
  });

  it('the validator really rejects a broken document (the check can fail)', async () => {
    const doc = JSON.parse(encodeSbom(sampleSbom(), 'cyclonedx-json', { clock })) as { components: Array<Record<string, unknown>> };
    doc.components[0]!.type = 'not-a-type';
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(JSON.stringify(doc))).not.toBeNull();
  });

  it('CycloneDX: image identity as metadata.component (container) with digests, tags, platform and layers', () => {
    const doc = JSON.parse(encodeSbom(sampleSbom(), 'cyclonedx-json', { clock })) as {
      serialNumber: string;
      metadata: { timestamp: string; component: { type: string; name: string; version: string; purl: string; properties: { name: string; value: string }[] } };
      components: Array<{ 'bom-ref': string; type: string; licenses?: unknown[]; properties?: { name: string; value: string }[] }>;
      dependencies: Array<{ ref: string; dependsOn?: string[] }>;
    };
    expect(doc.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(doc.metadata.timestamp).toBe('2024-05-01T12:00:00.000Z');
    const c = doc.metadata.component;
    // Named by its full reference (as syft names a container by the user's input); the purl by the repository's last segment.
    expect(c).toMatchObject({ type: 'container', name: 'registry.example/team/app:1.0', version: `sha256:${'c3'.repeat(32)}` });
    expect(c.purl).toBe(`pkg:oci/app@sha256:${'c3'.repeat(32)}?repository_url=registry.example%2Fteam%2Fapp`);
    const props = Object.fromEntries(c.properties.map((p) => [p.name, p.value]));
    expect(props).toMatchObject({
      'custody:image:configDigest': `sha256:${'d4'.repeat(32)}`,
      'custody:image:repoTag': 'registry.example/team/app:1.0',
      'custody:image:platform': 'linux/arm64/v8',
      'custody:image:layer:0:digest': `sha256:${'a1'.repeat(32)}`,
      'custody:image:layer:1:digest': `sha256:${'b2'.repeat(32)}`,
    });
    const os = doc.components.find((x) => x.type === 'operating-system');
    expect(os).toMatchObject({ name: 'debian', version: '12' });
    const libc = doc.components.find((x) => x['bom-ref'] === 'deb-libc6-0000000000000002')!;
    // a compound expression plus a non-SPDX name cannot be one expression: names are kept
    expect(libc.licenses).toEqual([{ license: { name: 'LGPL-2.1-or-later OR GPL-2.0-only' } }, { license: { name: 'public-domain' } }]);
    const pad = doc.components.find((x) => x['bom-ref'] === 'npm-left-pad-0000000000000004')!;
    expect(pad.licenses).toEqual([{ expression: 'WTFPL OR MIT' }]);
    expect(pad.properties).toContainEqual({ name: 'custody:deleted', value: 'true' });
    expect(doc.dependencies).toContainEqual({ ref: 'deb-apt-0000000000000001', dependsOn: ['deb-libc6-0000000000000002'] });
  });

  it('is deterministic: same input, same bytes; the clock changes only the timestamp; content changes the serial number', () => {
    const a = encodeSbom(sampleSbom(), 'cyclonedx-json', { clock });
    const b = encodeSbom(sampleSbom(), 'cyclonedx-json', { clock });
    expect(a).toBe(b);
    const later = encodeSbom(sampleSbom(), 'cyclonedx-json', { clock: fixedClock(new Date('2030-01-01T00:00:00Z')) });
    expect(later.replace(/"timestamp": "[^"]+"/, '')).toBe(a.replace(/"timestamp": "[^"]+"/, ''));
    const changed = sampleSbom();
    changed.packages[0]!.version = '2.6.2';
    expect(JSON.parse(encodeSbom(changed, 'cyclonedx-json', { clock })).serialNumber).not.toBe(JSON.parse(a).serialNumber);
  });

  it('CycloneDX XML carries the same components as the JSON', () => {
    const xml = new XMLParser({ ignoreAttributes: false }).parse(encodeSbom(sampleSbom(), 'cyclonedx-xml', { clock })) as {
      bom: { '@_xmlns': string; components: { component: Array<{ '@_bom-ref': string; purl?: string }> } };
    };
    expect(xml.bom['@_xmlns']).toBe('http://cyclonedx.org/schema/bom/1.6');
    const refs = xml.bom.components.component.map((c) => c['@_bom-ref']).filter((r) => !r.startsWith('os-'));
    expect(refs.sort()).toEqual(sampleSbom().packages.map((p) => p.id).sort());
    const x14 = encodeSbom(sampleSbom(), 'cyclonedx-xml@1.4', { clock });
    expect(x14).toContain('xmlns="http://cyclonedx.org/schema/bom/1.4"');
  });

  it('SPDX 2.3: document describes the image, which contains every package; licences and refs', () => {
    const doc = JSON.parse(encodeSbom(sampleSbom(), 'spdx-json', { clock })) as {
      spdxVersion: string;
      documentNamespace: string;
      creationInfo: { created: string; creators: string[] };
      packages: Array<{ SPDXID: string; name: string; licenseDeclared: string; primaryPackagePurpose?: string; externalRefs?: unknown[]; checksums?: unknown[]; supplier?: string }>;
      relationships: Array<{ spdxElementId: string; relationshipType: string; relatedSpdxElement: string }>;
      hasExtractedLicensingInfos?: Array<{ licenseId: string; extractedText: string }>;
    };
    expect(doc.spdxVersion).toBe('SPDX-2.3');
    expect(doc.creationInfo).toEqual({ created: '2024-05-01T12:00:00Z', creators: ['Tool: custody-0.1.0'] });
    const root = doc.packages[0]!;
    expect(root.primaryPackagePurpose).toBe('CONTAINER');
    expect(doc.relationships[0]).toEqual({ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: root.SPDXID });
    const byName = Object.fromEntries(doc.packages.map((p) => [p.name, p]));
    expect(byName.apt!.licenseDeclared).toBe('GPL-2.0-or-later AND GPL-2.0-only AND BSD-3-Clause AND MIT');
    expect(byName.apt!.supplier).toBe('Person: APT Development Team (deity@lists.debian.org)');
    expect(byName.libc6!.licenseDeclared).toMatch(/^\(LGPL-2\.1-or-later OR GPL-2\.0-only\) AND LicenseRef-public-domain-[0-9a-f]{8}$/);
    expect(doc.hasExtractedLicensingInfos).toEqual([{ licenseId: byName.libc6!.licenseDeclared.split(' AND ')[1], extractedText: 'public-domain', name: 'public-domain' }]);
    expect(byName['log4j-core']!.checksums).toEqual([
      { algorithm: 'SHA1', checksumValue: 'abcdef0123456789abcdef0123456789abcdef01' },
      { algorithm: 'SHA256', checksumValue: 'ff'.repeat(32) },
    ]);
    expect(byName['log4j-core']!.externalRefs).toContainEqual({ referenceCategory: 'SECURITY', referenceType: 'cpe23Type', referenceLocator: 'cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*' });
    for (const p of doc.packages.slice(1)) expect(doc.relationships).toContainEqual({ spdxElementId: root.SPDXID, relationshipType: 'CONTAINS', relatedSpdxElement: p.SPDXID });
    expect(doc.relationships).toContainEqual({ spdxElementId: 'SPDXRef-Package-deb-apt-0000000000000001', relationshipType: 'DEPENDS_ON', relatedSpdxElement: 'SPDXRef-Package-deb-libc6-0000000000000002' });
    expect(new Set(doc.packages.map((p) => p.SPDXID)).size).toBe(doc.packages.length);
  });

  it('json is the model, lossless, with its version', () => {
    const text = encodeSbom(sampleSbom(), 'json', { clock });
    const doc = JSON.parse(text) as { custodySbomVersion: number; created: string };
    expect(doc.custodySbomVersion).toBe(1);
    expect(doc.created).toBe('2024-05-01T12:00:00.000Z');
    const back = decodeNativeSbom(doc);
    const { document, ...rest } = back;
    expect(rest).toEqual(sampleSbom());
    expect(document).toEqual({ format: 'custody-json', specVersion: '1', created: '2024-05-01T12:00:00.000Z' });
  });

  it('an unknown format is a usage error', () => {
    expect(() => encodeSbom(sampleSbom(), 'cyclonedx-json@9.9', { clock })).toThrow(UsageError);
  });
});
