/**
 * Sigstore bundle verification (v0.1, v0.2, v0.3; message signatures and DSSE; Rekor v1 and v2 entries;
 * RFC 3161 timestamps) with @sigstore/bundle, @sigstore/core and the steps of @sigstore/verify, run one by one
 * so the report can say which check failed and why. Offline: trust comes from the TrustedRootHandle.
 *
 * Order and semantics follow @sigstore/verify's Verifier.verify (timestamps -> signing key -> tlog -> signature
 * -> policy), with thresholds of one tlog entry, one SCT and one verified timestamp. Fail closed: a check that
 * could not run is a failed check, and `verified` is true only when every check is ok.
 */
import { createHash, createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import {
  BUNDLE_V01_MEDIA_TYPE,
  BUNDLE_V02_MEDIA_TYPE,
  BUNDLE_V03_LEGACY_MEDIA_TYPE,
  BUNDLE_V03_MEDIA_TYPE,
  bundleFromJSON,
  envelopeFromJSON,
  type Bundle,
  type TransparencyLogEntry,
} from '@sigstore/bundle';
import { X509Certificate, crypto as score, dsse } from '@sigstore/core';
import { toSignedEntity, toTrustMaterial, type SignedEntity, type TrustMaterial } from '@sigstore/verify';
import { verifyCertificate, verifyPublicKey } from '@sigstore/verify/dist/key/index.js';
import { getTLogTimestamp, getTSATimestamp } from '@sigstore/verify/dist/timestamp/index.js';
import { verifyTLogBody, verifyTLogInclusion } from '@sigstore/verify/dist/tlog/index.js';
import { errorMessage } from '../core/errors.js';
import type { ArtifactInput, SignerInfo, VerifyCheck, VerifyPolicy, VerifyResult } from './model.js';
import { checkIdentity, compileMatcher } from './policy.js';
import { verifyPrehashed } from './prehash.js';
import { checkTimestampToken } from './tsa-strict.js';
import { certificateSigner, keyId } from './signer.js';
import type { TrustedRootHandle } from './trust.js';

export interface VerifyOptions {
  /**
   * Accept a signature with no transparency-log proof (cosign's --insecure-ignore-tlog). The report then says
   * that log inclusion and (without an RFC 3161 timestamp) the signing time were not checked.
   */
  allowMissingTlog?: boolean;
  /**
   * A private Sigstore instance that runs no transparency log and no CT log (GitHub's for private repositories;
   * sigstore-java's noTransparencyLog): a signature without a log entry and a certificate without an SCT are
   * accepted, but only with a verified RFC 3161 timestamp (the signing time is still proven). Reported in warnings.
   */
  noTransparencyLog?: boolean;
}

export interface VerifyBundleInput {
  /** The bundle as parsed JSON (it is validated here; never trusted). */
  bundle: unknown;
  /**
   * The artifact: bytes or a digest. For message-signature bundles it is required. For DSSE bundles it is
   * compared with the in-toto statement's subjects when given; when undefined the caller checks the subjects
   * (provenance) from `result.payload`.
   */
  artifact?: ArtifactInput;
  policy: VerifyPolicy;
  trustedRoot: TrustedRootHandle;
  /** Label of the subject for the report (file path, digest, image reference). */
  subject?: string;
  /** Label of where the bundle came from. */
  source?: string;
  options?: VerifyOptions;
  /**
   * What the user actually gave, when it was not a Sigstore bundle (a cosign detached signature, an image
   * signature layer, a bare DSSE envelope verified through an equivalent bundle): the report's first check
   * is named after it, so it never shows a `bundle` check for a bundle nobody gave.
   */
  material?: SignatureMaterial;
}

/** The first line of a report: the check name and what was read (`signature-file`: "cosign signature, base64"). */
export interface SignatureMaterial {
  check: string;
  detail: string;
}

const KNOWN_MEDIA_TYPES = new Set([BUNDLE_V01_MEDIA_TYPE, BUNDLE_V02_MEDIA_TYPE, BUNDLE_V03_LEGACY_MEDIA_TYPE, BUNDLE_V03_MEDIA_TYPE]);
const TOP_LEVEL = new Set(['mediaType', 'verificationMaterial', 'messageSignature', 'dsseEnvelope']);
const MAX_BUNDLE_TLOG_ENTRIES = 32;
/** sigstore-python's MAX_ALLOWED_TIMESTAMP. */
const MAX_RFC3161_TIMESTAMPS = 32;

/**
 * Verify a Sigstore bundle against a trusted root and a policy. Never throws for a bad signature or a
 * malformed bundle: both are a result with `verified: false` (malformed input also sets `error`, which the
 * CLI turns into exit 3).
 * @throws UsageError VERIFY_BAD_REGEXP when the policy's regular expression does not compile
 */
export function verifyBundle(input: VerifyBundleInput): VerifyResult {
  const subject = input.subject ?? describeArtifact(input.artifact);
  const base = { subject, ...(input.source !== undefined ? { source: input.source } : {}) };
  precompile(input.policy);
  const what = input.material === undefined ? 'bundle' : 'signature material';
  let bundle: Bundle;
  let notes: string[];
  let digestFromArtifact: boolean;
  try {
    ({ bundle, notes, digestFromArtifact } = parseBundle(input.bundle, input.artifact));
  } catch (err) {
    return malformedResult(base, 'VERIFY_BUNDLE_MALFORMED', `${what} ${input.source ?? ''} is malformed: ${errorMessage(err)}`.replace(`${what}  is`, `${what} is`), input.material);
  }
  let entity: SignedEntity;
  try {
    entity = toSignedEntity(bundle, input.artifact && 'bytes' in input.artifact ? input.artifact.bytes : Buffer.alloc(0));
  } catch (err) {
    return malformedResult(base, 'VERIFY_BUNDLE_MALFORMED', `${what} ${input.source ?? ''} is malformed: ${errorMessage(err)}`.replace(`${what}  is`, `${what} is`), input.material);
  }
  return verifyEntity({ ...input, ...base, notes, digestFromArtifact }, bundle, entity);
}

/**
 * Verify a bare DSSE envelope (no bundle) signed with a Fulcio certificate or a key. There is no log proof,
 * so this requires `options.allowMissingTlog`; the result says that log inclusion and signing time were not
 * checked (the certificate chain is checked at the certificate's notBefore).
 */
export function verifyDsseEnvelope(input: {
  envelope: unknown;
  /** PEM or DER leaf certificate (keyless); omit for key-based signatures. */
  certificate?: string | Buffer;
  artifact?: ArtifactInput;
  policy: VerifyPolicy;
  trustedRoot: TrustedRootHandle;
  subject?: string;
  source?: string;
  options?: VerifyOptions;
}): VerifyResult {
  const subject = input.subject ?? describeArtifact(input.artifact);
  const base = { subject, ...(input.source !== undefined ? { source: input.source } : {}) };
  precompile(input.policy);
  let certDer: Buffer | undefined;
  try {
    if (input.certificate !== undefined) certDer = X509Certificate.parse(typeof input.certificate === 'string' ? input.certificate : Buffer.from(input.certificate)).root.toDER();
    const env = envelopeFromJSON(input.envelope as Parameters<typeof envelopeFromJSON>[0]);
    if (env.payload.length === 0) throw new Error('its payload is empty (a DSSE envelope signs a statement)');
    if (env.signatures.length !== 1) throw new Error(`it has ${env.signatures.length} signatures; exactly one is verified (Sigstore bundle spec)`);
  } catch (err) {
    return malformedResult(base, 'VERIFY_DSSE_MALFORMED', `DSSE envelope ${input.source ?? ''} is malformed: ${errorMessage(err)}`, ENVELOPE);
  }
  const bundleJson = {
    mediaType: BUNDLE_V03_MEDIA_TYPE,
    verificationMaterial: {
      ...(certDer ? { certificate: { rawBytes: certDer.toString('base64') } } : { publicKey: { hint: '' } }),
      tlogEntries: [],
    },
    dsseEnvelope: input.envelope,
  };
  let bundle: Bundle;
  let entity: SignedEntity;
  try {
    bundle = bundleFromJSON(bundleJson);
    entity = toSignedEntity(bundle, Buffer.alloc(0));
  } catch (err) {
    return malformedResult(base, 'VERIFY_DSSE_MALFORMED', `DSSE envelope ${input.source ?? ''} is malformed: ${errorMessage(err)}`, ENVELOPE);
  }
  return verifyEntity({ ...input, ...base, material: ENVELOPE }, bundle, entity);
}

function precompile(policy: VerifyPolicy): void {
  if (policy.kind === 'identity') {
    compileMatcher(policy.identity, '--certificate-identity-regexp');
    compileMatcher(policy.issuer, '--certificate-oidc-issuer-regexp');
  }
}

function describeArtifact(a: ArtifactInput | undefined): string {
  if (a === undefined) return '(statement subjects)';
  if ('digest' in a) return `${a.digest.algorithm}:${a.digest.hex}`;
  return `sha256:${createHash('sha256').update(a.bytes).digest('hex')}`;
}

/** A bare DSSE envelope is verified as an equivalent bundle; its report says envelope. */
const ENVELOPE: SignatureMaterial = { check: 'envelope', detail: 'DSSE envelope (not a Sigstore bundle)' };

function malformedResult(base: { subject: string; source?: string }, code: string, message: string, material?: SignatureMaterial): VerifyResult {
  return {
    ...base,
    verified: false,
    checks: [{ name: material?.check ?? 'bundle', ok: false, detail: message }],
    error: {
      code,
      message,
      hint: material === undefined
        ? 'the bundle must be a Sigstore bundle (v0.1, v0.2 or v0.3) as written by cosign, sigstore-js/python/go/java'
        : material === ENVELOPE
          ? 'the envelope must be a DSSE envelope (payloadType, payload, signatures) as cosign or the SLSA generators write it'
          : 'pass the signature, certificate and Rekor bundle as cosign writes them',
    },
    warnings: [],
  };
}

/**
 * Validate the JSON shape: known media type, no unknown top-level fields, exactly one content; then read it
 * as leniently as the Sigstore protobuf-specs allow (protos/sigstore_bundle.proto, sigstore_common.proto,
 * sigstore_rekor.proto), where @sigstore/bundle's validation is stricter than the spec (README "Sigstore
 * bundles: what the specification allows"). `notes` say what was accepted that the library would refuse.
 */
function parseBundle(json: unknown, artifact: ArtifactInput | undefined): { bundle: Bundle; notes: string[]; digestFromArtifact: boolean } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error(`not a JSON object (${json === null ? 'null' : Array.isArray(json) ? 'an array' : `a ${typeof json}`})`);
  }
  const obj = json as Record<string, unknown>;
  for (const k of Object.keys(obj)) if (!TOP_LEVEL.has(k)) throw new Error(`unknown field ${JSON.stringify(k)}`);
  if (typeof obj.mediaType !== 'string' || !KNOWN_MEDIA_TYPES.has(obj.mediaType)) {
    throw new Error(`unknown media type ${JSON.stringify(obj.mediaType)}`);
  }
  if ((obj.messageSignature === undefined) === (obj.dsseEnvelope === undefined)) {
    throw new Error('it must carry exactly one of messageSignature and dsseEnvelope');
  }
  const { json: normalised, notes, digestFromArtifact } = toLibraryShape(obj, artifact);
  const bundle = bundleFromJSON(normalised);
  if (bundle.verificationMaterial.tlogEntries.length > MAX_BUNDLE_TLOG_ENTRIES) throw new Error('too many tlog entries');
  return { bundle, notes, digestFromArtifact };
}

