/**
 * Streaming squash of image layers (OCI image-spec "Applying Changesets"): every layer is read
 * once as a stream (raw bytes hashed, gzip detected by its magic bytes, tar parsed as it passes),
 * applied in order with whiteouts (`.wh.<name>`) and opaque markers (`.wh..wh..opq`). Only the
 * bytes of regular files that `wants(path)` accepts are kept: in memory up to a budget, then in
 * temp files. The bytes of files a `sink` takes are handed to it as they stream past, one file at a
 * time (every layer's version of it), and dropped: the sink parses them there and then, so nothing
 * of them is held once the walk has passed. Nothing is extracted to disk.
 */
import { createHash } from 'node:crypto';
import { open as openFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { sourcePathError } from '../fs-errors.js';
import { InputError, errorMessage, isAuditError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { baseName, joinPath, normalizeEntryName, normalizePath, parentOf } from '../paths.js';
import { BlockReader, walkTarHeaders } from '../tar-index.js';
import { parseTarStream } from './tar-parse.js';
import { InflateError, inflateFileRange, WORKER_MIN_LAYER_BYTES, workerInflateSupported } from './inflate-worker.js';
import type { TempSpace } from '../temp.js';
import type { FileRange } from './store.js';
import { rmSync } from 'node:fs';
import { bufferRandomAccess, fileRandomAccess, FileTree, type ContentRef, type TreeNode } from '../tree.js';
import type { FileEntry, Scope, StreamedFile, StreamSink } from '../types.js';

export interface LayerPlan {
  /** Reported digest (the blob digest; the diff ID for pre-25 docker-archive layers). */
  digest: string;
  mediaType?: string;
  size?: number;
  diffId?: string;
  /** Digest the raw streamed bytes must have (checked while reading). */
  expectDigest?: string;
  /** Where the blob sits in a local file: uncompressed layers are then walked by seeking, not read whole. */
  locate?: () => Promise<FileRange | undefined>;
  /** expectDigest is of the uncompressed tar (a diff ID): check it only when the layer is not compressed. */
  expectIsUncompressed?: boolean;
  open(): Promise<Readable>;
}

export interface SquashOptions {
  label: string;
  scope: Scope;
  /** Regular files whose bytes are kept for the resolver to read. */
  wants: (path: string) => boolean;
  /** Regular files (that `wants` rejects) whose streamed bytes are handed to the sink instead of kept. */
  sink?: StreamSink;
  /** A file handed to the sink is held in memory up to this size; a bigger one goes through a temp file (deleted right after). */
  streamFileBytes: number;
  /** Bytes of the files most recently handed to the sink kept for hard links to them that follow (0: none). */
  linkCacheBytes: number;
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
  budgetBytes: number;
  /** How many layers are read at once (default LAYERS_AT_ONCE); the tree and the sink's input are the same for any. */
  layersAtOnce?: number;
  /** Hash every layer while streaming and compare with its expected digest. */
  verifyDigests: boolean;
  /** A gzip layer in a local file at least this big (compressed) is gunzipped on a worker thread (default WORKER_MIN_LAYER_BYTES). */
  workerMinLayerBytes?: number;
  temp: TempSpace;
  log: Logger;
}

/** A layer member: streamed (tar-stream), or in place in a seekable local file. */
type Entry = StreamedEntry | InPlaceEntry;

interface EntryBase {
  header: { name: string; type: string; size: number; mode: number; linkname: string };
  /** Not needed: let it pass. */
  skip(): void;
}

interface StreamedEntry extends EntryBase {
  at?: undefined;
  /** The member's bytes. */
  /** The member's bytes (copied into `into` when given and big enough: a view of it is returned). */
  bytes(into?: Buffer): Promise<Buffer>;
  /** Write the member's bytes to `file`. */
  toFile(file: string): Promise<void>;
}

interface InPlaceEntry extends EntryBase {
  /** Where the member's bytes sit in a local file (uncompressed layers): kept as a reference, read when asked for. */
  at: { file: string; offset: number; size: number };
}


const WH = '.wh.';
const OPAQUE = '.wh..wh..opq';

interface HardlinkFix {
  node: TreeNode;
  target: string;
  layerIndex: number;
  /** The same layer wrote the path again after the link: the later member is the file, so no second read for this one. */
  superseded?: boolean;
}

/** What a second read of a layer must do with a file: keep its bytes in the tree, or hand them to the sink. */
interface Need {
  node: TreeNode;
  how: 'keep' | 'take';
}

/** Bytes received from a streamed member: in memory, or in a temp file of ours. */
type Held = { kind: 'buffer'; data: Buffer } | { kind: 'file'; file: string };

/**
 * Copies of the small files most recently handed to the sink, bounded: a hard link in a layer almost
 * always follows its target closely (`usr/bin/uncompress` a hundred entries after `usr/bin/gunzip`),
 * and these let it be handed over without reading the layer again. (A big target is found only while
 * it is still the last file handed over: `usr/bin/perl5.36.0` right after `usr/bin/perl`.)
 */
class RecentSmallFiles {
  static readonly MAX_FILE = 64 * 1024;
  private readonly files = new Map<string, { layerIndex: number; data: Buffer }>();
  private total = 0;

  constructor(private readonly max: number) {}

  put(path: string, layerIndex: number, data: Buffer): void {
    this.drop(path, layerIndex);
    if (data.length > RecentSmallFiles.MAX_FILE || data.length > this.max) return;
    this.files.set(`${layerIndex}\u0000${path}`, { layerIndex, data: Buffer.from(data) });
    this.total += data.length;
    for (const [oldest, e] of this.files) {
      if (this.total <= this.max) break;
      this.files.delete(oldest);
      this.total -= e.data.length;
    }
  }

  get(path: string, layerIndex: number): Buffer | undefined {
    return this.files.get(`${layerIndex}\u0000${path}`)?.data;
  }

  drop(path: string, layerIndex: number): void {
    const key = `${layerIndex}\u0000${path}`;
    const e = this.files.get(key);
    if (e === undefined) return;
    this.files.delete(key);
    this.total -= e.data.length;
  }

  clear(): void {
    this.files.clear();
    this.total = 0;
  }
}

/**
 * How many layers are read at once. They inflate side by side (a big local one on its own worker thread,
 * inflate-worker.ts; others on libuv's thread pool) while this thread parses the tar members of all of
 * them; the tree is still changed strictly in layer order (each layer's walk is recorded, then replayed
 * onto the tree once every lower layer has been). Two: a machine with two cores inflates the big layer of
 * an image while the others pass beside it. Walks that finish ahead of a slower lower layer wait with their
 * records (the tree nodes they will add); their kept bytes count against the same budget as always.
 */
export const LAYERS_AT_ONCE = 2;

/**
 * One member as its layer's walk recorded it. Bytes are dealt with during the walk (kept, handed to the
 * sink, skipped); what the member does to the tree is applied later, in layer order, by `replay`.
 */
type Logged =
  | { kind: 'node'; path: string; node: TreeNode }
  | { kind: 'opaque'; path: string; dir: string }
  | { kind: 'whiteout'; path: string; target: string }
  | {
      kind: 'link';
      path: string;
      /** The link's target inside the root (undefined: the name normalizes to the root itself). */
      target: string | undefined;
      linkname: string;
      mode: number;
      /** Built by the walk when it found the target earlier in the same layer. */
      node?: TreeNode;
      /** The walk dealt with the link's bytes (kept them in `node` or handed them to the sink). */
      handled?: boolean;
    };

/**
 * How far back in its layer's record a hard link looks for its target (a link almost always follows its
 * target closely); one further back is settled by `replay` (from recent copies, or a second read).
 */
const LINK_LOOKBACK = 16_384;

/** The file (or hard link to one) this layer wrote last at `path`, looking back at most LINK_LOOKBACK members. */
function lastFileOf(log: readonly Logged[], path: string): TreeNode | undefined {
  for (let k = log.length - 2, stop = Math.max(0, log.length - 1 - LINK_LOOKBACK); k >= stop; k--) {
    const rec = log[k]!;
    if (rec.path !== path) continue;
    if (rec.kind === 'node') return rec.node.entry.kind === 'file' ? rec.node : undefined;
    if (rec.kind === 'link') return rec.node;
  }
  return undefined;
}

/** The state of one layer's walk: its record, and what hard links in it can point at. */
class LayerWalk {
  readonly log: Logged[] = [];
  /** Where the bytes of a hard link of this layer are (see Squasher.linkOrigin). */
  readonly origin = new Map<TreeNode, { path: string; layerIndex: number }>();
  /** This walk's buffer for files handed to the sink (see Squasher.spareArenas), while the walk runs. */
  arena: Buffer | undefined;
  /** Which file version the arena holds (valid until this walk receives its next file into it). */
  arenaHolds: { path: string; layerIndex: number } | undefined;
}

/** A FIFO of `size` places: work that asks first starts first. */
class Places {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.free++;
    }
  }
}

