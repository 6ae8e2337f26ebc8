/**
 * Real tier, the responder's answer on the six real images and ../shared/corpus:
 * - every writer format of every image (oci-dir, whose ref name is "latest"; java-log4j also from a pre-25
 *   docker archive and the registry) reports each log4j-core copy with the image's name, digest, layer and
 *   exact path, as the image's own truth/ lists them, by file scan and by index; one image diffs as empty
 *   across formats;
 * - syft, trivy and cdxgen SBOMs of the corpus give the locations their files record;
 * - `--advisory` on real OSV records (the corpus's, osv.dev-style PyPI and Go all.zip files, and a GHSA
 *   record for log4j 1.2) answers the corpus and image SBOMs exactly as the scan matcher does for that
 *   advisory, and for a plain Maven advisory as `--purl … --version RANGE`;
 * - `scan -o sarif` points at the jar inside the image and validates against the SARIF 2.1.0 schema.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { addToIndex, queryIndex } from '../../src/query/index/index.js';
import type { QueryMatch, QueryResult } from '../../src/query/result.js';
import { queryFiles } from '../../src/query/scan.js';
import { compareVersions } from '../../src/query/versions/index.js';
import { readSbom } from '../../src/sbom/index.js';
import { advisoryCandidates, advisoryRecords, affectedMatches } from '../../src/vuln/advisory.js';
import { matchSbom } from '../../src/vuln/osv/matcher.js';
import { loadOsvDatabase, storeFromRecords, type OsvStore } from '../../src/vuln/osv/store.js';
import { CORPUS, FIXTURES, IMAGES, REGISTRY, hasShared } from '../helpers/paths.js';
import { runBuilt } from '../helpers/run-cli.js';

const NAMES = ['debian-min', 'java-log4j', 'java-log4j1', 'node-app', 'python-app', 'layered-whiteout'];
const WRITERS = ['json', 'cyclonedx-json', 'cyclonedx-json@1.5', 'cyclonedx-json@1.4', 'cyclonedx-xml', 'cyclonedx-xml@1.4', 'spdx-json'];
const env = { SOURCE_DATE_EPOCH: '1700000000' };
const clock = fixedClock(new Date('2024-01-01T00:00:00Z'));

let tmp: string;
/** image → writer → file, all from the image's oci-dir (its ref name is the bare "latest"). */
const sboms: Record<string, Record<string, string>> = {};
const extra: Record<string, string> = {};

function fileOf(dir: string, w: string): string {
  return join(dir, `${w.replace(/[@.]/g, '_')}.${w.startsWith('cyclonedx-xml') ? 'xml' : 'json'}`);
}

async function generate(target: string, dir: string, writers: string[], more: string[] = []): Promise<Record<string, string>> {
  mkdirSync(dir, { recursive: true });
  const out: Record<string, string> = {};
  const args = writers.flatMap((w) => ['-o', `${w}=${(out[w] = fileOf(dir, w))}`]);
  const r = await runBuilt(['sbom', 'generate', target, ...args, ...more], { env, timeoutMs: 600_000 });
  if (r.code !== 0) throw new Error(`generate ${target} exited ${r.code}: ${r.stderr}`);
  return out;
}

/** The image's manifest digest and layer digests, from its own truth/layers.txt. */
function truthLayers(name: string): { manifest: string; layers: string[] } {
  const lines = readFileSync(join(IMAGES, 'truth', name, 'layers.txt'), 'utf8').trim().split('\n');
  const manifest = /manifest (sha256:[0-9a-f]{64})/.exec(lines[0]!)![1]!;
  return { manifest, layers: lines.slice(1).map((l) => /^layer \d+ (sha256:[0-9a-f]{64})/.exec(l)![1]!) };
}

/** The jars of the image's truth/jars.tsv whose artifactId is `artifact` (path inside the image). */
function truthJars(name: string, artifact: string): { path: string; version: string }[] {
  const [, ...rows] = readFileSync(join(IMAGES, 'truth', name, 'jars.tsv'), 'utf8').trim().split('\n');
  return rows.map((r) => r.split('\t')).filter((c) => c[2] === artifact).map((c) => ({ path: c[0]!, version: c[3]! }));
}