const HASH_NAMES: Record<string, string> = { sha256: 'SHA2_256', sha384: 'SHA2_384', sha512: 'SHA2_512' };

/** The digest algorithm a hashedrekord log entry of the bundle names (sha256, sha384, sha512), if any. */
function loggedDigestAlgorithm(obj: Record<string, unknown>): string | undefined {
  const vm = obj.verificationMaterial as { tlogEntries?: unknown } | undefined;
  const entries = Array.isArray(vm?.tlogEntries) ? (vm.tlogEntries as { canonicalizedBody?: unknown }[]) : [];
  for (const e of entries.slice(0, MAX_BUNDLE_TLOG_ENTRIES)) {
    if (typeof e?.canonicalizedBody !== 'string' || e.canonicalizedBody.length > 1 << 20) continue;
    try {
      const body = JSON.parse(Buffer.from(e.canonicalizedBody, 'base64').toString('utf8')) as { spec?: { data?: { hash?: { algorithm?: unknown } } } };
      const alg = body.spec?.data?.hash?.algorithm;
      if (typeof alg === 'string' && alg in HASH_NAMES) return alg;
    } catch {
      // not JSON: the tlog-body check reports it
    }
  }
  return undefined;
}

/**
 * Fill in what the spec makes optional and @sigstore/bundle requires, from what custody knows itself, never
 * from the bundle:
 * - `messageSignature.messageDigest` is optional: "Message digest can be used to identify the artifact.
 *   Clients MUST NOT attempt to use this digest to verify the associated signature" (sigstore_common.proto).
 *   When it is absent, custody computes it from the artifact it was given (the algorithm a hashedrekord
 *   log entry names, else SHA-256), so the signature and log-entry checks run against the real artifact.
 * - a v0.3 bundle may carry an X.509 chain (form 2): the spec requires the single-certificate form only for
 *   keyless signing with the public-good instance, and tells verifiers to ignore superfluous intermediates;
 *   the leaf is kept and the chain is built from the trusted root, as for every other bundle.
 */
