/**
 * Sources: image and directory bytes in, a squashed FileResolver out (DESIGN "source/").
 *
 * `openSource('oci-dir:PATH' | 'oci-archive:PATH' | 'docker-archive:PATH' | 'dir:PATH' | 'registry:REF' | bare)`
 * Throws InputError (exit 3) for missing/unknown/corrupt input, NetworkError (exit 5) for registry failures,
 * UsageError (exit 2) for a malformed platform.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve as resolveHost } from 'node:path';
import { InputError } from '../core/errors.js';
import { silentLogger } from '../core/log.js';
import type { Platform } from '../sbom/model.js';
import { openDirSource } from './dir.js';
import type { OpenSourceOptions } from './options.js';
import { parseSourceRef, type Transport } from './parse-ref.js';
import type { Source } from './types.js';

export type { OpenSourceOptions } from './options.js';
export type { FileEntry, FileKind, FileResolver, Location, ResolverOptions, Scope, Source, SourceDescription } from './types.js';
export { createMemoryResolver, type MemoryFile } from './tree.js';
export { formatPlatform, hostPlatform, parsePlatform } from './platform.js';
export { parseSourceRef, TRANSPORTS, type Transport } from './parse-ref.js';

function hostPathOf(rest: string, options: OpenSourceOptions): string {
  return isAbsolute(rest) ? rest : resolveHost(options.cwd ?? '.', rest);
}

/**
 * Open a source. Nothing is read beyond what identifies it (manifests, config) until `resolver()`.
 * @throws InputError SOURCE_NOT_FOUND / SOURCE_UNKNOWN_FORMAT / SOURCE_* for bad input; NetworkError for registries.
 */
export async function openSource(ref: string, options: OpenSourceOptions = {}): Promise<Source> {
  const log = options.log ?? silentLogger;
  const { transport, rest } = parseSourceRef(ref);
  const kind = transport ?? (await sniff(rest, options));
  if (transport === undefined) log.info(`${ref}: reading it as ${kind}:`);
  switch (kind) {
    case 'dir':
      return openDirSource(hostPathOf(rest, options), ref, log);
    default:
      throw new InputError('SOURCE_UNSUPPORTED', `${kind}: sources are not supported yet (${ref})`, { hint: 'use dir:PATH' });
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
    throw new InputError('SOURCE_NOT_FOUND', `${rest} does not exist`, {
      hint: 'pass an existing path, or prefix a registry reference with registry: (e.g. registry:ghcr.io/org/app:1.0)',
    });
  }
  throw new InputError('SOURCE_UNKNOWN_FORMAT', `cannot tell what kind of source ${rest} is`, {
    hint: 'prefix it with oci-dir:, oci-archive:, docker-archive:, dir: or registry:',
  });
}

/** Platforms of a multi-platform image (one entry for a single-platform one). */
export type ListPlatforms = (ref: string, options?: OpenSourceOptions) => Promise<Platform[]>;
