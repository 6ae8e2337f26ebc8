/** A small but complete Sbom (image identity, distro, every licence shape, hashes, CPEs, relationships) for encoder tests. */
import type { Sbom } from '../../../src/sbom/model.js';

const L1 = `sha256:${'a1'.repeat(32)}`;
const L2 = `sha256:${'b2'.repeat(32)}`;

export function sampleSbom(): Sbom {
  return {
    subject: {
      kind: 'image',
      name: 'docker-archive:fixtures/images/example.tar',
      transport: 'docker-archive',
      manifestDigest: `sha256:${'c3'.repeat(32)}`,
      configDigest: `sha256:${'d4'.repeat(32)}`,
      repoTags: ['registry.example/team/app:1.0'],
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
      layers: [
        { digest: L1, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: 1234, diffId: `sha256:${'e5'.repeat(32)}` },
        { digest: L2, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: 99 },
      ],
    },
    distro: { id: 'debian', versionId: '12', versionCodename: 'bookworm', prettyName: 'Debian GNU/Linux 12 (bookworm)' },
    packages: [
      {
        id: 'deb-apt-0000000000000001',
        name: 'apt',
        version: '2.6.1',
        type: 'deb',
        purl: 'pkg:deb/debian/apt@2.6.1?arch=amd64&distro=debian-12',
        licenses: ['GPL-2.0-or-later', 'GPL-2.0-only', 'BSD-3-Clause', 'MIT'],
        locations: [{ path: '/var/lib/dpkg/status', layer: L1 }],
        foundBy: ['dpkg-db-cataloger'],
        supplier: 'APT Development Team <deity@lists.debian.org>',
        description: 'commandline package manager',
        metadata: { source: 'apt', sourceVersion: '2.6.1', installedSizeKiB: 4232, provides: ['apt-transport-https'] },
      },
      {
        id: 'deb-libc6-0000000000000002',
        name: 'libc6',
        version: '2.36-9+deb12u4',
        type: 'deb',
        purl: 'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12&upstream=glibc',
        licenses: ['LGPL-2.1-or-later OR GPL-2.0-only', 'public-domain'],
        locations: [{ path: '/var/lib/dpkg/status', layer: L1 }],
        foundBy: ['dpkg-db-cataloger'],
      },
      {
        id: 'java-archive-log4j-core-0000000000000003',
        name: 'log4j-core',
        group: 'org.apache.logging.log4j',
        version: '2.14.1',
        type: 'java-archive',
        purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1',
        cpes: ['cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*'],
        licenses: ['Apache-2.0'],
        hashes: { 'SHA-1': 'ABCDEF0123456789ABCDEF0123456789ABCDEF01', 'SHA-256': 'ff'.repeat(32) },
        locations: [{ path: '/opt/app/app.war!/WEB-INF/lib/log4j-core-2.14.1.jar', layer: L2 }],
        foundBy: ['java-archive-cataloger'],
      },
      {
        id: 'npm-left-pad-0000000000000004',
        name: 'left-pad',
        version: '1.3.0',
        type: 'npm',
        purl: 'pkg:npm/left-pad@1.3.0',
        licenses: ['WTFPL OR MIT'],
        locations: [{ path: '/srv/app/node_modules/left-pad/package.json', layer: L1 }],
        foundBy: ['npm-package-cataloger'],
        deleted: true,
      },
    ],
    relationships: [
      { from: 'deb-apt-0000000000000001', to: 'deb-libc6-0000000000000002', type: 'depends-on' },
      { from: 'java-archive-log4j-core-0000000000000003', to: 'npm-left-pad-0000000000000004', type: 'contains' },
    ],
    tools: [{ name: 'custody', version: '0.1.0' }],
  };
}
