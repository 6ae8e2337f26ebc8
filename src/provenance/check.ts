/**
 * `checkProvenance`: authenticity first (through the injected Authenticator, i.e. src/verify), then
 * the statement read from the verified payload only, then the subject, then every claim.
 * A statement whose signature does not verify is never evaluated.
 */
import { checkClaims, checkPredicateType, checkSubject } from './claims.js';
import type {
  ArtifactRef,
  Attestation,
  AttestationEvaluation,
  Authenticator,
  ChainLink,
  ClaimCheck,
  ClaimName,
  ProvenanceExpectations,
  ProvenanceFacts,
  ProvenanceResult,
} from './model.js';
import { envelopePayload } from './attestation.js';
import { extractFacts, parseBarePredicate, parseStatement } from './statement.js';

export interface CheckInput {
  artifact: ArtifactRef;
  /** Name of the attestation input, for the report. */
  input: string;
  attestations: Attestation[];
  expectations: ProvenanceExpectations;
  authenticate: Authenticator;
}

function short(commit: string): string {
  return /^[0-9a-f]{40,}$/.test(commit) ? commit.slice(0, 12) : commit;
}

function link(step: ChainLink['step'], value: string, claims: ClaimName[], checks: ClaimCheck[]): ChainLink {
  const mine = checks.filter((c) => claims.includes(c.claim));
  return { step, value, ok: mine.every((c) => c.ok), claims: mine.map((c) => c.claim) };
}

/** The chain of custody: source repo @ commit (ref) -> workflow -> builder -> artifact digest. */
export function buildChain(facts: ProvenanceFacts | undefined, checks: ClaimCheck[], artifact: ArtifactRef): ChainLink[] {
  const src = facts?.source;
  const srcValue = src ? `${src.repository}${src.commit ? ` @ ${short(src.commit)}` : ''}${src.ref ? ` (${src.ref})` : ''}` : '(not recorded)';
  const wf = facts?.workflow;
  const wfValue = wf ? `${wf.path}${facts?.trigger ? ` (on ${facts.trigger})` : ''}` : '(not recorded)';
  const subject = checks.find((c) => c.claim === 'subject');
  const artValue = subject?.ok === true && subject.actual ? subject.actual : Object.entries(artifact.digests).map(([a, h]) => `${a}:${h}`)[0] ?? artifact.ref;
  return [
    link('source', srcValue, ['source-uri', 'source-tag', 'source-versioned-tag', 'source-branch'], checks),
    link('workflow', wfValue, ['workflow'], checks),
    link('builder', facts?.builderId ?? '(not recorded)', ['builder-id', 'build-type', 'signer'], checks),
    link('artifact', artValue, ['subject', 'summary'], checks),
  ];
}

/**
 * An unsigned statement or bare predicate: parsed so the report can show what it claims, but nothing proves
 * who made it, so the signature check fails and no claim is evaluated (every link of the chain is unverified).
 */
function evaluateUnsigned(att: Attestation, input: CheckInput): AttestationEvaluation {
  const bare = att.unsigned === 'predicate';
  const statement = bare ? parseBarePredicate(envelopePayload(att.envelope), att.origin) : parseStatement(envelopePayload(att.envelope), att.envelope.payloadType, att.origin);
  const facts = extractFacts(statement);
  const method = bare ? 'unsigned SLSA predicate (no statement, no signature)' : 'unsigned in-toto statement (no signature)';
  const message = bare
    ? 'a bare predicate carries no signature and no subject: nothing proves who made it or what it is about, so it cannot pass a provenance check'
    : 'the statement carries no signature: nothing proves who made it, so it cannot pass a provenance check; its claims are shown unverified';
  const authenticity = { ok: false, method, checks: [{ name: 'signature', ok: false, detail: message }], tlogChecked: false, error: { code: 'PROVENANCE_UNSIGNED', message } };
  const checks: ClaimCheck[] = [{ claim: 'signature', ok: false, expected: 'a signed attestation (Sigstore bundle or DSSE envelope)', actual: 'unsigned', detail: `${method}: ${message}` }];
  const chain = buildChain(facts, checks, input.artifact).map((l) => ({ ...l, ok: false }));
  return { origin: att.origin, form: att.form, authenticity, statement, facts, checks, chain, passed: false, notes: ['unsigned: the statement was parsed for display only; no claim in it was evaluated'] };
}

