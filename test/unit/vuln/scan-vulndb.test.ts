/**
 * `custody scan` with the local database (in process): which data, its age, coverage, --require-coverage,
 * --max-vulndb-age, owned language packages, --osv-db beating the cache; the local database through the
 * OsvStore interface (`advisory()`) as `sbom query --advisory` uses it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectingLogger } from '../../../src/core/log.js';
import { openVulnData } from '../../../src/vuln/database.js';
import { GENERATED } from '../../helpers/paths.js';
import { runInProcess } from '../../helpers/run-cli.js';
import { startOsvServer, type OsvServer } from '../../helpers/osv-server.js';

const FETCHED = 1_780_000_000; // 2026-05-28T20:26:40Z
const at = (days: number): Record<string, string> => ({ SOURCE_DATE_EPOCH: String(FETCHED + days * 86_400) });
let server: OsvServer;
let cache: string;
let dir: string;

interface ScanDoc {
  findings: { id: string; aliases: string[]; package: { name: string; version: string } }[];
  vulnerabilityData: { kind: string; location: string; datasets: { name: string; records: number; fetchedAt?: string; origin: string }[]; asOf: string; asOfBasis: string; ageSeconds: number; stale: boolean; maxAgeSeconds: number };
  coverage: { ecosystem: string; packages: number; covered: boolean; records: number; reason?: string; notCovered?: string[]; project?: true }[];
  ownedPackages?: { name: string; owner: string }[];
  incomplete?: { kind: string; path: string; reason: string }[];
  tools: { name: string; version: string }[];
}

/** A custody json SBOM: Debian's python3-requests owning the requests it installed, plus an npm package and a Debian package. */
function writeSbom(): string {
  const p = (id: string, name: string, version: string, type: string, purl: string, metadata?: Record<string, unknown>) => ({ id, name, version, type, purl, licenses: [], locations: [{ path: `/x/${name}` }], foundBy: ['test'], ...(metadata ? { metadata } : {}) });
  const sbom = {
    custodySbomVersion: 1,
    subject: { kind: 'image', name: 'owned-test' },
    distro: { id: 'debian', versionId: '12' },
    packages: [
      p('deb-req', 'python3-requests', '2.28.1+dfsg-1', 'deb', 'pkg:deb/debian/python3-requests@2.28.1%2Bdfsg-1?arch=all&distro=debian-12', { source: 'requests' }),
      p('py-req', 'requests', '2.28.1', 'python', 'pkg:pypi/requests@2.28.1'),
      p('npm-qs', 'qs', '6.7.0', 'npm', 'pkg:npm/qs@6.7.0'),
      p('bin-node', 'node', '18.19.0', 'binary', 'pkg:generic/node@18.19.0'),
    ],
    relationships: [{ from: 'deb-req', to: 'py-req', type: 'owns' }],
    tools: [],
  };
  const path = join(dir, 'owned.json');
  writeFileSync(path, JSON.stringify(sbom));
  return path;
}

beforeAll(async () => {
  server = await startOsvServer(join(GENERATED, 'vulndb', 'bucket'));
  cache = mkdtempSync(join(tmpdir(), 'custody-scan-cache-'));
  dir = mkdtempSync(join(tmpdir(), 'custody-scan-vulndb-'));
  const r = await runInProcess(['vulndb', 'update', '--source', server.url, '--allow-insecure-source', '--vulndb-dir', cache, '--ecosystem', 'PyPI', '--ecosystem', 'npm', '--ecosystem', 'Debian'], { env: at(0) });
  if (r.code !== 0) throw new Error(r.stderr);
});
afterAll(async () => {
  await server.close();
});

const scan = (args: string[], days = 1) => runInProcess(['scan', ...args, '--vulndb-dir', cache, '-o', 'json'], { env: at(days) });

