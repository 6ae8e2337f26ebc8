/**
 * The worker gunzip of local gzip layers (inflate-worker.ts): exact bytes through a ring smaller than the
 * stream (the worker waits for free slots), a gzip stream at an offset inside a bigger file, several gzip
 * members, and zlib's own errors for corrupt and truncated streams; a consumer that stops early stops the
 * worker. Through squash: the same tree and sink input as the in-thread gunzip, and corrupt layers are
 * SOURCE_CORRUPT_LAYER naming the layer.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/log.js';
import { inflateFileRange, InflateError, workerInflateSupported } from '../../../src/source/image/inflate-worker.js';
import { squashLayers, type LayerPlan, type SquashOptions } from '../../../src/source/image/squash.js';
import { TempSpace } from '../../../src/source/temp.js';
// @ts-expect-error the fixture builders are plain JS
import { tarBytes } from '../../../scripts/fixtures/images.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'custody-inflate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** 12 MB: more than the ring's 8 slots of 1 MB, half incompressible so the input spans many reads too. */
function payload(): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < 12; i++) parts.push(i % 2 === 0 ? randomBytes(1 << 20) : Buffer.alloc(1 << 20, `line ${i}\n`));
  return Buffer.concat(parts);
}

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  // Copies: each chunk is a view of a ring slot, valid until the next is asked for.
  for await (const c of it) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

function place(name: string, bytes: Buffer, prefix = 0, suffix = 0): { file: string; offset: number; size: number } {
  const file = join(tmp, name);
  writeFileSync(file, Buffer.concat([Buffer.alloc(prefix, 0xaa), bytes, Buffer.alloc(suffix, 0x55)]));
  return { file, offset: prefix, size: bytes.length };
}

describe('inflateFileRange', () => {
  it('is supported on this Node (else layers are gunzipped in-thread)', () => {
    expect(workerInflateSupported).toBe(true);
  });

  it('gives exactly the gunzipped bytes of a range inside a bigger file, through a ring smaller than the stream', async () => {
    const data = payload();
    const range = place('offset.bin', gzipSync(data), 12_345, 999);
    const got = await collect(inflateFileRange(range));
    expect(got.length).toBe(data.length);
    expect(createHash('sha256').update(got).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('reads every member of a multi-member gzip stream, as gunzip does', async () => {
    const a = Buffer.from('first member\n'.repeat(1000));
    const b = Buffer.from('second member\n'.repeat(1000));
    const got = await collect(inflateFileRange(place('members.gz', Buffer.concat([gzipSync(a), gzipSync(b)]))));
    expect(got.equals(Buffer.concat([a, b]))).toBe(true);
  });

  it("reports zlib's errors: a truncated stream, a corrupt header, corrupt data after good chunks", async () => {
    const whole = gzipSync(payload());
    await expect(collect(inflateFileRange(place('truncated.gz', whole.subarray(0, whole.length >> 1))))).rejects.toThrow(/unexpected end of file/);
    await expect(collect(inflateFileRange(place('header.gz', Buffer.from('this is not gzip at all'))))).rejects.toThrow(/incorrect header check/);
    const broken = Buffer.from(whole);
    broken.fill(0xff, broken.length >> 1, (broken.length >> 1) + 4096);
    await expect(collect(inflateFileRange(place('broken.gz', broken)))).rejects.toBeInstanceOf(InflateError);
  });

  it('a missing file is an error with its errno code', async () => {
    await expect(collect(inflateFileRange({ file: join(tmp, 'absent.gz'), offset: 0, size: 100 }))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a range past the end of its file is an error, not a short stream taken as whole', async () => {
    const gz = gzipSync(Buffer.from('short\n'.repeat(100)));
    const range = place('short.gz', gz);
    await expect(collect(inflateFileRange({ ...range, size: range.size + 1000 }))).rejects.toThrow(/ended before/);
  });

  it('a consumer that stops after the first chunk stops the worker (nothing hangs)', async () => {
    const range = place('early.gz', gzipSync(payload()));
    for (let i = 0; i < 3; i++) {
      let chunks = 0;
      for await (const c of inflateFileRange(range)) {
        expect(c.length).toBeGreaterThan(0);
        chunks++;
        break;
      }
      expect(chunks).toBe(1);
    }
  });
});

describe('squash through the worker gunzip', () => {
  const entries = Array.from({ length: 40 }, (_, i) => ({ name: `d${i % 4}/f${i}.json`, data: Buffer.from(JSON.stringify({ i, pad: 'x'.repeat(i * 997) })) }));

  function options(taken: string[], worker: boolean): SquashOptions {
    return {
      label: 'test-image',
      scope: 'squashed',
      wants: (p) => p.endsWith('f1.json'),
      sink: { takes: (p) => p.endsWith('.json'), take: async (f) => void taken.push(`${f.path}:${(await f.read()).length}`) },
      streamFileBytes: 1 << 20,
      linkCacheBytes: 1 << 20,
      budgetBytes: 1 << 20,
      verifyDigests: false,
      temp: new TempSpace(tmp),
      log: silentLogger,
      workerMinLayerBytes: worker ? 0 : Number.MAX_SAFE_INTEGER,
    };
  }
  const plan = (n: number, blob: Buffer): LayerPlan => {
    const range = place(`layer${n}-${blob.length}.gz`, blob, 512);
    return { digest: `sha256:${String(n).padStart(64, '0')}`, locate: async () => range, open: async () => Readable.from([blob]) };
  };

  it('gives the same tree and sink input as the in-thread gunzip', async () => {
    const blob = gzipSync((await tarBytes(entries)) as Buffer);
    const results = [];
    for (const worker of [true, false]) {
      const taken: string[] = [];
      const tree = await squashLayers([plan(1, blob)], options(taken, worker));
      results.push({ taken, paths: [...tree.nodes.keys()].sort(), kept: tree.get('/d1/f1.json')?.content?.kind });
    }
    expect(results[0]!.taken.length).toBe(39);
    expect(results[0]!.kept).toBe('buffer');
    expect(results[0]).toEqual(results[1]);
  });

  it('a corrupt or truncated layer read by the worker is SOURCE_CORRUPT_LAYER naming the layer', async () => {
    const blob = gzipSync((await tarBytes(entries)) as Buffer);
    const cut = blob.subarray(0, blob.length - 200);
    await expect(squashLayers([plan(2, cut)], options([], true))).rejects.toMatchObject({ code: 'SOURCE_CORRUPT_LAYER', message: expect.stringMatching(/layer 1 .* is not valid gzip \(unexpected end of file\)/) });
    const bad = Buffer.from(blob);
    bad[3] = 0xff; // reserved FLG bits set: zlib refuses the header
    await expect(squashLayers([plan(3, bad)], options([], true))).rejects.toMatchObject({ code: 'SOURCE_CORRUPT_LAYER', message: expect.stringContaining('layer 1') });
  });
});