class Squasher {
  readonly tree: FileTree;
  private retained = 0;
  /** Symlink targets of wanted links, kept too (e.g. /etc/os-release -> ../usr/lib/os-release). */
  private readonly extraWants = new Set<string>();
  private readonly hardlinkFixes: HardlinkFix[] = [];
  /**
   * Where the bytes of a hard link's node really are: the regular file its chain of hard links ends at
   * (a link to a link to a file of an earlier layer), so a second read looks for a file member, not a link.
   */
  private readonly linkOrigin = new Map<TreeNode, { path: string; layerIndex: number }>();
  /** Hard links of the layer being replayed whose bytes wait for a second read, by path. */
  private readonly pendingLinks = new Map<string, HardlinkFix>();
  /**
   * Buffers for files handed to the sink, one per walk running (at most layersAtOnce are ever made, passed
   * on from a finished walk to the next): thousands of short-lived buffers of every size would leave the
   * allocator's heap fragmented (glibc raises its mmap threshold after the first big free), which showed as
   * 40-50 MB of extra RSS on a 2.5 GB image. Each walk has its own, so the file a walk handed over last is
   * still there for a hard link to it that follows (`usr/bin/perl5.36.0` right after `usr/bin/perl`),
   * whatever the other walk received meanwhile.
   */
  private readonly spareArenas: Buffer[] = [];
  /** Copies of small files recently handed to the sink, of every layer being read (keyed by layer and path). */
  private readonly recent: RecentSmallFiles;
  /** Aborted with the first error of any walk (or the caller's abort): the other walks stop at their next member. */
  private readonly stop = new AbortController();