const row = (m: QueryMatch): string => `${m.subject.label}|${m.subject.digest}|${m.package}@${m.version}|${m.locations.map((l) => `${l.path}@${l.layer ?? ''}`).join(',')}${m.deleted ? '|deleted' : ''}`;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'custody-real-responder-'));
  if (!hasShared()) return;
  for (const name of NAMES) sboms[name] = await generate(`oci-dir:${join(IMAGES, 'oci', name)}`, join(tmp, 'images', name), WRITERS, name === 'layered-whiteout' ? ['--scope', 'all-layers'] : []);
  Object.assign(extra, {
    archive: (await generate(`docker-archive:${join(IMAGES, 'docker-archive', 'java-log4j.tar')}`, join(tmp, 'archive'), ['spdx-json']))['spdx-json'],
    registry: (await generate(`registry:${REGISTRY}/sbomtest/java-log4j:latest`, join(tmp, 'registry'), ['cyclonedx-json'], ['--plain-http']))['cyclonedx-json'],
  });
}, 1_800_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!hasShared())('the six real images in every writer format', () => {
  it('java-log4j: each log4j-core copy with the image, digest, layer and exact path (truth/jars.tsv, truth/layers.txt), in every format, by file scan and index', async () => {
    const { manifest, layers } = truthLayers('java-log4j');
    const jars = truthJars('java-log4j', 'log4j-core');
    expect(jars.map((j) => j.path).sort()).toEqual(['/opt/app/app.war!/WEB-INF/lib/log4j-core-2.19.0.jar', '/usr/share/java/log4j-core.jar']);
    // The war was copied in layer 3; Debian's jar came with liblog4j2-java in layer 2.
    const layerOf = (p: string): string => (p.startsWith('/opt/app/') ? layers[2]! : layers[1]!);
    const label = `${join(IMAGES, 'oci', 'java-log4j')} (ref latest)`;
    const want = jars.map((j) => `${label}|${manifest}|log4j-core@${j.version}|${j.path}@${layerOf(j.path)}`).sort();
    for (const w of WRITERS) {
      const r = await queryFiles([sboms['java-log4j']![w]!], { name: 'log4j-core' }, { workers: 1 });
      expect(r.matches.map(row).sort(), w).toEqual(want);
      expect(r.matches.every((m) => m.subject.label !== 'latest' && m.subject.refName === 'latest'), w).toBe(true);
    }
    const db = join(tmp, 'images.db');
    const added = await addToIndex(db, [join(tmp, 'images')], { clock });
    expect(added.errors).toEqual([]);
    const viaDb = await queryIndex(db, { name: 'log4j-core' });
    const viaFiles = await queryFiles([join(tmp, 'images')], { name: 'log4j-core' }, { workers: 1 });
    expect(viaDb.matches.map(row).sort()).toEqual(viaFiles.matches.map((m) => row(m)).sort());
    expect([...new Set(viaDb.matches.map(row))].sort()).toEqual(want);
  });

  it('java-log4j from a pre-25 docker archive is named by its manifest.json repo tag; from the registry by its reference', async () => {
    const archive = await queryFiles([extra.archive!], { name: 'log4j-core' }, { workers: 1 });
    expect([...new Set(archive.matches.map((m) => m.subject.label))]).toEqual(['docker.io/sbomtest/java-log4j:latest']);
    expect(archive.matches.map((m) => m.locations[0]!.path).sort()).toEqual(truthJars('java-log4j', 'log4j-core').map((j) => j.path).sort());
    const spdx = JSON.parse(readFileSync(extra.archive!, 'utf8')) as { packages: { name: string; primaryPackagePurpose?: string }[] };
    expect(spdx.packages[0]).toMatchObject({ name: 'docker.io/sbomtest/java-log4j:latest', primaryPackagePurpose: 'CONTAINER' });
    const registry = await queryFiles([extra.registry!], { name: 'log4j-core' }, { workers: 1 });
    expect([...new Set(registry.matches.map((m) => [m.subject.label, m.subject.digest].join(' ')))]).toEqual([`${REGISTRY}/sbomtest/java-log4j:latest ${truthLayers('java-log4j').manifest}`]);
  });

  it.each(NAMES)('%s: one image diffs as empty across every format (by location, deleted packages included)', async (name) => {
    for (const w of WRITERS.filter((x) => x !== 'json')) {
      const d = await runBuilt(['sbom', 'diff', sboms[name]!.json!, sboms[name]![w]!, '--by', 'location', '--include-deleted', '-o', 'json']);
      expect(d.code, `${name} ${w}: ${d.stdout.slice(0, 2000)}`).toBe(0);
    }
  });

  it('layered-whiteout: log4j, installed then purged, is marked deleted in every format and left out unless asked for', async () => {
    for (const w of WRITERS) {
      const hidden = await queryFiles([sboms['layered-whiteout']![w]!], { name: 'liblog4j2-java' }, { workers: 1 });
      expect(hidden.matches, w).toEqual([]);
      expect(hidden.hiddenDeleted, w).toBe(1);
      const shown = await queryFiles([sboms['layered-whiteout']![w]!], { name: 'liblog4j2-java' }, { workers: 1, includeDeleted: true });
      expect(shown.matches.map((m) => m.deleted), w).toEqual([true]);
    }
  });

  it('generate → convert → query: the same matches and locations from every format converted to every other (java-log4j)', async () => {
    const base = (await queryFiles([sboms['java-log4j']!.json!], { name: 'log4j-*' }, { workers: 1 })).matches.map(row).sort();
    expect(base.length).toBeGreaterThan(10);
    for (const from of WRITERS) {
      for (const to of ['json', 'cyclonedx-json@1.4', 'cyclonedx-xml', 'spdx-json']) {
        const out = join(tmp, 'conv', `${from}-${to}`.replace(/[@.]/g, '_'));
        mkdirSync(join(tmp, 'conv'), { recursive: true });
        const c = await runBuilt(['sbom', 'convert', sboms['java-log4j']![from]!, '-o', to, '--file', out], { env });
        expect(c.code, c.stderr).toBe(0);
        expect((await queryFiles([out], { name: 'log4j-*' }, { workers: 1 })).matches.map(row).sort(), `${from} → ${to}`).toEqual(base);
      }
    }
  });

  it('the json model of every image validates against its schema', async () => {
    const r = await runBuilt(['sbom', 'validate', ...NAMES.map((n) => sboms[n]!.json!)]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout.trim().split('\n').every((l) => l.startsWith('valid '))).toBe(true);
  });
});