/** Evaluates one attestation. */
export async function evaluateAttestation(att: Attestation, input: CheckInput): Promise<AttestationEvaluation> {
  if (att.unsigned !== undefined) return evaluateUnsigned(att, input);
  const authenticity = await input.authenticate(att);
  const notes: string[] = [];
  const signature: ClaimCheck = {
    claim: 'signature',
    ok: authenticity.ok && authenticity.payload !== undefined,
    detail: authenticity.ok
      ? `${authenticity.method} verified${authenticity.signedAt ? ` (signed ${authenticity.signedAt})` : ''}`
      : `${authenticity.method}: ${authenticity.error?.message ?? 'signature did not verify'}`,
  };
  if (authenticity.signer) signature.actual = authenticity.signer.identity;
  if (authenticity.ok && authenticity.privateInstance === true) {
    notes.push(
      `checks not performed (--allow-no-transparency-log, private Sigstore instance): ${(authenticity.notChecked ?? []).map((w) => w.replace(/ not checked:.*$/s, '')).join(', ') || 'transparency-log inclusion, certificate transparency'}; the signing time comes from the RFC 3161 timestamp`,
    );
  } else if (authenticity.ok && !authenticity.tlogChecked) notes.push('transparency-log proof and signing time were not checked (--allow-missing-tlog)');
  const base = { origin: att.origin, form: att.form, authenticity, notes };
  if (!signature.ok || authenticity.payload === undefined) {
    const checks = [signature];
    return { ...base, checks, chain: buildChain(undefined, checks, input.artifact), passed: false };
  }
  // Only the verified bytes are read: an edited envelope payload can never reach the claim checks.
  const statement = parseStatement(authenticity.payload, att.envelope.payloadType, att.origin);
  const facts = extractFacts(statement);
  const checks: ClaimCheck[] = [
    signature,
    checkPredicateType(statement, input.expectations.predicateType),
    checkSubject(statement, input.artifact.digests),
    ...(att.gcb ? [checkGcbSummary(att.gcb, authenticity.payload, input.artifact.digests)] : []),
    ...checkClaims(facts, input.expectations, authenticity.signer),
  ];
  return { ...base, statement, facts, checks, chain: buildChain(facts, checks, input.artifact), passed: checks.every((c) => c.ok) };
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v as object).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * Cloud Build summaries carry unsigned copies beside the signed envelope (occurrence kind, resource URI,
 * image digest, the statement as text). They are not trusted, but when they disagree with the signed
 * statement or the artifact the document has been edited: fail, as slsa-verifier does.
 */
export function checkGcbSummary(gcb: NonNullable<Attestation['gcb']>, payload: Buffer, digests: Record<string, string>): ClaimCheck {
  const problems: string[] = [];
  if (gcb.kind !== 'BUILD') problems.push(`occurrence kind is ${JSON.stringify(gcb.kind)}, not BUILD`);
  const want = digests.sha256 !== undefined ? `sha256:${digests.sha256}` : undefined;
  if (want !== undefined && gcb.imageDigest !== undefined && gcb.imageDigest !== want) problems.push(`image summary digest ${String(gcb.imageDigest)} is not the artifact's`);
  if (want !== undefined && typeof gcb.resourceUri === 'string' && !gcb.resourceUri.endsWith(`@${want}`)) problems.push(`resource URI ${gcb.resourceUri} does not name the artifact digest`);
  if (gcb.textStatement !== undefined) {
    const signed = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
    const text = gcb.textStatement as Record<string, unknown>;
    const pick = (o: Record<string, unknown>) => ({ _type: o._type, predicateType: o.predicateType, subject: o.subject, predicate: o.slsaProvenance ?? o.predicate });
    if (canonical(pick(text)) !== canonical(pick(signed))) problems.push('the statement text beside the envelope differs from the signed statement');
  }
  return problems.length === 0
    ? { claim: 'summary', ok: true, detail: 'the unsigned Cloud Build summary agrees with the signed statement' }
    : { claim: 'summary', ok: false, detail: problems.join('; ') };
}

function score(e: AttestationEvaluation): number[] {
  const ok = (n: ClaimName): number => (e.checks.find((c) => c.claim === n)?.ok === true ? 1 : 0);
  return [e.passed ? 1 : 0, ok('signature'), ok('predicate-type'), ok('subject'), e.checks.filter((c) => c.ok).length];
}

function better(a: AttestationEvaluation, b: AttestationEvaluation): boolean {
  const sa = score(a);
  const sb = score(b);
  for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return sa[i]! > sb[i]!;
  return false;
}

/** Evaluates every attestation and reports the one that passes (or got furthest). */
export async function checkProvenance(input: CheckInput): Promise<ProvenanceResult> {
  let selected: AttestationEvaluation | undefined;
  const unsigned: AttestationEvaluation[] = [];
  // An npm attestations document is one unit: every attestation in it must verify.
  const wholeDocument = input.attestations.some((a) => a.form === 'npm-attestations');
  for (const att of input.attestations) {
    const e = await evaluateAttestation(att, input);
    if (!e.authenticity.ok) unsigned.push(e);
    if (selected === undefined || better(e, selected)) selected = e;
    if (e.passed && !wholeDocument) break;
  }
  if (selected === undefined) throw new Error('checkProvenance called without attestations');
  if (wholeDocument && selected.authenticity.ok) {
    for (const u of unsigned) {
      selected.checks.push({ claim: 'signature', ok: false, detail: `${u.origin} in the same document does not verify: ${u.authenticity.error?.message ?? 'bad signature'}` });
      selected.passed = false;
    }
  }
  return {
    passed: selected.passed,
    artifact: input.artifact,
    input: input.input,
    selected,
    evaluated: input.attestations.length,
    expectations: input.expectations,
  };
}
