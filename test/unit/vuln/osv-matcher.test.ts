import { mkdtempSync, readFileSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectingLogger } from '../../../src/core/log.js';
import { compareVersions } from '../../../src/query/versions/index.js';
import type { Package, Sbom } from '../../../src/sbom/model.js';
import { matchSbom, mergeAliases } from '../../../src/vuln/osv/matcher.js';
import { loadOsvDatabase, storeFromRecords } from '../../../src/vuln/osv/store.js';
import { osvQueryOf, releaseMatches, sourceNameOf } from '../../../src/vuln/osv/ecosystems.js';
import { parseOsvRecord, type OsvRecord } from '../../../src/vuln/osv/record.js';
import { VULN } from './helpers.js';

const pkg = (name: string, version: string, purl: string, extra: Partial<Package> = {}): Package => ({
  id: purl,
  name,
  version,
  type: 'unknown',
  purl,
  licenses: [],
  locations: [{ path: `/sbom/${name}` }],
  foundBy: [],
  ...extra,
});
const sbom = (packages: Package[], distro?: Sbom['distro']): Sbom => ({ subject: { kind: 'file', name: 't' }, packages, relationships: [], tools: [], ...(distro ? { distro } : {}) });
const log4j = (v: string) => pkg('log4j-core', v, `pkg:maven/org.apache.logging.log4j/log4j-core@${v}`);
const opts = { compare: compareVersions };

describe('OSV store', () => {
  it('reads a directory and osv.dev-style all.zip files to the same records; withdrawn dropped', async () => {
    const log = collectingLogger();
    const dir = await loadOsvDatabase(join(VULN, 'osv-db'), log);
    const zip = await loadOsvDatabase(join(VULN, 'osv-zip'), log);
    for (const s of [dir, zip]) {
      expect(s.records).toBe(7);
      expect(s.withdrawn).toBe(1);
      expect(s.invalid).toBe(0);
      expect(new Set(s.lookup('Maven', 'org.apache.logging.log4j:log4j-core').map((h) => h.record.id))).toEqual(new Set(['GHSA-tst1-log4-shel', 'CVE-2099-0001', 'GHSA-tst2-medi-um00']));
    }
    expect(log.warnings).toEqual([]);
  });

  it('skips invalid records with a warning and keeps going', async () => {
    const log = collectingLogger();
    const s = await loadOsvDatabase(join(VULN, 'osv-bad'), log);
    expect(s.records).toBe(1);
    expect(s.invalid).toBe(2);
    expect(log.warnings.join('\n')).toMatch(/not-json\.json/);
  });

  it('never follows symlinks, and fails clearly on empty or missing databases', async () => {
    const root = mkdtempSync(join(tmpdir(), 'custody-osv-'));
    const outside = mkdtempSync(join(tmpdir(), 'custody-outside-'));
    writeFileSync(join(outside, 'GHSA-out.json'), readFileSync(join(VULN, 'osv-db', 'npm', 'GHSA-tst4-npm0-semv.json')));
    symlinkSync(outside, join(root, 'link'));
    const log = collectingLogger();
    await expect(loadOsvDatabase(root, log)).rejects.toMatchObject({ code: 'VULN_OSV_DB_EMPTY', exitCode: 3 });
    expect(log.warnings.join('\n')).toMatch(/symbolic link; not followed/);
    await expect(loadOsvDatabase(join(root, 'missing'), log)).rejects.toMatchObject({ code: 'VULN_OSV_DB_NOT_FOUND', exitCode: 3 });
  });

  it('rejects a corrupt zip and zip entries over the per-record limit', async () => {
    const root = mkdtempSync(join(tmpdir(), 'custody-osvzip-'));
    mkdirSync(join(root, 'Maven'));
    writeFileSync(join(root, 'Maven', 'all.zip'), Buffer.from('PK\u0003\u0004 definitely not a zip'));
    await expect(loadOsvDatabase(root, collectingLogger())).rejects.toMatchObject({ code: 'VULN_OSV_ZIP_INVALID' });
    const limits = { maxRecordBytes: 100, maxRecords: 10, maxTotalBytes: 10_000, maxDepth: 4 };
    await expect(loadOsvDatabase(join(VULN, 'osv-zip'), collectingLogger(), limits)).rejects.toMatchObject({ code: 'VULN_OSV_ZIP_INVALID' });
  });
});

