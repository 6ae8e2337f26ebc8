/**
 * `custody vulndb` through the built CLI against a real HTTP(S) server on 127.0.0.1 (test/helpers/osv-server.ts)
 * serving the bucket built from real OSV records: an interrupted update (SIGINT mid-download) and a full
 * disk leave the old data working; two updates at once; TLS with a private CA (--ca-file); an HTTP proxy and
 * NO_PROXY; mirror credentials from the environment, the URL and a netrc file, never printed.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { zip } from '../../scripts/fixtures/vuln.mjs';
import { GENERATED } from '../helpers/paths.js';
import { BIN, PROJECT_ROOT, runBuilt } from '../helpers/run-cli.js';
import { startHttpProxy, startOsvServer, type OsvServer } from '../helpers/osv-server.js';

const BUCKET = join(GENERATED, 'vulndb', 'bucket');
let server: OsvServer;
let bucket: string;

beforeAll(async () => {
  bucket = mkdtempSync(join(tmpdir(), 'custody-e2e-bucket-'));
  cpSync(BUCKET, bucket, { recursive: true });
  server = await startOsvServer(bucket);
});
afterAll(async () => {
  await server.close();
});
afterEach(() => server.clearFaults());

const cache = (): string => mkdtempSync(join(tmpdir(), 'custody-e2e-vulndb-'));
const update = (dir: string, ...args: string[]) => runBuilt(['vulndb', 'update', '--vulndb-dir', dir, '--source', server.url, '--allow-insecure-source', '--timeout', '10', ...args]);
const status = async (dir: string) => JSON.parse((await runBuilt(['vulndb', 'status', '--vulndb-dir', dir, '-o', 'json'])).stdout) as { generation: string; datasets: { name: string; records: number }[] };
const generations = (dir: string): string[] => (existsSync(join(dir, 'generations')) ? readdirSync(join(dir, 'generations')).sort() : []);
const SBOM = join(GENERATED, 'vuln', 'sbom', 'app-vulnerable.cdx.json');

/** Upstream publishes new Go data (one record fewer), so the next update downloads it. */
function changeGo(): () => void {
  const go = join(bucket, 'Go', 'all.zip');
  const saved = readFileSync(go);
  const dir = join(PROJECT_ROOT, 'fixtures', 'osv-records', 'Go');
  writeFileSync(go, zip(readdirSync(dir).slice(1).map((f) => ({ name: f, data: readFileSync(join(dir, f)) }))));
  return () => writeFileSync(go, saved);
}

