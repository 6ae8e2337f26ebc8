/**
 * SQLite implementation of SbomStore (better-sqlite3; the only importer besides catalog/rpm).
 *
 * Opening is strict (README "Completeness"): read-only commands (`query --db`, `index list|stats`) open
 * the file read-only with no pragmas and create nothing, so they work on a read-only directory; a
 * missing, empty or foreign file is refused, never turned into an index. A new index is built in a
 * temporary file beside the target and renamed into place only when `add` completes. The file at rest
 * uses a rollback journal (WAL only while `add` writes), so a reader needs no `-wal`/`-shm` files.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError, errorMessage } from '../../core/errors.js';
import type { Incomplete, IncompleteKind } from '../../core/incomplete.js';
import { INDEX_READER_VERSION, type CandidateFilter, type IndexStats, type PackageSource, type SbomStore, type StoreMode, type StoredPackage, type StoredSbom } from './store.js';

/**
 * Version 2 added the full subject (`subject_json`: label, tags, digests, ref name), the distro, the reader
 * version of each SBOM, and per package the deleted mark and the source package. A version-1 index is
 * upgraded in place when opened (columns added; its rows keep reader 1 until `index add` reads them again).
 */
const SCHEMA_VERSION = '2';

const DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sboms (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  sha256 TEXT NOT NULL,
  format TEXT NOT NULL,
  subject_kind TEXT NOT NULL,
  subject_name TEXT NOT NULL,
  subject_digest TEXT,
  subject_tags TEXT,
  package_count INTEGER NOT NULL,
  indexed_at TEXT NOT NULL,
  subject_json TEXT,
  distro TEXT,
  reader INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS idx_sboms_sha256 ON sboms (sha256);
CREATE TABLE IF NOT EXISTS packages (
  id INTEGER PRIMARY KEY,
  sbom_id INTEGER NOT NULL REFERENCES sboms (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  name_lc TEXT NOT NULL,
  version TEXT NOT NULL,
  purl TEXT,
  ident_type TEXT,
  ident_name_lc TEXT NOT NULL,
  ecosystem TEXT NOT NULL,
  pkg_type TEXT NOT NULL,
  pkg_group TEXT,
  cpes TEXT,
  locations TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  source_lc TEXT,
  owned_by TEXT
);
CREATE INDEX IF NOT EXISTS idx_packages_name ON packages (name_lc);
CREATE INDEX IF NOT EXISTS idx_packages_ident ON packages (ident_name_lc, ident_type);
CREATE INDEX IF NOT EXISTS idx_packages_purl ON packages (purl);
CREATE INDEX IF NOT EXISTS idx_packages_ecosystem ON packages (ecosystem);
CREATE INDEX IF NOT EXISTS idx_packages_sbom ON packages (sbom_id);
CREATE TABLE IF NOT EXISTS unread (
  path TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  reason TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_packages_source ON packages (source_lc) WHERE source_lc IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_sboms_reader ON sboms (reader);
`;

/** Version 1 → 2: the columns above that version 1 lacked (SQLite adds a column without rewriting the table). */
const MIGRATE_1_TO_2 = `
ALTER TABLE sboms ADD COLUMN subject_json TEXT;
ALTER TABLE sboms ADD COLUMN distro TEXT;
ALTER TABLE sboms ADD COLUMN reader INTEGER NOT NULL DEFAULT 1;
ALTER TABLE packages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE packages ADD COLUMN source_lc TEXT;
ALTER TABLE packages ADD COLUMN owned_by TEXT;
CREATE INDEX IF NOT EXISTS idx_packages_source ON packages (source_lc) WHERE source_lc IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_sboms_reader ON sboms (reader);
UPDATE meta SET value = '2' WHERE key = 'schema_version';
`;

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** Temporary index files not yet renamed (removed at exit: a second Ctrl-C ends the process at once). */
const liveTemps = new Set<string>();
let hooked = false;
function removeTemp(file: string): void {
  for (const f of [file, `${file}-journal`, `${file}-wal`, `${file}-shm`]) {
    try {
      rmSync(f, { force: true });
    } catch {
      // best effort
    }
  }
  liveTemps.delete(file);
}

function refuse(file: string, why: string, cause?: unknown): InputError {
  return new InputError('QUERY_INDEX_UNREADABLE', `${file} is not a custody SBOM index: ${why}`, {
    hint: 'point --db at a file written by `custody sbom index add`, or a new path to create one',
    ...(cause !== undefined ? { cause } : {}),
  });
}

function errnoText(err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'SQLITE_READONLY_DIRECTORY' || code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN') return `${errorMessage(err)} (is the directory writable?)`;
  return errorMessage(err);
}

/** An existing file must be a SQLite database (checked by its header, before SQLite may touch it). */
function checkExisting(file: string): void {
  let st;
  try {
    st = statSync(file);
  } catch (err) {
    throw new InputError('QUERY_INDEX_UNREADABLE', `cannot open index ${file}: ${(err as { code?: string }).code === 'ENOENT' ? 'it does not exist' : errnoText(err)}`, {
      hint: 'build it first with `custody sbom index add --db FILE PATH...`',
      cause: err,
    });
  }
  if (!st.isFile()) throw refuse(file, 'not a regular file');
  if (st.size === 0) throw refuse(file, 'the file is empty');
  const head = Buffer.alloc(SQLITE_MAGIC.length);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    readSync(fd, head, 0, head.length, 0);
  } catch (err) {
    throw new InputError('QUERY_INDEX_UNREADABLE', `cannot open index ${file}: ${errnoText(err)}`, { hint: 'check the file and its permissions', cause: err });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (!head.equals(SQLITE_MAGIC)) throw refuse(file, 'not a SQLite database');
}

interface SbomRow {
  id: number;
  path: string;
  sha256: string;
  format: string;
  subject_kind: string;
  subject_name: string;
  subject_digest: string | null;
  subject_tags: string | null;
  package_count: number;
  indexed_at: string;
  subject_json: string | null;
  distro: string | null;
  reader: number;
}

interface PackageRow {
  sbom_id: number;
  name: string;
  version: string;
  purl: string | null;
  ident_type: string | null;
  ident_name_lc: string;
  ecosystem: string;
  pkg_type: string;
  pkg_group: string | null;
  cpes: string | null;
  locations: string;
  deleted: number;
  source_lc: string | null;
  owned_by: string | null;
}

function toSbom(r: SbomRow): StoredSbom {
  let subject: StoredSbom['subject'];
  if (r.subject_json) subject = JSON.parse(r.subject_json) as StoredSbom['subject'];
  else {
    subject = { kind: r.subject_kind as StoredSbom['subject']['kind'], name: r.subject_name };
    if (r.subject_digest) subject.digest = r.subject_digest;
    if (r.subject_tags) subject.tags = JSON.parse(r.subject_tags) as string[];
  }
  const out: StoredSbom = { path: r.path, sha256: r.sha256, format: r.format, subject, packages: r.package_count, indexedAt: r.indexed_at, reader: r.reader };
  if (r.distro) out.distro = JSON.parse(r.distro) as StoredSbom['distro'];
  return out;
}

function toPackage(r: PackageRow): StoredPackage {
  return {
    name: r.name,
    version: r.version,
    purl: r.purl ?? undefined,
    type: r.pkg_type as StoredPackage['type'],
    group: r.pkg_group ?? undefined,
    cpes: r.cpes ? (JSON.parse(r.cpes) as string[]) : undefined,
    locations: JSON.parse(r.locations) as StoredPackage['locations'],
    identType: r.ident_type ?? undefined,
    identName: r.ident_name_lc,
    ecosystem: r.ecosystem,
    ...(r.deleted ? { deleted: true } : {}),
    // Only distro packages built from another source package have one (a partial index holds just those).
    ...(r.source_lc !== null ? { source: r.source_lc } : {}),
    ...(r.owned_by !== null && r.owned_by !== undefined ? { ownedBy: JSON.parse(r.owned_by) as NonNullable<StoredPackage['ownedBy']> } : {}),
  };
}

export class SqliteStore implements SbomStore {
  readonly backend = 'sqlite';
  private readonly db: Database.Database;
  private readonly file: string;
  /** A new index being built: the temporary file renamed to `file` by `close(true)`. */
  private readonly temp: string | undefined;
  private readonly hasUnread: boolean;

  /**
   * @param mode `read`: an existing index, read-only, no pragmas, nothing created; `update`: an existing
   *   index, written; `create`: an existing index, or a new one (built in a temporary file).
   * @throws InputError `QUERY_INDEX_UNREADABLE` for a missing (read/update), empty, foreign or unwritable file.
   */
  constructor(file: string, opts: { mode: StoreMode }) {
    this.file = file;
    let exists = true;
    try {
      statSync(file);
    } catch {
      exists = false;
    }
    if (exists || opts.mode !== 'create') checkExisting(file);
    if (opts.mode !== 'read') {
      // Writing needs the directory too (the temporary file of a new index, the journal of an existing one).
      for (const p of exists ? [file, dirname(file)] : [dirname(file)]) {
        try {
          accessSync(p, constants.W_OK);
        } catch (err) {
          throw new InputError('QUERY_INDEX_UNWRITABLE', `cannot ${exists ? 'write' : 'create'} index ${file}: ${p === file ? 'the file' : `its directory ${p}`} is not writable (${errnoText(err)})`, {
            hint: 'index into a writable directory; `sbom query --db` and `index list|stats` only read it and work on a read-only copy',
            cause: err,
          });
        }
      }
    }
    const path = exists ? file : join(dirname(file), `.${basename(file)}.custody-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    this.temp = exists ? undefined : path;
    try {
      this.db = new Database(path, opts.mode === 'read' ? { readonly: true, fileMustExist: true } : { fileMustExist: exists });
    } catch (err) {
      throw new InputError(opts.mode === 'read' ? 'QUERY_INDEX_UNREADABLE' : 'QUERY_INDEX_UNWRITABLE', `cannot ${exists ? 'open' : 'create'} index ${file}: ${errnoText(err)}`, {
        hint: opts.mode === 'read' ? 'check the file and its permissions' : 'check that the directory exists and is writable',
        cause: err,
      });
    }
    if (this.temp !== undefined) {
      liveTemps.add(this.temp);
      if (!hooked) {
        hooked = true;
        process.once('exit', () => [...liveTemps].forEach(removeTemp));
      }
    }
    try {
      // Whose file it is, before anything is written to it (a pragma changes the header of a foreign database).
      const meta = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
      if (meta === undefined && exists) throw new Error('it has no custody meta table');
      if (exists) {
        const version = this.db.prepare('SELECT value FROM meta WHERE key = ?').get('schema_version') as { value: string } | undefined;
        if (version?.value === '1') this.migrate(opts.mode === 'read');
        else if (version !== undefined && version.value !== SCHEMA_VERSION) {
          throw new InputError('QUERY_INDEX_NEWER', `${file} is an index of schema ${version.value}, written by a newer custody (this one reads ${SCHEMA_VERSION} and upgrades 1)`, {
            hint: 'use the custody that built it, or build a new index with `custody sbom index add --db NEW.db PATH...`',
          });
        } else if (version === undefined) throw new Error('schema version missing');
      }
      if (opts.mode !== 'read') {
        // WAL while writing (fewer syncs for bulk adds); `close` returns the file to a rollback journal.
        this.db.pragma('journal_mode = WAL');
        this.db.pragma('foreign_keys = ON');
        this.db.exec(DDL);
      }
      if (!exists) this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('schema_version', SCHEMA_VERSION);
      this.hasUnread = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'unread'").get() !== undefined;
      if (opts.mode === 'read') this.db.prepare('SELECT COUNT(*) FROM sboms').get();
    } catch (err) {
      if (err instanceof InputError) {
        this.db.close();
        throw err;
      }
      this.db.close();
      if (this.temp !== undefined) removeTemp(this.temp);
      if (err instanceof InputError) throw err;
      const code = (err as { code?: string }).code ?? '';
      if (/^SQLITE_(READONLY|CANTOPEN|PERM|IOERR)/.test(code)) {
        throw new InputError(opts.mode === 'read' ? 'QUERY_INDEX_UNREADABLE' : 'QUERY_INDEX_UNWRITABLE', `cannot ${opts.mode === 'read' ? 'read' : 'write'} index ${file}: ${errnoText(err)}`, {
          hint: opts.mode === 'read' ? 'an index left in WAL mode by an interrupted `index add` needs a writable directory: rerun `custody sbom index add` on it once' : 'check that the index file and its directory are writable',
          cause: err,
        });
      }
      throw refuse(file, errorMessage(err), err);
    }
  }

  /** Upgrade a version-1 index in place (one transaction); a read-only file cannot be upgraded. */
  /**
   * Schema 1 → 2 in place (it adds columns; nothing is lost). An index opened to be read (`query --db`,
   * `index list|stats`) is upgraded through a second, writable connection once, so a read-only file or
   * directory is refused with QUERY_INDEX_UPGRADE rather than read with columns missing.
   */
  private migrate(readOnly: boolean): void {
    try {
      if (!readOnly) {
        this.db.transaction(() => this.db.exec(MIGRATE_1_TO_2))();
        return;
      }
      const writer = new Database(this.file, { fileMustExist: true });
      try {
        writer.transaction(() => writer.exec(MIGRATE_1_TO_2))();
      } finally {
        writer.close();
      }
    } catch (err) {
      throw new InputError('QUERY_INDEX_UPGRADE', `${this.file} is an index of schema 1 and could not be upgraded to ${SCHEMA_VERSION}: ${errnoText(err)}`, {
        hint: 'make the file and its directory writable once (the upgrade adds columns; nothing is lost), or build a new index with `custody sbom index add --db NEW.db PATH...`',
        cause: err,
      });
    }
  }


  get(path: string): StoredSbom | undefined {
    const r = this.db.prepare('SELECT * FROM sboms WHERE path = ?').get(path) as SbomRow | undefined;
    return r ? toSbom(r) : undefined;
  }

  put(sbom: StoredSbom, packages: StoredPackage[] | PackageSource): void {
    this.transaction(() => {
      this.db.prepare('DELETE FROM sboms WHERE path = ?').run(sbom.path);
      const info = this.db
        .prepare(
          'INSERT INTO sboms (path, sha256, format, subject_kind, subject_name, subject_digest, subject_tags, package_count, indexed_at, subject_json, distro, reader) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          sbom.path,
          sbom.sha256,
          sbom.format,
          sbom.subject.kind,
          sbom.subject.name,
          sbom.subject.digest ?? null,
          sbom.subject.tags ? JSON.stringify(sbom.subject.tags) : null,
          Array.isArray(packages) ? packages.length : 0,
          sbom.indexedAt,
          JSON.stringify(sbom.subject),
          sbom.distro ? JSON.stringify(sbom.distro) : null,
          sbom.reader ?? INDEX_READER_VERSION,
        );
      const id = Number(info.lastInsertRowid);
      const ins = this.db.prepare(
        'INSERT INTO packages (sbom_id, name, name_lc, version, purl, ident_type, ident_name_lc, ecosystem, pkg_type, pkg_group, cpes, locations, deleted, source_lc, owned_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      const add = (p: StoredPackage): void => {
        ins.run(
          id,
          p.name,
          p.name.toLowerCase(),
          p.version,
          p.purl ?? null,
          p.identType ?? null,
          p.identName.toLowerCase(),
          p.ecosystem,
          p.type,
          p.group ?? null,
          p.cpes && p.cpes.length > 0 ? JSON.stringify(p.cpes) : null,
          JSON.stringify(p.locations),
          p.deleted === true ? 1 : 0,
          p.source ? p.source.toLowerCase() : null,
          p.ownedBy ? JSON.stringify(p.ownedBy) : null,
        );
      };
      if (Array.isArray(packages)) packages.forEach(add);
      else {
        let n = 0;
        packages((p) => {
          add(p);
          n++;
        });
        sbom.packages = n;
        this.db.prepare('UPDATE sboms SET package_count = ? WHERE id = ?').run(n, id);
      }
    });
  }

  remove(path: string): boolean {
    return this.db.prepare('DELETE FROM sboms WHERE path = ?').run(path).changes > 0;
  }

  list(): StoredSbom[] {
    return (this.db.prepare('SELECT * FROM sboms ORDER BY path').all() as SbomRow[]).map(toSbom);
  }

  countOlderReader(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM sboms WHERE reader < ?').get(INDEX_READER_VERSION) as { n: number }).n;
  }

  countSboms(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM sboms').get() as { n: number }).n;
  }

  stats(): IndexStats {
    const sboms = (this.db.prepare('SELECT COUNT(*) AS n FROM sboms').get() as { n: number }).n;
    const packages = (this.db.prepare('SELECT COUNT(*) AS n FROM packages').get() as { n: number }).n;
    const byFormat: Record<string, number> = {};
    for (const r of this.db.prepare('SELECT format, COUNT(*) AS n FROM sboms GROUP BY format ORDER BY format').all() as { format: string; n: number }[]) byFormat[r.format] = r.n;
    const byEcosystem: Record<string, number> = {};
    for (const r of this.db.prepare('SELECT ecosystem, COUNT(*) AS n FROM packages GROUP BY ecosystem ORDER BY ecosystem').all() as { ecosystem: string; n: number }[]) byEcosystem[r.ecosystem] = r.n;
    let bytesOnDisk: number | undefined;
    try {
      bytesOnDisk = statSync(this.file).size;
    } catch {
      bytesOnDisk = undefined;
    }
    const unread = this.hasUnread ? (this.db.prepare('SELECT COUNT(*) AS n FROM unread').get() as { n: number }).n : 0;
    return bytesOnDisk === undefined ? { sboms, packages, unread, byFormat, byEcosystem } : { sboms, packages, unread, byFormat, byEcosystem, bytesOnDisk };
  }

  *candidates(filter: CandidateFilter): Iterable<{ sbom: StoredSbom; pkg: StoredPackage }> {
    let sql = 'SELECT * FROM packages';
    const args: string[] = [];
    switch (filter.kind) {
      case 'name':
        sql += ' WHERE name_lc = ? UNION ALL SELECT * FROM packages WHERE ident_name_lc = ? AND name_lc <> ?';
        args.push(filter.nameLc, filter.nameLc, filter.nameLc);
        break;
      case 'name-prefix': {
        const hi = `${filter.prefixLc}\uffff`;
        sql += ' WHERE name_lc >= ? AND name_lc < ? UNION ALL SELECT * FROM packages WHERE ident_name_lc >= ? AND ident_name_lc < ? AND NOT (name_lc >= ? AND name_lc < ?)';
        args.push(filter.prefixLc, hi, filter.prefixLc, hi, filter.prefixLc, hi);
        break;
      }
      case 'ident':
        sql += ' WHERE ident_name_lc = ? AND ident_type = ?';
        args.push(filter.nameLc, filter.type);
        break;
      case 'candidates': {
        // Each condition uses an index; a row meeting several is listed once (the matcher re-checks every row).
        const list = (xs: string[]): string => xs.map(() => '?').join(', ');
        const conds: string[] = [];
        if (filter.namesLc.length > 0) {
          conds.push(`ident_name_lc IN (${list(filter.namesLc)})`, `name_lc IN (${list(filter.namesLc)})`);
          args.push(...filter.namesLc, ...filter.namesLc);
        }
        if (filter.sourcesLc.length > 0) {
          conds.push(`source_lc IN (${list(filter.sourcesLc)})`);
          args.push(...filter.sourcesLc);
        }
        if (filter.pypi) conds.push("ecosystem = 'pypi'");
        sql += conds.length > 0 ? ` WHERE ${conds.join(' OR ')}` : ' WHERE 0 = 1';
        break;
      }
      case 'all':
        break;
    }
    const sbomStmt = this.db.prepare('SELECT * FROM sboms WHERE id = ?');
    const cache = new Map<number, StoredSbom>();
    for (const r of this.db.prepare(sql).iterate(...args) as Iterable<PackageRow>) {
      let sbom = cache.get(r.sbom_id);
      if (!sbom) {
        sbom = toSbom(sbomStmt.get(r.sbom_id) as SbomRow);
        cache.set(r.sbom_id, sbom);
      }
      yield { sbom, pkg: toPackage(r) };
    }
  }

  transaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    return this.db.transaction(fn)();
  }

  async transactionAsync<T>(fn: () => Promise<T>): Promise<T> {
    if (this.db.inTransaction) return fn();
    this.db.exec('BEGIN');
    try {
      const r = await fn();
      this.db.exec('COMMIT');
      return r;
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
  }

  markUnread(entry: Pick<Incomplete, 'path' | 'kind' | 'reason'>, at: string): void {
    this.db.prepare('INSERT INTO unread (path, kind, reason, recorded_at) VALUES (?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET kind = excluded.kind, reason = excluded.reason, recorded_at = excluded.recorded_at').run(entry.path, entry.kind, entry.reason, at);
  }

  clearUnread(path: string): void {
    if (this.hasUnread) this.db.prepare('DELETE FROM unread WHERE path = ?').run(path);
  }

  unread(): Incomplete[] {
    if (!this.hasUnread) return [];
    return (this.db.prepare('SELECT path, kind, reason, recorded_at FROM unread ORDER BY path').all() as { path: string; kind: string; reason: string; recorded_at: string }[]).map((r) => ({
      kind: r.kind as IncompleteKind,
      path: r.path,
      reason: `${r.reason} (sbom index add, ${r.recorded_at})`,
    }));
  }

  forgetUnread(under: string, keep: ReadonlySet<string>): number {
    if (!this.hasUnread) return 0;
    const prefix = `${under.replace(/\/$/, '')}/`;
    let n = 0;
    // An indexed SBOM's record (it declares itself incomplete) goes only with the SBOM itself.
    for (const r of this.db.prepare('SELECT path FROM unread WHERE path NOT IN (SELECT path FROM sboms)').all() as { path: string }[]) {
      if ((r.path === under || r.path.startsWith(prefix)) && !keep.has(r.path)) n += this.db.prepare('DELETE FROM unread WHERE path = ?').run(r.path).changes;
    }
    return n;
  }

  /**
   * Close the index. A new index is renamed into place only with `commit` (the run completed); otherwise
   * its temporary file is removed. A written index is left with a rollback journal (readable read-only).
   */
  close(commit = true): void {
    if (!this.db.readonly && this.db.open) {
      try {
        this.db.pragma('journal_mode = DELETE');
      } catch {
        // another connection holds it in WAL: it stays readable by writers; nothing is lost
      }
    }
    this.db.close();
    if (this.temp === undefined) return;
    if (!commit) {
      removeTemp(this.temp);
      return;
    }
    try {
      renameSync(this.temp, this.file);
      liveTemps.delete(this.temp);
    } catch (err) {
      removeTemp(this.temp);
      throw new InputError('QUERY_INDEX_UNWRITABLE', `cannot create index ${this.file}: ${errnoText(err)}`, { hint: 'check that the directory is writable', cause: err });
    }
  }
}
