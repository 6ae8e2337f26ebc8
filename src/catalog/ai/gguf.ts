/**
 * GGUF model files (llama.cpp's format, https://github.com/ggml-org/ggml/blob/master/docs/gguf.md): only the
 * header is read, never the tensors (models are gigabytes): magic `GGUF`, version (2 or 3; version 1's 32-bit
 * counts are not read), tensor count, and the metadata key/values, of which `general.name` (else the file's
 * name, as syft), `general.version`, `general.license`, `general.architecture`, `general.file_type` /
 * `general.quantization`, `general.parameter_count`, `general.basename`, `general.size_label` and other scalar
 * keys are kept; arrays (a tokenizer's vocabulary: 100,000s of strings) are stepped over, their length only
 * recorded. Bounded: the header is read up to 64 MB (syft: 50 MB), at most 100,000 keys, strings up to 1 MB.
 * Package type `model` as syft; no purl (the purl spec has none for ML models; syft writes none).
 */
import type { CatalogContext, ParseResult, RandomAccessCatalogFile } from '../cataloger.js';
import { baseOf, langPackage } from '../lang-common.js';

const CATALOGER = 'gguf-cataloger';
const MAX_HEADER = 64 * 1024 * 1024;
const MAX_KEYS = 100_000;
const MAX_STRING = 1024 * 1024;
/** Scalar values kept in metadata, past the named ones; more are counted, not kept. */
const MAX_KEPT = 200;
const WINDOW = 1024 * 1024;

export class GgufError extends Error {}

/** llama.cpp's `llama_ftype` (general.file_type): the weights' quantization. */
const FILE_TYPES: Record<number, string> = {
  0: 'F32', 1: 'F16', 2: 'Q4_0', 3: 'Q4_1', 7: 'Q8_0', 8: 'Q5_0', 9: 'Q5_1', 10: 'Q2_K', 11: 'Q3_K_S', 12: 'Q3_K_M',
  13: 'Q3_K_L', 14: 'Q4_K_S', 15: 'Q4_K_M', 16: 'Q5_K_S', 17: 'Q5_K_M', 18: 'Q6_K', 19: 'IQ2_XXS', 20: 'IQ2_XS',
  21: 'Q2_K_S', 22: 'IQ3_XS', 23: 'IQ3_XXS', 24: 'IQ1_S', 25: 'IQ4_NL', 26: 'IQ3_S', 27: 'IQ3_M', 28: 'IQ2_S',
  29: 'IQ2_M', 30: 'IQ4_XS', 31: 'IQ1_M', 32: 'BF16', 36: 'TQ1_0', 37: 'TQ2_0',
};

export type GgufValue = string | number | bigint | boolean | { array: number; of: number };

export interface GgufHeader {
  version: number;
  tensorCount: bigint;
  kv: Map<string, GgufValue>;
}

