/**
 * Completeness is data, not logging (README "Completeness"): every command collects what it would
 * have read and could not, carries it up to its result, and `cli/main.ts` alone decides what that
 * does to the exit code. A negative answer ("no match", "passed", "0 findings", an SBOM written)
 * given over unread input is not an answer: exit 3 unless the user accepts it (`--allow-incomplete`).
 */

/** What kind of input could not be read. */
export type IncompleteKind =
  /** A file a cataloger claims by path (package database, manifest, lock file, archive). */
  | 'file'
  /** A directory of a `dir:` source or a directory argument that could not be listed. */
  | 'directory'
  /** An image layer or blob. */
  | 'layer'
  /** An SBOM given to a command (or found in a directory), or an SBOM that declares itself incomplete. */
  | 'sbom'
  /** A scanner report, VEX or ignore file given to a command. */
  | 'report'
  /** A Kubernetes manifest (or one document of it). */
  | 'manifest'
  /** A workload or container that names no usable image. */
  | 'workload'
  /** An image an audit could not check. */
  | 'image'
  /** Records of a vulnerability database, or an ecosystem it does not cover. */
  | 'vulndb';

export interface Incomplete {
  kind: IncompleteKind;
  /** The input: a path (inside the image for catalogued files), a file name, an image reference. */
  path: string;
  /** Why it could not be read, in a few words ("permission denied", "truncated BerkeleyDB page 12"). */
  reason: string;
  /** Digest of the layer the file came from (images), when known. */
  layer?: string;
  /** The cataloger or reader that claimed it ('rpm-db-cataloger'). */
  by?: string;
}

function key(i: Incomplete): string {
  return `${i.kind}\u0000${i.path}\u0000${i.layer ?? ''}\u0000${i.reason}`;
}

/** Deduplicated, in a stable order (kind, path, layer, reason). */
export function normalizeIncomplete(items: readonly Incomplete[]): Incomplete[] {
  const seen = new Map<string, Incomplete>();
  for (const i of items) if (!seen.has(key(i))) seen.set(key(i), i);
  return [...seen.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** "path (reason)" for one entry; the layer is shortened to 19 characters ('sha256:' + 12 hex). */
export function describeIncomplete(i: Incomplete): string {
  const layer = i.layer ? ` in layer ${i.layer.slice(0, 19)}` : '';
  return `${i.kind} ${i.path}${layer}: ${i.reason}`;
}

/**
 * How a document declares its own completeness (CycloneDX `compositions[].aggregate` for the whole
 * SBOM, SPDX's custody annotation, custody's model field). `not-declared`: the document says nothing,
 * which is the norm for third-party SBOMs and is not treated as incomplete.
 */
export type DeclaredCompleteness = 'complete' | 'incomplete' | 'unknown' | 'not-declared';

/** True when a document's own declaration means the consumer must treat it as incomplete input. */
export function declaresIncomplete(c: DeclaredCompleteness | undefined): boolean {
  return c === 'incomplete' || c === 'unknown';
}