function toLibraryShape(obj: Record<string, unknown>, artifact: ArtifactInput | undefined): { json: Record<string, unknown>; notes: string[]; digestFromArtifact: boolean } {
  const notes: string[] = [];
  let digestFromArtifact = false;
  let out = obj;
  const ms = obj.messageSignature;
  if (ms !== null && typeof ms === 'object' && !Array.isArray(ms)) {
    const md = (ms as Record<string, unknown>).messageDigest as { digest?: unknown } | undefined;
    const missing = md === undefined || md === null || typeof md !== 'object' || md.digest === undefined || md.digest === '';
    if (missing && artifact !== undefined) {
      let digest: { algorithm: string; digest: string };
      if ('bytes' in artifact) {
        const alg = loggedDigestAlgorithm(obj) ?? 'sha256';
        digest = { algorithm: HASH_NAMES[alg]!, digest: createHash(alg).update(artifact.bytes).digest('base64') };
      } else {
        digest = { algorithm: HASH_NAMES[artifact.digest.algorithm]!, digest: Buffer.from(artifact.digest.hex, 'hex').toString('base64') };
      }
      out = { ...out, messageSignature: { ...(ms as Record<string, unknown>), messageDigest: digest } };
      digestFromArtifact = true;
      notes.push('the bundle carries no messageDigest (optional in the Sigstore spec: it only identifies the artifact); the signature and the log entry were checked against the artifact given');
    }
  }
  const vm = obj.verificationMaterial as Record<string, unknown> | undefined;
  const chain = (vm?.x509CertificateChain as { certificates?: unknown } | undefined)?.certificates;
  if ((obj.mediaType === BUNDLE_V03_MEDIA_TYPE || obj.mediaType === BUNDLE_V03_LEGACY_MEDIA_TYPE) && Array.isArray(chain) && chain.length > 0 && vm !== undefined) {
    const { x509CertificateChain: _chain, ...rest } = vm;
    out = { ...out, verificationMaterial: { ...rest, certificate: chain[0] } };
    notes.push(`a v0.3 bundle with an X.509 certificate chain (${chain.length} certificate(s)): its leaf was used and the chain built from the trusted root`);
  }
  return { json: out, notes, digestFromArtifact };
}

