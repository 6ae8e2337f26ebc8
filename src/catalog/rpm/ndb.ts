/**
 * rpm's ndb package database `Packages.db` (SUSE/SLE 15, openSUSE, rpm >= 4.16 built with ndb), read
 * from its bytes. Format (rpm's lib/backend/ndb/rpmpkg.c; every number little-endian):
 *  - a 32-byte header: magic 'RpmP', version 0, generation, number of 4 KiB slot pages, next index;
 *  - the slot pages, after the header: 16-byte slots 'Slot', package index, block offset, block count
 *    (blocks are 16 bytes; a slot with block offset 0 is free);
 *  - at each slot's block offset, a blob: head 'BlbS', package index, timestamp, blob length; the header
 *    blob; zero padding; tail adler32 (of head, blob and padding), blob length, 'BlbE'. The blocks a slot
 *    names are exactly the ones its blob needs.
 * Bounds: slot pages come from the file size; each slot's blocks must lie inside the file, after the
 * slot pages, and overlap no other slot's (rpm checks the same), which bounds the bytes read to the file
 * size; the checksum is verified; at most RPMDB_MAX_ENTRIES slots are examined. A bad slot or blob
 * loses that package and is recorded; only a bad file header stops the read.
 */
import { type HeaderBlob, Losses, RPMDB_MAX_ENTRIES } from './backend.js';
import { MAX_HEADER_BYTES } from './header.js';

const PKGDB_MAGIC = 0x506d7052; // 'RpmP' read little-endian
const SLOT_MAGIC = 0x746f6c53; // 'Slot'
const BLOBHEAD_MAGIC = 0x53626c42; // 'BlbS'
const BLOBTAIL_MAGIC = 0x45626c42; // 'BlbE'
const HEADER_SIZE = 32;
const SLOT_SIZE = 16;
const BLK_SIZE = 16;
const PAGE_SIZE = 4096;
const BLOBHEAD_SIZE = 16;
const BLOBTAIL_SIZE = 12;

/** True when the bytes start with ndb's magic. */
export function isNdb(bytes: Buffer): boolean {
  return bytes.length >= 4 && bytes.readUInt32LE(0) === PKGDB_MAGIC;
}

