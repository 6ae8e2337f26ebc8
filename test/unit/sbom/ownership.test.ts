/**
 * `owns` (an OS package installed a language package) written in every output format and read back by
 * every decoder: custody json as is, CycloneDX as a `custody:ownedBy` component property, SPDX 2.3 as syft
 * writes it (OTHER + an `ownership-by-file-overlap: ...` comment; also in tag-value), syft JSON's
 * `ownership-by-file-overlap` artifact relationships. Runtime binaries keep their type `binary`.
 */
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { decodeSbomBytes } from '../../../src/sbom/index.js';
import { encodeSbom } from '../../../src/sbom/encode.js';
import { decodeNativeSbom } from '../../../src/sbom/native/index.js';
import type { Sbom } from '../../../src/sbom/model.js';
import { OWNERSHIP_COMMENT } from '../../../src/sbom/spdx/encode.js';

const clock = fixedClock(new Date('2024-05-01T12:00:00Z'));

function ownedSbom(): Sbom {
  const deb = (name: string, version: string) => ({
    id: `deb-${name}-00000000000000a1`,
    name,
    version,
    type: 'deb' as const,
    purl: `pkg:deb/debian/${name}@${version}?arch=all&distro=debian-12`,
    licenses: [],
    locations: [{ path: '/var/lib/dpkg/status' }],
    foundBy: ['dpkg-db-cataloger'],
  });
  return {
    subject: { kind: 'image', name: 'docker-archive:python-app.tar', transport: 'docker-archive' },
    packages: [
      deb('python3-requests', '2.28.1+dfsg-1'),
      deb('python3-six', '1.16.0-4'),
      {
        id: 'python-requests-00000000000000b1',
        name: 'requests',
        version: '2.28.1',
        type: 'python',
        purl: 'pkg:pypi/requests@2.28.1',
        licenses: ['Apache-2.0'],
        locations: [{ path: '/usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO' }],
        foundBy: ['python-installed-cataloger'],
      },
      {
        id: 'python-six-00000000000000b2',
        name: 'six',
        version: '1.16.0',
        type: 'python',
        purl: 'pkg:pypi/six@1.16.0',
        licenses: ['MIT'],
        locations: [{ path: '/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO' }],
        foundBy: ['python-installed-cataloger'],
      },
      {
        id: 'binary-python-00000000000000c1',
        name: 'python',
        version: '3.12.1',
        type: 'binary',
        purl: 'pkg:generic/python@3.12.1',
        cpes: ['cpe:2.3:a:python_software_foundation:python:3.12.1:*:*:*:*:*:*:*', 'cpe:2.3:a:python:python:3.12.1:*:*:*:*:*:*:*'],
        licenses: [],
        locations: [{ path: '/usr/local/lib/libpython3.12.so.1.0' }],
        foundBy: ['runtime-binary-cataloger'],
      },
    ],
    relationships: [
      { from: 'deb-python3-requests-00000000000000a1', to: 'python-requests-00000000000000b1', type: 'owns' },
      { from: 'deb-python3-six-00000000000000a1', to: 'python-six-00000000000000b2', type: 'owns' },
      { from: 'python-requests-00000000000000b1', to: 'python-six-00000000000000b2', type: 'depends-on' },
    ],
    tools: [{ name: 'custody', version: 'test' }],
  };
}

/** Relationships of a decoded SBOM as `name type name` (ids differ per format). */
function named(s: Sbom): string[] {
  const byId = new Map(s.packages.map((p) => [p.id, p.name]));
  return s.relationships
    .filter((r) => r.type !== 'describes' && r.type !== 'contains')
    .map((r) => `${byId.get(r.from)} ${r.type} ${byId.get(r.to)}`)
    .sort();
}

const WANT = ['python3-requests owns requests', 'python3-six owns six', 'requests depends-on six'];

