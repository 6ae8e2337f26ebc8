/**
 * The `-o json` document of `custody provenance check` (schema documented in docs/readme/provenance.md).
 * Same data as the human report.
 */
import type { ClaimCheck, ProvenanceResult, Statement } from './model.js';

export const PROVENANCE_JSON_SCHEMA = 'custody.provenance-check/v1';

function claim(c: ClaimCheck): Record<string, unknown> {
  return { claim: c.claim, ok: c.ok, ...(c.expected !== undefined ? { expected: c.expected } : {}), ...(c.actual !== undefined ? { actual: c.actual } : {}), detail: c.detail };
}

/** Decoded statement as printed by --print-provenance. */
export function statementJson(st: Statement): Record<string, unknown> {
  // A bare predicate (unsigned input) is printed as it was given.
  if (st.type === '') return st.predicate;
  return { _type: st.type, predicateType: st.predicateType, subject: st.subjects, predicate: st.predicate };
}

export function provenanceJson(r: ProvenanceResult, opts: { printProvenance: boolean; custodyVersion: string }): Record<string, unknown> {
  const e = r.selected;
  const a = e.authenticity;
  return {
    schema: PROVENANCE_JSON_SCHEMA,
    tool: { name: 'custody', version: opts.custodyVersion },
    passed: r.passed,
    artifact: r.artifact,
    attestation: { input: r.input, origin: e.origin, form: e.form, evaluated: r.evaluated },
    authenticity: {
      ok: a.ok,
      method: a.method,
      tlogChecked: a.tlogChecked,
      ...(a.signedAt !== undefined ? { signedAt: a.signedAt } : {}),
      ...(a.signer !== undefined ? { signer: a.signer } : {}),
      checks: a.checks,
      ...(a.notChecked !== undefined ? { notChecked: a.notChecked } : {}),
      ...(a.privateInstance === true ? { privateInstance: true } : {}),
      ...(a.error !== undefined ? { error: a.error } : {}),
    },
    ...(e.statement ? { statement: { type: e.statement.type, predicateType: e.statement.predicateType, subjects: e.statement.subjects } } : {}),
    ...(e.facts ? { provenance: e.facts } : {}),
    chain: e.chain.map((l) => ({ step: l.step, value: l.value, ok: l.ok, claims: l.claims })),
    checks: e.checks.map(claim),
    failed: e.checks.filter((c) => !c.ok).map((c) => c.claim),
    expectations: r.expectations,
    notes: e.notes,
    ...(opts.printProvenance && e.statement ? { decodedStatement: statementJson(e.statement) } : {}),
  };
}
