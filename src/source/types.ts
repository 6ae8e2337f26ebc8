/**
 * The contract between sources (image/dir bytes) and catalogers (pure parsers).
 * A source is walked once; catalogers only see the resulting FileResolver.
 */
import type { Incomplete } from '../core/incomplete.js';
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
  /**
   * Regular files to hand over as their bytes stream past instead of keeping them (for paths `wants`
   * rejects). A source that streams its layers (gzip or registry blobs) gives every version of such a
   * file (every layer's, in layer order) to `take` and keeps nothing of its bytes; the resolver then
   * lists the file but cannot read it (SOURCE_NOT_RETAINED). Sources that read files in place (dir:,
   * uncompressed layers of a local file) never call `take`: their resolver reads those files as any other.
   */
  stream?: StreamSink;
  /** Progress lines (layers read, bytes); TTY only, decided by the CLI. */
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

/** One version of a regular file whose bytes are streaming past (see ResolverOptions.stream). */
export interface StreamedFile {
  /** Absolute, normalised path (for a hard link: the link's own path). */
  path: string;
  /** Digest of the layer this version comes from. */
  layer: string;
  size: number;
  mode: number;
  /** The whole file (a fresh read each call for a file too big to be held in memory). Valid only until `take` settles. */
  read(): Promise<Buffer>;
  /** Random access to the same bytes; close it when done. Valid only until `take` settles. */
  open(): RandomAccessFile;
}

/** Receives the files a source hands over as they stream (ResolverOptions.stream). */
export interface StreamSink {
  /** True for the paths whose bytes `take` wants. */
  takes(path: string): boolean;
  /**
   * One version of such a file. The source waits for the promise (one file at a time) and drops the
   * bytes afterwards; it rejects only when the run must stop (abort): parse failures are the sink's own.
   */
  take(file: StreamedFile): Promise<void>;
}

/**
 * Random access to one regular file's bytes, for readers that need a few parts of a big file (an
 * executable's ELF header, section table and one section) rather than all of it. Synchronous reads;
 * `close` when done.
 */
export interface RandomAccessFile {
  readonly size: number;
  /** Up to `length` bytes from `offset` (fewer at the end of the file): a fresh buffer, or a view of bytes held in memory (never write to it). */
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
  /**
   * What the source itself could not read while building this view (a directory it may not list,
   * a file it may not open): the catalog result carries these as incomplete input.
   */
  incomplete?(): readonly Incomplete[];
}

export interface Source extends AsyncDisposable {
  describe(): SourceDescription;
  resolver(options?: ResolverOptions): Promise<FileResolver>;
}