  constructor(
    private readonly layers: readonly LayerPlan[],
    private readonly o: SquashOptions,
  ) {
    this.tree = new FileTree(o.scope === 'all-layers');
    this.recent = new RecentSmallFiles(o.linkCacheBytes);
  }

  private wanted(path: string): boolean {
    return this.extraWants.has(path) || this.o.wants(path);
  }

  /** True when the sink takes this path (and it is not kept: kept bytes are read through the resolver). */
  private taken(path: string): boolean {
    return this.o.sink !== undefined && !this.wanted(path) && this.o.sink.takes(path);
  }

  private checkStop(): void {
    if (this.o.signal?.aborted) throw this.o.signal.reason;
    if (this.stop.signal.aborted) throw this.stop.signal.reason;
  }

  async run(): Promise<FileTree> {
    const places = new Places(Math.max(1, this.o.layersAtOnce ?? LAYERS_AT_ONCE));
    const walks: Promise<Logged[]>[] = [];
    // The biggest layer (by its blob's size) starts first, the others in layer order: it is the longest to
    // inflate, so it should not wait behind a row of small ones.
    const biggest = this.layers.reduce((b, l, i) => ((l.size ?? 0) > (this.layers[b]!.size ?? 0) ? i : b), 0);
    for (const i of [biggest, ...[...this.layers.keys()].filter((k) => k !== biggest)]) {
      walks[i] = places.run(async () => {
        this.checkStop();
        const layer = this.layers[i]!;
        this.o.onProgress?.(`reading layer ${i + 1}/${this.layers.length} ${layer.digest.slice(0, 19)}${layer.size === undefined ? '' : ` (${(layer.size / 1e6).toFixed(1)} MB)`}`);
        const walk = new LayerWalk();
        try {
          await this.readLayer(i, (path, entry) => this.record(walk, i, path, entry));
        } finally {
          this.releaseArena(walk);
        }
        walk.origin.clear();
        return walk.log;
      });
    }
    // The first failure stops every other walk; the error reported is that first one.
    for (const w of walks) w.catch((err: unknown) => void (this.stop.signal.aborted || this.stop.abort(err)));
    try {
      for (let i = 0; i < walks.length; i++) {
        const log = await walks[i]!;
        this.checkStop();
        await this.replay(i, log);
        log.length = 0; // the settled walk keeps its array: let the records go
      }
    } catch (err) {
      if (!this.stop.signal.aborted) this.stop.abort(err);
      await Promise.allSettled(walks);
      throw this.stop.signal.reason;
    }
    await this.fixups();
    this.spareArenas.length = 0;
    this.recent.clear();
    this.linkOrigin.clear();
    this.pendingLinks.clear();
    return this.tree;
  }

