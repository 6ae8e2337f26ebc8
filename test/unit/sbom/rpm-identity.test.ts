/**
 * An rpm package's identity survives every output format and comes back through the decoders:
 * the epoch in the purl (an explicit epoch=0 too) and the RHEL 8 module stream (modularityLabel),
 * which the vulnerability matcher needs. Also read from the other tools' shapes (syft, trivy).
 */
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { decodeSbomBytes } from '../../../src/sbom/index.js';
import { encodeSbom } from '../../../src/sbom/encode.js';
import { decodeNativeSbom } from '../../../src/sbom/native/index.js';
import type { Sbom } from '../../../src/sbom/model.js';

const clock = fixedClock(new Date('2024-05-01T12:00:00Z'));
const LABEL = 'nodejs:10:8020020200707141642:6a468ee4';

function rpmSbom(): Sbom {
  return {
    subject: { kind: 'directory', name: 'dir:/rootfs', transport: 'dir' },
    distro: { id: 'rhel', versionId: '8.9' },
    packages: [
      {
        id: 'rpm-nodejs-0000000000000001',
        name: 'nodejs',
        version: '1:10.21.0-3.module_el8.2.0+391+8da3adc6',
        type: 'rpm',
        purl: 'pkg:rpm/redhat/nodejs@10.21.0-3.module_el8.2.0+391+8da3adc6?arch=x86_64&distro=rhel-8.9&epoch=1&upstream=nodejs-10.21.0-3.module_el8.2.0%2B391%2B8da3adc6.src.rpm',
        licenses: ['MIT'],
        locations: [{ path: '/var/lib/rpm/Packages' }],
        foundBy: ['rpm-db-cataloger'],
        metadata: { epoch: 1, release: '3.module_el8.2.0+391+8da3adc6', architecture: 'x86_64', modularityLabel: LABEL },
      },
      {
        id: 'rpm-perl-Errno-0000000000000002',
        name: 'perl-Errno',
        version: '1.28-416.el8',
        type: 'rpm',
        purl: 'pkg:rpm/redhat/perl-Errno@1.28-416.el8?arch=x86_64&distro=rhel-8.9&epoch=0&upstream=perl-5.26.3-416.el8.src.rpm',
        licenses: [],
        locations: [{ path: '/var/lib/rpm/Packages' }],
        foundBy: ['rpm-db-cataloger'],
        metadata: { epoch: 0, release: '416.el8', architecture: 'x86_64' },
      },
    ],
    relationships: [],
    tools: [{ name: 'custody', version: '0.0.0' }],
  };
}

describe('rpm identity through the formats', () => {
  it.each(['cyclonedx-json', 'cyclonedx-json@1.4', 'cyclonedx-xml', 'spdx-json', 'json'])('%s: purl with epoch (0 too), version and modularityLabel come back', (format) => {
    const text = encodeSbom(rpmSbom(), format, { clock });
    // custody's own json model has its own decoder (readSbom reads the interchange formats)
    const back = format === 'json' ? decodeNativeSbom(JSON.parse(text)) : decodeSbomBytes(Buffer.from(text), format).sbom;
    const by = new Map(back.packages.map((p) => [p.name, p]));
    expect(by.get('nodejs')!.purl).toBe(rpmSbom().packages[0]!.purl);
    expect(by.get('nodejs')!.version).toBe('1:10.21.0-3.module_el8.2.0+391+8da3adc6');
    expect(by.get('nodejs')!.metadata?.modularityLabel).toBe(LABEL);
    expect(by.get('perl-Errno')!.purl).toContain('epoch=0');
    expect(by.get('perl-Errno')!.metadata?.modularityLabel).toBeUndefined();
  });

  it('SPDX carries the label as a package annotation', () => {
    const doc = JSON.parse(encodeSbom(rpmSbom(), 'spdx-json', { clock })) as { packages: Array<{ name: string; annotations?: Array<{ comment: string; annotationType: string }> }> };
    expect(doc.packages.find((p) => p.name === 'nodejs')!.annotations).toEqual([expect.objectContaining({ annotationType: 'OTHER', comment: `custody:metadata:modularityLabel=${LABEL}` })]);
    expect(doc.packages.find((p) => p.name === 'perl-Errno')!.annotations).toBeUndefined();
  });

  it("trivy's modularitylabel purl qualifier and syft's CycloneDX property are read as the label", () => {
    const cdx = {
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      components: [
        { type: 'library', name: 'a', version: '1-1', purl: `pkg:rpm/redhat/a@1-1?arch=x86_64&distro=redhat-8.9&modularitylabel=${encodeURIComponent(LABEL)}` },
        { type: 'library', name: 'b', version: '1-1', purl: 'pkg:rpm/rhel/b@1-1?arch=x86_64', properties: [{ name: 'syft:metadata:modularityLabel', value: LABEL }] },
        { type: 'library', name: 'c', version: '1-1', purl: 'pkg:rpm/rhel/c@1-1?arch=x86_64', properties: [{ name: 'syft:metadata:modularityLabel', value: '' }] },
      ],
    };
    const back = decodeSbomBytes(Buffer.from(JSON.stringify(cdx)), 'cdx').sbom;
    expect(back.packages.map((p) => [p.name, p.metadata?.modularityLabel])).toEqual([
      ['a', LABEL],
      ['b', LABEL],
      ['c', undefined],
    ]);
  });
});
