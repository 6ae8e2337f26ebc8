/**
 * What the three rpmdb back ends (SQLite, BerkeleyDB hash, ndb) share: each yields the header blobs it
 * finds, keyed by rpm's header number, and records what it could not read in a `Losses` log instead of
 * stopping, so one bad page costs the packages on it and not the database.
 */

/** One package header as a back end stores it. */
export interface HeaderBlob {
  /** rpm's header number (the database key); 0 is never a package. */
  hnum: number;
  blob: Buffer;
}

/**
 * Entries (valid or not) a back end examines before it stops: a real rpmdb holds a few hundred to a
 * few thousand packages (a full RHEL workstation about 3,000), a hostile one can claim millions, and
 * each package kept costs about a kilobyte of memory.
 */
export const RPMDB_MAX_ENTRIES = 50_000;

/**
 * Reasons entries were lost, counted, with the first few kept verbatim: a hostile file can lose
 * millions, and one incomplete entry per database says enough.
 */
export class Losses {
  private readonly first: string[] = [];
  private stopped: string | undefined;
  private n = 0;

  add(reason: string): void {
    this.n++;
    if (this.first.length < 3) this.first.push(reason);
  }

  /** The read stopped early (a limit): always named first in the summary. */
  stop(reason: string): void {
    this.n++;
    this.stopped = reason;
  }

  get count(): number {
    return this.n;
  }

  /** "stop reason; reason; reason; reason (and N more)"; undefined when nothing was lost. */
  summary(): string | undefined {
    if (this.n === 0) return undefined;
    const shown = [...(this.stopped === undefined ? [] : [this.stopped]), ...this.first];
    const more = this.n - shown.length;
    return `${shown.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`;
  }
}