  /** Stream one layer's tar entries to `onEntry` (which consumes or drains each entry). */
  private async readLayer(i: number, onEntry: (path: string | undefined, entry: Entry) => Promise<void>): Promise<void> {
    const layer = this.layers[i]!;
    const where = `layer ${i + 1} (${layer.digest}) of ${this.o.label}`;
    const verify = layer.expectDigest !== undefined && this.o.verifyDigests;
    const range = verify ? undefined : await layer.locate?.();
    const local = range === undefined ? 'other' : await this.walkSeekable(range, where, onEntry);
    if (local === 'walked') return;
    if (local === 'gzip' && workerInflateSupported && range!.size >= (this.o.workerMinLayerBytes ?? WORKER_MIN_LAYER_BYTES)) return this.walkStream(inflateFileRange(range!), true, where, onEntry);
    const raw = await layer.open().catch((err: unknown) => {
      throw isAuditError(err) ? err : sourcePathError(err, where);
    });
    // Hash the raw bytes only when asked (registry blobs always; local layouts with verifyLayers).
    const hash = verify ? createHash((layer.expectDigest ?? '').startsWith('sha512:') ? 'sha512' : 'sha256') : undefined;
    // Peek at the first bytes to pick the decompressor (media types lie; magic bytes do not).
    const magic = await peek(raw, 4);
    if (magic[0] === 0x28 && magic[1] === 0xb5 && magic[2] === 0x2f && magic[3] === 0xfd) {
      raw.destroy();
      throw new InputError('SOURCE_UNSUPPORTED_COMPRESSION', `${where} is zstd-compressed, which this Node version cannot read`, {
        hint: 'convert the image to gzip layers (e.g. skopeo copy --dest-compress-format gzip) or run on Node >= 22.15',
      });
    }
    if (hash !== undefined) raw.on('data', (c: Buffer) => hash.update(c));
    const gz = magic[0] === 0x1f && magic[1] === 0x8b;
    const gunzip = gz ? createGunzip({ chunkSize: 1 << 18 }) : undefined;
    if (gunzip !== undefined) {
      raw.on('error', (e) => gunzip.destroy(e));
      raw.pipe(gunzip);
    }
    try {
      await this.walkStream((gunzip ?? raw) as AsyncIterable<Buffer>, gz, where, onEntry);
    } finally {
      raw.destroy();
      gunzip?.destroy();
    }
    if (hash !== undefined && layer.expectDigest !== undefined && !(gz && layer.expectIsUncompressed === true)) {
      const got = `${layer.expectDigest.split(':')[0]}:${hash.digest('hex')}`;
      if (got !== layer.expectDigest) {
        throw new InputError('SOURCE_DIGEST_MISMATCH', `${where} has digest ${got}, not the ${layer.expectDigest} its manifest names`, {
          hint: 'the blob is corrupt or was tampered with; re-export or re-pull the image',
        });
      }
    }
  }

