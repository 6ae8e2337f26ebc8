/**
 * `custody scan` for a responder: findings keep where the package is (paths and layers, nested archives),
 * the image the SBOM describes, and deleted marks (left out of the gate unless --include-deleted); SARIF
 * locations point at the file inside the image; the table has a path column that tells copies apart.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { compareVersions } from '../../../src/query/versions/index.js';
import { renderScanTable } from '../../../src/report/human/scan-table.js';
import { renderSarif } from '../../../src/report/sarif.js';
import { encodeSbom } from '../../../src/sbom/encode.js';
import type { Package, Sbom } from '../../../src/sbom/model.js';
import { gateScan } from '../../../src/vuln/gate.js';
import { osvScanResult } from '../../../src/vuln/osv/matcher.js';
import { parseOsvRecord } from '../../../src/vuln/osv/record.js';
import { storeFromRecords } from '../../../src/vuln/osv/store.js';
import { hideDeletedFindings } from '../../../src/vuln/scan.js';
import { runInProcess } from '../../helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'custody-responder-scan-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const L2 = `sha256:${'e1'.repeat(32)}`;
const L3 = `sha256:${'0e'.repeat(32)}`;

const jar = (id: string, version: string, path: string, layer: string, deleted = false): Package => ({
  id,
  name: 'log4j-core',
  group: 'org.apache.logging.log4j',
  version,
  type: 'java-archive',
  purl: `pkg:maven/org.apache.logging.log4j/log4j-core@${version}`,
  licenses: [],
  locations: [{ path, layer }],
  foundBy: ['java-archive-cataloger'],
  ...(deleted ? { deleted: true } : {}),
});

const image = (): Sbom => ({
  subject: { kind: 'image', name: 'oci-dir:/images/app', transport: 'oci-dir', manifestDigest: `sha256:${'b0'.repeat(32)}`, refName: 'latest', repoTags: ['registry.example/shop/api:4.2'] },
  packages: [
    jar('war', '2.14.1', '/opt/app/app.war!/WEB-INF/lib/log4j-core-2.14.1.jar', L3),
    jar('deb', '2.14.1', '/usr/share/java/log4j-core.jar', L2),
    jar('old', '2.0-beta9', '/tmp/old/log4j-core.jar', L2, true),
  ],
  relationships: [],
  tools: [],
});

const RECORD = {
  id: 'GHSA-jfh8-c2jp-5v3q',
  aliases: ['CVE-2021-44228'],
  modified: '2024-01-01T00:00:00Z',
  summary: 'Remote code injection in Log4j',
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H' }],
  affected: [
    { package: { ecosystem: 'Maven', name: 'org.apache.logging.log4j:log4j-core' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.13.0' }, { fixed: '2.15.0' }] }] },
    { package: { ecosystem: 'Maven', name: 'org.apache.logging.log4j:log4j-core' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.3.1' }] }] },
  ],
};

function scanOf(sbom: Sbom) {
  const parsed = parseOsvRecord(RECORD);
  if ('error' in parsed) throw new Error(parsed.error);
  return osvScanResult(sbom, storeFromRecords([parsed.record]), { compare: compareVersions }, 'app.json', 'sbom');
}

describe('scan findings for a responder', () => {
  it('each copy is its own finding with its path and layer; the target names the image; deleted packages are marked', () => {
    const r = scanOf(image());
    expect(r.target.subject).toEqual({ kind: 'image', name: 'oci-dir:/images/app', label: 'registry.example/shop/api:4.2', digest: `sha256:${'b0'.repeat(32)}`, tags: ['registry.example/shop/api:4.2'] });
    expect(r.findings.map((f) => [f.package.version, f.package.locations, f.package.layers, f.package.deleted ?? false]).sort()).toEqual([
      ['2.0-beta9', ['/tmp/old/log4j-core.jar'], [L2], true],
      ['2.14.1', ['/opt/app/app.war!/WEB-INF/lib/log4j-core-2.14.1.jar'], [L3], false],
      ['2.14.1', ['/usr/share/java/log4j-core.jar'], [L2], false],
    ]);
  });

  it('findings in deleted packages are left out before the gate unless asked for, and counted', () => {
    const r = scanOf(image());
    const hidden = hideDeletedFindings(r, false);
    expect(hidden.findings).toHaveLength(2);
    expect(hidden.hiddenDeleted).toBe(1);
    expect(hideDeletedFindings(r, true).findings).toHaveLength(3);
  });

  it('SARIF: one location per file inside the image (IMAGE_ROOT, nested archives keep !/), the layer, image → path → package@version', () => {
    const g = gateScan(hideDeletedFindings(scanOf(image()), false), { failOn: 'none', onlyFixed: false, unscored: 'ignore' }, { ignore: [], vex: [], now: new Date(0) });
    const sarif = JSON.parse(renderSarif(g, { custodyVersion: '0.0.0' })) as {
      runs: { originalUriBaseIds: Record<string, { uri: string; description: { text: string } }>; results: { message: { text: string }; locations: { physicalLocation: { artifactLocation: unknown } }[]; properties: Record<string, unknown> }[] }[];
    };
    const run = sarif.runs[0]!;
    expect(run.originalUriBaseIds.IMAGE_ROOT).toEqual({ uri: 'file:///', description: { text: `the root filesystem of registry.example/shop/api:4.2 (sha256:${'b0'.repeat(32)})` } });
    expect(run.results.map((r) => r.locations.map((l) => l.physicalLocation.artifactLocation)).sort()).toEqual([
      [{ uri: 'opt/app/app.war!/WEB-INF/lib/log4j-core-2.14.1.jar', uriBaseId: 'IMAGE_ROOT', properties: { layer: L3 } }],
      [{ uri: 'usr/share/java/log4j-core.jar', uriBaseId: 'IMAGE_ROOT', properties: { layer: L2 } }],
    ]);
    expect(run.results.map((r) => r.message.text)).toContain(
      'GHSA-jfh8-c2jp-5v3q (critical) in registry.example/shop/api:4.2 → /opt/app/app.war!/WEB-INF/lib/log4j-core-2.14.1.jar → log4j-core@2.14.1. Fixed in 2.15.0.',
    );
    expect(run.results[0]!.properties).toMatchObject({ image: 'registry.example/shop/api:4.2', imageDigest: `sha256:${'b0'.repeat(32)}` });
  });

  it('table: the image line and a PATH column that tells the two copies apart; cut only to a given width', () => {
    const g = gateScan(hideDeletedFindings(scanOf(image()), false), { failOn: 'none', onlyFixed: false, unscored: 'ignore' }, { ignore: [], vex: [], now: new Date(0) });
    const text = renderScanTable(g, new Chalk({ level: 0 }));
    expect(text).toMatch(/^image: registry\.example\/shop\/api:4\.2 sha256:b0b0/m);
    expect(text).toMatch(/GHSA-jfh8-c2jp-5v3q\s+log4j-core\s+2\.14\.1\s+2\.15\.0\s+10\.0\s+\/opt\/app\/app\.war!\/WEB-INF\/lib\/log4j-core-2\.14\.1\.jar\s+CVE-2021-44228/);
    expect(text).toMatch(/GHSA-jfh8-c2jp-5v3q\s+log4j-core\s+2\.14\.1\s+2\.15\.0\s+10\.0\s+\/usr\/share\/java\/log4j-core\.jar\s+CVE-2021-44228/);
    expect(text).toMatch(/1 in deleted packages not shown \(--include-deleted\)/);
    const narrow = renderScanTable(g, new Chalk({ level: 0 }), 100);
    for (const line of narrow.split('\n').filter((l) => l.includes('GHSA-'))) expect([...line].length).toBeLessThanOrEqual(100);
    // The path keeps its end (the file), cut at the front.
    expect(narrow).toMatch(/\s…[^ ]*\/log4j-core-2\.14\.1\.jar\s/);
  });

  it('through the CLI on the json model: exit 1 over the gate; the deleted copy only with --include-deleted, marked', async () => {
    const dir = join(tmp, 'osv');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'GHSA-jfh8-c2jp-5v3q.json'), JSON.stringify(RECORD));
    const sbom = join(tmp, 'app.json');
    writeFileSync(sbom, encodeSbom(image(), 'json', { clock: fixedClock(new Date(0)) }));
    const r = await runInProcess(['scan', sbom, '--osv-db', dir, '--fail-on', 'high', '-o', 'json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { hiddenDeleted?: number; target: { format: string; subject: { label: string } }; findings: { package: { version: string; deleted?: boolean } }[] };
    expect(doc.target).toMatchObject({ format: 'custody-json', subject: { label: 'registry.example/shop/api:4.2' } });
    expect(doc.hiddenDeleted).toBe(1);
    expect(doc.findings.map((f) => f.package.version)).toEqual(['2.14.1', '2.14.1']);
    expect(r.stderr).toMatch(/1 finding\(s\) in packages a later layer deleted not shown \(--include-deleted shows them\)/);
    const all = await runInProcess(['scan', sbom, '--osv-db', dir, '--include-deleted', '-o', 'json']);
    expect((JSON.parse(all.stdout) as { findings: { package: { version: string; deleted?: boolean } }[] }).findings.map((f) => [f.package.version, f.package.deleted ?? false]).sort()).toEqual([
      ['2.0-beta9', true],
      ['2.14.1', false],
      ['2.14.1', false],
    ]);
  });
});
