import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gateScan } from '../../../src/vuln/gate.js';
import { parseIgnoreFile } from '../../../src/vuln/ignore.js';
import type { GateOptions, ScanResult } from '../../../src/vuln/model.js';
import { ingestReport } from '../../../src/vuln/report-file.js';
import { decideVex, parseVex } from '../../../src/vuln/vex.js';
import { VULN } from './helpers.js';

const grype = (): ScanResult => ingestReport(readFileSync(join(VULN, 'reports', 'grype.json')), 'grype.json');
const opts = (o: Partial<GateOptions> = {}): GateOptions => ({ failOn: 'none', onlyFixed: false, unscored: 'ignore', ...o });
const NOW = new Date('2025-06-01T00:00:00Z');
const ignore = (name: string) => ({ source: name, rules: parseIgnoreFile(readFileSync(join(VULN, 'ignore', name), 'utf8'), name) });
const vex = (name: string) => parseVex(readFileSync(join(VULN, 'vex', name)), name);

describe('gate', () => {
  it('--fail-on thresholds: critical fails at critical, medium, and not with none', () => {
    expect(gateScan(grype(), opts(), { ignore: [], vex: [], now: NOW }).gate).toMatchObject({ passed: true, failing: 0 });
    expect(gateScan(grype(), opts({ failOn: 'critical' }), { ignore: [], vex: [], now: NOW }).gate).toMatchObject({ passed: false, failing: 1 });
    expect(gateScan(grype(), opts({ failOn: 'medium' }), { ignore: [], vex: [], now: NOW }).gate).toMatchObject({ passed: false, failing: 2 });
  });

  it('unscored findings are their own bucket and the gate says how it treated them', () => {
    const ignored = gateScan(grype(), opts({ failOn: 'low' }), { ignore: [], vex: [], now: NOW });
    expect(ignored.counts.unknown).toBe(1);
    expect(ignored.gate.failing).toBe(2);
    expect(ignored.gate.summary).toContain('1 unscored finding(s) not counted');
    const failed = gateScan(grype(), opts({ failOn: 'low', unscored: 'fail' }), { ignore: [], vex: [], now: NOW });
    expect(failed.gate.failing).toBe(3);
    expect(failed.gate.summary).toContain('counted as failing');
  });

  it('--only-fixed suppresses findings without a fix', () => {
    const g = gateScan(grype(), opts({ failOn: 'medium', onlyFixed: true }), { ignore: [], vex: [], now: NOW });
    expect(g.findings.map((f) => f.id)).toEqual(['CVE-2099-1000']);
    expect(g.suppressed.map((s) => [s.finding.id, s.suppression.by])).toEqual([
      ['GHSA-tst5-medi-nofx', 'only-fixed'],
      ['CVE-2099-1002', 'only-fixed'],
    ]);
  });

  it('an active ignore rule suppresses; the expired one does not and is reported', () => {
    const active = gateScan(grype(), opts({ failOn: 'critical' }), { ignore: [ignore('active.yaml')], vex: [], now: NOW });
    expect(active.gate.passed).toBe(true);
    expect(active.suppressed[0]).toMatchObject({ suppression: { by: 'ignore', reason: 'fixture - not reachable (until 2099-12-31)' } });
    const expired = gateScan(grype(), opts({ failOn: 'critical' }), { ignore: [ignore('expired.yaml')], vex: [], now: NOW });
    expect(expired.gate.passed).toBe(false);
    expect(expired.expiredIgnores).toEqual([{ id: 'CVE-2099-1000', reason: 'fixture - accepted until 2000', expires: '2000-01-01' }]);
    expect(expired.warnings.join('\n')).toContain('expired on 2000-01-01');
  });

  it('a date-only expiry is valid through that day (UTC)', () => {
    const rules = parseIgnoreFile('- {id: CVE-1, reason: r, expires: 2025-06-01}\n', 'x');
    const scan: ScanResult = { ...grype() };
    const onTheDay = gateScan(scan, opts(), { ignore: [{ source: 'x', rules }], vex: [], now: new Date('2025-06-01T23:59:00Z') });
    expect(onTheDay.expiredIgnores).toEqual([]);
    const after = gateScan(scan, opts(), { ignore: [{ source: 'x', rules }], vex: [], now: new Date('2025-06-02T00:00:00Z') });
    expect(after.expiredIgnores).toHaveLength(1);
  });

  it('ignore files are validated', () => {
    expect(() => parseIgnoreFile(readFileSync(join(VULN, 'ignore', 'bad-key.yaml'), 'utf8'), 'bad-key.yaml')).toThrow(expect.objectContaining({ code: 'VULN_BAD_IGNORE_FILE', exitCode: 3 }));
    expect(() => parseIgnoreFile('- id: CVE-1\n', 'x')).toThrow(/no "reason"/);
    expect(() => parseIgnoreFile('- {id: CVE-1, reason: r, expires: soon}\n', 'x')).toThrow(/not a date/);
    expect(parseIgnoreFile('', 'x')).toEqual([]);
  });

  it('OpenVEX not_affected (subcomponent purl, version-qualified) suppresses; unmatched statements are warned', () => {
    const g = gateScan(grype(), opts({ failOn: 'critical' }), { ignore: [], vex: [vex('openvex-not-affected.json'), vex('openvex-unmatched.json')], now: NOW });
    expect(g.gate.passed).toBe(true);
    expect(g.suppressed[0]).toMatchObject({ finding: { id: 'CVE-2099-1000' }, suppression: { by: 'vex', reason: 'not_affected: vulnerable_code_not_in_execute_path', source: 'openvex-not-affected.json' } });
    expect(g.unmatchedVex).toEqual([{ source: 'openvex-unmatched.json', vulnerability: 'CVE-2099-9999', status: 'not_affected', products: ['pkg:deb/debian/zlib1g@1.2.3-1'] }]);
    expect(g.warnings.some((w) => w.includes('CVE-2099-9999') && w.includes('matched no finding'))).toBe(true);
  });

  it('the latest OpenVEX statement wins (affected then not_affected)', () => {
    const doc = parseVex(
      Buffer.from(
        JSON.stringify({
          '@context': 'https://openvex.dev/ns/v0.2.0',
          timestamp: '2023-01-16T00:00:00Z',
          statements: [
            { timestamp: '2023-01-15T00:00:00Z', vulnerability: { name: 'CVE-2099-1000' }, products: [{ '@id': 'pkg:deb/debian/zlib1g' }], status: 'affected' },
            { vulnerability: { name: 'CVE-2099-1000' }, products: [{ '@id': 'pkg:deb/debian/zlib1g' }], status: 'not_affected', justification: 'component_not_present' },
          ],
        }),
      ),
      'multi.json',
    );
    const f = grype().findings[0]!;
    expect(decideVex(doc.statements, f)).toMatchObject({ suppresses: true, statement: { status: 'not_affected' } });
    const reversed = { ...doc, statements: doc.statements.map((s, i) => ({ ...s, timestamp: i === 0 ? '2024-01-01T00:00:00Z' : '2023-01-01T00:00:00Z' })) };
    expect(decideVex(reversed.statements, f)).toMatchObject({ suppresses: false, statement: { status: 'affected' } });
  });

  it('CycloneDX VEX: BOM-link refs resolve to purls, metadata.component refs are product-wide, states map', () => {
    const d = vex('cdx-vex.json');
    expect(d.format).toBe('cyclonedx-vex');
    expect(d.statements[0]).toMatchObject({ vulnerability: 'CVE-2099-0001', status: 'not_affected', packages: ['pkg:maven/org.apache.logging.log4j/log4j-core@2.8.1'] });
    const product = parseVex(
      Buffer.from(JSON.stringify({ bomFormat: 'CycloneDX', metadata: { component: { 'bom-ref': 'product-ABC' } }, vulnerabilities: [{ id: 'CVE-2099-1000', analysis: { state: 'resolved' }, affects: [{ ref: 'product-ABC' }] }] })),
      'p.json',
    );
    expect(product.statements[0]).toMatchObject({ status: 'fixed', productWide: true });
    const g = gateScan(grype(), opts({ failOn: 'critical' }), { ignore: [], vex: [product], now: NOW });
    expect(g.gate.passed).toBe(true);
    expect(() => parseVex(Buffer.from('{"hello":1}'), 'h.json')).toThrow(expect.objectContaining({ code: 'VULN_BAD_VEX' }));
  });
});