interface EntityInput {
  material?: SignatureMaterial;
  /** What parseBundle accepted that @sigstore/bundle would refuse; reported as warnings. */
  notes?: readonly string[];
  /** The bundle had no messageDigest: the one it carries now was computed from the artifact by custody. */
  digestFromArtifact?: boolean;
  artifact?: ArtifactInput;
  policy: VerifyPolicy;
  trustedRoot: TrustedRootHandle;
  subject: string;
  source?: string;
  options?: VerifyOptions;
}

function verifyEntity(input: EntityInput, bundle: Bundle, entity: SignedEntity): VerifyResult {
  const checks: VerifyCheck[] = [];
  const warnings: string[] = [...(input.notes ?? [])];
  // Key-based signatures are trusted through the key the user named; a log proof is checked when present and
  // its absence is reported (cosign 1.x semantics, and what private key-signed registries produce). Keyless
  // signatures need a log proof (or RFC 3161 timestamp + --insecure-ignore-tlog): a certificate alone proves nothing.
  const noTransparency = input.options?.noTransparencyLog === true;
  const allowMissingTlog = input.options?.allowMissingTlog === true || noTransparency || input.policy.kind === 'key';
  const why = noTransparency ? 'private Sigstore instance without transparency logs' : input.options?.allowMissingTlog === true ? '--insecure-ignore-tlog' : 'key-based signature';
  const check = (name: string, ok: boolean, detail: string): boolean => {
    checks.push({ name, ok, detail });
    return ok;
  };
  const isDsse = bundle.content.$case === 'dsseEnvelope';
  // What the user gave: a bundle, or a signature/envelope verified through an equivalent bundle.
  const noun = input.material === undefined ? 'the bundle' : input.material.check === 'envelope' ? 'the envelope' : 'the signature';
  checks.push(
    input.material !== undefined
      ? { name: input.material.check, ok: true, detail: input.material.detail }
      : { name: 'bundle', ok: true, detail: `${bundle.mediaType}, ${isDsse ? 'DSSE envelope' : 'message signature'}` },
  );

  // Policy kind must fit the verification material.
  const keyKind = entity.key.$case;
  let publicKey: KeyObject | undefined;
  if (input.policy.kind === 'key') {
    if (keyKind !== 'public-key') {
      check('key', false, `${noun} is signed with a certificate (keyless); verify it with --certificate-identity and --certificate-oidc-issuer, not --key`);
      return finish(input, checks, warnings, undefined, bundle);
    }
    try {
      publicKey = createPublicKey(input.policy.publicKeyPem);
    } catch (err) {
      check('key', false, `the public key cannot be read: ${errorMessage(err)}`);
      return finish(input, checks, warnings, undefined, bundle);
    }
  } else if (keyKind !== 'certificate') {
    check('identity', false, `${noun} is signed with a public key, not a certificate: verify it with --key`);
    return finish(input, checks, warnings, undefined, bundle);
  }

  let trust: TrustMaterial;
  try {
    const pk = publicKey;
    const kp = input.policy.kind === 'key' ? input.policy : undefined;
    const inWindow = (d: Date): boolean => (kp?.validFrom === undefined || d >= kp.validFrom) && (kp?.validUntil === undefined || d <= kp.validUntil);
    trust = toTrustMaterial(input.trustedRoot.root, pk ? () => ({ publicKey: pk, validFor: inWindow }) : undefined);
  } catch (err) {
    check('trusted-root', false, `the trusted root cannot be used: ${errorMessage(err)}`);
    return finish(input, checks, warnings, undefined, bundle);
  }

  // Digest-only subjects of message signatures: verify the signature over the digest (prehashed).
  if (!isDsse && input.artifact && 'digest' in input.artifact && bundle.content.$case === 'messageSignature') {
    const want = Buffer.from(input.artifact.digest.hex, 'hex');
    const alg = input.artifact.digest.algorithm;
    const sig = Buffer.from(bundle.content.messageSignature.signature);
    entity = {
      ...entity,
      signature: {
        signature: sig,
        compareSignature: (s) => score.bufferEqual(s, sig),
        compareDigest: (d) => score.bufferEqual(d, want),
        verifySignature: (key) => verifyPrehashed(key, alg, want, sig).ok,
      },
    };
  }

  // 1. Timestamps: log integrated times (unverified until the log checks pass) and RFC 3161 tokens.
  const times: Date[] = [];
  const timeDetails: string[] = [];
  const ignoredTimestamps: string[] = [];
  let timestampsOk = true;
  // Like sigstore-python: more than MAX_RFC3161_TIMESTAMPS tokens, or the same token twice, is refused outright.
  const tokens = (bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps ?? []).map((t) => Buffer.from(t.signedTimestamp).toString('base64'));
  if (tokens.length > MAX_RFC3161_TIMESTAMPS) timestampsOk = check('timestamp', false, `too many RFC 3161 timestamps: ${tokens.length}, at most ${MAX_RFC3161_TIMESTAMPS} are accepted`);
  else if (new Set(tokens).size !== tokens.length) timestampsOk = check('timestamp', false, 'duplicate RFC 3161 timestamp: the same token appears more than once');
  for (const ts of timestampsOk ? entity.timestamps : []) {
    try {
      if (ts.$case === 'timestamp-authority') {
        checkTimestampToken(ts.timestamp.root.toDER(), trust.timestampAuthorities.flatMap((ca) => ca.certChain));
        const r = getTSATimestamp(ts.timestamp, entity.signature.signature, trust.timestampAuthorities);
        times.push(r.timestamp);
        timeDetails.push(`RFC 3161 timestamp ${r.timestamp.toISOString()}`);
      } else {
        const r = getTLogTimestamp(ts.tlogEntry);
        if (r) {
          times.push(r.timestamp);
          timeDetails.push(`log integrated time ${r.timestamp.toISOString()}`);
        }
      }
    } catch (err) {
      const other = ts.$case === 'timestamp-authority' ? stampsOtherData(ts.timestamp, entity.signature.signature, trust) : undefined;
      if (other !== undefined) {
        ignoredTimestamps.push(other);
        continue;
      }
      timestampsOk = false;
      check('timestamp', false, `timestamp does not verify: ${errorMessage(err)}`);
    }
  }
  if (ignoredTimestamps.length > 0) {
    timeDetails.push(`${ignoredTimestamps.length} RFC 3161 timestamp(s) ignored, not counted as a signing time: ${ignoredTimestamps.join('; ')}`);
    warnings.push(...ignoredTimestamps.map((t) => `RFC 3161 timestamp ignored: ${t}`));
  }
  const dupes = new Set(times.map((t) => t.getTime())).size !== times.length && timeDetails.length > 1 && new Set(timeDetails).size !== timeDetails.length;
  if (dupes) timestampsOk = check('timestamp', false, 'duplicate timestamp');
  if (timestampsOk) {
    if (times.length > 0) check('timestamp', true, timeDetails.join('; '));
    else if (noTransparency) check('timestamp', false, 'no verified signing time: without a transparency log an RFC 3161 timestamp from a trusted timestamp authority is required');
    else if (allowMissingTlog) warnings.push(`signing time not checked: no log entry or verified RFC 3161 timestamp (${why})`);
    else check('timestamp', false, `no verified signing time: ${noun} has neither a log entry with an integrated time nor an RFC 3161 timestamp`);
  }

  // 2. Signing key: certificate chain at every signing time + SCT, or the given key.
  let signer: SignerInfo | undefined;
  let signingKey: KeyObject | undefined;
  if (entity.key.$case === 'certificate') {
    const leaf = entity.key.certificate;
    signer = certificateSigner(leaf);
    const at = times.length > 0 ? times : allowMissingTlog ? [leaf.notBefore] : [];
    if (at.length === 0) {
      check('certificate', false, 'the certificate chain cannot be checked without a verified signing time');
    } else {
      try {
        const r = verifyCertificate(leaf, at, trust);
        if (r.scts.length < 1 && !noTransparency) throw new Error('expected 1 SCT, got 0');
        if (r.scts.length < 1) warnings.push(`certificate transparency not checked: the certificate carries no SCT (${why})`);
        signingKey = r.signer.key;
        check('certificate', true, `chains to a trusted Fulcio CA at ${at.map((t) => t.toISOString()).join(', ')}; ${r.scts.length} SCT verified`);
      } catch (err) {
        check('certificate', false, certificateFailure(err, leaf, at));
      }
    }
  } else {
    const kp = input.policy.kind === 'key' ? input.policy : undefined;
    const window = kp && (kp.validFrom !== undefined || kp.validUntil !== undefined)
      ? `[${kp.validFrom?.toISOString() ?? '-'}, ${kp.validUntil?.toISOString() ?? '-'}]`
      : undefined;
    try {
      if (window !== undefined && times.length === 0) throw new Error(`the key is trusted only for ${window} and ${noun} proves no signing time (no log entry, no RFC 3161 timestamp)`);
      const outside = window !== undefined ? times.find((t) => (kp?.validFrom !== undefined && t < kp.validFrom) || (kp?.validUntil !== undefined && t > kp.validUntil)) : undefined;
      if (outside) throw new Error(`signing time ${outside.toISOString()} is outside the key's validity window ${window}`);
      signingKey = verifyPublicKey(entity.key.hint, times, trust).key;
      signer = { kind: 'key', keyId: keyId(signingKey), extensions: {} };
      check('key', true, `signed with the given public key (sha256 ${signer.keyId ?? ''})${window !== undefined ? `, at ${times.map((t) => t.toISOString()).join(', ')} within its validity window ${window}` : ''}`);
    } catch (err) {
      check('key', false, `public key not accepted: ${errorMessage(err)}`);
    }
  }
  if (signer && times.length > 0) signer.signedAt = times.map((t) => t.toISOString());

  // 3. Transparency log: inclusion (SET and/or proof against a signed checkpoint), then the entry body.
  const entries: TransparencyLogEntry[] = entity.tlogEntries;
  if (entries.length === 0) {
    if (allowMissingTlog) warnings.push(`transparency-log inclusion not checked: the signature has no log entry (${why})`);
    else check('tlog-inclusion', false, 'no transparency-log entry: the signature was never proven to be in a log');
  }
  for (const entry of entries) {
    const label = `log index ${entry.logIndex}`;
    if (entry.canonicalizedBody.length === 0) {
      // Optional in sigstore_rekor.proto ("clients are responsible for constructing an equivalent payload"):
      // custody does not rebuild log entries, and without the body neither the SET, the Merkle leaf nor the
      // entry-to-signature binding can be checked. Fail closed, saying why.
      const why = 'the entry has no canonicalizedBody (optional in the Sigstore spec); custody does not rebuild log entries, so this log proof cannot be checked offline';
      check('tlog-inclusion', false, `${label}: ${why}`);
      check('tlog-body', false, `${label}: ${why}`);
      continue;
    }
    try {
      const note = verifyInclusion(entry, trust);
      const how = [entry.inclusionPromise ? 'SET' : '', entry.inclusionProof ? 'inclusion proof against a signed checkpoint' : ''].filter(Boolean).join(' + ');
      check('tlog-inclusion', true, `${label}: ${how} verified${note}`);
    } catch (err) {
      check('tlog-inclusion', false, `${label}: ${errorMessage(err)}`);
    }
    try {
      verifyEntryBody(entry, entity, bundle);
      check('tlog-body', true, `${label}: ${entry.kindVersion?.kind ?? '?'} ${entry.kindVersion?.version ?? '?'} entry matches the signature and artifact`);
    } catch (err) {
      check('tlog-body', false, `${label}: log entry is for a different artifact or signature (${errorMessage(err)})`);
    }
  }

  // 4. Signature. Ed25519 signs the message itself (no pre-hash), which MessageSignatureContent does not do.
  if (signingKey?.asymmetricKeyType === 'ed25519' && !isDsse && bundle.content.$case === 'messageSignature' && input.artifact && 'bytes' in input.artifact) {
    const bytes = input.artifact.bytes;
    const sig = Buffer.from(bundle.content.messageSignature.signature);
    const base = entity.signature;
    entity = { ...entity, signature: { ...base, signature: base.signature, compareSignature: (s) => base.compareSignature(s), compareDigest: (d) => base.compareDigest(d), verifySignature: (k) => nodeVerify(null, bytes, k, sig) } };
  }
  if (signingKey) {
    let ok = false;
    let why = 'signature does not verify';
    try {
      ok = entity.signature.verifySignature(signingKey);
      if (!ok && input.artifact && 'digest' in input.artifact && !isDsse && bundle.content.$case === 'messageSignature') {
        const r = verifyPrehashed(signingKey, input.artifact.digest.algorithm, Buffer.from(input.artifact.digest.hex, 'hex'), Buffer.from(bundle.content.messageSignature.signature));
        if (!r.ok) why = r.reason;
      }
    } catch (err) {
      why = `signature check failed: ${errorMessage(err)}`;
    }
    check('signature', ok, ok ? (isDsse ? 'DSSE envelope signature verifies' : 'signature over the artifact verifies') : isDsse ? `DSSE ${why}` : `${why} for this artifact`);
  } else {
    check('signature', false, 'not checked: no trusted signing key');
  }

  // 5. Artifact.
  checkArtifact(input.artifact, bundle, check, noun, input.digestFromArtifact === true);

  // 6. Identity policy.
  if (input.policy.kind === 'identity') {
    for (const c of checkIdentity(input.policy, signer?.identity, signer?.issuer)) checks.push(c);
  }
  return finish(input, checks, warnings, signer, bundle);
}

