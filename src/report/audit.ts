/**
 * Renderers of `custody audit`: a human table, JSON (the AuditResult with a schema version),
 * Markdown (for PR comments and runbooks) and SARIF 2.1.0 (one result per failed check).
 */
import type { ChalkInstance } from 'chalk';
import type { AuditCheck, AuditResult, ImageVerdict } from '../audit/model.js';
import { incompleteJson, renderIncompleteLines, renderIncompleteMarkdown } from './incomplete.js';
import { incompleteInvocation, sarifLog } from './sarif.js';

export const AUDIT_JSON_SCHEMA_VERSION = 1;

const mark = (c: AuditCheck, chalk: ChalkInstance): string =>
  c.status === 'pass' ? chalk.green('✓') : c.status === 'fail' ? chalk.red('✗') : chalk.dim('-');

function imageHeader(v: ImageVerdict, chalk: ChalkInstance): string {
  const verdict = v.ok ? chalk.green('PASS') : chalk.red('FAIL');
  return `${verdict} ${chalk.bold(v.image)}${v.digest && !v.image.includes(v.digest) ? chalk.dim(` -> ${v.digest}`) : ''}`;
}

export function renderAuditTable(r: AuditResult, chalk: ChalkInstance): string {
  const out: string[] = [];
  for (const v of r.images) {
    out.push(imageHeader(v, chalk));
    if (v.drift) out.push(`  ${chalk.yellow('!')} tag ${v.drift.tag} now points to ${v.drift.tagDigest} (pinned: ${v.drift.pinnedDigest})`);
    for (const c of v.checks) out.push(`  ${mark(c, chalk)} ${c.rule.padEnd(26)} ${c.detail}${c.notChecked ? chalk.yellow(' (not checked)') : ''}`);
    if (v.checks.length === 0) out.push(`  ${chalk.dim('(the policy asks for no check of this image)')}`);
  }
  if (r.mode === 'k8s') {
    out.push('', chalk.bold('Workloads'));
    for (const w of r.workloads) {
      const verdict = w.excluded ? chalk.dim('SKIP') : w.ok ? chalk.green('PASS') : chalk.red('FAIL');
      const failing = w.containers.filter((c) => !c.ok).map((c) => `${c.name}=${c.image}`);
      out.push(`${verdict} ${w.kind}/${w.namespace}/${w.name}${w.excluded ? chalk.dim(' (namespace excluded)') : failing.length > 0 ? `: ${failing.join(', ')}` : ''} ${chalk.dim(w.origin)}`);
    }
  }
  const s = r.summary;
  const unread = incompleteJson(r.incomplete);
  // A pass over input that was not read is not a pass: the verdict line says so (README "Completeness").
  const verdict = !r.ok ? chalk.red('audit failed') : unread.length > 0 ? chalk.yellow(`audit incomplete (${unread.length} not read or not checked)`) : chalk.green('audit passed');
  out.push(
    '',
    `${verdict}: ${s.images - s.imagesFailed}/${s.images} images pass` +
      (r.mode === 'k8s' ? `, ${s.workloads - s.workloadsFailed}/${s.workloads} workloads pass${s.excluded ? `, ${s.excluded} excluded` : ''}` : '') +
      ` (policy ${r.policyFile})`,
  );
  const missing = renderIncompleteLines(r.incomplete, chalk);
  if (missing.length > 0) out.push(...missing);
  return `${out.join('\n')}\n`;
}

export function renderAuditJson(r: AuditResult): string {
  return `${JSON.stringify({ schemaVersion: AUDIT_JSON_SCHEMA_VERSION, ...r, incomplete: incompleteJson(r.incomplete) }, null, 2)}\n`;
}

const mdEscape = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderAuditMarkdown(r: AuditResult): string {
  const out: string[] = [`# custody audit: ${r.ok ? (r.incomplete.length > 0 ? 'incomplete' : 'passed') : 'failed'}`, '', `Policy \`${r.policyFile}\` (${r.policyHash}).`, ''];
  out.push('| image | digest | verdict | failed checks |', '| --- | --- | --- | --- |');
  for (const v of r.images) {
    const failed = v.checks.filter((c) => c.status === 'fail').map((c) => `**${c.rule}**: ${mdEscape(c.detail)}`);
    out.push(`| \`${v.image}\` | \`${v.digest ?? '?'}\` | ${v.ok ? '✅ pass' : '❌ fail'} | ${failed.join('<br>') || '—'} |`);
  }
  if (r.mode === 'k8s') {
    out.push('', '| workload | namespace | verdict | images |', '| --- | --- | --- | --- |');
    for (const w of r.workloads) {
      const verdict = w.excluded ? 'excluded' : w.ok ? '✅ pass' : '❌ fail';
      out.push(`| ${w.kind}/${mdEscape(w.name)} | ${w.namespace} | ${verdict} | ${w.containers.map((c) => `\`${c.image}\`${c.ok ? '' : ' ❌'}`).join('<br>')} |`);
    }
  }
  const s = r.summary;
  out.push('', `${s.images - s.imagesFailed}/${s.images} images pass${r.mode === 'k8s' ? `; ${s.workloads - s.workloadsFailed}/${s.workloads} workloads pass; ${s.excluded} excluded` : ''}.`);
  const missing = renderIncompleteMarkdown(r.incomplete);
  if (missing !== '') out.push('', missing);
  return `${out.join('\n')}\n`;
}

export function renderAuditSarif(r: AuditResult, o: { custodyVersion: string }): string {
  const failed = r.images.flatMap((v) => v.checks.filter((c) => c.status === 'fail').map((c) => ({ v, c })));
  const ruleIds = [...new Set(failed.map((f) => f.c.rule.replace(/\[\d+\]$/, '')))].sort();
  return sarifLog(
    {
      custodyVersion: o.custodyVersion,
      rules: ruleIds.map((id) => ({ id, name: id, shortDescription: { text: `custody audit policy rule ${id}` }, defaultConfiguration: { level: 'error' } })),
    },
    {
      results: failed.map(({ v, c }) => ({
        ruleId: c.rule.replace(/\[\d+\]$/, ''),
        level: 'error',
        message: { text: `${v.image}: ${c.detail}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: `images/${encodeURIComponent(v.image.replace(/^registry:/, ''))}` } } }],
        partialFingerprints: { imageDigest: v.digest ?? v.image },
      })),
      ...incompleteInvocation(r.incomplete),
    },
  );
}
