/**
 * The ndb reader on hostile input. Nothing here can write or independently read ndb (Debian's rpm has
 * no ndb back end), so the databases below are SELF-MADE by buildNdb (rpm's rpmpkg.c layout) from the
 * real header blobs of the committed BerkeleyDB golden: they serve only the bounds tests. The real ndb
 * truth is the SLE 15 database of ../shared/corpus (test/real/rpm-corpus.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type CatalogContext } from '../../../src/catalog/cataloger.js';
import { Losses, RPMDB_MAX_ENTRIES } from '../../../src/catalog/rpm/backend.js';
import { bdbHeaderBlobs } from '../../../src/catalog/rpm/bdb.js';
import { adler32, ndbHeaderBlobs } from '../../../src/catalog/rpm/ndb.js';
import { parseRpmDb, rpmDbKind } from '../../../src/catalog/rpm/rpmdb.js';
import { buildNdb, RPM_GOLDEN } from './rpm-header.js';

const BLOBS = [...bdbHeaderBlobs(readFileSync(join(RPM_GOLDEN, 'bdb-le-4096', 'Packages')), new Losses())].map((b) => ({ pkgidx: b.hnum, blob: Buffer.from(b.blob) }));
const NDB = buildNdb(BLOBS);
const NAMES = ['hello', 'nodejs-mod', 'shadow-lite', 'tzdata-lite'];

function read(bytes: Buffer): { names: string[]; incomplete: string[]; ms: number } {
  const incomplete: string[] = [];
  const ctx: CatalogContext = { warn: () => {}, incomplete: (m) => incomplete.push(m), limits: DEFAULT_LIMITS };
  const t0 = performance.now();
  const result = parseRpmDb({ location: { path: '/usr/lib/sysimage/rpm/Packages.db' }, contents: bytes }, ctx);
  return { names: result.packages.map((p) => p.name).sort(), incomplete, ms: performance.now() - t0 };
}

/** Byte offset of slot `i` (0-based, after the 32-byte file header). */
const slotAt = (i: number): number => 32 + i * 16;

describe('ndb reader (self-made databases: bounds only)', () => {
  it('adler32 matches RFC 1950 (Wikipedia example "Wikipedia" = 0x11E60398)', () => {
    const b = Buffer.from('Wikipedia');
    expect(adler32(b, 0, b.length)).toBe(0x11e60398);
    const big = Buffer.alloc(100_000, 0xff);
    let a = 1;
    let s = 0;
    for (const x of big) {
      a = (a + x) % 65521;
      s = (s + a) % 65521;
    }
    expect(adler32(big, 0, big.length)).toBe(((s << 16) | a) >>> 0);
  });

  it('reads back the blobs it was given (a round trip through the self-made writer)', () => {
    expect(rpmDbKind(NDB)).toBe('ndb');
    expect(read(NDB)).toMatchObject({ names: NAMES, incomplete: [] });
  });

  it.each([
    ['wrong magic', (() => { const b = Buffer.from(NDB); b.write('XpmP', 0); return b; })(), /not an ndb package database/],
    ['an unknown version', (() => { const b = Buffer.from(NDB); b.writeUInt32LE(7, 4); return b; })(), /unsupported version 7/],
    ['no slot pages', (() => { const b = Buffer.from(NDB); b.writeUInt32LE(0, 12); return b; })(), /no slot pages/],
  ])('%s stops the read', (_n, bytes, message) => {
    expect(() => [...ndbHeaderBlobs(bytes, new Losses())]).toThrow(message);
  });

  it('truncated anywhere: what is missing is reported', () => {
    for (let cut = 32; cut < NDB.length; cut += 48) {
      const { names, incomplete, ms } = read(NDB.subarray(0, cut));
      expect(names.every((n) => NAMES.includes(n))).toBe(true);
      expect(incomplete).toHaveLength(1);
      expect(incomplete[0]).toMatch(/truncated/);
      expect(ms).toBeLessThan(1000);
    }
  });

  it('a bad slot magic, a slot past the end, overlapping slots, a checksum mismatch: each loses one package', () => {
    const badMagic = Buffer.from(NDB);
    badMagic.write('Xlot', slotAt(0));
    expect(read(badMagic)).toMatchObject({ names: expect.any(Array), incomplete: [expect.stringMatching(/slot 2 has a bad magic/)] });
    expect(read(badMagic).names).toHaveLength(3);

    const pastEnd = Buffer.from(NDB);
    pastEnd.writeUInt32LE(0x0fffffff, slotAt(1) + 8);
    expect(read(pastEnd).incomplete[0]).toMatch(/points past the end of the file/);
    expect(read(pastEnd).names).toHaveLength(3);

    const overlap = Buffer.from(NDB);
    overlap.writeUInt32LE(NDB.readUInt32LE(slotAt(0) + 8), slotAt(2) + 8);
    expect(read(overlap).incomplete[0]).toMatch(/overlaps another slot's blocks/);
    expect(read(overlap).names).toHaveLength(3);

    const flipped = Buffer.from(NDB);
    const blob = NDB.readUInt32LE(slotAt(3) + 8) * 16;
    flipped[blob + 40] ^= 0x01;
    expect(read(flipped).incomplete[0]).toMatch(/blob checksum mismatch/);
    expect(read(flipped).names).toHaveLength(3);

    const wrongLength = Buffer.from(NDB);
    wrongLength.writeUInt32LE(5, slotAt(0) + 12);
    expect(read(wrongLength).incomplete[0]).toMatch(/does not match its 5 blocks/);
  });

  it('a million slots: stops at the entry limit in bounded time', () => {
    const slotPages = 3907; // 3907 * 256 - 2 slots, more than a million
    const b = Buffer.alloc(slotPages * 4096);
    b.writeUInt32LE(0x506d7052, 0);
    b.writeUInt32LE(slotPages, 12);
    for (let o = 32; o < b.length; o += 16) {
      b.writeUInt32LE(0x746f6c53, o);
      b.writeUInt32LE(o / 16, o + 4);
      b.writeUInt32LE(0xfffffff0, o + 8);
      b.writeUInt32LE(1, o + 12);
    }
    const { names, incomplete, ms } = read(b);
    expect(names).toEqual([]);
    expect(incomplete[0]).toMatch(new RegExp(`^ndb rpm database read in part: more than ${RPMDB_MAX_ENTRIES} slots: the rest of the database is not read; slot 2 \\(package 2\\) points past the end of the file \\(truncated\\); .*\\(and ${RPMDB_MAX_ENTRIES - 3} more\\)$`));
    expect(ms).toBeLessThan(5000);
  });

  it('random mutations never crash and never lose a package without saying so (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (edits) => {
        const b = Buffer.from(NDB);
        for (const [at, v] of edits) b[at % b.length] = v;
        let out: ReturnType<typeof read>;
        try {
          out = read(b);
        } catch (err) {
          expect((err as Error).message).toMatch(/ndb|not an rpm database/);
          return;
        }
        expect(out.ms).toBeLessThan(2000);
        if (out.incomplete.length === 0) expect(out.names).toHaveLength(NAMES.length);
      }),
      { numRuns: 400 },
    );
  });
});
