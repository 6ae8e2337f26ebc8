/**
 * Human report of `custody verify`: the verdict, who signed, then every check performed with ✓/✗ and, on
 * failure, the exact mismatch. Also the `--show-trust` summary of a trusted root.
 */
import type { ChalkInstance } from 'chalk';
import type { TrustedRootSummary, VerifyResult } from '../../verify/model.js';

const CLAIMS: [string, string][] = [
  ['githubWorkflowRepository', 'repository'],
  ['githubWorkflowRef', 'ref'],
  ['githubWorkflowSha', 'sha'],
  ['githubWorkflowName', 'workflow'],
  ['githubWorkflowTrigger', 'trigger'],
  ['buildSignerURI', 'build signer'],
  ['runnerEnvironment', 'runner'],
  ['sourceRepositoryVisibilityAtSigning', 'visibility'],
];

export function renderVerifyReport(r: VerifyResult, chalk: ChalkInstance): string {
  const out: string[] = [];
  const head = r.verified ? chalk.green.bold('✓ verified') : chalk.red.bold('✗ NOT verified');
  out.push(`${head}  ${r.subject}${r.source ? chalk.dim(`  (${r.source})`) : ''}`);
  const s = r.signer;
  if (s) {
    if (s.kind === 'key') out.push(`  signer       public key sha256:${s.keyId ?? '?'}`);
    else {
      out.push(`  signer       ${s.identity ?? '(no identity)'}`);
      out.push(`  issuer       ${s.issuer ?? '(no issuer)'}`);
      for (const [k, label] of CLAIMS) {
        const v = s.extensions[k];
        if (v !== undefined) out.push(chalk.dim(`  ${label.padEnd(12)} ${v}`));
      }
    }
    if (s.signedAt?.length) out.push(chalk.dim(`  signed       ${s.signedAt.join(', ')}`));
  }
  out.push('  checks');
  const width = Math.max(10, ...r.checks.map((c) => c.name.length));
  for (const c of r.checks) {
    const mark = c.ok ? chalk.green('✓') : chalk.red('✗');
    const name = c.ok ? c.name.padEnd(width) : chalk.bold(c.name.padEnd(width));
    out.push(`    ${mark} ${name}  ${c.ok ? chalk.dim(c.detail) : c.detail}`);
  }
  for (const w of r.warnings) out.push(`  ${chalk.yellow('!')} ${w}`);
  if (r.error) {
    out.push(`  ${chalk.red('error')} ${r.error.code}: ${r.error.message}`);
    if (r.error.hint) out.push(`  ${chalk.dim(`hint: ${r.error.hint}`)}`);
  }
  return `${out.join('\n')}\n`;
}

export function renderTrustSummary(t: TrustedRootSummary, chalk: ChalkInstance): string {
  const out: string[] = [];
  out.push(chalk.bold(`trusted root: ${t.source}`));
  out.push(`  origin     ${t.origin}`);
  if (t.snapshot) out.push(`  snapshot   ${t.snapshot.package}, TUF root v${t.snapshot.tufRootVersion}, expires ${t.snapshot.tufRootExpires}`);
  out.push(`  media type ${t.mediaType}`);
  const range = (a?: string, b?: string): string => chalk.dim(`${a ?? '?'} .. ${b ?? 'now'}`);
  const section = (title: string, rows: string[]): void => {
    out.push(`  ${title} (${rows.length})`);
    for (const r of rows) out.push(`    ${r}`);
  };
  section('certificate authorities', t.certificateAuthorities.map((c) => `${c.uri} ${c.subject ? `[${c.subject}] ` : ''}${range(c.validFrom, c.validTo)}`));
  section('transparency logs', t.tlogs.map((l) => `${l.baseUrl} ${chalk.dim(l.keyId.slice(0, 16))} ${range(l.validFrom, l.validTo)}`));
  section('CT logs', t.ctlogs.map((l) => `${l.baseUrl} ${chalk.dim(l.keyId.slice(0, 16))} ${range(l.validFrom, l.validTo)}`));
  section('timestamp authorities', t.timestampAuthorities.map((c) => `${c.uri} ${c.subject ? `[${c.subject}] ` : ''}${range(c.validFrom, c.validTo)}`));
  return `${out.join('\n')}\n`;
}