  /** Walk a layer's tar stream (`gz`: it is the output of gunzip, whose errors say so). */
  private async walkStream(input: AsyncIterable<Buffer>, gz: boolean, where: string, onEntry: (path: string | undefined, entry: Entry) => Promise<void>): Promise<void> {
    const tarBad = (what: string): never => {
      throw new InputError('SOURCE_CORRUPT_LAYER', `${where} is not a readable tar (${what})`, { hint: 'the layer blob is corrupt or truncated; re-export or re-pull the image' });
    };
    try {
      await parseTarStream(input, tarBad, async (entry) => {
        this.checkStop();
        const path = normalizeEntryName(entry.header.name, (why) => {
          throw new InputError('SOURCE_UNSAFE_ENTRY', `${where} has an ${why}`, {
            hint: 'the layer tries to write outside the image root; do not trust this image',
          });
        });
        await onEntry(path, entry);
      });
    } catch (err) {
      if (isAuditError(err)) throw err;
      if (this.o.signal?.aborted || this.stop.signal.aborted) throw err;
      const cause = err;
      // The file itself could not be read (the worker's own read of a local layer).
      if (err instanceof InflateError && err.code !== undefined && /^E[A-Z]+$/.test(err.code)) throw sourcePathError(Object.assign(new Error(err.message), { code: err.code }), where);
      const msg = errorMessage(cause);
      if (gz && /incorrect header|invalid|unexpected end of file|unknown compression|too far back|distance/i.test(msg)) {
        throw new InputError('SOURCE_CORRUPT_LAYER', `${where} is not valid gzip (${msg})`, {
          hint: 'the layer blob is corrupt or truncated; re-export or re-pull the image',
          cause,
        });
      }
      throw new InputError('SOURCE_CORRUPT_LAYER', `${where} is not a readable tar (${msg})`, {
        hint: 'the layer blob is corrupt or truncated; re-export or re-pull the image',
        cause,
      });
    }
  }

  /**
   * An uncompressed layer in a local file: walk its headers by seeking and read only wanted members.
   * Returns 'gzip' or 'other' (nothing consumed) when the blob is compressed, so the caller streams it instead.
   */
  private async walkSeekable(range: FileRange, where: string, onEntry: (path: string | undefined, entry: Entry) => Promise<void>): Promise<'walked' | 'gzip' | 'other'> {
    const fh = await openFile(range.file, 'r').catch((err: unknown) => {
      throw sourcePathError(err, where);
    });
    try {
      const reader = new BlockReader(fh);
      const magic = await reader.read(range.offset, 4);
      if (magic.length >= 4 && magic[0] === 0x1f && magic[1] === 0x8b) return 'gzip';
      if (magic.length < 4 || (magic[0] === 0x28 && magic[1] === 0xb5)) return 'other';
      const end = range.offset + range.size;
      const bad = (what: string): never => {
        throw new InputError('SOURCE_CORRUPT_LAYER', `${where} is not a readable tar (${what})`, { hint: 'the layer blob is corrupt or truncated; re-export or re-pull the image' });
      };
      await walkTarHeaders(reader, range.offset, end, bad, async (h) => {
        this.checkStop();
        const path = normalizeEntryName(h.name, (why) => {
          throw new InputError('SOURCE_UNSAFE_ENTRY', `${where} has an ${why}`, { hint: 'the layer tries to write outside the image root; do not trust this image' });
        });
        const entry: InPlaceEntry = {
          header: { name: h.name, type: h.type, size: h.size, mode: h.mode, linkname: h.linkname },
          skip: () => {},
          at: { file: range.file, offset: h.dataOffset, size: h.size },
        };
        await onEntry(path, entry);
      });
      return 'walked';
    } finally {
      await fh.close();
    }
  }

  private async keep(entry: Entry, size: number): Promise<ContentRef> {
    // A member of a local uncompressed tar stays where it is: no copy now, and readers that need only
    // parts of it (executables' ELF section tables) read only those.
    if (entry.at !== undefined) return { kind: 'range', ...entry.at };
    if (this.retained + size <= this.o.budgetBytes) {
      this.retained += size;
      return { kind: 'buffer', data: await entry.bytes() };
    }
    const file = this.o.temp.newPath();
    await entry.toFile(file);
    return { kind: 'file', file };
  }

  /**
   * A streamed member's bytes for the sink: up to streamFileBytes in the walk's arena (valid until the
   * walk's next receive), else through a temp file (decided before the body streams).
   */
  private async receive(entry: StreamedEntry, size: number, walk: LayerWalk, holds?: { path: string; layerIndex: number }): Promise<Held> {
    if (size <= this.o.streamFileBytes) {
      // Allocated once at its full size (pages are touched only as far as files fill them): freeing a
      // smaller one to grow it would raise glibc's mmap and trim thresholds, which kept tens of MB of
      // freed heap in RSS for the rest of the run.
      walk.arena ??= this.spareArenas.pop() ?? Buffer.allocUnsafeSlow(this.o.streamFileBytes);
      walk.arenaHolds = holds;
      return { kind: 'buffer', data: await entry.bytes(walk.arena) };
    }
    const file = this.o.temp.newPath();
    try {
      await entry.toFile(file);
    } catch (err) {
      rmSync(file, { force: true });
      throw err;
    }
    return { kind: 'file', file };
  }

