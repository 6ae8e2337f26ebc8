/**
 * The index storage interface. SQLite (better-sqlite3) implements it today; the SQL is kept to
 * what PostgreSQL also accepts (no SQLite-only functions in queries) so a `postgres://` back end
 * can implement the same interface for a fleet's shared index.
 */
import type { Incomplete } from '../../core/incomplete.js';
import type { LinuxRelease, Location, PackageType } from '../../sbom/model.js';
import type { QuerySubject } from '../result.js';

/**
 * The version of the reading rules an SBOM was indexed with. Rows of an older version were read by decoders
 * that knew less (version 1: no locations from custody's own CycloneDX/SPDX, no subject identity, no deleted
 * marks, no source packages): `index add` reads them again even when the file is unchanged, and queries warn.
 */
export const INDEX_READER_VERSION = 2;

export interface StoredSbom {
  path: string;
  sha256: string;
  format: string;
  subject: QuerySubject;
  /** The distro the SBOM records (the OSV matcher of `--advisory` needs its release). */
  distro?: LinuxRelease | undefined;
  packages: number;
  indexedAt: string;
  /** `INDEX_READER_VERSION` when it was indexed (1 for rows of a version-1 index). */
  reader?: number | undefined;
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
  /** With --scope all-layers: a later layer deleted this package. */
  deleted?: boolean | undefined;
  /** The source package of a distro package, lower case (`--advisory` finds binary packages by it). */
  source?: string | undefined;
  /** The OS package that installed this language package (an `owns` relationship): `--advisory` leaves it to the distro, as scan does. */
  ownedBy?: { name: string; version: string; type: PackageType; purl?: string | undefined } | undefined;
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
  /** An advisory's candidates: any of these identity names (last segments, lower case) or source packages, or any PyPI package. */
  | { kind: 'candidates'; namesLc: string[]; sourcesLc: string[]; pypi: boolean }
  | { kind: 'all' };

/** `read`: an existing index, nothing written or created; `update`: an existing index; `create`: existing or new. */
export type StoreMode = 'read' | 'update' | 'create';

export interface IndexStats {
  sboms: number;
  packages: number;
  /** Files `index add` could not read, or SBOMs that declare themselves incomplete (README "Completeness"). */
  unread?: number;
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
  /** Number of SBOMs indexed with an older `INDEX_READER_VERSION` (read again by `index add`). */
  countOlderReader(): number;
  candidates(filter: CandidateFilter): Iterable<{ sbom: StoredSbom; pkg: StoredPackage }>;
  /** Run `fn` in one transaction (fast bulk adds). */
  transaction<T>(fn: () => T): T;
  /**
   * Run `fn` in one transaction that may await (so a long batch lets signals in); committed when `fn`
   * resolves, rolled back when it rejects (an interrupted batch leaves nothing).
   */
  transactionAsync<T>(fn: () => Promise<T>): Promise<T>;
  /** Record a file `index add` could not read (or an SBOM that declares itself incomplete), replacing any earlier record. */
  markUnread(entry: Pick<Incomplete, 'path' | 'kind' | 'reason'>, at: string): void;
  /** The file was read completely: forget any earlier record. */
  clearUnread(path: string): void;
  /** Every recorded unread input: `query --db` answers over them are incomplete. */
  unread(): Incomplete[];
  /**
   * Forget records at or under `under` except those in `keep` (files gone from a re-added directory); the
   * record of an SBOM still in the index stays until the SBOM is removed.
   */
  forgetUnread(under: string, keep: ReadonlySet<string>): number;
  /** Close; `commit` false discards a new index that was being built. */
  close(commit?: boolean): void;
}
