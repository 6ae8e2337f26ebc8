/**
 * The gate: suppressions (ignore rules, VEX, --only-fixed) first, then the --fail-on threshold.
 * Order of suppression reasons: ignore, then VEX, then only-fixed (the first that applies is recorded).
 */
import { compareFindings, emptyCounts } from './finding.js';
import { expiredOf, isExpired, ruleMatches, type IgnoreRule } from './ignore.js';
import type { FailOn, Finding, GateOptions, GatedScan, ScanResult, SuppressedFinding, Suppression } from './model.js';
import { severityRank } from './model.js';
import { decideVex, statementMatches, type VexDocument } from './vex.js';

export interface GateInputs {
  ignore: { source: string; rules: IgnoreRule[] }[];
  vex: VexDocument[];
  now: Date;
}

export function failOnRank(failOn: FailOn): number {
  return failOn === 'none' ? Infinity : severityRank(failOn);
}

/** Apply suppressions and the threshold to a scan. Pure. */
export function gateScan(scan: ScanResult, opts: GateOptions, inputs: GateInputs): GatedScan {
  const warnings = [...scan.warnings];
  const active = inputs.ignore.flatMap((f) => f.rules.filter((r) => !isExpired(r, inputs.now)).map((rule) => ({ rule, source: f.source })));
  const expired = inputs.ignore.flatMap((f) => f.rules.filter((r) => isExpired(r, inputs.now)));
  for (const r of expired) {
    warnings.push(`ignore rule for ${r.id}${r.package ? ` (${r.package})` : ''} expired on ${r.expires}; it no longer applies`);
  }
  for (const d of inputs.vex) if (d.statements.length === 0) warnings.push(`VEX document ${d.source} has no statements; it suppresses nothing`);
  const statements = inputs.vex.flatMap((d) => d.statements);
  const counted: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const f of scan.findings) {
    const s = suppressionOf(f, opts, active, statements);
    if (s) suppressed.push({ finding: f, suppression: s });
    else counted.push(f);
  }
  const unmatchedVex = statements
    .filter((st) => !scan.findings.some((f) => statementMatches(st, f)))
    .map((st) => ({
      source: st.source,
      vulnerability: st.vulnerability,
      status: st.status,
      products: [...st.packages, ...st.unresolved, ...(st.productWide ? ['(product)'] : [])],
    }));
  for (const u of unmatchedVex) {
    warnings.push(`VEX statement in ${u.source} (${u.vulnerability}, ${u.status}${u.products.length ? `, ${u.products.join(' ')}` : ''}) matched no finding`);
  }
  counted.sort(compareFindings);
  suppressed.sort((a, b) => compareFindings(a.finding, b.finding));
  const counts = emptyCounts();
  for (const f of counted) counts[f.severity.level]++;
  const threshold = failOnRank(opts.failOn);
  const atOrAbove = counted.filter((f) => f.severity.level !== 'unknown' && severityRank(f.severity.level) >= threshold).length;
  const unscoredCounted = opts.failOn !== 'none' && opts.unscored === 'fail' ? counts.unknown : 0;
  const failing = atOrAbove + unscoredCounted;
  const passed = failing === 0;
  return {
    scan,
    findings: counted,
    suppressed,
    counts,
    gate: { failOn: opts.failOn, onlyFixed: opts.onlyFixed, unscored: opts.unscored, passed, failing, summary: gateSummary(opts, atOrAbove, counts.unknown, passed) },
    expiredIgnores: expired.map(expiredOf),
    unmatchedVex,
    warnings,
  };
}

function suppressionOf(
  f: Finding,
  opts: GateOptions,
  rules: { rule: IgnoreRule; source: string }[],
  statements: VexDocument['statements'],
): Suppression | undefined {
  const hit = rules.find(({ rule }) => ruleMatches(rule, f));
  if (hit) return { by: 'ignore', reason: hit.rule.reason + (hit.rule.expires ? ` (until ${hit.rule.expires})` : ''), source: hit.source };
  const vex = decideVex(statements, f);
  if (vex?.suppresses) {
    const st = vex.statement;
    return { by: 'vex', reason: st.justification ? `${st.status}: ${st.justification}` : st.status, source: st.source };
  }
  if (opts.onlyFixed && f.fixState !== 'fixed') return { by: 'only-fixed', reason: `no fix available (${f.fixState})` };
  return undefined;
}

function gateSummary(opts: GateOptions, atOrAbove: number, unscored: number, passed: boolean): string {
  if (opts.failOn === 'none') {
    return `no gate (--fail-on none): report only${unscored > 0 ? `; ${unscored} unscored finding(s) listed` : ''}`;
  }
  const head = passed
    ? `passed: no finding at or above ${opts.failOn}`
    : `failed: ${atOrAbove} finding(s) at or above ${opts.failOn}`;
  const unscoredPart =
    unscored === 0
      ? 'no unscored findings'
      : opts.unscored === 'fail'
        ? `${unscored} unscored finding(s) counted as failing (--unscored fail)`
        : `${unscored} unscored finding(s) not counted (--unscored ignore)`;
  return `${head}${opts.onlyFixed ? ' with a fix available' : ''}; ${unscoredPart}`;
}
