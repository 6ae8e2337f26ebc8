import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type CatalogContext, type ParseResult } from '../../../src/catalog/cataloger.js';
import { parseOsRelease } from '../../../src/catalog/os-release.js';
import { Losses } from '../../../src/catalog/rpm/backend.js';
import { bdbHeaderBlobs } from '../../../src/catalog/rpm/bdb.js';
import { RpmHeader, RPMTAG, rpmHeaderFiles } from '../../../src/catalog/rpm/header.js';
import { rpmDbCataloger } from '../../../src/catalog/rpm/index.js';
import { rpmNamespace, sourceRpmName } from '../../../src/catalog/rpm/package.js';
import { parseRpmDb, rpmDbKind, sqliteHeaderBlobs } from '../../../src/catalog/rpm/rpmdb.js';
import { normalizeLicense } from '../../../src/core/license.js';
import type { LinuxRelease, Package } from '../../../src/sbom/model.js';
import { catalogRoot } from './helpers.js';
import {
  buildRpmdbSqlite,
  encodeRpmHeader,
  hasGeneratedRpm,
  i18n,
  int,
  ints,
  readExpected,
  readFiles,
  RPM_GENERATED,
  RPM_GOLDEN,
  str,
  strs,
  type ExpectedRpm,
} from './rpm-header.js';

const FEDORA = 'NAME="Fedora Linux"\nVERSION="39 (Container Image)"\nID=fedora\nVERSION_ID=39\nPRETTY_NAME="Fedora Linux 39 (Container Image)"\n';
const UBI8 = 'NAME="Red Hat Enterprise Linux"\nVERSION="8.9 (Ootpa)"\nID="rhel"\nID_LIKE="fedora"\nVERSION_ID="8.9"\nPLATFORM_ID="platform:el8"\nPRETTY_NAME="Red Hat Enterprise Linux 8.9 (Ootpa)"\n';
const RHEL89 = parseOsRelease(UBI8)!;

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

interface Collected {
  result: ParseResult;
  warnings: string[];
  incomplete: string[];
}

/** parseRpmDb with a recording context (the runner drops ownedFiles; these tests look at them). */
function parse(bytes: Buffer, distro: LinuxRelease | null = RHEL89, path = '/var/lib/rpm/Packages'): Collected {
  const warnings: string[] = [];
  const incomplete: string[] = [];
  const ctx: CatalogContext = { warn: (m) => warnings.push(m), incomplete: (m) => incomplete.push(m), limits: DEFAULT_LIMITS, ...(distro ? { distro } : {}) };
  return { result: parseRpmDb({ location: { path }, contents: bytes }, ctx), warnings, incomplete };
}

/** Every expected row has exactly one package with the same identity, and there is nothing else. */
function expectExactly(packages: readonly Package[], rows: readonly ExpectedRpm[]): void {
  const byKey = new Map(packages.map((p) => [`${p.name}.${String(p.metadata?.architecture)}`, p]));
  expect(byKey.size).toBe(packages.length);
  expect([...byKey.keys()].sort()).toEqual(rows.map((r) => `${r.name}.${r.arch}`).sort());
  for (const r of rows) {
    const p = byKey.get(`${r.name}.${r.arch}`)!;
    expect(p.version).toBe(`${r.epoch ? `${r.epoch}:` : ''}${r.version}-${r.release}`);
    expect(p.metadata).toMatchObject({ release: r.release, sourceRpm: r.sourceRpm, size: r.size, sigmd5: r.sigmd5 });
    expect(p.metadata?.epoch).toBe(r.epoch);
    expect(p.metadata?.modularityLabel).toBe(r.modularityLabel);
    expect(p.licenses).toEqual([normalizeLicense(r.license)]);
    expect(p.supplier).toBe(r.vendor);
    const q = new URL(p.purl!.replace(/^pkg:/, 'pkg://')).searchParams;
    expect(q.get('arch')).toBe(r.arch);
    expect(q.get('epoch')).toBe(r.epoch === undefined ? null : String(r.epoch));
    expect(q.get('upstream')).toBe(r.sourceRpm);
  }
}

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

