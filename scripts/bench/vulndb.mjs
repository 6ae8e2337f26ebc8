#!/usr/bin/env node
// Bench for the local vulnerability database (`custody vulndb`, `custody scan` on it):
//  - a database of >= 100,000 real-shaped OSV records in four ecosystems (Maven, npm, PyPI, Debian:12): the
//    real records of fixtures/osv-records and ../shared/corpus/osv-bulk, SCALED UP by cloning them with varied
//    ids and package names (the copies keep each record's structure: ranges, versions, severities, sizes);
//  - `vulndb update` cold (download + index) and warm (all 304s) from a local HTTP server laid out like
//    osv.dev's bucket; `scan` of a 2,000-package SBOM and of the largest shared SBOM on it, and with
//    --osv-db (every record loaded in memory) and --report (grype/trivy reports ingested) for comparison;
//  - the index choice: the SQLite index vs a compact alternative (a name -> zip entry map beside the zip);
//  - whole zips vs modified_id.csv increments, on the real modification dates of the PyPI records.
// Wall time (median of 3), peak RSS (GNU time). No peer runs here: grype cannot be installed, trivy has no DB.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { zip } from '../fixtures/vuln.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'custody.js');
const shared = join(root, '..', 'shared', 'corpus');
const work = mkdtempSync(join(tmpdir(), 'custody-bench-vulndb-'));
const TARGET = { Maven: 6_000, npm: 60_000, PyPI: 15_000, Debian: 30_000 };
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

// ---- real records -------------------------------------------------------------------------------
function zipEntries(path) {
  // A tiny reader of our own fixture zips (the bench reads; custody's reader is what is measured).
  const buf = readFileSync(path);
  const out = [];
  let eocd = buf.length - 22;
  while (buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  let p = buf.readUInt32LE(eocd + 16);
  const n = buf.readUInt16LE(eocd + 10);
  for (let i = 0; i < n; i++) {
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const nlen = buf.readUInt16LE(p + 28);
    const elen = buf.readUInt16LE(p + 30);
    const clen = buf.readUInt16LE(p + 32);
    const off = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nlen);
    const lnl = buf.readUInt16LE(off + 26);
    const lel = buf.readUInt16LE(off + 28);
    const raw = buf.subarray(off + 30 + lnl + lel, off + 30 + lnl + lel + csize);
    out.push({ name, data: method === 8 ? inflateRawSync(raw) : raw, offset: off, csize, method });
    p += 46 + nlen + elen + clen;
  }
  return out;
}
const real = [];
for (const eco of readdirSync(join(root, 'fixtures', 'osv-records'), { withFileTypes: true })) {
  if (!eco.isDirectory()) continue;
  for (const f of readdirSync(join(root, 'fixtures', 'osv-records', eco.name))) real.push(JSON.parse(readFileSync(join(root, 'fixtures', 'osv-records', eco.name, f), 'utf8')));
}
const bulk = {};
for (const eco of ['Go', 'PyPI']) {
  const p = join(shared, 'osv-bulk', eco, 'all.zip');
  bulk[eco] = existsSync(p) ? zipEntries(p).map((e) => JSON.parse(e.data.toString('utf8'))) : [];
  real.push(...bulk[eco]);
}
const byFamily = (fam) => real.filter((r) => (r.affected ?? []).some((a) => a.package?.ecosystem?.split(':')[0] === fam));

