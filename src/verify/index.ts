/**
 * verify/: the only importer of sigstore packages. Public surface for cli/, provenance/ and audit/.
 *
 * Typical use (provenance reuses this; a statement whose signature does not verify is never evaluated):
 * ```ts
 * const trustedRoot = loadTrustedRoot(flags.trustedRoot);          // built-in public-good root when undefined
 * const r = verifyBundle({ bundle: JSON.parse(text), artifact: undefined, trustedRoot,
 *   policy: { kind: 'identity', identity: { regexp: '^https://github.com/org/' }, issuer: { exact: 'https://token.actions.githubusercontent.com' } } });
 * if (!r.verified) return r;                                       // r.checks says what failed
 * const statement = JSON.parse(r.payload!.bytes.toString('utf8'));  // DSSE payload, only now trusted
 * ```
 */
export type {
  ArtifactInput,
  IdentityPolicy,
  KeyPolicy,
  SignerInfo,
  StringMatcher,
  TrustedRootSummary,
  VerifiedPayload,
  VerifyCheck,
  VerifyErrorInfo,
  VerifyPolicy,
  VerifyResult,
} from './model.js';
export type { TrustedRootHandle } from './trust.js';
/**
 * loadTrustedRoot(path?): the built-in public-good root (from @sigstore/tuf's seed) or a trusted_root.json /
 * ClientTrustConfig file. Throws InputError VERIFY_TRUST_UNREADABLE / VERIFY_TRUST_MALFORMED.
 * refreshTrustedRoot(cacheDir): fetch it over TUF (network; only on --tuf-refresh). Throws NetworkError VERIFY_TUF_FAILED.
 */
export { builtInTrustedRoot, loadTrustedRoot, parseTrustedRoot, refreshTrustedRoot } from './trust.js';
/**
 * verifyBundle({bundle, artifact?, policy, trustedRoot, options?}): VerifyResult. Never throws for bad
 * signatures or malformed bundles (result.error is set for the latter); throws UsageError VERIFY_BAD_REGEXP.
 * verifyDsseEnvelope({envelope, certificate?, ...}): a bare DSSE envelope; needs options.allowMissingTlog.
 */
export { verifyBundle, verifyDsseEnvelope, type VerifyBundleInput, type VerifyOptions } from './bundle.js';
/**
 * compileMatcher: anchored regexp / exact matcher used by the identity policy. assertPublicKeyPem(pem, label,
 * prefix): one PEM public key custody verifies with; throws InputError <prefix>_KEY_IS_PRIVATE /
 * _KEY_IS_CERTIFICATE / _BAD_KEY.
 */
export { assertPublicKeyPem, checkIdentity, compileMatcher } from './policy.js';
/**
 * verifyDetachedSignature: cosign sign-blob signatures (--signature [--certificate]) and image signature layers,
 * verified as an equivalent bundle. decodeSignatureFile: base64 .sig text -> bytes (lenient, for annotations).
 * parseSignatureFile(bytes, label): a --signature file; throws InputError VERIFY_SIGNATURE_EMPTY / _MALFORMED.
 */
export { decodeSignatureFile, parseSignatureFile, verifyDetachedSignature, type DetachedSignatureInput } from './detached.js';
/**
 * openImageSignatureStore(ref, {cwd, plainHttp, ...}) + verifyImageSignatures({store, policy, trustedRoot}):
 * cosign `.sig` signatures and Sigstore-bundle referrers of an image (registry: or oci-dir:). Throws
 * NetworkError from the registry (exit 5), InputError/UsageError for bad references.
 */
export { IMAGE_REF, openImageSignatureStore, verifyImageSignatures, type ImageSignatureStore } from './image-signatures.js';
/** verifyResultJson: the documented `-o json` shape. */
export { verifyResultJson, type VerifyJson } from './json.js';
