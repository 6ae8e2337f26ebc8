/**
 * Sources: image and directory bytes in, a squashed FileResolver out (DESIGN "source/").
 *
 * `openSource('oci-dir:PATH' | 'oci-archive:PATH' | 'docker-archive:PATH' | 'dir:PATH' | 'registry:REF' | bare)`
 * Throws InputError (exit 3) for missing/unknown/corrupt input, NetworkError (exit 5) for registry failures,
 * UsageError (exit 2) for a malformed platform.
 */
import { open } from 'node:fs/promises';
import { isAbsolute, resolve as resolveHost } from 'node:path';
import { InputError, UsageError } from '../core/errors.js';
import { silentLogger } from '../core/log.js';
import type { Platform } from '../sbom/model.js';
import { openDirSource } from './dir.js';
import { listDockerArchivePlatforms, openDockerArchive } from './docker-archive.js';
import { sourcePathError, statSource } from './fs-errors.js';
import { dirStore, tarStore } from './image/store.js';
import { listLayoutPlatforms, OciLayoutReader, openOciLayout } from './oci-layout.js';
import { listRegistryPlatforms, openRegistrySource } from './registry.js';
import { TarIndex } from './tar-index.js';
import type { OpenSourceOptions } from './options.js';
import { parseSourceRef, type Transport } from './parse-ref.js';
import { parsePlatform } from './platform.js';
import type { Source } from './types.js';

export type { OpenSourceOptions } from './options.js';
export type { FileEntry, FileKind, FileResolver, Location, RandomAccessFile, ResolverOptions, Scope, Source, SourceDescription, StreamedFile, StreamSink } from './types.js';
export { createMemoryResolver, type MemoryFile } from './tree.js';
export { formatPlatform, hostPlatform, parsePlatform } from './platform.js';
export { parseSourceRef, TRANSPORTS, type Transport } from './parse-ref.js';
/**
 * OciLayoutReader: reads of a layout (index, manifests, verified blobs, tags, referrers). pickLayoutImage(reader, tag):
 * the image of a layout as every command picks it (cosign save entries, tag-schema entries and referrers are not
 * images); throws InputError SOURCE_TAG_NOT_FOUND / SOURCE_EMPTY_LAYOUT / SOURCE_AMBIGUOUS_IMAGE (hint: selectors
 * that work). isAttachmentEntry: is an index entry a signature/attestation/SBOM rather than an image.
 */
export { isAttachmentEntry, OciLayoutReader, pickLayoutImage, type FetchedManifest } from './oci-layout.js';
export { createRegistryClient, RegistryClient, type RegistryClientOptions, MANIFEST_ACCEPT } from './registry-client.js';
export { formatImageRef, parseImageRef, type ImageRef } from './image-ref.js';
export type { Descriptor, ImageIndex, ImageManifest } from './image/manifest.js';

function hostPathOf(rest: string, options: OpenSourceOptions): string {
  return isAbsolute(rest) ? rest : resolveHost(options.cwd ?? '.', rest);
}

/**
 * `PATH`, `PATH:TAG` or `PATH@DIGEST` (picks an image inside a layout or archive). `path` is the part
 * the user typed for the path (for hints). A missing path is SOURCE_NOT_FOUND; a path that cannot be
 * looked at (permission denied, a symlink loop, a file in the middle of it) says so.
 */