describe('native OSV matching', () => {
  it('flags log4j-core 2.8.1 and 2.13.2, not 2.17.1 (Maven ordering), merging GHSA and CVE records', async () => {
    const store = await loadOsvDatabase(join(VULN, 'osv-db'), collectingLogger());
    const r = matchSbom(sbom([log4j('2.8.1'), log4j('2.13.2'), log4j('2.17.1')]), store, opts);
    const by = (v: string) => r.findings.filter((f) => f.package.version === v).map((f) => f.id).sort();
    expect(by('2.8.1')).toEqual(['GHSA-tst1-log4-shel', 'GHSA-tst2-medi-um00']);
    expect(by('2.13.2')).toEqual(['GHSA-tst1-log4-shel', 'GHSA-tst2-medi-um00']);
    expect(by('2.17.1')).toEqual([]);
    const shell = r.findings.find((f) => f.id === 'GHSA-tst1-log4-shel' && f.package.version === '2.8.1')!;
    expect(shell.aliases).toEqual(['CVE-2099-0001']);
    expect(shell.properties.mergedRecords).toEqual(['CVE-2099-0001', 'GHSA-tst1-log4-shel']);
    expect(shell.severity).toMatchObject({ level: 'critical', score: 10, basis: 'cvss', vendor: 'CRITICAL' });
    expect(shell.fixedVersions).toContain('2.12.2');
    expect(shell.evidence[0]).toMatchObject({ kind: 'purl-range', constraint: '>=2.4, <2.12.2 (ECOSYSTEM)', namespace: 'Maven' });
    const dos = r.findings.find((f) => f.id === 'GHSA-tst2-medi-um00' && f.package.version === '2.13.2')!;
    expect(dos).toMatchObject({ fixState: 'not-fixed', fixedVersions: [], severity: { level: 'medium' } });
    expect(r.packagesScanned).toBe(3);
  });

  it('a package without a version (a go.mod main module, an unversioned workspace member) is never matched: coverage names it', async () => {
    const store = await loadOsvDatabase(join(VULN, 'osv-db'), collectingLogger());
    const root = pkg('log4j-core', '', 'pkg:maven/org.apache.logging.log4j/log4j-core', { type: 'java-archive', metadata: { project: 'root' } });
    const versioned = pkg('app', '1.0.0', 'pkg:maven/org.apache.logging.log4j/log4j-core@2.8.1', { type: 'java-archive', metadata: { project: 'root' } });
    const r = matchSbom(sbom([root, versioned]), store, opts);
    // the versioned project is matched like any package (as grype and trivy match it); the versionless one is not
    expect(r.findings.map((f) => f.package.version)).toEqual(['1.0.0', '1.0.0']);
    expect(r.coverage.find((c) => c.ecosystem === 'java-archive (project, no version)')).toEqual({ ecosystem: 'java-archive (project, no version)', packages: 1, records: 0, covered: false, project: true, notCovered: ['log4j-core@'], reason: 'the project itself or a member of it, which names no version: nothing to match' });
    expect([r.packagesScanned, r.packagesSkipped]).toEqual([1, 1]);
    // a versionless package that is not the project is not covered, and counts for --require-coverage
    const plain = matchSbom(sbom([pkg('lib', '', 'pkg:npm/lib', { type: 'npm' })]), store, opts);
    expect(plain.coverage).toEqual([{ ecosystem: 'npm (no version)', packages: 1, records: 0, covered: false, notCovered: ['lib@'], reason: 'a package without a version cannot be matched' }]);
  });

  it('Maven ordering, not string ordering: 2.13.2 > 2.4 and 2.4 < 2.12.2', async () => {
    const store = await loadOsvDatabase(join(VULN, 'osv-db'), collectingLogger());
    const r = matchSbom(sbom([log4j('2.12.1'), log4j('2.12.2'), log4j('2.3'), log4j('2.15.0-rc1')]), store, opts);
    const shell = (v: string) => r.findings.some((f) => f.id === 'GHSA-tst1-log4-shel' && f.package.version === v);
    expect(shell('2.12.1')).toBe(true);
    expect(shell('2.12.2')).toBe(false);
    expect(shell('2.3')).toBe(true);
    expect(shell('2.15.0-rc1')).toBe(true); // a pre-release of the fix is still before it
  });

  it('SEMVER ranges for npm scoped names, explicit versions for PyPI (name-normalised), unscored bucket', async () => {
    const store = await loadOsvDatabase(join(VULN, 'osv-db'), collectingLogger());
    const r = matchSbom(
      sbom([
        pkg('lodash', '4.17.20', 'pkg:npm/%40fixture/lodash@4.17.20'),
        pkg('lodash', '4.17.21', 'pkg:npm/%40fixture/lodash@4.17.21'),
        pkg('fixture-requests', '2.30.0', 'pkg:pypi/fixture-requests@2.30.0'),
        pkg('fixture-requests', '2.30.1', 'pkg:pypi/fixture-requests@2.30.1'),
      ]),
      store,
      opts,
    );
    expect(r.findings.map((f) => [f.id, f.package.version, f.severity.level, f.evidence[0]!.kind])).toEqual([
      ['GHSA-tst4-npm0-semv', '4.17.20', 'high', 'purl-range'],
      ['PYSEC-2099-5', '2.30.0', 'unknown', 'explicit-version'],
    ]);
  });

  it('distro packages match through their source package and only in their release', async () => {
    const store = await loadOsvDatabase(join(VULN, 'osv-db'), collectingLogger());
    const libssl = pkg('libssl3', '3.0.9-1', 'pkg:deb/debian/libssl3@3.0.9-1?arch=amd64&upstream=openssl&distro=debian-12');
    const r = matchSbom(sbom([libssl]), store, opts);
    expect(r.findings.map((f) => f.id)).toEqual(['DSA-9999-1']);
    expect(r.findings[0]!.evidence[0]).toMatchObject({ kind: 'distro-package', sourcePackage: 'openssl', namespace: 'Debian:12' });
    const fixedPkg = pkg('libssl3', '3.0.11-1~deb12u2', 'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?upstream=openssl&distro=debian-12');
    expect(matchSbom(sbom([fixedPkg]), store, opts).findings).toEqual([]);
    // Release from the SBOM's distro when the purl has none.
    const noDistro = pkg('libssl3', '3.0.9-1', 'pkg:deb/debian/libssl3@3.0.9-1?upstream=openssl');
    expect(matchSbom(sbom([noDistro], { id: 'debian', versionId: '11' }), store, opts).findings.map((f) => f.id)).toEqual(['DSA-9999-2']);
  });

  it('an unreadable version is a warning, not a crash', () => {
    const rec = parseOsvRecord({ id: 'X-1', affected: [{ package: { ecosystem: 'PyPI', name: 'p' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.0' }] }] }] });
    if (!('record' in rec)) throw new Error(rec.error);
    const r = matchSbom(sbom([pkg('p', 'not a version!', 'pkg:pypi/p@not%20a%20version!')]), storeFromRecords([rec.record as OsvRecord]), opts);
    expect(r.findings).toEqual([]);
    expect(r.warnings.join('\n')).toMatch(/cannot compare version/);
  });

  it('ecosystem helpers', () => {
    expect(releaseMatches('Alpine:v3.18', '3.18.4')).toBe(true);
    expect(releaseMatches('Alpine:v3.18', '3.19.0')).toBe(false);
    expect(releaseMatches('Debian:10', '10')).toBe(true);
    expect(releaseMatches('Debian:10', undefined)).toBeUndefined();
    expect(releaseMatches('AlmaLinux:8', '8.7')).toBe(true);
    expect(releaseMatches('Maven', undefined)).toBe(true);
    expect(sourceNameOf('rpm', 'avahi-0.7-20.el8.src.rpm', undefined)).toBe('avahi');
    expect(sourceNameOf('deb', 'krb5@1.17', undefined)).toBe('krb5');
    expect(osvQueryOf(pkg('x', '1', 'pkg:golang/github.com/a/b@v1.2.3'), undefined)).toMatchObject({ family: 'Go', name: 'github.com/a/b', version: '1.2.3' });
    expect(osvQueryOf(pkg('x', '1', 'pkg:rpm/redhat/avahi-libs@0.7-20.el8?epoch=1&upstream=avahi-0.7-20.el8.src.rpm&distro=rhel-8.7'), undefined)).toMatchObject({ family: 'Red Hat', version: '1:0.7-20.el8', sourceName: 'avahi', release: '8.7' });
    expect(mergeAliases([])).toEqual([]);
  });
});

describe('OSV store against hostile zips', () => {
  it('a zip bomb (entry lying about its size) is stopped by the inflate cap, exit 3', async () => {
    const t = Date.now();
    await expect(loadOsvDatabase(join(VULN, 'osv-bomb'), collectingLogger())).rejects.toMatchObject({ code: 'VULN_OSV_ZIP_INVALID', exitCode: 3 });
    expect(Date.now() - t).toBeLessThan(10_000);
  });
});
