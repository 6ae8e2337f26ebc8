/**
 * The squashed file tree every source builds (dir walk, memory list, image layers) and the
 * FileResolver over it. Layer semantics (OCI image spec, "Applying Changesets"): a later entry
 * replaces an earlier one, whiteouts and opaque markers hide what lower layers put there, and a
 * whiteout never hides an entry of its own layer.
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import picomatch from 'picomatch';
import { InputError } from '../core/errors.js';
import type { Incomplete } from '../core/incomplete.js';
import { fileProblem, fileProblemHint } from '../core/input-file.js';
import { normalizePath, parentOf, resolveInRoot } from './paths.js';
import { readFullySync } from './tar-index.js';
import type { FileEntry, FileResolver, Location, RandomAccessFile, Scope } from './types.js';

/** Where the retained bytes of a regular file live. */
export type ContentRef =
  | { kind: 'buffer'; data: Buffer }
  /** Spilled to the source's temp dir (or a file of the walked host directory). */
  | { kind: 'file'; file: string }
  /** Left where it is: `size` bytes at `offset` of a local file (a member of an uncompressed layer tar). */
  | { kind: 'range'; file: string; offset: number; size: number };

/** Read up to `length` bytes at `position` of an open file into a fresh buffer. */
function readAt(fd: number, position: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(Math.max(0, length));
  const done = readFullySync(fd, out, out.length, position);
  return done === out.length ? out : out.subarray(0, done);
}