type Rfc3161Token = Parameters<typeof getTSATimestamp>[0];

/**
 * sigstore-go and sigstore-python verify every RFC 3161 token but count only those that verify towards the
 * required signing times; sigstore-js refuses the bundle on the first one that does not. custody takes the
 * narrow middle: a token is ignored (reported, not counted) only when it is genuine - strict shape, a trusted
 * TSA whose chain is valid at the token's time, a valid CMS signature over its TSTInfo - and the one thing wrong
 * is that its message imprint is over other data than this bundle's signature. Any other failure (corrupted,
 * untrusted or expired token) still fails the verification. Returns the reason to report, or undefined when
 * the token is not such a genuine token about other data.
 * (Case: sigstore-python test/assets/tsa/bundle.txt.sigstore carries a second token from its test TSA whose
 * SHA-512 imprint matches neither the signature nor the artifact; sigstore-python's tests count it as absent.)
 */
function stampsOtherData(token: Rfc3161Token, signature: Buffer, trust: TrustMaterial): string | undefined {
  try {
    const tst = token.tstInfo;
    const alg = tst.messageImprintHashAlgorithm;
    if (score.bufferEqual(score.digest(alg, signature), tst.messageImprintHashedMessage)) return undefined;
    // Re-run the library's own TSA verification with only the imprint comparison disabled: the same object,
    // whose tstInfo.verify(data) accepts; everything else (time window, serial/issuer, chain, message digest
    // attribute, signature) is @sigstore/verify's code.
    checkTimestampToken(token.root.toDER(), trust.timestampAuthorities.flatMap((ca) => ca.certChain));
    const lenient = Object.create(token, {
      tstInfo: { get: () => Object.assign(Object.create(tst) as typeof tst, { verify: () => undefined }) },
    }) as Rfc3161Token;
    if (lenient.signingTime.getTime() !== token.signingTime.getTime()) return undefined;
    getTSATimestamp(lenient, signature, trust.timestampAuthorities);
    const hex = Buffer.from(tst.messageImprintHashedMessage).toString('hex');
    return `the token of ${token.signingTime.toISOString()} is signed by a trusted timestamp authority but stamps other data (${alg}:${hex.slice(0, 16)}..., not the bundle's signature)`;
  } catch {
    return undefined;
  }
}

