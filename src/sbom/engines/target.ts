/**
 * What the user typed (`docker-archive:app.tar`, `oci-dir:d`, `registry:ref`, `dir:d`, or a bare path)
 * → what an external engine is given. Bare paths are sniffed the way sources are: a directory with
 * `oci-layout` is an OCI layout, another directory is a directory, a file is an image archive.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { InputError } from '../../core/errors.js';
import { parseSourceRef, type Transport } from '../../source/parse-ref.js';

export interface EngineTarget {
  transport: Transport;
  /** Host path (absolute) for local sources, the image reference for `registry`. */
  location: string;
  /** The user's reference, for messages and the SBOM subject. */
  ref: string;
  /** For `dir`: looks like an unpacked root filesystem (etc/os-release or a package DB inside). */
  rootfs?: boolean;
}

async function statOf(p: string): Promise<import('node:fs').Stats | undefined> {
  return stat(p).catch(() => undefined);
}

const ROOTFS_MARKERS = ['etc/os-release', 'usr/lib/os-release', 'var/lib/dpkg/status', 'lib/apk/db/installed', 'var/lib/rpm'];

/**
 * Resolve `ref` against `cwd`.
 * @throws InputError SOURCE_NOT_FOUND (missing local path), SOURCE_UNKNOWN_FORMAT (not a file or directory).
 */
export async function resolveEngineTarget(ref: string, cwd: string): Promise<EngineTarget> {
  const { transport, rest } = parseSourceRef(ref);
  if (transport === 'registry') {
    if (rest.trim() === '') throw new InputError('SOURCE_BAD_REFERENCE', `empty registry reference in ${ref}`, { hint: 'use registry:HOST/REPO:TAG' });
    return { transport, location: rest, ref };
  }
  const host = isAbsolute(rest) ? rest : resolve(cwd, rest);
  const st = await statOf(host);
  if (st === undefined) {
    throw new InputError('SOURCE_NOT_FOUND', `${rest} does not exist`, {
      hint: 'pass an existing path, or prefix a registry reference with registry: (e.g. registry:ghcr.io/org/app:1.0)',
    });
  }
  let kind: Transport;
  if (transport !== undefined) kind = transport;
  else if (st.isDirectory()) kind = (await statOf(join(host, 'oci-layout')))?.isFile() ? 'oci-dir' : 'dir';
  else if (st.isFile()) kind = 'docker-archive';
  else throw new InputError('SOURCE_UNKNOWN_FORMAT', `cannot tell what kind of source ${rest} is`, { hint: 'prefix it with oci-dir:, oci-archive:, docker-archive:, dir: or registry:' });
  const wantsDir = kind === 'dir' || kind === 'oci-dir';
  if (wantsDir && !st.isDirectory()) throw new InputError('SOURCE_NOT_A_DIRECTORY', `${rest} is not a directory (${kind}:)`, { hint: 'pass a directory' });
  if (!wantsDir && !st.isFile()) throw new InputError('SOURCE_NOT_A_FILE', `${rest} is not a file (${kind}:)`, { hint: 'pass an image tarball' });
  const target: EngineTarget = { transport: kind, location: host, ref };
  if (kind === 'dir') {
    for (const m of ROOTFS_MARKERS) if (await statOf(join(host, m))) target.rootfs = true;
    target.rootfs ??= false;
  }
  return target;
}