describe('rpm-db-cataloger: BerkeleyDB goldens written by rpm and db5.3_load', () => {
  const rows = readExpected(RPM_GOLDEN);
  const files = readFiles(RPM_GOLDEN);
  const blobs = readFileSync(join(RPM_GOLDEN, 'blobs.tsv'), 'utf8').trim().split('\n');

  it.each(['bdb-le-4096', 'bdb-be-512'])('%s: exactly the packages rpm -qa lists, with their identity and file lists', (variant) => {
    const bytes = readFileSync(join(RPM_GOLDEN, variant, 'Packages'));
    expect(rpmDbKind(bytes)).toBe('BerkeleyDB');
    const { result, warnings, incomplete } = parse(bytes);
    expect(incomplete).toEqual([]);
    expect(warnings).toEqual([]);
    expectExactly(result.packages, rows);
    const owned = new Map([...result.ownedFiles!].map(([p, f]) => [`${p.name}.${String(p.metadata?.architecture)}`, [...f].sort()]));
    expect(owned).toEqual(files);
    const fromDb = [...bdbHeaderBlobs(bytes, new Losses())].map((b) => sha256(b.blob)).sort();
    expect(fromDb).toEqual(blobs);
  });

  it('purls: redhat namespace for rhel, distro qualifier, explicit epoch=0 kept, module stream in metadata', async () => {
    const result = await catalogRoot([rpmDbCataloger], [
      { path: '/var/lib/rpm/Packages', content: readFileSync(join(RPM_GOLDEN, 'bdb-be-512', 'Packages')) },
      { path: '/etc/os-release', content: UBI8 },
    ]);
    expect(result.incomplete).toEqual([]);
    const by = new Map(result.packages.map((p) => [p.name, p]));
    expect(by.get('tzdata-lite')!.purl).toBe('pkg:rpm/redhat/tzdata-lite@2024a-1.el8?arch=noarch&distro=rhel-8.9&epoch=0&upstream=tzdata-lite-2024a-1.el8.src.rpm');
    expect(by.get('tzdata-lite')!.version).toBe('2024a-1.el8');
    expect(by.get('hello')!.purl).toBe('pkg:rpm/redhat/hello@2.12.1-4.el8?arch=x86_64&distro=rhel-8.9&upstream=hello-2.12.1-4.el8.src.rpm');
    expect(by.get('nodejs-mod')!.version).toBe('1:10.21.0-3.module_el8.2.0+391+8da3adc6');
    expect(by.get('nodejs-mod')!.purl).toBe(
      'pkg:rpm/redhat/nodejs-mod@10.21.0-3.module_el8.2.0+391+8da3adc6?arch=x86_64&distro=rhel-8.9&epoch=1&upstream=nodejs-mod-10.21.0-3.module_el8.2.0%2B391%2B8da3adc6.src.rpm',
    );
    expect(by.get('nodejs-mod')!.metadata).toMatchObject({ modularityLabel: 'nodejs:10:8020020200707141642:6a468ee4', source: 'nodejs-mod', epoch: 1 });
    expect(by.get('shadow-lite')!.licenses).toEqual(['BSD and GPLv2+']);
    expect(result.distro).toMatchObject({ id: 'rhel', versionId: '8.9' });
  });
});

