/**
 * Human report of `custody provenance check`: authenticity, then the chain of custody as the user
 * would draw it (source repo @ commit (ref) -> workflow -> builder -> artifact digest), each link and
 * each claim with ✓/✗ and, on mismatch, expected vs actual.
 */
import type { ChalkInstance } from 'chalk';
import type { ClaimCheck, ProvenanceResult } from '../../provenance/model.js';
import type { VsaCheck, VsaResult } from '../../provenance/vsa.js';

const STEP_LABEL = { source: 'source', workflow: 'workflow', builder: 'builder', artifact: 'artifact' } as const;

function mark(ok: boolean, chalk: ChalkInstance): string {
  return ok ? chalk.green('✓') : chalk.red('✗');
}

function claimLine(c: ClaimCheck, chalk: ChalkInstance, indent: string): string[] {
  const name = c.claim.padEnd(21);
  if (c.ok) return [`${indent}${mark(true, chalk)} ${name} ${c.actual ?? ''}${c.actual ? chalk.dim(` (${c.detail})`) : c.detail}`];
  const lines = [`${indent}${mark(false, chalk)} ${chalk.bold(name)} ${c.detail}`];
  if (c.expected !== undefined) lines.push(`${indent}    expected ${c.expected}`);
  if (c.actual !== undefined) lines.push(`${indent}    actual   ${c.actual}`);
  return lines;
}

export function renderProvenanceReport(r: ProvenanceResult, chalk: ChalkInstance): string {
  const e = r.selected;
  const a = e.authenticity;
  const out: string[] = [];
  out.push(chalk.bold(`provenance check: ${r.artifact.ref}`));
  const kind = e.statement ? ` · ${e.statement.predicateType}` : '';
  out.push(`attestation: ${e.origin} (${e.form})${kind}${r.evaluated > 1 ? chalk.dim(` · ${r.evaluated} attestations found`) : ''}`);
  out.push('');
  const byClaim = new Map(e.checks.map((c) => [c.claim, c]));
  const sig = byClaim.get('signature');
  if (sig) {
    out.push(...claimLine({ ...sig, actual: undefined } as ClaimCheck, chalk, ''));
    if (a.signer) out.push(`      signer ${a.signer.identity}${a.signer.claims.issuer ? chalk.dim(` (issuer ${a.signer.claims.issuer})`) : ''}`);
    if (!a.ok) for (const c of a.checks.filter((x) => !x.ok && x.detail !== a.error?.message)) out.push(`      ${mark(false, chalk)} ${c.name}: ${c.detail}`);
  }
  const pt = byClaim.get('predicate-type');
  if (pt) out.push(...claimLine(pt, chalk, ''));
  if (e.statement && !a.ok) {
    // Unsigned statements are parsed for display; nothing in them is evaluated.
    out.push('');
    out.push(chalk.bold('chain of custody (unverified: the statement is unsigned; claims not evaluated)'));
    e.chain.forEach((l, i) => {
      out.push(`${mark(false, chalk)} ${STEP_LABEL[l.step].padEnd(9)} ${l.value}`);
      if (i < e.chain.length - 1) out.push(chalk.dim('    ↓'));
    });
    if (e.statement.subjects.length === 0) out.push(chalk.dim('    (a bare predicate names no subject)'));
  } else if (e.statement) {
    out.push('');
    out.push(chalk.bold('chain of custody'));
    e.chain.forEach((l, i) => {
      out.push(`${mark(l.ok, chalk)} ${STEP_LABEL[l.step].padEnd(9)} ${l.value}`);
      for (const name of l.claims) {
        const c = byClaim.get(name);
        if (c) out.push(...claimLine(c, chalk, '    '));
      }
      if (i < e.chain.length - 1) out.push(chalk.dim('    ↓'));
    });
  } else {
    out.push('');
    out.push(chalk.dim('the statement was not evaluated: its signature did not verify'));
  }
  for (const n of e.notes) out.push(`${chalk.yellow('note:')} ${n}`);
  out.push('');
  const failed = e.checks.filter((c) => !c.ok);
  out.push(
    r.passed
      ? chalk.green(`PASS: all ${e.checks.length} checks hold`)
      : chalk.red(`FAIL: ${failed.length} of ${e.checks.length} checks failed: ${failed.map((c) => c.claim).join(', ')}`),
  );
  return `${out.join('\n')}\n`;
}

const VSA_STEP_LABEL = { verifier: 'verifier', policy: 'policy', resource: 'resource', subject: 'subject' } as const;

/**
 * Human report of `custody provenance vsa`: the signature, then the verification summary as a chain
 * (verifier → policy and result → resource → subject), each with ✓/✗ and expected vs actual on mismatch.
 */
export function renderVsaReport(r: VsaResult, chalk: ChalkInstance): string {
  const e = r.selected;
  const out: string[] = [];
  out.push(chalk.bold(`provenance vsa: ${r.expectations.subjectDigests.join(', ')}`));
  const kind = e.statement ? ` · ${e.statement.predicateType}` : '';
  out.push(`attestation: ${e.origin} (${e.form})${kind}${r.evaluated > 1 ? chalk.dim(` · ${r.evaluated} attestations found`) : ''}`);
  out.push('');
  const byClaim = new Map(e.checks.map((c) => [c.claim, c]));
  const line = (c: VsaCheck, indent: string): string[] => claimLine(c as unknown as ClaimCheck, chalk, indent);
  const sig = byClaim.get('signature');
  if (sig) out.push(...line({ ...sig, actual: undefined } as VsaCheck, ''));
  if (sig && !sig.ok && sig.actual !== undefined) out.push(`      signatures name ${sig.actual}`);
  const pt = byClaim.get('predicate-type');
  if (pt) out.push(...line(pt, ''));
  if (e.statement) {
    out.push('');
    out.push(chalk.bold('verification summary'));
    e.chain.forEach((l, i) => {
      out.push(`${mark(l.ok, chalk)} ${VSA_STEP_LABEL[l.step].padEnd(9)} ${l.value}`);
      for (const name of l.claims) {
        const c = byClaim.get(name);
        if (c) out.push(...line(c, '    '));
      }
      if (i < e.chain.length - 1) out.push(chalk.dim('    ↓'));
    });
  } else {
    out.push('');
    out.push(chalk.dim('the VSA was not evaluated: its signature did not verify'));
  }
  for (const n of e.notes) out.push(`${chalk.yellow('note:')} ${n}`);
  out.push('');
  const failed = e.checks.filter((c) => !c.ok);
  out.push(
    r.passed
      ? chalk.green(`PASS: all ${e.checks.length} checks hold`)
      : chalk.red(`FAIL: ${failed.length} of ${e.checks.length} checks failed: ${failed.map((c) => c.claim).join(', ')}`),
  );
  return `${out.join('\n')}\n`;
}
