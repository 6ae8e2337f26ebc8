/**
 * The data `custody provenance check` works on and returns: attestations as found in files,
 * the in-toto statement inside them, the SLSA facts read from the predicate, and the result.
 * Plain data only: rendered by report/, turned into an exit code by cli/.
 */

/** One signature of a DSSE envelope. `cert` is the PEM leaf some bare envelopes carry (slsa-github-generator < v1.5). */
export interface DsseSignature {
  sig: string;
  keyid?: string;
  cert?: string;
}

/** A DSSE envelope (payload base64-encoded). */
export interface DsseEnvelope {
  payloadType: string;
  payload: string;
  signatures: DsseSignature[];
}

/** How an attestation was packaged. */
export type AttestationForm =
  | 'sigstore-bundle'
  | 'dsse-envelope'
  | 'npm-attestations'
  | 'gcb-provenance'
  /** A cosign `.att` layer with its Rekor entry and SET (`dev.sigstore.cosign/bundle`), verified as a Sigstore bundle. */
  | 'cosign-attestation'
  | 'unsigned-statement'
  | 'unsigned-predicate';

/** One attestation found in an input: the envelope, plus the Sigstore bundle (parsed JSON) that carried it if any. */
export interface Attestation {
  form: AttestationForm;
  /** Where it came from, for messages: `app.intoto.jsonl line 2`. */
  origin: string;
  envelope: DsseEnvelope;
  /** The whole Sigstore bundle JSON (for verification) when form is sigstore-bundle or npm-attestations. */
  bundle?: unknown;
  /**
   * Unsigned input (an in-toto statement or a bare SLSA predicate, not in any envelope): `envelope` then holds
   * the JSON as its payload with no signature, so it is parsed for the report but can never pass.
   */
  unsigned?: 'statement' | 'predicate';
  /** cosign `.att` layers: the envelope bytes exactly as stored (what the Rekor entry hashed). */
  envelopeBytes?: Buffer;
  /** Cloud Build summaries: the unsigned fields beside the envelope, which must agree with it. */
  gcb?: { kind?: unknown; resourceUri?: unknown; imageDigest?: unknown; textStatement?: unknown };
}

export interface Subject {
  name?: string;
  /** algorithm (lower-case) -> hex digest (lower-case). */
  digest: Record<string, string>;
}

/** An in-toto statement (v0.1 or v1). */
export interface Statement {
  type: string;
  predicateType: string;
  subjects: Subject[];
  predicate: Record<string, unknown>;
}

export type SlsaVersion = 'v0.1' | 'v0.2' | 'v1';

/** What the predicate says about the build, normalised across SLSA v0.1, v0.2 and v1. */
export interface ProvenanceFacts {
  slsaVersion?: SlsaVersion;
  builderId?: string;
  buildType?: string;
  source?: {
    /** As written in the predicate (`git+https://github.com/org/repo@refs/tags/v1`). */
    uri: string;
    /** Normalised repository (`github.com/org/repo`). */
    repository: string;
    /** Full ref (`refs/tags/v1.2.0`, `refs/heads/main`) when the predicate records one. */
    ref?: string;
    commit?: string;
  };
  workflow?: {
    /** Path inside the source repository (`.github/workflows/release.yml`). */
    path: string;
    ref?: string;
  };
  trigger?: string;
  invocationId?: string;
}

/** A claim the user can state on the command line; each has its own report line. */
export type ClaimName =
  | 'signature'
  | 'predicate-type'
  | 'subject'
  | 'summary'
  | 'signer'
  | 'builder-id'
  | 'source-uri'
  | 'source-tag'
  | 'source-branch'
  | 'source-versioned-tag'
  | 'workflow'
  | 'build-type';

export interface ClaimCheck {
  claim: ClaimName;
  ok: boolean;
  /** What the user (or custody's default policy) asked for. */
  expected?: string;
  /** What the attestation says. */
  actual?: string;
  /** One lower-case sentence: why it holds or what is wrong. */
  detail: string;
}