describe.skipIf(!hasGeneratedRpm())('rpm-db-cataloger: every back end rpm writes here (fixtures/generated/rpm; needs rpm, rpmbuild, db5.3-util)', () => {
  const rows = hasGeneratedRpm() ? readExpected(RPM_GENERATED) : [];
  const files = hasGeneratedRpm() ? readFiles(RPM_GENERATED) : new Map();
  const blobs = hasGeneratedRpm() ? readFileSync(join(RPM_GENERATED, 'blobs.tsv'), 'utf8').trim().split('\n') : [];

  it.each(['sqlite/rpmdb.sqlite', 'bdb-le-4096/Packages', 'bdb-be-512/Packages', 'bdb-le-65536/Packages', 'bdb-le-1024-chksum/Packages'])('%s', (rel) => {
    const bytes = readFileSync(join(RPM_GENERATED, rel));
    const { result, warnings, incomplete } = parse(bytes);
    expect(incomplete).toEqual([]);
    expect(warnings).toEqual([]);
    expectExactly(result.packages, rows);
    // multilib: one name, two architectures, two packages with their own ids and purls
    expect(result.packages.filter((p) => p.name === 'multi-lib').map((p) => p.purl)).toHaveLength(2);
    const owned = new Map([...result.ownedFiles!].map(([p, f]) => [`${p.name}.${String(p.metadata?.architecture)}`, [...f].sort()]));
    expect(owned).toEqual(files);
    const losses = new Losses();
    const yielded = rel.startsWith('sqlite') ? [...sqliteHeaderBlobs(bytes, losses)] : [...bdbHeaderBlobs(bytes, losses)];
    expect(yielded.map((b) => sha256(b.blob)).sort()).toEqual(blobs);
    expect(losses.count).toBe(0);
  });

  it('64 KiB pages keep small headers on the hash page itself (read in place), the big one in overflow pages', () => {
    const bytes = readFileSync(join(RPM_GENERATED, 'bdb-le-65536', 'Packages'));
    const yielded = [...bdbHeaderBlobs(bytes, new Losses())];
    const inPlace = yielded.filter((b) => b.blob.buffer === bytes.buffer);
    expect(inPlace.length).toBeGreaterThan(0);
    expect(inPlace.length).toBeLessThan(yielded.length);
  });

  it('tilde and caret versions are kept as rpm writes them', () => {
    const { result } = parse(readFileSync(join(RPM_GENERATED, 'bdb-le-4096', 'Packages')));
    const v = new Map(result.packages.map((p) => [p.name, p.version]));
    expect(v.get('prerelease')).toBe('1.0~rc1-1.el8');
    expect(v.get('snapshot')).toBe('2.0^20240101git1a2b3c-1.el8');
  });
});

describe('rpm-db-cataloger: SQLite', () => {
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

  it('reads rpmdb.sqlite (WAL mode, opened in memory); a truncated header is reported as an incomplete read', async () => {
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
    expect(result.incomplete).toEqual([
      expect.objectContaining({ kind: 'file', path: '/var/lib/rpm/rpmdb.sqlite', by: 'rpm-db-cataloger', reason: expect.stringMatching(/^SQLite rpm database read in part: header 4: rpm header truncated/) }),
    ]);
    expect(result.warnings).toHaveLength(1);
  });

  it('a corrupt rpmdb.sqlite marks the whole file incomplete, naming it', async () => {
    const result = await catalogRoot([rpmDbCataloger], [{ path: '/var/lib/rpm/rpmdb.sqlite', content: 'SQLite format 3\u0000' + 'x'.repeat(200) }]);
    expect(result.packages).toEqual([]);
    expect(result.warnings).toEqual([expect.stringMatching(/^\/var\/lib\/rpm\/rpmdb\.sqlite: rpm-db-cataloger could not read it: /)]);
    expect(result.incomplete.map((i) => i.path)).toEqual(['/var/lib/rpm/rpmdb.sqlite']);
  });

  it('an SQLite table that breaks off keeps the rows before the damage and says what was lost', () => {
    const many = buildRpmdbSqlite(Array.from({ length: 400 }, (_, i) => header(`pkg${i}`, '1.0', '1', [[RPMTAG.SUMMARY, i18n('x'.repeat(3000))]])));
    // Overwrite the tail pages of the table with garbage (the first pages stay readable).
    const damaged = Buffer.from(many);
    damaged.fill(0xa5, Math.floor(damaged.length * 0.6));
    const { result, incomplete } = parse(damaged);
    expect(result.packages.length).toBeLessThan(400);
    expect(result.packages.length).toBeGreaterThan(100);
    expect(incomplete).toEqual([expect.stringMatching(/^SQLite rpm database read in part: .*the Packages table breaks off after \d+ rows: database disk image is malformed/)]);
  });
});