  /** A finished walk passes its arena on to the next one. */
  private releaseArena(walk: LayerWalk): void {
    if (walk.arena !== undefined) this.spareArenas.push(walk.arena);
    walk.arena = undefined;
    walk.arenaHolds = undefined;
  }

  /** Hand one version of a file to the sink; temp files of ours are removed afterwards. */
  private async take(node: TreeNode, held: Held | ContentRef, own: boolean): Promise<void> {
    const e = node.entry;
    const file: StreamedFile = {
      path: e.path,
      layer: e.layer ?? '',
      size: e.size,
      mode: e.mode,
      read: async () => {
        if (held.kind === 'buffer') return held.data;
        const f = held.kind === 'range' ? fileRandomAccess(held.file, held) : fileRandomAccess(held.file);
        try {
          return f.read(0, f.size);
        } finally {
          f.close();
        }
      },
      open: () => (held.kind === 'buffer' ? bufferRandomAccess(held.data) : held.kind === 'range' ? fileRandomAccess(held.file, held) : fileRandomAccess(held.file)),
    };
    try {
      await this.o.sink!.take(file);
    } finally {
      if (own && held.kind === 'file') rmSync(held.file, { force: true });
    }
  }

  /**
   * One member during its layer's walk: its bytes are kept, handed to the sink or skipped now, while
   * they stream past; what it does to the tree is recorded for `replay`. A hard link to a file this
   * layer wrote earlier gets its bytes here too (from the walk's arena or recent copies); one whose
   * target lies in a lower layer is settled by `replay`.
   */
  private async record(walk: LayerWalk, i: number, path: string | undefined, entry: Entry): Promise<void> {
    const h = entry.header;
    if (path === undefined) return void entry.skip();
    const base = baseName(path);
    const dir = parentOf(path);
    const layer = this.layers[i]!.digest;
    if (base === OPAQUE) {
      entry.skip();
      walk.log.push({ kind: 'opaque', path, dir });
      return;
    }
    if (base.startsWith(WH)) {
      entry.skip();
      walk.log.push({ kind: 'whiteout', path, target: joinPath(dir, base.slice(WH.length)) });
      return;
    }
    const mode = h.mode;
    switch (h.type) {
      case 'file':
      case 'contiguous-file': {
        const size = h.size;
        const node: TreeNode = { entry: { path, kind: 'file', size, mode, layer }, layerIndex: i };
        walk.log.push({ kind: 'node', path, node });
        if (this.wanted(path)) node.content = await this.keep(entry, size);
        else if (!this.taken(path)) entry.skip();
        else if (entry.at !== undefined) node.content = { kind: 'range', ...entry.at }; // in place: read when asked
        else {
          const held = await this.receive(entry, size, walk, { path, layerIndex: i });
          if (held.kind === 'buffer') this.recent.put(path, i, held.data);
          else this.recent.drop(path, i);
          await this.take(node, held, true);
        }
        return;
      }
      case 'directory':
        entry.skip();
        walk.log.push({ kind: 'node', path, node: { entry: { path, kind: 'dir', size: 0, mode, layer }, layerIndex: i } });
        return;
      case 'symlink': {
        entry.skip();
        const target = h.linkname;
        walk.log.push({ kind: 'node', path, node: { entry: { path, kind: 'symlink', size: 0, mode, layer, linkTarget: target }, layerIndex: i } });
        if (this.o.wants(path)) this.extraWants.add(target.startsWith('/') ? normalizePath(target) : normalizePath(joinPath(dir, target)));
        return;
      }
      case 'link': {
        entry.skip();
        const target = normalizeEntryName(h.linkname, (why) => {
          throw new InputError('SOURCE_UNSAFE_ENTRY', `layer ${i + 1} (${layer}) of ${this.o.label} has a hard link to an ${why}`, {
            hint: 'the layer tries to reach outside the image root; do not trust this image',
          });
        });
        const rec: Logged & { kind: 'link' } = { kind: 'link', path, target, linkname: h.linkname, mode };
        walk.log.push(rec);
        const t = target === undefined ? undefined : lastFileOf(walk.log, target);
        if (t === undefined) return;
        const node: TreeNode = { entry: { path, kind: 'file', size: t.entry.size, mode, layer }, layerIndex: i };
        const origin = walk.origin.get(t) ?? { path: target!, layerIndex: i };
        rec.node = node;
        walk.origin.set(node, origin);
        // A target whose bytes were kept lends them to the link when it is replayed.
        if (t.content !== undefined || !(this.wanted(path) || this.taken(path))) return;
        // The target's bytes were handed to the sink and dropped: take them from the last or recent
        // small ones while they are at hand; else `replay` asks for a second read of the layer.
        const held = walk.arenaHolds;
        const last = held !== undefined && held.path === origin.path && held.layerIndex === origin.layerIndex ? walk.arena!.subarray(0, t.entry.size) : undefined;
        const bytes = last ?? this.recent.get(origin.path, origin.layerIndex);
        if (bytes === undefined) return;
        rec.handled = true;
        if (this.wanted(path)) {
          this.retained += bytes.length;
          node.content = { kind: 'buffer', data: Buffer.from(bytes) };
          return;
        }
        await this.take(node, { kind: 'buffer', data: bytes }, false);
        return;
      }
      default:
        entry.skip();
        walk.log.push({ kind: 'node', path, node: { entry: { path, kind: 'other', size: 0, mode, layer }, layerIndex: i } });
    }
  }