// ---- scaling: clones with varied ids and names ----------------------------------------------------
function rename(fam, name, n) {
  if (n === 0) return name;
  if (fam === 'Maven') {
    const [g, a] = name.includes(':') ? name.split(':') : ['org.bench', name];
    return `${g}.s${n}:${a}`;
  }
  return `${name}-s${n}`;
}
function clone(rec, fam, ecosystem, n) {
  const c = structuredClone(rec);
  c.id = n === 0 ? c.id : `${c.id}-S${n}`;
  c.aliases = (c.aliases ?? []).map((a) => (n === 0 ? a : `${a}-S${n}`));
  c.affected = (c.affected ?? [])
    .filter((a) => a.package)
    .map((a) => ({ ...a, package: { ...a.package, ecosystem, name: rename(fam, a.package.name, n), purl: undefined } }));
  return c;
}
const sources = {
  Maven: byFamily('Maven'),
  npm: byFamily('npm'),
  PyPI: byFamily('PyPI'),
  // Debian OSV data is not available here: Ubuntu and AlmaLinux records (dpkg/rpm-shaped ranges and version
  // lists) stand in for its shape under the Debian:12 ecosystem name.
  Debian: [...byFamily('Debian'), ...byFamily('Ubuntu'), ...byFamily('AlmaLinux'), ...byFamily('Go')],
};
const bucket = join(work, 'bucket');
const datasets = {};
let total = 0;
for (const [fam, want] of Object.entries(TARGET)) {
  const src = sources[fam];
  const eco = fam === 'Debian' ? 'Debian:12' : fam;
  const recs = [];
  for (let i = 0; recs.length < want; i++) recs.push(clone(src[i % src.length], fam, eco, Math.floor(i / src.length)));
  datasets[fam] = recs;
  total += recs.length;
  mkdirSync(join(bucket, fam), { recursive: true });
  writeFileSync(join(bucket, fam, 'all.zip'), zip(recs.map((r) => ({ name: `${r.id}.json`, data: JSON.stringify(r) }))));
}
writeFileSync(join(bucket, 'ecosystems.txt'), `${Object.keys(TARGET).join('\n')}\n`);
// The real PyPI export (not scaled) with per-record files and modified_id.csv: the incremental protocol.
const pypiReal = bulk.PyPI.length > 0 ? bulk.PyPI : byFamily('PyPI');
mkdirSync(join(bucket, 'PyPI-real'), { recursive: true });
writeFileSync(join(bucket, 'PyPI-real', 'all.zip'), zip(pypiReal.map((r) => ({ name: `${r.id}.json`, data: JSON.stringify(r) }))));
for (const r of pypiReal) writeFileSync(join(bucket, 'PyPI-real', `${r.id}.json`), JSON.stringify(r));
const csv = pypiReal
  .map((r) => [r.modified, r.id])
  .sort((a, b) => (a[0] < b[0] ? 1 : -1))
  .map(([m, id]) => `${m},${id}`)
  .join('\n');
writeFileSync(join(bucket, 'PyPI-real', 'modified_id.csv'), `${csv}\n`);

// ---- a static server with ETags (as osv.dev's bucket) --------------------------------------------
const etags = new Map();
const server = http.createServer((req, res) => {
  const path = join(bucket, decodeURIComponent(new URL(req.url, 'http://x').pathname));
  if (!path.startsWith(bucket) || !existsSync(path) || !statSync(path).isFile()) {
    res.writeHead(404);
    return res.end();
  }
  // Computed once per file, as a bucket stores it: the server's hashing is not what is measured.
  if (!etags.has(path)) etags.set(path, `"${createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 32)}"`);
  const etag = etags.get(path);
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, { etag });
    return res.end();
  }
  const body = readFileSync(path);
  res.writeHead(200, { etag, 'content-length': body.length });
  res.end(body);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const source = `http://127.0.0.1:${server.address().port}/`;

// ---- runner ---------------------------------------------------------------------------------------
// The CLI runs in a child process while this one serves HTTP, so children are spawned asynchronously.
import { spawn } from 'node:child_process';
function runOnce(args, env = {}) {
  return new Promise((resolve) => {
    const argv = TIME ? [TIME, '-f', '%e %M', process.execPath, bin, '-q', ...args] : [process.execPath, bin, '-q', ...args];
    const t = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      const m = /(\d+\.\d+) (\d+)\s*$/.exec(stderr);
      resolve({ code, stdout, stderr, ms, rssMb: m ? Number(m[2]) / 1024 : undefined });
    });
  });
}
async function timed(label, args, { runs = 3, env, ok = [0, 1] } = {}) {
  const all = [];
  for (let i = 0; i < runs; i++) {
    const r = await runOnce(args, env);
    if (!ok.includes(r.code)) throw new Error(`${label}: exit ${r.code}\n${r.stderr}`);
    all.push(r);
  }
  all.sort((a, b) => a.ms - b.ms);
  const med = all[Math.floor(all.length / 2)];
  console.log(`${label.padEnd(66)} ${med.ms.toFixed(0).padStart(7)} ms  ${med.rssMb !== undefined ? `${med.rssMb.toFixed(0).padStart(5)} MB RSS` : ''}`);
  return med;
}

console.log(`database: ${total} records (${Object.entries(TARGET).map(([k, v]) => `${k} ${v}`).join(', ')}), scaled up from ${real.length} real records; zips ${(Object.keys(TARGET).reduce((n, k) => n + statSync(join(bucket, k, 'all.zip')).size, 0) / 1e6).toFixed(1)} MB`);
const cache = join(work, 'cache');
const cold = await timed('vulndb update, cold (download + index 4 ecosystems)', ['vulndb', 'update', '--vulndb-dir', cache, '--source', source, '--allow-insecure-source', '--ecosystem', 'Maven', '--ecosystem', 'npm', '--ecosystem', 'PyPI', '--ecosystem', 'Debian:12'], { runs: 1 });
await timed('vulndb update, warm (every zip answers 304)', ['vulndb', 'update', '--vulndb-dir', cache, '--source', source, '--allow-insecure-source']);
const status = JSON.parse((await runOnce(['vulndb', 'status', '--vulndb-dir', cache, '-o', 'json'])).stdout);
console.log(`  index: ${status.datasets.map((d) => `${d.name} ${(d.indexBytes / 1e6).toFixed(1)} MB`).join(', ')}; cold update ${(cold.ms / 1000).toFixed(1)} s`);

