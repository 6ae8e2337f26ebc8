/**
 * Test helpers for the rpm databases:
 *  - encodeRpmHeader: header blobs as rpm stores them (be32 index count, be32 data size, 16-byte entries
 *    tag/type/offset/count, data store);
 *  - buildRpmdbSqlite: an rpmdb.sqlite with better-sqlite3 (rpm >= 4.16 schema for Packages);
 *  - buildNdb: a SELF-MADE ndb `Packages.db` (rpm's lib/backend/ndb/rpmpkg.c layout). Nothing here can
 *    write or independently read ndb (Debian's rpm has no ndb back end), so these files serve only the
 *    bounds tests; the SLE 15 database in ../shared/corpus is the ndb truth (real tier);
 *  - the committed goldens (fixtures/catalog/rpm/golden, written by rpm and db5.3_load) and the files
 *    scripts/fixtures/rpm.mjs generates when rpm is installed.
 */
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adler32 } from '../../../src/catalog/rpm/ndb.js';
import { FIXTURES, GENERATED } from '../../helpers/paths.js';

export type HeaderValue =
  | { type: 'string' | 'i18n'; value: string }
  | { type: 'int32'; value: number }
  | { type: 'strings'; value: string[] }
  | { type: 'int32s'; value: number[] }
  | { type: 'bin'; value: Buffer };

const TYPE_IDS = { int32: 4, int32s: 4, string: 6, bin: 7, strings: 8, i18n: 9 } as const;

export function encodeRpmHeader(tags: ReadonlyArray<[number, HeaderValue]>): Buffer {
  const entries: Buffer[] = [];
  const data: Buffer[] = [];
  let size = 0;
  for (const [tag, v] of tags) {
    let bytes: Buffer;
    let count = 1;
    if (v.type === 'int32' || v.type === 'int32s') {
      const pad = (4 - (size % 4)) % 4; // int32 values are 4-byte aligned in the store
      if (pad) {
        data.push(Buffer.alloc(pad));
        size += pad;
      }
      const values = v.type === 'int32' ? [v.value] : v.value;
      bytes = Buffer.alloc(values.length * 4);
      values.forEach((x, i) => bytes.writeInt32BE(x, i * 4));
      count = values.length;
    } else if (v.type === 'strings') {
      bytes = Buffer.concat(v.value.map((s) => Buffer.from(`${s}\u0000`, 'utf8')));
      count = v.value.length;
    } else if (v.type === 'bin') {
      bytes = v.value;
      count = v.value.length;
    } else {
      bytes = Buffer.from(`${v.value}\u0000`, 'utf8');
    }
    const e = Buffer.alloc(16);
    e.writeUInt32BE(tag, 0);
    e.writeUInt32BE(TYPE_IDS[v.type], 4);
    e.writeUInt32BE(size, 8);
    e.writeUInt32BE(count, 12);
    entries.push(e);
    data.push(bytes);
    size += bytes.length;
  }
  const head = Buffer.alloc(8);
  head.writeUInt32BE(tags.length, 0);
  head.writeUInt32BE(size, 4);
  return Buffer.concat([head, ...entries, ...data]);
}

/** An rpmdb.sqlite image (rpm >= 4.16 schema for Packages) holding the blobs; `wal` sets WAL mode like rpm does. */
export function buildRpmdbSqlite(blobs: readonly Buffer[], options: { wal?: boolean } = {}): Buffer {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)');
  db.exec('CREATE TABLE Name (key TEXT NOT NULL, hnum INTEGER NOT NULL, idx INTEGER NOT NULL, FOREIGN KEY (hnum) REFERENCES Packages(hnum))');
  const insert = db.prepare('INSERT INTO Packages (blob) VALUES (?)');
  for (const b of blobs) insert.run(b);
  const bytes = db.serialize();
  db.close();
  if (options.wal) {
    bytes[18] = 2;
    bytes[19] = 2;
  }
  return bytes;
}

export interface NdbBlob {
  pkgidx: number;
  blob: Buffer;
}

/**
 * A self-made ndb file (see the module comment: bounds tests only): the header, `slotPages` slot pages,
 * then each blob (head, header, zero padding, tail with adler32) in the order given.
 */
