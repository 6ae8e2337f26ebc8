/**
 * The responder's answer: which image, which file, which advisory. Queries over every writer format give the
 * same matches and locations (file scan and index); deleted packages are left out unless asked for; an index
 * of schema 1 is upgraded; `--advisory` answers as the scan matcher does; tables tell copies apart.
 */
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { diffIsEmpty, diffSboms } from '../../../src/query/diff.js';
import { addToIndex, queryIndex } from '../../../src/query/index/index.js';
import type { QueryResult } from '../../../src/query/result.js';
import { queryFiles } from '../../../src/query/scan.js';
import { compareVersions } from '../../../src/query/versions/index.js';
import { fitColumns } from '../../../src/report/human/columns.js';
import { ENCODE_FORMATS, encodeSbom } from '../../../src/sbom/encode.js';
import type { Package, Sbom } from '../../../src/sbom/model.js';
import { advisoryCandidates, advisoryRecords, affectedMatches } from '../../../src/vuln/advisory.js';
import { parseOsvRecord, type OsvRecord } from '../../../src/vuln/osv/record.js';
import { storeFromRecords } from '../../../src/vuln/osv/store.js';
import { runInProcess } from '../../helpers/run-cli.js';

const clock = fixedClock(new Date('2024-05-01T12:00:00Z'));
const tmp = mkdtempSync(join(tmpdir(), 'custody-responder-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const LAYER_APP = `sha256:${'0e'.repeat(32)}`;
const LAYER_JRE = `sha256:${'e1'.repeat(32)}`;
const MANIFEST = `sha256:${'b0'.repeat(32)}`;

const pkg = (id: string, over: Partial<Package>): Package => ({ id, name: 'x', version: '1', type: 'unknown', licenses: [], locations: [], foundBy: ['test'], ...over });

/** An image with log4j-core twice (the Debian jar and the one nested in the app's war), a Debian binary package built from apache-log4j2, a Python package, and a package a later layer deleted. */
function image(): Sbom {
  return {
    subject: { kind: 'image', name: 'oci-dir:/images/java-log4j', transport: 'oci-dir', manifestDigest: MANIFEST, refName: 'latest', repoTags: ['docker.io/sbomtest/java-log4j:latest'] },
    distro: { id: 'debian', versionId: '12', versionCodename: 'bookworm' },
    packages: [
      pkg('l4j-war', { name: 'log4j-core', group: 'org.apache.logging.log4j', version: '2.14.1', type: 'java-archive', purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', locations: [{ path: '/opt/app/app.war!/WEB-INF/lib/log4j-core-2.14.1.jar', layer: LAYER_APP }] }),
      pkg('l4j-deb', { name: 'log4j-core', group: 'org.apache.logging.log4j', version: '2.17.1', type: 'java-archive', purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1', locations: [{ path: '/usr/share/java/log4j-core.jar', layer: LAYER_JRE }] }),
      pkg('deb-l4j', { name: 'liblog4j2-java', version: '2.17.1-1', type: 'deb', purl: 'pkg:deb/debian/liblog4j2-java@2.17.1-1?arch=all&distro=debian-12&upstream=apache-log4j2', locations: [{ path: '/var/lib/dpkg/status', layer: LAYER_JRE }], metadata: { source: 'apache-log4j2' } }),
      pkg('py', { name: 'Flask_Cors', version: '3.0.9', type: 'python', purl: 'pkg:pypi/flask-cors@3.0.9', locations: [{ path: '/usr/lib/python3/dist-packages/Flask_Cors-3.0.9.dist-info/METADATA' }] }),
      pkg('gone', { name: 'log4j-core', group: 'org.apache.logging.log4j', version: '2.0-beta9', type: 'java-archive', purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.0-beta9', locations: [{ path: '/tmp/old/log4j-core.jar', layer: LAYER_JRE }], deleted: true }),
    ],
    relationships: [],
    tools: [{ name: 'custody', version: '0.1.0' }],
  };
}

/** The image in every format custody writes, one file each, in `dir`. */
function writeAllFormats(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return ENCODE_FORMATS.map((f) => {
    const p = join(dir, `${f.replace(/[@.]/g, '_')}.${f.startsWith('cyclonedx-xml') ? 'xml' : 'json'}`);
    writeFileSync(p, encodeSbom(image(), f, { clock }));
    return p;
  });
}

const rows = (r: QueryResult): string[] =>
  [...new Set(r.matches.map((m) => `${m.subject.label}|${m.subject.digest}|${m.package}@${m.version}|${m.locations.map((l) => `${l.path}@${l.layer ?? ''}`).join(',')}${m.deleted ? '|deleted' : ''}`))].sort();

describe('a query gives the same matches and locations from every writer format, by file scan and by index', () => {
  const dir = join(tmp, 'formats');
  const files = writeAllFormats(dir);
  const want = [
    `docker.io/sbomtest/java-log4j:latest|${MANIFEST}|log4j-core@2.14.1|/opt/app/app.war!/WEB-INF/lib/log4j-core-2.14.1.jar@${LAYER_APP}`,
    `docker.io/sbomtest/java-log4j:latest|${MANIFEST}|log4j-core@2.17.1|/usr/share/java/log4j-core.jar@${LAYER_JRE}`,
  ];

  it.each(files)('%s', async (file) => {
    const r = await queryFiles([file], { name: 'log4j-core' }, { workers: 1 });
    expect(rows(r)).toEqual(want);
    expect(r.hiddenDeleted).toBe(1);
    expect(r.matches[0]!.subject).toMatchObject({ kind: 'image', name: 'oci-dir:/images/java-log4j', refName: 'latest', tags: ['docker.io/sbomtest/java-log4j:latest'], transport: 'oci-dir' });
  });

  it('the index answers as the file scan, deleted marks and subjects included', async () => {
    const db = join(tmp, 'formats.db');
    const added = await addToIndex(db, [dir], { clock });
    expect(added.errors).toEqual([]);
    expect(added.added).toHaveLength(files.length);
    for (const includeDeleted of [false, true]) {
      const viaFiles = await queryFiles([dir], { name: 'log4j-core' }, { workers: 1, includeDeleted });
      const viaDb = await queryIndex(db, { name: 'log4j-core' }, { includeDeleted });
      expect(rows(viaDb)).toEqual(rows(viaFiles));
      expect(viaDb.hiddenDeleted).toBe(viaFiles.hiddenDeleted);
      expect(viaDb.matches.map((m) => m.subject)).toEqual(viaFiles.matches.map((m) => m.subject));
    }
    const all = await queryIndex(db, { name: 'log4j-core' }, { includeDeleted: true });
    expect(rows(all)).toContain(`docker.io/sbomtest/java-log4j:latest|${MANIFEST}|log4j-core@2.0-beta9|/tmp/old/log4j-core.jar@${LAYER_JRE}|deleted`);
  });

  it('one image in two formats diffs as empty, and the json model as input too', () => {
    const a = image();
    for (const f of files) {
      const b = JSON.parse(JSON.stringify(a)) as Sbom;
      expect(diffIsEmpty(diffSboms(a, b, { a: { path: 'a', format: 'x' }, b: { path: f, format: 'y' } }, { by: 'location', includeDeleted: true }))).toBe(true);
    }
  });
});

describe('diff by identity', () => {
  it('--by location reports a copy at another path as moved; by package it is unchanged; deleted packages are left out', () => {
    const a = image();
    const b = image();
    b.packages[1]!.locations = [{ path: '/usr/share/java/log4j-core-2.17.1.jar', layer: LAYER_JRE }];
    const byPackage = diffSboms(a, b, { a: { path: 'a', format: 'x' }, b: { path: 'b', format: 'x' } });
    expect(diffIsEmpty(byPackage)).toBe(true);
    expect(byPackage.hiddenDeleted).toEqual({ a: 1, b: 1 });
    const byLocation = diffSboms(a, b, { a: { path: 'a', format: 'x' }, b: { path: 'b', format: 'x' } }, { by: 'location' });
    expect(byLocation.moved).toEqual([{ key: 'purl/maven/org.apache.logging.log4j/log4j-core', name: 'log4j-core', version: '2.17.1', from: [{ path: '/usr/share/java/log4j-core.jar', layer: LAYER_JRE }], to: [{ path: '/usr/share/java/log4j-core-2.17.1.jar', layer: LAYER_JRE }] }]);
  });
  it('a version change of one copy is a change at its path; the other copy is unchanged', () => {
    const a = image();
    const b = image();
    b.packages[0] = { ...b.packages[0]!, version: '2.17.2', purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.17.2' };
    const d = diffSboms(a, b, { a: { path: 'a', format: 'x' }, b: { path: 'b', format: 'x' } });
    expect(d.changed).toEqual([expect.objectContaining({ name: 'log4j-core', from: ['2.14.1'], to: ['2.17.2'], toLocations: [{ path: '/opt/app/app.war!/WEB-INF/lib/log4j-core-2.14.1.jar', layer: LAYER_APP }] })]);
    expect(d.added).toEqual([]);
    expect(d.removed).toEqual([]);
  });
});

describe('an index of schema 1 (before locations round-tripped)', () => {
  it('is upgraded in place when opened; its rows are read again by index add; queries warn until then', async () => {
    const dir = join(tmp, 'v1');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'img.cdx.json');
    writeFileSync(file, encodeSbom(image(), 'cyclonedx-json', { clock }));
    const db = join(tmp, 'v1.db');
    // The schema-1 tables as custody wrote them, with one SBOM read by the old rules (no locations).
    const raw = new Database(db);
    raw.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta VALUES ('schema_version', '1');
      CREATE TABLE sboms (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, sha256 TEXT NOT NULL, format TEXT NOT NULL, subject_kind TEXT NOT NULL, subject_name TEXT NOT NULL, subject_digest TEXT, subject_tags TEXT, package_count INTEGER NOT NULL, indexed_at TEXT NOT NULL);
      CREATE TABLE packages (id INTEGER PRIMARY KEY, sbom_id INTEGER NOT NULL REFERENCES sboms (id) ON DELETE CASCADE, name TEXT NOT NULL, name_lc TEXT NOT NULL, version TEXT NOT NULL, purl TEXT, ident_type TEXT, ident_name_lc TEXT NOT NULL, ecosystem TEXT NOT NULL, pkg_type TEXT NOT NULL, pkg_group TEXT, cpes TEXT, locations TEXT NOT NULL);
    `);
    const { createHash } = await import('node:crypto');
    const { readFileSync } = await import('node:fs');
    const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
    raw.prepare("INSERT INTO sboms VALUES (1, ?, ?, 'cyclonedx-json@1.6', 'image', 'latest', NULL, '[\"latest\"]', 1, '2024-01-01T00:00:00Z')").run(file, sha);
    raw.prepare("INSERT INTO packages VALUES (1, 1, 'log4j-core', 'log4j-core', '2.14.1', 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', 'maven', 'log4j-core', 'maven', 'java-archive', 'org.apache.logging.log4j', NULL, '[]')").run();
    raw.close();

    const before = await queryIndex(db, { name: 'log4j-core' });
    expect(before.matches.map((m) => [m.version, m.locations])).toEqual([['2.14.1', []]]);
    expect(before.warnings.join('\n')).toMatch(/1 SBOM\(s\) in .* were indexed by an older custody/);
    const check = new Database(db, { readonly: true });
    expect(check.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({ value: '2' });
    check.close();

    const again = await addToIndex(db, [dir], { clock });
    expect(again.updated).toEqual([file]);
    const after = await queryIndex(db, { name: 'log4j-core' });
    expect(after.warnings).toEqual([]);
    expect(rows(after)).toEqual([
      `docker.io/sbomtest/java-log4j:latest|${MANIFEST}|log4j-core@2.14.1|/opt/app/app.war!/WEB-INF/lib/log4j-core-2.14.1.jar@${LAYER_APP}`,
      `docker.io/sbomtest/java-log4j:latest|${MANIFEST}|log4j-core@2.17.1|/usr/share/java/log4j-core.jar@${LAYER_JRE}`,
    ]);
    const unchanged = await addToIndex(db, [dir], { clock });
    expect(unchanged.unchanged).toEqual([file]);
  });

  it('an index of a newer schema is refused with a hint (exit 3)', async () => {
    const db = join(tmp, 'v9.db');
    const raw = new Database(db);
    raw.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema_version', '9');");
    raw.close();
    const r = await runInProcess(['sbom', 'query', '--db', db, '--name', 'x']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/QUERY_INDEX_NEWER.*schema 9/s);
  });
});

function record(doc: Record<string, unknown>): OsvRecord {
  const r = parseOsvRecord({ modified: '2024-01-01T00:00:00Z', ...doc });
  if ('error' in r) throw new Error(r.error);
  return r.record;
}

/** Shapes of real advisories (GHSA-jfh8-c2jp-5v3q's ranges; a Debian record naming the source package; a PyPI name). */
const LOG4SHELL = record({
  id: 'GHSA-jfh8-c2jp-5v3q',
  aliases: ['CVE-2021-44228'],
  affected: [
    { package: { ecosystem: 'Maven', name: 'org.apache.logging.log4j:log4j-core' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.13.0' }, { fixed: '2.15.0' }] }] },
    { package: { ecosystem: 'Maven', name: 'org.apache.logging.log4j:log4j-core' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.3.1' }] }] },
    { package: { ecosystem: 'Maven', name: 'org.apache.logging.log4j:log4j-core' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.4' }, { fixed: '2.12.2' }] }] },
  ],
});
const DEBIAN = record({ id: 'DSA-0000-1', aliases: ['CVE-2099-0001'], affected: [{ package: { ecosystem: 'Debian:12', name: 'apache-log4j2' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.17.1-2' }] }] }] });
const DEBIAN_11 = record({ id: 'DSA-0000-2', aliases: ['CVE-2099-0002'], affected: [{ package: { ecosystem: 'Debian:11', name: 'apache-log4j2' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.17.1-2' }] }] }] });
const PYPI = record({ id: 'GHSA-xc3p-xxxx-yyyy', aliases: ['CVE-2099-0003'], affected: [{ package: { ecosystem: 'PyPI', name: 'flask-cors' }, versions: ['3.0.9'] }] });
// An ecosystem custody does not match (OSS-Fuzz: commit ranges over C projects).
const HEX = record({ id: 'EEF-0000-1', aliases: ['CVE-2099-0004'], affected: [{ package: { ecosystem: 'OSS-Fuzz', name: 'plug' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }] });

describe('--advisory: the scan matcher decides, on file scans and indexes', () => {
  const dir = join(tmp, 'advisory');
  writeAllFormats(dir);
  const store = storeFromRecords([LOG4SHELL, DEBIAN, DEBIAN_11, PYPI, HEX], ['test-db']);

  async function advisory(id: string, via: 'files' | 'db'): Promise<QueryResult> {
    const records = advisoryRecords(store, id);
    const { candidates } = advisoryCandidates(records);
    const options = { advisory: id, candidates };
    const r = via === 'files' ? await queryFiles([dir], options, { workers: 1, includeDeleted: true }) : await queryIndex(join(tmp, 'advisory.db'), options, { includeDeleted: true });
    return affectedMatches(records, r, compareVersions);
  }

  it('a Maven advisory answers exactly as --purl … --version with its ranges; with fixed versions', async () => {
    await addToIndex(join(tmp, 'advisory.db'), [dir], { clock });
    for (const via of ['files', 'db'] as const) {
      const byAdvisory = await advisory('CVE-2021-44228', via);
      const byRange = via === 'files'
        ? await queryFiles([dir], { purl: 'pkg:maven/org.apache.logging.log4j/log4j-core', version: '<2.3.1 || >=2.4 <2.12.2 || >=2.13.0 <2.15.0' }, { workers: 1, includeDeleted: true })
        : await queryIndex(join(tmp, 'advisory.db'), { purl: 'pkg:maven/org.apache.logging.log4j/log4j-core', version: '<2.3.1 || >=2.4 <2.12.2 || >=2.13.0 <2.15.0' }, { includeDeleted: true });
      expect(rows(byAdvisory)).toEqual(rows(byRange));
      // 2.14.1 (in the war) and the deleted 2.0-beta9, in each of the 11 files; not the Debian jar's 2.17.1.
      expect(new Set(byAdvisory.matches.map((m) => m.version))).toEqual(new Set(['2.14.1', '2.0-beta9']));
      const war = byAdvisory.matches.find((m) => m.version === '2.14.1')!;
      expect(war.advisory).toMatchObject({ id: 'GHSA-jfh8-c2jp-5v3q', aliases: ['CVE-2021-44228'], fixedVersions: ['2.15.0'], ecosystem: 'Maven' });
      expect(war.candidate).toBeUndefined();
    }
  });

  it('a distro advisory names the source package: the binary package built from it, in the right release', async () => {
    for (const via of ['files', 'db'] as const) {
      const r = await advisory('DSA-0000-1', via);
      expect(new Set(r.matches.map((m) => `${m.package}@${m.version}`))).toEqual(new Set(['liblog4j2-java@2.17.1-1']));
      expect(r.matches[0]!.advisory).toMatchObject({ id: 'DSA-0000-1', fixedVersions: ['2.17.1-2'], ecosystem: 'Debian:12' });
      // Debian 11's advisory does not apply to a Debian 12 image.
      expect((await advisory('DSA-0000-2', via)).matches).toEqual([]);
    }
  });

  it('PyPI names compare normalised (Flask_Cors is flask-cors); explicit versions lists match', async () => {
    for (const via of ['files', 'db'] as const) expect(new Set((await advisory('CVE-2099-0003', via)).matches.map((m) => m.package))).toEqual(new Set(['Flask_Cors']));
  });

  it('an unknown advisory is VULN_ADVISORY_NOT_FOUND naming the database; an ecosystem custody cannot match is reported as not read', () => {
    expect(() => advisoryRecords(store, 'CVE-1999-0000')).toThrow(/advisory CVE-1999-0000 is not in the OSV database test-db/);
    expect(advisoryCandidates([HEX]).unsupported).toEqual([{ kind: 'vulndb', path: 'EEF-0000-1 OSS-Fuzz plug', reason: 'custody does not match packages of the OSS-Fuzz ecosystem' }]);
  });

  it('through the CLI: exit 0 affected (table with the fixed version and the path), 1 not affected, 3 unknown id or an unmatchable ecosystem', async () => {
    const osv = join(tmp, 'osv');
    mkdirSync(osv, { recursive: true });
    for (const r of [LOG4SHELL, DEBIAN, DEBIAN_11, HEX]) {
      writeFileSync(join(osv, `${r.id}.json`), JSON.stringify({ id: r.id, aliases: r.aliases, modified: '2024-01-01T00:00:00Z', affected: r.affected.map((a) => ({ package: { ecosystem: a.ecosystem, name: a.name }, ranges: a.ranges, versions: a.versions })) }));
    }
    const one = join(dir, 'json.json');
    const hit = await runInProcess(['sbom', 'query', one, '--advisory', 'cve-2021-44228', '--osv-db', osv]);
    expect(hit.code, hit.stderr).toBe(0);
    expect(hit.stdout).toMatch(/docker\.io\/sbomtest\/java-log4j:latest\s+sha256:b0b0b0b0b0b0\s+log4j-core\s+2\.14\.1\s+GHSA-jfh8-c2jp-5v3q\s+2\.15\.0\s+\/opt\/app\/app\.war!\/WEB-INF\/lib\/log4j-core-2\.14\.1\.jar/);
    expect(hit.stdout).not.toMatch(/2\.0-beta9/);
    expect(hit.stderr).toMatch(/1 match\(es\) of packages a later layer deleted not shown/);
    const json = JSON.parse((await runInProcess(['sbom', 'query', one, '--advisory', 'GHSA-jfh8-c2jp-5v3q', '--osv-db', osv, '-o', 'json', '--include-deleted'])).stdout) as { query: unknown; matches: { version: string; deleted?: boolean }[] };
    expect(json.query).toEqual({ advisory: 'GHSA-jfh8-c2jp-5v3q' });
    expect(json.matches.map((m) => [m.version, m.deleted ?? false]).sort()).toEqual([['2.0-beta9', true], ['2.14.1', false]]);
    const none = await runInProcess(['sbom', 'query', join(dir, 'spdx-json.json'), '--advisory', 'DSA-0000-1', '--osv-db', join(osv, 'GHSA-jfh8-c2jp-5v3q.json')]);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/VULN_ADVISORY_NOT_FOUND.*DSA-0000-1 is not in the OSV database .*GHSA-jfh8-c2jp-5v3q\.json/s);
    const distro = await runInProcess(['sbom', 'query', one, '--advisory', 'DSA-0000-1', '--osv-db', osv, '-o', 'csv']);
    expect(distro.code).toBe(0);
    expect(distro.stdout).toMatch(/"liblog4j2-java","2\.17\.1-1".*"DSA-0000-1","2\.17\.1-2"/);
    const notAffected = await runInProcess(['sbom', 'query', one, '--advisory', 'DSA-0000-2', '--osv-db', osv]);
    expect(notAffected.code).toBe(1);
    expect(notAffected.stdout).toMatch(/no match: 0 matches in 0 of 1 SBOM/);
    const unmatchable = await runInProcess(['sbom', 'query', one, '--advisory', 'EEF-0000-1', '--osv-db', osv]);
    expect(unmatchable.code).toBe(3);
    expect(unmatchable.stdout).toMatch(/no match/);
    expect(unmatchable.stderr).toMatch(/incomplete: 1 input not read: vulndb EEF-0000-1 OSS-Fuzz plug: custody does not match packages of the OSS-Fuzz ecosystem/);
    const accepted = await runInProcess(['--allow-incomplete', 'sbom', 'query', one, '--advisory', 'EEF-0000-1', '--osv-db', osv]);
    expect(accepted.code).toBe(1);
    const mixed = await runInProcess(['sbom', 'query', one, '--advisory', 'CVE-2021-44228', '--name', 'x', '--osv-db', osv]);
    expect(mixed.code).toBe(2);
    // Neither --osv-db nor data in the local database (custody vulndb): exit 3 with the hint to update it.
    const noDb = await runInProcess(['sbom', 'query', one, '--advisory', 'CVE-2021-44228', '--vulndb-dir', join(tmpdir(), 'custody-no-vulndb-here')]);
    expect(noDb.code).toBe(3);
    expect(noDb.stderr).toMatch(/VULN_NO_DATABASE/);
    expect(noDb.stderr).toMatch(/custody vulndb update/);
  });
});

describe('tables for humans', () => {
  it('rows are cut only to fit a terminal: a path keeps its end, a name its start; piped output keeps every character', () => {
    const rowsIn = [['IMAGE', 'PATH'], ['docker.io/sbomtest/java-log4j:latest', '/opt/app/app.war!/WEB-INF/lib/log4j-core-2.14.1.jar']];
    const cols = [{ header: 'IMAGE', keep: 'head' as const, min: 10 }, { header: 'PATH', keep: 'tail' as const, min: 16 }];
    expect(fitColumns(rowsIn, cols)).toEqual(['IMAGE                                 PATH', 'docker.io/sbomtest/java-log4j:latest  /opt/app/app.war!/WEB-INF/lib/log4j-core-2.14.1.jar']);
    const fitted = fitColumns(rowsIn, cols, 60);
    expect(fitted.every((l) => [...l].length <= 60)).toBe(true);
    expect(fitted[1]).toMatch(/log4j-core-2\.14\.1\.jar$/);
    expect(fitted[1]).toMatch(/^docker\.io\/sbomtest\/jav.*…/);
  });

  it('--columns picks and orders columns; an unknown one is a usage error; the default tells two copies apart by path', async () => {
    const one = join(tmp, 'formats', 'json.json');
    const t = await runInProcess(['sbom', 'query', one, '--name', 'log4j-core']);
    expect(t.code).toBe(0);
    const lines = t.stdout.split('\n');
    expect(lines[0]).toMatch(/^IMAGE\s+DIGEST\s+PACKAGE\s+VERSION\s+PATH\s+LAYER\s+SBOM$/);
    expect(lines.filter((l) => l.includes('log4j-core'))).toHaveLength(2);
    const c = await runInProcess(['sbom', 'query', one, '--name', 'log4j-core', '--columns', 'path,version,layer']);
    expect(c.stdout.split('\n').slice(0, 3)).toEqual([
      'PATH                                                 VERSION  LAYER',
      `/opt/app/app.war!/WEB-INF/lib/log4j-core-2.14.1.jar  2.14.1   sha256:0e0e0e0e0e0e`,
      `/usr/share/java/log4j-core.jar                       2.17.1   sha256:e1e1e1e1e1e1`,
    ]);
    const bad = await runInProcess(['sbom', 'query', one, '--name', 'log4j-core', '--columns', 'path,colour']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown column\(s\) colour/);
  });
});
