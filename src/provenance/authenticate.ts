/**
 * The authenticity step of `provenance check`, over src/verify (the same code as `custody verify`):
 * Sigstore bundles are verified whole (Fulcio chain, SCT, log proofs, signature); bare DSSE envelopes
 * carry no log proof, so offline they are rejected unless the user allows a missing log proof, in which
 * case the DSSE signature and the certificate chain (or the given key) are checked and the report says
 * the log proof and signing time were not.
 *
 * The identity policy here accepts any certificate identity: *which* identity may sign is a provenance
 * question (the signer must be the builder the predicate names), answered by claims.checkSigner.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { InputError } from '../core/errors.js';
import { verifyCosignAttestation, verifyDsseP1363Signature, verifyRawPayloadSignature } from '../verify/legacy-dsse.js';
import { verifyBundle, verifyDsseEnvelope, type TrustedRootHandle, type VerifyPolicy, type VerifyResult } from '../verify/index.js';
import type { Attestation, Authenticator, Authenticity, CertificateClaims, Signer } from './model.js';
import type { VsaSignatureCheck } from './vsa.js';

export interface AuthenticatorOptions {
  trustedRoot: TrustedRootHandle;
  /** PEM public keys for key-signed attestations (cosign attest --key, Cloud Build); any one may have signed. */
  publicKeys?: { pem: string; label: string }[];
  /** Accept attestations without a transparency-log proof (bare DSSE envelopes). */
  allowMissingTlog: boolean;
  /**
   * Accept Sigstore bundles from a private instance without a transparency log or CT log (GitHub's for
   * private repositories): no log entry and no SCT, but a verified RFC 3161 timestamp is still required.
   */
  noTransparencyLog?: boolean;
}

/** Any identity from any issuer: the provenance claims decide who may sign. */
const ANY_IDENTITY: VerifyPolicy = { kind: 'identity', identity: { regexp: '.+' }, issuer: { regexp: '.+' } };

const CLAIM_NAMES: Record<string, keyof CertificateClaims> = {
  buildSignerURI: 'buildSignerUri',
  buildSignerDigest: 'buildSignerDigest',
  runnerEnvironment: 'runnerEnvironment',
  sourceRepositoryURI: 'sourceRepositoryUri',
  sourceRepositoryDigest: 'sourceRepositoryDigest',
  sourceRepositoryRef: 'sourceRepositoryRef',
  buildTrigger: 'buildTrigger',
  runInvocationURI: 'runInvocationUri',
  githubWorkflowTrigger: 'githubWorkflowTrigger',
  githubWorkflowSha: 'githubWorkflowSha',
  githubWorkflowName: 'githubWorkflowName',
  githubWorkflowRepository: 'githubWorkflowRepository',
  githubWorkflowRef: 'githubWorkflowRef',
};

function toSigner(r: VerifyResult, keyLabel: string | undefined): Signer | undefined {
  const s = r.signer;
  if (s === undefined) return undefined;
  if (s.kind === 'key') return { kind: 'key', identity: `key ${keyLabel ?? ''}${s.keyId ? ` (sha256 ${s.keyId.slice(0, 16)}…)` : ''}`.replace('key  (', 'key ('), claims: {} };

  const claims: CertificateClaims = {};
  if (s.issuer !== undefined) claims.issuer = s.issuer;
  for (const [ext, name] of Object.entries(CLAIM_NAMES)) {
    const v = s.extensions[ext];
    if (v !== undefined && v !== '') claims[name] = v;
  }
  return { kind: 'certificate', identity: s.identity ?? '(no subject alternative name)', claims };
}