describe('vulndb update survives interruptions', () => {
  it('SIGINT mid-download: exit 130, no partial generation, the old data still scans', async () => {
    const dir = cache();
    expect((await update(dir, '--ecosystem', 'Go', '--ecosystem', 'npm')).code).toBe(0);
    const before = await status(dir);
    const restore = changeGo();
    server.fault('/Go/all.zip', { kind: 'slow', chunk: 2048, intervalMs: 100 });
    try {
      const seenBefore = server.requests.length;
      const child = spawn(process.execPath, [BIN, 'vulndb', 'update', '--vulndb-dir', dir, '--source', server.url, '--allow-insecure-source', '--ecosystem', 'Go', '--ecosystem', 'npm'], { env: { ...process.env, NO_COLOR: '1' } });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // Interrupt once the Go download has started.
      const started = Date.now();
      while (!server.requests.slice(seenBefore).some((q) => q.path === '/Go/all.zip' && q.status === 200 && q.bytes > 0) && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(130);
      expect(stderr).toMatch(/custody: interrupted \(SIGINT\)/);
      expect(generations(dir)).toEqual([before.generation]);
      expect(readdirSync(dir).sort()).toEqual(['current', 'generations']);
      const after = await status(dir);
      expect(after.generation).toBe(before.generation);
      expect(after.datasets.map((d) => [d.name, d.records])).toEqual(before.datasets.map((d) => [d.name, d.records]));
      const scan = await runBuilt(['scan', SBOM, '--vulndb-dir', dir, '-o', 'json']);
      expect(scan.code, scan.stderr).toBe(0);
    } finally {
      restore();
    }
  });

  it('a server that drops the connection: exit 5 naming the URL and what was kept; the old data scans', async () => {
    const dir = cache();
    expect((await update(dir, '--ecosystem', 'Go')).code).toBe(0);
    const restore = changeGo();
    server.fault('/Go/all.zip', { kind: 'drop', afterBytes: 4096 });
    try {
      const r = await update(dir, '--ecosystem', 'Go');
      expect(r.code).toBe(5);
      expect(r.stderr).toMatch(/error \[VULNDB_(UNREACHABLE|TRUNCATED)\]: http:\/\/127\.0\.0\.1:\d+\/Go\/all\.zip (dropped the connection|ended after 4096 of \d+ bytes); the previous data stays in use for Go/);
      expect(r.stdout).toMatch(/Go\s+failed .*kept the data fetched/);
      expect((await runBuilt(['vulndb', 'status', '--vulndb-dir', dir])).code).toBe(0);
    } finally {
      restore();
    }
  });

  it('two updates at once: the second waits for the first; both succeed and nothing is half-written', async () => {
    const dir = cache();
    const restore = changeGo();
    // about 2.6 s of download while the first holds the lock; the second starts once the lock is there (a fixed
    // delay raced the first process's start on a loaded machine)
    server.fault('/Go/all.zip', { kind: 'slow', chunk: 2048, intervalMs: 100 });
    const locked = async (): Promise<void> => {
      for (let i = 0; i < 1500 && !existsSync(join(dir, 'lock')); i++) await new Promise((r) => setTimeout(r, 20));
    };
    try {
      const [a, b] = await Promise.all([update(dir, '--ecosystem', 'Go'), locked().then(() => update(dir, '--ecosystem', 'Go'))]);
      expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
      expect(a.stderr + b.stderr).toMatch(/vulndb: waiting for process \d+, which is writing/);
      expect(generations(dir).every((g) => !g.endsWith('.partial'))).toBe(true);
      expect(existsSync(join(dir, 'lock'))).toBe(false);
      expect((await status(dir)).datasets.map((d) => d.name)).toEqual(['Go']);
    } finally {
      restore();
    }
  });

  // A full disk is made with a small tmpfs in a private mount namespace (util-linux unshare, as root or
  // with user namespaces); where the kernel refuses that, the test is skipped and says so.
  const canMount = spawnSync('unshare', ['-r', '-m', 'sh', '-c', 'd=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs "$d"'], { stdio: 'ignore' }).status === 0;
  it.skipIf(!canMount)('a full disk: exit 3 naming it, nothing half-written, the previous data kept', async () => {
    // A bucket whose 'Fat' ecosystem is bigger than the space left: a real record plus 3 MB that does not compress.
    const big = mkdtempSync(join(tmpdir(), 'custody-big-bucket-'));
    cpSync(bucket, big, { recursive: true });
    const { randomBytes } = await import('node:crypto');
    const record = readFileSync(join(PROJECT_ROOT, 'fixtures', 'osv-records', 'npm', 'GHSA-hrpp-h998-j3pp.json'));
    mkdirSync(join(big, 'Fat'));
    writeFileSync(join(big, 'Fat', 'all.zip'), zip([{ name: 'GHSA-hrpp-h998-j3pp.json', data: record }, { name: 'padding.bin', data: randomBytes(3 * 1024 * 1024) }]));
    writeFileSync(join(big, 'ecosystems.txt'), `${readFileSync(join(big, 'ecosystems.txt'), 'utf8')}Fat\n`);
    const fat = await startOsvServer(big);
    try {
      const dir = join(mkdtempSync(join(tmpdir(), 'custody-tmpfs-')), 'mnt');
      const cli = `node ${BIN} vulndb`;
      const script = [
        `mkdir -p ${dir} && mount -t tmpfs -o size=1500k tmpfs ${dir} || exit 99`,
        `${cli} update --vulndb-dir ${dir}/db --source ${fat.url} --allow-insecure-source --ecosystem npm; echo "first=$?"`,
        `${cli} update --vulndb-dir ${dir}/db --source ${fat.url} --allow-insecure-source --ecosystem npm --ecosystem Fat; echo "second=$?"`,
        `ls -a ${dir}/db ${dir}/db/generations; ${cli} status --vulndb-dir ${dir}/db -o json; echo "status=$?"`,
      ].join('\n');
      // Asynchronously: the server runs in this process.
      const r = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
        const child = spawn('unshare', ['-r', '-m', 'sh', '-c', script], { env: { ...process.env, NO_COLOR: '1' } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', () => resolve({ stdout, stderr }));
      });
      expect(r.stdout, r.stderr).toMatch(/first=0/);
      expect(r.stdout).toMatch(/second=3/);
      expect(r.stderr).toMatch(/error \[VULNDB_WRITE_FAILED\]: cannot write .*: the disk is full/);
      expect(r.stderr).toMatch(/the data in use was kept/);
      expect(r.stdout).toMatch(/status=0/);
      // One complete generation, no partial one, no lock left behind.
      expect(r.stdout.split('\n').filter((l) => /^g-/.test(l))).toHaveLength(1);
      expect(r.stdout).not.toMatch(/\.partial|^lock$/m);
      expect(r.stdout).toMatch(/"name": "npm",\s+"origin": "download"/);
      expect(r.stdout).not.toMatch(/"name": "Fat"/);
    } finally {
      await fat.close();
    }
  });
});

describe('vulndb update over real networks', () => {
  let tlsDir: string;
  beforeAll(() => {
    tlsDir = mkdtempSync(join(tmpdir(), 'custody-tls-'));
    const o = (args: string[]) => execFileSync('openssl', args, { cwd: tlsDir, stdio: 'ignore' });
    o(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=custody test CA']);
    o(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
    writeFileSync(join(tlsDir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    o(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext']);
  });

  it('https with a private CA: refused without --ca-file (exit 5, hint), works with it', async () => {
    const tls = await startOsvServer(bucket, { tls: { key: readFileSync(join(tlsDir, 'server.key'), 'utf8'), cert: readFileSync(join(tlsDir, 'server.pem'), 'utf8') } });
    try {
      const dir = cache();
      const refused = await runBuilt(['vulndb', 'update', '--vulndb-dir', dir, '--source', tls.url, '--ecosystem', 'npm']);
      expect(refused.code).toBe(5);
      expect(refused.stderr).toMatch(/error \[VULNDB_TLS\]: cannot verify the TLS certificate of https:\/\/127\.0\.0\.1:\d+\/ecosystems\.txt/);
      expect(refused.stderr).toMatch(/--ca-file/);
      const ok = await runBuilt(['vulndb', 'update', '--vulndb-dir', dir, '--source', tls.url, '--ecosystem', 'npm', '--ca-file', join(tlsDir, 'ca.pem')]);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toMatch(/npm\s+downloaded\s+\d+ records/);
      // An https source that redirects to plain http is refused (no downgrade without --allow-insecure-source).
      tls.fault('/npm/all.zip', { kind: 'redirect', location: `${server.url}npm/all.zip` });
      const down = await runBuilt(['vulndb', 'update', '--vulndb-dir', cache(), '--source', tls.url, '--ecosystem', 'npm', '--ca-file', join(tlsDir, 'ca.pem')]);
      expect(down.code).toBe(2);
      expect(down.stderr).toMatch(/error \[VULNDB_INSECURE_SOURCE\]: the source redirected to http:\/\/127\.0\.0\.1:\d+\/npm\/all\.zip/);
    } finally {
      await tls.close();
    }
  });

  it('HTTP_PROXY is used, and NO_PROXY bypasses it', async () => {
    const proxy = await startHttpProxy();
    try {
      const via = await runBuilt(['vulndb', 'update', '--vulndb-dir', cache(), '--source', server.url, '--allow-insecure-source', '--ecosystem', 'npm'], { env: { HTTP_PROXY: proxy.url, http_proxy: undefined, NO_PROXY: undefined, no_proxy: undefined } });
      expect(via.code, via.stderr).toBe(0);
      // undici tunnels through the proxy (CONNECT) for http and https targets alike.
      expect(proxy.seen.length).toBeGreaterThan(0);
      expect(proxy.seen.every((s) => s === `CONNECT 127.0.0.1:${server.port}`)).toBe(true);
      const seen = proxy.seen.length;
      const direct = await runBuilt(['vulndb', 'update', '--vulndb-dir', cache(), '--source', server.url, '--allow-insecure-source', '--ecosystem', 'npm'], { env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1', http_proxy: undefined, no_proxy: undefined } });
      expect(direct.code, direct.stderr).toBe(0);
      expect(proxy.seen).toHaveLength(seen);
    } finally {
      await proxy.close();
    }
  });

  it('mirror credentials from the environment, the URL or netrc reach the mirror and are never printed', async () => {
    const secret = 's3cret-Token-value';
    server.fault('/', { kind: 'auth', authorization: `Bearer ${secret}` });
    const none = await update(cache(), '--ecosystem', 'npm');
    expect(none.code).toBe(5);
    expect(none.stderr).toMatch(/error \[VULNDB_AUTH\]: http:\/\/127\.0\.0\.1:\d+\/ecosystems\.txt refused access \(HTTP 401\)/);
    const token = await runBuilt(['vulndb', 'update', '--vulndb-dir', cache(), '--source', server.url, '--allow-insecure-source', '--ecosystem', 'npm', '-o', 'json'], { env: { CUSTODY_VULNDB_TOKEN: secret } });
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout + token.stderr).not.toContain(secret);
    const basic = `Basic ${Buffer.from('mirror-user:pa55-word').toString('base64')}`;
    server.fault('/', { kind: 'auth', authorization: basic });
    const dir = cache();
    const inUrl = await runBuilt(['vulndb', 'update', '--vulndb-dir', dir, '--source', server.url.replace('http://', 'http://mirror-user:pa55-word@'), '--allow-insecure-source', '--ecosystem', 'npm']);
    expect(inUrl.code, inUrl.stderr).toBe(0);
    const s = await runBuilt(['vulndb', 'status', '--vulndb-dir', dir, '-o', 'json']);
    expect(inUrl.stdout + inUrl.stderr + s.stdout + readFileSync(join(dir, 'generations', readdirSync(join(dir, 'generations'))[0]!, 'manifest.json'), 'utf8')).not.toContain('pa55-word');
    const netrc = join(mkdtempSync(join(tmpdir(), 'custody-netrc-')), 'netrc');
    writeFileSync(netrc, 'machine other.example login x password y\nmachine 127.0.0.1\n  login mirror-user\n  password pa55-word\n');
    const viaNetrc = await runBuilt(['vulndb', 'update', '--vulndb-dir', cache(), '--source', server.url, '--allow-insecure-source', '--ecosystem', 'npm'], { env: { NETRC: netrc } });
    expect(viaNetrc.code, viaNetrc.stderr).toBe(0);
    const wrong = await runBuilt(['vulndb', 'update', '--vulndb-dir', cache(), '--source', server.url, '--allow-insecure-source', '--ecosystem', 'npm'], { env: { CUSTODY_VULNDB_USERNAME: 'mirror-user', CUSTODY_VULNDB_PASSWORD: 'wrong-pass' } });
    expect(wrong.code).toBe(5);
    expect(wrong.stderr).toMatch(/with the credentials from CUSTODY_VULNDB_USERNAME\/CUSTODY_VULNDB_PASSWORD/);
    expect(wrong.stderr).not.toContain('wrong-pass');
  });

  it('a redirect to another host drops the credentials', async () => {
    const other = await startOsvServer(bucket);
    try {
      server.fault('/npm/all.zip', { kind: 'redirect', location: `${other.url}npm/all.zip` });
      const r = await runBuilt(['vulndb', 'update', '--vulndb-dir', cache(), '--source', server.url, '--allow-insecure-source', '--ecosystem', 'npm'], { env: { CUSTODY_VULNDB_TOKEN: 'only-for-the-source' } });
      expect(r.code, r.stderr).toBe(0);
      expect(server.requests.filter((q) => q.path === '/npm/all.zip').at(-1)!.authorization).toBe('Bearer only-for-the-source');
      expect(other.requests.filter((q) => q.path === '/npm/all.zip').at(-1)!.authorization).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});
