/**
 * Google Cloud Build's older provenance envelopes (SLSA v0.1, "builtByGCB" KMS keys) sign the raw
 * payload bytes, not DSSE's pre-authentication encoding. This checks such a signature with a given
 * public key (ECDSA/RSA with SHA-256, Ed25519), and nothing else: no certificate, no log, no time.
 * Added for provenance/ (Cloud Build v0.1 provenance); PAE-signed envelopes go through verifyDsseEnvelope.
 */
import { createPublicKey, verify } from 'node:crypto';
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
