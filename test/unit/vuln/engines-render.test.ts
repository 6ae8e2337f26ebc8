import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { classifyTarget } from '../../../src/cli/scan.js';
import { renderScanTable } from '../../../src/report/human/scan-table.js';
import { renderScanMarkdown } from '../../../src/report/markdown-scan.js';
import { renderSarif } from '../../../src/report/sarif.js';
import { grypeTarget, trivyTarget } from '../../../src/vuln/backends/engines.js';
import { gateScan } from '../../../src/vuln/gate.js';
import { ingestReport } from '../../../src/vuln/report-file.js';
import { readFileSync } from 'node:fs';
import { runInProcess } from '../../helpers/run-cli.js';
import { VULN } from './helpers.js';

describe('engine targets', () => {
  it('grype: sbom: for SBOMs, grype schemes passed through', () => {
    expect(grypeTarget({ kind: 'sbom', path: '/x/app.cdx.json' })).toBe('sbom:/x/app.cdx.json');
    expect(grypeTarget({ kind: 'image', ref: 'docker-archive:/a.tar' })).toBe('docker-archive:/a.tar');
    expect(grypeTarget({ kind: 'image', ref: 'registry:localhost:5000/a:1' })).toBe('registry:localhost:5000/a:1');
  });

  it('trivy: archives via --input, registry refs, rootfs, SBOMs', () => {
    expect(trivyTarget({ kind: 'image', ref: 'docker-archive:/a.tar' })).toEqual({ kind: 'image-archive', path: '/a.tar' });
    expect(trivyTarget({ kind: 'image', ref: 'oci-dir:/layout' })).toEqual({ kind: 'image-archive', path: '/layout' });
    expect(trivyTarget({ kind: 'image', ref: 'registry:127.0.0.1:5000/sbomtest/x:latest' })).toEqual({ kind: 'image', ref: '127.0.0.1:5000/sbomtest/x:latest' });
    expect(trivyTarget({ kind: 'image', ref: 'alpine:3.19' })).toEqual({ kind: 'image', ref: 'alpine:3.19' });
    expect(trivyTarget({ kind: 'image', ref: 'dir:/rootfs' })).toEqual({ kind: 'rootfs', path: '/rootfs' });
    expect(trivyTarget({ kind: 'sbom', path: '/s.json' })).toEqual({ kind: 'sbom', path: '/s.json' });
  });

  it('classifies positional targets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'custody-target-'));
    mkdirSync(join(dir, 'layout'));
    writeFileSync(join(dir, 'layout', 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    mkdirSync(join(dir, 'rootfs'));
    writeFileSync(join(dir, 'app.tar'), '');
    writeFileSync(join(dir, 'app.cdx.json'), '{}');
    expect(classifyTarget('layout', dir)).toEqual({ kind: 'image', ref: `oci-dir:${join(dir, 'layout')}` });
    expect(classifyTarget('rootfs', dir)).toEqual({ kind: 'image', ref: `dir:${join(dir, 'rootfs')}` });
    expect(classifyTarget('app.tar', dir)).toEqual({ kind: 'image', ref: join(dir, 'app.tar') });
    expect(classifyTarget('app.cdx.json', dir)).toEqual({ kind: 'sbom', path: join(dir, 'app.cdx.json') });
    expect(classifyTarget('oci-archive:x.tar', dir)).toEqual({ kind: 'image', ref: 'oci-archive:x.tar' });
    expect(classifyTarget('docker.io/library/alpine:3', dir)).toEqual({ kind: 'image', ref: 'docker.io/library/alpine:3' });
  });
});

describe('renderers', () => {
  const g = gateScan(ingestReport(readFileSync(join(VULN, 'reports', 'grype.json')), 'grype.json'), { failOn: 'high', onlyFixed: true, unscored: 'ignore' }, { ignore: [], vex: [], now: new Date(0) });

  it('table: no colour codes without a TTY, severity groups, suppressed section', () => {
    const out = renderScanTable(g, new Chalk({ level: 0 }));
    expect(out).not.toMatch(/\u001b\[/);
    expect(out).toMatch(/^CRITICAL \(1\)$/m);
    expect(out).toMatch(/^SUPPRESSED \(2\)$/m);
    expect(out).toMatch(/^gate: failed: 1 finding\(s\) at or above high with a fix available; no unscored findings$/m);
    expect(renderScanTable(g, new Chalk({ level: 1 }))).toMatch(/\u001b\[/);
  });

  it('markdown escapes table cells', () => {
    const evil = { ...g, findings: g.findings.map((f) => ({ ...f, package: { ...f.package, name: 'a|b\nc' } })) };
    expect(renderScanMarkdown(evil)).toContain('a\\|b c');
  });

  it('sarif: one rule per id, suppressed results carry suppressions, deterministic', () => {
    const a = renderSarif(g, { custodyVersion: '0.0.0' });
    expect(a).toBe(renderSarif(g, { custodyVersion: '0.0.0' }));
    const doc = JSON.parse(a);
    expect(doc.runs[0].results.filter((r: { suppressions?: unknown }) => r.suppressions).length).toBe(2);
    expect(doc.runs[0].tool.driver.rules.every((r: { id: string; name: string }) => /^[A-Za-z0-9]+$/.test(r.name))).toBe(true);
  });
});

describe('custody scan in process', () => {
  it('--report with --fail-on high → exit 1, table on stdout, nothing on stderr', async () => {
    const r = await runInProcess(['scan', '--report', join(VULN, 'reports', 'trivy.json'), '--fail-on', 'high']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^HIGH \(1\)$/m);
    expect(r.stderr).toBe('');
  });
});
