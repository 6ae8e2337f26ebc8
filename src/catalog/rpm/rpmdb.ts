/**
 * RPM's package database, in whichever of its three back ends the image has, told apart by content:
 * SQLite (`rpmdb.sqlite`, rpm >= 4.16: Fedora, RHEL/UBI 9, Amazon Linux 2023), BerkeleyDB hash
 * (`Packages`, rpm < 4.16: CentOS 7/8, RHEL/UBI 8, Amazon Linux 2, Oracle Linux) and ndb
 * (`Packages.db`, SUSE). All three hold the same header blobs, parsed by ./header.ts.
 * What a back end or a header cannot give is recorded and reported once per database as an
 * incomplete read (the SBOM says so and `sbom generate` exits 3), with the packages that were read.
 *
 * This module deliberately imports better-sqlite3 (a boundary change recorded in the architecture test):
 * the bytes come from the resolver and are opened in memory, never from the host filesystem.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { errorMessage } from '../../core/errors.js';
import { lazyRequire } from '../../core/lazy.js';
import type { Package } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { type HeaderBlob, Losses, RPMDB_MAX_ENTRIES } from './backend.js';
import { bdbHeaderBlobs, isBerkeleyDb } from './bdb.js';
import { parseRpmHeader, type RpmHeader, rpmHeaderFiles } from './header.js';
import { isNdb, ndbHeaderBlobs } from './ndb.js';
import { rpmPackage } from './package.js';

const sqlite = lazyRequire<typeof BetterSqlite3>('better-sqlite3');

/** SQLite files start with this 16-byte magic. */
const SQLITE_MAGIC = Buffer.from('SQLite format 3\u0000', 'latin1');

export type RpmDbKind = 'SQLite' | 'BerkeleyDB' | 'ndb';

/** Which back end wrote these bytes; undefined when none. */
export function rpmDbKind(bytes: Buffer): RpmDbKind | undefined {
  if (bytes.length >= 16 && bytes.subarray(0, 16).equals(SQLITE_MAGIC)) return 'SQLite';
  if (isNdb(bytes)) return 'ndb';
  if (isBerkeleyDb(bytes)) return 'BerkeleyDB';
  return undefined;
}

/**
 * The header blobs of an rpmdb.sqlite (table `Packages(hnum, blob)`), opened in memory from a copy of
 * its bytes. A database in WAL mode (header bytes 18/19 = 2) cannot be opened from memory; the image
 * carries no -wal file to replay anyway, so it is read as a rollback-journal database. A table that
 * breaks off midway (a corrupt page) keeps what was read before.
 */
export function* sqliteHeaderBlobs(bytes: Buffer, losses: Losses, maxEntries = RPMDB_MAX_ENTRIES): Generator<HeaderBlob> {
  if (bytes.length < 100) throw new Error('SQLite: file shorter than its header');
  const copy = Buffer.from(bytes);
  if (copy[18] === 2) copy[18] = 1;
  if (copy[19] === 2) copy[19] = 1;
  const Database = sqlite();
  const db = new Database(copy, { readonly: true });
  try {
    const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'Packages'").get();
    if (table === undefined) throw new Error('no Packages table (not an rpmdb)');
    let n = 0;
    try {
      for (const row of db.prepare('SELECT hnum, blob FROM Packages ORDER BY hnum').iterate()) {
        if (++n > maxEntries) {
          losses.stop(`more than ${maxEntries} entries: the rest of the table is not read`);
          return;
        }
        const { hnum, blob } = row as { hnum: unknown; blob: unknown };
        if (!Buffer.isBuffer(blob) || typeof hnum !== 'number') {
          losses.add(`row ${String(hnum)} holds no header blob`);
          continue;
        }
        yield { hnum, blob };
      }
    } catch (err) {
      losses.add(`the Packages table breaks off after ${n} rows: ${errorMessage(err)}`);
    }
  } finally {
    db.close();
  }
}

/** Read an rpm database of any back end into packages and the files each package installed. */
export function parseRpmDb(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const bytes = file.contents;
  const kind = rpmDbKind(bytes);
  if (kind === undefined) throw new Error('not an rpm database (neither SQLite, BerkeleyDB hash nor ndb)');
  const losses = new Losses();
  const blobs = kind === 'SQLite' ? sqliteHeaderBlobs(bytes, losses) : kind === 'ndb' ? ndbHeaderBlobs(bytes, losses) : bdbHeaderBlobs(bytes, losses);
  const packages: Package[] = [];
  const ownedFiles = new Map<Package, readonly string[]>();
  const dirs = new Map<string, string>();
  let fileListErrors = 0;
  for (const { hnum, blob } of blobs) {
    let header: RpmHeader;
    let result: ReturnType<typeof rpmPackage>;
    try {
      header = parseRpmHeader(blob);
      result = rpmPackage(header, file.location, ctx.distro);
    } catch (err) {
      losses.add(`header ${hnum}: ${errorMessage(err)}`);
      continue;
    }
    if ('error' in result) {
      losses.add(`header ${hnum}: ${result.error}`);
      continue;
    }
    if (!('package' in result)) continue;
    packages.push(result.package);
    try {
      ownedFiles.set(result.package, rpmHeaderFiles(header, dirs));
    } catch {
      fileListErrors++;
    }
  }
  // A package whose file list cannot be read is still listed: only the ownership rules lose it.
  if (fileListErrors > 0) ctx.warn(`${fileListErrors} rpm header(s) have an unreadable file list`, file.location);
  const summary = losses.summary();
  if (summary !== undefined) ctx.incomplete(`${kind} rpm database read in part: ${summary}`);
  return { packages, ownedFiles };
}
