import fc from 'fast-check';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bufferSource } from '../../../../src/catalog/go/elf.js';
import { rustBinaryCataloger } from '../../../../src/catalog/rust/index.js';
import { readExecutable } from '../../../../src/catalog/go/exe.js';
import { depV0Section } from '../../../../src/catalog/rust/cargo.js';
import { catalogFiles } from '../lang-support.js';

const DEP = deflateSync(
  Buffer.from(
    JSON.stringify({
      packages: [
        { name: 'crate_with_features', version: '0.1.0', source: 'local', dependencies: [1], root: true },
        { name: 'library_crate', version: '0.1.0', source: 'local' },
      ],
    }),
  ),
);

/** A minimal PE32+: DOS header, "PE\0\0", a COFF header, the start of an optional header, one section table entry. */
function pe(name: string, data: Buffer, { padTo = 512 } = {}): Buffer {
  const out = Buffer.alloc(1024 + Math.max(padTo, data.length));
  out.write('MZ', 0, 'latin1');
  out.writeUInt32LE(64, 0x3c);
  out.writeUInt32LE(0x00004550, 64);
  out.writeUInt16LE(0x8664, 68);
  out.writeUInt16LE(1, 70); // sections
  out.writeUInt16LE(112, 84); // optional header size
  out.writeUInt16LE(0x20b, 88); // PE32+
  out.writeBigUInt64LE(0x140000000n, 88 + 24); // image base
  const sec = 88 + 112;
  out.write(name, sec, 'latin1');
  out.writeUInt32LE(data.length, sec + 8); // virtual size
  out.writeUInt32LE(Math.max(padTo, data.length), sec + 16); // raw size (file-aligned)
  out.writeUInt32LE(1024, sec + 20);
  data.copy(out, 1024);
  return out;
}

/** A minimal 64-bit little-endian Mach-O with one LC_SEGMENT_64 `__DATA` holding one section. */
function macho(segment: string, name: string, data: Buffer): Buffer {
  const cmdSize = 72 + 80;
  const out = Buffer.alloc(32 + cmdSize + data.length);
  out.writeUInt32LE(0xfeedfacf, 0);
  out.writeUInt32LE(1, 16); // ncmds
  out.writeUInt32LE(cmdSize, 20);
  out.writeUInt32LE(0x19, 32);
  out.writeUInt32LE(cmdSize, 36);
  out.write(segment, 40, 'latin1');
  out.writeUInt32LE(1, 32 + 64); // nsects
  const s = 32 + 72;
  out.write(name, s, 'latin1');
  out.write(segment, s + 16, 'latin1');
  out.writeBigUInt64LE(BigInt(data.length), s + 40);
  out.writeUInt32LE(32 + cmdSize, s + 48);
  data.copy(out, 32 + cmdSize);
  return out;
}

/** A universal binary around one slice. */
function fat(slice: Buffer): Buffer {
  const head = Buffer.alloc(4096);
  head.writeUInt32BE(0xcafebabe, 0);
  head.writeUInt32BE(1, 4);
  head.writeUInt32BE(0x01000007, 8);
  head.writeUInt32BE(4096, 16); // offset
  head.writeUInt32BE(slice.length, 20);
  return Buffer.concat([head, slice]);
}

describe('cargo-auditable .dep-v0 in PE and Mach-O executables', () => {
  it.each([
    ['PE', pe('.dep-v0', DEP)],
    ['Mach-O', macho('__DATA', '.dep-v0', DEP)],
    ['universal Mach-O', fat(macho('__DATA', '.dep-v0', DEP))],
  ])('%s: the crates and their edges, as from ELF', async (_kind, bytes) => {
    const r = await catalogFiles([rustBinaryCataloger], [{ path: '/usr/local/bin/app', content: bytes }]);
    expect(r.packages.map((p) => p.purl)).toEqual(['pkg:cargo/crate_with_features@0.1.0', 'pkg:cargo/library_crate@0.1.0']);
    expect(r.relationships).toHaveLength(1);
    expect(r.warnings).toEqual([]);
  });

  it('the section is cut to its virtual size (PE raw data is padded), and other sections or segments are not taken', () => {
    expect(depV0Section(bufferSource(pe('.dep-v0', DEP)))).toEqual(DEP);
    expect(depV0Section(bufferSource(pe('.rdata', DEP)))).toBeUndefined();
    expect(depV0Section(bufferSource(macho('__TEXT', '.dep-v0', DEP)))).toBeUndefined();
    expect(readExecutable(bufferSource(Buffer.from('#!/bin/sh\n')))).toBeUndefined();
    // a Java class file shares the universal binary's magic: its version word is no slice count
    expect(depV0Section(bufferSource(Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52, 0, 0])))).toBeUndefined();
  });

  it('never throws on hostile headers (property)', () => {
    const seeds = [pe('.dep-v0', DEP), macho('__DATA', '.dep-v0', DEP), fat(macho('__DATA', '.dep-v0', DEP))];
    fc.assert(
      fc.property(fc.nat(seeds.length - 1), fc.nat(400), fc.uint8Array({ minLength: 1, maxLength: 16 }), fc.nat(2000), (k, at, bytes, cut) => {
        const b = Buffer.from(seeds[k]!);
        Buffer.from(bytes).copy(b, at % b.length);
        const section = depV0Section(bufferSource(b.subarray(0, Math.max(4, b.length - cut))));
        if (section !== undefined) expect(section.length).toBeLessThanOrEqual(b.length);
      }),
      { numRuns: 500 },
    );
  });
});
