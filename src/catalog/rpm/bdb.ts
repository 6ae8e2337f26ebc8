/**
 * rpm's BerkeleyDB `Packages` database (rpm < 4.16: CentOS 7/8, RHEL/UBI 8, Rocky/Alma 8, Amazon
 * Linux 2, Oracle Linux), read from its bytes: a BerkeleyDB hash database whose keys are 4-byte header
 * numbers (in the byte order of the host that wrote them) and whose values are header blobs, on the
 * hash page itself when small, else in a chain of overflow pages.
 *
 * Layout (BerkeleyDB 4.x/5.x, dbinc/db_page.h and hash/hash.h; rpm's lib/backend/db3.c):
 *  - page 0, the hash metadata page: magic 0x061561 at byte 12 (its byte order is the database's),
 *    hash version at 16, page size at 20, encryption algorithm at 24, page type 8 (P_HASHMETA) at 25, meta flags at 26
 *    (0x01: page checksums), last page number at 32, key count (nelem) at 88.
 *  - every page: a 26-byte header (page number at 8, next page at 16, entry count at 20, "high free
 *    offset" at 22, type at 25), then (after 6 more bytes with checksums, 38 with encryption) an array
 *    of 16-bit item offsets. Hash pages (type 13, or 2 before BerkeleyDB 4.6) hold key/data item pairs.
 *  - items: type byte 1 (H_KEYDATA) followed by the bytes up to the previous item; type 3 (H_OFFPAGE):
 *    3 unused bytes, the first overflow page, the total length.
 *  - overflow pages (type 7): the bytes of this page in the "high free offset" field, the next page.
 * Pages are scanned in order rather than through the bucket table, so a broken bucket chain loses
 * nothing. Bounds: pages come from the file size; every page number is checked; each overflow page
 * may be used once in the whole file (a cycle or two chains sharing a page is corruption), which also
 * bounds the bytes assembled to the file size; items must lie inside their page; at most
 * RPMDB_MAX_ENTRIES entries are examined.
 */
import { type HeaderBlob, Losses, RPMDB_MAX_ENTRIES } from './backend.js';
import { MAX_HEADER_BYTES } from './header.js';

const HASH_MAGIC = 0x061561;
const BTREE_MAGIC = 0x053162;
const P_HASH_UNSORTED = 2;
const P_OVERFLOW = 7;
const P_HASHMETA = 8;
const P_HASH = 13;
const H_KEYDATA = 1;
const H_DUPLICATE = 2;
const H_OFFPAGE = 3;
const H_OFFDUP = 4;
const PAGE_HEADER = 26;
const DBMETA_CHKSUM = 0x01;

/** True when the bytes start like a BerkeleyDB database of any access method, in either byte order. */
export function isBerkeleyDb(bytes: Buffer): boolean {
  if (bytes.length < 16) return false;
  const le = bytes.readUInt32LE(12);
  const be = bytes.readUInt32BE(12);
  return le === HASH_MAGIC || be === HASH_MAGIC || le === BTREE_MAGIC || be === BTREE_MAGIC;
}

interface Db {
  bytes: Buffer;
  le: boolean;
  pageSize: number;
  pages: number;
  overhead: number;
}

const u16 = (db: Db, at: number): number => (db.le ? db.bytes.readUInt16LE(at) : db.bytes.readUInt16BE(at));
const u32 = (db: Db, at: number): number => (db.le ? db.bytes.readUInt32LE(at) : db.bytes.readUInt32BE(at));

/**
 * The header blobs of a BerkeleyDB `Packages` file. Throws (the whole file is unreadable) when the
 * metadata page is not that of a readable hash database; everything else that cannot be read is added
 * to `losses` and skipped.
 */