function fromResult(r: VerifyResult, method: string, keyLabel?: string): Authenticity {
  if (r.error !== undefined) {
    throw new InputError(r.error.code, r.error.message, { hint: r.error.hint ?? 'pass a Sigstore bundle, a DSSE envelope or an .intoto.jsonl file' });
  }
  const tlogChecked = r.checks.some((c) => c.name === 'tlog-inclusion' && c.ok);
  const a: Authenticity = {
    ok: r.verified && r.payload !== undefined,
    method,
    checks: r.checks.map((c) => ({ name: c.name, ok: c.ok, detail: c.detail })),
    tlogChecked,
  };
  if (r.warnings.length > 0) a.notChecked = [...r.warnings];
  const signer = toSigner(r, keyLabel);
  if (signer) a.signer = signer;
  const at = r.signer?.signedAt?.[0];
  if (at !== undefined) a.signedAt = at;
  if (r.verified && r.payload !== undefined) a.payload = r.payload.bytes;
  if (!a.ok) {
    const failed = r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
    a.error = { code: 'PROVENANCE_SIGNATURE_INVALID', message: failed.join('; ') || 'the signature did not verify' };
  }
  return a;
}

function refused(method: string, code: string, message: string, check = 'tlog-inclusion'): Authenticity {
  return { ok: false, method, checks: [{ name: check, ok: false, detail: message }], tlogChecked: false, error: { code, message } };
}

/** A bundle without a verified log entry passes only when the user allowed it (as bare envelopes). */
function requireLogProof(a: Authenticity, allowMissingTlog: boolean): Authenticity {
  if (!a.ok || a.tlogChecked || allowMissingTlog) return a;
  const message =
    'the bundle carries no verified transparency-log entry, so its log inclusion cannot be checked; pass --allow-missing-tlog to accept the signature and certificate chain (or key) alone, or --allow-no-transparency-log for a private Sigstore instance without logs';
  const { payload: _dropped, ...rest } = a;
  return { ...rest, ok: false, checks: [...a.checks, { name: 'tlog-inclusion', ok: false, detail: message }], error: { code: 'PROVENANCE_TLOG_MISSING', message } };
}

/**
 * Cloud Build names its KMS key in each signature's keyid
 * (`projects/verified-builder/locations/<loc>/keyRings/attestor/cryptoKeys/<key>/cryptoKeyVersions/<n>`);
 * as slsa-verifier, a signature only counts with the key its keyid names: the key file `<loc>.key` for
 * `builtByGCB`, `<loc>-pae-<key>_<n>.key` (or `<loc>-pae.key`) for the DSSE (PAE) keys.
 */
export function gcbKeyMatches(keyid: string | undefined, keyLabel: string): boolean {
  const m = /^projects\/[^/]+\/locations\/([^/]+)\/keyRings\/[^/]+\/cryptoKeys\/([^/]+)\/cryptoKeyVersions\/(\d+)$/.exec(keyid ?? '');
  if (!m) return false;
  const [, loc, key, ver] = m;
  const base = keyLabel.replace(/^.*[\\/]/, '').replace(/\.(key|pem|pub)$/, '');
  if (key === 'builtByGCB') return base === loc;
  return base === `${loc}-pae-${key}_${ver}` || base === `${loc}-pae`;
}

function hasTlog(bundle: unknown): boolean {
  const vm = (bundle as { verificationMaterial?: { tlogEntries?: unknown } } | null)?.verificationMaterial;
  return Array.isArray(vm?.tlogEntries) && vm.tlogEntries.length > 0;
}

/** verifyBundle, or for cosign `.att` layers its wrapper that also binds Rekor intoto 0.0.1 entries. */
function verifyAttestationBundle(att: Attestation, input: Parameters<typeof verifyBundle>[0]): VerifyResult {
  return att.form === 'cosign-attestation' && att.envelopeBytes !== undefined ? verifyCosignAttestation({ ...input, envelopeBytes: att.envelopeBytes }) : verifyBundle(input);
}

