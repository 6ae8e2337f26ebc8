/**
 * Locations, subject identity and deleted marks: written where each format defines them, and read back from
 * every convention in use (custody's, the specs', syft's, trivy's). Real files of each tool are read in the
 * real tier (test/real/responder.test.ts); these documents are the conventions' minimal shapes.
 */
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { InputError } from '../../../src/core/errors.js';
import { diffIsEmpty, diffSboms } from '../../../src/query/diff.js';
import { ENCODE_FORMATS, encodeSbom } from '../../../src/sbom/encode.js';
import { decodeSbomBytes } from '../../../src/sbom/index.js';
import type { Sbom } from '../../../src/sbom/model.js';
import { parseSourceInfo } from '../../../src/sbom/spdx/decode.js';
import { isFullReference, repositoryShortName, subjectLabel } from '../../../src/sbom/subject.js';
import { sampleSbom } from '../sbom/encode-fixture.js';

const clock = fixedClock(new Date('2024-05-01T12:00:00Z'));
const decode = (doc: unknown): Sbom => decodeSbomBytes(Buffer.from(typeof doc === 'string' ? doc : JSON.stringify(doc)), 'doc').sbom;
const L = (c: string): string => `sha256:${c.repeat(64)}`;

function cdx(component: Record<string, unknown>, metadata: Record<string, unknown> = {}): unknown {
  return { bomFormat: 'CycloneDX', specVersion: '1.6', metadata, components: [{ type: 'library', name: 'log4j-core', version: '2.14.1', purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', ...component }] };
}
const props = (...kv: [string, string][]): { name: string; value: string }[] => kv.map(([name, value]) => ({ name, value }));

describe('CycloneDX locations: every convention', () => {
  it('evidence.occurrences (the spec)', () => {
    const s = decode(cdx({ evidence: { occurrences: [{ location: '/opt/a.jar' }, { location: '/opt/b.jar' }] } }));
    expect(s.packages[0]!.locations).toEqual([{ path: '/opt/a.jar' }, { path: '/opt/b.jar' }]);
  });
  it("custody's custody:location:<i>:path|layer, in index order", () => {
    const s = decode(cdx({ properties: props(['custody:location:1:path', '/b.jar'], ['custody:location:0:layer', L('a')], ['custody:location:0:path', '/a.war!/WEB-INF/lib/x.jar']) }));
    expect(s.packages[0]!.locations).toEqual([{ path: '/a.war!/WEB-INF/lib/x.jar', layer: L('a') }, { path: '/b.jar' }]);
  });
  it("syft's syft:location:<i>:path|layerID", () => {
    const s = decode(cdx({ properties: props(['syft:location:0:layerID', L('b')], ['syft:location:0:path', '/usr/share/java/log4j-core.jar']) }));
    expect(s.packages[0]!.locations).toEqual([{ path: '/usr/share/java/log4j-core.jar', layer: L('b') }]);
  });
  it("trivy's FilePath (relative to the image root) with LayerDigest; LayerDiffID is not a layer digest", () => {
    const image = { component: { type: 'container', name: 'registry.example/app:1' } };
    const s = decode(cdx({ properties: props(['aquasecurity:trivy:FilePath', 'opt/app/x.jar'], ['aquasecurity:trivy:LayerDigest', L('c')], ['aquasecurity:trivy:LayerDiffID', L('d')]) }, image));
    expect(s.packages[0]!.locations).toEqual([{ path: '/opt/app/x.jar', layer: L('c') }]);
    const dir = decode(cdx({ properties: props(['aquasecurity:trivy:FilePath', 'lib/x.jar'], ['aquasecurity:trivy:LayerDiffID', L('d')]) }));
    expect(dir.packages[0]!.locations).toEqual([{ path: 'lib/x.jar' }]);
  });
  it('one file named by two conventions is one location, with the layer; one path in two layers stays two', () => {
    const s = decode(cdx({ evidence: { occurrences: [{ location: '/a.jar' }] }, properties: props(['custody:location:0:path', '/a.jar'], ['custody:location:0:layer', L('a')], ['custody:location:1:path', '/a.jar'], ['custody:location:1:layer', L('b')]) }));
    expect(s.packages[0]!.locations).toEqual([{ path: '/a.jar', layer: L('a') }, { path: '/a.jar', layer: L('b') }]);
  });
  it('custody:type, foundBy, deleted, extra cpes and metadata come back; trivy SrcName is the source package', () => {
    const s = decode(cdx({ name: 'x', purl: undefined, properties: props(['custody:type', 'java-archive'], ['custody:foundBy', 'java-archive-cataloger'], ['custody:deleted', 'true'], ['custody:cpe', 'cpe:2.3:a:x:x:1:*:*:*:*:*:*:*'], ['custody:metadata:source', 'src'], ['custody:metadata:provides', 'a'], ['custody:metadata:provides', 'b']) }));
    expect(s.packages[0]).toMatchObject({ type: 'java-archive', foundBy: ['java-archive-cataloger'], deleted: true, cpes: ['cpe:2.3:a:x:x:1:*:*:*:*:*:*:*'], metadata: { source: 'src', provides: ['a', 'b'] } });
    const t = decode(cdx({ name: 'libc6', purl: 'pkg:deb/debian/libc6@2.36?arch=amd64', properties: props(['aquasecurity:trivy:SrcName', 'glibc'], ['aquasecurity:trivy:SrcVersion', '2.36']) }));
    expect(t.packages[0]!.metadata).toMatchObject({ source: 'glibc', sourceVersion: '2.36' });
  });
  it("trivy's aggregate components (a lock file, a binary: Class lang-pkgs, no purl) are not packages; their path locates the packages they list", () => {
    const doc = {
      bomFormat: 'CycloneDX',
      specVersion: '1.4',
      metadata: { component: { 'bom-ref': 'img', type: 'container', name: 'registry.example/app:1' } },
      components: [
        { 'bom-ref': 'pkg:composer/pear/log@1.13.1', type: 'library', name: 'pear/log', version: '1.13.1', purl: 'pkg:composer/pear/log@1.13.1' },
        { 'bom-ref': 'pkg:npm/a@1', type: 'library', name: 'a', version: '1', purl: 'pkg:npm/a@1', properties: props(['aquasecurity:trivy:FilePath', 'app/node_modules/a/package.json']) },
        { 'bom-ref': 'agg-1', type: 'application', name: 'app/composer/composer.lock', properties: props(['aquasecurity:trivy:Type', 'composer'], ['aquasecurity:trivy:Class', 'lang-pkgs']) },
      ],
      dependencies: [
        { ref: 'agg-1', dependsOn: ['pkg:composer/pear/log@1.13.1', 'pkg:npm/a@1'] },
        { ref: 'img', dependsOn: ['agg-1', 'pkg:npm/a@1'] },
      ],
    };
    const s = decode(doc);
    expect(s.packages.map((p) => p.name)).toEqual(['pear/log', 'a']);
    expect(s.packages[0]!.locations).toEqual([{ path: '/app/composer/composer.lock' }]);
    expect(s.packages[1]!.locations).toEqual([{ path: '/app/node_modules/a/package.json' }]);
    expect(s.relationships.some((r) => r.from === 'agg-1' || r.to === 'agg-1')).toBe(false);
  });
  it('an operating-system component is the distro (custody, syft spellings), not a package', () => {
    const doc = { bomFormat: 'CycloneDX', specVersion: '1.5', components: [{ type: 'operating-system', name: 'debian', version: '12', description: 'Debian GNU/Linux 12 (bookworm)', properties: props(['syft:distro:versionCodename', 'bookworm']) }, { type: 'library', name: 'zlib', version: '1' }] };
    const s = decode(doc);
    expect(s.distro).toEqual({ id: 'debian', versionId: '12', versionCodename: 'bookworm', prettyName: 'Debian GNU/Linux 12 (bookworm)' });
    expect(s.packages.map((p) => p.name)).toEqual(['zlib']);
  });
});

describe('SPDX locations: sourceInfo sentences and CONTAINS files', () => {
  it("custody's sentence: cataloger, paths with layers, deletion; 'found at' without a cataloger", () => {
    expect(parseSourceInfo(`found by java-archive-cataloger, trivy at /a.war!/WEB-INF/lib/x.jar (layer ${L('a')}), /b, c.jar; deleted by a later layer`)).toEqual({
      foundBy: ['java-archive-cataloger', 'trivy'],
      locations: [{ path: '/a.war!/WEB-INF/lib/x.jar', layer: L('a') }, { path: '/b, c.jar' }],
      deleted: true,
    });
    expect(parseSourceInfo('found at /x.jar')).toEqual({ foundBy: [], locations: [{ path: '/x.jar' }], deleted: false });
  });
  it("syft's and trivy's sentences", () => {
    expect(parseSourceInfo('acquired package info from installed java archive: /a.jar, /b.jar').locations).toEqual([{ path: '/a.jar' }, { path: '/b.jar' }]);
    expect(parseSourceInfo('package found in: Manifest.toml').locations).toEqual([{ path: 'Manifest.toml' }]);
    expect(parseSourceInfo('built package from: openssl 1:1.0.2k-16.el7')).toMatchObject({ locations: [], source: { name: 'openssl', version: '1:1.0.2k-16.el7' } });
    expect(parseSourceInfo('Java').locations).toEqual([]);
  });
  const spdx = (pkg: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown => ({
    spdxVersion: 'SPDX-2.3',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: 'doc',
    packages: [{ SPDXID: 'SPDXRef-p', name: 'log4j-core', versionInfo: '2.14.1', ...pkg }],
    ...extra,
  });
  it('files a package CONTAINS (relationship or hasFiles) with syft layerID comments and trivy LayerDigest notes', () => {
    const files = [{ SPDXID: 'SPDXRef-f1', fileName: '/opt/x.jar', comment: `layerID: ${L('e')}` }, { SPDXID: 'SPDXRef-f2', fileName: 'opt/y.jar' }];
    const viaRel = decode(spdx({}, { files, relationships: [{ spdxElementId: 'SPDXRef-p', relationshipType: 'CONTAINS', relatedSpdxElement: 'SPDXRef-f1' }] }));
    expect(viaRel.packages[0]!.locations).toEqual([{ path: '/opt/x.jar', layer: L('e') }]);
    const viaHas = decode(spdx({ hasFiles: ['SPDXRef-f2'], annotations: [{ comment: `LayerDigest: ${L('f')}` }] }, { files }));
    expect(viaHas.packages[0]!.locations).toEqual([{ path: 'opt/y.jar', layer: L('f') }]);
  });
  it('sourceInfo wins over CONTAINS files (syft lists a package\'s installed files there)', () => {
    const s = decode(spdx({ sourceInfo: 'acquired package info from DPKG DB: /var/lib/dpkg/status' }, { files: [{ SPDXID: 'SPDXRef-f1', fileName: '/usr/bin/x' }], relationships: [{ spdxElementId: 'SPDXRef-p', relationshipType: 'CONTAINS', relatedSpdxElement: 'SPDXRef-f1' }] }));
    expect(s.packages[0]!.locations).toEqual([{ path: '/var/lib/dpkg/status' }]);
  });
  it("the described CONTAINER root is the subject (trivy's ContainerImage too, with its RepoTag); an OPERATING_SYSTEM package is the distro", () => {
    const doc = {
      spdxVersion: 'SPDX-2.2',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: 'img.tar.gz',
      packages: [
        { SPDXID: 'SPDXRef-ContainerImage-1', name: 'img.tar.gz', attributionTexts: ['ImageID: sha256:' + 'a'.repeat(64), 'RepoTag: ghcr.io/x/y:1'] },
        { SPDXID: 'SPDXRef-OperatingSystem-1', name: 'centos', versionInfo: '7.6.1810' },
        { SPDXID: 'SPDXRef-Package-1', name: 'bash', versionInfo: '4.2.46' },
      ],
      relationships: [{ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-ContainerImage-1' }],
    };
    const s = decode(doc);
    expect(s.subject).toMatchObject({ kind: 'image', name: 'img.tar.gz', repoTags: ['ghcr.io/x/y:1'], configDigest: `sha256:${'a'.repeat(64)}` });
    expect(subjectLabel(s.subject)).toBe('ghcr.io/x/y:1');
    expect(s.distro).toEqual({ id: 'centos', versionId: '7.6.1810' });
    expect(s.packages.map((p) => p.name)).toEqual(['bash']);
  });
  it("the described FILE root (syft's DocumentRoot-File-…, its digest as version) is the subject, not a package", () => {
    const digest = `sha256:${'b'.repeat(64)}`;
    const doc = {
      spdxVersion: 'SPDX-2.3',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: 'launcher',
      packages: [
        { SPDXID: 'SPDXRef-Package-go', name: 'github.com/buildpacks/lifecycle', versionInfo: 'v0.20.2' },
        { SPDXID: 'SPDXRef-DocumentRoot-File-launcher', name: 'launcher', versionInfo: digest, primaryPackagePurpose: 'FILE' },
      ],
      relationships: [
        { spdxElementId: 'SPDXRef-DocumentRoot-File-launcher', relationshipType: 'CONTAINS', relatedSpdxElement: 'SPDXRef-Package-go' },
        { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-DocumentRoot-File-launcher' },
      ],
    };
    const s = decode(doc);
    expect(s.subject).toMatchObject({ kind: 'file', name: 'launcher' });
    expect(s.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['github.com/buildpacks/lifecycle@v0.20.2']);
    const dir = decode({ ...doc, packages: [doc.packages[0], { ...doc.packages[1], SPDXID: 'SPDXRef-DocumentRoot-Directory-src', name: 'src' }], relationships: [{ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-DocumentRoot-Directory-src' }] });
    expect(dir.subject).toMatchObject({ kind: 'directory', name: 'src' });
    expect(dir.packages.map((p) => p.name)).toEqual(['github.com/buildpacks/lifecycle']);
  });
  it("trivy's Filesystem root is the subject; its Application elements (no version or purl) are not packages, their sourceInfo path locates what they list", () => {
    const doc = {
      spdxVersion: 'SPDX-2.3',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: 'app',
      packages: [
        { SPDXID: 'SPDXRef-Filesystem-1', name: 'app' },
        { SPDXID: 'SPDXRef-Application-1', name: 'composer', sourceInfo: 'app/composer/composer.lock' },
        { SPDXID: 'SPDXRef-Application-2', name: 'node-pkg', sourceInfo: 'Node.js' },
        { SPDXID: 'SPDXRef-Package-1', name: 'pear/log', versionInfo: '1.13.1', externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:composer/pear/log@1.13.1' }] },
        { SPDXID: 'SPDXRef-Package-2', name: 'yargs-parser', versionInfo: '21.1.1' },
        { SPDXID: 'SPDXRef-ContainerImage-9', name: 'not-described' },
      ],
      relationships: [
        { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-Filesystem-1' },
        { spdxElementId: 'SPDXRef-Filesystem-1', relationshipType: 'CONTAINS', relatedSpdxElement: 'SPDXRef-Application-1' },
        { spdxElementId: 'SPDXRef-Application-1', relationshipType: 'DEPENDS_ON', relatedSpdxElement: 'SPDXRef-Package-1' },
        { spdxElementId: 'SPDXRef-Application-2', relationshipType: 'CONTAINS', relatedSpdxElement: 'SPDXRef-Package-2' },
      ],
    };
    const s = decode(doc);
    expect(s.subject).toMatchObject({ kind: 'directory', name: 'app' });
    expect(s.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['pear/log@1.13.1', 'yargs-parser@21.1.1']);
    expect(s.packages[0]!.locations).toEqual([{ path: 'app/composer/composer.lock' }]);
    expect(s.packages[1]!.locations).toEqual([]);
    expect(s.relationships).toEqual([]);
  });
  it('tag-value: files (FileName, SPDXID, FileComment) and relationships give locations', () => {
    const tv = [
      'SPDXVersion: SPDX-2.3',
      'SPDXID: SPDXRef-DOCUMENT',
      'DocumentName: x',
      'PackageName: log4j-core',
      'SPDXID: SPDXRef-p',
      'PackageVersion: 2.14.1',
      'PackageAttributionText: LayerDigest: ' + L('1'),
      'FileName: /opt/x.jar',
      'SPDXID: SPDXRef-f',
      'FileComment: a file',
      'Relationship: SPDXRef-p CONTAINS SPDXRef-f',
    ].join('\n');
    expect(decode(tv).packages[0]!.locations).toEqual([{ path: '/opt/x.jar', layer: L('1') }]);
  });
});

describe('subject identity', () => {
  it('a bare OCI ref name is not a reference; labels prefer a full repo tag, else the path with the ref name', () => {
    expect(isFullReference('latest')).toBe(false);
    expect(isFullReference('docker.io/sbomtest/java-log4j:latest')).toBe(true);
    expect(subjectLabel({ name: 'oci-dir:/images/app', refName: 'latest' })).toBe('/images/app (ref latest)');
    expect(subjectLabel({ name: 'docker-archive:/x/app.tar', repoTags: ['latest', 'docker.io/sbomtest/app:1'] })).toBe('docker.io/sbomtest/app:1');
    expect(subjectLabel({ name: 'registry:127.0.0.1:5000/sbomtest/app:1' })).toBe('127.0.0.1:5000/sbomtest/app:1');
    expect(repositoryShortName({ name: 'docker-archive:/x/app.tar' })).toBe('app');
    expect(repositoryShortName({ name: 'x', repoTags: ['127.0.0.1:5000/sbomtest/app:1.0'] })).toBe('app');
  });
});

/** The model with what a pre-25 docker archive has (no manifest digest) and an OCI ref name, for the round trips. */
function responderSbom(): Sbom {
  const s = sampleSbom();
  s.subject.refName = 'latest';
  s.subject.repoDigests = [`registry.example/team/app@${L('9')}`];
  // Two copies of one package in two places (the Debian jar and the one inside the app's war).
  s.packages.push({ ...s.packages[2]!, id: 'java-archive-log4j-core-0000000000000005', locations: [{ path: '/usr/share/java/log4j-core.jar', layer: L('a') }] });
  return s;
}

const identity = (s: Sbom): unknown =>
  s.packages
    .map((p) => ({ name: p.name, version: p.version, purl: p.purl ?? null, deleted: p.deleted === true, locations: p.locations }))
    .sort((a, b) => `${a.name}@${a.version}@${a.locations[0]?.path ?? ''}`.localeCompare(`${b.name}@${b.version}@${b.locations[0]?.path ?? ''}`));

describe('round trips: every writer format reads back the same packages, locations, marks, subject and distro', () => {
  const model = responderSbom();
  it.each(ENCODE_FORMATS)('%s', (format) => {
    const back = decode(encodeSbom(model, format, { clock }));
    expect(identity(back)).toEqual(identity(model));
    expect(back.distro).toMatchObject({ id: 'debian', versionId: '12', versionCodename: 'bookworm' });
    const { layers: _l, ...subject } = model.subject;
    expect(back.subject).toMatchObject(subject);
    expect(back.subject.layers?.map((l) => l.digest)).toEqual(model.subject.layers?.map((l) => l.digest));
    const d = diffSboms(model, back, { a: { path: 'model', format: 'model' }, b: { path: format, format } }, { by: 'location', includeDeleted: true });
    expect(diffIsEmpty(d), JSON.stringify(d)).toBe(true);
  });
  it('CycloneDX 1.5+ carries the locations in evidence.occurrences (JSON and XML); SPDX in sourceInfo', () => {
    const json = JSON.parse(encodeSbom(model, 'cyclonedx-json@1.5', { clock })) as { components: { name: string; evidence?: { occurrences: { location: string }[] } }[] };
    expect(json.components.filter((c) => c.name === 'log4j-core').map((c) => c.evidence?.occurrences)).toEqual([[{ location: '/opt/app/app.war!/WEB-INF/lib/log4j-core-2.14.1.jar' }], [{ location: '/usr/share/java/log4j-core.jar' }]]);
    expect(encodeSbom(model, 'cyclonedx-xml@1.6', { clock })).toContain('<evidence>\n        <occurrences>\n          <occurrence>\n            <location>/opt/app/app.war!/WEB-INF/lib/log4j-core-2.14.1.jar</location>');
    expect(encodeSbom(model, 'cyclonedx-json@1.4', { clock })).not.toContain('occurrences');
    const spdx = JSON.parse(encodeSbom(model, 'spdx-json', { clock })) as { packages: { name: string; sourceInfo?: string; primaryPackagePurpose?: string }[] };
    expect(spdx.packages.find((p) => p.name === 'left-pad')!.sourceInfo).toBe(`found by npm-package-cataloger at /srv/app/node_modules/left-pad/package.json (layer sha256:${'a1'.repeat(32)}); deleted by a later layer`);
    expect(spdx.packages[0]).toMatchObject({ name: 'registry.example/team/app:1.0', primaryPackagePurpose: 'CONTAINER' });
  });
});

describe("custody's json model as an input", () => {
  const text = encodeSbom(responderSbom(), 'json', { clock });
  it('is sniffed by its custodySbomVersion and decoded losslessly', () => {
    const r = decodeSbomBytes(Buffer.from(text), 'a.json');
    expect(r.format).toEqual({ id: 'custody-json', version: '1' });
    expect(identity(r.sbom)).toEqual(identity(responderSbom()));
  });
  it('a wrong shape or a newer version is SBOM_NATIVE_INVALID (exit 3), naming what is wrong', () => {
    const doc = JSON.parse(text) as { custodySbomVersion: number; packages: { locations: unknown[] }[] };
    doc.packages[0]!.locations = [{ layer: 'x' }];
    expect(() => decode(doc)).toThrow(/packages\[0\]\.locations\[0\] is not \{path, layer\?\}/);
    expect(() => decode({ ...JSON.parse(text), custodySbomVersion: 2 })).toThrow(InputError);
    expect(() => decode({ ...JSON.parse(text), completeness: 'maybe' })).toThrow(/completeness/);
  });
  it("reads completeness and incomplete back (the contract's fields)", () => {
    const doc = { ...JSON.parse(text), completeness: 'incomplete', incomplete: [{ kind: 'file', path: '/var/lib/rpm/Packages', reason: 'truncated', by: 'rpm-db-cataloger' }] };
    const s = decode(doc);
    expect(s.completeness).toBe('incomplete');
    expect(s.incomplete).toEqual([{ kind: 'file', path: '/var/lib/rpm/Packages', reason: 'truncated', by: 'rpm-db-cataloger' }]);
  });
});
