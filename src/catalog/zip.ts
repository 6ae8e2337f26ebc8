/**
 * Zip archives held in memory (Java archives, Python eggs), read with yauzl: the central directory
 * is listed (bounded), and single entries are inflated with a cap on their size.
 */
import { inflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';

/** Central directories with more entries than this are not walked further. */
export const MAX_ZIP_ENTRIES = 500_000;

export type ZipFile = yauzl.ZipFile;
export type ZipEntry = yauzl.Entry;

export function openZip(buf: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false, decodeStrings: true }, (err, zip) => {
      if (err || !zip) reject(err ?? new Error('no zip'));
      else resolve(zip);
    });
  });
}

/** The central directory's entries, at most `MAX_ZIP_ENTRIES` (then `truncated`). */
export function listEntries(zip: yauzl.ZipFile): Promise<{ entries: yauzl.Entry[]; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (e: yauzl.Entry) => {
      entries.push(e);
      if (entries.length >= MAX_ZIP_ENTRIES) {
        resolve({ entries, truncated: true });
        return;
      }
      zip.readEntry();
    });
    zip.on('end', () => resolve({ entries, truncated: false }));
    zip.on('error', reject);
    zip.readEntry();
  });
}

/**
 * An entry's bytes, at most `cap` once inflated. yauzl locates the entry and hands over its raw bytes;
 * deflate is undone here in one synchronous call (these are small metadata files and nested jars held
 * in memory: a thread-pool round trip per entry cost more than the inflating), capped by
 * `maxOutputLength`, and the result must have the size the central directory gives (as yauzl's
 * validateEntrySizes).
 */
export function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, cap: number): Promise<Buffer> {
  const method = entry.compressionMethod;
  if (method !== 0 && method !== 8) return Promise.reject(new Error(`unsupported compression method ${method}`));
  if (entry.isEncrypted()) return Promise.reject(new Error('entry is encrypted'));
  if (entry.uncompressedSize > cap) return Promise.reject(new Error(`entry inflates past ${cap} bytes`));
  return new Promise<Buffer>((resolve, reject) => {
    zip.openReadStream(entry, { decodeFileData: false }, (err, stream) => {
      if (err || !stream) {
        reject(err ?? new Error('no stream'));
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  }).then((raw) => {
    let data: Buffer;
    if (method === 0) data = raw;
    else {
      try {
        // One byte more than the directory promises is enough to catch a lie without inflating a bomb.
        data = inflateRawSync(raw, { maxOutputLength: entry.uncompressedSize + 1 });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) throw new Error(`entry inflates past the ${entry.uncompressedSize} bytes its directory says`);
        throw e;
      }
    }
    if (data.length !== entry.uncompressedSize) throw new Error(`entry holds ${data.length} bytes, its directory says ${entry.uncompressedSize}`);
    return data;
  });
}