/** The Fulcio certificate's GitHub workflow claims (OIDs 1.3.6.1.4.1.57264.1.*), whichever the certificate carries. */
export interface CertificateClaims {
  issuer?: string;
  buildSignerUri?: string;
  buildSignerDigest?: string;
  runnerEnvironment?: string;
  sourceRepositoryUri?: string;
  sourceRepositoryDigest?: string;
  sourceRepositoryRef?: string;
  buildTrigger?: string;
  runInvocationUri?: string;
  /** Legacy extensions 1.2–1.6 (GitHub workflow trigger, sha, name, repository, ref). */
  githubWorkflowTrigger?: string;
  githubWorkflowSha?: string;
  githubWorkflowName?: string;
  githubWorkflowRepository?: string;
  githubWorkflowRef?: string;
}

/** Who signed: a Fulcio certificate identity, or a public key. */
export interface Signer {
  kind: 'certificate' | 'key';
  /** Certificate SAN (URI or e-mail), or a key description (`key ./cosign.pub`). */
  identity: string;
  claims: CertificateClaims;
}

/** Outcome of the authenticity step (signature, chain, log proof), produced through src/verify. */
export interface Authenticity {
  ok: boolean;
  /** Short description of what was verified: `sigstore bundle`, `dsse envelope (certificate, no log proof)`, `dsse envelope (key)`. */
  method: string;
  checks: { name: string; ok: boolean; detail: string }[];
  signer?: Signer;
  /** False when the transparency-log proof and the signing time were not checked (--allow-missing-tlog). */
  tlogChecked: boolean;
  signedAt?: string;
  /**
   * Checks that were deliberately not performed (the user's opt-ins: missing log proof, private instance
   * without transparency logs), one lower-case sentence each; the report prints them as "not checked".
   */
  notChecked?: string[];
  /** Set when the signature was accepted only through --allow-no-transparency-log (private Sigstore instance). */
  privateInstance?: boolean;
  /** The verified DSSE payload; statements are only ever read from these bytes. */
  payload?: Buffer;
  error?: { code: string; message: string };
}

/** Verifies one attestation; built in cli/ over src/verify. */
export type Authenticator = (attestation: Attestation) => Promise<Authenticity>;

/** The artifact the provenance must describe. */
export interface ArtifactRef {
  kind: 'file' | 'digest' | 'image';
  /** What the user typed (path, `sha256:...`, image reference). */
  ref: string;
  /** algorithm -> hex; a file has sha256 and sha512, an image its manifest digest. */
  digests: Record<string, string>;
}

/** One link of the chain of custody as the report draws it. */
export interface ChainLink {
  step: 'source' | 'workflow' | 'builder' | 'artifact';
  /** The value shown (`github.com/org/app @ 1a2b3c4 (refs/tags/v1.2.0)`). */
  value: string;
  ok: boolean;
  /** Claims shown under this link. */
  claims: ClaimName[];
}

/** The evaluation of one attestation against the artifact and the expectations. */
export interface AttestationEvaluation {
  origin: string;
  form: AttestationForm;
  authenticity: Authenticity;
  statement?: Statement;
  facts?: ProvenanceFacts;
  checks: ClaimCheck[];
  chain: ChainLink[];
  passed: boolean;
  notes: string[];
}

export interface ProvenanceResult {
  /** True when one attestation passes every check. */
  passed: boolean;
  artifact: ArtifactRef;
  /** The attestation input (`--attestation` path or `image attachments`). */
  input: string;
  /** The evaluation reported: the passing one, else the one that got furthest. */
  selected: AttestationEvaluation;
  /** How many attestations were found and evaluated. */
  evaluated: number;
  /** Expectations as given, for the JSON report. */
  expectations: ProvenanceExpectations;
}

/** Claims from the command line (slsa-verifier flag names). */
export interface ProvenanceExpectations {
  builderId?: string;
  sourceUri?: string;
  sourceTag?: string;
  sourceBranch?: string;
  sourceVersionedTag?: string;
  workflow?: string;
  buildType?: string;
  predicateType?: string;
}
