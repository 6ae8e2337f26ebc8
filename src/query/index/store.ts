/**
 * The index storage interface. SQLite (better-sqlite3) implements it today; the SQL is kept to
 * what PostgreSQL also accepts (no SQLite-only functions in queries) so a `postgres://` back end
 * can implement the same interface for a fleet's shared index.
 */
import type { Location, PackageType } from '../../sbom/model.js';
import type { QuerySubject } from '../result.js';

export interface StoredSbom {
  path: string;
  sha256: string;
  format: string;
  subject: QuerySubject;
  packages: number;
  indexedAt: string;
}

/** Adds an SBOM's packages one at a time through `add`. */
export type PackageSource = (add: (p: StoredPackage) => void) => void;

export interface StoredPackage {
  name: string;
  version: string;
  purl?: string | undefined;
  type: PackageType;
  group?: string | undefined;
  cpes?: string[] | undefined;
  locations: Location[];
  /** Identity used by the indexes: purl type/name when there is a purl, else name + hints. */
  identType?: string | undefined;
  identName: string;
  ecosystem: string;
}

/** How the caller narrows the candidate rows; the exact match is always re-checked with matchPackage. */
export type CandidateFilter =
  | { kind: 'name'; nameLc: string }
  | { kind: 'name-prefix'; prefixLc: string }
  | { kind: 'ident'; type: string; nameLc: string }
  | { kind: 'all' };

export interface IndexStats {
  sboms: number;
  packages: number;
  byFormat: Record<string, number>;
  byEcosystem: Record<string, number>;
  bytesOnDisk?: number;
}

export interface SbomStore {
  readonly backend: string;
  /** The stored record for `path`, if any. */
  get(path: string): StoredSbom | undefined;
  /**
   * Insert or replace one SBOM and its packages atomically. Packages come as a list, or as a function that
   * adds them one by one (a large SBOM streamed into the index); `sbom.packages` is then the count added.
   */
  put(sbom: StoredSbom, packages: StoredPackage[] | PackageSource): void;
  remove(path: string): boolean;
  list(): StoredSbom[];
  stats(): IndexStats;
  /** Number of SBOMs (cheap). */
  countSboms(): number;
  candidates(filter: CandidateFilter): Iterable<{ sbom: StoredSbom; pkg: StoredPackage }>;
  /** Run `fn` in one transaction (fast bulk adds). */
  transaction<T>(fn: () => T): T;
  close(): void;
}
