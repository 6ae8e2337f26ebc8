/**
 * The result of `custody verify` (and of every signature check other commands make through verify/):
 * plain data, rendered by report/ and reduced to an exit code by cli/.
 */

/** One check that was performed, with the exact mismatch when it failed. */
export interface VerifyCheck {
  /** Stable, short name: 'bundle', 'certificate-chain', 'sct', 'tlog-inclusion', 'tlog-body', 'timestamp', 'signature', 'artifact', 'identity', 'issuer', 'key', ... */
  name: string;
  ok: boolean;
  /** What was checked, or on failure what did not match ("expected identity X, certificate says Y"). */
  detail: string;
}

/** Who signed: the certificate identity (keyless) or the public key (key-based). */
export interface SignerInfo {
  /** Certificate Subject Alternative Name (URI or e-mail); absent for key-based signatures. */
  identity?: string;
  /** OIDC issuer from the Fulcio extension (1.3.6.1.4.1.57264.1.8, else .1.1). */
  issuer?: string;
  /** 'certificate' for keyless, 'key' for --key. */
  kind: 'certificate' | 'key';
  /** For key-based signatures: the SHA-256 of the SPKI DER of the key that verified. */
  keyId?: string;
  /** Validity of the leaf certificate (ISO 8601). */
  notBefore?: string;
  notAfter?: string;
  /** Times the signature is proven to have existed at (log integrated time, RFC 3161 timestamps), ISO 8601. */
  signedAt?: string[];
  /**
   * Fulcio certificate extensions by name (GitHub workflow claims and their v2 equivalents):
   * githubWorkflowTrigger, githubWorkflowSha, githubWorkflowName, githubWorkflowRepository, githubWorkflowRef,
   * buildSignerURI, buildSignerDigest, runnerEnvironment, sourceRepositoryURI, sourceRepositoryDigest,
   * sourceRepositoryRef, sourceRepositoryIdentifier, sourceRepositoryOwnerURI, sourceRepositoryOwnerIdentifier,
   * buildConfigURI, buildConfigDigest, buildTrigger, runInvocationURI, sourceRepositoryVisibilityAtSigning.
   */
  extensions: Record<string, string>;
}

/** A verification error, when the input could not even be evaluated (malformed bundle, ...). */
export interface VerifyErrorInfo {
  code: string;
  message: string;
  hint?: string;
}

/** The DSSE payload of a verified (or rejected) envelope. Only trust it when `verified` is true. */
export interface VerifiedPayload {
  /** DSSE payloadType, e.g. 'application/vnd.in-toto+json'. */
  type: string;
  bytes: Buffer;
}

export interface VerifyResult {
  /** True only when every check passed; fail closed otherwise. */
  verified: boolean;
  /** What was verified (a file path, a digest, an image reference). */
  subject: string;
  /** Where the signature came from (a bundle path, `image .sig tag`, ...). */
  source?: string;
  signer?: SignerInfo;
  checks: VerifyCheck[];
  /** DSSE payload (attestations). Present when the bundle is a DSSE envelope. */
  payload?: VerifiedPayload;
  /** Set when verification could not be evaluated (malformed input): still a failure, never a pass. */
  error?: VerifyErrorInfo;
  /** Things the user should know that are not failures (e.g. "log proof not checked: --insecure-ignore-tlog"). */
  warnings: string[];
}

/** An exact string or a regular expression (anchored at both ends when compiled). */
export type StringMatcher = { exact: string } | { regexp: string };

/** Keyless (Fulcio certificate) policy, as cosign: both an identity and an issuer are required. */
export interface IdentityPolicy {
  kind: 'identity';
  identity: StringMatcher;
  issuer: StringMatcher;
}

/** Key-based policy: the signature must verify with this public key (PEM SPKI; ECDSA P-256/384/521, Ed25519, RSA). */
export interface KeyPolicy {
  kind: 'key';
  publicKeyPem: string;
  /**
   * The key is trusted only for signatures whose verified signing times (log integrated time, RFC 3161
   * timestamps) fall in [validFrom, validUntil] (a rotated or revoked key; sigstore-go's expiring keys). With a
   * window, a signature with no verified signing time fails.
   */
  validFrom?: Date;
  validUntil?: Date;
}

export type VerifyPolicy = IdentityPolicy | KeyPolicy;

/**
 * The artifact a message signature (or DSSE subject) is about: its bytes, or only its digest.
 * `undefined` for DSSE bundles whose statement subjects the caller checks itself (provenance).
 */
export type ArtifactInput =
  | { bytes: Buffer }
  | { digest: { algorithm: 'sha256' | 'sha512'; hex: string } };

/** Summary of a trusted root, for `--show-trust` and reports. */
export interface TrustedRootSummary {
  source: 'built-in' | 'file' | 'tuf';
  /** File path, or the TUF mirror URL, or the package the snapshot was taken from. */
  origin: string;
  /** For the built-in root: the TUF root.json version and expiry the snapshot came with. */
  snapshot?: { package: string; tufRootVersion: number; tufRootExpires: string };
  mediaType: string;
  certificateAuthorities: { uri: string; subject: string; validFrom?: string; validTo?: string }[];
  tlogs: { baseUrl: string; keyId: string; validFrom?: string; validTo?: string }[];
  ctlogs: { baseUrl: string; keyId: string; validFrom?: string; validTo?: string }[];
  timestampAuthorities: { uri: string; subject: string; validFrom?: string; validTo?: string }[];
}