  /** Apply one layer's recorded members to the tree, in their order (every lower layer is applied already). */
  private async replay(i: number, log: readonly Logged[]): Promise<void> {
    this.pendingLinks.clear();
    const takes: { node: TreeNode; bytes: Buffer }[] = [];
    for (const rec of log) {
      const pending = this.pendingLinks.get(rec.path);
      await this.replayOne(i, rec, takes);
      // A member that replaced a hard link of this layer still waiting for its bytes (the layer wrote the path
      // again, or removed it): the layer leaves the later one, so the link needs no second read.
      if (pending !== undefined && this.tree.get(rec.path) !== pending.node) {
        pending.superseded = true;
        this.pendingLinks.delete(rec.path);
      }
    }
    // Hard links whose bytes came from recent copies go to the sink once the layer is applied, and only those
    // the layer leaves: a later member at the same path (already handed over during the walk) stands for it.
    for (const { node, bytes } of takes) if (this.tree.get(node.entry.path) === node) await this.take(node, { kind: 'buffer', data: bytes }, false);
  }

  private async replayOne(i: number, rec: Logged, takes: { node: TreeNode; bytes: Buffer }[]): Promise<void> {
    switch (rec.kind) {
      case 'opaque':
        this.tree.clearChildren(rec.dir, i);
        return;
      case 'whiteout':
        this.tree.removeSubtree(rec.target, i);
        return;
      case 'node':
        this.tree.set(rec.node);
        return;
      case 'link': {
        const { path, target } = rec;
        const t = target === undefined ? undefined : this.tree.get(target);
        if (t === undefined || t.entry.kind !== 'file') {
          this.o.log.warn(`${this.o.label}: hard link ${path} points at ${rec.linkname}, which is not a regular file of the image; skipping it`);
          return;
        }
        const node: TreeNode = rec.node ?? { entry: { path, kind: t.entry.kind, size: t.entry.size, mode: rec.mode, layer: this.layers[i]!.digest }, layerIndex: i };
        this.tree.set(node);
        // The member that holds the bytes: the target, or where the target's own chain of hard links ends.
        const origin = this.linkOrigin.get(t) ?? { path: target!, layerIndex: t.layerIndex };
        this.linkOrigin.set(node, origin);
        if (t.content !== undefined) node.content = t.content;
        else if (rec.handled !== true && (this.wanted(path) || this.taken(path))) {
          // A target in a lower layer whose bytes were handed to the sink: its recent copy, else a second read.
          const bytes = this.recent.get(origin.path, origin.layerIndex);
          if (bytes !== undefined && this.wanted(path)) {
            this.retained += bytes.length;
            node.content = { kind: 'buffer', data: Buffer.from(bytes) };
            return;
          }
          if (bytes !== undefined) return void takes.push({ node, bytes });
          const fix: HardlinkFix = { node, target: origin.path, layerIndex: origin.layerIndex };
          this.hardlinkFixes.push(fix);
          this.pendingLinks.set(path, fix);
        }
        return;
      }
    }
  }

