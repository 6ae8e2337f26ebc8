/**
 * The BerkeleyDB reader on hostile input: the committed goldens (written by rpm and db5.3_load) cut,
 * bent and mutated, and databases built here that claim a million entries. Every case must end in
 * bounded time with what could be read plus an incomplete entry naming what was lost, never a crash.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type CatalogContext } from '../../../src/catalog/cataloger.js';
import { Losses, RPMDB_MAX_ENTRIES } from '../../../src/catalog/rpm/backend.js';
import { bdbHeaderBlobs } from '../../../src/catalog/rpm/bdb.js';
import { RPMTAG } from '../../../src/catalog/rpm/header.js';
import { parseRpmDb } from '../../../src/catalog/rpm/rpmdb.js';
import { encodeRpmHeader, RPM_GOLDEN, str } from './rpm-header.js';

const LE = readFileSync(join(RPM_GOLDEN, 'bdb-le-4096', 'Packages'));
const BE = readFileSync(join(RPM_GOLDEN, 'bdb-be-512', 'Packages'));
const NAMES = ['hello', 'nodejs-mod', 'shadow-lite', 'tzdata-lite'];

function read(bytes: Buffer): { names: string[]; incomplete: string[]; ms: number } {
  const incomplete: string[] = [];
  const ctx: CatalogContext = { warn: () => {}, incomplete: (m) => incomplete.push(m), limits: DEFAULT_LIMITS };
  const t0 = performance.now();
  const result = parseRpmDb({ location: { path: '/var/lib/rpm/Packages' }, contents: bytes }, ctx);
  return { names: result.packages.map((p) => p.name).sort(), incomplete, ms: performance.now() - t0 };
}

interface Geometry {
  le: boolean;
  pageSize: number;
}
const geometry = (b: Buffer): Geometry => {
  const le = b.readUInt32LE(12) === 0x061561;
  return { le, pageSize: le ? b.readUInt32LE(20) : b.readUInt32BE(20) };
};
const rd32 = (b: Buffer, g: Geometry, at: number): number => (g.le ? b.readUInt32LE(at) : b.readUInt32BE(at));
const wr32 = (b: Buffer, g: Geometry, at: number, v: number): void => void (g.le ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
const rd16 = (b: Buffer, g: Geometry, at: number): number => (g.le ? b.readUInt16LE(at) : b.readUInt16BE(at));

/** Byte offsets of the H_OFFPAGE items (values kept in overflow pages) of a database. */
function offpageItems(b: Buffer): number[] {
  const g = geometry(b);
  const out: number[] = [];
  for (let pg = 1; pg * g.pageSize < b.length; pg++) {
    const start = pg * g.pageSize;
    if (b[start + 25] !== 13) continue;
    const n = rd16(b, g, start + 20);
    for (let i = 1; i < n; i += 2) {
      const at = start + rd16(b, g, start + 26 + i * 2);
      if (b[at] === 3) out.push(at);
    }
  }
  return out;
}

/**
 * A hash database (page size 4096, little-endian) whose hash pages hold `pairs` key/value items:
 * keys 1..pairs, values `value(i)` on the page.
 */
function fakeBdb(pairs: number, value: (i: number) => Buffer): Buffer {
  const pageSize = 4096;
  const pages: Buffer[] = [];
  let page = Buffer.alloc(pageSize);
  let n = 0;
  let low = pageSize;
  const flush = (): void => {
    page.writeUInt32LE(pages.length + 1, 8);
    page.writeUInt16LE(n, 20);
    page.writeUInt16LE(low, 22);
    page[25] = 13;
    pages.push(page);
    page = Buffer.alloc(pageSize);
    n = 0;
    low = pageSize;
  };
  for (let i = 1; i <= pairs; i++) {
    const v = value(i);
    const need = 5 + 1 + v.length;
    if (low - need < 26 + (n + 2) * 2) flush();
    const key = Buffer.alloc(5);
    key[0] = 1;
    key.writeUInt32LE(i, 1);
    low -= 5;
    key.copy(page, low);
    page.writeUInt16LE(low, 26 + n * 2);
    low -= 1 + v.length;
    page[low] = 1;
    v.copy(page, low + 1);
    page.writeUInt16LE(low, 26 + (n + 1) * 2);
    n += 2;
  }
  flush();
  const meta = Buffer.alloc(pageSize);
  meta.writeUInt32LE(0x061561, 12);
  meta.writeUInt32LE(9, 16);
  meta.writeUInt32LE(pageSize, 20);
  meta[25] = 8;
  meta.writeUInt32LE(pages.length, 32);
  meta.writeUInt32LE(pairs, 88);
  return Buffer.concat([meta, ...pages]);
}