/** Read the header through `read(offset, length)`, a window at a time. */
export function readGgufHeader(size: number, read: (offset: number, length: number) => Buffer): GgufHeader {
  const limit = Math.min(size, MAX_HEADER);
  let winAt = 0;
  let win: Buffer = Buffer.alloc(0);
  let pos = 0;
  const take = (n: number): Buffer => {
    if (n < 0 || pos + n > limit) throw new GgufError(pos + n > MAX_HEADER ? `header larger than ${MAX_HEADER} bytes` : 'the header runs past the end of the file');
    if (pos < winAt || pos + n > winAt + win.length) {
      winAt = pos;
      win = read(pos, Math.max(n, Math.min(WINDOW, limit - pos)));
      if (win.length < n) throw new GgufError('short read');
    }
    const out = win.subarray(pos - winAt, pos - winAt + n);
    pos += n;
    return out;
  };
  const skip = (n: number): void => {
    if (n < 0 || pos + n > limit) throw new GgufError(pos + n > MAX_HEADER ? `header larger than ${MAX_HEADER} bytes` : 'the header runs past the end of the file');
    pos += n;
  };
  const u32 = (): number => take(4).readUInt32LE(0);
  const u64 = (): bigint => take(8).readBigUInt64LE(0);
  const len = (what: string, max: number): number => {
    const n = u64();
    if (n > BigInt(max)) throw new GgufError(`${what} of ${n} bytes or items, over ${max}`);
    return Number(n);
  };
  const string = (): string => take(len('a string', MAX_STRING)).toString('utf8');
  const SIZES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
  const scalar = (type: number): GgufValue => {
    switch (type) {
      case 0: return take(1).readUInt8(0);
      case 1: return take(1).readInt8(0);
      case 2: return take(2).readUInt16LE(0);
      case 3: return take(2).readInt16LE(0);
      case 4: return u32();
      case 5: return take(4).readInt32LE(0);
      case 6: return take(4).readFloatLE(0);
      case 7: return take(1).readUInt8(0) !== 0;
      case 8: return string();
      case 10: return u64();
      case 11: return take(8).readBigInt64LE(0);
      case 12: return take(8).readDoubleLE(0);
      default: throw new GgufError(`unknown value type ${type}`);
    }
  };

  if (take(4).toString('latin1') !== 'GGUF') throw new GgufError('no GGUF magic');
  const version = u32();
  if (version < 2 || version > 3) throw new GgufError(`GGUF version ${version} is not read (2 and 3 are)`);
  const tensorCount = u64();
  const kvCount = len('the key/value count', MAX_KEYS);
  const kv = new Map<string, GgufValue>();
  for (let k = 0; k < kvCount; k++) {
    const key = string();
    const type = u32();
    if (type === 9) {
      const of = u32();
      const big = u64();
      // every item takes at least a byte, so more items than header bytes cannot be
      if (big > BigInt(MAX_HEADER)) throw new GgufError(`array of ${big} items, over ${MAX_HEADER}`);
      const count = Number(big);
      if (of === 8) for (let i = 0; i < count; i++) skip(len('a string', MAX_STRING));
      else if (of === 9) throw new GgufError('arrays of arrays are not read');
      else if (SIZES[of] !== undefined) skip(count * SIZES[of]!);
      else throw new GgufError(`unknown array item type ${of}`);
      if (!kv.has(key)) kv.set(key, { array: count, of });
    } else {
      const v = scalar(type);
      if (!kv.has(key)) kv.set(key, v);
    }
  }
  return { version, tensorCount, kv };
}

const text = (v: GgufValue | undefined): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

export function parseGguf(file: RandomAccessCatalogFile, ctx: CatalogContext): ParseResult {
  let h: GgufHeader;
  try {
    h = readGgufHeader(file.file.size, (o, l) => file.file.read(o, l));
  } catch (err) {
    if (!(err instanceof GgufError)) throw err;
    if (file.file.size === 0) {
      ctx.warn('empty .gguf file; skipped', file.location);
      return { packages: [] };
    }
    throw new Error(`not a GGUF header custody can read: ${err.message}`, { cause: err });
  }
  const name = text(h.kv.get('general.name')) ?? baseOf(file.location.path).replace(/\.gguf$/i, '');
  const version = text(h.kv.get('general.version')) ?? '';
  const license = text(h.kv.get('general.license'));
  const fileType = h.kv.get('general.file_type');
  const quantization = text(h.kv.get('general.quantization')) ?? (typeof fileType === 'number' ? FILE_TYPES[fileType] : undefined);
  const metadata: Record<string, unknown> = { ggufVersion: h.version, tensorCount: Number(h.tensorCount) };
  const arch = text(h.kv.get('general.architecture'));
  if (arch) metadata['architecture'] = arch;
  if (quantization) metadata['quantization'] = quantization;
  const params = h.kv.get('general.parameter_count');
  if (typeof params === 'bigint' || typeof params === 'number') metadata['parameters'] = Number(params);
  const SKIP = new Set(['general.name', 'general.version', 'general.license', 'general.architecture', 'general.quantization', 'general.parameter_count']);
  const rest: Record<string, unknown> = {};
  let kept = 0;
  for (const [k, v] of h.kv) {
    if (SKIP.has(k) || kept >= MAX_KEPT) continue;
    rest[k] = typeof v === 'bigint' ? v.toString() : typeof v === 'object' ? `array of ${v.array}` : v;
    kept++;
  }
  if (kept > 0) metadata['keyValues'] = rest;
  return {
    packages: [
      langPackage({
        name,
        version,
        type: 'model',
        location: file.location,
        foundBy: CATALOGER,
        licenses: license ? [license] : [],
        metadata,
      }),
    ],
  };
}
