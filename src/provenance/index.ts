/**
 * provenance/: `custody provenance check` — SLSA provenance from the build that made an artifact to the
 * artifact you hold. Authenticity through verify/, then the subject, then each claim.
 */
export type * from './model.js';
export { parseAttestations, envelopePayload, MAX_ATTESTATION_BYTES } from './attestation.js';
export { parseStatement, extractFacts, normaliseSourceUri, SLSA_PREDICATE_TYPES } from './statement.js';
export {
  builderIdMatches,
  versionedTagMatches,
  checkClaims,
  checkSigner,
  checkSubject,
  DEFAULT_TRUSTED_BUILDERS,
  TRUSTED_DELEGATORS,
} from './claims.js';
export { checkProvenance, evaluateAttestation, type CheckInput } from './check.js';
export { createAuthenticator, createVsaKeyCheck, type AuthenticatorOptions } from './authenticate.js';
export {
  checkVsa,
  checkVerifiedLevels,
  checkVsaClaims,
  parseSubjectDigest,
  readVsaSummary,
  signaturesForKey,
  vsaJson,
  VSA_JSON_SCHEMA,
  VSA_PREDICATE_TYPE,
  type VsaCheck,
  type VsaChainLink,
  type VsaEvaluation,
  type VsaExpectations,
  type VsaResult,
  type VsaSummary,
} from './vsa.js';
export { discoverImageAttestations, type ImageAttestations } from './image.js';
export { fileArtifact, parseDigestRef, imageRefDigest, IMAGE_PREFIX } from './artifact.js';
export { provenanceJson, statementJson, PROVENANCE_JSON_SCHEMA } from './json.js';
