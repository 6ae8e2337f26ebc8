// custody scan --report: gate existing grype/trivy reports through the built CLI (exit code, stdout, stderr).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBuilt } from '../helpers/run-cli.js';
import { GENERATED } from '../helpers/paths.js';

const V = join(GENERATED, 'vuln');
const report = (n: string) => join(V, 'reports', n);
const scan = (...args: string[]) => runBuilt(['scan', ...args], { env: { SOURCE_DATE_EPOCH: '1748736000' } }); // 2025-06-01

describe('custody scan --report (e2e)', () => {
  it('table output grouped by severity with fixed-in, exit 0 without a gate', async () => {
    const r = await scan('--report', report('grype.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^target: fixture\/app:1\.0 \(grype-json\), debian 12$/m);
    expect(r.stdout).toMatch(/^CRITICAL \(1\)$/m);
    expect(r.stdout).toMatch(/CVE-2099-1000\s+zlib1g\s+1\.2\.3-1\s+1\.2\.4-1/);
    expect(r.stdout).toMatch(/^MEDIUM \(1\)$/m);
    expect(r.stdout).toMatch(/^UNSCORED \(1\)$/m);
    expect(r.stdout).toMatch(/GHSA-tst5-medi-nofx\s+fixture-web\s+1\.0\.0\s+\(no fix\)\s+4\.8\s+\/app\/requirements\.txt\s+CVE-2099-1001/);
    expect(r.stdout).toContain('gate: no gate (--fail-on none): report only; 1 unscored finding(s) listed');
  });

  it('--fail-on: exit 1 at or above the threshold, 0 below it', async () => {
    const failed = await scan('--report', report('trivy.json'), '--fail-on', 'high');
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stdout).toContain('gate: failed: 1 finding(s) at or above high');
    expect(failed.stderr).toBe('');
    const passed = await scan('--report', report('trivy.json'), '--fail-on', 'critical');
    expect(passed.code, passed.stderr).toBe(0);
    expect(passed.stdout).toContain('gate: passed: no finding at or above critical');
  });

  it('--unscored fail counts unscored findings', async () => {
    const r = await scan('--report', report('grype.json'), '--fail-on', 'critical', '--ignore', join(V, 'ignore', 'active.yaml'), '--unscored', 'fail');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('1 unscored finding(s) counted as failing (--unscored fail)');
    const ignored = await scan('--report', report('grype.json'), '--fail-on', 'critical', '--ignore', join(V, 'ignore', 'active.yaml'));
    expect(ignored.code, ignored.stderr).toBe(0);
    expect(ignored.stdout).toContain('1 unscored finding(s) not counted (--unscored ignore)');
  });

  it('--only-fixed changes the exit code', async () => {
    const base = ['--report', report('grype.json'), '--fail-on', 'medium', '--ignore', join(V, 'ignore', 'active.yaml')];
    const r1 = await scan(...base);
    expect(r1.code, r1.stderr).toBe(1);
    const r2 = await scan(...base, '--only-fixed');
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.stdout).toMatch(/GHSA-tst5-medi-nofx\s+fixture-web\s+1\.0\.0\s+\/app\/requirements\.txt\s+only-fixed\s+no fix available \(not-fixed\)/);
  });

  it('ignore rules: active suppresses (exit 0); expired stops applying, is reported, exit 1', async () => {
    const active = await scan('--report', report('grype.json'), '--fail-on', 'critical', '--ignore', join(V, 'ignore', 'active.yaml'));
    expect(active.code, active.stderr).toBe(0);
    expect(active.stdout).toMatch(/CVE-2099-1000\s+zlib1g\s+1\.2\.3-1\s+\/var\/lib\/dpkg\/status\s+ignore\s+fixture - not reachable \(until 2099-12-31\)/);
    expect(active.stderr).toBe('');
    const expired = await scan('--report', report('grype.json'), '--fail-on', 'critical', '--ignore', join(V, 'ignore', 'expired.yaml'));
    expect(expired.code, expired.stderr).toBe(1);
    expect(expired.stdout).toContain('EXPIRED IGNORE RULES (1)');
    expect(expired.stderr).toContain('warning: ignore rule for CVE-2099-1000 expired on 2000-01-01; it no longer applies');
  });

  it('VEX not_affected suppresses (exit 0); a statement matching nothing is a warning', async () => {
    const r = await scan('--report', report('grype.json'), '--fail-on', 'critical', '--vex', join(V, 'vex', 'openvex-not-affected.json'), '--vex', join(V, 'vex', 'openvex-unmatched.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/CVE-2099-1000\s+zlib1g\s+1\.2\.3-1\s+\/var\/lib\/dpkg\/status\s+vex\s+not_affected: vulnerable_code_not_in_execute_path/);
    expect(r.stderr).toMatch(/warning: VEX statement in .*openvex-unmatched\.json \(CVE-2099-9999, not_affected, pkg:deb\/debian\/zlib1g@1\.2\.3-1\) matched no finding/);
    const without = await scan('--report', report('grype.json'), '--fail-on', 'critical');
    expect(without.code, without.stderr).toBe(1);
  });

  it('-o json follows the documented schema, suppressed findings included with why', async () => {
    const r = await scan('--report', report('grype.json'), '-o', 'json', '--fail-on', 'high', '--ignore', join(V, 'ignore', 'active.yaml'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('gate: passed: no finding at or above high');
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['schema', 'custody', 'target', 'engine', 'tools', 'gate', 'counts', 'findings', 'suppressed', 'expiredIgnores', 'unmatchedVex', 'warnings', 'incomplete']);
    expect(doc.schema).toBe('custody.scan/v1');
    expect(doc.counts).toEqual({ critical: 0, high: 0, medium: 1, low: 0, negligible: 0, unknown: 1 });
    expect(doc.suppressed).toHaveLength(1);
    expect(doc.suppressed[0]).toMatchObject({ id: 'CVE-2099-1000', suppression: { by: 'ignore', reason: 'fixture - not reachable (until 2099-12-31)' } });
    expect(doc.findings[0]).toMatchObject({ id: 'GHSA-tst5-medi-nofx', engine: 'grype', severity: { level: 'medium', basis: 'cvss', score: 4.8 } });
  });

  it('-o sarif: SARIF 2.1.0 with rules, security-severity and suppressions', async () => {
    const r = await scan('--report', report('grype.json'), '-o', 'sarif', '--vex', join(V, 'vex', 'openvex-not-affected.json'));
    expect(r.code, r.stderr).toBe(0);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    expect(run.tool.driver.name).toBe('custody');
    expect(run.tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(['CVE-2099-1000', 'CVE-2099-1002', 'GHSA-tst5-medi-nofx']);
    expect(run.results).toHaveLength(3);
    const crit = run.results.find((x: { ruleId: string }) => x.ruleId === 'CVE-2099-1000');
    expect(crit.level).toBe('error');
    expect(crit.suppressions[0]).toMatchObject({ kind: 'external', status: 'accepted' });
    expect(crit.locations[0].physicalLocation.artifactLocation.uri).toBe('var/lib/dpkg/status');
    expect(run.tool.driver.rules[0].properties['security-severity']).toBe('9.5');
  });

  it('-o markdown', async () => {
    const r = await scan('--report', report('trivy.json'), '-o', 'markdown', '--fail-on', 'high');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('## custody scan: fixture/app:1.0');
    expect(r.stdout).toContain('**Gate:** ❌ failed: 1 finding(s) at or above high');
    expect(r.stdout).toContain('| high (7.5) | CVE-2099-2000 | libcrypto3 | 3.1.0-r0 | 3.1.1-r0 | fixture/app:1.0 (alpine 3.19.0) |  |');
    expect(r.stderr).toContain('gate: failed');
  });

  it('unreadable or unknown input exits 3, usage errors exit 2', async () => {
    const missing = await scan('--report', join(V, 'reports', 'nope.json'));
    expect(missing.code, missing.stderr).toBe(3);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/error \[VULN_INPUT_NOT_FOUND\]: cannot read report .*nope\.json: no such file or directory/);
    const unknown = await scan('--report', report('not-a-report.json'));
    expect(unknown.code, unknown.stderr).toBe(3);
    expect(unknown.stderr).toContain('error [VULN_UNKNOWN_REPORT]');
    const truncated = await scan('--report', report('truncated.json'));
    expect(truncated.code, truncated.stderr).toBe(3);
    expect(truncated.stderr).toContain('is not valid JSON');
    const badIgnore = await scan('--report', report('grype.json'), '--ignore', join(V, 'ignore', 'bad-key.yaml'));
    expect(badIgnore.code, badIgnore.stderr).toBe(3);
    expect(badIgnore.stderr).toContain('error [VULN_BAD_IGNORE_FILE]');
    const badFailOn = await scan('--report', report('grype.json'), '--fail-on', 'severe');
    expect(badFailOn.code, badFailOn.stderr).toBe(2);
    expect(badFailOn.stderr).toMatch(/argument 'severe' is invalid/);
    const both = await scan(report('grype.json'), '--report', report('grype.json'));
    expect(both.code, both.stderr).toBe(2);
    expect(both.stderr).toContain('SCAN_REPORT_AND_TARGET');
    const nothing = await scan();
    expect(nothing.code, nothing.stderr).toBe(2);
    expect(nothing.stderr).toContain('SCAN_NO_TARGET');
    // No engine named: the native one, which needs data; an empty local database is exit 3 with the hint.
    const noData = await scan(join(V, 'sbom', 'app-fixed.cdx.json'), '--vulndb-dir', mkdtempSync(join(tmpdir(), 'custody-empty-vulndb-')));
    expect(noData.code, noData.stderr).toBe(3);
    expect(noData.stderr).toContain('error [VULN_NO_DATABASE]');
    expect(noData.stderr).toContain('custody vulndb update');
  });
});
