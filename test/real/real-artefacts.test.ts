/**
 * The real-artefacts image (test/images/real-artefacts.image.sh): jars from Maven Central (log4j 2.14.1,
 * 2.16.0, 2.17.1; a Spring Boot fat jar; a shaded jar), wheels from PyPI installed with pip into a
 * virtualenv, a Rust binary built with `cargo auditable` from crates.io, a Go binary built from the Go
 * module proxy. Ground truth is what was asked of each registry (truth/real-artefacts/requested.tsv,
 * cargo.tsv, go.tsv, written by the build) and what the image's files say (jars.tsv, python.tsv, read by
 * ../shared/tools/lib/rootfs-truth.py) — never a scanner.
 *
 * `custody scan` with the native OSV engine over real advisory records (fixtures/osv-records, see
 * SOURCES-peers.md, plus osv.dev's PyPI and Go exports in ../shared/corpus/osv-bulk) must flag each
 * known-vulnerable artefact per advisory, and nothing for log4j-core 2.17.1 (fixed for all of them).
 */
import { copyFileSync, cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeNativeSbom } from '../../src/sbom/native/index.js';
import type { Sbom } from '../../src/sbom/model.js';
import { CORPUS, FIXTURES, IMAGES } from '../helpers/paths.js';
import { runBuilt } from '../helpers/run-cli.js';

const IMAGE = join(IMAGES, 'docker-archive', 'real-artefacts.tar');
const TRUTH = join(IMAGES, 'truth', 'real-artefacts');
const work = mkdtempSync(join(tmpdir(), 'custody-real-artefacts-'));

function tsv(file: string): Record<string, string>[] {
  const [head, ...rows] = readFileSync(join(TRUTH, file), 'utf8').trimEnd().split('\n');
  const cols = head!.split('\t');
  return rows.map((r) => Object.fromEntries(r.split('\t').map((v, i) => [cols[i]!, v])));
}

let sbom: Sbom;
/** One OSV database folder: the project's records and the shared PyPI and Go exports (read in place as zips). */
let osvDb = '';

