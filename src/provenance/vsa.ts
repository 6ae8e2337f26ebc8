/**
 * SLSA Verification Summary Attestations (https://slsa.dev/verification_summary/v1), checked as
 * slsa-verifier's `verify-vsa` does (https://slsa.dev/spec/v1.1/verification_summary#how-to-verify):
 * 1. the DSSE signature with the verifier's public key (a signature whose keyid names another key is not
 *    tried; the key's id is --public-key-id, else the SHA-256 of the key), 2. the expected subject digests,
 * 3. the predicate type, 4. the verifier id, 5. the resource URI, 6. verificationResult PASSED,
 * 7. the verified levels (SLSA_<TRACK>_LEVEL_<n> is met by any level >= n of that track; other levels exactly).
 * A statement whose signature does not verify is never evaluated. Pure except for the injected signature check.
 */
import { UsageError } from '../core/errors.js';
import { envelopePayload } from './attestation.js';
import type { Attestation, DsseSignature, Statement } from './model.js';
import { parseStatement } from './statement.js';

export const VSA_PREDICATE_TYPE = 'https://slsa.dev/verification_summary/v1';
export const VSA_JSON_SCHEMA = 'custody.provenance-vsa/v1';

export type VsaClaimName = 'signature' | 'predicate-type' | 'subject-digest' | 'verifier-id' | 'resource-uri' | 'verification-result' | 'verified-levels';

export interface VsaCheck {
  claim: VsaClaimName;
  ok: boolean;
  expected?: string;
  actual?: string;
  detail: string;
}

/** What the user expects (slsa-verifier verify-vsa flags). */
export interface VsaExpectations {
  /** `<type>:<value>` (sha256:..., gce_image_id:...); every one must be a subject digest. */
  subjectDigests: string[];
  verifierId: string;
  resourceUri: string;
  verifiedLevels: string[];
}

/** The verification summary as read from the predicate. */
export interface VsaSummary {
  verifierId?: string;
  verifierVersion?: Record<string, string>;
  timeVerified?: string;
  resourceUri?: string;
  policyUri?: string;
  verificationResult?: string;
  verifiedLevels: string[];
  slsaVersion?: string;
}

export interface VsaKeyResult {
  ok: boolean;
  detail: string;
  /** The key that verified (label and SHA-256 of the SPKI). */
  key?: string;
}

/**
 * Verifies one DSSE signature (PAE) with the public key; built in cli/ over src/verify. `sig` is the only
 * signature passed on; `origin` names the envelope in messages (file and line).
 */
export type VsaSignatureCheck = (envelope: { payloadType: string; payload: string; signatures: DsseSignature[] }, origin?: string) => Promise<VsaKeyResult>;

export interface VsaInput {
  attestations: Attestation[];
  expectations: VsaExpectations;
  /** The id the public key is known by (`keystore://...`); undefined: the SHA-256 of the key. */
  publicKeyId: string | undefined;
  /** SHA-256 (hex) of the public key's SPKI, its id when no --public-key-id is given. */
  publicKeySha256: string;
  verifySignature: VsaSignatureCheck;
  /** Name of the attestation input, for the report. */
  input: string;
}

export interface VsaChainLink {
  step: 'verifier' | 'policy' | 'resource' | 'subject';
  value: string;
  ok: boolean;
  claims: VsaClaimName[];
}

export interface VsaEvaluation {
  origin: string;
  form: Attestation['form'];
  /** How the signature was checked (`DSSE envelope (key keystore://...)`). */
  method: string;
  signer?: string;
  statement?: Statement;
  summary?: VsaSummary;
  checks: VsaCheck[];
  chain: VsaChainLink[];
  passed: boolean;
  notes: string[];
}

