/**
 * Google Cloud Build's older provenance envelopes (SLSA v0.1, "builtByGCB" KMS keys) sign the raw
 * payload bytes, not DSSE's pre-authentication encoding. This checks such a signature with a given
 * public key (ECDSA/RSA with SHA-256, Ed25519), and nothing else: no certificate, no log, no time.
 * Added for provenance/ (Cloud Build v0.1 provenance); PAE-signed envelopes go through verifyDsseEnvelope.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { BUNDLE_V01_MEDIA_TYPE } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { verifyBundle, type VerifyBundleInput } from './bundle.js';
import { rekorBundleEntry } from './detached.js';
import type { VerifyResult } from './model.js';
import { keyId } from './signer.js';

export interface RawPayloadSignatureResult {
  ok: boolean;
  /** SHA-256 of the SPKI DER of the key (hex), when the key could be read. */
  keyId?: string;
  detail: string;
}

/** Verify `sig` (standard or URL-safe base64) over the raw `payload` bytes with a PEM public key. */
export function verifyRawPayloadSignature(input: { payload: Buffer; sig: string; publicKeyPem: string }): RawPayloadSignatureResult {
  let key;
  try {
    key = createPublicKey(input.publicKeyPem);
  } catch (err) {
    return { ok: false, detail: `the public key cannot be read: ${(err as Error).message}` };
  }
  const id = keyId(key);
  const sig = Buffer.from(input.sig.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (sig.length === 0) return { ok: false, keyId: id, detail: 'empty signature' };
  let ok = false;
  try {
    ok = verify(key.asymmetricKeyType === 'ed25519' ? null : 'sha256', input.payload, key, sig);
  } catch {
    ok = false;
  }
  return { ok, keyId: id, detail: ok ? 'signature over the raw payload verifies with the given key' : 'signature over the raw payload does not verify with the given key' };
}

/**
 * A DSSE signature (over the pre-authentication encoding) by an ECDSA key in IEEE P1363 form (raw r||s, as
 * Google's KMS-backed VSA signers write it) rather than DER, which verifyDsseEnvelope expects. Only that
 * encoding is tried here: callers use verifyDsseEnvelope first. Added for provenance/ (SLSA VSAs).
 */
export function verifyDsseP1363Signature(input: { payloadType: string; payload: Buffer; sig: string; publicKeyPem: string }): RawPayloadSignatureResult {
  let key;
  try {
    key = createPublicKey(input.publicKeyPem);
  } catch (err) {
    return { ok: false, detail: `the public key cannot be read: ${(err as Error).message}` };
  }
  const id = keyId(key);
  if (key.asymmetricKeyType !== 'ec') return { ok: false, keyId: id, detail: 'IEEE P1363 signatures are ECDSA only' };
  const sig = Buffer.from(input.sig.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  const curveBytes = { 'prime256v1': 32, 'secp384r1': 48, 'secp521r1': 66 }[key.asymmetricKeyDetails?.namedCurve ?? ''];
  const hash = { 32: 'sha256', 48: 'sha384', 66: 'sha512' }[curveBytes ?? 0];
  if (curveBytes === undefined || hash === undefined || sig.length !== 2 * curveBytes) return { ok: false, keyId: id, detail: 'not an IEEE P1363 signature for this key' };
  const type = Buffer.from(input.payloadType, 'utf8');
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${input.payload.length} `), input.payload]);
  let ok = false;
  try {
    ok = verify(hash, pae, { key, dsaEncoding: 'ieee-p1363' }, sig);
  } catch {
    ok = false;
  }
  return { ok, keyId: id, detail: ok ? 'DSSE signature (IEEE P1363 encoding) verifies with the given key' : 'DSSE signature does not verify with the given key' };
}

/**
 * A cosign `.att` attestation layer (a DSSE envelope, the signing certificate in `dev.sigstore.cosign/certificate`
 * or a key, and the Rekor entry with its SET in `dev.sigstore.cosign/bundle`) as the equivalent Sigstore bundle
 * v0.1, so verifyBundle checks the SET against the trusted root's Rekor key, the entry body against the envelope,
 * the certificate chain at the log's integrated time, and the signature: what cosign verify-attestation does offline.
 * Throws an Error naming what is malformed (a bad annotation must fail, never be skipped).
 */
export function cosignAttestationBundle(input: { envelope: unknown; certificate?: string; rekorBundle: string }): Record<string, unknown> {
  let rb: unknown;
  try {
    rb = JSON.parse(input.rekorBundle);
  } catch (err) {
    throw new Error(`the dev.sigstore.cosign/bundle annotation is not JSON (${(err as Error).message})`);
  }
  const entry = rekorBundleEntry(rb);
  let leaf: string | undefined;
  if (input.certificate !== undefined && input.certificate !== '') {
    leaf = X509Certificate.parse(input.certificate).root.toDER().toString('base64');
  }
  return {
    mediaType: BUNDLE_V01_MEDIA_TYPE,
    verificationMaterial: {
      ...(leaf !== undefined ? { x509CertificateChain: { certificates: [{ rawBytes: leaf }] } } : { publicKey: { hint: '' } }),
      tlogEntries: [entry],
    },
    dsseEnvelope: input.envelope,
  };
}

/**
 * Verify a cosign `.att` attestation (see cosignAttestationBundle) through verifyBundle. Rekor `intoto` v0.0.1
 * entries (cosign < 2.0 uploaded these; @sigstore/verify checks only v0.0.2) are bound here to what was uploaded:
 * the entry's content hash must be the SHA-256 of the envelope bytes as stored in the layer, its payload hash the
 * SHA-256 of the DSSE payload, and its public key the signing certificate (or key). Everything else (SET, chain,
 * signature, identity) is verifyBundle's.
 */
export function verifyCosignAttestation(input: VerifyBundleInput & { envelopeBytes: Buffer }): VerifyResult {
  const r = verifyBundle(input);
  const i = r.checks.findIndex((c) => c.name === 'tlog-body' && !c.ok && /unsupported intoto version: 0\.0\.1/.test(c.detail));
  if (i < 0) return r;
  const checks = [...r.checks];
  checks[i] = { name: 'tlog-body', ...intoto001Body(input.bundle, input.envelopeBytes, input.policy.kind === 'key' ? input.policy.publicKeyPem : undefined) };
  const verified = checks.every((c) => c.ok) && checks.some((c) => c.name === 'signature' && c.ok);
  return { ...r, checks, verified };
}

function intoto001Body(bundle: unknown, envelopeBytes: Buffer, keyPem: string | undefined): { ok: boolean; detail: string } {
  const fail = (why: string): { ok: boolean; detail: string } => ({ ok: false, detail: `intoto 0.0.1 log entry does not match the attestation: ${why}` });
  const b = bundle as { verificationMaterial?: { tlogEntries?: { logIndex?: string; canonicalizedBody?: string }[]; x509CertificateChain?: { certificates?: { rawBytes?: string }[] } }; dsseEnvelope?: { payload?: string } };
  const entry = b.verificationMaterial?.tlogEntries?.[0];
  let body: { kind?: unknown; apiVersion?: unknown; spec?: { content?: { hash?: { algorithm?: unknown; value?: unknown }; payloadHash?: { algorithm?: unknown; value?: unknown } }; publicKey?: unknown } };
  try {
    body = JSON.parse(Buffer.from(entry?.canonicalizedBody ?? '', 'base64').toString('utf8'));
  } catch {
    return fail('the entry body is not JSON');
  }
  if (body.kind !== 'intoto' || body.apiVersion !== '0.0.1') return fail('not an intoto 0.0.1 entry');
  const sha = (x: Buffer): string => createHash('sha256').update(x).digest('hex');
  const content = body.spec?.content;
  if (content?.hash?.algorithm !== 'sha256' || content.hash.value !== sha(envelopeBytes)) return fail('the envelope hash differs from the attestation layer');
  const payload = Buffer.from(b.dsseEnvelope?.payload ?? '', 'base64');
  if (content.payloadHash?.algorithm !== 'sha256' || content.payloadHash.value !== sha(payload)) return fail('the payload hash differs');
  const leaf = b.verificationMaterial?.x509CertificateChain?.certificates?.[0]?.rawBytes;
  if (typeof body.spec?.publicKey !== 'string') return fail('the entry names no public key');
  if (leaf !== undefined) {
    let logged: string;
    try {
      logged = X509Certificate.parse(Buffer.from(body.spec.publicKey, 'base64').toString('utf8')).root.toDER().toString('base64');
    } catch {
      return fail('the entry public key is not a certificate');
    }
    if (logged !== leaf) return fail('the entry was made with another certificate');
  } else {
    const spki = (pem: string): string => createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64');
    let same = false;
    try {
      same = keyPem !== undefined && spki(Buffer.from(body.spec.publicKey, 'base64').toString('utf8')) === spki(keyPem);
    } catch {
      same = false;
    }
    if (!same) return fail('the entry was made with another key');
  }
  return { ok: true, detail: `log index ${entry?.logIndex ?? '?'}: intoto 0.0.1 entry matches the envelope, payload and certificate` };
}
