/**
 * A local OSV database: a directory of OSV JSON files (any nesting, e.g. one folder per ecosystem),
 * osv.dev's per-ecosystem `all.zip` files (read with yauzl, bounded), or a mix of both.
 * Records are indexed by (ecosystem family, normalised package name); withdrawn records are dropped.
 */
import { lstat, open, readdir, readFile, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { inflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';
import { InputError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { parseJsonBounded } from '../data.js';
import { ecosystemFamily, normaliseOsvName } from './ecosystems.js';
import { parseOsvRecord, type OsvAffected, type OsvRecord } from './record.js';

/** Caps that keep a hostile database from exhausting memory (osv.dev's largest all.zip is ~1.5 GB unpacked). */
export interface OsvLoadLimits {
  maxRecordBytes: number;
  maxRecords: number;
  maxTotalBytes: number;
  maxDepth: number;
}

export const DEFAULT_OSV_LIMITS: OsvLoadLimits = {
  maxRecordBytes: 16 * 1024 * 1024,
  maxRecords: 2_000_000,
  maxTotalBytes: 8 * 1024 * 1024 * 1024,
  maxDepth: 12,
};

export interface OsvHit {
  record: OsvRecord;
  affected: OsvAffected;
}

export interface OsvStore {
  /** Where the records came from (directory and zip paths). */
  sources: string[];
  records: number;
  withdrawn: number;
  invalid: number;
  /** Entries for a family ('Maven', 'Debian', ...) and name, in load order. */
  lookup(family: string, name: string): readonly OsvHit[];
}

/** An in-memory store from records (tests, and the loader below). */
export function storeFromRecords(records: Iterable<OsvRecord>, sources: string[] = []): OsvStore & { add(r: OsvRecord): void } {
  const index = new Map<string, OsvHit[]>();
  const ids = new Set<string>();
  const store = {
    sources,
    records: 0,
    withdrawn: 0,
    invalid: 0,
    add(record: OsvRecord): void {
      if (record.withdrawn !== undefined) {
        store.withdrawn++;
        return;
      }
      // The same record can sit in a directory and a zip: the first one wins.
      if (ids.has(record.id)) return;
      ids.add(record.id);
      store.records++;
      for (const affected of record.affected) {
        const key = `${ecosystemFamily(affected.ecosystem)}|${normaliseOsvName(ecosystemFamily(affected.ecosystem), affected.name)}`;
        let list = index.get(key);
        if (!list) index.set(key, (list = []));
        list.push({ record, affected });
      }
    },
    lookup(family: string, name: string): readonly OsvHit[] {
      return index.get(`${family}|${normaliseOsvName(family, name)}`) ?? [];
    },
  };
  for (const r of records) store.add(r);
  return store;
}

/**
 * Load every OSV record under `path` (a directory, a .zip or a single .json file).
 * Invalid records are counted and warned about (first few named); the load goes on.
 * @throws InputError VULN_OSV_DB_NOT_FOUND / VULN_OSV_DB_EMPTY / VULN_OSV_DB_TOO_LARGE / VULN_OSV_ZIP_INVALID
 */
export async function loadOsvDatabase(path: string, log: Logger, limits: OsvLoadLimits = DEFAULT_OSV_LIMITS): Promise<OsvStore> {
  let st;
  try {
    st = await lstat(path);
  } catch (err) {
    throw new InputError('VULN_OSV_DB_NOT_FOUND', `cannot read the OSV database ${path}`, {
      cause: err,
      hint: 'pass --osv-db a directory of OSV JSON files or an osv.dev all.zip',
    });
  }
  const store = storeFromRecords([], [path]);
  const budget = { bytes: 0, files: 0 };
  let warned = 0;
  const accept = (bytes: Buffer, name: string): void => {
    budget.bytes += bytes.length;
    budget.files++;
    if (budget.bytes > limits.maxTotalBytes || budget.files > limits.maxRecords) {
      throw new InputError('VULN_OSV_DB_TOO_LARGE', `the OSV database ${path} exceeds ${limits.maxRecords} records or ${limits.maxTotalBytes} bytes`, {
        hint: 'point --osv-db at the ecosystems you need',
      });
    }
    let parsed: ReturnType<typeof parseOsvRecord>;
    try {
      parsed = parseOsvRecord(parseJsonBounded(bytes, name, limits.maxRecordBytes));
    } catch (err) {
      parsed = { error: err instanceof Error ? err.message : String(err) };
    }
    if ('error' in parsed) {
      store.invalid++;
      if (warned++ < 5) log.warn(`skipping invalid OSV record ${name}: ${parsed.error}`);
      return;
    }
    store.add(parsed.record);
  };
  if (st.isDirectory()) {
    const root = await realpath(path);
    await walkDirectory(root, root, 0, limits, accept, log);
  } else if (st.isFile() && path.toLowerCase().endsWith('.zip')) {
    await readZip(path, limits, accept);
  } else if (st.isFile()) {
    accept(await readFile(path), path);
  } else {
    throw new InputError('VULN_OSV_DB_NOT_FOUND', `the OSV database ${path} is not a directory, zip or JSON file`, {
      hint: 'pass --osv-db a directory of OSV JSON files or an osv.dev all.zip',
    });
  }
  if (warned > 5) log.warn(`${store.invalid} invalid OSV records skipped in ${path} in all`);
  if (store.records === 0 && store.withdrawn === 0) {
    throw new InputError('VULN_OSV_DB_EMPTY', `no OSV records found in ${path}`, {
      hint: 'the directory should hold <ID>.json files or osv.dev all.zip files',
    });
  }
  log.info(`OSV database ${path}: ${store.records} records (${store.withdrawn} withdrawn ignored, ${store.invalid} invalid)`);
  return store;
}

async function walkDirectory(
  root: string,
  dir: string,
  depth: number,
  limits: OsvLoadLimits,
  accept: (b: Buffer, name: string) => void,
  log: Logger,
): Promise<void> {
  if (depth > limits.maxDepth) {
    log.warn(`OSV database: ${dir} is nested deeper than ${limits.maxDepth} levels; not read`);
    return;
  }
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // Files are read 64 at a time (per-file latency dominates on big databases) and accepted in name order.
  const files: string[] = [];
  for (const e of entries) {
    const p = join(dir, e.name);
    // Symlinks are never followed: a database must not reach outside its root.
    if (e.isSymbolicLink()) {
      log.warn(`OSV database: ${relative(root, p)} is a symbolic link; not followed`);
      continue;
    }
    if (e.isDirectory()) await walkDirectory(root, p, depth + 1, limits, accept, log);
    else if (e.isFile()) {
      const lower = e.name.toLowerCase();
      if (lower.endsWith('.json')) files.push(p);
      else if (lower.endsWith('.zip')) await readZip(p, limits, accept);
    }
  }
  for (let i = 0; i < files.length; i += 64) {
    const batch = files.slice(i, i + 64);
    const read = await Promise.all(
      batch.map(async (p) => {
        const fh = await open(p, 'r');
        try {
          const st = await fh.stat();
          if (st.size > limits.maxRecordBytes) return undefined;
          return await fh.readFile();
        } finally {
          await fh.close();
        }
      }),
    );
    read.forEach((bytes, j) => {
      const rel = relative(root, batch[j]!).split(sep).join('/');
      if (bytes === undefined) log.warn(`OSV database: ${rel} is over ${limits.maxRecordBytes} bytes; skipped`);
      else accept(bytes, rel);
    });
  }
}

/** Read every *.json entry of a zip, one at a time, with per-entry and total caps. */
function readZip(path: string, limits: OsvLoadLimits, accept: (b: Buffer, name: string) => void): Promise<void> {
  const bad = (cause: unknown): InputError =>
    cause instanceof InputError
      ? cause
      : new InputError('VULN_OSV_ZIP_INVALID', `cannot read the OSV zip ${path}`, { cause, hint: 'download all.zip again' });
  return new Promise((resolve, reject) => {
    const options = { lazyEntries: true, autoClose: true, validateEntrySizes: true, strictFileNames: false };
    const opened = (err: Error | null, zip: yauzl.ZipFile | undefined): void => {
      if (err || !zip) return reject(bad(err));
      let failed = false;
      const fail = (e: unknown): void => {
        if (failed) return;
        failed = true;
        zip.close();
        reject(bad(e));
      };
      zip.on('error', fail);
      zip.on('end', () => {
        if (!failed) resolve();
      });
      zip.on('entry', (entry: yauzl.Entry) => {
        const name = entry.fileName;
        if (name.endsWith('/') || !name.toLowerCase().endsWith('.json')) return zip.readEntry();
        if (entry.uncompressedSize > limits.maxRecordBytes) {
          return fail(new InputError('VULN_OSV_ZIP_INVALID', `${path}!/${name} unpacks to ${entry.uncompressedSize} bytes, over the per-record limit`, {
            hint: 'this is not an osv.dev all.zip',
          }));
        }
        if (entry.isEncrypted() || (entry.compressionMethod !== 0 && entry.compressionMethod !== 8)) {
          return fail(new InputError('VULN_OSV_ZIP_INVALID', `${path}!/${name} is encrypted or uses an unsupported compression method`, { hint: 'this is not an osv.dev all.zip' }));
        }
        // Raw bytes, inflated synchronously with an output cap: much faster than one zlib stream per small
        // record, and the cap holds whatever the header claims.
        zip.openReadStream(entry, { decodeFileData: false }, (e2, stream) => {
          if (e2 || !stream) return fail(e2);
          collect(stream, limits.maxRecordBytes + 1024)
            .then((raw) => {
              try {
                const bytes = entry.compressionMethod === 8 ? inflateRawSync(raw, { maxOutputLength: limits.maxRecordBytes }) : raw;
                if (bytes.length !== entry.uncompressedSize) throw new Error(`size mismatch (${bytes.length} != ${entry.uncompressedSize})`);
                accept(bytes, `${path}!/${name}`);
              } catch (e3) {
                return fail(e3);
              }
              zip.readEntry();
            })
            .catch(fail);
        });
      });
      zip.readEntry();
    };
    // Zips that fit comfortably in memory are read from a buffer: per-entry file reads dominate otherwise.
    lstat(path)
      .then(async (st) => {
        if (st.size <= MAX_BUFFERED_ZIP) yauzl.fromBuffer(await readFile(path), options, opened);
        else yauzl.open(path, options, opened);
      })
      .catch((err: unknown) => reject(bad(err)));
  });
}

const MAX_BUFFERED_ZIP = 1024 * 1024 * 1024;

function collect(stream: Readable, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        stream.destroy();
        reject(new Error(`zip entry is over ${max} bytes`));
      } else chunks.push(c);
    });
    stream.on('error', reject);
    stream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}
