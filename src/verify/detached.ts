/**
 * cosign-format signatures that are not Sigstore bundles: `cosign sign-blob` detached signatures
 * (`--signature a.sig [--certificate a.crt]`) and image signatures (simple-signing payload + annotations).
 * They are turned into an equivalent Sigstore bundle (message signature, optional Rekor SET from cosign's
 * `dev.sigstore.cosign/bundle`) and verified by verifyBundle, so every check is the same code path.
 */
import { createHash } from 'node:crypto';
import { BUNDLE_V01_MEDIA_TYPE, BUNDLE_V03_MEDIA_TYPE } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { InputError, errorMessage } from '../core/errors.js';
import { verifyBundle, type SignatureMaterial, type VerifyOptions } from './bundle.js';
import type { ArtifactInput, VerifyPolicy, VerifyResult } from './model.js';
import type { TrustedRootHandle } from './trust.js';

/** cosign's `dev.sigstore.cosign/bundle` annotation (a Rekor v1 entry with its SET). */
export interface CosignRekorBundle {
  SignedEntryTimestamp: string;
  Payload: { body: string; integratedTime: number; logIndex: number; logID: string };
}

export interface DetachedSignatureInput {
  /** Raw signature bytes (decode cosign's base64 first: see decodeSignatureFile). */
  signature: Buffer;
  /** PEM or DER leaf certificate (keyless). Omit for --key. */
  certificate?: string | Buffer;
  /** Rekor bundle from cosign (SET), as parsed JSON; validated here. */
  rekorBundle?: unknown;
  /** What was signed: the artifact bytes or digest (for image signatures: the simple-signing payload bytes). */
  artifact: ArtifactInput;
  policy: VerifyPolicy;
  trustedRoot: TrustedRootHandle;
  subject?: string;
  source?: string;
  options?: VerifyOptions;
  /** What the report calls it (default: a `signature-file` check, cosign sign-blob's detached signature). */
  material?: SignatureMaterial;
}

/**
 * A `--signature` file as the user gave it: cosign sign-blob writes base64 text (whitespace and line
 * breaks allowed); a binary file is taken as the raw signature (DER ECDSA, Ed25519, RSA). An empty file
 * or text that is not base64 is refused here rather than verified as garbage (which would read as a
 * signature that does not verify, exit 1, where the input itself is wrong, exit 3).
 * @throws InputError VERIFY_SIGNATURE_EMPTY / VERIFY_SIGNATURE_MALFORMED naming `label`
 */
export function parseSignatureFile(data: Buffer, label: string): Buffer {
  const hint = 'pass the file cosign sign-blob --output-signature wrote (base64 text), or the raw signature bytes';
  const isText = data.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f));
  if (!isText) return data;
  const compact = data.toString('latin1').replace(/\s+/g, '');
  if (compact === '') throw new InputError('VERIFY_SIGNATURE_EMPTY', `signature ${label} is empty`, { hint });
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw new InputError('VERIFY_SIGNATURE_MALFORMED', `signature ${label} is text but not base64`, { hint });
  }
  return Buffer.from(compact, 'base64');
}

/** A cosign `.sig` file or annotation is base64 text; accept raw DER signatures too (lenient: annotations). */
export function decodeSignatureFile(data: Buffer): Buffer {
  const text = data.toString('utf8').trim();
  if (/^[A-Za-z0-9+/=\r\n]+$/.test(text) && text.length > 0) {
    const raw = Buffer.from(text, 'base64');
    if (raw.length > 0) return raw;
  }
  return data;
}