describe('owns in every output format, read back by every decoder', () => {
  it.each(['json', 'cyclonedx-json', 'cyclonedx-json@1.4', 'cyclonedx-xml', 'spdx-json'])('%s', (format) => {
    const text = encodeSbom(ownedSbom(), format, { clock });
    const back = format === 'json' ? decodeNativeSbom(JSON.parse(text)) : decodeSbomBytes(Buffer.from(text), `x.${format}`).sbom;
    expect(named(back)).toEqual(WANT);
    // the runtime binary keeps its type through its generic purl (CycloneDX: custody:type)
    const python = back.packages.find((p) => p.name === 'python' && p.purl?.startsWith('pkg:generic/'))!;
    if (format !== 'spdx-json') expect(python.type).toBe('binary');
    // both CPEs (CycloneDX: the first in `cpe`, the others as custody:cpe properties)
    expect(python.cpes).toEqual(ownedSbom().packages.find((p) => p.name === 'python')!.cpes);
  });

  it('CycloneDX: a custody:ownedBy property naming the owner\'s bom-ref; the document stays valid', async () => {
    const text = encodeSbom(ownedSbom(), 'cyclonedx-json', { clock });
    const doc = JSON.parse(text) as { components: { 'bom-ref': string; properties?: { name: string; value: string }[] }[] };
    const requests = doc.components.find((c) => c['bom-ref'] === 'python-requests-00000000000000b1')!;
    expect(requests.properties).toContainEqual({ name: 'custody:ownedBy', value: 'deb-python3-requests-00000000000000a1' });
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(text)).toBeNull();
  });

  it('CycloneDX: an ownedBy naming no component is ignored', () => {
    const doc = JSON.parse(encodeSbom(ownedSbom(), 'cyclonedx-json', { clock })) as { components: { properties?: { name: string; value: string }[] }[] };
    for (const c of doc.components) for (const p of c.properties ?? []) if (p.name === 'custody:ownedBy') p.value = 'nobody';
    expect(named(decodeSbomBytes(Buffer.from(JSON.stringify(doc)), 'x.cdx.json').sbom)).toEqual(['requests depends-on six']);
  });

  it('SPDX 2.3: OTHER with the ownership-by-file-overlap comment, from the owner to the owned (as syft writes it)', () => {
    const doc = JSON.parse(encodeSbom(ownedSbom(), 'spdx-json', { clock })) as { relationships: Record<string, string>[] };
    expect(doc.relationships).toContainEqual({
      spdxElementId: 'SPDXRef-Package-deb-python3-requests-00000000000000a1',
      relationshipType: 'OTHER',
      relatedSpdxElement: 'SPDXRef-Package-python-requests-00000000000000b1',
      comment: OWNERSHIP_COMMENT,
    });
    // OTHER with any other comment is not ownership
    for (const r of doc.relationships) if (r.relationshipType === 'OTHER') r.comment = 'evident-by: something else';
    expect(named(decodeSbomBytes(Buffer.from(JSON.stringify(doc)), 'x.spdx.json').sbom)).toEqual(['requests depends-on six']);
  });

  it('SPDX tag-value: Relationship + RelationshipComment', () => {
    const tv = [
      'SPDXVersion: SPDX-2.3',
      'DataLicense: CC0-1.0',
      'SPDXID: SPDXRef-DOCUMENT',
      'DocumentName: x',
      'DocumentNamespace: https://example.com/x',
      'Creator: Tool: syft-1.0.0',
      'Created: 2024-01-01T00:00:00Z',
      'PackageName: python3-six',
      'SPDXID: SPDXRef-a',
      'PackageVersion: 1.16.0-4',
      'PackageDownloadLocation: NOASSERTION',
      'PackageName: six',
      'SPDXID: SPDXRef-b',
      'PackageVersion: 1.16.0',
      'PackageDownloadLocation: NOASSERTION',
      'Relationship: SPDXRef-a OTHER SPDXRef-b',
      `RelationshipComment: ${OWNERSHIP_COMMENT}`,
      'Relationship: SPDXRef-b OTHER SPDXRef-a',
      'RelationshipComment: evident-by: not ownership',
      '',
    ].join('\n');
    expect(named(decodeSbomBytes(Buffer.from(tv), 'x.spdx').sbom)).toEqual(['python3-six owns six']);
  });

  it('syft JSON: ownership-by-file-overlap (parent = the OS package) becomes owns; binary stays binary', () => {
    const doc = {
      artifacts: [
        { id: 'a1', name: 'python3-six', version: '1.16.0-4', type: 'deb', purl: 'pkg:deb/debian/python3-six@1.16.0-4?arch=all', locations: [], licenses: [] },
        { id: 'b1', name: 'six', version: '1.16.0', type: 'python', purl: 'pkg:pypi/six@1.16.0', locations: [], licenses: [] },
        { id: 'c1', name: 'python', version: '3.11.2', type: 'binary', purl: 'pkg:generic/python@3.11.2', locations: [], licenses: [] },
      ],
      artifactRelationships: [{ parent: 'a1', child: 'b1', type: 'ownership-by-file-overlap', metadata: { files: ['/usr/lib/python3/dist-packages/six.py'] } }],
      source: { type: 'image' },
      distro: {},
      descriptor: { name: 'syft', version: '1.57.2' },
      schema: { version: '16.0.0' },
    };
    const s = decodeSbomBytes(Buffer.from(JSON.stringify(doc)), 'x.syft.json').sbom;
    expect(named(s)).toEqual(['python3-six owns six']);
    expect(s.packages.find((p) => p.name === 'python')!.type).toBe('binary');
  });
});
