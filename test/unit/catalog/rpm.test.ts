import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rpmDbCataloger } from '../../../src/catalog/rpm/index.js';
import { parseRpmHeader, RPMTAG, sourceRpmName } from '../../../src/catalog/rpm/rpmdb.js';
import { catalogRoot } from './helpers.js';
import { buildRpmdbSqlite, encodeRpmHeader, i18n, int, str } from './rpm-header.js';

const FEDORA = 'NAME="Fedora Linux"\nVERSION="39 (Container Image)"\nID=fedora\nVERSION_ID=39\nPRETTY_NAME="Fedora Linux 39 (Container Image)"\n';

function header(name: string, version: string, release: string, extra: Array<[number, ReturnType<typeof str>]> = []): Buffer {
  return encodeRpmHeader([
    [RPMTAG.NAME, str(name)],
    [RPMTAG.VERSION, str(version)],
    [RPMTAG.RELEASE, str(release)],
    [RPMTAG.SUMMARY, i18n(`${name} summary`)],
    [RPMTAG.ARCH, str('x86_64')],
    ...extra,
  ]);
}

describe('rpm-db-cataloger', () => {
  const db = buildRpmdbSqlite(
    [
      header('bash', '5.2.26', '1.fc39', [
        [RPMTAG.LICENSE, str('GPL-3.0-or-later')],
        [RPMTAG.SOURCERPM, str('bash-5.2.26-1.fc39.src.rpm')],
        [RPMTAG.VENDOR, str('Fedora Project')],
      ]),
      header('shadow-utils', '4.14.0', '2.fc39', [
        [RPMTAG.EPOCH, int(2)],
        [RPMTAG.LICENSE, str('BSD-3-Clause AND GPL-2.0-or-later')],
        [RPMTAG.SOURCERPM, str('shadow-utils-4.14.0-2.fc39.src.rpm')],
      ]),
      encodeRpmHeader([[RPMTAG.NAME, str('gpg-pubkey')], [RPMTAG.VERSION, str('18b8e74c')], [RPMTAG.RELEASE, str('62f2920f')]]),
      Buffer.from([0, 0, 0, 9, 0, 0, 0, 1]), // truncated header
    ],
    { wal: true },
  );

  it('reads rpmdb.sqlite (WAL mode, opened in memory): epoch, release, arch, licence, source rpm', async () => {
    const result = await catalogRoot([rpmDbCataloger], [
      { path: '/var/lib/rpm/rpmdb.sqlite', content: db, layer: 'sha256:' + '1'.repeat(64) },
      { path: '/etc/os-release', content: FEDORA },
    ]);
    expect(result.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['bash@5.2.26-1.fc39', 'shadow-utils@2:4.14.0-2.fc39']);
    const shadow = result.packages[1]!;
    expect(shadow.purl).toBe('pkg:rpm/fedora/shadow-utils@4.14.0-2.fc39?arch=x86_64&distro=fedora-39&epoch=2&upstream=shadow-utils-4.14.0-2.fc39.src.rpm');
    expect(shadow.licenses).toEqual(['BSD-3-Clause AND GPL-2.0-or-later']);
    expect(shadow.locations).toEqual([{ path: '/var/lib/rpm/rpmdb.sqlite', layer: 'sha256:' + '1'.repeat(64) }]);
    expect(result.packages[0]!.supplier).toBe('Fedora Project');
    expect(result.packages[0]!.metadata).toMatchObject({ source: 'bash', release: '1.fc39', architecture: 'x86_64' });
    expect(result.warnings).toEqual([expect.stringMatching(/rpmdb\.sqlite.*rpm header 4 skipped: rpm header truncated/)]);
  });

  it('a corrupt rpmdb.sqlite is a warning naming the file, not a stopped run', async () => {
    const result = await catalogRoot([rpmDbCataloger], [{ path: '/var/lib/rpm/rpmdb.sqlite', content: 'SQLite format 3\u0000' + 'x'.repeat(200) }]);
    expect(result.packages).toEqual([]);
    expect(result.warnings).toEqual([expect.stringMatching(/^\/var\/lib\/rpm\/rpmdb\.sqlite: rpm-db-cataloger could not read it: /)]);
  });

  it('says clearly when an image only has a BerkeleyDB or ndb rpmdb, and what would read it', async () => {
    const bdb = Buffer.alloc(64);
    bdb.writeUInt32LE(0x00061561, 12);
    const result = await catalogRoot([rpmDbCataloger], [
      { path: '/var/lib/rpm/Packages', content: bdb },
      { path: '/usr/lib/sysimage/rpm/Packages.db', content: Buffer.concat([Buffer.from('RpmP'), Buffer.alloc(60)]) },
    ]);
    expect(result.packages).toEqual([]);
    expect(result.warnings).toHaveLength(2);
    expect(result.warnings[0]).toMatch(/Packages\.db: this image's rpm database is ndb, which custody does not read.*--engine syft or --engine trivy/);
    expect(result.warnings[1]).toMatch(/\/var\/lib\/rpm\/Packages: this image's rpm database is BerkeleyDB/);
  });

  it('source rpm names', () => {
    expect(sourceRpmName('glibc-2.34-100.el9_4.2.src.rpm')).toBe('glibc');
    expect(sourceRpmName('python3.11-3.11.7-1.fc39.src.rpm')).toBe('python3.11');
    expect(sourceRpmName('nonsense')).toBeUndefined();
  });

  it('header parser only throws plain errors on hostile bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (a) => {
        try {
          const h = parseRpmHeader(Buffer.from(a));
          for (const v of h.values()) expect(['string', 'number']).toContain(typeof v);
        } catch (err) {
          expect(err).toBeInstanceOf(Error);
          expect((err as Error).message).toMatch(/rpm header/);
        }
      }),
      { numRuns: 500 },
    );
  });
});