describe('scan with the local database', () => {
  it('reports the data used (datasets read, fetch time, age) and coverage per ecosystem', async () => {
    const r = await scan([writeSbom(), '--match-owned-language-packages']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as ScanDoc;
    const d = doc.vulnerabilityData;
    expect(d.kind).toBe('cache');
    expect(d.datasets.map((s) => s.name).sort()).toEqual(['Debian', 'PyPI', 'npm']);
    expect(d.asOf).toBe('2026-05-28T20:26:40.000Z');
    expect(d.asOfBasis).toBe('fetched');
    expect(d.ageSeconds).toBe(86_400);
    expect(d.stale).toBe(false);
    expect(doc.tools[0]!.name).toBe('osv-data');
    const cov = Object.fromEntries(doc.coverage.map((c) => [c.ecosystem, c]));
    expect(cov.PyPI).toMatchObject({ packages: 1, covered: true });
    expect(cov.npm).toMatchObject({ packages: 1, covered: true });
    // The data has Debian records, but only for Debian 7 (DSA-3029-1): Debian 12 is not covered.
    expect(cov['Debian 12']).toMatchObject({ packages: 1, covered: false, records: 0, notCovered: ['python3-requests@2.28.1+dfsg-1'] });
    expect(cov['binary (runtime)']).toMatchObject({ packages: 1, covered: false, notCovered: ['node@18.19.0'] });
    expect(r.stderr).not.toMatch(/older than/);
  });

  it('an SBOM no dataset is for: no dataset listed as used, everything not covered', async () => {
    const only = join(dir, 'rocky.cdx.json');
    writeFileSync(only, JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [{ type: 'library', name: 'hello', version: '2.12.1-4.el8', purl: 'pkg:rpm/rocky/hello@2.12.1-4.el8?arch=x86_64&distro=rocky-9.3' }] }));
    const r = await scan([only]);
    const doc = JSON.parse(r.stdout) as ScanDoc;
    expect(doc.vulnerabilityData.datasets).toEqual([]);
    expect(doc.coverage).toEqual([{ ecosystem: 'Rocky Linux 9.3', packages: 1, records: 0, covered: false, reason: 'the data has no Rocky Linux records', notCovered: ['hello@2.12.1-4.el8'] }]);
    const table = await runInProcess(['scan', only, '--vulndb-dir', cache], { env: at(1) });
    expect(table.stdout).toMatch(/^data: local database .*: none of its datasets is for the ecosystems of these packages; fetched .*, 1d old$/m);
  });

  it('the table footer says which data, how old, and what is not covered', async () => {
    const r = await runInProcess(['scan', writeSbom(), '--vulndb-dir', cache], { env: at(1) });
    expect(r.code, r.stderr).toBe(0);
    // PyPI is not read: its only package is owned by a Debian package (only the datasets a scan needs are opened).
    expect(r.stdout).toMatch(/^data: local database .*: Debian \(1 records\), npm \(\d+ records\); fetched 2026-05-28T20:26:40\.000Z, 1d old$/m);
    expect(r.stdout).toMatch(/^not covered: Debian 12 \(1: the data has Debian records, none for release 12\): python3-requests@2\.28\.1\+dfsg-1$/m);
    expect(r.stdout).toMatch(/^not covered: binary \(runtime\) \(1: runtime binaries have no OSV ecosystem\): node@18\.19\.0$/m);
  });

  it('data older than 7 days is a warning; with --max-vulndb-age it is exit 3 naming the age', async () => {
    const old = await scan([writeSbom()], 9);
    expect(old.code, old.stderr).toBe(0);
    expect(old.stderr).toMatch(/warning: the vulnerability data is 9d old \(as of 2026-05-28T20:26:40\.000Z, when it was downloaded\), older than 7d/);
    expect((JSON.parse(old.stdout) as ScanDoc).vulnerabilityData.stale).toBe(true);
    const strict = await scan([writeSbom(), '--max-vulndb-age', '24h'], 2);
    expect(strict.code).toBe(3);
    expect(strict.stderr).toMatch(/error \[VULN_DB_TOO_OLD\]: the vulnerability data is 2d old .* over the maximum age of 1d/);
    expect(strict.stdout).toBe('');
    const fine = await scan([writeSbom(), '--max-vulndb-age', '3d'], 2);
    expect(fine.code, fine.stderr).toBe(0);
    const bad = await scan([writeSbom(), '--max-vulndb-age', 'soon'], 2);
    expect(bad.code).toBe(2);
  });

  it('--require-coverage: uncovered ecosystems make a clean scan incomplete (exit 3); a failing gate still exits 1', async () => {
    const clean = await scan([writeSbom(), '--require-coverage']);
    expect(clean.code).toBe(3);
    expect(clean.stderr).toMatch(/incomplete: 2 inputs not read: vulndb Debian 12: 1 package not covered/);
    const doc = JSON.parse(clean.stdout) as ScanDoc;
    expect(doc.incomplete!.map((i) => i.path).sort()).toEqual(['Debian 12', 'binary (runtime)']);
    const accepted = await runInProcess(['--allow-incomplete', 'scan', writeSbom(), '--require-coverage', '--vulndb-dir', cache, '-o', 'json'], { env: at(1) });
    expect(accepted.code).toBe(0);
    const failing = await scan([writeSbom(), '--require-coverage', '--fail-on', 'high']);
    expect(failing.code).toBe(1);
  });

  it('--require-coverage: the project itself without a version (nothing to match) is listed, not counted as unscanned', async () => {
    const doc = join(dir, 'project.cdx.json');
    writeFileSync(doc, JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [
      { type: 'library', name: 'my-app', purl: 'pkg:npm/my-app', properties: [{ name: 'custody:metadata:project', value: 'root' }] },
      { type: 'library', name: 'left-pad', version: '1.3.0', purl: 'pkg:npm/left-pad@1.3.0' },
      { type: 'library', name: 'lib', purl: 'pkg:npm/lib' },
    ] }));
    const r = await scan([doc, '--require-coverage']);
    const out = JSON.parse(r.stdout) as ScanDoc;
    expect(out.coverage.find((c) => c.ecosystem === 'npm (project, no version)')).toMatchObject({ packages: 1, covered: false, project: true, notCovered: ['my-app@'] });
    // a versionless package that is not the project is unscanned input
    expect(r.code).toBe(3);
    expect(out.incomplete!.map((i) => i.path)).toEqual(['npm (no version)']);
  });

  it("language packages an OS package owns are matched through it, not on their own, unless asked", async () => {
    const def = JSON.parse((await scan([writeSbom()])).stdout) as ScanDoc;
    expect(def.findings.filter((f) => f.package.name === 'requests')).toEqual([]);
    expect(def.ownedPackages).toEqual([{ name: 'requests', version: '2.28.1', purl: 'pkg:pypi/requests@2.28.1', owner: 'python3-requests 2.28.1+dfsg-1', ownerPurl: 'pkg:deb/debian/python3-requests@2.28.1%2Bdfsg-1?arch=all&distro=debian-12' }]);
    expect(def.coverage.find((c) => c.ecosystem === 'PyPI')).toBeUndefined();
    const all = JSON.parse((await scan([writeSbom(), '--match-owned-language-packages'])).stdout) as ScanDoc;
    const req = all.findings.filter((f) => f.package.name === 'requests');
    expect(req.map((f) => f.id)).toContain('GHSA-j8r2-6x86-q33q');
    expect(req.find((f) => f.id === 'GHSA-j8r2-6x86-q33q')!.aliases).toEqual(expect.arrayContaining(['CVE-2023-32681', 'PYSEC-2023-74']));
    expect(all.ownedPackages).toBeUndefined();
  });

  it('the same through CycloneDX, where custody writes ownership as custody:ownedBy properties', async () => {
    const cdx = join(dir, 'owned.cdx.json');
    writeFileSync(
      cdx,
      JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        metadata: { component: { type: 'container', name: 'owned-test' } },
        components: [
          { 'bom-ref': 'deb-req', type: 'library', name: 'python3-requests', version: '2.28.1+dfsg-1', purl: 'pkg:deb/debian/python3-requests@2.28.1%2Bdfsg-1?arch=all&distro=debian-12' },
          { 'bom-ref': 'py-req', type: 'library', name: 'requests', version: '2.28.1', purl: 'pkg:pypi/requests@2.28.1', properties: [{ name: 'custody:ownedBy', value: 'deb-req' }] },
        ],
      }),
    );
    const def = JSON.parse((await scan([cdx])).stdout) as ScanDoc;
    expect(def.ownedPackages?.map((p) => p.name)).toEqual(['requests']);
    expect(def.findings).toEqual([]);
    const all = JSON.parse((await scan([cdx, '--match-owned-language-packages'])).stdout) as ScanDoc;
    expect(all.findings.map((f) => f.id)).toContain('GHSA-j8r2-6x86-q33q');
  });

  it('what the SBOM could not read is unread input for the scan: a clean scan over it exits 3', async () => {
    const doc = JSON.parse(readFileSync(writeSbom(), 'utf8')) as Record<string, unknown>;
    doc.packages = (doc.packages as { id: string }[]).filter((p) => p.id === 'bin-node');
    doc.incomplete = [{ kind: 'file', path: '/var/lib/rpm/rpmdb.sqlite', reason: 'database disk image is malformed', by: 'rpm-db-cataloger' }];
    doc.completeness = 'incomplete';
    const path = join(dir, 'incomplete.json');
    writeFileSync(path, JSON.stringify(doc));
    const r = await scan([path]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/incomplete: 2 inputs not read: file \/var\/lib\/rpm\/rpmdb\.sqlite: database disk image is malformed; sbom .*incomplete\.json: the SBOM declares itself incomplete/);
    expect((JSON.parse(r.stdout) as ScanDoc).incomplete).toHaveLength(2);
  });

  it('--osv-db beats the local database; its age is its newest record', async () => {
    const osvDb = join(GENERATED, 'vulndb', 'bucket', 'npm', 'all.zip');
    const r = await scan([writeSbom(), '--osv-db', osvDb]);
    expect(r.code, r.stderr).toBe(0);
    const d = (JSON.parse(r.stdout) as ScanDoc).vulnerabilityData;
    expect(d.kind).toBe('osv-db');
    expect(d.location).toBe(osvDb);
    expect(d.asOfBasis).toBe('newest-record');
    expect(d.datasets).toHaveLength(1);
  });

  it('SARIF carries the data used and the coverage in the run properties', async () => {
    const r = await runInProcess(['scan', writeSbom(), '--vulndb-dir', cache, '-o', 'sarif'], { env: at(1) });
    expect(r.code, r.stderr).toBe(0);
    const run = (JSON.parse(r.stdout) as { runs: { properties: { vulnerabilityData: { asOf: string }; coverage: { ecosystem: string }[]; ownedPackages: number } }[] }).runs[0]!;
    expect(run.properties.vulnerabilityData.asOf).toBe('2026-05-28T20:26:40.000Z');
    expect(run.properties.coverage.map((c) => c.ecosystem)).toContain('Debian 12');
    expect(run.properties.ownedPackages).toBe(1);
  });

  it('--update-vulndb updates first (the only way scan touches the network); without it nothing is fetched', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'custody-scan-update-'));
    const before = server.requests.length;
    const none = await runInProcess(['scan', writeSbom(), '--vulndb-dir', fresh, '-o', 'json'], { env: at(0) });
    expect(none.code).toBe(3);
    expect(server.requests.length).toBe(before);
    const r = await runInProcess(['scan', writeSbom(), '--vulndb-dir', fresh, '-o', 'json', '--update-vulndb', '--vulndb-source', server.url, '--allow-insecure-source'], { env: at(0) });
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests.length).toBeGreaterThan(before);
    expect(r.stderr).toMatch(/^vulndb: .* from http:\/\/127\.0\.0\.1:\d+\/$/m);
    expect((JSON.parse(r.stdout) as ScanDoc).vulnerabilityData.ageSeconds).toBe(0);
    const both = await runInProcess(['scan', writeSbom(), '--osv-db', cache, '--update-vulndb'], { env: at(0) });
    expect(both.code).toBe(2);
  });

  it('an empty database directory is exit 3 with the hint to update', async () => {
    const r = await runInProcess(['scan', writeSbom(), '--vulndb-dir', mkdtempSync(join(tmpdir(), 'custody-empty-'))]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/VULN_NO_DATABASE/);
    expect(r.stderr).toMatch(/custody vulndb update/);
  });

  it('scan never writes into the database directory', async () => {
    const { readdirSync, statSync } = await import('node:fs');
    const list = (): string[] =>
      readdirSync(cache, { recursive: true, withFileTypes: true })
        .map((e) => `${join(e.parentPath, e.name)}:${e.isFile() ? statSync(join(e.parentPath, e.name)).mtimeMs : 'd'}`)
        .sort();
    const before = list();
    expect((await scan([writeSbom()])).code).toBe(0);
    expect(list()).toEqual(before);
  });
});

describe('the local database through OsvStore (as sbom query --advisory uses it)', () => {
  it('advisory(id or alias) finds records in every dataset; lookup reads only what it needs', async () => {
    const data = await openVulnData({ vulndbDir: cache, families: ['npm'] }, collectingLogger());
    try {
      expect(data.store.advisory('cve-2023-32681').map((r) => r.id).sort()).toEqual(['GHSA-j8r2-6x86-q33q', 'PYSEC-2023-74']);
      expect(data.store.advisory('GHSA-HRPP-H998-J3PP').map((r) => r.id)).toEqual(['GHSA-hrpp-h998-j3pp']);
      expect(data.store.advisory('CVE-1999-0000')).toEqual([]);
      const hits = data.store.lookup('npm', 'qs');
      expect(hits.map((h) => h.record.id)).toEqual(Array(9).fill('GHSA-hrpp-h998-j3pp'));
      expect(data.store.lookup('PyPI', 'Requests').length).toBeGreaterThan(0);
    } finally {
      data.close();
    }
  });
});
