import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.js';
import { ingestReport, sniffReport } from '../../../src/vuln/report-file.js';
import { parseOsvRecord } from '../../../src/vuln/osv/record.js';
import { parseJsonBounded, jsonDepth } from '../../../src/vuln/data.js';
import { VULN } from './helpers.js';

const read = (name: string) => readFileSync(join(VULN, 'reports', name));

describe('report ingestion', () => {
  it('grype JSON: one finding per match, with source package, fix, CVSS and CPE evidence', () => {
    const r = ingestReport(read('grype.json'), 'grype.json');
    expect(r.engine).toBe('grype');
    expect(r.tools).toEqual([{ name: 'grype', version: '0.80.0' }]);
    expect(r.target).toEqual({ kind: 'report', name: 'fixture/app:1.0', format: 'grype-json', distro: 'debian 12' });
    expect(r.findings).toHaveLength(3);
    const [zlib, web, tool] = r.findings;
    expect(zlib).toMatchObject({
      id: 'CVE-2099-1000',
      fixedVersions: ['1.2.4-1'],
      fixState: 'fixed',
      package: { name: 'zlib1g', version: '1.2.3-1', locations: ['/var/lib/dpkg/status'] },
      severity: { level: 'critical', basis: 'vendor', vendor: 'Critical' },
      evidence: [{ kind: 'distro-package', sourcePackage: 'zlib', constraint: '< 1.2.4-1 (deb)', namespace: 'debian:12', matcher: 'dpkg-matcher' }],
      properties: { layers: ['sha256:aaaa'] },
    });
    expect(zlib!.severity.cvss[0]).toMatchObject({ version: '3.1', score: 9.8, source: 'nvd:cpe' });
    expect(web).toMatchObject({ id: 'GHSA-tst5-medi-nofx', aliases: ['CVE-2099-1001'], fixState: 'not-fixed', severity: { level: 'medium', basis: 'cvss', score: 4.8 } });
    expect(tool).toMatchObject({ severity: { level: 'unknown', basis: 'none' }, evidence: [{ kind: 'cpe', cpe: 'cpe:2.3:a:fixture:tool:0.1:*:*:*:*:*:*:*' }] });
  });

  it('trivy JSON: findings per result, severity from the SeveritySource vector', () => {
    const r = ingestReport(read('trivy.json'), 'trivy.json');
    expect(r.engine).toBe('trivy');
    expect(r.target).toMatchObject({ name: 'fixture/app:1.0', distro: 'alpine 3.19.0' });
    expect(r.findings.map((f) => [f.id, f.severity.level, f.severity.basis, f.fixState])).toEqual([
      ['CVE-2099-2000', 'high', 'cvss', 'fixed'],
      ['CVE-2099-2001', 'low', 'vendor', 'not-fixed'],
    ]);
    expect(r.findings[0]!.evidence[0]!.kind).toBe('distro-package');
  });

  it('CycloneDX vulnerabilities: one finding per affected component, resolved by bom-ref or purl', () => {
    const doc = {
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      metadata: { tools: { components: [{ name: 'grype', version: '0.90.0' }] }, component: { name: 'app', 'bom-ref': 'root' } },
      components: [{ 'bom-ref': 'c1', name: 'lodash', group: '@fixture', version: '4.17.20', purl: 'pkg:npm/%40fixture/lodash@4.17.20', components: [{ 'bom-ref': 'c2', name: 'inner', version: '1.0' }] }],
      vulnerabilities: [
        { id: 'CVE-2099-3000', source: { name: 'nvd' }, ratings: [{ source: { name: 'nvd' }, method: 'CVSSv31', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }], affects: [{ ref: 'c1' }, { ref: 'urn:cdx:x/1#c2' }, { ref: 'pkg:pypi/x@1.0' }, { ref: 'nothing' }] },
      ],
    };
    const r = ingestReport(Buffer.from(JSON.stringify(doc)), 'cdx.json');
    expect(r.engine).toBe('grype');
    expect(r.target).toEqual({ kind: 'report', name: 'app', format: 'cyclonedx-json' });
    expect(r.findings.map((f) => `${f.package.name}@${f.package.version} ${f.severity.level}`)).toEqual(['@fixture/lodash@4.17.20 critical', 'inner@1.0 critical', 'x@1.0 critical']);
    expect(r.warnings).toEqual(['cdx.json: CVE-2099-3000 affects nothing, which names no component; skipped']);
  });

  it('sniffs formats and rejects what it cannot read with exit-3 errors', () => {
    expect(sniffReport({ matches: [], descriptor: {} })).toBe('grype-json');
    expect(sniffReport({ SchemaVersion: 2, Results: [] })).toBe('trivy-json');
    expect(sniffReport([{ Target: 'x', Vulnerabilities: [] }])).toBe('trivy-json');
    expect(sniffReport({ results: [{ packages: [] }] })).toBe('osv-scanner-json');
    expect(() => ingestReport(read('not-a-report.json'), 'x')).toThrow(expect.objectContaining({ code: 'VULN_UNKNOWN_REPORT', exitCode: 3 }));
    expect(() => ingestReport(read('truncated.json'), 'x')).toThrow(expect.objectContaining({ code: 'VULN_BAD_JSON', exitCode: 3 }));
  });

  it('refuses deeply nested and oversized JSON before parsing', () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    expect(jsonDepth(deep)).toBe(5000);
    expect(() => parseJsonBounded(deep, 'deep.json')).toThrow(InputError);
    expect(() => parseJsonBounded('{"a":"[[[["}', 'ok.json')).not.toThrow();
    expect(() => parseJsonBounded('[1,2,3]', 'big.json', 4)).toThrow(expect.objectContaining({ code: 'VULN_INPUT_TOO_LARGE' }));
  });

  it('hostile report documents never crash the parsers: a result or an InputError', () => {
    const anyJson = fc.jsonValue({ maxDepth: 6 });
    const reportish = fc.oneof(
      fc.record({ matches: fc.array(fc.oneof(anyJson, fc.record({ vulnerability: anyJson, artifact: anyJson, matchDetails: anyJson, relatedVulnerabilities: anyJson }))), descriptor: anyJson }),
      fc.record({ SchemaVersion: anyJson, Results: fc.array(fc.record({ Target: anyJson, Class: anyJson, Vulnerabilities: fc.array(fc.oneof(anyJson, fc.record({ VulnerabilityID: fc.string(), PkgName: fc.string(), CVSS: anyJson, FixedVersion: anyJson, Severity: anyJson }))) })) }),
      fc.record({ results: fc.array(fc.record({ source: anyJson, packages: fc.array(fc.record({ package: anyJson, vulnerabilities: fc.array(anyJson), groups: anyJson })) })) }),
      anyJson,
    );
    fc.assert(
      fc.property(reportish, (doc) => {
        try {
          const r = ingestReport(Buffer.from(JSON.stringify(doc)), 'fuzz.json');
          for (const f of r.findings) {
            expect(typeof f.id).toBe('string');
            expect(typeof f.package.name).toBe('string');
          }
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('hostile OSV records are either valid records or a reason, never an exception', () => {
    const anyJson = fc.jsonValue({ maxDepth: 5 });
    const osvish = fc.record({
      id: fc.oneof(fc.string(), anyJson),
      aliases: anyJson,
      withdrawn: fc.oneof(fc.constant(undefined), fc.string()),
      severity: fc.oneof(anyJson, fc.array(fc.record({ type: fc.constantFrom('CVSS_V3', 'CVSS_V4', 'X'), score: fc.string() }))),
      affected: fc.oneof(
        anyJson,
        fc.array(fc.record({ package: fc.oneof(anyJson, fc.record({ ecosystem: fc.string(), name: fc.string() })), ranges: fc.oneof(anyJson, fc.array(fc.record({ type: fc.constantFrom('ECOSYSTEM', 'SEMVER', 'GIT', 'BOGUS'), events: fc.array(fc.dictionary(fc.constantFrom('introduced', 'fixed', 'last_affected', 'limit', 'x'), fc.string())) }))), versions: anyJson })),
      ),
    });
    fc.assert(
      fc.property(osvish, (doc) => {
        const r = parseOsvRecord(doc);
        if ('record' in r) {
          expect(r.record.id.length).toBeGreaterThan(0);
          for (const a of r.record.affected) for (const range of a.ranges) for (const e of range.events) expect(Object.keys(e)).toHaveLength(1);
        } else expect(typeof r.error).toBe('string');
      }),
      { numRuns: 500 },
    );
  });
});