export function* bdbHeaderBlobs(bytes: Buffer, losses: Losses, maxEntries = RPMDB_MAX_ENTRIES): Generator<HeaderBlob> {
  if (bytes.length < 512) throw new Error(`BerkeleyDB: ${bytes.length} bytes is shorter than a metadata page`);
  let le: boolean;
  if (bytes.readUInt32LE(12) === HASH_MAGIC) le = true;
  else if (bytes.readUInt32BE(12) === HASH_MAGIC) le = false;
  else if (bytes.readUInt32LE(12) === BTREE_MAGIC || bytes.readUInt32BE(12) === BTREE_MAGIC) throw new Error('BerkeleyDB btree database, not the hash database rpm keeps its packages in');
  else throw new Error('not a BerkeleyDB hash database (wrong magic)');
  const pageSize = le ? bytes.readUInt32LE(20) : bytes.readUInt32BE(20);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) throw new Error(`BerkeleyDB: invalid page size ${pageSize}`);
  const version = le ? bytes.readUInt32LE(16) : bytes.readUInt32BE(16);
  // Hash page formats 7 (BerkeleyDB 3.x) to 10; rpm's own bdb_ro reader takes 8 to 10.
  if (version < 7 || version > 10) throw new Error(`BerkeleyDB: unsupported hash version ${version}`);
  if (bytes[25] !== P_HASHMETA) throw new Error(`BerkeleyDB: page 0 is of type ${bytes[25]}, not a hash metadata page`);
  if (bytes[24] !== 0) throw new Error('BerkeleyDB: the database is encrypted');
  const overhead = (bytes[26]! & DBMETA_CHKSUM) !== 0 ? PAGE_HEADER + 6 : PAGE_HEADER;
  const filePages = Math.floor(bytes.length / pageSize);
  const db: Db = { bytes, le, pageSize, pages: filePages, overhead };
  const lastPage = u32(db, 32);
  const keyCount = u32(db, 88);
  if (bytes.length % pageSize !== 0) losses.add(`the file ends inside page ${filePages} (truncated)`);
  if (lastPage >= filePages) losses.add(`the file holds ${filePages} of ${lastPage + 1} pages (truncated)`);
  db.pages = Math.min(filePages, lastPage + 1);

  // One mark per page: an overflow page belongs to one chain only (see the module comment).
  const used = new Uint8Array(db.pages);
  const seen = new Set<number>();
  let keys = 0;
  let sawKey0 = false;
  let entries = 0;
  for (let pg = 1; pg < db.pages; pg++) {
    const start = pg * pageSize;
    const type = bytes[start + 25];
    if (type !== P_HASH && type !== P_HASH_UNSORTED) continue;
    if (u32(db, start + 8) !== pg) {
      losses.add(`hash page ${pg} carries the number of page ${u32(db, start + 8)}`);
      continue;
    }
    const n = u16(db, start + 20);
    if (n % 2 !== 0 || overhead + n * 2 > pageSize) {
      losses.add(`hash page ${pg} claims ${n} items`);
      continue;
    }
    for (let i = 0; i < n; i += 2) {
      if (++entries > maxEntries) {
        losses.stop(`more than ${maxEntries} entries: the rest of the database is not read`);
        return;
      }
      const key = item(db, start, n, i);
      const value = item(db, start, n, i + 1);
      if (key === undefined || value === undefined) {
        losses.add(`hash page ${pg}: item ${i} lies outside its page`);
        continue;
      }
      if (bytes[key.at] !== H_KEYDATA || key.len !== 5) {
        losses.add(`hash page ${pg}: item ${i} is not a 4-byte header number`);
        continue;
      }
      const hnum = u32(db, key.at + 1);
      keys++;
      // Key 0 holds rpm's next header number, not a package; there is one.
      if (hnum === 0) {
        if (sawKey0) losses.add(`hash page ${pg}: a second key 0`);
        sawKey0 = true;
        continue;
      }
      const blob = valueBytes(db, value, used, `hash page ${pg} item ${i + 1}`, losses);
      if (blob === undefined) continue;
      if (seen.has(hnum)) {
        losses.add(`header number ${hnum} appears twice`);
        continue;
      }
      seen.add(hnum);
      yield { hnum, blob };
    }
  }
  // nelem counts every key (key 0 included). Fewer found means entries sit on pages that were lost.
  if (keyCount > keys && losses.count === 0) losses.add(`the metadata counts ${keyCount} entries, ${keys} were found`);
}

interface Item {
  at: number;
  len: number;
}

/** Item `i` of the hash page at `start`: its offset and length (up to the previous item, or the page end). */
function item(db: Db, start: number, n: number, i: number): Item | undefined {
  const inp = start + db.overhead;
  const off = u16(db, inp + i * 2);
  const end = i === 0 ? db.pageSize : u16(db, inp + (i - 1) * 2);
  if (off < db.overhead + n * 2 || end > db.pageSize || off >= end) return undefined;
  return { at: start + off, len: end - off };
}

/** The bytes of a data item: on the page (a view, no copy) or assembled from its overflow chain. */
function valueBytes(db: Db, v: Item, used: Uint8Array, where: string, losses: Losses): Buffer | undefined {
  const type = db.bytes[v.at];
  if (type === H_KEYDATA) return db.bytes.subarray(v.at + 1, v.at + v.len);
  if (type === H_DUPLICATE || type === H_OFFDUP) {
    losses.add(`${where}: duplicate data items (rpm never writes them)`);
    return undefined;
  }
  if (type !== H_OFFPAGE || v.len < 12) {
    losses.add(`${where}: unknown item type ${type}`);
    return undefined;
  }
  let pg = u32(db, v.at + 4);
  const total = u32(db, v.at + 8);
  if (total > MAX_HEADER_BYTES) {
    losses.add(`${where}: ${total}-byte value is over the header limit`);
    return undefined;
  }
  const out = Buffer.allocUnsafe(total);
  let got = 0;
  while (pg !== 0) {
    if (pg >= db.pages) {
      losses.add(`${where}: overflow page ${pg} is beyond the end of the file`);
      return undefined;
    }
    if (used[pg] === 1) {
      losses.add(`${where}: overflow page ${pg} is used twice (a cycle or a shared chain)`);
      return undefined;
    }
    used[pg] = 1;
    const start = pg * db.pageSize;
    if (db.bytes[start + 25] !== P_OVERFLOW) {
      losses.add(`${where}: page ${pg} of its overflow chain is not an overflow page`);
      return undefined;
    }
    const len = u16(db, start + 22);
    if (len > db.pageSize - db.overhead || got + len > total) {
      losses.add(`${where}: overflow page ${pg} holds more than the item's length`);
      return undefined;
    }
    db.bytes.copy(out, got, start + db.overhead, start + db.overhead + len);
    got += len;
    pg = u32(db, start + 16);
  }
  if (got !== total) {
    losses.add(`${where}: overflow chain ends after ${got} of ${total} bytes`);
    return undefined;
  }
  return out;
}
