// Real tier: the shared corpus's grype/trivy/osv-scanner reports, VEX documents and the SARIF schema.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../helpers/paths.js';
import { runBuilt } from '../helpers/run-cli.js';
import { ingestReport } from '../../src/vuln/report-file.js';
import { gateScan } from '../../src/vuln/gate.js';
import { parseVex } from '../../src/vuln/vex.js';
import { parseOsvRecord } from '../../src/vuln/osv/record.js';
import { loadOsvDatabase } from '../../src/vuln/osv/store.js';
import { matchSbom } from '../../src/vuln/osv/matcher.js';
import { compareVersions } from '../../src/query/versions/index.js';
import { silentLogger } from '../../src/core/log.js';

const require = createRequire(import.meta.url);
interface Case { id: string; category: string; expect: Record<string, unknown> }
const cases = (JSON.parse(readFileSync(join(CORPUS, 'cases.json'), 'utf8')) as { cases: Case[] }).cases.filter((c) => c.category === 'vuln-report');
const byKind = (k: string) => cases.filter((c) => c.expect.kind === k);
const read = (p: string) => readFileSync(join(CORPUS, p));

/** The official SARIF 2.1.0 schema (draft-04) from ../shared, compiled with ajv (id → $id). */
function sarifValidator() {
  const Ajv = require('ajv').default as typeof import('ajv').default;
  const addFormats = require('ajv-formats').default as typeof import('ajv-formats').default;
  const schema = JSON.parse(readFileSync(join(CORPUS, 'schemas', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
  delete schema.$schema;
  schema.$id = schema.id;
  delete schema.id;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

describe('shared grype reports ingest with the asserted counts', () => {
  it.each(byKind('grype-report-parse').map((c) => [c.expect.report as string, c.expect.matches as number, c.expect.distinct_ids as number]))('%s: %d matches, %d ids', (report, matches, ids) => {
    const r = ingestReport(read(report), report);
    expect(r.engine).toBe('grype');
    expect(r.findings).toHaveLength(matches);
    expect(new Set(r.findings.map((f) => f.id)).size).toBe(ids);
    expect(r.warnings).toEqual([]);
  });

  it('grype 0.7.0 many_vulns: CVE-2011-3389 on libgnutls-openssl27 is medium at /var/lib/dpkg/status (DefectDojo)', () => {
    const r = ingestReport(read('vuln-reports/grype/grype-0.7.0-python-3.6.json'), 'x');
    const f = r.findings.find((x) => x.id === 'CVE-2011-3389' && x.package.name === 'libgnutls-openssl27')!;
    expect(f.package.version).toBe('3.6.7-4+deb10u5');
    expect(f.severity.level).toBe('medium');
    expect(f.package.locations[0]).toBe('/var/lib/dpkg/status');
  });

  it('grype keycloak: nss-* matched indirectly through the source RPM nss', () => {
    const r = ingestReport(read('vuln-reports/grype/grype-explain-keycloak-test.json'), 'x');
    expect(new Set(r.findings.map((f) => f.package.name))).toEqual(new Set(['nss', 'nspr', 'nss-softokn', 'nss-softokn-freebl', 'nss-sysinit', 'nss-util']));
    const indirect = r.findings.filter((f) => f.evidence.some((e) => e.sourcePackage === 'nss'));
    expect(indirect.length).toBeGreaterThan(0);
  });
});

describe('shared trivy reports ingest with the asserted counts', () => {
  it.each(byKind('trivy-report-parse').map((c) => [c.expect.report as string, (c.expect.vulns as number | null) ?? 0, (c.expect.vulnerability_ids as string[] | undefined) ?? null]))('%s: %d vulnerabilities', (report, vulns, ids) => {
    const r = ingestReport(read(report), report);
    expect(r.engine).toBe('trivy');
    expect(r.findings).toHaveLength(vulns);
    if (ids) expect([...new Set(r.findings.map((f) => f.id))].sort()).toEqual([...ids].sort());
  });
});

describe('shared osv-scanner report', () => {
  it.each(byKind('osv-scanner-report-parse').map((c) => [c.expect.report as string, c.expect.findings as number]))('%s: %d findings', (report, n) => {
    const r = ingestReport(read(report), report);
    expect(r.findings).toHaveLength(n);
    expect(r.findings[0]).toMatchObject({ id: 'GHSA-25mq-v84q-4j7r', package: { name: 'guzzlehttp/guzzle', locations: ['/tmpcardmarket-api/composer.lock'] } });
    expect(r.findings[0]!.severity.level).toBe('high'); // DefectDojo: first finding High
  });
});

describe('shared VEX documents', () => {
  it.each(byKind('openvex-parse').map((c) => [c.expect.vex as string, c.expect.statements as [string, string, string | null][]]))('OpenVEX %s', (vex, statements) => {
    const d = parseVex(read(vex), vex);
    expect(d.statements.map((s) => [s.vulnerability, s.status, s.justification ?? null])).toEqual(statements);
  });

  it.each(byKind('cyclonedx-vex-parse').map((c) => [c.expect.vex as string]))('CycloneDX VEX %s parses', (vex) => {
    const d = parseVex(read(vex), vex);
    expect(d.format).toBe('cyclonedx-vex');
    // bom-examples-vex-bom.json is the BOM the VEX points at: no vulnerabilities (MANIFEST).
    if (vex.endsWith('vex-bom.json')) expect(d.statements).toEqual([]);
    else expect(d.statements.length).toBeGreaterThan(0);
  });

  it('trivy gomod + OpenVEX: suppressing gives exactly trivy\'s own VEX-applied report', () => {
    const c = byKind('vex-apply')[0]!.expect as Record<string, string>;
    const without = ingestReport(read(c.report_without!), 'without');
    const withVex = ingestReport(read(c.report_with!), 'with');
    const g = gateScan(without, { failOn: 'none', onlyFixed: false, unscored: 'ignore' }, { ignore: [], vex: [parseVex(read(c.vex!), c.vex!)], now: new Date('2025-01-01') });
    const ids = (fs: { id: string; package: { name: string }; properties: Record<string, unknown> }[]) => fs.map((f) => `${String(f.properties.target)} ${f.id} ${f.package.name}`).sort();
    expect(ids(g.findings)).toEqual(ids(withVex.findings));
    expect(g.suppressed.map((s) => s.finding.id)).toEqual(['CVE-2022-23628']);
    expect(g.unmatchedVex).toEqual([]);
  });
});

describe('CycloneDX vulnerability reports', () => {
  it.each(['sboms/log4j/grype-cdx-log4j-core-2.13.2.cdx.json', 'sboms/log4j/grype-cdx-nested-component-log4j.cdx.json'])('%s: 8 findings on log4j-core 2.13.2 (DefectDojo)', (file) => {
    const r = ingestReport(read(file), file);
    expect(r.engine).toBe('grype');
    expect(r.findings).toHaveLength(8);
    expect(r.findings.every((f) => f.package.name === 'log4j-core' && f.package.version === '2.13.2')).toBe(true);
    expect([...new Set(r.findings.map((f) => f.id))].sort()).toEqual(['CVE-2021-44228', 'CVE-2021-44832', 'CVE-2021-45046', 'CVE-2021-45105', 'GHSA-7rjr-3q55-vv33', 'GHSA-8489-44mv-ggj8', 'GHSA-jfh8-c2jp-5v3q', 'GHSA-p6xc-xr62-6r2g']);
    expect(r.findings.find((f) => f.id === 'CVE-2021-44228')!.severity).toMatchObject({ level: 'critical', score: 10 });
  });

  it('trivy 0.48.1 CycloneDX: 10 vulnerabilities over 14 affected packages', () => {
    const r = ingestReport(read('vuln-reports/trivy/trivy-0.48.1-ubuntu.cdx-vulns.json'), 'x');
    expect(r.engine).toBe('trivy');
    expect(r.tools).toEqual([{ name: 'trivy', version: '0.48.1' }]);
    expect(new Set(r.findings.map((f) => f.id)).size).toBe(10);
    expect(r.findings).toHaveLength(14);
    expect(r.warnings).toEqual([]);
    expect(r.findings.find((f) => f.id === 'CVE-2016-2781')).toMatchObject({ package: { name: 'coreutils', version: '8.32-4.1ubuntu1' }, severity: { level: 'low', basis: 'vendor' } });
  });
});

describe('shared OSV records', () => {
  it.each(byKind('osv-record').map((c) => [c.expect.record as string]))('%s is a valid OSV record', (record) => {
    const r = parseOsvRecord(JSON.parse(read(record).toString('utf8')));
    if (!('record' in r)) throw new Error(r.error);
    expect(r.record.affected.length).toBeGreaterThan(0);
  });

  it('GO-2022-0969 (SEMVER, two intervals): stdlib 1.18.5 and 1.19.0 affected, 1.18.6 and 1.19.1 not', async () => {
    const store = await loadOsvDatabase(join(CORPUS, 'vuln-reports', 'osv', 'GO-2022-0969.json'), silentLogger);
    const go = (v: string) => ({ id: v, name: 'stdlib', version: v, type: 'go-module' as const, purl: `pkg:golang/stdlib@v${v}`, licenses: [], locations: [], foundBy: [] });
    const r = matchSbom({ subject: { kind: 'file', name: 'go' }, packages: ['1.18.5', '1.18.6', '1.19.0', '1.19.1'].map(go), relationships: [], tools: [] }, store, { compare: compareVersions });
    expect(r.findings.map((f) => f.package.version)).toEqual(['1.18.5', '1.19.0']);
    expect(r.findings[0]!.aliases).toEqual(['CVE-2022-27664', 'GHSA-69cg-p879-7622']);
  });

  it('debian DSA-3029-1 (Debian:7 nginx) matches nginx 1.2.1-2.2+wheezy2 on Debian 7 only', async () => {
    const store = await loadOsvDatabase(join(CORPUS, 'vuln-reports', 'osv', 'debian-DSA-3029-1.json'), silentLogger);
    const nginx = (v: string, rel: string) => ({ id: v + rel, name: 'nginx', version: v, type: 'deb' as const, purl: `pkg:deb/debian/nginx@${v}?distro=debian-${rel}`, licenses: [], locations: [], foundBy: [] });
    const r = matchSbom({ subject: { kind: 'file', name: 'd' }, packages: [nginx('1.2.1-2.2+wheezy2', '7'), nginx('1.2.1-2.2+wheezy3', '7'), nginx('1.2.1-2.2+wheezy2', '8')], relationships: [], tools: [] }, store, { compare: compareVersions });
    expect(r.findings.map((f) => `${f.id} ${f.package.purl}`)).toEqual(['DSA-3029-1 pkg:deb/debian/nginx@1.2.1-2.2+wheezy2?distro=debian-7']);
  });
});

describe('SARIF output validates against the official schema', () => {
  const validate = sarifValidator();
  it('the schema rejects a broken document (the check can fail)', () => {
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false);
  });

  it.each([
    ['vuln-reports/grype/grype-0.96.0-xjoin-kafka-connect-strimzi-rhel8.json', []],
    ['vuln-reports/grype/grype-0.7.0-defectdojo-django-1.13.1.json', ['--only-fixed']],
    ['vuln-reports/trivy/trivy-gomod.json', ['--vex', join(CORPUS, 'vuln-reports/vex/openvex/trivy-integration-openvex.json')]],
    ['vuln-reports/osv-scanner/osv-scanner-many-findings.json', []],
  ] as [string, string[]][])('custody scan --report %s -o sarif', async (report, extra) => {
    const r = await runBuilt(['scan', '--report', join(CORPUS, report), '-o', 'sarif', ...extra]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { runs: { results: unknown[] }[] };
    const ok = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(doc.runs[0]!.results.length).toBeGreaterThan(0);
  });
});
