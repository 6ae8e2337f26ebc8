/**
 * The artifact a provenance check is about: a file (hashed with SHA-256 and SHA-512 in one pass),
 * a bare `sha256:`/`sha512:` digest, or an image reference whose manifest digest is the subject.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { InputError, UsageError } from '../core/errors.js';
import { fileProblem, inputFileError } from '../core/input-file.js';
import type { ArtifactRef } from './model.js';

const DIGEST = /^(sha256|sha512):([0-9a-fA-F]+)$/;
const HEX_LEN: Record<string, number> = { sha256: 64, sha512: 128 };
/** Image transports (as `sbom generate` and `scan` take them). */
export const IMAGE_PREFIX = /^(registry|oci-dir|oci|oci-archive|docker-archive|docker|podman):/;

/** `sha256:<hex>` / `sha512:<hex>` -> ArtifactRef; undefined when `ref` is not a digest. */
export function parseDigestRef(ref: string): ArtifactRef | undefined {
  const m = DIGEST.exec(ref.trim());
  if (!m) return undefined;
  const alg = m[1]!;
  const hex = m[2]!.toLowerCase();
  if (hex.length !== HEX_LEN[alg]) {
    throw new UsageError('PROVENANCE_BAD_DIGEST', `${ref} is not a ${alg} digest (${HEX_LEN[alg]} hex characters expected, got ${hex.length})`, {
      hint: 'give the artifact as a file path, sha256:<64 hex> or sha512:<128 hex>',
    });
  }
  return { kind: 'digest', ref, digests: { [alg]: hex } };
}

/** The manifest digest written in an image reference (`...@sha256:<hex>`), if any. */
export function imageRefDigest(ref: string): string | undefined {
  const m = /@(sha256:[0-9a-f]{64})$/.exec(ref);
  return m?.[1];
}

/** Hashes a file (SHA-256 and SHA-512, streamed). */
export async function fileArtifact(path: string, shown: string): Promise<ArtifactRef> {
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    const { problem, reason } = fileProblem(err);
    throw inputFileError(
      { prefix: 'PROVENANCE_ARTIFACT', what: 'artifact', path, shown },
      problem,
      reason,
      err,
    );
  }
  if (!st.isFile()) {
    throw new InputError('PROVENANCE_ARTIFACT_NOT_FILE', `artifact ${shown} is not a regular file`, { hint: 'for an image directory use oci-dir:PATH' });
  }
  const h256 = createHash('sha256');
  const h512 = createHash('sha512');
  await new Promise<void>((resolve, reject) => {
    const s = createReadStream(path);
    s.on('data', (d) => {
      h256.update(d);
      h512.update(d);
    });
    s.on('error', (err) => {
      const { problem, reason } = fileProblem(err);
      reject(inputFileError({ prefix: 'PROVENANCE_ARTIFACT', what: 'artifact', path, shown }, problem, reason, err));
    });
    s.on('end', () => resolve());
  });
  return { kind: 'file', ref: shown, digests: { sha256: h256.digest('hex'), sha512: h512.digest('hex') } };
}