// 2,000 packages over the four ecosystems, each a distinct package name drawn uniformly from the names the
// data holds (so the hits per package follow the real records' distribution), at a version inside a range.
const purlOf = (fam, name, version) =>
  fam === 'Maven' ? `pkg:maven/${name.split(':')[0]}/${name.split(':')[1]}@${version}` : fam === 'npm' ? `pkg:npm/${name.replace('@', '%40')}@${version}` : fam === 'PyPI' ? `pkg:pypi/${name}@${version}` : `pkg:deb/debian/${name}@${version}?distro=debian-12`;
const components = [];
const firstByName = Object.fromEntries(
  Object.keys(TARGET).map((fam) => {
    const m = new Map();
    for (const r of datasets[fam]) for (const a of r.affected) if (!m.has(a.package.name)) m.set(a.package.name, r);
    return [fam, [...m.entries()]];
  }),
);
for (let i = 0; i < 2000; i++) {
  const fam = Object.keys(TARGET)[i % 4];
  const names = firstByName[fam];
  const [name, rec] = names[Math.floor((i / 4) * 7919) % names.length];
  const ev = rec.affected[0]?.ranges?.[0]?.events ?? [];
  const version = ev.find((e) => e.fixed)?.fixed ?? ev.find((e) => e.introduced && e.introduced !== '0')?.introduced ?? '1.0.0';
  components.push({ type: 'library', name, version, purl: purlOf(fam, name, version), 'bom-ref': `c${i}` });
}
const sbom2000 = join(work, 'sbom-2000.cdx.json');
writeFileSync(sbom2000, JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', version: 1, components }));

// Time to the first match: open the database for the SBOM's families and look every package up.
const lookupsOf = components.map((c, i) => [Object.keys(TARGET)[i % 4], c.name]);
const firstMatch = spawnSync(
  process.execPath,
  [
    '--input-type=module',
    '-e',
    `import { openVulnData } from ${JSON.stringify(pathToFileURL(join(root, 'dist', 'vuln', 'index.js')).href)};
     import { silentLogger } from ${JSON.stringify(pathToFileURL(join(root, 'dist', 'core', 'log.js')).href)};
     const all = ${JSON.stringify(lookupsOf)};
     const t0 = performance.now();
     const d = await openVulnData({ vulndbDir: ${JSON.stringify(cache)}, families: ['Maven', 'npm', 'PyPI', 'Debian'] }, silentLogger);
     const t1 = performance.now();
     let hits = 0;
     for (const [fam, name] of all) hits += d.store.lookup(fam, name).length;
     const t2 = performance.now();
     const d2 = await openVulnData({ vulndbDir: ${JSON.stringify(cache)}, families: ['npm'] }, silentLogger);
     const t3 = performance.now();
     let npmHits = 0;
     for (const [fam, name] of all) if (fam === 'npm') npmHits += new Set(d2.store.lookup('npm', name).map((h) => h.record.id)).size;
     const t4 = performance.now();
     console.log(JSON.stringify({ open: t1 - t0, lookups: t2 - t1, hits, npm: t4 - t3, npmHits, rss: process.memoryUsage().rss }));`,
  ],
  { encoding: 'utf8' },
);
if (firstMatch.status !== 0) console.log(firstMatch.stderr);
const fm = JSON.parse(firstMatch.stdout || '{}');
console.log(`open the 4 indexes ${fm.open?.toFixed(1)} ms; 2,000 lookups ${fm.lookups?.toFixed(0)} ms (${fm.hits} affected entries read and parsed); RSS ${(fm.rss / 1e6).toFixed(0)} MB`);
console.log(`  npm only (the 500 npm packages): SQLite open + lookups ${fm.npm?.toFixed(0)} ms (${fm.npmHits} records)`);

await timed('scan 2,000-package SBOM on the local database', ['scan', sbom2000, '--vulndb-dir', cache, '-o', 'json']);
const zipsOnly = join(work, 'zips');
for (const k of Object.keys(TARGET)) {
  mkdirSync(join(zipsOnly, k), { recursive: true });
  writeFileSync(join(zipsOnly, k, 'all.zip'), readFileSync(join(bucket, k, 'all.zip')));
}
await timed('scan 2,000-package SBOM --osv-db (the 4 zips loaded in memory)', ['scan', sbom2000, '--osv-db', zipsOnly, '-o', 'json'], { runs: 1 });
const largest = join(shared, 'sboms', 'log4j', 'guac-top-dh-neo4j.spdx.json');
if (existsSync(largest)) {
  await timed(`scan largest shared SBOM (guac-top-dh-neo4j, ${(statSync(largest).size / 1e6).toFixed(1)} MB) on the database`, ['scan', largest, '--vulndb-dir', cache, '-o', 'json']);
  const grype = join(shared, 'vuln-reports', 'grype', 'grype-0.7.0-python-3.6.json');
  const trivy = join(shared, 'vuln-reports', 'trivy', 'defectdojo-legacy_many_vulns.json');
  if (existsSync(grype)) await timed('scan --report grype 0.7.0 python:3.6 (3.8 MB, 1509 matches)', ['scan', '--report', grype, '-o', 'json']);
  if (existsSync(trivy)) await timed('scan --report trivy legacy (174 kB, 93 vulnerabilities)', ['scan', '--report', trivy, '-o', 'json']);
}

// ---- the index choice: SQLite vs a compact name -> zip-entry map ----------------------------------
{
  const zipPath = join(bucket, 'npm', 'all.zip');
  const t0 = performance.now();
  const entries = zipEntries(zipPath);
  const map = {};
  for (const e of entries) {
    const doc = JSON.parse(e.data.toString('utf8'));
    for (const a of doc.affected ?? []) if (a.package) (map[a.package.name] ??= []).push([e.offset, e.csize]);
  }
  const indexPath = join(work, 'npm.names.json');
  writeFileSync(indexPath, JSON.stringify(map));
  const built = performance.now() - t0;
  const t1 = performance.now();
  const loaded = JSON.parse(readFileSync(indexPath, 'utf8'));
  const fd = openSync(zipPath, 'r');
  let hits = 0;
  for (const c of components.filter((x) => x.purl.startsWith('pkg:npm'))) {
    for (const [off, csize] of loaded[c.name] ?? []) {
      const head = Buffer.alloc(30);
      readSync(fd, head, 0, 30, off);
      const skip = 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
      const raw = Buffer.alloc(csize);
      readSync(fd, raw, 0, csize, off + skip);
      JSON.parse(inflateRawSync(raw).toString('utf8'));
      hits++;
    }
  }
  closeSync(fd);
  const lookedUp = performance.now() - t1;
  const sqlite = status.datasets.find((d) => d.name === 'npm');
  console.log(
    `index of npm (${TARGET.npm} records): SQLite ${(sqlite.indexBytes / 1e6).toFixed(1)} MB, self-contained; compact map ${(statSync(indexPath).size / 1e6).toFixed(1)} MB + the ${(statSync(zipPath).size / 1e6).toFixed(1)} MB zip kept, built in ${built.toFixed(0)} ms, loaded + 500 lookups in ${lookedUp.toFixed(0)} ms (${hits} records)`,
  );
}

// ---- whole zips vs modified_id.csv increments, on the real PyPI modification dates ----------------
{
  const dates = pypiReal.map((r) => Date.parse(r.modified)).filter(Number.isFinite).sort((a, b) => b - a);
  const newest = dates[0];
  const zipBytes = statSync(join(bucket, 'PyPI-real', 'all.zip')).size;
  for (const days of [1, 7, 30]) {
    const changed = pypiReal.filter((r) => Date.parse(r.modified) > newest - days * 86_400_000);
    const t0 = performance.now();
    const csvRes = await fetch(`${source}PyPI-real/modified_id.csv`);
    const csvBytes = (await csvRes.arrayBuffer()).byteLength;
    let recBytes = 0;
    for (let i = 0; i < changed.length; i += 16) {
      const part = await Promise.all(changed.slice(i, i + 16).map(async (r) => (await (await fetch(`${source}PyPI-real/${r.id}.json`)).arrayBuffer()).byteLength));
      recBytes += part.reduce((a, b) => a + b, 0);
    }
    const incMs = performance.now() - t0;
    const t1 = performance.now();
    await (await fetch(`${source}PyPI-real/all.zip`)).arrayBuffer();
    const wholeMs = performance.now() - t1;
    console.log(
      `PyPI changes over ${String(days).padStart(2)} day(s) (real dates): ${String(changed.length).padStart(4)} records; increment = csv ${(csvBytes / 1e3).toFixed(0)} kB + ${(recBytes / 1e3).toFixed(0)} kB in ${changed.length + 1} requests (${incMs.toFixed(0)} ms here); whole zip = ${(zipBytes / 1e6).toFixed(2)} MB in 1 request (${wholeMs.toFixed(0)} ms here)`,
    );
  }
}

server.close();
rmSync(work, { recursive: true, force: true });
