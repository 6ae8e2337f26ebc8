/** SQLite implementation of SbomStore (better-sqlite3; the only importer besides catalog/rpm). */
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { InputError, errorMessage } from '../../core/errors.js';
import type { CandidateFilter, IndexStats, PackageSource, SbomStore, StoredPackage, StoredSbom } from './store.js';

const SCHEMA_VERSION = '1';

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
  indexed_at TEXT NOT NULL
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
  locations TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_packages_name ON packages (name_lc);
CREATE INDEX IF NOT EXISTS idx_packages_ident ON packages (ident_name_lc, ident_type);
CREATE INDEX IF NOT EXISTS idx_packages_purl ON packages (purl);
CREATE INDEX IF NOT EXISTS idx_packages_ecosystem ON packages (ecosystem);
CREATE INDEX IF NOT EXISTS idx_packages_sbom ON packages (sbom_id);
`;

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
}

function toSbom(r: SbomRow): StoredSbom {
  const subject: StoredSbom['subject'] = { kind: r.subject_kind as StoredSbom['subject']['kind'], name: r.subject_name };
  if (r.subject_digest) subject.digest = r.subject_digest;
  if (r.subject_tags) subject.tags = JSON.parse(r.subject_tags) as string[];
  return { path: r.path, sha256: r.sha256, format: r.format, subject, packages: r.package_count, indexedAt: r.indexed_at };
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
  };
}

export class SqliteStore implements SbomStore {
  readonly backend = 'sqlite';
  private readonly db: Database.Database;
  private readonly file: string;

  constructor(file: string, opts: { create: boolean }) {
    this.file = file;
    try {
      this.db = new Database(file, { fileMustExist: !opts.create });
    } catch (err) {
      throw new InputError('QUERY_INDEX_UNREADABLE', `cannot open index ${file}: ${errorMessage(err)}`, {
        hint: opts.create ? 'check the directory exists and is writable' : 'build it first with `custody sbom index add --db FILE PATH...`',
        cause: err,
      });
    }
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('foreign_keys = ON');
      if (opts.create) this.db.exec(DDL);
      const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get('schema_version') as { value: string } | undefined;
      if (!row && opts.create) this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('schema_version', SCHEMA_VERSION);
      else if (!row || row.value !== SCHEMA_VERSION) throw new Error(`schema version ${row?.value ?? 'missing'}, expected ${SCHEMA_VERSION}`);
    } catch (err) {
      this.db.close();
      throw new InputError('QUERY_INDEX_UNREADABLE', `${file} is not a custody SBOM index: ${errorMessage(err)}`, {
        hint: 'point --db at a file written by `custody sbom index add`, or a new path to create one',
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
          'INSERT INTO sboms (path, sha256, format, subject_kind, subject_name, subject_digest, subject_tags, package_count, indexed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(sbom.path, sbom.sha256, sbom.format, sbom.subject.kind, sbom.subject.name, sbom.subject.digest ?? null, sbom.subject.tags ? JSON.stringify(sbom.subject.tags) : null, Array.isArray(packages) ? packages.length : 0, sbom.indexedAt);
      const id = Number(info.lastInsertRowid);
      const ins = this.db.prepare(
        'INSERT INTO packages (sbom_id, name, name_lc, version, purl, ident_type, ident_name_lc, ecosystem, pkg_type, pkg_group, cpes, locations) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      const add = (p: StoredPackage): void => {
        ins.run(id, p.name, p.name.toLowerCase(), p.version, p.purl ?? null, p.identType ?? null, p.identName.toLowerCase(), p.ecosystem, p.type, p.group ?? null, p.cpes && p.cpes.length > 0 ? JSON.stringify(p.cpes) : null, JSON.stringify(p.locations));
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
    return bytesOnDisk === undefined ? { sboms, packages, byFormat, byEcosystem } : { sboms, packages, byFormat, byEcosystem, bytesOnDisk };
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

  close(): void {
    this.db.close();
  }
}
