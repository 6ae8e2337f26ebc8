/**
 * `custody vulndb` in process against a real HTTP server on 127.0.0.1 serving a bucket built from the
 * real OSV records in fixtures/osv-records (scripts/fixtures/vulndb.mjs).
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GENERATED } from '../../helpers/paths.js';
import { runInProcess } from '../../helpers/run-cli.js';
import { startOsvServer, type OsvServer } from '../../helpers/osv-server.js';
import { zip } from '../../../scripts/fixtures/vuln.mjs';

const BUCKET = join(GENERATED, 'vulndb', 'bucket');
const NOW = '1780000000'; // 2026-05-28T20:26:40Z

let server: OsvServer;
let bucket: string;

beforeAll(async () => {
  bucket = mkdtempSync(join(tmpdir(), 'custody-bucket-'));
  cpSync(BUCKET, bucket, { recursive: true });
  server = await startOsvServer(bucket);
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.clearFaults();
});

const cache = (): string => mkdtempSync(join(tmpdir(), 'custody-vulndb-'));
const env = { SOURCE_DATE_EPOCH: NOW };
const vulndb = (dir: string, ...args: string[]) => runInProcess(['vulndb', ...args, '--vulndb-dir', dir], { env });
const update = (dir: string, ...args: string[]) => vulndb(dir, 'update', '--source', server.url, '--allow-insecure-source', '--timeout', '5', ...args);
const status = async (dir: string) => JSON.parse((await vulndb(dir, 'status', '-o', 'json')).stdout) as {
  generation: string;
  records: number;
  datasets: { name: string; records: number; fetchedAt?: string; etag?: string; upstreamLastModified?: string; source: string; ecosystems: Record<string, number>; unknownEcosystems: Record<string, number>; skipped: number }[];
  unknownEcosystems: Record<string, number>;
};
const zipRecords = (eco: string): number => readdirSync(join(process.cwd(), 'fixtures', 'osv-records', eco)).length;

describe('vulndb update against a real HTTP server', () => {
  it('downloads every ecosystem, indexes every record, and reports per ecosystem', async () => {
    const dir = cache();
    const r = await update(dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Go\s+downloaded\s+\d+ records/);
    const s = await status(dir);
    const go = s.datasets.find((d) => d.name === 'Go')!;
    expect(go.records).toBe(zipRecords('Go'));
    expect(go.fetchedAt).toBe('2026-05-28T20:26:40.000Z');
    expect(go.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(go.upstreamLastModified).toMatch(/GMT$/);
    expect(go.source).toBe(`${server.url}Go/all.zip`);
    expect(s.datasets.find((d) => d.name === 'PyPI')!.records).toBe(zipRecords('PyPI'));
    // By default only the ecosystems custody matches are fetched (Root.io's are not).
    const matched = readdirSync(join(process.cwd(), 'fixtures', 'osv-records'), { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name !== 'Root')
      .map((e) => e.name);
    expect(s.datasets.map((d) => d.name).sort()).toEqual(matched.sort());
    expect(s.records).toBe(matched.reduce((n, e) => n + zipRecords(e), 0));
    expect(s.unknownEcosystems).toEqual({});
  });

  it('ecosystems custody does not match are counted and listed by status, never dropped', async () => {
    const dir = cache();
    expect((await update(dir, '--ecosystem', 'Root')).code).toBe(0);
    const s = await status(dir);
    expect(s.unknownEcosystems).toEqual({ 'Root:Alpine:3.18': 1, 'Root:npm': 1 });
    const table = await vulndb(dir, 'status');
    expect(table.stdout).toMatch(/ecosystems custody does not match \(counted, not used\): Root:Alpine:3\.18 \(1\), Root:npm \(1\)/);
  });

  it('a second update transfers nothing (304s); a changed upstream zip is picked up', async () => {
    const dir = cache();
    expect((await update(dir)).code).toBe(0);
    const before = server.requests.length;
    const again = await update(dir);
    expect(again.code, again.stderr).toBe(0);
    const zips = server.requests.slice(before).filter((q) => q.path.endsWith('all.zip'));
    expect(zips.length).toBeGreaterThan(5);
    expect(zips.every((q) => q.status === 304 && q.bytes === 0 && q.ifNoneMatch !== undefined)).toBe(true);
    expect(again.stdout).toMatch(/transferred 0\.0 MB/);
    // Upstream changes the Maven zip: one record withdrawn.
    const maven = join(bucket, 'Maven', 'all.zip');
    const saved = readFileSync(maven);
    try {
      const files = readdirSync(join(process.cwd(), 'fixtures', 'osv-records', 'Maven'));
      const entries = files.map((f) => {
        const doc = JSON.parse(readFileSync(join(process.cwd(), 'fixtures', 'osv-records', 'Maven', f), 'utf8')) as Record<string, unknown>;
        if (doc.id === 'GHSA-jfh8-c2jp-5v3q') doc.withdrawn = '2026-05-01T00:00:00Z';
        return { name: `${String(doc.id)}.json`, data: JSON.stringify(doc) };
      });
      writeFileSync(maven, zip(entries));
      const third = await update(dir);
      expect(third.code, third.stderr).toBe(0);
      expect(third.stdout).toMatch(/Maven\s+downloaded/);
      expect(third.stdout).toMatch(/Go\s+not-modified/);
      const s = await status(dir);
      expect(s.datasets.find((d) => d.name === 'Maven')!.records).toBe(files.length - 1);
    } finally {
      writeFileSync(maven, saved);
    }
  });

  it('--ecosystem Debian:12 keeps only that release of the Debian directory', async () => {
    const dir = cache();
    const r = await update(dir, '--ecosystem', 'PyPI', '--ecosystem', 'Debian:7');
    expect(r.code, r.stderr).toBe(0);
    const s = await status(dir);
    expect(s.datasets.map((d) => d.name)).toEqual(['Debian', 'PyPI']);
    expect(Object.keys(s.datasets[0]!.ecosystems)).toEqual(['Debian:7']);
    const none = await update(cache(), '--ecosystem', 'Debian:12');
    expect(none.code).toBe(0);
  });

  it('an unknown ecosystem is a usage error naming the close match', async () => {
    const r = await update(cache(), '--ecosystem', 'pypi');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/VULNDB_UNKNOWN_ECOSYSTEM/);
    expect(r.stderr).toMatch(/did you mean PyPI/);
  });

  it('http:// is refused without --allow-insecure-source', async () => {
    const r = await vulndb(cache(), 'update', '--source', server.url);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/VULNDB_INSECURE_SOURCE/);
    expect(r.stderr).toMatch(/--allow-insecure-source/);
  });

  it('an unreachable source is exit 5 naming the URL; the data in use stays', async () => {
    const dir = cache();
    expect((await update(dir)).code).toBe(0);
    const gen = (await status(dir)).generation;
    const down = await vulndb(dir, 'update', '--source', 'http://127.0.0.1:9/osv/', '--allow-insecure-source', '--timeout', '2');
    expect(down.code).toBe(5);
    expect(down.stderr).toMatch(/VULNDB_UNREACHABLE/);
    expect(down.stderr).toMatch(/http:\/\/127\.0\.0\.1:9\/osv\/ecosystems\.txt refused the connection/);
    expect(down.stderr).toMatch(/the data in use .* stays/);
    expect((await status(dir)).generation).toBe(gen);
  });

  it('a dropped connection mid-download is exit 5; the other ecosystems update and the old Go data stays', async () => {
    const dir = cache();
    expect((await update(dir)).code).toBe(0);
    const before = await status(dir);
    server.fault('/Go/all.zip', { kind: 'drop', afterBytes: 1000 });
    // Upstream has new Go data (one record fewer), so the conditional request gets a body, which drops.
    const go = join(bucket, 'Go', 'all.zip');
    const saved = readFileSync(go);
    const goDir = join(process.cwd(), 'fixtures', 'osv-records', 'Go');
    writeFileSync(go, zip(readdirSync(goDir).slice(1).map((f) => ({ name: f, data: readFileSync(join(goDir, f)) }))));
    const r = await vulndb(dir, 'update', '--source', server.url, '--allow-insecure-source', '--timeout', '5', '--ecosystem', 'Go', '--ecosystem', 'PyPI');
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/Go\/all\.zip (dropped the connection|ended after 1000 of \d+ bytes)/);
    expect(r.stderr).toMatch(/the previous data stays in use for Go/);
    expect(r.stdout).toMatch(/Go\s+failed/);
    const after = await status(dir);
    writeFileSync(go, saved);
    expect(after.generation).not.toBe(before.generation);
    expect(after.datasets.find((d) => d.name === 'Go')).toEqual(before.datasets.find((d) => d.name === 'Go'));
  });

  it('a corrupt download (bad CRC) is exit 3 and keeps the previous data', async () => {
    const dir = cache();
    expect((await update(dir, '--ecosystem', 'PyPI')).code).toBe(0);
    const before = await status(dir);
    const pypi = join(bucket, 'PyPI', 'all.zip');
    const saved = readFileSync(pypi);
    try {
      const bad = Buffer.from(saved);
      // Flip one byte inside the first entry's compressed data (after its 30-byte header and name).
      const nameLen = bad.readUInt16LE(26);
      const at = 30 + nameLen + 10;
      bad.writeUInt8(bad.readUInt8(at) ^ 0xff, at);
      writeFileSync(pypi, bad);
      const r = await update(dir, '--ecosystem', 'PyPI');
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/VULNDB_CORRUPT_DOWNLOAD/);
      expect(r.stderr).toMatch(/the previous data stays in use for PyPI/);
      expect((await status(dir)).datasets).toEqual(before.datasets);
    } finally {
      writeFileSync(pypi, saved);
    }
  });

  it('HTTP 500 for one ecosystem is exit 5; a first update with no previous data says there is none', async () => {
    server.fault('/PyPI/', { kind: 'status', status: 500 });
    const r = await update(cache(), '--ecosystem', 'PyPI', '--ecosystem', 'Go');
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/PyPI\/all\.zip answered HTTP 500/);
    expect(r.stderr).toMatch(/no data for PyPI/);
  });

  it('a stalled response times out (exit 5) instead of hanging', async () => {
    server.fault('/Go/', { kind: 'stall' });
    const started = Date.now();
    const r = await vulndb(cache(), 'update', '--source', server.url, '--allow-insecure-source', '--timeout', '1', '--ecosystem', 'Go');
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/Go\/all\.zip timed out/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('a damaged database', () => {
  it('a damaged index is exit 3 for scan (never "no findings"); the next update downloads that ecosystem again', async () => {
    const dir = cache();
    expect((await update(dir, '--ecosystem', 'npm')).code).toBe(0);
    const gen = readdirSync(join(dir, 'generations'))[0]!;
    const file = readdirSync(join(dir, 'generations', gen)).find((f) => f.endsWith('.sqlite'))!;
    writeFileSync(join(dir, 'generations', gen, file), 'not a database');
    const sbom = join(mkdtempSync(join(tmpdir(), 'custody-sbom-')), 'a.cdx.json');
    writeFileSync(sbom, JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [{ type: 'library', name: 'qs', version: '6.7.0', purl: 'pkg:npm/qs@6.7.0' }] }));
    const scan = await runInProcess(['scan', sbom, '--vulndb-dir', dir], { env });
    expect(scan.code).toBe(3);
    expect(scan.stderr).toMatch(/error \[VULNDB_CORRUPT\]: cannot open the npm index/);
    const before = server.requests.length;
    const again = await update(dir, '--ecosystem', 'npm');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/cannot be read .* downloading that ecosystem again/);
    expect(server.requests.slice(before).find((q) => q.path === '/npm/all.zip')).toMatchObject({ status: 200 });
    expect((await runInProcess(['scan', sbom, '--vulndb-dir', dir, '-o', 'json'], { env })).code).toBe(0);
  });

  it('a "current" naming no generation is exit 3 (VULNDB_CORRUPT), not "no data"', async () => {
    const dir = cache();
    expect((await update(dir, '--ecosystem', 'npm')).code).toBe(0);
    writeFileSync(join(dir, 'current'), '../../etc\n');
    const r = await vulndb(dir, 'status');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/VULNDB_CORRUPT.*names no generation/);
    // An update replaces a damaged database rather than refusing to run.
    const u = await update(dir, '--ecosystem', 'npm');
    expect(u.code, u.stderr).toBe(0);
    expect((await vulndb(dir, 'status')).code).toBe(0);
  });
});

describe('progress', () => {
  it('is drawn on a terminal only', async () => {
    const tty = await runInProcess(['vulndb', 'update', '--vulndb-dir', cache(), '--source', server.url, '--allow-insecure-source', '--ecosystem', 'PyPI'], { env, tty: true });
    expect(tty.code, tty.stderr).toBe(0);
    expect(tty.stderr).toMatch(/\rPyPI: \d+\.\d MB( \/ \d+\.\d MB)?/);
    expect(tty.stderr).toMatch(/\rPyPI: indexing/);
    const pipe = await runInProcess(['vulndb', 'update', '--vulndb-dir', cache(), '--source', server.url, '--allow-insecure-source', '--ecosystem', 'PyPI'], { env });
    expect(pipe.stderr).not.toMatch(/\r/);
  });
});

describe('vulndb status, import, prune', () => {
  it('status with no data is exit 3 with the hint to update', async () => {
    const r = await vulndb(cache(), 'status');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/VULNDB_EMPTY/);
    expect(r.stderr).toMatch(/custody vulndb update/);
  });

  it('import of a directory of records groups them by ecosystem; their age is the newest record', async () => {
    const dir = cache();
    const r = await vulndb(dir, 'import', join(process.cwd(), 'fixtures', 'osv-records'));
    expect(r.code, r.stderr).toBe(0);
    const s = await status(dir);
    expect(s.datasets.find((d) => d.name === 'AlmaLinux')!.records).toBe(zipRecords('AlmaLinux'));
    expect(s.datasets.every((d) => d.fetchedAt === undefined)).toBe(true);
    const table = await vulndb(dir, 'status');
    expect(table.stdout).toMatch(/AlmaLinux\s+\d+\s+\(imported; newest 20\d\d-/);
  });

  it('import of the bucket itself (zips) equals the download', async () => {
    const a = cache();
    const b = cache();
    const all = readFileSync(join(bucket, 'ecosystems.txt'), 'utf8').trim().split('\n');
    expect((await update(a, ...all.flatMap((e) => ['--ecosystem', e]))).code).toBe(0);
    expect((await vulndb(b, 'import', bucket)).code).toBe(0);
    const sa = await status(a);
    const sb = await status(b);
    expect(sb.datasets.map((d) => [d.name, d.records])).toEqual(sa.datasets.map((d) => [d.name, d.records]));
  });

  it('import of something that holds no OSV record is exit 3', async () => {
    const junk = mkdtempSync(join(tmpdir(), 'custody-junk-'));
    writeFileSync(join(junk, 'a.json'), '{"not": "osv"}');
    const r = await vulndb(cache(), 'import', junk);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/VULNDB_IMPORT_EMPTY/);
  });

  it('prune that removes nothing is exit 0; old generations and dropped ecosystems go', async () => {
    const dir = cache();
    const nothing = await vulndb(dir, 'prune');
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toMatch(/nothing to prune/);
    expect((await update(dir, '--ecosystem', 'Go', '--ecosystem', 'PyPI')).code).toBe(0);
    expect((await update(dir, '--ecosystem', 'Go', '--ecosystem', 'PyPI')).code).toBe(0);
    const p = await vulndb(dir, 'prune');
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(/removed old generation g-/);
    const drop = await vulndb(dir, 'prune', '--ecosystem', 'Go');
    expect(drop.code, drop.stderr).toBe(0);
    expect((await status(dir)).datasets.map((d) => d.name)).toEqual(['PyPI']);
    const unknown = await vulndb(dir, 'prune', '--ecosystem', 'Maven');
    expect(unknown.code).toBe(2);
    const all = await vulndb(dir, 'prune', '--all');
    expect(all.code).toBe(0);
    expect((await vulndb(dir, 'status')).code).toBe(3);
    expect(existsSync(join(dir, 'current'))).toBe(false);
  });
});
