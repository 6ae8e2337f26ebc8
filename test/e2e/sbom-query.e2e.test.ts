import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../helpers/paths.js';
import { runBuilt } from '../helpers/run-cli.js';

const DIR = resolve(FIXTURES, 'sboms', 'dir');
const FILES = ['app.cdx.json', 'img.spdx.json', 'tv.spdx', 'syft.json', 'github.json', 'nested/old.cdx.xml', 'README.md', 'package.json'];
let many: string;
let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'custody-query-e2e-'));
  // 40 copies of each fixture: enough files for the worker-thread pool to run.
  many = join(tmp, 'many');
  for (let i = 0; i < 40; i++) {
    const d = join(many, String(i).padStart(2, '0'));
    mkdirSync(join(d, 'nested'), { recursive: true });
    for (const f of FILES) copyFileSync(join(DIR, f), join(d, f));
  }
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Many CLI spawns per test: generous timeout for loaded CI machines.
describe('custody sbom query (built CLI)', { timeout: 300_000 }, () => {
  it('finds log4j-core in every copy with the worker pool, skips non-SBOMs with a one-line summary', async () => {
    const r = await runBuilt(['sbom', 'query', many, '--name', 'log4j-core', '--workers', '2', '-o', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { summary: { matches: number; filesScanned: number; filesSkipped: number }; matches: { version: string }[] };
    expect(doc.summary).toMatchObject({ matches: 160, filesScanned: 240, filesSkipped: 80 });
    expect(new Set(doc.matches.map((m) => m.version))).toEqual(new Set(['2.0-beta9', '2.14.1', '2.16.0', '2.17.1']));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/skipped 80 non-SBOM file\(s\)/);
  });

  it('finds a package whose purl spells its name with percent escapes, and not a name that only appears in a path or a description', async () => {
    const d = join(tmp, 'spellings');
    mkdirSync(d, { recursive: true });
    const bom = (components: object[]): string => JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components });
    writeFileSync(join(d, 'escaped.cdx.json'), bom([{ type: 'library', name: 'lc', version: '2.14.1', purl: 'pkg:maven/org.apache.logging.log4j/log4j%2Dcore@2.14.1' }]));
    writeFileSync(join(d, 'mentions.cdx.json'), bom([{ type: 'library', name: 'app', version: '1', description: 'ships log4j-core', purl: 'pkg:generic/app@1?path=%2Fopt%2Flog4j-core%2Flib', properties: [{ name: 'x', value: '/opt/log4j-core' }] }]));
    const r = await runBuilt(['sbom', 'query', d, '--name', 'log4j-core', '-o', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { summary: { matches: number; filesScanned: number }; matches: { sbom: string; version: string }[] };
    expect(doc.summary).toMatchObject({ matches: 1, filesScanned: 2 });
    expect(doc.matches[0]!.sbom).toMatch(/escaped\.cdx\.json$/);
    const none = await runBuilt(['sbom', 'query', join(d, 'mentions.cdx.json'), '--name', 'log4j-core']);
    expect(none.code).toBe(1);
  });

  it('a JSON SBOM over 64 MB is read as a token stream: found under a 64 MB heap that one JSON.parse of it would exceed', async () => {
    const path = join(tmp, 'large.cdx.json');
    const filler = Array.from({ length: 120_000 }, (_, i) => ({ type: 'library', name: `pkg-${i}`, version: '1.0.0', purl: `pkg:npm/pkg-${i}@1.0.0`, description: 'x'.repeat(500) }));
    const components = [...filler.slice(0, 60_000), { type: 'library', name: 'log4j-core', group: 'org.apache.logging.log4j', version: '2.14.1', purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1' }, ...filler.slice(60_000)];
    writeFileSync(path, JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', metadata: { component: { type: 'container', name: 'registry.example/large' } }, components }));
    expect(statSync(path).size).toBeGreaterThan(64 * 1024 * 1024);
    const r = await runBuilt(['sbom', 'query', path, '--name', 'log4j-core', '-o', 'json'], { env: { NODE_OPTIONS: '--max-old-space-size=64' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { matches: { version: string; subject: { name: string } }[] };
    expect(doc.matches.map((m) => [m.version, m.subject.name])).toEqual([['2.14.1', 'registry.example/large']]);
    const none = await runBuilt(['sbom', 'query', path, '--name', 'log4j-api'], { env: { NODE_OPTIONS: '--max-old-space-size=64' } });
    expect(none.code).toBe(1);
  });

  it('one worker and two workers give identical JSON', async () => {
    const a = await runBuilt(['sbom', 'query', many, '--purl', 'pkg:maven/org.apache.logging.log4j/log4j-core@vers:maven/>=2.0-beta9|<2.15.0', '--workers', '1', '-o', 'json']);
    const b = await runBuilt(['sbom', 'query', many, '--purl', 'pkg:maven/org.apache.logging.log4j/log4j-core@vers:maven/>=2.0-beta9|<2.15.0', '--workers', '2', '-o', 'json']);
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect((JSON.parse(a.stdout) as { matches: { version: string }[] }).matches.map((m) => m.version).sort()).toEqual([...Array(40).fill('2.0-beta9'), ...Array(40).fill('2.14.1')]);
  });

  it('table output: one row per location with the image and its digest; exit 1 on no match; markdown', async () => {
    const t = await runBuilt(['sbom', 'query', join(DIR, 'app.cdx.json'), '--name', 'log4j-*']);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/^IMAGE\s+DIGEST\s+PACKAGE\s+VERSION\s+PATH\s+LAYER\s+SBOM$/m);
    expect(t.stdout).toMatch(/^registry\.example\/app\s+sha256:111111111111\s+log4j-core\s+2\.14\.1\s+\/app\/app\.war!\/WEB-INF\/lib\/log4j-core-2\.14\.1\.jar\s+-\s+\S+app\.cdx\.json$/m);
    expect(t.stderr).toBe('');
    const none = await runBuilt(['sbom', 'query', DIR, '--name', 'log4j-core', '--version', '>=3']);
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/no match: 0 matches in 0 of 6 SBOMs/);
    const md = await runBuilt(['sbom', 'query', DIR, '--cpe', 'cpe:2.3:a:openssl:openssl:*', '-o', 'markdown']);
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/\| tv-example \| openssl \| 1:1\.1\.1k-1 \| - \| .*tv\.spdx \|/);
  });

  it('a named file that is not an SBOM: not read, named on stderr; a match elsewhere still stands (0), no match is 3', async () => {
    const r = await runBuilt(['sbom', 'query', join(DIR, 'README.md'), join(DIR, 'img.spdx.json'), '--name', 'log4j-core']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2.17.1');
    expect(r.stderr).toMatch(/README\.md: not an SBOM/);
    expect(r.stderr).toMatch(/^incomplete: 1 input not read: sbom .*README\.md: not an SBOM/m);
    const none = await runBuilt(['sbom', 'query', join(DIR, 'README.md'), join(DIR, 'img.spdx.json'), '--name', 'nope']);
    expect(none.code).toBe(3);
    expect(none.stdout).toMatch(/no match/);
  });

  it('index add (incremental), query --db, list, stats, remove', async () => {
    const db = join(tmp, 'fleet.db');
    const add = await runBuilt(['sbom', 'index', 'add', '--db', db, many]);
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/^240 added, 0 updated, 0 unchanged, 80 skipped/);
    const again = await runBuilt(['sbom', 'index', 'add', '--db', db, many]);
    expect(again.stdout).toMatch(/^0 added, 0 updated, 240 unchanged/);
    const viaDb = await runBuilt(['sbom', 'query', '--db', db, '--name', 'log4j-core', '--version', '<2.17.1', '-o', 'json']);
    const viaFiles = await runBuilt(['sbom', 'query', many, '--name', 'log4j-core', '--version', '<2.17.1', '-o', 'json']);
    expect(viaDb.code).toBe(0);
    const rows = (s: string) => (JSON.parse(s) as { matches: { sbom: string; package: string; version: string }[] }).matches.map((m) => `${m.sbom}|${m.version}`);
    expect(rows(viaDb.stdout)).toEqual(rows(viaFiles.stdout));
    expect(rows(viaDb.stdout)).toHaveLength(120);
    const stats = await runBuilt(['sbom', 'index', 'stats', '--db', db, '-o', 'json']);
    expect(JSON.parse(stats.stdout)).toMatchObject({ sboms: 240, byFormat: { 'cyclonedx-json@1.5': 40, 'syft-json@16.0.0': 40 } });
    const rm = await runBuilt(['sbom', 'index', 'remove', '--db', db, join(many, '00')]);
    expect(rm.code).toBe(0);
    expect(rm.stdout).toMatch(/^6 removed/);
    const list = await runBuilt(['sbom', 'index', 'list', '--db', db]);
    expect(list.stdout.trim().split('\n')).toHaveLength(234);
    const missing = await runBuilt(['sbom', 'query', '--db', join(tmp, 'nope.db'), '--name', 'x']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/cannot open index/);
  });

  it('convert, diff and validate through the built CLI', async () => {
    const conv = await runBuilt(['sbom', 'convert', join(DIR, 'nested', 'old.cdx.xml'), '-o', 'spdx-json'], { env: { SOURCE_DATE_EPOCH: '0' } });
    expect(conv.code).toBe(0);
    expect((JSON.parse(conv.stdout) as { spdxVersion: string }).spdxVersion).toBe('SPDX-2.3');
    const bad = await runBuilt(['sbom', 'convert', join(DIR, 'app.cdx.json'), '-o', 'nonsense']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    const diff = await runBuilt(['sbom', 'diff', join(DIR, 'nested', 'old.cdx.xml'), join(DIR, 'app.cdx.json')]);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toMatch(/~ log4j-core 2\.0-beta9 -> 2\.14\.1/);
    const val = await runBuilt(['sbom', 'validate', join(DIR, 'app.cdx.json')]);
    expect(val.code).toBe(0);
    expect(val.stdout).toMatch(/^valid /);
  });
});