/** Builds the Authenticator the check uses. */
export function createAuthenticator(opts: AuthenticatorOptions): Authenticator {
  const keys = opts.publicKeys ?? [];
  const options = { allowMissingTlog: opts.allowMissingTlog, ...(opts.noTransparencyLog === true ? { noTransparencyLog: true } : {}) };
  const allowNoLog = opts.allowMissingTlog || opts.noTransparencyLog === true;
  return async (att: Attestation): Promise<Authenticity> => {
    if (att.bundle !== undefined) {
      const vm = (att.bundle as { verificationMaterial?: Record<string, unknown> }).verificationMaterial;
      const keySigned = vm !== undefined && typeof vm === 'object' && vm !== null && 'publicKey' in vm;
      if (keySigned && keys.length === 0) {
        return refused('Sigstore bundle (key)', 'PROVENANCE_NO_VERIFICATION_MATERIAL', 'the bundle is signed with a public key, not a certificate; pass --key with that public key', 'key');
      }
      if (!keySigned) {
        const r = verifyAttestationBundle(att, { bundle: att.bundle, policy: ANY_IDENTITY, trustedRoot: opts.trustedRoot, source: att.origin, subject: '(statement subjects)', options });
        const privateInstance = opts.noTransparencyLog === true && !hasTlog(att.bundle);
        const a = fromResult(r, privateInstance ? 'Sigstore bundle (private instance, no transparency log)' : att.form === 'cosign-attestation' ? 'cosign attestation (Rekor SET)' : 'Sigstore bundle');
        if (privateInstance && a.ok) a.privateInstance = true;
        return requireLogProof(a, allowNoLog);
      }
      let last: Authenticity | undefined;
      for (const k of keys) {
        const r = verifyAttestationBundle(att, { bundle: att.bundle, policy: { kind: 'key', publicKeyPem: k.pem }, trustedRoot: opts.trustedRoot, source: att.origin, subject: '(statement subjects)', options });
        last = fromResult(r, att.form === 'cosign-attestation' ? 'cosign attestation (key, Rekor SET)' : 'Sigstore bundle (key)', k.label);
        if (last.ok) return requireLogProof(last, allowNoLog);
      }
      return last!;
    }
    // Bare DSSE envelope: a certificate in the signature (slsa-github-generator < v1.5) or a key.
    const withCert = att.envelope.signatures.find((s) => s.cert !== undefined);
    const method = withCert ? 'DSSE envelope (certificate, no log proof)' : 'DSSE envelope (key)';
    if (withCert === undefined && keys.length === 0) {
      return refused(method, 'PROVENANCE_NO_VERIFICATION_MATERIAL', 'the DSSE envelope carries no certificate; pass --key with the public key that signed it', 'key');
    }
    if (!opts.allowMissingTlog) {
      return refused(
        method,
        'PROVENANCE_TLOG_MISSING',
        'a bare DSSE envelope carries no transparency-log proof, so its log inclusion and signing time cannot be checked offline; use the Sigstore bundle, or pass --allow-missing-tlog to check the signature and certificate chain (or key) only',
      );
    }
    // Each signature on its own, with each key (Cloud Build envelopes carry one signature per region; any valid one will do).
    const attempts: { sig: (typeof att.envelope.signatures)[number]; policy: VerifyPolicy; label?: string }[] = withCert
      ? [{ sig: withCert, policy: ANY_IDENTITY }]
      : att.envelope.signatures
          .filter((sig) => sig.sig !== '')
          .flatMap((sig) =>
            keys
              .filter((k) => att.form !== 'gcb-provenance' || gcbKeyMatches(sig.keyid, k.label))
              .map((k) => ({ sig, policy: { kind: 'key' as const, publicKeyPem: k.pem }, label: k.label })),
          );
    let last: Authenticity | undefined;
    for (const { sig, policy, label } of attempts) {
      const envelope = { payloadType: att.envelope.payloadType, payload: att.envelope.payload, signatures: [{ sig: sig.sig, keyid: sig.keyid ?? '' }] };
      const r = verifyDsseEnvelope({
        envelope,
        ...(sig.cert !== undefined ? { certificate: sig.cert } : {}),
        policy,
        trustedRoot: opts.trustedRoot,
        source: att.origin,
        subject: '(statement subjects)',
        options: { allowMissingTlog: true },
      });
      last = fromResult(r, method, label);
      if (last.ok) return last;
    }
    // Cloud Build's v0.1 envelopes sign the raw payload (pre-DSSE): accepted only for that form, only with a given key.
    if (att.form === 'gcb-provenance' && withCert === undefined) {
      const payload = Buffer.from(att.envelope.payload.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
      for (const sig of att.envelope.signatures) {
        for (const k of keys.filter((key) => gcbKeyMatches(sig.keyid, key.label))) {
          const r = verifyRawPayloadSignature({ payload, sig: sig.sig, publicKeyPem: k.pem });
          if (r.ok) {
            return {
              ok: true,
              method: 'Cloud Build envelope (key, raw-payload signature)',
              checks: [{ name: 'signature', ok: true, detail: r.detail }],
              signer: { kind: 'key', identity: `key ${k.label}${r.keyId ? ` (sha256 ${r.keyId.slice(0, 16)}…)` : ''}`, claims: {} },
              tlogChecked: false,
              payload,
            };
          }
        }
      }
    }
    return (
      last ??
      refused(
        method,
        'PROVENANCE_SIGNATURE_INVALID',
        att.form === 'gcb-provenance' ? 'no signature of the envelope is by a given key its keyid names' : 'the DSSE envelope has no non-empty signature',
        'signature',
      )
    );
  };
}

/**
 * The signature check of `provenance vsa`: one DSSE signature (PAE) with the verifier's public key, through
 * src/verify (key policy; a VSA carries no log proof, as slsa-verifier verify-vsa). Returns the key's SHA-256
 * (hex SPKI) for keyid matching; throws InputError PROVENANCE_BAD_KEY when the key cannot be read.
 */
export function createVsaKeyCheck(opts: { pem: string; label: string; trustedRoot: TrustedRootHandle }): { keySha256: string; check: VsaSignatureCheck } {
  let spki: Buffer;
  try {
    spki = createPublicKey(opts.pem).export({ type: 'spki', format: 'der' });
  } catch (err) {
    throw new InputError('PROVENANCE_BAD_KEY', `public key ${opts.label} cannot be read: ${(err as Error).message}`, { hint: 'pass the verifier\'s public key as a PEM file (-----BEGIN PUBLIC KEY-----)' });
  }
  const keySha256 = createHash('sha256').update(spki).digest('hex');
  const check: VsaSignatureCheck = async (envelope, origin) => {
    const r = verifyDsseEnvelope({ envelope, policy: { kind: 'key', publicKeyPem: opts.pem }, trustedRoot: opts.trustedRoot, source: origin ?? 'of the VSA', subject: '(VSA subjects)', options: { allowMissingTlog: true } });
    if (r.error !== undefined) throw new InputError(r.error.code, r.error.message, { hint: r.error.hint ?? 'pass a DSSE envelope or .jsonl file holding the VSA' });
    const key = `${opts.label} (sha256 ${keySha256.slice(0, 16)}…)`;
    if (r.verified) return { ok: true, detail: 'DSSE signature verifies', key };
    // ECDSA signatures in IEEE P1363 (r||s) form, as KMS-backed VSA signers write them.
    const sig = envelope.signatures[0]?.sig ?? '';
    const p1363 = verifyDsseP1363Signature({ payloadType: envelope.payloadType, payload: Buffer.from(envelope.payload, 'base64'), sig, publicKeyPem: opts.pem });
    if (p1363.ok) return { ok: true, detail: p1363.detail, key: `${key}, IEEE P1363 signature encoding` };
    const failed = r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
    return { ok: false, detail: failed.join('; ') || 'signature does not verify' };
  };
  return { keySha256, check };
}