describe('BerkeleyDB reader: what stops it (the whole file is unreadable)', () => {
  it.each([
    ['shorter than a metadata page', LE.subarray(0, 300), /shorter than a metadata page/],
    ['wrong magic', Buffer.concat([Buffer.alloc(12), Buffer.from([1, 2, 3, 4]), LE.subarray(16)]), /wrong magic/],
    ['a btree database', (() => { const b = Buffer.from(LE); b.writeUInt32LE(0x053162, 12); return b; })(), /btree/],
    ['an invalid page size', (() => { const b = Buffer.from(LE); b.writeUInt32LE(3000, 20); return b; })(), /invalid page size 3000/],
    ['an encrypted database', (() => { const b = Buffer.from(LE); b[24] = 1; return b; })(), /encrypted/],
    ['an unknown hash version', (() => { const b = Buffer.from(LE); b.writeUInt32LE(42, 16); return b; })(), /unsupported hash version 42/],
    ['page 0 is not a hash metadata page', (() => { const b = Buffer.from(LE); b[25] = 9; return b; })(), /not a hash metadata page/],
  ])('%s', (_name, bytes, message) => {
    expect(() => [...bdbHeaderBlobs(bytes, new Losses())]).toThrow(message);
  });
});

describe('BerkeleyDB reader: damage costs the packages it touches, and says so', () => {
  it.each([
    ['little-endian, 4096-byte pages', LE],
    ['big-endian, 512-byte pages', BE],
  ])('%s: truncated at every page boundary and inside pages', (_name, db) => {
    const { pageSize } = geometry(db);
    for (let cut = pageSize; cut < db.length; cut += pageSize / 2) {
      const { names, incomplete, ms } = read(db.subarray(0, cut));
      expect(names.every((n) => NAMES.includes(n))).toBe(true);
      // Whatever is missing is reported; a cut never passes as a complete database.
      expect(incomplete).toHaveLength(1);
      expect(incomplete[0]).toMatch(/truncated|entries, \d+ were found|beyond the end/);
      expect(ms).toBeLessThan(2000);
    }
  });

  it('an overflow page number beyond the file loses that package only', () => {
    const b = Buffer.from(LE);
    const g = geometry(b);
    const items = offpageItems(b);
    expect(items.length).toBe(4);
    wr32(b, g, items[0]! + 4, 0x7ffffff0);
    const { names, incomplete } = read(b);
    expect(names).toHaveLength(3);
    expect(incomplete).toEqual([expect.stringMatching(/^BerkeleyDB rpm database read in part: hash page \d+ item \d+: overflow page 2147483632 is beyond the end of the file$/)]);
  });

  it('an overflow chain that loops back on itself ends, losing that package only', () => {
    const b = Buffer.from(BE);
    const g = geometry(b);
    const item = offpageItems(b)[1]!;
    const first = rd32(b, g, item + 4);
    // The chain's second page points back to the first.
    const second = rd32(b, g, first * g.pageSize + 16);
    expect(second).not.toBe(0);
    wr32(b, g, second * g.pageSize + 16, first);
    const { names, incomplete, ms } = read(b);
    expect(names).toHaveLength(3);
    expect(incomplete[0]).toMatch(/overflow page \d+ is used twice \(a cycle or a shared chain\)/);
    expect(ms).toBeLessThan(1000);
  });

  it('two values sharing one overflow chain: the second is refused (bytes read stay within the file)', () => {
    const b = Buffer.from(LE);
    const g = geometry(b);
    const [a, c] = offpageItems(b);
    wr32(b, g, c! + 4, rd32(b, g, a! + 4));
    wr32(b, g, c! + 8, rd32(b, g, a! + 8));
    const { names, incomplete } = read(b);
    expect(names).toHaveLength(3);
    expect(incomplete[0]).toMatch(/used twice/);
  });

  it('a header whose il/dl lie about its size loses that package only', () => {
    const b = Buffer.from(LE);
    const g = geometry(b);
    const item = offpageItems(b)[2]!;
    const first = rd32(b, g, item + 4);
    b.writeUInt32BE(0x7fffffff, first * g.pageSize + 26); // il of the header blob, which rpm writes big-endian
    const { names, incomplete } = read(b);
    expect(names).toHaveLength(3);
    expect(incomplete[0]).toMatch(/header \d+: rpm header has implausible sizes \(2147483647 entries/);
  });

  it('an item offset outside its page, an odd item count and a page number that is not its own', () => {
    const g = geometry(LE);
    const hashPages = [];
    for (let pg = 1; pg * g.pageSize < LE.length; pg++) if (LE[pg * g.pageSize + 25] === 13 && rd16(LE, g, pg * g.pageSize + 20) > 0) hashPages.push(pg);
    const pg = hashPages[0]!;
    const start = pg * g.pageSize;
    const outside = Buffer.from(LE);
    outside.writeUInt16LE(g.pageSize + 10, start + 26 + 2);
    expect(read(outside).incomplete[0]).toMatch(/lies outside its page/);
    const odd = Buffer.from(LE);
    odd.writeUInt16LE(rd16(LE, g, start + 20) + 1, start + 20);
    expect(read(odd).incomplete[0]).toMatch(/claims \d+ items/);
    const renumbered = Buffer.from(LE);
    renumbered.writeUInt32LE(pg + 100, start + 8);
    expect(read(renumbered).incomplete[0]).toMatch(/carries the number of page/);
  });

  it('a million fake entries: stops at the entry limit in bounded time, reporting the rest as unread', () => {
    const junk = Buffer.from([0xff]);
    const db = fakeBdb(1_000_000, () => junk);
    expect(db.length).toBeGreaterThan(10_000_000);
    const { names, incomplete, ms } = read(db);
    expect(names).toEqual([]);
    expect(incomplete).toEqual([expect.stringMatching(new RegExp(`^BerkeleyDB rpm database read in part: more than ${RPMDB_MAX_ENTRIES} entries: the rest of the database is not read; header 1: rpm header shorter than 8 bytes; .*\\(and ${RPMDB_MAX_ENTRIES - 3} more\\)$`))]);
    expect(ms).toBeLessThan(5000);
  });

  it('a hundred thousand valid tiny headers: at most RPMDB_MAX_ENTRIES packages are kept', () => {
    const db = fakeBdb(100_000, (i) => encodeRpmHeader([[RPMTAG.NAME, str(`p${i}`)], [RPMTAG.VERSION, str('1')], [RPMTAG.RELEASE, str('1')]]));
    const { names, incomplete, ms } = read(db);
    expect(names).toHaveLength(RPMDB_MAX_ENTRIES);
    expect(incomplete).toEqual([`BerkeleyDB rpm database read in part: more than ${RPMDB_MAX_ENTRIES} entries: the rest of the database is not read`]);
    expect(ms).toBeLessThan(10_000);
  });

  it('random mutations of a real database never crash, and never lose a package without saying so (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(LE, BE),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        (db, edits) => {
          const b = Buffer.from(db);
          for (const [at, v] of edits) b[at % b.length] = v;
          let out: ReturnType<typeof read>;
          try {
            out = read(b);
          } catch (err) {
            // Only the metadata page may make the whole file unreadable.
            expect(err).toBeInstanceOf(Error);
            expect((err as Error).message).toMatch(/BerkeleyDB|not a BerkeleyDB|not an rpm database/);
            return;
          }
          expect(out.ms).toBeLessThan(2000);
          if (out.incomplete.length === 0) expect(out.names).toHaveLength(NAMES.length);
        },
      ),
      { numRuns: 400 },
    );
  });
});