/**
 * Inclusion via @sigstore/verify. sigstore-js also requires a checkpoint signer's name to match the log's base
 * URL; Rekor v1 logs (e.g. sigstore/scaffolding deployments) sign checkpoints with their pod name, and
 * sigstore-go matches v1 checkpoint signatures by key hint alone. So for v1 entries only, a checkpoint that fails
 * on the name alone is re-checked against the same log key (matched by the full log ID), under the signer's name.
 * The signature itself is always verified. Returns a note for the report.
 */
function verifyInclusion(entry: TransparencyLogEntry, trust: TrustMaterial): string {
  checkProofConsistency(entry);
  const id = Buffer.from(entry.logId?.keyId ?? Buffer.alloc(0));
  if (!trust.tlogs.some((t) => t.logID.equals(id))) throw new Error(`the entry names log ${id.toString('base64')}, which the trusted root does not trust`);
  try {
    verifyTLogInclusion(entry, trust.tlogs);
    return '';
  } catch (err) {
    const v2 = entry.kindVersion?.version === '0.0.2' && entry.kindVersion.kind !== 'intoto';
    const envelope = entry.inclusionProof?.checkpoint?.envelope;
    if (v2 || envelope === undefined || !errorMessage(err).includes('invalid checkpoint signature')) throw err;
    const logId = Buffer.from(entry.logId?.keyId ?? Buffer.alloc(0));
    const names = [...envelope.matchAll(/\u2014 (\S+) (\S+)\n/g)].map((m) => m[1] as string).filter((n) => /^[\w.:/-]+$/.test(n));
    const tlogs = trust.tlogs.filter((t) => logId.length > 0 && t.logID.equals(logId)).flatMap((t) => names.map((n) => ({ ...t, baseURL: n })));
    if (tlogs.length === 0) throw err;
    verifyTLogInclusion(entry, tlogs);
    return ` (checkpoint signed as ${names.join(', ')}, not the log URL: accepted for a Rekor v1 log by key)`;
  }
}

