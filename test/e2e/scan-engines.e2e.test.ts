// custody scan with engines through the built CLI: the native OSV matcher on generated SBOMs and OSV
// databases (directory and all.zip), and grype/trivy through STAND-IN executables
// (fixtures/tools/bin/{grype,trivy}) that replay a recorded report — grype cannot be installed here
// and trivy's vulnerability DB cannot be downloaded.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, GENERATED } from '../helpers/paths.js';
import { runBuilt } from '../helpers/run-cli.js';

/** Temp folders the stand-ins log their argv into; removed after the file. */
const argvDirs: string[] = [];
function argvDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'custody-argv-'));
  argvDirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of argvDirs) rmSync(d, { recursive: true, force: true });
});

const V = join(GENERATED, 'vuln');
const sbom = (n: string) => join(V, 'sbom', n);
const STANDIN = join(FIXTURES, 'tools', 'bin');

describe('custody scan --osv-db (native matcher, e2e)', () => {
  it.each(['osv-db', 'osv-zip'])('flags log4j-core 2.8.1 and 2.13.2 but not 2.17.1 (%s)', async (db) => {
    const vuln = await runBuilt(['scan', sbom('app-vulnerable.cdx.json'), '--osv-db', join(V, db), '--fail-on', 'critical', '-o', 'json']);
    expect(vuln.code, vuln.stderr).toBe(1);
    expect(vuln.stderr).toContain('OSV database');
    expect(vuln.stderr).toContain('7 records (1 withdrawn ignored, 0 invalid)');
    const doc = JSON.parse(vuln.stdout);
    expect(doc.engine).toBe('osv');
    expect(doc.packagesScanned).toBe(4);
    expect(doc.findings.map((f: { id: string; package: { name: string; version: string } }) => `${f.id} ${f.package.name}@${f.package.version}`)).toEqual([
      'GHSA-tst1-log4-shel log4j-core@2.8.1',
      'GHSA-tst4-npm0-semv lodash@4.17.20',
      'GHSA-tst2-medi-um00 log4j-core@2.8.1',
      'DSA-9999-1 libssl3@3.0.9-1',
      'PYSEC-2099-5 fixture-requests@2.30.0',
    ]);
    expect(doc.findings[0].aliases).toEqual(['CVE-2099-0001']);
    const mid = await runBuilt(['scan', sbom('app-log4j-2.13.2.cdx.json'), '--osv-db', join(V, db), '--fail-on', 'critical']);
    expect(mid.code, mid.stderr).toBe(1);
    expect(mid.stdout).toMatch(/GHSA-tst1-log4-shel\s+log4j-core\s+2\.13\.2\s+2\.15\.0\s+10\.0\s+-\s+CVE-2099-0001/);
    const fixed = await runBuilt(['scan', sbom('app-fixed.cdx.json'), '--osv-db', join(V, db), '--fail-on', 'low']);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stdout).toContain('no vulnerabilities found');
    expect(fixed.stdout).toContain('gate: passed: no finding at or above low; no unscored findings');
  });

  it('VEX (CycloneDX, matched through the CVE alias) and --only-fixed change the exit code', async () => {
    const base = ['scan', sbom('app-log4j-2.13.2.cdx.json'), '--osv-db', join(V, 'osv-db'), '--fail-on', 'medium'];
    expect((await runBuilt(base)).code).toBe(1);
    // CDX VEX names 2.8.1 only: the 2.13.2 finding stays, and the statement is reported as unmatched.
    const other = await runBuilt([...base, '--vex', join(V, 'vex', 'cdx-vex.json'), '--only-fixed']);
    expect(other.code, other.stderr).toBe(1);
    expect(other.stderr).toMatch(/VEX statement in .*cdx-vex\.json \(CVE-2099-0001, not_affected, pkg:maven\/org\.apache\.logging\.log4j\/log4j-core@2\.8\.1\) matched no finding/);
    const ignored = await runBuilt([...base, '--ignore', join(V, 'ignore', 'alias.yaml'), '--only-fixed']);
    expect(ignored.code, ignored.stderr).toBe(0);
    expect(ignored.stdout).toMatch(/GHSA-tst1-log4-shel\s+log4j-core\s+2\.13\.2\s+-\s+ignore\s+fixture - matched through the alias/);
    expect(ignored.stdout).toMatch(/GHSA-tst2-medi-um00\s+log4j-core\s+2\.13\.2\s+-\s+only-fixed/);
    const vexed = await runBuilt(['scan', sbom('app-vulnerable.cdx.json'), '--osv-db', join(V, 'osv-db'), '--fail-on', 'critical', '--vex', join(V, 'vex', 'cdx-vex.json')]);
    expect(vexed.code, vexed.stderr).toBe(0);
    expect(vexed.stdout).toMatch(/GHSA-tst1-log4-shel\s+log4j-core\s+2\.8\.1\s+-\s+vex\s+not_affected: code_not_reachable/);
  });

  it('a missing database or SBOM exits 3; --osv-db with another engine exits 2', async () => {
    const noDb = await runBuilt(['scan', sbom('app-fixed.cdx.json'), '--osv-db', join(V, 'nope')]);
    expect(noDb.code, noDb.stderr).toBe(3);
    expect(noDb.stdout).toBe('');
    expect(noDb.stderr).toContain('error [VULN_OSV_DB_NOT_FOUND]');
    const empty = await runBuilt(['scan', sbom('app-fixed.cdx.json'), '--osv-db', mkdtempSync(join(tmpdir(), 'custody-empty-'))]);
    expect(empty.code, empty.stderr).toBe(3);
    expect(empty.stderr).toContain('error [VULN_OSV_DB_EMPTY]');
    const notSbom = await runBuilt(['scan', join(V, 'reports', 'not-a-report.json'), '--osv-db', join(V, 'osv-db')]);
    expect(notSbom.code, notSbom.stderr).toBe(3);
    expect(notSbom.stdout).toBe('');
    const mixed = await runBuilt(['scan', sbom('app-fixed.cdx.json'), '--osv-db', join(V, 'osv-db'), '--engine', 'grype']);
    expect(mixed.code, mixed.stderr).toBe(2);
    expect(mixed.stderr).toContain('SCAN_OSV_DB_ENGINE');
  });
});

