#!/usr/bin/env node
// Bench for `custody scan`: native OSV matching against a synthetic osv.dev-sized database (records in an
// all.zip per ecosystem, and the same as a directory) over a synthetic 2 000-package SBOM, and `--report`
// ingestion of the largest shared grype report when ../shared is present. No peer runs here (grype
// cannot be installed, trivy has no DB, osv-scanner is not available), so figures are custody's own.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zip } from '../fixtures/vuln.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'custody.js');
const work = mkdtempSync(join(tmpdir(), 'custody-bench-vuln-'));
const RECORDS = Number(process.env.BENCH_OSV_RECORDS ?? 60_000);
const PACKAGES = 2_000;

const eco = ['Maven', 'npm', 'PyPI'];
const nameOf = (e, i) => (e === 'Maven' ? `org.bench.g${i % 997}:artifact-${i}` : e === 'npm' ? `bench-pkg-${i}` : `bench_py_${i}`);
const perEco = Object.fromEntries(eco.map((e) => [e, []]));
for (let i = 0; i < RECORDS; i++) {
  const e = eco[i % 3];
  const pkg = i % (RECORDS / PACKAGES) === 0 ? Math.floor(i / (RECORDS / PACKAGES)) : i + 1_000_000;
  perEco[e].push({
    id: `BENCH-${i}`,
    modified: '2024-01-01T00:00:00Z',
    aliases: [`CVE-2099-${i}`],
    summary: `synthetic record ${i}`,
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
    affected: [{ package: { ecosystem: e, name: nameOf(e, pkg) }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0.0' }, { fixed: '1.5.0' }] }] }],
  });
}
const zipDir = join(work, 'zip');
const plainDir = join(work, 'dir');
for (const e of eco) {
  mkdirSync(join(zipDir, e), { recursive: true });
  writeFileSync(join(zipDir, e, 'all.zip'), zip(perEco[e].map((r) => ({ name: `${r.id}.json`, data: JSON.stringify(r) }))));
  mkdirSync(join(plainDir, e), { recursive: true });
  for (const r of perEco[e]) writeFileSync(join(plainDir, e, `${r.id}.json`), JSON.stringify(r));
}
const purl = (e, i, v) =>
  e === 'Maven' ? `pkg:maven/org.bench.g${i % 997}/artifact-${i}@${v}` : e === 'npm' ? `pkg:npm/bench-pkg-${i}@${v}` : `pkg:pypi/bench-py-${i}@${v}`;
const components = Array.from({ length: PACKAGES }, (_, i) => {
  const e = eco[(i * (RECORDS / PACKAGES)) % 3];
  const v = i % 2 === 0 ? '1.2.0' : '2.0.0';
  return { type: 'library', name: `p${i}`, version: v, purl: purl(e, i, v), 'bom-ref': `c${i}` };
});
const sbom = join(work, 'bench.cdx.json');
writeFileSync(sbom, JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', version: 1, components }));

function timed(label, args) {
  const runs = [];
  let last;
  for (let i = 0; i < 3; i++) {
    const t = process.hrtime.bigint();
    last = spawnSync(process.execPath, [bin, '-q', ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
    runs.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (last.status !== 0 && last.status !== 1) throw new Error(`${label}: exit ${last.status}\n${last.stderr}`);
  }
  runs.sort((a, b) => a - b);
  const doc = JSON.parse(last.stdout);
  const n = doc.findings?.length ?? doc.runs?.[0]?.results?.length;
  console.log(`${label.padEnd(58)} median ${runs[1].toFixed(0).padStart(6)} ms   findings ${n}`);
  return doc;
}

console.log(`synthetic OSV database: ${RECORDS} records (${eco.join(', ')}); SBOM: ${PACKAGES} packages`);
const a = timed(`scan SBOM --osv-db (3 x all.zip)`, ['scan', sbom, '--osv-db', zipDir, '-o', 'json']);
const b = timed(`scan SBOM --osv-db (directory of ${RECORDS} files)`, ['scan', sbom, '--osv-db', plainDir, '-o', 'json']);
if (a.findings.length !== b.findings.length || a.findings.length !== PACKAGES / 2) throw new Error('zip and directory disagree');
const shared = join(root, '..', 'shared', 'corpus', 'vuln-reports', 'grype', 'grype-0.7.0-python-3.6.json');
if (existsSync(shared)) {
  timed('scan --report grype 0.7.0 python:3.6 (3.8 MB, 1509 matches)', ['scan', '--report', shared, '-o', 'json']);
  timed('  same, -o sarif', ['scan', '--report', shared, '-o', 'sarif']);
}
rmSync(work, { recursive: true, force: true });
