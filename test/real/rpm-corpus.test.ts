/**
 * Real tier: the real rpm databases of ../shared/corpus/rpmdb (BerkeleyDB from CentOS 7 and from
 * CentOS 8 with module streams, ndb from SLE 15; cases.json kind `rpmdb-parse`) must give exactly their
 * expected.json, field by field; the BerkeleyDB ones also exactly what rpm's own reader lists
 * (Debian's rpm 4.18, `_db_backend bdb_ro`). Truncated copies must end in bounded time with a subset
 * and an incomplete entry. The rpm version order is checked against rpm's own rpm.vercmp.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type CatalogContext, type ParseResult } from '../../src/catalog/cataloger.js';
import { parseOsRelease } from '../../src/catalog/os-release.js';
import { parseRpmDb } from '../../src/catalog/rpm/rpmdb.js';
import { normalizeLicense } from '../../src/core/license.js';
import { compareVersions } from '../../src/query/versions/index.js';
import type { Sbom } from '../../src/sbom/model.js';
import { CORPUS } from '../helpers/paths.js';
import { runBuilt } from '../helpers/run-cli.js';

interface ExpectedPackage {
  name: string;
  epoch: number | null;
  version: string;
  release: string;
  arch: string;
  sourceRpm: string;
  license: string;
  vendor: string;
  modularitylabel: string;
  size: number;
  summary: string;
  sigmd5: string;
}
interface Case {
  id: string;
  expect: { kind: string; db: string; format: string; expected: string; packages: number; gpg_pubkey: number; with_modularitylabel: number; epoch_zero: number; epoch_nonzero: number };
}

const CASES = (JSON.parse(readFileSync(join(CORPUS, 'cases.json'), 'utf8')) as { cases: Case[] }).cases.filter((c) => c.expect?.kind === 'rpmdb-parse');
const QF = '%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n';
const CENTOS8 = 'NAME="CentOS Linux"\nVERSION="8 (Core)"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="8"\nPRETTY_NAME="CentOS Linux 8 (Core)"\n';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'custody-real-rpmdb-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function parse(bytes: Buffer, path: string): { result: ParseResult; warnings: string[]; incomplete: string[]; ms: number } {
  const warnings: string[] = [];
  const incomplete: string[] = [];
  const ctx: CatalogContext = { warn: (m) => warnings.push(m), incomplete: (m) => incomplete.push(m), limits: DEFAULT_LIMITS, distro: parseOsRelease(CENTOS8)! };
  const t0 = performance.now();
  const result = parseRpmDb({ location: { path }, contents: bytes }, ctx);
  return { result, warnings, incomplete, ms: performance.now() - t0 };
}

describe('the corpus has the three rpmdb cases', () => {
  it('BerkeleyDB (CentOS 7, CentOS 8) and ndb (SLE 15)', () => {
    expect(CASES.map((c) => `${c.id} ${c.expect.format}`).sort()).toEqual(['rpmdb/centos7-plain bdb', 'rpmdb/centos8-modularitylabel bdb', 'rpmdb/sle15-bci ndb']);
  });
});

describe.each(CASES)('$id', (c) => {
  const bytes = readFileSync(join(CORPUS, c.expect.db));
  const expected = (JSON.parse(readFileSync(join(CORPUS, c.expect.expected), 'utf8')) as { packages: ExpectedPackage[] }).packages;
  const packages = expected.filter((p) => p.name !== 'gpg-pubkey');

  it('every package of expected.json, field by field, and nothing else', () => {
    const { result, warnings, incomplete } = parse(bytes, c.expect.format === 'ndb' ? '/usr/lib/sysimage/rpm/Packages.db' : '/var/lib/rpm/Packages');
    expect(incomplete).toEqual([]);
    expect(warnings).toEqual([]);
    expect(result.packages).toHaveLength(c.expect.packages - c.expect.gpg_pubkey);
    const got = new Map(result.packages.map((p) => [`${p.name}.${String(p.metadata?.architecture)}`, p]));
    expect(got.size).toBe(packages.length);
    for (const e of packages) {
      const p = got.get(`${e.name}.${e.arch}`);
      expect(p, e.name).toBeDefined();
      expect(p!.version).toBe(`${e.epoch ? `${e.epoch}:` : ''}${e.version}-${e.release}`);
      expect(p!.metadata?.epoch ?? null).toBe(e.epoch);
      expect(p!.metadata).toMatchObject({ release: e.release, sourceRpm: e.sourceRpm, size: e.size, sigmd5: e.sigmd5 });
      expect(p!.metadata?.modularityLabel ?? '').toBe(e.modularitylabel);
      expect(p!.licenses).toEqual(e.license === '' ? [] : [normalizeLicense(e.license)]);
      expect(p!.supplier ?? '').toBe(e.vendor);
      expect(p!.description ?? '').toBe(e.summary);
      expect(p!.purl).toContain(e.epoch === null ? '' : `epoch=${e.epoch}`);
      if (e.epoch === null) expect(p!.purl).not.toContain('epoch=');
    }
    expect(result.packages.filter((p) => p.metadata?.modularityLabel !== undefined)).toHaveLength(c.expect.with_modularitylabel);
    expect(result.packages.filter((p) => p.metadata?.epoch === 0)).toHaveLength(c.expect.epoch_zero);
    expect(result.packages.filter((p) => typeof p.metadata?.epoch === 'number' && p.metadata.epoch > 0)).toHaveLength(c.expect.epoch_nonzero);
    // file lists for the ownership rules: every package that has files has them
    expect(result.ownedFiles!.size).toBe(result.packages.length);
  });

  it.runIf(c.expect.format === 'bdb')("exactly what rpm's own BerkeleyDB reader lists (bdb_ro)", () => {
    const dir = join(tmp, c.id.replace('/', '-'));
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(CORPUS, c.expect.db), join(dir, 'Packages'));
    const rpm = execFileSync('rpm', ['--dbpath', dir, '--define', '_db_backend bdb_ro', '-qa', '--queryformat', QF], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 })
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('gpg-pubkey\t'))
      .map((l) => l.replace(/\t\(none\)\t/, '\t\t'))
      .sort();
    const ours = parse(bytes, '/var/lib/rpm/Packages').result.packages.map((p) => [p.name, p.metadata?.epoch ?? '', p.version.replace(/^\d+:/, '').replace(/-[^-]+$/, ''), p.metadata?.release, p.metadata?.architecture].join('\t')).sort();
    expect(ours).toEqual(rpm);
  });

  it('truncated copies: a subset, an incomplete entry, bounded time', () => {
    const names = new Set(packages.map((p) => p.name));
    const cuts = c.expect.format === 'ndb' ? 40 : 25;
    for (let i = 1; i < cuts; i++) {
      const cut = Math.floor((bytes.length * i) / cuts);
      const { result, incomplete, ms } = parse(bytes.subarray(0, cut), '/var/lib/rpm/Packages');
      expect(result.packages.every((p) => names.has(p.name))).toBe(true);
      expect(result.packages.length).toBeLessThan(packages.length);
      expect(incomplete).toHaveLength(1);
      expect(incomplete[0]).toMatch(/truncated/);
      expect(ms).toBeLessThan(5000);
    }
  });
});

describe('sbom generate over a real CentOS 8 database (dir: source)', () => {
  it('517 packages, 21 module streams in CycloneDX, purls with the centos namespace and distro', async () => {
    const root = join(tmp, 'centos8-root');
    mkdirSync(join(root, 'var', 'lib', 'rpm'), { recursive: true });
    mkdirSync(join(root, 'etc'), { recursive: true });
    copyFileSync(join(CORPUS, 'rpmdb', 'centos8-modularitylabel', 'Packages'), join(root, 'var', 'lib', 'rpm', 'Packages'));
    writeFileSync(join(root, 'etc', 'os-release'), CENTOS8);
    const out = join(tmp, 'centos8.json');
    const r = await runBuilt(['sbom', 'generate', `dir:${root}`, '-o', `json=${out}`, '-o', 'cyclonedx-json']);
    expect(r.code, r.stderr).toBe(0);
    const bom = JSON.parse(r.stdout) as { components: { type: string; purl?: string; properties?: { name: string; value: string }[] }[] };
    const libs = bom.components.filter((c) => c.type === 'library');
    expect(libs).toHaveLength(517);
    expect(libs.every((c) => c.purl!.startsWith('pkg:rpm/centos/') && c.purl!.includes('distro=centos-8'))).toBe(true);
    expect(libs.filter((c) => c.properties?.some((p) => p.name === 'custody:metadata:modularityLabel'))).toHaveLength(21);
    const sbom = JSON.parse(readFileSync(out, 'utf8')) as Sbom;
    expect(sbom.packages.find((p) => p.name === 'perl-Errno')!.purl).toContain('epoch=0');
  });
});

describe("rpm version order against rpm's own rpm.vercmp", () => {
  it('every pair of neighbouring EVRs of the CentOS 8 database, and the tilde/caret cases, compare as rpm compares them', () => {
    const evrs = (JSON.parse(readFileSync(join(CORPUS, 'rpmdb', 'centos8-modularitylabel', 'expected.json'), 'utf8')) as { packages: ExpectedPackage[] }).packages.map(
      (p) => `${p.epoch !== null ? `${p.epoch}:` : ''}${p.version}-${p.release}`,
    );
    const plain = ['1.0~rc1', '1.0~rc1~git123', '1.0', '1.0^', '1.0^git1', '1.0^git2', '1.0^20160101', '1.0.1', '1.01', '1.0~rc1^git1', '1.0^git1~pre', '2.0.1a', '5.5p10', '10xyz', '10.1xyz', 'xyz.4', '6.0.rc1', '10b2', '10a2', '1.0aa', '10.0001', '20101121', '2_0', 'a+', '_a'];
    const pairs: [string, string][] = [];
    for (let i = 0; i + 1 < evrs.length; i++) pairs.push([evrs[i]!, evrs[i + 1]!]);
    for (const a of plain) for (const b of plain) pairs.push([a, b]);
    // One rpm process answers them all (rpm's Lua: rpm.vercmp compares [epoch:]version[-release]).
    const lua = `%{lua: for _, p in ipairs({${pairs.map(([a, b]) => `{${JSON.stringify(a)},${JSON.stringify(b)}}`).join(',')}}) do print(rpm.vercmp(p[1], p[2]) .. ",") end}`;
    const rpm = execFileSync('rpm', ['--eval', lua], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 16 * 1024 * 1024 })
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map(Number);
    expect(rpm).toHaveLength(pairs.length);
    const ours = pairs.map(([a, b]) => Math.sign(compareVersions('rpm', a, b)));
    const disagreements = pairs.flatMap(([a, b], i) => (ours[i] === rpm[i] ? [] : [`${a} vs ${b}: custody ${ours[i]}, rpm ${rpm[i]}`]));
    expect(disagreements).toEqual([]);
  });
});