/** Verify a detached signature (cosign sign-blob, image signature layers). Never throws on bad input. */
export function verifyDetachedSignature(input: DetachedSignatureInput): VerifyResult {
  let certDer: Buffer | undefined;
  let tlogEntries: unknown[] = [];
  const material: SignatureMaterial = input.material ?? {
    check: 'signature-file',
    detail: `cosign detached signature${input.certificate !== undefined ? ' with its certificate' : ''}${input.rekorBundle !== undefined ? ' and Rekor bundle' : ''}`,
  };
  const base = { subject: input.subject ?? ('digest' in input.artifact ? `${input.artifact.digest.algorithm}:${input.artifact.digest.hex}` : `sha256:${createHash('sha256').update(input.artifact.bytes).digest('hex')}`), ...(input.source !== undefined ? { source: input.source } : {}) };
  try {
    if (input.certificate !== undefined) {
      certDer = X509Certificate.parse(certificateInput(input.certificate)).root.toDER();
    }
    if (input.rekorBundle !== undefined) tlogEntries = [rekorBundleEntry(input.rekorBundle)];
  } catch (err) {
    return {
      ...base,
      verified: false,
      checks: [{ name: material.check, ok: false, detail: `signature material is malformed: ${errorMessage(err)}` }],
      error: { code: 'VERIFY_SIGNATURE_MALFORMED', message: `signature material ${input.source ?? ''} is malformed: ${errorMessage(err)}`, hint: 'pass the .sig (base64), .crt (PEM) and Rekor bundle as cosign writes them' },
      warnings: [],
    };
  }
  const digest = 'bytes' in input.artifact
    ? { algorithm: 'SHA2_256', digest: createHash('sha256').update(input.artifact.bytes).digest('base64') }
    : { algorithm: input.artifact.digest.algorithm === 'sha512' ? 'SHA2_512' : 'SHA2_256', digest: Buffer.from(input.artifact.digest.hex, 'hex').toString('base64') };
  const bundle = {
    // v0.1 allows a SET without an inclusion proof, which is all a cosign Rekor bundle carries.
    mediaType: tlogEntries.length > 0 ? BUNDLE_V01_MEDIA_TYPE : BUNDLE_V03_MEDIA_TYPE,
    verificationMaterial: {
      ...(certDer
        ? tlogEntries.length > 0
          ? { x509CertificateChain: { certificates: [{ rawBytes: certDer.toString('base64') }] } }
          : { certificate: { rawBytes: certDer.toString('base64') } }
        : { publicKey: { hint: '' } }),
      tlogEntries,
    },
    messageSignature: { messageDigest: digest, signature: input.signature.toString('base64') },
  };
  return verifyBundle({ ...input, bundle, material });
}

export function rekorBundleEntry(raw: unknown): unknown {
  const rb = raw as Partial<CosignRekorBundle> | null;
  const p = rb?.Payload;
  if (!rb || typeof rb.SignedEntryTimestamp !== 'string' || !p || typeof p.body !== 'string' || typeof p.integratedTime !== 'number' || typeof p.logIndex !== 'number' || typeof p.logID !== 'string') {
    throw new Error('the Rekor bundle needs SignedEntryTimestamp and Payload {body, integratedTime, logIndex, logID}');
  }
  if (!/^[0-9a-f]{64}$/i.test(p.logID)) throw new Error('Rekor bundle logID is not a hex SHA-256');
  const body = JSON.parse(Buffer.from(p.body, 'base64').toString('utf8')) as { kind?: unknown; apiVersion?: unknown };
  if (typeof body.kind !== 'string' || typeof body.apiVersion !== 'string') throw new Error('Rekor entry body has no kind/apiVersion');
  return {
    logIndex: String(p.logIndex),
    logId: { keyId: Buffer.from(p.logID, 'hex').toString('base64') },
    kindVersion: { kind: body.kind, version: body.apiVersion },
    integratedTime: String(p.integratedTime),
    inclusionPromise: { signedEntryTimestamp: rb.SignedEntryTimestamp },
    canonicalizedBody: p.body,
  };
}

/** PEM text, cosign's base64-of-PEM (`--output-certificate`), or DER. */
function certificateInput(c: string | Buffer): string | Buffer<ArrayBuffer> {
  const text = typeof c === 'string' ? c : c.toString('utf8');
  if (text.includes('-----BEGIN CERTIFICATE-----')) return text;
  const decoded = Buffer.from(text.trim(), 'base64').toString('utf8');
  if (decoded.includes('-----BEGIN CERTIFICATE-----')) return decoded;
  return Buffer.from(typeof c === 'string' ? Buffer.from(c, 'binary') : c);
}