/**
 * @sigstore/verify proves inclusion with the checkpoint's root and the proof's own log index; the entry's
 * `logIndex`, the proof's `rootHash` and `treeSize` are not otherwise bound. A bundle whose fields disagree
 * is refused (found by the mutation test).
 */
function checkProofConsistency(entry: TransparencyLogEntry): void {
  const proof = entry.inclusionProof;
  if (!proof) return;
  // Rekor v1 entries carry the global index (across shards) and the proof the shard's index; the SET binds
  // the global one. Rekor v2 has a single index, which must be the proven one.
  const v2 = entry.kindVersion?.version === '0.0.2' && entry.kindVersion.kind !== 'intoto';
  if (v2 && String(proof.logIndex) !== String(entry.logIndex)) {
    throw new Error(`the entry's log index ${entry.logIndex} differs from the inclusion proof's ${proof.logIndex}`);
  }
  const note = proof.checkpoint?.envelope ?? '';
  const lines = note.split('\n');
  const size = lines[1];
  const root = lines[2];
  if (size === undefined || root === undefined) throw new Error('the checkpoint has no tree size or root hash');
  if (size !== String(proof.treeSize)) throw new Error(`the inclusion proof's tree size ${proof.treeSize} differs from the checkpoint's ${size}`);
  if (!Buffer.from(root, 'base64').equals(Buffer.from(proof.rootHash))) throw new Error("the inclusion proof's root hash differs from the checkpoint's");
}

/**
 * The entry body must be about this signature and artifact. On top of @sigstore/verify's body checks:
 * Rekor v2 logs a DSSE envelope as hashedrekord 0.0.2 over Hash(PAE(type, payload)) (rekor-v2 spec 6.1.4; a
 * `dsse` 0.0.2 entry for a DSSE bundle is refused, as sigstore-java does), and the certificate recorded in a
 * hashedrekord entry must be the bundle's leaf certificate.
 */
function verifyEntryBody(entry: TransparencyLogEntry, entity: SignedEntity, bundle: Bundle): void {
  const kind = entry.kindVersion?.kind;
  const version = entry.kindVersion?.version;
  let content = entity.signature;
  if (bundle.content.$case === 'dsseEnvelope' && version === '0.0.2' && kind !== 'intoto') {
    if (kind !== 'hashedrekord') throw new Error(`unsupported entry type ${kind ?? '?'}:${version} for a DSSE bundle (Rekor v2 logs DSSE as hashedrekord)`);
    const env = bundle.content.dsseEnvelope;
    const paeDigest = score.digest('sha256', dsse.preAuthEncoding(env.payloadType, Buffer.from(env.payload)));
    const base = entity.signature;
    content = { ...base, signature: base.signature, compareSignature: (s) => base.compareSignature(s), verifySignature: (k) => base.verifySignature(k), compareDigest: (d) => score.bufferEqual(d, paeDigest) };
  }
  verifyTLogBody(entry, content);
  if (kind === 'hashedrekord' && entity.key.$case === 'certificate') {
    const body = JSON.parse(Buffer.from(entry.canonicalizedBody).toString('utf8')) as Record<string, unknown>;
    const recorded = recordedCertificate(body, version);
    if (recorded === undefined) throw new Error('the entry records no certificate');
    if (!recorded.equals(entity.key.certificate.root.toDER())) throw new Error('the entry records a different certificate than the bundle');
  }
}

