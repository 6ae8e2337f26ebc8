// Real tier: the log4j SBOMs of ../shared/corpus/sboms/log4j scanned natively against a database of the
// shared OSV records, and the grype/trivy adapters driven through STAND-INS that replay the real
// recorded reports of ../shared/corpus/vuln-reports (grype cannot be installed here; trivy's DB
// cannot be downloaded).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, FIXTURES } from '../helpers/paths.js';
import { runBuilt } from '../helpers/run-cli.js';

const LOG4J = join(CORPUS, 'sboms', 'log4j');
const OSV = join(CORPUS, 'vuln-reports', 'osv');
const STANDIN = join(FIXTURES, 'tools', 'bin');

interface Doc {
  packagesScanned: number;
  findings: { id: string; aliases: string[]; package: { name: string; version: string }; severity: { level: string } }[];
}

describe('native OSV scan of the shared log4j SBOMs against the shared OSV records', () => {
  it.each([
    ['grype-cdx-log4j-core-2.13.2.cdx.json', '2.13.2'],
    ['grype-cdx-log4j-core-2.13.2.cdx.xml', '2.13.2'],
    ['grype-cdx-nested-component-log4j.cdx.json', '2.13.2'],
    ['guac-spdx_vuln.ghcr.io-guacsec-vul-image.spdx.json', '2.8.1'],
  ])('%s: log4j-core %s is flagged by Log4Shell advisories (exit 1 at --fail-on critical)', async (file, version) => {
    const r = await runBuilt(['scan', join(LOG4J, file), '--osv-db', OSV, '--fail-on', 'critical', '-o', 'json']);
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout) as Doc;
    const log4j = doc.findings.filter((f) => f.package.name === 'log4j-core');
    expect(log4j.map((f) => f.id).sort()).toEqual(['GHSA-7rjr-3q55-vv33', 'GHSA-jfh8-c2jp-5v3q']);
    expect(log4j.every((f) => f.package.version === version && f.severity.level === 'critical')).toBe(true);
    expect(log4j.find((f) => f.id === 'GHSA-jfh8-c2jp-5v3q')!.aliases).toEqual(['CVE-2021-44228']);
    expect(r.stderr).toContain('OSV database');
  });

  it.each(['guac-top-dh-neo4j.spdx.json', 'guac-top-dh-bonita.spdx.json'])('%s: log4j-core 2.17.1 is not flagged (exit 0)', async (file) => {
    const r = await runBuilt(['scan', join(LOG4J, file), '--osv-db', OSV, '--fail-on', 'low', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.packagesScanned).toBeGreaterThan(200);
    expect(doc.findings.filter((f) => f.package.name === 'log4j-core')).toEqual([]);
  });

  it('a VEX statement about another package suppresses nothing and is reported', async () => {
    const r = await runBuilt(['scan', join(LOG4J, 'grype-cdx-log4j-core-2.13.2.cdx.json'), '--osv-db', OSV, '--fail-on', 'critical', '--vex', join(CORPUS, 'vuln-reports', 'vex', 'openvex', 'trivy-openvex.json')]);
    // trivy-openvex.json speaks about spring-boot, not log4j-core: nothing suppressed, the statement is reported.
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/VEX statement in .*trivy-openvex\.json \(CVE-2021-44228, not_affected, pkg:maven\/org\.springframework\.boot\/spring-boot@2\.6\.0\) matched no finding/);
  });
});

describe('ignore rules through aliases on the real advisories', () => {
  it('ignoring CVE-2021-44228 (alias of GHSA-jfh8) leaves GHSA-7rjr failing; ignoring both passes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custody-ign-'));
    writeFileSync(join(dir, 'one.yaml'), 'ignore:\n  - id: CVE-2021-44228\n    package: pkg:maven/org.apache.logging.log4j/log4j-core\n    reason: patched JndiLookup out\n    expires: 2099-01-01\n');
    writeFileSync(join(dir, 'both.yaml'), 'ignore:\n  - {id: CVE-2021-44228, reason: patched}\n  - {id: CVE-2021-45046, reason: patched}\n');
    const sbom = join(LOG4J, 'grype-cdx-log4j-core-2.13.2.cdx.json');
    const one = await runBuilt(['scan', sbom, '--osv-db', OSV, '--fail-on', 'critical', '--ignore', join(dir, 'one.yaml')]);
    expect(one.code, one.stderr).toBe(1);
    expect(one.stdout).toMatch(/GHSA-jfh8-c2jp-5v3q\s+log4j-core\s+2\.13\.2\s+-\s+ignore\s+patched JndiLookup out \(until 2099-01-01\)/);
    expect(one.stdout).toMatch(/^CRITICAL \(1\)$/m);
    const both = await runBuilt(['scan', sbom, '--osv-db', OSV, '--fail-on', 'critical', '--ignore', join(dir, 'both.yaml')]);
    expect(both.code, both.stderr).toBe(0);
  });
});

describe('grype and trivy adapters replaying real recorded reports (stand-ins)', () => {
  it('grype stand-in replaying grype 0.96.0 (rhel8, 35 matches): fail-on high → 1, fail-on critical with --only-fixed decided by custody', async () => {
    const env = { CUSTODY_GRYPE_PATH: join(STANDIN, 'grype'), CUSTODY_FAKE_GRYPE_REPORT: join(CORPUS, 'vuln-reports/grype/grype-0.96.0-xjoin-kafka-connect-strimzi-rhel8.json') };
    const r = await runBuilt(['scan', 'registry:quay.io/cloudservices/xjoin-kafka-connect-strimzi:latest', '--engine', 'grype', '--fail-on', 'high', '-o', 'json'], { env });
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout) as Doc & { tools: { name: string; version: string }[]; counts: Record<string, number> };
    expect(doc.findings).toHaveLength(35);
    expect(doc.tools[0]).toEqual({ name: 'grype', version: '0.96.0' });
    expect(doc.counts).toMatchObject({ critical: 2, high: 19, medium: 14 });
  });

  it('trivy stand-in replaying the trivy alpine-310 golden: 4 vulnerabilities, all medium; fail-on high passes over an OS trivy calls end of service life (exit 3, 0 when accepted)', async () => {
    const env = { CUSTODY_TRIVY_PATH: join(STANDIN, 'trivy'), CUSTODY_FAKE_TRIVY_REPORT: join(CORPUS, 'vuln-reports/trivy/trivy-alpine-310.json') };
    const r = await runBuilt(['scan', 'docker-archive:alpine-310.tar.gz', '--engine', 'trivy', '--fail-on', 'high'], { env });
    // trivy says its detection for alpine 3.10 may be insufficient (Metadata.OS.EOSL): a pass is not conclusive (README "Completeness").
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/^incomplete: 1 input not read: vulndb alpine 3\.10\.2: trivy reports the OS as end of service life/m);
    expect(r.stdout).toMatch(/^MEDIUM \(4\)$/m);
    expect((await runBuilt(['--allow-incomplete', 'scan', 'docker-archive:alpine-310.tar.gz', '--engine', 'trivy', '--fail-on', 'high'], { env })).code).toBe(0);
    const failing = await runBuilt(['scan', 'docker-archive:alpine-310.tar.gz', '--engine', 'trivy', '--fail-on', 'medium'], { env });
    expect(failing.code, failing.stderr).toBe(1);
  });
});