describe('custody scan --engine grype|trivy (stand-ins replaying recorded reports, e2e)', () => {
  const env = (extra: Record<string, string>) => ({
    CUSTODY_GRYPE_PATH: join(STANDIN, 'grype'),
    CUSTODY_TRIVY_PATH: join(STANDIN, 'trivy'),
    CUSTODY_FAKE_GRYPE_REPORT: join(V, 'reports', 'grype.json'),
    CUSTODY_FAKE_TRIVY_REPORT: join(V, 'reports', 'trivy.json'),
    ...extra,
  });

  it('grype on an SBOM: sbom: target, report-only (no --fail-on), custody gates', async () => {
    const log = join(argvDir(), 'argv.log');
    const r = await runBuilt(['scan', sbom('app-fixed.cdx.json'), '--engine', 'grype', '--fail-on', 'critical'], { env: env({ CUSTODY_FAKE_ARGV_LOG: log }) });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('engine: grype [grype@0.80.0]');
    expect(r.stdout).toMatch(/CVE-2099-1000\s+zlib1g/);
    expect(readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l))).toEqual([['grype', `sbom:${sbom('app-fixed.cdx.json')}`, '-o', 'json']]);
  });

  it('trivy on an image archive: trivy image --input, --scanners vuln, never --exit-code', async () => {
    const log = join(argvDir(), 'argv.log');
    const r = await runBuilt(['scan', 'docker-archive:/images/app.tar', '--engine', 'trivy', '--fail-on', 'high', '-o', 'json'], { env: env({ CUSTODY_FAKE_ARGV_LOG: log }) });
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.target).toMatchObject({ kind: 'image', name: 'docker-archive:/images/app.tar' });
    expect(doc.findings.map((f: { id: string }) => f.id)).toEqual(['CVE-2099-2000', 'CVE-2099-2001']);
    expect(JSON.parse(readFileSync(log, 'utf8').trim())).toEqual(['trivy', 'image', '--format', 'json', '--scanners', 'vuln', '--quiet', '--input', '/images/app.tar']);
  });

  it('an SBOM format the tool cannot read (CycloneDX XML for trivy) is converted to CycloneDX JSON first', async () => {
    const log = join(argvDir(), 'argv.log');
    const r = await runBuilt(['scan', sbom('app-fixed.cdx.xml'), '--engine', 'trivy', '-o', 'json'], { env: env({ CUSTODY_FAKE_ARGV_LOG: log }) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('trivy cannot read cyclonedx-xml; scanning it converted to CycloneDX 1.5 JSON');
    const argv = JSON.parse(readFileSync(log, 'utf8').trim()) as string[];
    expect(argv.slice(0, 6)).toEqual(['trivy', 'sbom', '--format', 'json', '--scanners', 'vuln']);
    expect(argv[argv.length - 1]).toMatch(/custody-scan-.*\/sbom\.cdx\.json$/);
    expect(existsSync(argv[argv.length - 1]!)).toBe(false); // the temporary copy is removed
    expect(JSON.parse(r.stdout).target).toMatchObject({ kind: 'sbom', name: sbom('app-fixed.cdx.xml') });
    const unreadable = await runBuilt(['scan', join(V, 'reports', 'not-a-report.json'), '--engine', 'grype'], { env: env({}) });
    expect(unreadable.code, unreadable.stderr).toBe(3);
  });

  it('engine missing or failing exits 4 with the stderr tail', async () => {
    const missing = await runBuilt(['scan', sbom('app-fixed.cdx.json'), '--engine', 'grype'], { env: { CUSTODY_GRYPE_PATH: join(STANDIN, 'no-such-grype') } });
    expect(missing.code, missing.stderr).toBe(4);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('error [TOOL_NOT_INSTALLED]');
    expect(missing.stderr).toContain('CUSTODY_GRYPE_PATH');
    const failing = await runBuilt(['scan', sbom('app-fixed.cdx.json'), '--engine', 'trivy'], { env: env({ CUSTODY_FAKE_EXIT: '1', CUSTODY_FAKE_STDERR: 'FATAL failed to download vulnerability DB' }) });
    expect(failing.code, failing.stderr).toBe(4);
    expect(failing.stderr).toContain('error [TOOL_FAILED]: trivy exited with code 1');
    expect(failing.stderr).toContain('failed to download vulnerability DB');
    const garbage = await runBuilt(['scan', sbom('app-fixed.cdx.json'), '--engine', 'grype'], { env: env({ CUSTODY_FAKE_GRYPE_REPORT: join(V, 'reports', 'trivy.json') }) });
    expect(garbage.code, garbage.stderr).toBe(4);
    expect(garbage.stderr).toContain('error [TOOL_BAD_OUTPUT]');
  });
});