/** Locations a corpus file records for `name`, read straight from its JSON (the file is the truth). */
function recorded(file: string, name: string): string[] {
  const doc = JSON.parse(readFileSync(join(CORPUS, file), 'utf8')) as Record<string, unknown>;
  const out = new Set<string>();
  const image = file.includes('trivy') && (doc.metadata as { component?: { type?: string } } | undefined)?.component?.type === 'container';
  for (const c of (doc.components as Record<string, unknown>[] | undefined) ?? []) {
    if (c.name !== name) continue;
    for (const p of (c.properties as { name: string; value: string }[] | undefined) ?? []) {
      if (/^syft:location:\d+:path$/.test(p.name)) out.add(p.value);
      if (p.name === 'aquasecurity:trivy:FilePath') out.add(image ? `/${p.value}` : p.value);
    }
    for (const o of ((c.evidence as { occurrences?: { location: string }[] } | undefined)?.occurrences ?? [])) out.add(o.location);
  }
  for (const p of (doc.packages as Record<string, unknown>[] | undefined) ?? []) {
    if (p.name !== name || typeof p.sourceInfo !== 'string') continue;
    const m = /^acquired package info from [^:]*: (.*)$/.exec(p.sourceInfo);
    if (m) for (const x of m[1]!.split(/,\s*/)) out.add(x.trim());
  }
  return [...out].sort();
}