describe('hostile VEX and ignore inputs', () => {
  it('any JSON given as VEX yields statements or an InputError', async () => {
    const { InputError } = await import('../../../src/core/errors.js');
    const fc = (await import('fast-check')).default;
    const anyJson = fc.jsonValue({ maxDepth: 5 });
    const vexish = fc.oneof(
      fc.record({ '@context': anyJson, timestamp: anyJson, statements: fc.array(fc.record({ vulnerability: fc.oneof(fc.string(), anyJson, fc.record({ name: fc.string(), aliases: anyJson })), status: fc.oneof(fc.constantFrom('not_affected', 'affected', 'fixed', 'under_investigation'), fc.string()), products: fc.oneof(anyJson, fc.array(fc.oneof(fc.string(), fc.record({ '@id': fc.string(), subcomponents: anyJson, identifiers: anyJson })))), timestamp: anyJson })) }),
      fc.record({ bomFormat: fc.constant('CycloneDX'), metadata: anyJson, components: anyJson, vulnerabilities: fc.array(fc.record({ id: fc.string(), analysis: fc.oneof(anyJson, fc.record({ state: fc.constantFrom('not_affected', 'false_positive', 'resolved', 'exploitable', 'in_triage', 'bogus') })), affects: fc.oneof(anyJson, fc.array(fc.record({ ref: fc.string() }))) })) }),
      anyJson,
    );
    const f = grype().findings[0]!;
    fc.assert(
      fc.property(vexish, (doc) => {
        try {
          const d = parseVex(Buffer.from(JSON.stringify(doc)), 'fuzz.json');
          for (const st of d.statements) decideVex([st], f);
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('any text given as an ignore file yields rules or an InputError', async () => {
    const { InputError } = await import('../../../src/core/errors.js');
    const fc = (await import('fast-check')).default;
    const yamlish = fc.oneof(
      fc.string(),
      fc.array(fc.record({ id: fc.oneof(fc.string(), fc.integer()), reason: fc.oneof(fc.string(), fc.constant(undefined)), expires: fc.oneof(fc.string(), fc.constant('2024-01-01'), fc.constant(undefined)), package: fc.oneof(fc.string(), fc.constant(undefined)) })).map((a) => JSON.stringify({ ignore: a })),
    );
    fc.assert(
      fc.property(yamlish, (text) => {
        try {
          for (const r of parseIgnoreFile(text, 'fuzz.yaml')) expect(r.reason.length).toBeGreaterThan(0);
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
