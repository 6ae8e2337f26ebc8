import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGguf, readGgufHeader } from '../../../../src/catalog/ai/gguf.js';
import { ggufCataloger } from '../../../../src/catalog/ai/index.js';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { FIXTURES } from '../../../helpers/paths.js';
import { catalogFiles } from '../lang-support.js';

// llama3-8b.gguf and gpt2-small.gguf are the two files syft's cataloger_test.go builds with its testGGUFBuilder
// (the same keys, types and values, written the same way); tinyllama-q4.gguf is custody's own
const model = (f: string): Buffer => readFileSync(join(FIXTURES, 'catalog', 'ai', f));

describe('gguf-cataloger', () => {
  it('the model a GGUF header names: name, version, licence, architecture, quantization, parameters; no purl', async () => {
    const r = await catalogFiles([ggufCataloger], [
      { path: '/models/llama3-8b.gguf', content: model('llama3-8b.gguf') },
      { path: '/models/gpt2-small.gguf', content: model('gpt2-small.gguf') },
    ]);
    const [gpt2, llama] = r.packages;
    expect(llama).toMatchObject({
      name: 'llama3-8b',
      version: '3.0',
      type: 'model',
      licenses: ['Apache-2.0'],
      foundBy: ['gguf-cataloger'],
      metadata: { architecture: 'llama', quantization: 'Q4_K_M', parameters: 8030000000, ggufVersion: 3, tensorCount: 0, keyValues: { 'general.some_random_kv': 'foobar' } },
    });
    expect(llama?.purl).toBeUndefined();
    expect(gpt2).toMatchObject({ name: 'gpt2-small', version: '', licenses: [], metadata: { architecture: 'gpt2', keyValues: { 'gpt2.context_length': '1024', 'gpt2.embedding_length': 768 } } });
    expect(r.incomplete).toEqual([]);
  });

  it('arrays (a tokenizer vocabulary) are stepped over; file_type names the quantization; no general.name: the file name', async () => {
    const r = await catalogFiles([ggufCataloger], [{ path: '/srv/models/tinyllama-q4.gguf', content: model('tinyllama-q4.gguf') }]);
    expect(r.packages[0]).toMatchObject({
      name: 'tinyllama-q4',
      version: '',
      licenses: ['Apache-2.0'],
      metadata: { architecture: 'llama', quantization: 'Q4_K_M', tensorCount: 2, keyValues: { 'tokenizer.ggml.tokens': 'array of 200', 'tokenizer.ggml.token_type': 'array of 120', 'general.file_type': 15, 'llama.rope.freq_base': 10000 } },
    });
  });

  it('a model over the per-file size limit is still read (its header only), where other parsers skip the file', async () => {
    const r = await catalogFiles([ggufCataloger], [{ path: '/srv/models/tinyllama-q4.gguf', content: model('tinyllama-q4.gguf') }], { maxFileBytes: 1024 });
    expect(r.packages.map((p) => p.name)).toEqual(['tinyllama-q4']);
    expect(r.incomplete).toEqual([]);
  });

  it('only the header is read, a window at a time, never the whole file', () => {
    const buf = model('tinyllama-q4.gguf');
    const reads: [number, number][] = [];
    const h = readGgufHeader(buf.length + 8_000_000_000, (o, l) => {
      reads.push([o, l]);
      return buf.subarray(o, o + l);
    });
    expect(h.kv.get('general.architecture')).toBe('llama');
    expect(reads.every(([, l]) => l <= 1024 * 1024)).toBe(true);
  });

  it('an empty file is a warning (syft\'s glob fixture); not GGUF, version 1, or a truncated header is incomplete', async () => {
    const good = model('gpt2-small.gguf');
    const v1 = Buffer.from(good);
    v1.writeUInt32LE(1, 4);
    const r = await catalogFiles([ggufCataloger], [
      { path: '/m/empty.gguf', content: Buffer.alloc(0) },
      { path: '/m/text.gguf', content: Buffer.from('not a model') },
      { path: '/m/v1.gguf', content: v1 },
      { path: '/m/cut.gguf', content: good.subarray(0, good.length - 3) },
    ]);
    expect(r.packages).toEqual([]);
    expect(r.incomplete.map((i) => i.path).sort()).toEqual(['/m/cut.gguf', '/m/text.gguf', '/m/v1.gguf']);
    expect(r.warnings.join('\n')).toMatch(/\/m\/empty\.gguf: empty \.gguf file/);
  });

  it('hostile input (fast-check): a result or a thrown Error; huge counts refused before reading', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const run = (buf: Buffer): void => {
      try {
        const file = { size: buf.length, read: (o: number, l: number) => buf.subarray(o, o + l) };
        expect(Array.isArray(parseGguf({ location: { path: '/m/x.gguf' }, file }, ctx).packages)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    };
    const base = model('tinyllama-q4.gguf');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 16 }), fc.nat(), (bytes, at) => {
        const mutated = Buffer.from(base);
        Buffer.from(bytes).copy(mutated, at % 400);
        run(mutated);
        run(Buffer.concat([Buffer.from('GGUF'), Buffer.from(bytes)]));
      }),
      { numRuns: 500 },
    );
    // a key/value count of 2^63 and a string length of 2^63: refused, not allocated
    const huge = Buffer.from(base);
    huge.writeBigUInt64LE(1n << 63n, 16);
    expect(() => readGgufHeader(huge.length, (o, l) => huge.subarray(o, o + l))).toThrow(/over/);
    const longKey = Buffer.from(base);
    longKey.writeBigUInt64LE(1n << 62n, 24);
    expect(() => readGgufHeader(longKey.length, (o, l) => longKey.subarray(o, o + l))).toThrow(/over/);
  });
});
