/**
 * A local OSV database: a directory of OSV JSON files (any nesting, e.g. one folder per ecosystem),
 * osv.dev's per-ecosystem `all.zip` files (read with yauzl, bounded), or a mix of both.
 * Records are indexed by (ecosystem family, normalised package name); withdrawn records are dropped.
 */
import { lstat, open, readdir, readFile, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { crc32, inflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';
import { InputError } from '../../core/errors.js';
import { fileProblem, inputFileError } from '../../core/input-file.js';
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
  /** The newest `modified` of the records (RFC 3339), when any record has one: the data's age without a fetch time. */
  newestModified?: string;
  /**
   * Records per affected-package ecosystem string as written in the data ('Debian:12', 'Maven',
   * 'Red Hat:enterprise_linux:8::appstream'): what the data covers (scan coverage, `vulndb status`).
   */
  ecosystems(): ReadonlyMap<string, number>;
  /** Entries for a family ('Maven', 'Debian', ...) and name, in load order. */
  lookup(family: string, name: string): readonly OsvHit[];
  /**
   * Records whose id or one of whose aliases is `idOrAlias` (case-insensitive: 'cve-2021-44228'
   * finds GHSA-jfh8-c2jp-5v3q and the distro records that alias it), in load order.
   */
  advisory(idOrAlias: string): readonly OsvRecord[];
}

/** An in-memory store from records (tests, and the loader below). */
export function storeFromRecords(records: Iterable<OsvRecord>, sources: string[] = []): OsvStore & { add(r: OsvRecord): void } {
  const index = new Map<string, OsvHit[]>();
  const ids = new Set<string>();
  const byName = new Map<string, OsvRecord[]>();
  const ecosystems = new Map<string, number>();
  const store = {
    sources,
    records: 0,
    withdrawn: 0,
    invalid: 0,
    newestModified: undefined as string | undefined,
    ecosystems: (): ReadonlyMap<string, number> => ecosystems,
    add(record: OsvRecord): void {
      if (record.withdrawn !== undefined) {
        store.withdrawn++;
        return;
      }
      // The same record can sit in a directory and a zip: the first one wins.
      if (ids.has(record.id)) return;
      ids.add(record.id);
      store.records++;
      if (record.modified !== undefined && (store.newestModified === undefined || newerTimestamp(record.modified, store.newestModified))) store.newestModified = record.modified;
      for (const e of new Set(record.affected.map((a) => a.ecosystem))) ecosystems.set(e, (ecosystems.get(e) ?? 0) + 1);
      for (const name of new Set([record.id, ...record.aliases].map((a) => a.toUpperCase()))) {
        let list = byName.get(name);
        if (!list) byName.set(name, (list = []));
        list.push(record);
      }
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
    advisory(idOrAlias: string): readonly OsvRecord[] {
      return byName.get(idOrAlias.trim().toUpperCase()) ?? [];
    },
  };
  for (const r of records) store.add(r);
  return store;
}

/** True when RFC 3339 timestamp `a` is later than `b` (unparseable timestamps are never later). */
export function newerTimestamp(a: string, b: string): boolean {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  return Number.isFinite(ta) && (!Number.isFinite(tb) || ta > tb);
}

/**
 * Load every OSV record under `path` (a directory, a .zip or a single .json file).
 * Invalid records are counted and warned about (first few named); the load goes on.
 * @throws InputError VULN_OSV_DB_NOT_FOUND / VULN_OSV_DB_EMPTY / VULN_OSV_DB_TOO_LARGE / VULN_OSV_ZIP_INVALID
 */
export async function loadOsvDatabase(path: string, log: Logger, limits: OsvLoadLimits = DEFAULT_OSV_LIMITS): Promise<OsvStore> {
  const store = storeFromRecords([], [path]);
  let warned = 0;
  await readOsvInput(path, log, limits, (bytes, name) => {
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
  });
  if (warned > 5) log.warn(`${store.invalid} invalid OSV records skipped in ${path} in all`);
  if (store.records === 0 && store.withdrawn === 0) {
    throw new InputError('VULN_OSV_DB_EMPTY', `no OSV records found in ${path}`, {
      hint: 'the directory should hold <ID>.json files or osv.dev all.zip files',
    });
  }
  log.info(`OSV database ${path}: ${store.records} records (${store.withdrawn} withdrawn ignored, ${store.invalid} invalid)`);
  return store;
}

/**
 * Hand every OSV record file under `path` (a directory of .json and .zip files at any depth, a .zip or
 * a single .json) to `accept`, with the limits applied; symbolic links are never followed.
 * Used by `--osv-db` and by `custody vulndb import`.
 * @throws InputError VULN_OSV_DB_NOT_FOUND / VULN_OSV_DB_TOO_LARGE / VULN_OSV_ZIP_INVALID
 */
export async function readOsvInput(path: string, log: Logger, limits: OsvLoadLimits, accept: (bytes: Buffer, name: string, entry?: ZipRecordEntry) => void): Promise<void> {
  let st;
  try {
    st = await lstat(path);
  } catch (err) {
    throw new InputError('VULN_OSV_DB_NOT_FOUND', `cannot read the OSV database ${path}`, {
      cause: err,
      hint: 'pass a directory of OSV JSON files or an osv.dev all.zip',
    });
  }
  const budget = { bytes: 0, files: 0 };
  const counted = (bytes: Buffer, name: string, entry?: ZipRecordEntry): void => {
    budget.bytes += bytes.length;
    budget.files++;
    if (budget.bytes > limits.maxTotalBytes || budget.files > limits.maxRecords) {
      throw new InputError('VULN_OSV_DB_TOO_LARGE', `the OSV database ${path} exceeds ${limits.maxRecords} records or ${limits.maxTotalBytes} bytes`, {
        hint: 'point it at the ecosystems you need',
      });
    }
    accept(bytes, name, entry);
  };
  if (st.isDirectory()) {
    const root = await realpath(path);
    await walkDirectory(root, root, 0, limits, counted, log);
  } else if (st.isFile() && path.toLowerCase().endsWith('.zip')) {
    await readZip(path, limits, counted);
  } else if (st.isFile()) {
    if (st.size > limits.maxRecordBytes) {
      throw new InputError('VULN_OSV_DB_TOO_LARGE', `${path} is over the ${limits.maxRecordBytes}-byte limit for one record`, { hint: 'pass a directory or an all.zip' });
    }
    counted(await readFile(path).catch(unreadableDb(path)), path);
  } else {
    throw new InputError('VULN_OSV_DB_NOT_FOUND', `the OSV database ${path} is not a directory, zip or JSON file`, {
      hint: 'pass a directory of OSV JSON files or an osv.dev all.zip',
    });
  }
}

/** A part of the database that cannot be read (permission denied, ...): a typed error naming it, never a raw errno. */
function unreadableDb(path: string): (err: unknown) => never {
  return (err) => {
    const { problem, reason } = fileProblem(err);
    throw inputFileError({ prefix: 'VULN_OSV_DB', what: 'OSV database file', path }, problem, reason, err);
  };
}

async function walkDirectory(
  root: string,
  dir: string,
  depth: number,
  limits: OsvLoadLimits,
  accept: (b: Buffer, name: string, entry?: ZipRecordEntry) => void,
  log: Logger,
): Promise<void> {
  if (depth > limits.maxDepth) {
    log.warn(`OSV database: ${dir} is nested deeper than ${limits.maxDepth} levels; not read`);
    return;
  }
  const entries = (await readdir(dir, { withFileTypes: true }).catch(unreadableDb(dir))).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
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
        const fh = await open(p, 'r').catch(unreadableDb(p));
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

/** One zip entry as read: its inflated bytes and, for deflated entries, the raw deflate stream (kept as is by the vulndb index). */
export interface ZipRecordEntry {
  bytes: Buffer;
  /** The entry's deflate stream when it was stored deflated (method 8). */
  deflated?: Buffer;
}

/**
 * Read every *.json entry of a zip, one at a time, with per-entry and total caps. Every entry's
 * CRC-32 is checked against its directory entry (yauzl does not), so a corrupt download is refused.
 * @throws InputError VULN_OSV_ZIP_INVALID
 */
export function readOsvZip(path: string, limits: OsvLoadLimits, accept: (b: Buffer, name: string, entry: ZipRecordEntry) => void): Promise<void> {
  return readZip(path, limits, accept);
}

function readZip(path: string, limits: OsvLoadLimits, accept: (b: Buffer, name: string, entry: ZipRecordEntry) => void): Promise<void> {
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
                if (crc32(bytes) !== entry.crc32) {
                  throw new InputError('VULN_OSV_ZIP_INVALID', `${path}!/${name} fails its CRC-32 check: the zip is corrupt`, { hint: 'download all.zip again' });
                }
                accept(bytes, `${path}!/${name}`, entry.compressionMethod === 8 ? { bytes, deflated: raw } : { bytes });
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
