/**
 * The contract between sources (image/dir bytes) and catalogers (pure parsers).
 * A source is walked once; catalogers only see the resulting FileResolver.
 */
import type { Location, SourceDescription } from '../sbom/model.js';

export type { Location, SourceDescription };

export type FileKind = 'file' | 'dir' | 'symlink' | 'other';

export interface FileEntry {
  /** Absolute, normalised path inside the root ('/usr/share/java/x.jar'). */
  path: string;
  kind: FileKind;
  size: number;
  mode: number;
  /** Raw symlink target as stored (may be absolute or relative; resolved inside the root). */
  linkTarget?: string;
  /** Digest of the layer the (final) version of this entry came from. */
  layer?: string;
  /** With scope 'all-layers': a later layer removed this entry. */
  deleted?: boolean;
}

export type Scope = 'squashed' | 'all-layers';

export interface ResolverOptions {
  scope?: Scope;
  /**
   * Which regular files' contents the catalogers will want (built from their globs). A streaming
   * source keeps only these bytes while walking layers; everything else is metadata only.
   */
  wants?: (path: string) => boolean;
  /** Progress lines (layers read, bytes); TTY only, decided by the CLI. */
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

/**
 * Random access to one regular file's bytes, for readers that need a few parts of a big file (an
 * executable's ELF header, section table and one section) rather than all of it. Synchronous reads;
 * `close` when done.
 */
export interface RandomAccessFile {
  readonly size: number;
  /** Up to `length` bytes from `offset` (fewer at the end of the file); a fresh buffer. */
  read(offset: number, length: number): Buffer;
  close(): void;
}

/** The squashed filesystem view handed to catalogers. */
export interface FileResolver {
  /** Every entry (files, dirs, links) in path order. */
  entries(): Iterable<FileEntry>;
  /** Regular files whose path matches any of the globs (picomatch syntax, matched against the absolute path with `dot: true`). Symlinks are not listed: their targets are. */
  glob(patterns: readonly string[]): AsyncIterable<Location>;
  /** Contents of a regular file (following symlinks inside the root). Throws InputError if absent or not retained. */
  read(location: Location | string): Promise<Buffer>;
  /** The same bytes as `read`, for reading only parts of them. Throws InputError as `read` does. */
  openRandomAccess(location: Location | string): Promise<RandomAccessFile>;
  /** Follow symlinks inside the root (as the kernel does in a container, never leaving it); undefined if dangling or looping. */
  resolve(path: string): string | undefined;
  /** The entry at a path, without following the last symlink. */
  stat(path: string): FileEntry | undefined;
}

export interface Source extends AsyncDisposable {
  describe(): SourceDescription;
  resolver(options?: ResolverOptions): Promise<FileResolver>;
}