beforeAll(async () => {
  const json = join(work, 'sbom.json');
  const r = await runBuilt(['sbom', 'generate', `docker-archive:${IMAGE}`, '-o', `json=${json}`], { timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(r.stderr);
  sbom = decodeNativeSbom(JSON.parse(readFileSync(json, 'utf8')));
  osvDb = join(work, 'osv');
  cpSync(join(FIXTURES, 'osv-records'), osvDb, { recursive: true });
  copyFileSync(join(CORPUS, 'osv-bulk', 'PyPI', 'all.zip'), join(osvDb, 'PyPI-all.zip'));
  copyFileSync(join(CORPUS, 'osv-bulk', 'Go', 'all.zip'), join(osvDb, 'Go-all.zip'));
}, 600_000);

describe('real-artefacts: the image holds what was asked of the registries', () => {
  it('requested.tsv: Maven, PyPI, crates.io and Go artefacts, each found in the image\'s own files', () => {
    const req = tsv('requested.tsv');
    expect(new Set(req.map((r) => r.ecosystem))).toEqual(new Set(['Maven', 'PyPI', 'crates.io', 'Go']));
    const jars = tsv('jars.tsv');
    for (const r of req.filter((x) => x.ecosystem === 'Maven')) {
      const [g, a] = r.name!.split(':');
      expect(jars.some((j) => j.groupId === g && j.artifactId === a && j.version === r.version && j.path === r.path), `${r.name}@${r.version}`).toBe(true);
    }
    const py = tsv('python.tsv');
    for (const r of req.filter((x) => x.ecosystem === 'PyPI')) expect(py.some((p) => p.name === r.name && p.version === r.version), `${r.name}`).toBe(true);
    expect(tsv('cargo.tsv')).toContainEqual({ name: 'smallvec', version: '1.6.0' });
    expect(tsv('go.tsv')).toContainEqual({ module: 'golang.org/x/text', version: 'v0.3.6' });
  });
});

describe('real-artefacts: custody sbom generate finds every artefact the truth lists', () => {
  const has = (purl: string, path?: string): boolean => sbom.packages.some((p) => p.purl === purl && (path === undefined || p.locations.some((l) => l.path === path)));

  it('Maven: every jar with pom.properties, nested ones in the Spring Boot fat jar and the shaded jar\'s merged artefacts included', () => {
    const rows = tsv('jars.tsv').filter((j) => j.source === 'pom.properties');
    expect(rows.length).toBeGreaterThanOrEqual(15);
    const missing = rows.filter((j) => !has(`pkg:maven/${j.groupId}/${j.artifactId}@${j.version}`, j.path));
    expect(missing).toEqual([]);
    // the shaded jar: one file, three artefacts (its own and the two it merged)
    const shaded = sbom.packages.filter((p) => p.locations.some((l) => l.path === '/opt/apps/shaded/shaded-app-1.0.0.jar')).map((p) => p.purl).sort();
    expect(shaded).toEqual(['pkg:maven/example.custody/shaded-app@1.0.0', 'pkg:maven/org.apache.commons/commons-lang3@3.11', 'pkg:maven/org.apache.commons/commons-text@1.9']);
  });

  // spring-core carries no pom.properties and no Implementation-Vendor-Id: its group comes from GraalVM's
  // META-INF/native-image/org.springframework/spring-core/ (c074728), as syft 1.57.2 names it (this was a
  // known gap until then).
  it('spring-core in the fat jar is org.springframework:spring-core, as syft names it', () => {
    expect(has('pkg:maven/org.springframework/spring-core@6.2.12', '/opt/apps/boot/boot-app-1.0.0.jar!/BOOT-INF/lib/spring-core-6.2.12.jar')).toBe(true);
  });
  // micrometer's `Implementation-Title: io.micrometer#micrometer-commons;1.15.5` is Ivy's module id, which
  // custody reads as group and artifact, as syft 1.57.2 names it (a known gap until then).
  it('micrometer-commons in the fat jar is io.micrometer:micrometer-commons, as syft names it', () => {
    expect(has('pkg:maven/io.micrometer/micrometer-commons@1.15.5')).toBe(true);
  });

  it('PyPI: every dist-info in the virtualenv', () => {
    const missing = tsv('python.tsv').filter((p) => !sbom.packages.some((x) => x.purl?.startsWith('pkg:pypi/') === true && x.name === p.name && x.version === p.version && x.locations.some((l) => l.path.startsWith(`${p.path}/`))));
    expect(missing).toEqual([]);
  });

  it('crates.io: the crates cargo auditable embedded; Go: the modules go built in', () => {
    for (const c of tsv('cargo.tsv')) expect(has(`pkg:cargo/${c.name}@${c.version}`, '/usr/local/bin/rust-app'), c.name).toBe(true);
    expect(has('pkg:golang/golang.org/x/text@v0.3.6', '/usr/local/bin/go-app')).toBe(true);
  });
});

interface Finding {
  id: string;
  aliases?: string[];
  package: { name: string; version: string; purl?: string; locations?: string[] };
}

describe('real-artefacts: custody scan (native OSV engine, real advisory records) flags each vulnerable artefact per advisory', () => {
  let findings: Finding[] = [];
  beforeAll(async () => {
    const r = await runBuilt(['scan', `docker-archive:${IMAGE}`, '--osv-db', osvDb, '-o', 'json'], { timeoutMs: 300_000 });
    expect(r.code, r.stderr).toBe(0);
    findings = (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
  }, 600_000);
  const advisories = (name: string, version: string, path?: string): string[] =>
    findings
      .filter((f) => f.package.name === name && f.package.version === version && (path === undefined || (f.package.locations ?? []).includes(path)))
      .flatMap((f) => [f.id, ...(f.aliases ?? [])])
      .sort();

  it.each([
    ['log4j-core', '2.14.1', '/opt/apps/legacy/lib/log4j-core-2.14.1.jar', ['CVE-2021-44228', 'CVE-2021-45046', 'CVE-2021-45105', 'CVE-2021-44832']],
    ['log4j-core', '2.16.0', '/opt/apps/patched/lib/log4j-core-2.16.0.jar', ['CVE-2021-45105', 'CVE-2021-44832']],
    ['commons-text', '1.9', '/opt/apps/shaded/shaded-app-1.0.0.jar', ['CVE-2022-42889']],
    ['requests', '2.19.1', undefined, ['CVE-2018-18074']],
    ['Jinja2', '2.10', undefined, ['CVE-2019-10906']],
    ['smallvec', '1.6.0', '/usr/local/bin/rust-app', ['RUSTSEC-2021-0003', 'CVE-2021-25900']],
    ['golang.org/x/text', 'v0.3.6', '/usr/local/bin/go-app', ['GO-2021-0113', 'CVE-2021-38561']],
  ] as const)('%s %s: %j', (name, version, path, want) => {
    const got = advisories(name, version, path);
    for (const id of want) expect(got, `${name}@${version}`).toContain(id);
  });

  it('log4j-core 2.16.0 is not reported for the advisories 2.16.0 fixed (CVE-2021-44228, CVE-2021-45046)', () => {
    const got = advisories('log4j-core', '2.16.0');
    expect(got).not.toContain('CVE-2021-44228');
    expect(got).not.toContain('CVE-2021-45046');
  });

  it('log4j-core 2.17.1 (fixed for every log4j advisory), log4j-api and the Boot app\'s log4j 2.24.3: no finding', () => {
    expect(advisories('log4j-core', '2.17.1')).toEqual([]);
    expect(findings.filter((f) => f.package.name === 'log4j-api' || f.package.version === '2.24.3')).toEqual([]);
  });

  it('every finding names an artefact the truth lists (no finding on something that is not in the image)', () => {
    const known = new Set([
      ...tsv('jars.tsv').map((j) => `${j.artifactId}@${j.version}`),
      ...tsv('python.tsv').map((p) => `${p.name}@${p.version}`),
      ...tsv('cargo.tsv').map((c) => `${c.name}@${c.version}`),
      ...tsv('go.tsv').map((g) => `${g.module}@${g.version}`),
      ...tsv('dpkg.tsv').map((d) => `${d.package}@${d.version}`),
    ]);
    const unknown = findings.filter((f) => !known.has(`${f.package.name}@${f.package.version}`) && f.package.name !== 'stdlib');
    expect(unknown.map((f) => `${f.id} ${f.package.name}@${f.package.version}`)).toEqual([]);
  });
});
