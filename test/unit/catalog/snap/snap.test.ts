import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { dpkgDbCataloger } from '../../../../src/catalog/debian/index.js';
import { snapCataloger } from '../../../../src/catalog/snap/index.js';
import { kernelChangelogVersion, parseKernelSnapChangelog, parseSnapcraftYaml, parseSnapDpkgYaml, parseSnapManifest } from '../../../../src/catalog/snap/snap.js';
import { FIXTURES } from '../../../helpers/paths.js';
import { catalogFiles } from '../lang-support.js';

const peer = (f: string): Buffer => readFileSync(join(FIXTURES, 'catalog', 'peers', 'syft/snap/testdata', f));

describe('snap-cataloger', () => {
  it("a gadget snap's manifest: its primed stage packages as Debian packages, the snap in metadata", async () => {
    const r = await catalogFiles([snapCataloger], [{ path: '/snap/pc/146/snap/manifest.yaml', content: peer('manifest.yaml') }]);
    expect(r.packages.map((p) => p.purl)).toEqual(['pkg:deb/ubuntu/grub-efi-amd64-signed@1.202+2.12-1ubuntu7?arch=amd64', 'pkg:deb/ubuntu/shim-signed@1.56+15.7-0ubuntu1?arch=amd64']);
    expect(r.packages[0]).toMatchObject({ type: 'deb', name: 'grub-efi-amd64-signed', version: '1.202+2.12-1ubuntu7', foundBy: ['snap-cataloger'], metadata: { snapType: 'app', snapName: 'pc', snapVersion: '24-0.1', base: 'core24', architecture: 'amd64' } });
  });

  it("a base snap's dpkg.yaml, unless a dpkg database beside it is the record", async () => {
    const alone = await catalogFiles([snapCataloger], [{ path: '/snap/core20/1/usr/share/snappy/dpkg.yaml', content: peer('real-dpkg.yaml') }]);
    expect(alone.packages).toHaveLength(10);
    expect(alone.packages.find((p) => p.name === 'libc6')).toMatchObject({ purl: 'pkg:deb/ubuntu/libc6@2.31-0ubuntu9.16?arch=amd64', metadata: { snapType: 'base', architecture: 'amd64' } });
    const status = 'Package: adduser\nStatus: install ok installed\nVersion: 3.118ubuntu2\nArchitecture: all\n\n';
    const both = await catalogFiles([dpkgDbCataloger, snapCataloger], [
      { path: '/usr/share/snappy/dpkg.yaml', content: peer('dpkg.yaml') },
      { path: '/var/lib/dpkg/status', content: Buffer.from(status) },
    ]);
    expect(both.packages.map((p) => `${p.name} ${p.foundBy.join()}`)).toEqual(['adduser dpkg-db-cataloger']);
  });

  it('snapcraft.yaml: pinned stage packages only; build packages are not packages, unpinned ones a warning', async () => {
    const text = [
      'name: snapd',
      'version: "2.63"',
      'base: core22',
      'architectures: [{ build-on: [amd64], build-for: [arm64] }]',
      'parts:',
      '  snapd:',
      '    plugin: nil',
      '    build-packages: [gcc, dpkg-dev]',
      '    stage-packages: [libc6=2.35-0ubuntu3.8, "squashfs-tools", openssh-client>=1]',
      '    stage-snaps: [core-utils]',
    ].join('\n');
    const r = await catalogFiles([snapCataloger], [{ path: '/build/snapd/snap/snapcraft.yaml', content: Buffer.from(text) }]);
    expect(r.packages.map((p) => p.purl)).toEqual(['pkg:deb/ubuntu/libc6@2.35-0ubuntu3.8?arch=arm64']);
    expect(r.packages[0]!.metadata).toMatchObject({ snapType: 'snapd', snapName: 'snapd', snapVersion: '2.63', base: 'core22' });
    expect(r.warnings.join('\n')).toMatch(/3 stage package\(s\) or snap\(s\) pin no version, not reported: squashfs-tools, openssh-client>=1, snap core-utils/);
  });

  it("a kernel snap's changelog: the kernel of its first entry; not when an OS package lists the file; not a changelog is incomplete", async () => {
    const changelog = gzipSync(`linux (5.4.0-195.215) focal; urgency=medium\n\n  * focal/linux: 5.4.0-195.215 -proposed tracker\n${'  * x\n'.repeat(400_000)}`);
    const path = '/snap/pc-kernel/1/usr/share/doc/linux-modules-5.4.0-195-generic/changelog.Debian.gz';
    const r = await catalogFiles([snapCataloger], [{ path, content: changelog }]);
    expect(r.packages.map((p) => [p.name, p.version, p.purl, p.metadata?.snapType])).toEqual([['linux-image-5.4.0-195-generic', '5.4.0-195.215', 'pkg:deb/ubuntu/linux-image-5.4.0-195-generic@5.4.0-195.215', 'kernel']]);
    expect(kernelChangelogVersion('linux (6.8.0-50.51) noble; urgency=medium')).toEqual(['6.8.0-50', '6.8.0-50.51']);
    expect(kernelChangelogVersion('linux (5.4.0-195) focal; urgency=medium')).toBeUndefined();
    // on an Ubuntu system the changelog belongs to the installed linux-modules package
    const owned = path.replace('/snap/pc-kernel/1', '');
    const status = 'Package: linux-modules-5.4.0-195-generic\nStatus: install ok installed\nVersion: 5.4.0-195.215\nArchitecture: amd64\n\n';
    const withDpkg = await catalogFiles([dpkgDbCataloger, snapCataloger], [
      { path: owned, content: changelog },
      { path: '/var/lib/dpkg/status', content: Buffer.from(status) },
      { path: '/var/lib/dpkg/info/linux-modules-5.4.0-195-generic.list', content: Buffer.from(`/usr/share/doc/linux-modules-5.4.0-195-generic\n${owned}\n`) },
    ]);
    expect(withDpkg.packages.map((p) => p.name)).toEqual(['linux-modules-5.4.0-195-generic']);
    const bad = await catalogFiles([snapCataloger], [
      { path: '/a/doc/linux-modules-1/changelog.Debian.gz', content: gzipSync('not a kernel\n') },
      { path: '/b/doc/linux-modules-1/changelog.Debian.gz', content: Buffer.from('not gzip') },
      { path: '/c/snap/manifest.yaml', content: Buffer.from('- a list\n') },
      { path: '/d/snap/manifest.yaml', content: Buffer.from('name: x\nprimed-stage-packages: [ok=1, "=2", "bad name=1", 3]\n') },
    ]);
    expect(bad.incomplete.map((i) => i.path).sort()).toEqual(['/a/doc/linux-modules-1/changelog.Debian.gz', '/b/doc/linux-modules-1/changelog.Debian.gz', '/c/snap/manifest.yaml']);
    expect(bad.packages.map((p) => p.purl)).toEqual(['pkg:deb/ubuntu/ok@1']);
    expect(bad.warnings.join('\n')).toMatch(/primed-stage-packages: 3 entries are not name=version, not reported: "=2", "bad name=1", number/);
  });

  it('hostile input (fast-check): a result or a thrown Error', async () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const run = async (f: () => unknown): Promise<void> => {
      try {
        const r = (await f()) as { packages: unknown[] };
        expect(Array.isArray(r.packages)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    };
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), async (a, b) => {
        const file = (s: string, path = '/s/snap/manifest.yaml') => ({ location: { path }, contents: Buffer.from(s) });
        await run(() => parseSnapManifest(file(`name: ${a}\narchitectures: [${b}]\nprimed-stage-packages:\n- ${a}=${b}\n- ${b}`), ctx));
        await run(() => parseSnapcraftYaml(file(`parts:\n  ${a}:\n    stage-packages: [${b}, "${a}=${b}"]\n`), ctx));
        await run(() => parseSnapDpkgYaml(file(`packages: ${a}\n`, '/usr/share/snappy/dpkg.yaml'), ctx));
        await run(() => parseKernelSnapChangelog(file(a, '/doc/linux-modules-x/changelog.Debian.gz'), ctx));
        await run(() => parseKernelSnapChangelog({ location: { path: '/c.gz' }, contents: gzipSync(`linux (${a}) ${b}\n`) }, ctx));
      }),
      { numRuns: 200 },
    );
    const start = Date.now();
    await run(() => parseSnapManifest({ location: { path: '/m' }, contents: Buffer.from(`a: &x [${'*x,'.repeat(1000)}]\n`) }, ctx));
    await run(() => parseSnapManifest({ location: { path: '/m' }, contents: Buffer.from(`a: &x [1, [*x]]\nb: &y [${'*x,'.repeat(99)}]\n`) }, ctx));
    await run(() => parseSnapManifest({ location: { path: '/m' }, contents: Buffer.from(`x: ${'['.repeat(50_000)}`) }, ctx));
    expect(Date.now() - start).toBeLessThan(5000);
  });
});