describe('rpm-db-cataloger: content decides the back end, not the file name', () => {
  it('an unknown file where the rpmdb should be is unreadable input, not an image without RPMs', async () => {
    const result = await catalogRoot([rpmDbCataloger], [
      { path: '/var/lib/rpm/Packages', content: Buffer.alloc(64) },
      { path: '/usr/lib/sysimage/rpm/Packages.db', content: Buffer.from('hello world, not a database') },
    ]);
    expect(result.packages).toEqual([]);
    expect(result.incomplete.map((i) => [i.path, i.reason])).toEqual([
      ['/usr/lib/sysimage/rpm/Packages.db', 'not an rpm database (neither SQLite, BerkeleyDB hash nor ndb)'],
      ['/var/lib/rpm/Packages', 'not an rpm database (neither SQLite, BerkeleyDB hash nor ndb)'],
    ]);
  });

  it('a BerkeleyDB database under /usr/lib/sysimage/rpm is read too', async () => {
    const result = await catalogRoot([rpmDbCataloger], [{ path: '/usr/lib/sysimage/rpm/Packages', content: readFileSync(join(RPM_GOLDEN, 'bdb-le-4096', 'Packages')) }]);
    expect(result.packages).toHaveLength(4);
    expect(result.packages[0]!.locations).toEqual([{ path: '/usr/lib/sysimage/rpm/Packages' }]);
  });

  it('so is one under /usr/share/rpm (rpm-ostree: Fedora CoreOS, Silverblue)', async () => {
    const result = await catalogRoot([rpmDbCataloger], [{ path: '/usr/share/rpm/Packages', content: readFileSync(join(RPM_GOLDEN, 'bdb-le-4096', 'Packages')) }]);
    expect(result.packages).toHaveLength(4);
    expect(result.packages[0]!.locations).toEqual([{ path: '/usr/share/rpm/Packages' }]);
  });
});

describe('rpm package identity', () => {
  it('namespaces as syft writes them', () => {
    const d = (id: string): LinuxRelease => ({ id, versionId: '1' });
    expect(rpmNamespace(d('rhel'))).toBe('redhat');
    expect(rpmNamespace(d('centos'))).toBe('centos');
    expect(rpmNamespace(d('rocky'))).toBe('rocky');
    expect(rpmNamespace(d('almalinux'))).toBe('almalinux');
    expect(rpmNamespace(d('ol'))).toBe('ol');
    expect(rpmNamespace(d('amzn'))).toBe('amzn');
    expect(rpmNamespace(d('opensuse-leap'))).toBe('opensuse');
    expect(rpmNamespace(d('opensuse-tumbleweed'))).toBe('opensuse');
    expect(rpmNamespace(d('sles'))).toBe('sles');
    expect(rpmNamespace(d('mariner'))).toBe('mariner');
    expect(rpmNamespace(undefined)).toBe('redhat');
  });

  it('without a distro: no distro qualifier', () => {
    const { result } = parse(readFileSync(join(RPM_GOLDEN, 'bdb-le-4096', 'Packages')), null);
    expect(result.packages.find((p) => p.name === 'hello')!.purl).toBe('pkg:rpm/redhat/hello@2.12.1-4.el8?arch=x86_64&upstream=hello-2.12.1-4.el8.src.rpm');
  });

  it('source rpm names', () => {
    expect(sourceRpmName('glibc-2.34-100.el9_4.2.src.rpm')).toBe('glibc');
    expect(sourceRpmName('python3.11-3.11.7-1.fc39.src.rpm')).toBe('python3.11');
    expect(sourceRpmName('nonsense')).toBeUndefined();
  });

  it('a header without a name is a lost entry; gpg-pubkey is skipped silently', () => {
    const db = buildRpmdbSqlite([
      encodeRpmHeader([[RPMTAG.VERSION, str('1')]]),
      encodeRpmHeader([[RPMTAG.NAME, str('gpg-pubkey')], [RPMTAG.VERSION, str('fd431d51')], [RPMTAG.RELEASE, str('4ae0493b')]]),
    ]);
    const { result, incomplete } = parse(db);
    expect(result.packages).toEqual([]);
    expect(incomplete).toEqual(['SQLite rpm database read in part: header 1: no name or version']);
  });

  it('a file list whose arrays disagree loses only the file list, with a warning', () => {
    const db = buildRpmdbSqlite([
      header('a', '1', '1', [
        [RPMTAG.BASENAMES, strs(['x', 'y'])],
        [RPMTAG.DIRNAMES, strs(['/usr/bin/'])],
        [RPMTAG.DIRINDEXES, ints([0])],
      ]),
      header('b', '1', '1', [
        [RPMTAG.BASENAMES, strs(['x', 'y'])],
        [RPMTAG.DIRNAMES, strs(['/usr/bin/', '/etc/'])],
        [RPMTAG.DIRINDEXES, ints([0, 1])],
      ]),
    ]);
    const { result, warnings, incomplete } = parse(db);
    expect(result.packages.map((p) => p.name)).toEqual(['a', 'b']);
    expect(incomplete).toEqual([]);
    expect(warnings).toEqual(['1 rpm header(s) have an unreadable file list']);
    expect([...result.ownedFiles!.values()]).toEqual([['/usr/bin/x', '/etc/y']]);
  });
});