export interface VsaResult {
  passed: boolean;
  input: string;
  selected: VsaEvaluation;
  evaluated: number;
  expectations: VsaExpectations & { publicKeyId?: string };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** `type:value` -> [type, value]; a UsageError when it has no colon. */
export function parseSubjectDigest(d: string): [string, string] {
  const i = d.indexOf(':');
  if (i <= 0 || i === d.length - 1) {
    throw new UsageError('PROVENANCE_VSA_BAD_DIGEST', `--subject-digest ${JSON.stringify(d)} is not <type>:<value>`, {
      hint: 'give the digest as its type and value, e.g. sha256:<64 hex> or gce_image_id:8970095005306000053',
    });
  }
  return [d.slice(0, i).toLowerCase(), d.slice(i + 1).toLowerCase()];
}

/** The summary fields of a VSA predicate (v1, and the v0.2 names where they differ). */
export function readVsaSummary(predicate: Record<string, unknown>): VsaSummary {
  const verifier = isObject(predicate.verifier) ? predicate.verifier : {};
  const levels = Array.isArray(predicate.verifiedLevels) ? predicate.verifiedLevels.filter((l): l is string => typeof l === 'string') : [];
  const s: VsaSummary = { verifiedLevels: levels };
  const id = str(verifier.id);
  if (id) s.verifierId = id;
  if (isObject(verifier.version)) s.verifierVersion = Object.fromEntries(Object.entries(verifier.version).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const t = str(predicate.timeVerified);
  if (t) s.timeVerified = t;
  const r = str(predicate.resourceUri) ?? str(predicate.resource_uri);
  if (r) s.resourceUri = r;
  const p = isObject(predicate.policy) ? str(predicate.policy.uri) : undefined;
  if (p) s.policyUri = p;
  const vr = str(predicate.verificationResult) ?? str(predicate.policy_result);
  if (vr) s.verificationResult = vr;
  const sv = str(predicate.slsaVersion);
  if (sv) s.slsaVersion = sv;
  return s;
}

const SLSA_LEVEL = /^SLSA_([A-Z0-9]+)_LEVEL_(\d+)$/;

/** SLSA track -> highest level among `levels`; levels that start with SLSA_ but do not parse are returned as invalid. */
function slsaLadder(levels: string[]): { ladder: Map<string, number>; invalid: string[] } {
  const ladder = new Map<string, number>();
  const invalid: string[] = [];
  for (const l of levels) {
    if (!l.startsWith('SLSA_')) continue;
    const m = SLSA_LEVEL.exec(l);
    if (!m) {
      invalid.push(l);
      continue;
    }
    ladder.set(m[1]!, Math.max(ladder.get(m[1]!) ?? -1, Number(m[2])));
  }
  return { ladder, invalid };
}

/** Whether the VSA's verified levels meet every expected level (slsa-verifier's rule). */
export function checkVerifiedLevels(expected: string[], actual: string[]): VsaCheck {
  const shown = actual.join(', ') || '(none)';
  const base = { claim: 'verified-levels' as const, expected: expected.join(', ') || '(any)', actual: shown };
  const want = slsaLadder(expected);
  if (want.invalid.length > 0) {
    throw new UsageError('PROVENANCE_VSA_BAD_LEVEL', `--verified-level ${want.invalid[0]!} is not a SLSA level`, { hint: 'SLSA levels are SLSA_<TRACK>_LEVEL_<n>, e.g. SLSA_BUILD_LEVEL_2; other names (BCID_L1) are matched exactly' });
  }
  const got = slsaLadder(actual);
  if (got.invalid.length > 0) return { ...base, ok: false, detail: `the VSA names an invalid SLSA level ${got.invalid[0]!}` };
  const problems: string[] = [];
  for (const [track, min] of want.ladder) {
    const have = got.ladder.get(track);
    if (have === undefined) problems.push(`no SLSA ${track} level`);
    else if (have < min) problems.push(`SLSA ${track} level ${have} is below ${min}`);
  }
  const other = new Set(actual.filter((l) => !l.startsWith('SLSA_')));
  for (const l of expected.filter((x) => !x.startsWith('SLSA_'))) if (!other.has(l)) problems.push(`level ${l} not verified`);
  if (problems.length > 0) return { ...base, ok: false, detail: problems.join('; ') };
  return { ...base, ok: true, detail: expected.length === 0 ? 'no level required' : 'every expected level is met' };
}

/** The claims of a verified VSA statement against the expectations (steps 2–7). */
export function checkVsaClaims(st: Statement, e: VsaExpectations): { summary: VsaSummary; checks: VsaCheck[] } {
  const summary = readVsaSummary(st.predicate);
  const checks: VsaCheck[] = [];
  checks.push(
    st.predicateType === VSA_PREDICATE_TYPE
      ? { claim: 'predicate-type', ok: true, actual: st.predicateType, detail: 'SLSA verification summary v1' }
      : { claim: 'predicate-type', ok: false, expected: VSA_PREDICATE_TYPE, actual: st.predicateType || '(none)', detail: 'the statement is not a SLSA verification summary' },
  );
  const have = new Set(st.subjects.flatMap((s) => Object.entries(s.digest).map(([t, v]) => `${t}:${v}`)));
  const missing = e.subjectDigests.filter((d) => !have.has(parseSubjectDigest(d).join(':')));
  checks.push(
    missing.length === 0
      ? { claim: 'subject-digest', ok: true, actual: e.subjectDigests.join(', '), detail: `every expected digest is a subject of the VSA` }
      : { claim: 'subject-digest', ok: false, expected: missing.join(', '), actual: [...have].join(', ') || '(no subject digest)', detail: `expected digest not found among the VSA subjects` },
  );
  const eq = (claim: VsaClaimName, want: string, got: string | undefined, what: string): VsaCheck =>
    got === undefined
      ? { claim, ok: false, expected: want, actual: '(none)', detail: `the VSA has no ${what}` }
      : got === want
        ? { claim, ok: true, actual: got, detail: `${what} matches` }
        : { claim, ok: false, expected: want, actual: got, detail: `${what} mismatch` };
  checks.push(eq('verifier-id', e.verifierId, summary.verifierId, 'verifier id'));
  checks.push(eq('resource-uri', e.resourceUri, summary.resourceUri, 'resource URI'));
  checks.push(
    summary.verificationResult === 'PASSED'
      ? { claim: 'verification-result', ok: true, actual: 'PASSED', detail: 'the verifier passed the resource' }
      : { claim: 'verification-result', ok: false, expected: 'PASSED', actual: summary.verificationResult ?? '(none)', detail: 'the verifier did not pass the resource' },
  );
  checks.push(checkVerifiedLevels(e.verifiedLevels, summary.verifiedLevels));
  return { summary, checks };
}

function chainOf(summary: VsaSummary | undefined, checks: VsaCheck[], e: VsaExpectations): VsaChainLink[] {
  const link = (step: VsaChainLink['step'], value: string, claims: VsaClaimName[]): VsaChainLink => {
    const mine = checks.filter((c) => claims.includes(c.claim));
    return { step, value, ok: mine.length > 0 && mine.every((c) => c.ok), claims: mine.map((c) => c.claim) };
  };
  const version = summary?.verifierVersion ? ` (${Object.entries(summary.verifierVersion).map(([k, v]) => `${k} ${v}`).join(', ')})` : '';
  const policy = summary
    ? `${summary.policyUri ?? '(no policy URI)'} → ${summary.verificationResult ?? '(no result)'}${summary.verifiedLevels.length ? ` [${summary.verifiedLevels.join(', ')}]` : ''}${summary.timeVerified ? ` at ${summary.timeVerified}` : ''}`
    : '(not evaluated)';
  return [
    link('verifier', summary?.verifierId ? `${summary.verifierId}${version}` : '(not recorded)', ['verifier-id']),
    link('policy', policy, ['verification-result', 'verified-levels']),
    link('resource', summary?.resourceUri ?? '(not recorded)', ['resource-uri']),
    link('subject', e.subjectDigests.join(', '), ['subject-digest']),
  ];
}

/** The signatures the key may have made: a keyid naming another key is skipped (DSSE keyid matching). */
export function signaturesForKey(sigs: DsseSignature[], keyId: string): DsseSignature[] {
  return sigs.filter((s) => s.sig !== '' && (s.keyid === undefined || s.keyid === '' || s.keyid === keyId));
}

async function evaluate(att: Attestation, input: VsaInput): Promise<VsaEvaluation> {
  const keyId = input.publicKeyId !== undefined && input.publicKeyId !== '' ? input.publicKeyId : input.publicKeySha256;
  const method = `DSSE envelope (key id ${keyId})`;
  const notes = ['signed with a public key: no transparency log or signing time is checked (as slsa-verifier verify-vsa)'];
  const fail = (detail: string, actual?: string): VsaEvaluation => {
    const checks: VsaCheck[] = [{ claim: 'signature', ok: false, detail, ...(actual !== undefined ? { actual } : {}) }];
    return { origin: att.origin, form: att.form, method, checks, chain: chainOf(undefined, checks, input.expectations), passed: false, notes: [] };
  };
  if (att.unsigned !== undefined) return fail('the VSA carries no signature: nothing proves which verifier made it', 'unsigned');
  if (att.bundle !== undefined) return fail('a VSA is checked with the verifier\'s public key; this is a Sigstore bundle (use custody verify for it)');
  const candidates = signaturesForKey(att.envelope.signatures, keyId);
  if (candidates.length === 0) {
    const ids = att.envelope.signatures.map((s) => s.keyid || '(none)').join(', ');
    return fail(`no signature is by the key with id ${keyId}: the envelope's signatures name ${ids || 'no key'}`, ids);
  }
  let last: VsaKeyResult | undefined;
  for (const sig of candidates) {
    last = await input.verifySignature({ payloadType: att.envelope.payloadType, payload: att.envelope.payload, signatures: [{ sig: sig.sig, keyid: sig.keyid ?? '' }] }, att.origin);
    if (last.ok) break;
  }
  if (!last!.ok) return fail(`DSSE signature does not verify with the public key: ${last!.detail}`);
  // Only the verified bytes are read.
  const statement = parseStatement(envelopePayload(att.envelope), att.envelope.payloadType, att.origin);
  const signature: VsaCheck = { claim: 'signature', ok: true, detail: `${method} verified${last!.key ? ` with ${last!.key}` : ''}` };
  const { summary, checks } = checkVsaClaims(statement, input.expectations);
  const all = [signature, ...checks];
  return {
    origin: att.origin,
    form: att.form,
    method,
    ...(last!.key ? { signer: last!.key } : {}),
    statement,
    summary,
    checks: all,
    chain: chainOf(summary, all, input.expectations),
    passed: all.every((c) => c.ok),
    notes,
  };
}

const okCount = (e: VsaEvaluation): number => e.checks.filter((c) => c.ok).length;

/** Evaluates every attestation in the input; reports the one that passes, else the one that got furthest. */
export async function checkVsa(input: VsaInput): Promise<VsaResult> {
  if (input.expectations.subjectDigests.length === 0) {
    throw new UsageError('PROVENANCE_VSA_NO_DIGEST', 'no --subject-digest given', { hint: 'name the artifact the VSA must be about: --subject-digest sha256:<hex> (repeatable)' });
  }
  for (const d of input.expectations.subjectDigests) parseSubjectDigest(d);
  checkVerifiedLevels(input.expectations.verifiedLevels, []); // a malformed --verified-level is a usage error before anything is read
  let selected: VsaEvaluation | undefined;
  for (const att of input.attestations) {
    const e = await evaluate(att, input);
    if (selected === undefined || (e.passed && !selected.passed) || okCount(e) > okCount(selected)) selected = e;
    if (e.passed) break;
  }
  if (selected === undefined) throw new Error('checkVsa called without attestations');
  return {
    passed: selected.passed,
    input: input.input,
    selected,
    evaluated: input.attestations.length,
    expectations: { ...input.expectations, ...(input.publicKeyId !== undefined ? { publicKeyId: input.publicKeyId } : {}) },
  };
}

/** The `-o json` document of `custody provenance vsa`. */
export function vsaJson(r: VsaResult, opts: { printAttestation: boolean; custodyVersion: string }): Record<string, unknown> {
  const e = r.selected;
  return {
    schema: VSA_JSON_SCHEMA,
    tool: { name: 'custody', version: opts.custodyVersion },
    passed: r.passed,
    attestation: { input: r.input, origin: e.origin, form: e.form, evaluated: r.evaluated },
    authenticity: { ok: e.checks[0]?.claim === 'signature' && e.checks[0].ok, method: e.method, ...(e.signer ? { key: e.signer } : {}) },
    ...(e.statement ? { statement: { type: e.statement.type, predicateType: e.statement.predicateType, subjects: e.statement.subjects } } : {}),
    ...(e.summary ? { summary: e.summary } : {}),
    chain: e.chain,
    checks: e.checks,
    failed: e.checks.filter((c) => !c.ok).map((c) => c.claim),
    expectations: r.expectations,
    notes: e.notes,
    ...(opts.printAttestation && e.statement ? { decodedStatement: { _type: e.statement.type, predicateType: e.statement.predicateType, subject: e.statement.subjects, predicate: e.statement.predicate } } : {}),
  };
}