describe.skipIf(!hasShared())('locations in the corpus SBOMs of other tools', () => {
  const cases: [string, string][] = [
    ['sboms/syft/guac-nginx.cdx.json', 'adduser'],
    ['sboms/syft/guac-big-mongo.cdx.json', 'bash'],
    ['sboms/syft/guac-alpine.cdx.json', 'busybox'],
    ['sboms/log4j/guac-spdx_vuln.ghcr.io-guacsec-vul-image.spdx.json', 'log4j-core'],
    ['sboms/syft/syft-alpine-3.10.spdx.json', 'busybox'],
    ['sboms/trivy/trivy-0.54.1-image.cdx.json', 'dom4j'],
    ['sboms/trivy/trivy-fluentd-multiple-lockfiles.cdx.json', 'activesupport'],
    ['sboms/cdxgen/cdxgen-9.8.8-NodeGoat.cdx.json', 'mongodb'],
  ];
  it.each(cases)('%s: %s at the paths the file records', async (file, name) => {
    const want = recorded(file, name);
    expect(want.length, 'the case must carry locations').toBeGreaterThan(0);
    const r = await queryFiles([join(CORPUS, file)], { name }, { workers: 1 });
    const got = [...new Set(r.matches.flatMap((m) => m.locations.map((l) => l.path)))].sort();
    expect(got).toEqual(want);
  });
  it('trivy: two copies of one jar are two matches at two paths, with their layers', async () => {
    const r = await queryFiles([join(CORPUS, 'sboms/trivy/trivy-0.54.1-image.cdx.json')], { name: 'dom4j' }, { workers: 1 });
    expect(r.matches.map((m) => m.locations.map((l) => l.path))).toEqual([['/opt/redacted/install_path_1/dom4j-2.1.4.jar'], ['/opt/redacted/install_path_2/dom4j-2.1.4.jar']]);
  });
});

/** What `scan` finds for one advisory in one SBOM: the SBOM read as scan reads it, matched against a store holding only that advisory's records. */
function scanFindings(sbom: Awaited<ReturnType<typeof readSbom>>, file: string, records: ReturnType<typeof advisoryRecords>, matchOwned: boolean): string[] {
  const r = matchSbom(sbom, storeFromRecords(records), { compare: compareVersions, matchOwned });
  return r.findings.filter((f) => f.package.deleted !== true).map((f) => `${file}|${f.package.name}@${f.package.version}|${f.package.locations[0] ?? ''}|${f.fixedVersions.join(',')}`);
}

function advisoryRows(r: QueryResult): string[] {
  return r.matches.map((m) => `${m.sbom}|${m.package}@${m.version}|${m.locations[0]?.path ?? ''}|${m.advisory!.fixedVersions.join(',')}`);
}

/** Every SBOM file of a directory tree (what a query of the directory reads). */
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