describe('rpm header parser', () => {
  it('reads every value type and interns directory names across headers', () => {
    const blob = encodeRpmHeader([
      [RPMTAG.NAME, str('n')],
      [RPMTAG.SUMMARY, i18n('summary')],
      [RPMTAG.EPOCH, int(0)],
      [RPMTAG.BASENAMES, strs(['a', 'b'])],
      [RPMTAG.DIRNAMES, strs(['/d/'])],
      [RPMTAG.DIRINDEXES, ints([0, 0])],
      [RPMTAG.SIGMD5, { type: 'bin', value: Buffer.alloc(16, 0xab) }],
    ]);
    const h = RpmHeader.parse(blob);
    expect(h.string(RPMTAG.NAME)).toBe('n');
    expect(h.string(RPMTAG.SUMMARY)).toBe('summary');
    expect(h.int(RPMTAG.EPOCH)).toBe(0);
    expect(h.has(RPMTAG.EPOCH)).toBe(true);
    expect(h.int(RPMTAG.SIZE)).toBeUndefined();
    expect(h.bin(RPMTAG.SIGMD5)!.toString('hex')).toBe('ab'.repeat(16));
    const dirs = new Map<string, string>();
    expect(rpmHeaderFiles(h, dirs)).toEqual(['/d/a', '/d/b']);
    expect([...dirs.keys()]).toEqual(['/d/']);
  });

  it('refuses headers whose counts lie about their size (il, dl, array counts, offsets)', () => {
    const good = encodeRpmHeader([[RPMTAG.NAME, str('n')], [RPMTAG.BASENAMES, strs(['a'])]]);
    const lie = (at: number, value: number): Buffer => {
      const b = Buffer.from(good);
      b.writeUInt32BE(value, at);
      return b;
    };
    expect(() => RpmHeader.parse(lie(0, 0x7fffffff))).toThrow(/rpm header has implausible sizes/);
    expect(() => RpmHeader.parse(lie(4, 0x7fffffff))).toThrow(/rpm header has implausible sizes/);
    expect(() => RpmHeader.parse(lie(4, 1000))).toThrow(/rpm header truncated/);
    expect(() => RpmHeader.parse(lie(0, 0))).toThrow(/implausible/);
    // entry 0 (NAME): offset beyond the store; entry 1 (BASENAMES): a count of a million strings
    expect(() => RpmHeader.parse(lie(8 + 8, 1_000_000)).string(RPMTAG.NAME)).toThrow(/offset out of bounds/);
    expect(() => RpmHeader.parse(lie(8 + 16 + 12, 1_000_000)).strings(RPMTAG.BASENAMES)).toThrow(/cannot fit/);
  });

  it('only throws plain "rpm header" errors on hostile bytes, in bounded time (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1024 }), (a) => {
        try {
          const h = RpmHeader.parse(Buffer.from(a));
          for (const tag of Object.values(RPMTAG)) {
            h.string(tag);
            h.strings(tag);
            h.int(tag);
            h.int32s(tag);
            h.bin(tag);
          }
          rpmHeaderFiles(h, new Map());
        } catch (err) {
          expect(err).toBeInstanceOf(Error);
          expect((err as Error).message).toMatch(/^rpm header/);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
