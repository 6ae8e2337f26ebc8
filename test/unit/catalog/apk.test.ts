import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apkDbCataloger } from '../../../src/catalog/alpine/index.js';
import { apkLicenses, parseApkInstalled } from '../../../src/catalog/alpine/apk-installed.js';
import { DEFAULT_LIMITS, type CatalogContext } from '../../../src/catalog/cataloger.js';
import { catalogRoot, rootOf, stableJson } from './helpers.js';

describe('apk-db-cataloger', () => {
  it('reads /lib/apk/db/installed of an Alpine 3.19 image', async () => {
    const result = await catalogRoot([apkDbCataloger], rootOf({ '/lib/apk/db/installed': 'apk/installed', '/etc/os-release': 'apk/os-release' }));
    expect(result.warnings).toEqual([]);
    expect(result.distro).toMatchObject({ id: 'alpine', versionId: '3.19.1' });
    expect(result.packages.map((p) => `${p.name}@${p.version}`)).toEqual([
      'busybox@1.36.1-r15',
      'libc-utils@0.7.2-r5',
      'libcrypto3@3.1.4-r5',
      'musl@1.2.4_git20230717-r4',
      'oldstyle-licenses@2.1-r0',
      'scanelf@1.3.7-r2',
      'ssl_client@1.36.1-r15',
    ]);
    const ssl = result.packages.find((p) => p.name === 'ssl_client')!;
    expect(ssl.purl).toBe('pkg:apk/alpine/ssl_client@1.36.1-r15?arch=x86_64&distro=alpine-3.19.1&upstream=busybox');
    expect(ssl.licenses).toEqual(['GPL-2.0-only']);
    expect(result.packages.find((p) => p.name === 'musl')!.purl).toBe('pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=alpine-3.19.1');
    expect(result.packages.find((p) => p.name === 'libc-utils')!.licenses).toEqual(['BSD-2-Clause AND BSD-3-Clause']);
    expect(result.packages.find((p) => p.name === 'oldstyle-licenses')!.licenses).toEqual(['MIT', 'BSD']);
    // so: provides resolve dependencies: busybox -> musl, ssl_client -> libcrypto3
    const id = (n: string): string => result.packages.find((p) => p.name === n)!.id;
    expect(result.relationships).toContainEqual({ from: id('busybox'), to: id('musl'), type: 'depends-on' });
    expect(result.relationships).toContainEqual({ from: id('ssl_client'), to: id('libcrypto3'), type: 'depends-on' });
    await expect(stableJson(result)).toMatchFileSnapshot('__golden__/apk/installed.json');
  });

  it('reads /usr/lib/apk/db/installed (apk-tools 3), once when /lib/apk links to it', async () => {
    const db = Buffer.from('P:musl\nV:1.2.5-r0\nA:x86_64\no:musl\n\n');
    for (const extra of [[], [{ path: '/lib/apk', linkTarget: '../usr/lib/apk' }]]) {
      const r = await catalogRoot([apkDbCataloger], [{ path: '/usr/lib/apk/db/installed', content: db }, ...extra]);
      expect(r.packages.map((p) => [p.purl, p.locations[0]!.path])).toEqual([['pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64', '/usr/lib/apk/db/installed']]);
    }
  });

  it('warns about records without name or version and keeps the rest', async () => {
    const result = await catalogRoot([apkDbCataloger], [{ path: '/lib/apk/db/installed', content: 'P:ok\nV:1-r0\n\nV:2\n\nP:nover\n' }]);
    expect(result.packages.map((p) => p.name)).toEqual(['ok']);
    expect(result.warnings).toHaveLength(2);
  });

  it('lines that are no X:value field make the database incomplete; the records around them are still read', async () => {
    const result = await catalogRoot([apkDbCataloger], [
      { path: '/lib/apk/db/installed', content: 'this is a corrupt db\n\nP:musl\nV:1.2.4-r2\nA:x86_64\n\nP:busybox\ngarbage in the middle\nV:1.36.1-r15\n' },
    ]);
    expect(result.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['busybox@1.36.1-r15', 'musl@1.2.4-r2']);
    expect(result.incomplete.map((i) => i.reason)).toEqual([
      '1 line(s) that are no "X:value" field in the record of an unnamed package ("this is a corrupt db")',
      '1 line(s) that are no "X:value" field in the record of busybox ("garbage in the middle")',
    ]);
  });

  it('licence fields: SPDX expressions kept, old space lists split, never joined by a guess', () => {
    expect(apkLicenses('MIT OR Apache-2.0')).toEqual(['MIT OR Apache-2.0']);
    expect(apkLicenses('GPL-2.0-or-later')).toEqual(['GPL-2.0-or-later']);
    expect(apkLicenses('GPL2+ custom')).toEqual(['GPL-2.0-or-later', 'custom']);
    expect(apkLicenses('')).toEqual([]);
  });

  it('never throws on hostile bytes (property)', () => {
    const ctx: CatalogContext = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)),
          fc.array(fc.oneof(fc.constantFrom('P:', 'V:', 'A:', 'L:', 'o:', 'D:', 'p:', '\n', '\n\n'), fc.string({ maxLength: 10 })), { maxLength: 80 }).map((x) => Buffer.from(x.join(''))),
        ),
        (bytes) => {
          const r = parseApkInstalled({ location: { path: '/lib/apk/db/installed' }, contents: bytes }, ctx);
          for (const p of r.packages) {
            expect(p.name).not.toMatch(/^$|\s/);
            expect(p.version).not.toBe('');
            expect(p.purl).toMatch(/^pkg:apk\//);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