export function buildNdb(blobs: readonly NdbBlob[], options: { slotPages?: number } = {}): Buffer {
  const slotPages = options.slotPages ?? Math.max(1, Math.ceil((blobs.length + 2) / 256));
  const parts: Buffer[] = [];
  const slots = Buffer.alloc(slotPages * 4096);
  slots.writeUInt32LE(0x506d7052, 0); // 'RpmP'
  slots.writeUInt32LE(0, 4);
  slots.writeUInt32LE(1, 8);
  slots.writeUInt32LE(slotPages, 12);
  slots.writeUInt32LE(blobs.length + 1, 16);
  for (let o = 32; o < slots.length; o += 16) slots.writeUInt32LE(0x746f6c53, o); // 'Slot', free
  parts.push(slots);
  let blk = slotPages * 256;
  blobs.forEach((b, i) => {
    const blkcnt = Math.ceil((16 + b.blob.length + 12) / 16);
    const buf = Buffer.alloc(blkcnt * 16);
    buf.writeUInt32LE(0x53626c42, 0); // 'BlbS'
    buf.writeUInt32LE(b.pkgidx, 4);
    buf.writeUInt32LE(1700000000, 8);
    buf.writeUInt32LE(b.blob.length, 12);
    b.blob.copy(buf, 16);
    const tail = buf.length - 12;
    buf.writeUInt32LE(adler32(buf, 0, tail), tail);
    buf.writeUInt32LE(b.blob.length, tail + 4);
    buf.writeUInt32LE(0x45626c42, tail + 8); // 'BlbE'
    const slot = 32 + i * 16;
    slots.writeUInt32LE(b.pkgidx, slot + 4);
    slots.writeUInt32LE(blk, slot + 8);
    slots.writeUInt32LE(blkcnt, slot + 12);
    parts.push(buf);
    blk += blkcnt;
  });
  return Buffer.concat(parts);
}

export const str = (value: string): HeaderValue => ({ type: 'string', value });
export const i18n = (value: string): HeaderValue => ({ type: 'i18n', value });
export const int = (value: number): HeaderValue => ({ type: 'int32', value });
export const strs = (value: string[]): HeaderValue => ({ type: 'strings', value });
export const ints = (value: number[]): HeaderValue => ({ type: 'int32s', value });

/** The committed goldens (rpm + db5.3_load; see fixtures/catalog/rpm/README.md). */
export const RPM_GOLDEN = join(FIXTURES, 'catalog', 'rpm', 'golden');
/** What scripts/fixtures/rpm.mjs builds when rpm, rpmbuild and db5.3-util are installed. */
export const RPM_GENERATED = join(GENERATED, 'rpm');
export const hasGeneratedRpm = (): boolean => existsSync(join(RPM_GENERATED, 'expected.tsv'));

/** One row of expected.tsv (`rpm -qa --queryformat`; "(none)" for an absent tag). */
export interface ExpectedRpm {
  name: string;
  epoch: number | undefined;
  version: string;
  release: string;
  arch: string;
  sourceRpm: string;
  license: string;
  vendor: string;
  modularityLabel: string | undefined;
  size: number;
  sigmd5: string;
}

export function readExpected(dir: string): ExpectedRpm[] {
  const none = (s: string): string | undefined => (s === '(none)' ? undefined : s);
  return readFileSync(join(dir, 'expected.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [name, epoch, version, release, arch, sourceRpm, license, vendor, label, size, sigmd5] = l.split('\t') as string[];
      return {
        name: name!,
        epoch: none(epoch!) === undefined ? undefined : Number(epoch),
        version: version!,
        release: release!,
        arch: arch!,
        sourceRpm: sourceRpm!,
        license: license!,
        vendor: vendor!,
        modularityLabel: none(label!),
        size: Number(size),
        sigmd5: sigmd5!,
      };
    });
}

/** files.tsv: `<name>.<arch>` → the files rpm lists for it. */
export function readFiles(dir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const l of readFileSync(join(dir, 'files.tsv'), 'utf8').split('\n')) {
    if (l === '') continue;
    const [key, path] = l.split('\t') as [string, string];
    out.set(key, [...(out.get(key) ?? []), path]);
  }
  for (const v of out.values()) v.sort();
  return out;
}
