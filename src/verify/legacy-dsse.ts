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
