/**
 * One dataset's index: a SQLite file (better-sqlite3, loaded on first use) written once at update
 * time and only read afterwards. Records are kept as their original JSON, deflated (for osv.dev zips,
 * the zip entry's own deflate stream, so nothing is recompressed); lookups by package and by
 * id/alias go through B-tree indexes, so a scan reads only the records its packages can match.
 *
 * This module imports better-sqlite3 (a boundary change recorded in the architecture test): the
 * index is what makes "start matching in well under a second" hold for a full osv.dev download.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { inflateRawSync } from 'node:zlib';
import { lazyRequire } from '../../core/lazy.js';

const sqlite = lazyRequire<typeof BetterSqlite3>('better-sqlite3');

/** Bumped when the table layout changes: an index of another version is rebuilt, never misread. */
export const INDEX_SCHEMA_VERSION = 1;

/** A record bigger than this was refused when the index was built; a body inflating past it is damage. */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;

/** Body encodings. */
const BODY_JSON = 0;
const BODY_DEFLATE = 8;

/** The key an affected package is indexed under (family + normalised name, as OsvStore.lookup takes them). */
export function packageKey(family: string, normalisedName: string): string {
  return `${family}|${normalisedName}`;
}

export interface IndexWriter {
  /** Add one record: its id, modified, the keys it is found under, and its JSON (plain or deflated). */
  add(r: { id: string; modified?: string; packageKeys: Iterable<string>; aliases: Iterable<string>; body: Buffer; deflated: boolean }): void;
  /** Build the indexes and close the file. */
  finish(): void;
  /** Close without finishing (the caller removes the file). */
  abort(): void;
}

/** Create the index file `path` (it must not exist). */
export function createIndex(path: string): IndexWriter {
  const Database = sqlite();
  const db = new Database(path);
  // Written once, by one process, into a directory nobody reads yet: no journal needed, and a crash
  // leaves a file that is never made current.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.exec(`
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE records (rid INTEGER PRIMARY KEY, id TEXT NOT NULL, modified TEXT, encoding INTEGER NOT NULL, body BLOB NOT NULL);
    CREATE TABLE affected (pkg TEXT NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (pkg, rid)) WITHOUT ROWID;
    CREATE TABLE aliases (alias TEXT NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (alias, rid)) WITHOUT ROWID;
  `);
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('schema', String(INDEX_SCHEMA_VERSION));
  const insRecord = db.prepare('INSERT INTO records (id, modified, encoding, body) VALUES (?, ?, ?, ?)');
  const insAffected = db.prepare('INSERT OR IGNORE INTO affected (pkg, rid) VALUES (?, ?)');
  const insAlias = db.prepare('INSERT OR IGNORE INTO aliases (alias, rid) VALUES (?, ?)');
  db.exec('BEGIN');
  let open = true;
  return {
    add(r) {
      const rid = insRecord.run(r.id, r.modified ?? null, r.deflated ? BODY_DEFLATE : BODY_JSON, r.body).lastInsertRowid;
      for (const k of r.packageKeys) insAffected.run(k, rid);
      for (const a of r.aliases) insAlias.run(a.toUpperCase(), rid);
    },
    finish() {
      db.exec('COMMIT');
      db.exec('CREATE UNIQUE INDEX records_id ON records (id)');
      db.exec('ANALYZE');
      db.close();
      open = false;
    },
    abort() {
      if (!open) return;
      open = false;
      try {
        db.exec('ROLLBACK');
      } catch {
        // nothing to roll back
      }
      db.close();
    },
  };
}

/** A stored record: its row id (stable within the file) and JSON text. */
export interface StoredRecord {
  rid: number;
  json: Buffer;
}

export interface IndexReader {
  /** Records indexed under a package key. */
  byPackage(key: string): StoredRecord[];
  /** Records whose id or an alias is `alias` (upper-cased here). */
  byAlias(alias: string): StoredRecord[];
  close(): void;
}

/**
 * Open an index read-only (a scan never writes state: no journal, no WAL files).
 * @throws Error from SQLite when the file is missing or not an index of this version (callers wrap it).
 */
export function openIndex(path: string): IndexReader {
  const Database = sqlite();
  const db = new Database(path, { readonly: true, fileMustExist: true });
  const schema = (db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value?: string } | undefined)?.value;
  if (schema !== String(INDEX_SCHEMA_VERSION)) {
    db.close();
    throw new Error(`${path} is index version ${schema ?? '?'}, not ${INDEX_SCHEMA_VERSION}`);
  }
  const qPkg = db.prepare('SELECT r.rid AS rid, r.encoding AS encoding, r.body AS body FROM affected a JOIN records r ON r.rid = a.rid WHERE a.pkg = ? ORDER BY r.rid');
  const qAlias = db.prepare('SELECT r.rid AS rid, r.encoding AS encoding, r.body AS body FROM aliases a JOIN records r ON r.rid = a.rid WHERE a.alias = ? ORDER BY r.rid');
  const rows = (list: unknown[]): StoredRecord[] =>
    (list as { rid: number; encoding: number; body: Buffer }[]).map((r) => ({ rid: r.rid, json: r.encoding === BODY_DEFLATE ? inflateRawSync(r.body, { maxOutputLength: MAX_RECORD_BYTES }) : r.body }));
  return {
    byPackage: (key) => rows(qPkg.all(key)),
    byAlias: (alias) => rows(qAlias.all(alias.trim().toUpperCase())),
    close: () => db.close(),
  };
}
