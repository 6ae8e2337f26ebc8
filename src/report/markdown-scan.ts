/** `custody scan -o markdown`: a summary for pull-request comments and CI job summaries. */
import { renderIncompleteMarkdown } from './incomplete.js';
import type { GatedScan } from '../vuln/model.js';
import { SEVERITIES } from '../vuln/model.js';
import { describeData } from './human/scan-table.js';

function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

export function renderScanMarkdown(g: GatedScan): string {
  const out: string[] = [];
  const t = g.scan.target;
  out.push(`## custody scan: ${cell(t.name)}`);
  out.push('');
  if (t.subject && t.subject.label !== t.name) {
    out.push(`${t.subject.kind === 'image' ? 'Image' : 'Subject'}: \`${cell(t.subject.label)}\`${t.subject.digest ? ` (\`${cell(t.subject.digest)}\`)` : ''}`);
    out.push('');
  }
  out.push(`**Gate:** ${g.gate.passed ? '✅' : '❌'} ${cell(g.gate.summary)}`);
  out.push('');
  out.push(`Engine: \`${g.scan.engine}\`${g.scan.tools.length ? ` (${g.scan.tools.map((x) => `${cell(x.name)}@${cell(x.version)}`).join(', ')})` : ''}${t.distro ? ` · distro ${cell(t.distro)}` : ''}`);
  out.push('');
  if (g.scan.vulnerabilityData) {
    out.push(`Data: ${cell(describeData(g.scan.vulnerabilityData))}${g.scan.vulnerabilityData.stale ? ' ⚠️ stale' : ''}`);
    out.push('');
  }
  const uncovered = (g.scan.coverage ?? []).filter((c) => !c.covered);
  if (uncovered.length > 0) {
    out.push(`**Not covered by the data** (no finding there means not checked): ${uncovered.map((c) => `${cell(c.ecosystem)} (${c.packages} packages)`).join(', ')}`);
    out.push('');
  }
  out.push('| Severity | Count |');
  out.push('| --- | ---: |');
  for (const s of SEVERITIES) out.push(`| ${s === 'unknown' ? 'unscored' : s} | ${g.counts[s]} |`);
  out.push(`| suppressed | ${g.suppressed.length} |`);
  out.push('');
  if (g.findings.length > 0) {
    out.push('### Findings');
    out.push('');
    out.push('| Severity | ID | Package | Version | Fixed in | Path | Aliases |');
    out.push('| --- | --- | --- | --- | --- | --- | --- |');
    for (const f of g.findings) {
      const id = f.urls[0] ? `[${cell(f.id)}](${f.urls[0].replace(/[()\s]/g, encodeURIComponent)})` : cell(f.id);
      out.push(
        `| ${f.severity.level === 'unknown' ? 'unscored' : f.severity.level}${f.severity.score !== undefined ? ` (${f.severity.score.toFixed(1)})` : ''} | ${id} | ${cell(f.package.name)} | ${cell(f.package.version)} | ${cell(f.fixedVersions.join(', ') || '—')} | ${cell(f.package.locations.join(', ') || '—')}${f.package.deleted ? ' (deleted)' : ''} | ${cell(f.aliases.join(', '))} |`,
      );
    }
    out.push('');
  } else {
    out.push('No vulnerabilities counted.');
    out.push('');
  }
  if (g.suppressed.length > 0) {
    out.push('<details><summary>Suppressed findings</summary>');
    out.push('');
    out.push('| ID | Package | Version | By | Reason |');
    out.push('| --- | --- | --- | --- | --- |');
    for (const s of g.suppressed) {
      out.push(`| ${cell(s.finding.id)} | ${cell(s.finding.package.name)} | ${cell(s.finding.package.version)} | ${s.suppression.by} | ${cell(s.suppression.reason)} |`);
    }
    out.push('');
    out.push('</details>');
    out.push('');
  }
  if (g.expiredIgnores.length > 0) {
    out.push('**Expired ignore rules (no longer applied):**');
    for (const e of g.expiredIgnores) out.push(`- \`${cell(e.id)}\`${e.package ? ` (${cell(e.package)})` : ''} expired ${cell(e.expires)}: ${cell(e.reason)}`);
    out.push('');
  }
  if (g.unmatchedVex.length > 0) {
    out.push('**VEX statements that matched no finding:**');
    for (const u of g.unmatchedVex) out.push(`- \`${cell(u.vulnerability)}\` ${u.status} in ${cell(u.source)}`);
    out.push('');
  }
  const missing = renderIncompleteMarkdown(g.scan.incomplete);
  if (missing !== '') out.push(missing);
  return `${out.join('\n')}\n`;
}