/** DER of the certificate a hashedrekord body records (v0.0.1: base64 PEM; v0.0.2: base64 DER). */
function recordedCertificate(body: Record<string, unknown>, version: string | undefined): Buffer | undefined {
  const get = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined), o);
  if (version === '0.0.2') {
    const raw = get(body, 'spec', 'hashedRekordV002', 'signature', 'verifier', 'x509Certificate', 'rawBytes');
    return typeof raw === 'string' ? Buffer.from(raw, 'base64') : undefined;
  }
  const pemB64 = get(body, 'spec', 'signature', 'publicKey', 'content');
  if (typeof pemB64 !== 'string') return undefined;
  const pem = Buffer.from(pemB64, 'base64').toString('utf8');
  if (!pem.includes('BEGIN CERTIFICATE')) return undefined;
  return X509Certificate.parse(pem).root.toDER();
}

function certificateFailure(err: unknown, leaf: X509Certificate, at: Date[]): string {
  const msg = errorMessage(err);
  const late = at.find((t) => t > leaf.notAfter);
  if (late) return `certificate expired before the signing time: valid until ${leaf.notAfter.toISOString()}, signed at ${late.toISOString()} (${msg})`;
  const early = at.find((t) => t < leaf.notBefore);
  if (early) return `certificate not yet valid at the signing time: valid from ${leaf.notBefore.toISOString()}, signed at ${early.toISOString()} (${msg})`;
  return `certificate not trusted: ${msg}`;
}

function checkArtifact(artifact: ArtifactInput | undefined, bundle: Bundle, check: (n: string, ok: boolean, d: string) => boolean, noun = 'the bundle', digestFromArtifact = false): void {
  if (bundle.content.$case === 'messageSignature') {
    const md = bundle.content.messageSignature.messageDigest;
    if (artifact === undefined) {
      check('artifact', false, 'no artifact given: a message signature can only be checked against the artifact or its digest');
      return;
    }
    if (md === undefined) return; // the signature check above covers bytes; digest subjects need no messageDigest
    if (digestFromArtifact) {
      // Nothing in the bundle to compare: the signature check (over these bytes or this digest) binds the artifact.
      check('artifact', true, `${noun} names no digest (optional in the spec); the signature was checked over the artifact given`);
      return;
    }
    const mdHex = Buffer.from(md.digest).toString('hex');
    const alg = md.algorithm === 3 ? 'sha512' : md.algorithm === 2 ? 'sha384' : 'sha256';
    const have = 'bytes' in artifact ? createHash(alg).update(artifact.bytes).digest('hex') : artifact.digest.algorithm === alg ? artifact.digest.hex.toLowerCase() : undefined;
    if (have === undefined) {
      check('artifact', false, `${noun} signs a ${alg} digest; the artifact was given as ${'digest' in artifact ? artifact.digest.algorithm : '?'}`);
    } else {
      check('artifact', have === mdHex, have === mdHex ? `artifact ${alg}:${have} matches ${noun}` : `artifact is ${alg}:${have}, ${noun} signs ${alg}:${mdHex}`);
    }
    return;
  }
  if (artifact === undefined) return; // DSSE: the caller checks the statement subjects from result.payload
  const env = bundle.content.dsseEnvelope;
  const digests = 'bytes' in artifact
    ? { sha256: createHash('sha256').update(artifact.bytes).digest('hex'), sha512: createHash('sha512').update(artifact.bytes).digest('hex') }
    : { [artifact.digest.algorithm]: artifact.digest.hex.toLowerCase() };
  let subjects: { name?: unknown; digest?: Record<string, unknown> }[] = [];
  try {
    const stmt = JSON.parse(Buffer.from(env.payload).toString('utf8')) as { subject?: unknown };
    if (Array.isArray(stmt.subject)) subjects = stmt.subject as typeof subjects;
  } catch {
    subjects = [];
  }
  if (!env.payloadType.startsWith('application/vnd.in-toto')) {
    check('artifact', false, `DSSE payload type ${env.payloadType} is not an in-toto statement; it names no subject to compare the artifact with`);
    return;
  }
  const match = subjects.find((s) => s.digest && Object.entries(digests).some(([a, h]) => typeof s.digest?.[a] === 'string' && (s.digest[a] as string).toLowerCase() === h));
  const shown = Object.entries(digests).map(([a, h]) => `${a}:${h}`)[0] ?? '';
  check('artifact', match !== undefined, match ? `artifact ${shown} is a subject of the statement${typeof match.name === 'string' ? ` (${match.name})` : ''}` : `artifact ${shown} is not among the statement's ${subjects.length} subject(s)`);
}

function finish(input: EntityInput, checks: VerifyCheck[], warnings: string[], signer: SignerInfo | undefined, bundle: Bundle): VerifyResult {
  const verified = checks.length > 1 && checks.every((c) => c.ok) && checks.some((c) => c.name === 'signature' && c.ok);
  const result: VerifyResult = {
    verified,
    subject: input.subject,
    ...(input.source !== undefined ? { source: input.source } : {}),
    ...(signer ? { signer } : {}),
    checks,
    warnings,
  };
  if (bundle.content.$case === 'dsseEnvelope') {
    result.payload = { type: bundle.content.dsseEnvelope.payloadType, bytes: Buffer.from(bundle.content.dsseEnvelope.payload) };
  }
  return result;
}

/** DSSE pre-authentication encoding, re-exported for cosign attestation helpers. */
export const preAuthEncoding = dsse.preAuthEncoding;