describe.skipIf(!hasShared())('--advisory on real OSV records answers as scan does', () => {
  let stores: { name: string; store: OsvStore }[];
  let files: string[];
  let decoded: Map<string, Awaited<ReturnType<typeof readSbom>>>;

  beforeAll(async () => {
    stores = [
      { name: 'corpus OSV records', store: await loadOsvDatabase(join(CORPUS, 'vuln-reports', 'osv'), silentLogger) },
      { name: 'GHSA-fp5r-v3w9-4333', store: await loadOsvDatabase(join(FIXTURES, 'advisories'), silentLogger) },
      { name: 'PyPI all.zip', store: await loadOsvDatabase(join(CORPUS, 'osv-bulk', 'PyPI', 'all.zip'), silentLogger) },
      { name: 'Go all.zip', store: await loadOsvDatabase(join(CORPUS, 'osv-bulk', 'Go', 'all.zip'), silentLogger) },
    ];
    // The corpus SBOMs and one json SBOM per image.
    files = [...walk(join(CORPUS, 'sboms')).filter((f) => /\.(json|xml|spdx|jsonl)$/.test(f)), ...NAMES.map((n) => sboms[n]!.json!)].sort();
    decoded = new Map();
    for (const f of files) {
      try {
        decoded.set(f, await readSbom(f));
      } catch {
        // Not an SBOM (the corpus holds checksums and READMEs): the query skips it too.
      }
    }
  }, 600_000);

  /**
   * The advisories worth asking: every id scan finds in these SBOMs with each store (owned language packages
   * included, so the Debian-installed Python packages of python-app count), plus the corpus's own records.
   */
  function advisoriesFound(store: OsvStore): string[] {
    const ids = new Set<string>();
    for (const sbom of decoded.values()) for (const f of matchSbom(sbom, store, { compare: compareVersions, matchOwned: true }).findings) ids.add(f.id);
    return [...ids].sort();
  }

  it('for every advisory scan finds (and every corpus record), the query finds the same packages, paths and fixed versions', async () => {
    let compared = 0;
    let affected = 0;
    for (const { name, store } of stores) {
      // The bulk databases find hundreds of advisories in the corpus; the first 30 (by id) bound the run.
      const ids = new Set(advisoriesFound(store).slice(0, 30));
      if (name === 'corpus OSV records' || name === 'GHSA-fp5r-v3w9-4333') for (const r of storeIds(store)) ids.add(r);
      expect(ids.size, name).toBeGreaterThan(0);
      for (const id of ids) {
        const records = advisoryRecords(store, id);
        const { candidates } = advisoryCandidates(records);
        const found = await queryFiles(files, { advisory: id, candidates }, { workers: 1 });
        // As scan, with and without --match-owned-language-packages.
        for (const matchOwned of [false, true]) {
          const query = affectedMatches(records, found, compareVersions, { matchOwned });
          const want = [...decoded].flatMap(([f, sbom]) => scanFindings(sbom, f, records, matchOwned)).sort();
          expect(advisoryRows(query).sort(), `${name} ${id} matchOwned=${matchOwned}`).toEqual(want);
          affected += want.length;
        }
        compared++;
      }
    }
    // Real answers, not empty ones: log4j 1.2 in java-log4j1, log4shell in the guac image, PyPI/Go records in the corpus and images.
    expect(compared).toBeGreaterThan(10);
    expect(affected).toBeGreaterThan(10);
  });

  it('a plain Maven advisory answers exactly as --purl … --version with its ranges (GHSA-jfh8-c2jp-5v3q, GHSA-7rjr-3q55-vv33)', async () => {
    const store = stores[0]!.store;
    for (const [id, range] of [
      ['CVE-2021-44228', '<2.3.1 || >=2.4 <2.12.2 || >=2.13.0 <2.15.0'],
      ['CVE-2021-45046', '<2.12.2 || >=2.13.0 <2.16.0'],
    ] as const) {
      const records = advisoryRecords(store, id);
      const rec = JSON.stringify(records.flatMap((r) => r.affected.map((a) => a.ranges)));
      // The ranges written above are the records' own (checked, so the comparison is with the real advisory).
      for (const v of range.match(/\d[\d.]*/g)!) expect(rec, `${id} ${v}`).toContain(`"${v}"`);
      const { candidates } = advisoryCandidates(records);
      const byAdvisory = affectedMatches(records, await queryFiles(files, { advisory: id, candidates }, { workers: 1 }), compareVersions);
      const byRange = await queryFiles(files, { purl: 'pkg:maven/org.apache.logging.log4j/log4j-core', version: range }, { workers: 1 });
      const key = (m: QueryMatch): string => `${m.sbom}|${m.package}@${m.version}|${m.locations.map((l) => l.path).join(',')}`;
      expect(byAdvisory.matches.map(key).sort(), id).toEqual(byRange.matches.map(key).sort());
      expect(byAdvisory.matches.length, id).toBeGreaterThan(0);
    }
  });

  it('the index answers --advisory as the file scan does', async () => {
    const db = join(tmp, 'advisory.db');
    await addToIndex(db, files, { clock });
    const store = stores[1]!.store;
    const records = advisoryRecords(store, 'CVE-2021-4104');
    const { candidates } = advisoryCandidates(records);
    const byFiles = await queryFiles(files, { advisory: 'CVE-2021-4104', candidates }, { workers: 1 });
    const byDb = await queryIndex(db, { advisory: 'CVE-2021-4104', candidates });
    const image = [`${join(IMAGES, 'oci', 'java-log4j1')} (ref latest)`, 'log4j', '1.2.17', truthJars('java-log4j1', 'log4j')[0]!.path];
    for (const matchOwned of [false, true]) {
      const viaFiles = affectedMatches(records, byFiles, compareVersions, { matchOwned });
      const viaDb = affectedMatches(records, byDb, compareVersions, { matchOwned });
      expect(advisoryRows(viaDb).sort(), `matchOwned=${matchOwned}`).toEqual(advisoryRows(viaFiles).sort());
      // Debian's liblog4j1.2-java installed the jar (the index keeps the owns relationship): only matched when asked.
      const rows = viaDb.matches.map((m) => [m.subject.label, m.package, m.version, m.locations[0]?.path]);
      if (matchOwned) expect(rows).toContainEqual(image);
      else expect(rows).not.toContainEqual(image);
    }
  });

  it('through the CLI: exit 0 with the image, path and advisory; an unknown advisory is exit 3 naming the database', async () => {
    // The jar is Debian's (liblog4j1.2-java owns it): left to Debian's advisories unless asked, as scan does.
    const owned = await runBuilt(['sbom', 'query', join(tmp, 'images'), '--advisory', 'CVE-2021-4104', '--osv-db', join(FIXTURES, 'advisories')]);
    expect(owned.stdout).not.toMatch(/java-log4j1/);
    expect(owned.stderr).toMatch(/affected-looking package\(s\) installed by an OS package .* --match-owned-language-packages matches them/);
    const hit = await runBuilt(['sbom', 'query', join(tmp, 'images'), '--advisory', 'CVE-2021-4104', '--osv-db', join(FIXTURES, 'advisories'), '--match-owned-language-packages']);
    expect(hit.code, hit.stderr).toBe(0);
    // The image's manifest digest as the OCI layout names it (images are rebuilt, so their digests change).
    const manifest = (JSON.parse(readFileSync(join(IMAGES, 'oci', 'java-log4j1', 'index.json'), 'utf8')) as { manifests: { digest: string }[] }).manifests[0]!.digest;
    expect(hit.stdout).toMatch(new RegExp(`java-log4j1 \\(ref latest\\)\\s+${manifest.slice(0, 19)}\\s+log4j`));
    expect(hit.stdout).toMatch(/log4j\s+1\.2\.17\s+GHSA-fp5r-v3w9-4333\s+\(no fix\)\s+\/usr\/share\/java\/log4j-1\.2-1\.2\.17\.jar/);
    const unknown = await runBuilt(['sbom', 'query', join(tmp, 'images'), '--advisory', 'CVE-1999-0001', '--osv-db', join(CORPUS, 'vuln-reports', 'osv')]);
    expect(unknown.code).toBe(3);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(new RegExp(`advisory CVE-1999-0001 is not in the OSV database ${join(CORPUS, 'vuln-reports', 'osv').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
  });
});

/** Every record id of a store (the store lists them through advisory(), so gather them from the files). */
function storeIds(store: OsvStore): string[] {
  const ids: string[] = [];
  for (const src of store.sources) {
    const st = statSync(src);
    const list = st.isDirectory() ? walk(src).filter((f) => f.endsWith('.json')) : [src];
    for (const f of list) {
      const id = (JSON.parse(readFileSync(f, 'utf8')) as { id?: string }).id;
      if (id && store.advisory(id).length > 0) ids.push(id);
    }
  }
  return ids;
}

describe.skipIf(!hasShared())('scan SARIF on a real image', () => {
  it('java-log4j1: the finding points at the jar inside the image (truth/jars.tsv) and the document validates (SARIF 2.1.0)', async () => {
    // Debian's liblog4j1.2-java owns the jar: its Maven advisory is matched only when asked (as grype would
    // leave it to Debian's records, which this database does not hold).
    const r = await runBuilt(['scan', `oci-dir:${join(IMAGES, 'oci', 'java-log4j1')}`, '--osv-db', join(FIXTURES, 'advisories'), '-o', 'sarif', '--match-owned-language-packages'], { timeoutMs: 600_000 });
    expect(r.code, r.stderr).toBe(0);
    const sarif = JSON.parse(r.stdout) as { runs: { results: { ruleId: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string; properties?: { layer: string } } } }[] }[] }[] };
    // The schema is draft-04 (`id`, `$schema`): read as the draft-07 it is compatible with, as test/real/scan-reports.test.ts does.
    const schema = JSON.parse(readFileSync(join(CORPUS, 'schemas', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
    delete schema.$schema;
    schema.$id = schema.id;
    delete schema.id;
    const ajv = new Ajv.default({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const jar = truthJars('java-log4j1', 'log4j')[0]!;
    const { layers } = truthLayers('java-log4j1');
    expect(sarif.runs[0]!.results.map((x) => [x.ruleId, x.locations[0]!.physicalLocation.artifactLocation])).toEqual([
      ['GHSA-fp5r-v3w9-4333', { uri: jar.path.slice(1), uriBaseId: 'IMAGE_ROOT', properties: { layer: layers[1] } }],
    ]);
    expect(sarif.runs[0]!.results[0]!.message.text).toContain(`→ ${jar.path} → log4j@1.2.17`);
  });
});
