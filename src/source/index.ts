/**
 * Sources: image and directory bytes in, a squashed FileResolver out (DESIGN "source/").
 *
 * `openSource('oci-dir:PATH' | 'oci-archive:PATH' | 'docker-archive:PATH' | 'dir:PATH' | 'registry:REF' | bare)`
 * Throws InputError (exit 3) for missing/unknown/corrupt input, NetworkError (exit 5) for registry failures,
 * UsageError (exit 2) for a malformed platform.
 */
import { open, stat } from 'node:fs/promises';
import { isAbsolute, resolve as resolveHost } from 'node:path';
import { InputError, UsageError } from '../core/errors.js';
import { silentLogger } from '../core/log.js';
import type { Platform } from '../sbom/model.js';
import { openDirSource } from './dir.js';
import { listDockerArchivePlatforms, openDockerArchive } from './docker-archive.js';
import { dirStore, tarStore } from './image/store.js';
import { listLayoutPlatforms, OciLayoutReader, openOciLayout } from './oci-layout.js';
import { listRegistryPlatforms, openRegistrySource } from './registry.js';
import { TarIndex } from './tar-index.js';
import type { OpenSourceOptions } from './options.js';
import { parseSourceRef, type Transport } from './parse-ref.js';
import type { Source } from './types.js';

export type { OpenSourceOptions } from './options.js';
export type { FileEntry, FileKind, FileResolver, Location, ResolverOptions, Scope, Source, SourceDescription } from './types.js';
export { createMemoryResolver, type MemoryFile } from './tree.js';
export { formatPlatform, hostPlatform, parsePlatform } from './platform.js';
export { parseSourceRef, TRANSPORTS, type Transport } from './parse-ref.js';
export { OciLayoutReader, type FetchedManifest } from './oci-layout.js';
export { createRegistryClient, RegistryClient, type RegistryClientOptions, MANIFEST_ACCEPT } from './registry-client.js';
export { formatImageRef, parseImageRef, type ImageRef } from './image-ref.js';
export type { Descriptor, ImageIndex, ImageManifest } from './image/manifest.js';

function hostPathOf(rest: string, options: OpenSourceOptions): string {
  return isAbsolute(rest) ? rest : resolveHost(options.cwd ?? '.', rest);
}

/** `PATH`, `PATH:TAG` or `PATH@DIGEST` (picks an image inside a layout or archive). */
async function splitPathTag(rest: string, options: OpenSourceOptions): Promise<{ host: string; tag?: string }> {
  const host = hostPathOf(rest, options);
  if (await exists(host)) return { host };
  // PATH@sha256:<hex> picks a manifest by digest (passed on as the "tag").
  const at = /^(.+)@(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/.exec(rest);
  if (at !== null && (await exists(hostPathOf(at[1]!, options)))) return { host: hostPathOf(at[1]!, options), tag: at[2]! };
  // The tag may hold ':' itself (a RepoTags entry like host:5000/app:1.0): the path is the first prefix that exists.
  for (let i = rest.indexOf(':'); i > 0; i = rest.indexOf(':', i + 1)) {
    const h = hostPathOf(rest.slice(0, i), options);
    if (await exists(h)) return { host: h, tag: rest.slice(i + 1) };
  }
  throw new InputError('SOURCE_NOT_FOUND', `${rest} does not exist`, { hint: 'check the path (relative paths are taken from the current directory)' });
}

async function exists(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined)) !== undefined;
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
  const { transport, rest } = parseSourceRef(ref);
  const kind = transport ?? (await sniff(rest, options));
  if (transport === undefined) log.info(`${ref}: reading it as ${kind}:${rest}`);
  if (rest === '') throw new UsageError('SOURCE_EMPTY_REF', `'${ref}' names no path or image`, { hint: `write ${kind}:PATH` });
  const opts = { ...options, log };
  switch (kind) {
    case 'dir':
      return openDirSource(hostPathOf(rest, options), ref, log);
    case 'oci-dir': {
      const { host, tag } = await splitPathTag(rest, options);
      return openOciLayout(new OciLayoutReader(dirStore(host, ref)), 'oci-dir', ref, tag, opts);
    }
    case 'oci-archive': {
      const { host, tag } = await splitPathTag(rest, options);
      await refuseCompressed(host, ref);
      const idx = await TarIndex.open(host, ref);
      return openOciLayout(new OciLayoutReader(tarStore(idx, ref)), 'oci-archive', ref, tag, opts);
    }
    case 'docker-archive': {
      const { host, tag } = await splitPathTag(rest, options);
      await refuseCompressed(host, ref);
      return openDockerArchive(host, ref, tag, opts);
    }
    case 'registry':
      return openRegistrySource(rest, ref, opts);
  }
}

/**
 * The platforms an image offers: every platform of a multi-platform index, or the one platform of a
 * single image ([] for a directory). The CLI opens one Source per platform for --all-platforms.
 */
export async function listPlatforms(ref: string, options: OpenSourceOptions = {}): Promise<Platform[]> {
  const { transport, rest } = parseSourceRef(ref);
  const kind = transport ?? (await sniff(rest, options));
  switch (kind) {
    case 'dir':
      return [];
    case 'oci-dir': {
      const { host, tag } = await splitPathTag(rest, options);
      return listLayoutPlatforms(new OciLayoutReader(dirStore(host, ref)), tag);
    }
    case 'oci-archive': {
      const { host, tag } = await splitPathTag(rest, options);
      await refuseCompressed(host, ref);
      return listLayoutPlatforms(new OciLayoutReader(tarStore(await TarIndex.open(host, ref), ref)), tag);
    }
    case 'docker-archive': {
      const { host, tag } = await splitPathTag(rest, options);
      await refuseCompressed(host, ref);
      return listDockerArchivePlatforms(host, ref, tag);
    }
    case 'registry':
      return listRegistryPlatforms(rest, options);
  }
}

async function head(file: string, n: number): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function refuseCompressed(file: string, ref: string): Promise<void> {
  const h = await head(file, 4).catch(() => Buffer.alloc(0));
  if (h[0] === 0x1f && h[1] === 0x8b) {
    throw new InputError('SOURCE_COMPRESSED_ARCHIVE', `${ref} is gzip-compressed`, {
      hint: 'decompress it first (gunzip -k FILE) so its layers can be read without unpacking the whole archive',
    });
  }
}

/** Decide the transport of a bare path or reference. */
async function sniff(rest: string, options: OpenSourceOptions): Promise<Transport> {
  const host = hostPathOf(rest, options);
  const st = await stat(host).catch(() => undefined);
  if (st?.isDirectory()) {
    const marker = await stat(resolveHost(host, 'oci-layout')).catch(() => undefined);
    return marker?.isFile() ? 'oci-dir' : 'dir';
  }
  if (st === undefined) {
    if (looksLikeRegistryRef(rest)) return 'registry';
    throw new InputError('SOURCE_NOT_FOUND', `${rest} does not exist`, {
      hint: 'pass an existing path, or prefix a registry reference with registry: (e.g. registry:ghcr.io/org/app:1.0)',
    });
  }
  await refuseCompressed(host, rest);
  const h = await head(host, 512).catch(() => Buffer.alloc(0));
  if (h.length === 512 && (h.toString('latin1', 257, 262) === 'ustar' || /^[0-7 \0]+$/.test(h.toString('latin1', 148, 156)))) {
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