async function splitPathTag(rest: string, options: OpenSourceOptions, label: string): Promise<{ host: string; path: string; tag?: string }> {
  const host = hostPathOf(rest, options);
  if (await statSource(host, label, true)) return { host, path: rest };
  // PATH@sha256:<hex> picks a manifest by digest (passed on as the "tag").
  const at = /^(.+)@(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/.exec(rest);
  if (at !== null && (await statSource(hostPathOf(at[1]!, options), label, true))) return { host: hostPathOf(at[1]!, options), path: at[1]!, tag: at[2]! };
  // The tag may hold ':' itself (a RepoTags entry like host:5000/app:1.0): the path is the first prefix that exists.
  for (let i = rest.indexOf(':'); i > 0; i = rest.indexOf(':', i + 1)) {
    const h = hostPathOf(rest.slice(0, i), options);
    if (await statSource(h, label, true)) return { host: h, path: rest.slice(0, i), tag: rest.slice(i + 1) };
  }
  // Nothing there: a path through a file (ENOTDIR) says so; a plain missing path is SOURCE_NOT_FOUND.
  await statSource(host, label);
  throw new InputError('SOURCE_NOT_FOUND', `${rest} does not exist`, { hint: 'check the path (relative paths are taken from the current directory)' });
}

/** What a directory holds, for hints: an OCI layout or a plain directory. */
async function dirKind(host: string, label: string): Promise<'oci-dir' | 'dir'> {
  const marker = await statSource(resolveHost(host, 'oci-layout'), `${label}/oci-layout`, true);
  return marker?.isFile() ? 'oci-dir' : 'dir';
}

/** What a file is, for hints: a docker or OCI archive (by its members), gzip, or something else. */
async function fileKind(host: string, label: string): Promise<'docker-archive' | 'oci-archive' | 'gzip' | undefined> {
  const h = await head(host, 512, label);
  if (h[0] === 0x1f && h[1] === 0x8b) return 'gzip';
  if (!looksLikeTar(h)) return undefined;
  const idx = await TarIndex.open(host, label).catch(() => undefined);
  if (idx?.lookup('manifest.json') !== undefined) return 'docker-archive';
  if (idx?.lookup('oci-layout') !== undefined) return 'oci-archive';
  return undefined;
}

/** `docker-archive:`/`oci-archive:` read a tar file: a directory is refused with the transport that reads it. */
async function expectFile(host: string, path: string, transport: Transport, label: string): Promise<void> {
  const st = await statSource(host, label);
  if (st === undefined || !st.isDirectory()) return;
  const kind = await dirKind(host, label);
  throw new InputError('SOURCE_IS_DIRECTORY', `${label}: ${path} is a directory, and ${transport}: reads a tar file`, {
    hint: kind === 'oci-dir' ? `it is an OCI image layout: use oci-dir:${path}` : `for a root filesystem use dir:${path}; for an OCI layout directory oci-dir:${path}`,
  });
}

/** `oci-dir:`/`dir:` read a directory: a file is refused with the transport that reads it. */
async function expectDirectory(host: string, path: string, transport: Transport, label: string): Promise<void> {
  const st = await statSource(host, label);
  if (st === undefined || st.isDirectory()) return;
  const kind = st.isFile() ? await fileKind(host, label) : undefined;
  const hint =
    kind === 'docker-archive' || kind === 'oci-archive'
      ? `it is an image archive: use ${kind}:${path}`
      : kind === 'gzip'
        ? `it is gzip-compressed: decompress it (gunzip -k ${path}), then use docker-archive: or oci-archive:`
        : `pass a directory${transport === 'oci-dir' ? ' holding an OCI image layout (oci-layout, index.json, blobs/)' : ''}; image archives are read with docker-archive: or oci-archive:`;
  throw new InputError('SOURCE_NOT_A_DIRECTORY', `${label}: ${path} is not a directory, and ${transport}: reads a directory`, { hint });
}

function looksLikeTar(h: Buffer): boolean {
  return h.length === 512 && (h.toString('latin1', 257, 262) === 'ustar' || /^[0-7 \0]+$/.test(h.toString('latin1', 148, 156)));
}

/** A malformed --platform is a usage error for every source, before anything is read. */
function checkPlatformFlag(options: OpenSourceOptions): void {
  if (options.platform !== undefined) parsePlatform(options.platform);
}

/**
 * Open a source. Nothing is read beyond what identifies it (manifests, config) until `resolver()`.
 * A bare path is sniffed: a directory with an `oci-layout` file is oci-dir, other directories dir,
 * a tar with manifest.json docker-archive, a tar with oci-layout oci-archive; the choice is logged
 * with options.log.info.
 * @throws InputError SOURCE_NOT_FOUND / SOURCE_UNKNOWN_FORMAT / SOURCE_BAD_ARCHIVE / SOURCE_CORRUPT_LAYER /
 *   SOURCE_MISSING_BLOB / SOURCE_UNSAFE_ENTRY / SOURCE_PLATFORM_NOT_FOUND ...; NetworkError for registries;
 *   UsageError SOURCE_BAD_PLATFORM.
 */
export async function openSource(ref: string, options: OpenSourceOptions = {}): Promise<Source> {
  const log = options.log ?? silentLogger;
  checkPlatformFlag(options);
  const { transport, rest } = parseSourceRef(ref);
  const kind = transport ?? (await sniff(rest, options));
  if (transport === undefined) log.info(`${ref}: reading it as ${kind}:${rest}`);
  if (rest === '') throw new UsageError('SOURCE_EMPTY_REF', `'${ref}' names no path or image`, { hint: `write ${kind}:PATH` });
  const opts = { ...options, log };
  switch (kind) {
    case 'dir':
      await expectDirectory(hostPathOf(rest, options), rest, 'dir', ref);
      if (options.platform !== undefined) log.warn(`${ref}: a directory has no platform; --platform ${options.platform} does not apply to it`);
      return openDirSource(hostPathOf(rest, options), ref, log);
    case 'oci-dir': {
      const { host, path, tag } = await splitPathTag(rest, options, ref);
      await expectDirectory(host, path, 'oci-dir', ref);
      return openOciLayout(new OciLayoutReader(dirStore(host, ref)), 'oci-dir', ref, tag, opts);
    }
    case 'oci-archive': {
      const { host, path, tag } = await splitPathTag(rest, options, ref);
      await expectFile(host, path, 'oci-archive', ref);
      await refuseCompressed(host, ref);
      const idx = await TarIndex.open(host, ref);
      refuseDockerArchiveAsOci(idx, path, ref);
      return openOciLayout(new OciLayoutReader(tarStore(idx, ref)), 'oci-archive', ref, tag, opts);
    }
    case 'docker-archive': {
      const { host, path, tag } = await splitPathTag(rest, options, ref);
      await expectFile(host, path, 'docker-archive', ref);
      await refuseCompressed(host, ref);
      return openDockerArchive(host, ref, tag, opts);
    }
    case 'registry':
      return openRegistrySource(rest, ref, opts);
  }
}

/** A tar with manifest.json and no oci-layout is a (pre-25) docker-archive: say so instead of "no oci-layout". */
function refuseDockerArchiveAsOci(idx: TarIndex, path: string, ref: string): void {
  if (idx.lookup('oci-layout') === undefined && idx.lookup('manifest.json') !== undefined) {
    throw new InputError('SOURCE_NOT_OCI_LAYOUT', `${ref} is a docker-archive (docker save output), not an OCI layout tar`, { hint: `use docker-archive:${path}` });
  }
}

/**
 * The reader of an OCI layout (`oci-dir:PATH`, `oci:PATH` as skopeo writes it, or `oci-archive:PATH`)
 * and the `:TAG` / `@sha256:...` that picks an image in it, for the commands that read what is stored
 * beside the image (signatures, attestations). `pickLayoutImage(reader, tag)` then gives the image.
 * @throws UsageError SOURCE_NOT_A_LAYOUT for other transports; InputError as openSource does for the path
 */
export async function openLayoutReader(ref: string, options: OpenSourceOptions = {}): Promise<{ reader: OciLayoutReader; tag?: string }> {
  const m = /^(oci-dir|oci|oci-archive):(.*)$/s.exec(ref);
  if (m === null) {
    throw new UsageError('SOURCE_NOT_A_LAYOUT', `${ref} is not an OCI layout reference`, { hint: 'use oci-dir:PATH[:TAG|@sha256:...] or oci-archive:PATH[...]' });
  }
  const transport = m[1] === 'oci-archive' ? 'oci-archive' : 'oci-dir';
  const rest = m[2]!;
  if (rest === '') throw new UsageError('SOURCE_EMPTY_REF', `'${ref}' names no path`, { hint: `write ${transport}:PATH` });
  const { host, path, tag } = await splitPathTag(rest, options, ref);
  const label = tag === undefined ? ref : `${m[1]}:${path}`;
  if (transport === 'oci-dir') {
    await expectDirectory(host, path, 'oci-dir', ref);
    return { reader: new OciLayoutReader(dirStore(host, label)), ...(tag === undefined ? {} : { tag }) };
  }
  await expectFile(host, path, 'oci-archive', ref);
  await refuseCompressed(host, ref);
  const idx = await TarIndex.open(host, ref);
  refuseDockerArchiveAsOci(idx, path, ref);
  return { reader: new OciLayoutReader(tarStore(idx, label)), ...(tag === undefined ? {} : { tag }) };
}

/**
 * The platforms an image offers: every platform of a multi-platform index, or the one platform of a
 * single image ([] for a directory). The CLI opens one Source per platform for --all-platforms.
 */
export async function listPlatforms(ref: string, options: OpenSourceOptions = {}): Promise<Platform[]> {
  checkPlatformFlag(options);
  const { transport, rest } = parseSourceRef(ref);
  const kind = transport ?? (await sniff(rest, options));
  switch (kind) {
    case 'dir':
      return [];
    case 'oci-dir': {
      const { host, path, tag } = await splitPathTag(rest, options, ref);
      await expectDirectory(host, path, 'oci-dir', ref);
      return listLayoutPlatforms(new OciLayoutReader(dirStore(host, ref)), tag);
    }
    case 'oci-archive': {
      const { host, path, tag } = await splitPathTag(rest, options, ref);
      await expectFile(host, path, 'oci-archive', ref);
      await refuseCompressed(host, ref);
      const idx = await TarIndex.open(host, ref);
      refuseDockerArchiveAsOci(idx, path, ref);
      return listLayoutPlatforms(new OciLayoutReader(tarStore(idx, ref)), tag);
    }
    case 'docker-archive': {
      const { host, path, tag } = await splitPathTag(rest, options, ref);
      await expectFile(host, path, 'docker-archive', ref);
      await refuseCompressed(host, ref);
      return listDockerArchivePlatforms(host, ref, tag);
    }
    case 'registry':
      return listRegistryPlatforms(rest, options);
  }
}

async function head(file: string, n: number, label: string): Promise<Buffer> {
  const fh = await open(file, 'r').catch((err: unknown) => {
    throw sourcePathError(err, label);
  });
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0).catch((err: unknown) => {
      throw sourcePathError(err, label);
    });
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function refuseCompressed(file: string, ref: string): Promise<void> {
  const h = await head(file, 4, ref);
  if (h[0] === 0x1f && h[1] === 0x8b) {
    throw new InputError('SOURCE_COMPRESSED_ARCHIVE', `${ref} is gzip-compressed`, {
      hint: 'decompress it first (gunzip -k FILE) so its layers can be read without unpacking the whole archive',
    });
  }
}

/** Decide the transport of a bare path or reference. */
async function sniff(rest: string, options: OpenSourceOptions): Promise<Transport> {
  let host = hostPathOf(rest, options);
  let st = await statSource(host, rest, true);
  if (st === undefined && !looksLikeRegistryRef(rest) && /[:@]/.test(rest)) {
    // A bare PATH:TAG or PATH@sha256:... (as the hints print them): sniff the path part.
    const split = await splitPathTag(rest, options, rest).catch(() => undefined);
    if (split !== undefined) {
      host = split.host;
      st = await statSource(host, rest);
    }
  }
  if (st?.isDirectory()) return dirKind(host, rest);
  if (st === undefined) {
    if (looksLikeRegistryRef(rest)) return 'registry';
    await statSource(host, rest); // a path through a file says so
    throw new InputError('SOURCE_NOT_FOUND', `${rest} does not exist`, {
      hint: 'pass an existing path, or prefix a registry reference with registry: (e.g. registry:ghcr.io/org/app:1.0)',
    });
  }
  await refuseCompressed(host, rest);
  const h = await head(host, 512, rest);
  if (looksLikeTar(h)) {
    const idx = await TarIndex.open(host, rest);
    if (idx.lookup('manifest.json') !== undefined) return 'docker-archive';
    if (idx.lookup('oci-layout') !== undefined) return 'oci-archive';
  }
  throw new InputError('SOURCE_UNKNOWN_FORMAT', `cannot tell what kind of source ${rest} is (not an image archive, layout or directory)`, {
    hint: 'prefix it with oci-dir:, oci-archive:, docker-archive:, dir: or registry:; unpack a root filesystem tar and use dir:',
  });
}

/** host[:port]/path[:tag|@digest] with a registry host (a dot, a port or localhost) in front. */
function looksLikeRegistryRef(s: string): boolean {
  const first = s.split('/')[0] ?? '';
  return s.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') && !s.startsWith('.') && !s.startsWith('/');
}