  /**
   * Second look at the few layers holding bytes that became wanted only later: targets of wanted
   * symlinks seen after the target, and hard links whose target path was not wanted.
   */
  private async fixups(): Promise<void> {
    const need = new Map<number, Map<string, Need[]>>();
    const add = (layerIndex: number, path: string, node: TreeNode, how: Need['how']): void => {
      let m = need.get(layerIndex);
      if (m === undefined) need.set(layerIndex, (m = new Map()));
      const list = m.get(path) ?? [];
      list.push({ node, how });
      m.set(path, list);
    };
    for (const n of this.tree.nodes.values()) {
      if (n.entry.kind !== 'symlink' || !this.o.wants(n.entry.path)) continue;
      const r = this.tree.resolve(n.entry.path);
      const t = r === undefined ? undefined : this.tree.get(r);
      if (t === undefined || t.entry.kind !== 'file' || t.content !== undefined || t.layerIndex < 0) continue;
      const origin = this.linkOrigin.get(t) ?? { path: t.entry.path, layerIndex: t.layerIndex };
      add(origin.layerIndex, origin.path, t, 'keep');
    }
    for (const f of this.hardlinkFixes) if (!f.superseded) add(f.layerIndex, f.target, f.node, this.wanted(f.node.entry.path) ? 'keep' : 'take');
    const walk = new LayerWalk();
    for (const [i, paths] of [...need.entries()].sort((a, b) => a[0] - b[0])) {
      this.o.log.debug(`${this.o.label}: re-reading layer ${i + 1} for ${paths.size} linked file(s)`);
      await this.readLayer(i, async (path, entry) => {
        const needs = path === undefined ? undefined : paths.get(path);
        if (needs === undefined || (entry.header.type !== 'file' && entry.header.type !== 'contiguous-file')) return void entry.skip();
        const size = entry.header.size;
        const keeps = needs.filter((n) => n.how === 'keep');
        const takes = needs.filter((n) => n.how === 'take');
        // Kept bytes serve the sink too; otherwise the bytes are only held while the sink takes them.
        const content = keeps.length > 0 || entry.at !== undefined ? await this.keep(entry, size) : await this.receive(entry, size, walk);
        for (const n of keeps) n.node.content = content;
        for (const n of takes) await this.take(n.node, content, false);
        if (keeps.length === 0 && content.kind === 'file') rmSync(content.file, { force: true });
      });
    }
    this.releaseArena(walk);
  }
}

/** Squash layers into a FileTree (see the module comment). Throws InputError for corrupt or unsafe layers. */
export async function squashLayers(layers: readonly LayerPlan[], options: SquashOptions): Promise<FileTree> {
  return new Squasher(layers, options).run();
}

/** Read at least `n` bytes from the start of a stream and put them back (unshift). */
async function peek(stream: Readable, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let got = 0;
  while (got < n) {
    const chunk = stream.read() as Buffer | null;
    if (chunk !== null) {
      parts.push(chunk);
      got += chunk.length;
      continue;
    }
    if (stream.readableEnded || stream.destroyed) break;
    const ended = await new Promise<boolean>((resolve, reject) => {
      const cleanup = (): void => {
        stream.off('readable', onReadable);
        stream.off('end', onEnd);
        stream.off('error', onError);
      };
      const onReadable = (): void => (cleanup(), resolve(false));
      const onEnd = (): void => (cleanup(), resolve(true));
      const onError = (e: Error): void => (cleanup(), reject(e));
      stream.once('readable', onReadable);
      stream.once('end', onEnd);
      stream.once('error', onError);
    });
    if (ended) break;
  }
  const head = Buffer.concat(parts);
  if (head.length > 0) stream.unshift(head);
  return head;
}