/** A RandomAccessFile over a region of a local file (the whole file when `region` is absent). */
export function fileRandomAccess(file: string, region?: { offset: number; size: number }): RandomAccessFile {
  const fd = openSync(file, 'r');
  try {
    const base = region?.offset ?? 0;
    const size = region?.size ?? fstatSync(fd).size;
    let open = true;
    return {
      size,
      read: (offset, length) => {
        if (!open) throw new Error('read after close');
        const from = Math.max(0, Math.min(offset, size));
        return readAt(fd, base + from, Math.max(0, Math.min(length, size - from)));
      },
      close: () => {
        if (open) closeSync(fd);
        open = false;
      },
    };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** A RandomAccessFile over bytes in memory: reads are views, not copies (a 64 MB string-section scan would otherwise copy 64 MB). */
export function bufferRandomAccess(data: Buffer): RandomAccessFile {
  return { size: data.length, read: (o, n) => data.subarray(Math.max(0, o), Math.min(data.length, Math.max(0, o) + Math.max(0, n))), close: () => {} };
}

export interface TreeNode {
  entry: FileEntry;
  /** Index of the layer the entry came from (0 outside images). */
  layerIndex: number;
  content?: ContentRef;
}

export class FileTree {
  readonly nodes = new Map<string, TreeNode>();
  private readonly children = new Map<string, Set<string>>();
  /** Superseded and deleted versions, kept only with scope 'all-layers'. */
  readonly history: TreeNode[] = [];

  constructor(private readonly keepHistory = false) {
    this.nodes.set('/', { entry: { path: '/', kind: 'dir', size: 0, mode: 0o755 }, layerIndex: -1 });
  }

  get(path: string): TreeNode | undefined {
    return this.nodes.get(path);
  }

  /** Add or replace the entry at node.entry.path (creating missing parent directories). */
  set(node: TreeNode): void {
    const path = node.entry.path;
    if (path === '/') return;
    this.ensureDir(parentOf(path), node);
    const old = this.nodes.get(path);
    if (old !== undefined) {
      if (old.entry.kind === 'dir' && node.entry.kind === 'dir') {
        // A directory entry over a directory updates its metadata; lower children stay.
        old.entry = { ...node.entry };
        old.layerIndex = node.layerIndex;
        return;
      }
      this.removeSubtree(path, -2, node.layerIndex);
    }
    this.nodes.set(path, node);
    this.childSet(parentOf(path)).add(path);
  }

  /**
   * Remove `path` and everything under it that a layer other than `keepLayer` put there. Entries that
   * layer `byLayer` itself wrote are not history: a layer that writes a path twice leaves only the
   * later member (as a tar extraction does), so the earlier one never was in any layer's filesystem.
   */
  removeSubtree(path: string, keepLayer: number, byLayer?: number): void {
    const node = this.nodes.get(path);
    if (node === undefined || path === '/') return;
    const kids = this.children.get(path);
    if (kids !== undefined) for (const k of [...kids]) this.removeSubtree(k, keepLayer, byLayer);
    if (node.layerIndex === keepLayer) return;
    if ((this.children.get(path)?.size ?? 0) > 0) return; // still holds entries of keepLayer
    this.children.delete(path);
    this.nodes.delete(path);
    this.children.get(parentOf(path))?.delete(path);
    if (this.keepHistory && node.entry.kind !== 'dir' && node.layerIndex !== byLayer) this.history.push({ ...node, entry: { ...node.entry, deleted: true } });
  }

  /** Opaque directory: hide every child that lower layers put under `dir`. */
  clearChildren(dir: string, keepLayer: number): void {
    const kids = this.children.get(dir);
    if (kids !== undefined) for (const k of [...kids]) this.removeSubtree(k, keepLayer);
  }

  private childSet(dir: string): Set<string> {
    let s = this.children.get(dir);
    if (s === undefined) {
      s = new Set();
      this.children.set(dir, s);
    }
    return s;
  }

  private ensureDir(dir: string, like: TreeNode): void {
    const existing = this.nodes.get(dir);
    if (existing !== undefined) {
      if (existing.entry.kind === 'dir') return;
      // A file where a directory is needed: the later entry wins (as in a tar extraction).
      this.removeSubtree(dir, -2, like.layerIndex);
    }
    this.ensureDir(parentOf(dir), like);
    this.nodes.set(dir, {
      // One object shape for every entry (path, kind, size, mode, layer): spreads here gave each of a big image's 100k entries its own hidden class.
      entry: like.entry.layer === undefined ? { path: dir, kind: 'dir', size: 0, mode: 0o755 } : { path: dir, kind: 'dir', size: 0, mode: 0o755, layer: like.entry.layer },
      layerIndex: like.layerIndex,
    });
    this.childSet(parentOf(dir)).add(dir);
  }

  /** Resolve symlinks inside the root (see paths.ts). */
  resolve(path: string, followLast = true): string | undefined {
    return resolveInRoot((p) => this.nodes.get(p)?.entry, path, followLast);
  }
}

export interface TreeResolverOptions {
  scope?: Scope;
  /** What to say when a file's bytes were not kept (streamed sources keep only wanted files). */
  notRetainedHint?: string;
  /** Name of the source, for error messages. */
  sourceName: string;
  /** What the source could not read while listing it (a `dir:` subdirectory it may not enter). */
  incomplete?: readonly Incomplete[];
}

/** A file of the source that cannot be read now: the reason (permission denied, gone) is in the message. */
function unreadable(path: string, sourceName: string, err: unknown): InputError {
  const { problem, reason } = fileProblem(err);
  return new InputError(problem === 'permission-denied' ? 'SOURCE_PERMISSION_DENIED' : 'SOURCE_UNREADABLE', `cannot read ${path} in ${sourceName}: ${reason}`, {
    hint: problem === 'permission-denied' ? fileProblemHint(problem, 'file') : 'check that the source is still there and readable',
    cause: err,
  });
}

/** FileResolver over a FileTree. */
export class TreeResolver implements FileResolver {
  private sorted: FileEntry[] | undefined;
  private readonly scope: Scope;

  constructor(
    private readonly tree: FileTree,
    private readonly options: TreeResolverOptions,
  ) {
    this.scope = options.scope ?? 'squashed';
  }

  incomplete(): readonly Incomplete[] {
    return this.options.incomplete ?? [];
  }

  entries(): Iterable<FileEntry> {
    if (this.sorted === undefined) {
      const all: TreeNode[] = [...this.tree.nodes.values()];
      if (this.scope === 'all-layers') all.push(...this.tree.history);
      all.sort((a, b) => (a.entry.path < b.entry.path ? -1 : a.entry.path > b.entry.path ? 1 : a.layerIndex - b.layerIndex));
      this.sorted = all.map((n) => n.entry);
    }
    return this.sorted;
  }

  async *glob(patterns: readonly string[]): AsyncIterable<Location> {
    if (patterns.length === 0) return;
    const isMatch = picomatch([...patterns], { dot: true });
    for (const e of this.entries()) {
      if (e.kind !== 'file' || !isMatch(e.path)) continue;
      yield e.layer === undefined ? { path: e.path } : { path: e.path, layer: e.layer };
    }
  }

  async read(location: Location | string): Promise<Buffer> {
    const loc = typeof location === 'string' ? { path: location } : location;
    const node = this.nodeFor(loc);
    if (node.content === undefined) {
      throw new InputError('SOURCE_NOT_RETAINED', `the contents of ${loc.path} in ${this.options.sourceName} were not kept while reading it`, {
        hint: this.options.notRetainedHint ?? 'include the path in the wanted globs when opening the source',
      });
    }
    const c = node.content;
    if (c.kind === 'buffer') return c.data;
    try {
      if (c.kind === 'range') {
        const f = fileRandomAccess(c.file, c);
        try {
          const bytes = f.read(0, c.size);
          if (bytes.length !== c.size) throw new Error(`${c.file} ended before byte ${c.offset + c.size}`);
          return bytes;
        } finally {
          f.close();
        }
      }
      return await readFile(c.file);
    } catch (err) {
      throw unreadable(loc.path, this.options.sourceName, err);
    }
  }

  async openRandomAccess(location: Location | string): Promise<RandomAccessFile> {
    const loc = typeof location === 'string' ? { path: location } : location;
    const node = this.nodeFor(loc);
    const c = node.content;
    if (c === undefined || c.kind === 'buffer') {
      return bufferRandomAccess(c === undefined ? await this.read(loc) : c.data);
    }
    try {
      return fileRandomAccess(c.file, c.kind === 'range' ? c : undefined);
    } catch (err) {
      throw unreadable(loc.path, this.options.sourceName, err);
    }
  }

  resolve(path: string): string | undefined {
    return this.tree.resolve(normalizePath(path));
  }

  stat(path: string): FileEntry | undefined {
    const p = this.tree.resolve(normalizePath(path), false);
    return p === undefined ? undefined : this.tree.get(p)?.entry;
  }

  private nodeFor(loc: Location): TreeNode {
    const path = normalizePath(loc.path);
    const missing = (): never => {
      throw new InputError('SOURCE_FILE_NOT_FOUND', `${loc.path} is not a regular file in ${this.options.sourceName}`, {
        hint: 'list the files with the resolver\'s glob() before reading them',
      });
    };
    if (loc.layer !== undefined && this.scope === 'all-layers') {
      const visible = this.tree.get(path);
      if (visible === undefined || visible.entry.layer !== loc.layer) {
        const old = this.tree.history.find((n) => n.entry.path === path && n.entry.layer === loc.layer);
        if (old !== undefined && old.entry.kind === 'file') return old;
      }
    }
    const resolved = this.tree.resolve(path);
    const node = resolved === undefined ? undefined : this.tree.get(resolved);
    if (node === undefined || node.entry.kind !== 'file') return missing();
    return node;
  }
}

/** A file for createMemoryResolver: kind defaults to 'symlink' with a linkTarget, else 'file'. */
export interface MemoryFile {
  path: string;
  kind?: FileEntry['kind'];
  content?: string | Buffer;
  linkTarget?: string;
  mode?: number;
  layer?: string;
}

/**
 * An in-memory FileResolver, for tests of catalogers and for small synthetic inputs.
 * Paths are normalised to absolute; missing parent directories are implied.
 */
export function createMemoryResolver(files: readonly MemoryFile[], options: { scope?: Scope; name?: string } = {}): FileResolver {
  const tree = new FileTree(false);
  for (const f of files) {
    const path = normalizePath(f.path);
    const kind = f.kind ?? (f.linkTarget !== undefined ? 'symlink' : 'file');
    const data = f.content === undefined ? undefined : Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content, 'utf8');
    const entry: FileEntry = {
      path,
      kind,
      size: data?.length ?? 0,
      mode: f.mode ?? (kind === 'dir' ? 0o755 : 0o644),
      ...(f.linkTarget === undefined ? {} : { linkTarget: f.linkTarget }),
      ...(f.layer === undefined ? {} : { layer: f.layer }),
    };
    tree.set({ entry, layerIndex: 0, ...(kind === 'file' ? { content: { kind: 'buffer' as const, data: data ?? Buffer.alloc(0) } } : {}) });
  }
  return new TreeResolver(tree, { scope: options.scope ?? 'squashed', sourceName: options.name ?? 'memory' });
}

