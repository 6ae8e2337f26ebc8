import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type CatalogContext } from '../../../src/catalog/cataloger.js';
import { dpkgDbCataloger } from '../../../src/catalog/debian/index.js';
import { dependencyNames, isDebianVersion, parseControlStanzas, parseDpkgStatus } from '../../../src/catalog/debian/dpkg-status.js';
import { catalogRoot, rootOf, stableJson } from './helpers.js';

const DOCS = Object.fromEntries(
  ['apt', 'zlib1g', 'gcc-12-base', 'adduser', 'tzdata'].map((p) => [`/usr/share/doc/${p}/copyright`, `dpkg/doc/${p}/copyright`]),
);

describe('dpkg-db-cataloger', () => {
  it('reads /var/lib/dpkg/status of a Debian 12 image: versions with epoch, source, arch, purl, licences', async () => {
    const result = await catalogRoot(
      [dpkgDbCataloger],
      rootOf(
        { '/var/lib/dpkg/status': 'dpkg/status', '/etc/os-release': 'debian-os-release', ...DOCS },
        // Debian ships some doc dirs as symlinks to another package's (libgcc-s1 -> gcc-12-base).
        [{ path: '/usr/share/doc/libgcc-s1', linkTarget: 'gcc-12-base' }],
      ),
    );
    expect(result.warnings).toEqual([]);
    expect(result.distro).toMatchObject({ id: 'debian', versionId: '12', versionCodename: 'bookworm' });
    expect(result.packages.map((p) => `${p.name}@${p.version}`)).toEqual([
      'adduser@3.134',
      'apt@2.6.2',
      'bsdutils@1:2.38.1-5+deb12u3',
      'debian-archive-keyring@2023.3+deb12u2',
      'gcc-12-base@12.2.0-14+deb12u1',
      'libapt-pkg6.0@2.6.2',
      'libc6@2.36-9+deb12u14',
      'libgcc-s1@12.2.0-14+deb12u1',
      'tzdata@2026f-0+deb12u1',
      'zlib1g@1:1.2.13.dfsg-1',
    ]);
    const apt = result.packages.find((p) => p.name === 'apt')!;
    expect(apt.purl).toBe('pkg:deb/debian/apt@2.6.2?arch=amd64&distro=debian-12');
    expect(apt.licenses).toEqual(['GPL-2.0-or-later', 'GPL-2.0-only', 'BSD-3-Clause', 'MIT']);
    expect(apt.foundBy).toEqual(['dpkg-db-cataloger']);
    expect(apt.locations).toEqual([{ path: '/var/lib/dpkg/status' }]);
    const bsdutils = result.packages.find((p) => p.name === 'bsdutils')!;
    expect(bsdutils.purl).toBe('pkg:deb/debian/bsdutils@1:2.38.1-5+deb12u3?arch=amd64&distro=debian-12&upstream=util-linux');
    expect(bsdutils.metadata).toMatchObject({ source: 'util-linux', sourceVersion: '2.38.1-5+deb12u3' });
    expect(result.packages.find((p) => p.name === 'libc6')!.purl).toContain('upstream=glibc');
    expect(result.packages.find((p) => p.name === 'zlib1g')!.licenses).toEqual(['Zlib']);
    // free-form copyright (gcc) is not guessed at, even through the doc-dir symlink
    expect(result.packages.find((p) => p.name === 'libgcc-s1')!.licenses).toEqual([]);
    expect(result.packages.find((p) => p.name === 'tzdata')!.licenses).toEqual(['public-domain']);
    // depends-on: apt -> libapt-pkg6.0, libc6; libc6 -> libgcc-s1
    const id = (n: string): string => result.packages.find((p) => p.name === n)!.id;
    expect(result.relationships).toContainEqual({ from: id('apt'), to: id('libapt-pkg6.0'), type: 'depends-on' });
    expect(result.relationships).toContainEqual({ from: id('libc6'), to: id('libgcc-s1'), type: 'depends-on' });
    await expect(stableJson(result)).toMatchFileSnapshot('__golden__/dpkg/status.json');
  });

  it('keeps the layer digest of the status file in each location', async () => {
    const result = await catalogRoot([dpkgDbCataloger], [
      { path: '/var/lib/dpkg/status', content: 'Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n', layer: 'sha256:' + 'ab'.repeat(32) },
    ]);
    expect(result.packages[0]!.locations).toEqual([{ path: '/var/lib/dpkg/status', layer: 'sha256:' + 'ab'.repeat(32) }]);
    expect(result.packages[0]!.purl).toBe('pkg:deb/debian/a@1?arch=amd64');
  });

  it('skips config-files-only packages; stanzas without Package or Version are incomplete input (one without Version is still reported by name, as syft does)', async () => {
    const result = await catalogRoot([dpkgDbCataloger], rootOf({ '/var/lib/dpkg/status': 'dpkg/status-edge' }));
    expect(result.packages.map((p) => `${p.name}@${p.version} ${p.purl}`)).toEqual(['netbase@6.4 pkg:deb/debian/netbase@6.4?arch=all', 'noversion@ pkg:deb/debian/noversion?arch=amd64']);
    expect(result.warnings).toEqual([
      '/var/lib/dpkg/status: not read completely: a stanza without a valid Package field',
      '/var/lib/dpkg/status: not read completely: installed package noversion has no Version: reported without one',
    ]);
    // A record of the package database that cannot be read may be a missing package (README "Completeness").
    expect(result.incomplete).toEqual([
      { kind: 'file', path: '/var/lib/dpkg/status', reason: 'a stanza without a valid Package field', by: 'dpkg-db-cataloger' },
      { kind: 'file', path: '/var/lib/dpkg/status', reason: 'installed package noversion has no Version: reported without one', by: 'dpkg-db-cataloger' },
    ]);
  });

  it.each([
    // want/flag/state as dpkg(1) writes them. Only the states whose files are gone are left out:
    // `config-files` (removed, conffiles kept) and `not-installed` (purged). A package that is held,
    // selected for removal but still installed, or unpacked and not (fully) configured has its files
    // on disk, so it stays in the SBOM (a scanner must see it).
    ['install ok installed', true],
    ['hold ok installed', true],
    ['deinstall ok installed', true],
    ['install ok unpacked', true],
    ['install ok half-configured', true],
    ['install ok triggers-pending', true],
    ['install reinstreq half-installed', true],
    ['deinstall ok config-files', false],
    ['purge ok config-files', false],
    ['purge ok not-installed', false],
    ['unknown ok not-installed', false],
  ])('Status: %s -> listed: %s', async (status, listed) => {
    const result = await catalogRoot([dpkgDbCataloger], [
      { path: '/var/lib/dpkg/status', content: `Package: a\nStatus: ${status}\nVersion: 1.0\nArchitecture: amd64\n\nPackage: b\nStatus: install ok installed\nVersion: 2.0\nArchitecture: amd64\n` },
    ]);
    expect(result.packages.map((p) => p.name)).toEqual(listed ? ['a', 'b'] : ['b']);
    expect(result.warnings).toEqual([]);
  });

  it('reads distroless status.d files and ignores their .md5sums', async () => {
    const result = await catalogRoot(
      [dpkgDbCataloger],
      rootOf({
        '/var/lib/dpkg/status.d/libc6': 'dpkg/status.d/libc6',
        '/var/lib/dpkg/status.d/base-files': 'dpkg/status.d/base-files',
        '/var/lib/dpkg/status.d/base-files.md5sums': 'dpkg/status.d/base-files.md5sums',
        '/etc/os-release': 'debian-os-release',
      }),
    );
    expect(result.warnings).toEqual([]);
    expect(result.packages.map((p) => [p.name, p.version, p.locations[0]!.path])).toEqual([
      ['base-files', '12.4+deb12u5', '/var/lib/dpkg/status.d/base-files'],
      ['libc6', '2.36-9+deb12u7', '/var/lib/dpkg/status.d/libc6'],
    ]);
  });

  it('a status.d file that is another dpkg info file (`.preinst`, `.conffiles`) is no database; a stanza named so still is', async () => {
    const result = await catalogRoot([dpkgDbCataloger], [
      { path: '/var/lib/dpkg/status.d/libsqlite3-0', content: Buffer.from('Package: libsqlite3-0\nVersion: 3.40.1-2\nArchitecture: amd64\n') },
      { path: '/var/lib/dpkg/status.d/libsqlite3-0.preinst', content: Buffer.from('#!/bin/sh\nset -e\nexit 0\n') },
      { path: '/var/lib/dpkg/status.d/libsqlite3-0.conffiles', content: Buffer.from('/etc/sqlite.conf\n') },
      { path: '/var/lib/dpkg/status.d/odd.list', content: Buffer.from('Package: odd.list\nVersion: 1.0\nArchitecture: all\n') },
    ]);
    expect(result.incomplete).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.packages.map((p) => p.purl)).toEqual(['pkg:deb/debian/libsqlite3-0@3.40.1-2?arch=amd64', 'pkg:deb/debian/odd.list@1.0?arch=all']);
  });

  it('reads the database under /usr/lib/dpkg too (status, status.d/*), with its info files there', async () => {
    const result = await catalogRoot([dpkgDbCataloger], [
      { path: '/usr/lib/dpkg/status', content: Buffer.from('Package: busybox\nStatus: install ok installed\nVersion: 1:1.36.1-9\nArchitecture: amd64\n') },
      { path: '/usr/lib/dpkg/info/busybox.list', content: Buffer.from('/.\n/bin/busybox\n') },
      { path: '/usr/lib/dpkg/status.d/tzdata', content: Buffer.from('Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n') },
      { path: '/usr/lib/dpkg/status.d/tzdata.md5sums', content: Buffer.from('0123456789abcdef0123456789abcdef  usr/share/zoneinfo/UTC\n') },
    ]);
    expect(result.warnings).toEqual([]);
    expect(result.packages.map((p) => [p.purl, p.locations[0]!.path])).toEqual([
      ['pkg:deb/debian/busybox@1:1.36.1-9?arch=amd64', '/usr/lib/dpkg/status'],
      ['pkg:deb/debian/tzdata@2024a-0+deb12u1?arch=all', '/usr/lib/dpkg/status.d/tzdata'],
    ]);
    const ctx: CatalogContext = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS, read: async (p) => (p === '/usr/lib/dpkg/info/busybox.list' ? Buffer.from('/.\n/bin/busybox\n') : undefined) };
    const r = await parseDpkgStatus({ location: { path: '/usr/lib/dpkg/status' }, contents: Buffer.from('Package: busybox\nVersion: 1\n') }, ctx);
    expect([...r.ownedFiles!.values()]).toEqual([['/bin/busybox']]);
  });

  it('reports the files each package installed: <pkg>.list, else <pkg>:<arch>.list (Multi-Arch: same), CRLF-safe', async () => {
    const lists: Record<string, string> = {
      '/var/lib/dpkg/info/busybox.list': '/.\n/bin\n/bin/busybox\r\n/usr/share/doc/busybox\n',
      '/var/lib/dpkg/info/libc6:amd64.list': '/.\n/usr/lib/x86_64-linux-gnu/libc.so.6\n',
    };
    const warnings: string[] = [];
    const ctx: CatalogContext = { warn: (m) => warnings.push(m), incomplete: () => {}, limits: DEFAULT_LIMITS, read: async (p) => (lists[p] === undefined ? undefined : Buffer.from(lists[p]!)) };
    const status = 'Package: busybox\nVersion: 1\nArchitecture: amd64\n\nPackage: libc6\nVersion: 2\nArchitecture: amd64\nMulti-Arch: same\n\nPackage: nolist\nVersion: 3\n';
    const r = await parseDpkgStatus({ location: { path: '/var/lib/dpkg/status' }, contents: Buffer.from(status) }, ctx);
    const owned = Object.fromEntries([...r.ownedFiles!].map(([p, files]) => [p.name, files]));
    expect(owned).toEqual({ busybox: ['/bin', '/bin/busybox', '/usr/share/doc/busybox'], libc6: ['/usr/lib/x86_64-linux-gnu/libc.so.6'] });
    expect(warnings).toEqual([]);
  });

  it('reads opkg status files (OpenWrt /usr/lib/opkg, Yocto /var/lib/opkg): inline License, info/<pkg>.list', async () => {
    const status =
      'Package: dropbear\nVersion: 2024.85-r0\nDepends: libc, zlib\nStatus: install user installed\nArchitecture: x86_64\nLicense: MIT\n\n' +
      'Package: kernel-modules\nVersion: 6.6.0-r0\nStatus: install user installed\nArchitecture: x86_64\nLicense: GPL-2.0 BSD-3-Clause\n\n' +
      'Package: gone\nVersion: 1\nStatus: deinstall ok not-installed\n';
    for (const path of ['/usr/lib/opkg/status', '/var/lib/opkg/status']) {
      const dir = path.replace(/status$/, '');
      const r = await catalogRoot([dpkgDbCataloger], [
        { path, content: status },
        { path: `${dir}info/dropbear.list`, content: '/usr/sbin/dropbear\n' },
      ]);
      expect(r.warnings).toEqual([]);
      expect(r.packages.map((p) => [p.purl, p.licenses])).toEqual([
        ['pkg:deb/dropbear@2024.85-r0?arch=x86_64', ['MIT']],
        ['pkg:deb/kernel-modules@6.6.0-r0?arch=x86_64', ['GPL-2.0-only', 'BSD-3-Clause']],
      ]);
    }
    const ctx: CatalogContext = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS, read: async (p) => (p === '/usr/lib/opkg/info/dropbear.list' ? Buffer.from('/usr/sbin/dropbear\n') : undefined) };
    const r = await parseDpkgStatus({ location: { path: '/usr/lib/opkg/status' }, contents: Buffer.from(status) }, ctx);
    expect([...r.ownedFiles!].map(([p, files]) => [p.name, files])).toEqual([['dropbear', ['/usr/sbin/dropbear']]]);
  });

  it('a version that is no Debian version, a stanza without Package and a file without any stanza are incomplete', async () => {
    const incomplete: string[] = [];
    const ctx: CatalogContext = { warn: () => {}, incomplete: (m) => incomplete.push(m), limits: DEFAULT_LIMITS };
    const text = 'Package: ok\nVersion: 1:5.1-2\n\nPackage: invalidpkg\nVersion: 1:5.#\n\nPakij: apt\nStratus: install ok installed\n';
    const r = await parseDpkgStatus({ location: { path: '/var/lib/dpkg/status' }, contents: Buffer.from(text) }, ctx);
    expect(r.packages.map((p) => p.name)).toEqual(['ok']);
    expect(incomplete).toEqual(['installed package invalidpkg has a version that is not a Debian version: "1:5.#"', 'a stanza without a valid Package field']);
    incomplete.length = 0;
    const none = await parseDpkgStatus({ location: { path: '/var/lib/dpkg/status' }, contents: Buffer.from('bogus status') }, ctx);
    expect(none.packages).toEqual([]);
    expect(incomplete).toEqual(['no deb-control stanza (Package:, Version:, …) in the file']);
    incomplete.length = 0;
    await parseDpkgStatus({ location: { path: '/var/lib/dpkg/status' }, contents: Buffer.from('\n\n') }, ctx);
    expect(incomplete).toEqual([]);
  });

  it.each([
    ['1.0', true], ['1:2.38.1-5+deb12u3', true], ['2020a-0+deb10u1', true], ['20.10.7~3-0~debian-buster', true],
    ['1:1.3.dfsg-3.1ubuntu2.1', true], ['2:9.0.1378-2', true], ['6.14.0-1012.12~24.04.1', true], ['a:1', false],
    ['1:5.#', false], ['1.0 beta', false], ['1-', false], [':1', false], ['1.0-r_1', false], ['1:2:3', true], ['2:3', true], ['1:3-x:y', false],
  ])('isDebianVersion(%j) = %j', (v, ok) => {
    expect(isDebianVersion(v)).toBe(ok);
  });

  it('takes the files of a package files from info/<pkg>.md5sums when the image kept no .list (as trivy reads them)', async () => {
    const files: Record<string, string> = {
      '/var/lib/dpkg/info/tar.md5sums': '25de5fcdc3c8ebd9c9f599fb7a899b40  usr/bin/tar\nde1096fbccdc14324196fc6829324ebc  usr/sbin/rmt-tar\r\n',
      '/var/lib/dpkg/info/libc6:amd64.md5sums': 'aa  lib/x86_64-linux-gnu/libc.so.6\n',
      '/var/lib/dpkg/info/both.list': '/usr/bin/both\n',
      '/var/lib/dpkg/info/both.md5sums': 'bb  usr/bin/not-this\n',
    };
    const ctx: CatalogContext = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS, read: async (p) => (files[p] === undefined ? undefined : Buffer.from(files[p]!)) };
    const status = 'Package: tar\nVersion: 1.29b-2\nArchitecture: amd64\n\nPackage: libc6\nVersion: 2\nArchitecture: amd64\n\nPackage: both\nVersion: 1\n';
    const r = await parseDpkgStatus({ location: { path: '/var/lib/dpkg/status' }, contents: Buffer.from(status) }, ctx);
    expect(Object.fromEntries([...r.ownedFiles!].map(([p, f]) => [p.name, f]))).toEqual({
      tar: ['/usr/bin/tar', '/usr/sbin/rmt-tar'],
      libc6: ['/lib/x86_64-linux-gnu/libc.so.6'],
      both: ['/usr/bin/both'],
    });
  });

  it('parses deb-control continuation lines and dependency alternatives', () => {
    const [s] = parseControlStanzas('Package: x\nDescription: short\n long line\n .\n more\n');
    expect(s!.get('description')).toBe('short\nlong line\n.\nmore');
    expect(dependencyNames('a (>= 1) | b, c:any, d [amd64]')).toEqual([['a', 'b'], ['c'], ['d']]);
  });

  it('never throws and reports only well-formed names on hostile bytes; a package without a version only with the file incomplete (property)', async () => {
    const said: string[] = [];
    const ctx: CatalogContext = { warn: () => {}, incomplete: (reason) => void said.push(reason), limits: DEFAULT_LIMITS };
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)),
          fc
            .array(fc.oneof(fc.constantFrom('Package: ', 'Version: ', 'Status: ', 'Source: ', '\n', ' ', ':', '(', ')', '|', ','), fc.string({ maxLength: 12 })), { maxLength: 80 })
            .map((parts) => Buffer.from(parts.join(''))),
        ),
        async (bytes) => {
          said.length = 0;
          const r = await parseDpkgStatus({ location: { path: '/var/lib/dpkg/status' }, contents: bytes }, ctx);
          for (const p of r.packages) {
            expect(p.name).not.toBe('');
            expect(p.name).not.toMatch(/\s/);
            if (p.version === '') expect(said).toContain(`installed package ${p.name} has no Version: reported without one`);
            else expect(isDebianVersion(p.version)).toBe(true);
            expect(p.purl).toMatch(/^pkg:deb\//);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