/** Adler-32 (RFC 1950 §8.2), the checksum ndb keeps in each blob's tail. */
export function adler32(buf: Buffer, start: number, end: number): number {
  let a = 1;
  let b = 0;
  for (let i = start; i < end; ) {
    // 5552 bytes is the most that can be summed before the 32-bit accumulators must be reduced.
    const stop = Math.min(end, i + 5552);
    for (; i < stop; i++) {
      a += buf[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

interface Slot {
  n: number;
  pkgidx: number;
  blkoff: number;
  blkcnt: number;
}

/**
 * The header blobs of an ndb `Packages.db`. Throws when the file header is not ndb's; every slot or
 * blob that cannot be read is added to `losses` and skipped.
 */
export function* ndbHeaderBlobs(bytes: Buffer, losses: Losses, maxEntries = RPMDB_MAX_ENTRIES): Generator<HeaderBlob> {
  if (bytes.length < HEADER_SIZE || bytes.readUInt32LE(0) !== PKGDB_MAGIC) throw new Error('not an ndb package database (wrong magic)');
  const version = bytes.readUInt32LE(4);
  if (version !== 0) throw new Error(`ndb: unsupported version ${version}`);
  const slotPages = bytes.readUInt32LE(12);
  if (slotPages === 0) throw new Error('ndb: no slot pages');
  if (bytes.length % BLK_SIZE !== 0) losses.add(`the file size is not a multiple of ${BLK_SIZE} (truncated)`);
  const fileBlocks = Math.floor(bytes.length / BLK_SIZE);
  const readablePages = Math.min(slotPages, Math.floor(bytes.length / PAGE_SIZE));
  if (readablePages < slotPages) losses.add(`the file holds ${readablePages} of ${slotPages} slot pages (truncated)`);
  const minBlock = slotPages * (PAGE_SIZE / BLK_SIZE);

  const slots: Slot[] = [];
  let examined = 0;
  scan: for (let page = 0; page < readablePages; page++) {
    for (let o = page === 0 ? HEADER_SIZE : 0; o < PAGE_SIZE; o += SLOT_SIZE) {
      const at = page * PAGE_SIZE + o;
      const n = at / SLOT_SIZE;
      if (++examined > maxEntries) {
        losses.stop(`more than ${maxEntries} slots: the rest of the database is not read`);
        break scan;
      }
      if (bytes.readUInt32LE(at) !== SLOT_MAGIC) {
        losses.add(`slot ${n} has a bad magic`);
        continue;
      }
      const blkoff = bytes.readUInt32LE(at + 8);
      if (blkoff === 0) continue; // a free slot
      const pkgidx = bytes.readUInt32LE(at + 4);
      const blkcnt = bytes.readUInt32LE(at + 12);
      if (pkgidx === 0 || blkcnt === 0 || blkoff < minBlock) {
        losses.add(`slot ${n} is malformed (package ${pkgidx}, blocks ${blkoff}+${blkcnt})`);
        continue;
      }
      if (blkoff + blkcnt > fileBlocks) {
        losses.add(`slot ${n} (package ${pkgidx}) points past the end of the file (truncated)`);
        continue;
      }
      slots.push({ n, pkgidx, blkoff, blkcnt });
    }
  }

  // In block order, so that overlapping slots (which rpm refuses too) are found in one pass.
  slots.sort((a, b) => a.blkoff - b.blkoff || a.n - b.n);
  const seen = new Set<number>();
  let end = minBlock;
  for (const s of slots) {
    if (s.blkoff < end) {
      losses.add(`slot ${s.n} (package ${s.pkgidx}) overlaps another slot's blocks`);
      continue;
    }
    end = s.blkoff + s.blkcnt;
    const blob = readBlob(bytes, s, losses);
    if (blob === undefined) continue;
    if (seen.has(s.pkgidx)) {
      losses.add(`package index ${s.pkgidx} appears twice`);
      continue;
    }
    seen.add(s.pkgidx);
    yield { hnum: s.pkgidx, blob };
  }
}

function readBlob(bytes: Buffer, s: Slot, losses: Losses): Buffer | undefined {
  const start = s.blkoff * BLK_SIZE;
  const stop = start + s.blkcnt * BLK_SIZE;
  const where = `package ${s.pkgidx} (slot ${s.n})`;
  if (s.blkcnt * BLK_SIZE < BLOBHEAD_SIZE + BLOBTAIL_SIZE) {
    losses.add(`${where}: ${s.blkcnt} blocks cannot hold a blob`);
    return undefined;
  }
  if (bytes.readUInt32LE(start) !== BLOBHEAD_MAGIC || bytes.readUInt32LE(start + 4) !== s.pkgidx) {
    losses.add(`${where}: no blob at block ${s.blkoff}`);
    return undefined;
  }
  const len = bytes.readUInt32LE(start + 12);
  if (len > MAX_HEADER_BYTES || s.blkcnt !== Math.ceil((BLOBHEAD_SIZE + len + BLOBTAIL_SIZE) / BLK_SIZE)) {
    losses.add(`${where}: blob length ${len} does not match its ${s.blkcnt} blocks`);
    return undefined;
  }
  const tail = stop - BLOBTAIL_SIZE;
  if (bytes.readUInt32LE(tail + 4) !== len || bytes.readUInt32LE(tail + 8) !== BLOBTAIL_MAGIC) {
    losses.add(`${where}: blob tail is damaged`);
    return undefined;
  }
  if (adler32(bytes, start, tail) !== bytes.readUInt32LE(tail)) {
    losses.add(`${where}: blob checksum mismatch`);
    return undefined;
  }
  return bytes.subarray(start + BLOBHEAD_SIZE, start + BLOBHEAD_SIZE + len);
}
