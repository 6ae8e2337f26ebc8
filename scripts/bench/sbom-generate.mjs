#!/usr/bin/env node
// Bench of `custody sbom generate docker-archive:<img>.tar` on the real images of
// ../shared/tools/build-images.sh, against (a) simply reading the archive and gunzipping its layers once,
// (b) cdxgen (installed on demand into ~/.cache/custody-bench, never a project dependency; run offline
// like ../shared/tools/peers.sh: FETCH_LICENSE=false, private temp dir, `unshare -n` when root) and
// (c) the real trivy when scripts/install-trivy.mjs can provide it. Wall time and peak RSS come from
// /usr/bin/time -v when present, else from the child's resource usage. Prints a table and ratios.
//
//   node scripts/bench/sbom-generate.mjs [image ...]       (default: debian-min node-app java-log4j)
//   BENCH_RUNS=3 (custody/baseline runs, best kept)  BENCH_PEERS=none|cdxgen|trivy|all (default all)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const IMAGES = process.env.CUSTODY_IMAGES_DIR ?? '/tmp/images';
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PEERS = process.env.BENCH_PEERS ?? 'all';
const CDXGEN_VERSION = process.env.CDXGEN_VERSION ?? '12.8.4';
const CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'custody-bench');

// --- child: the read-and-gunzip-once baseline --------------------------------------------------------
if (process.argv[2] === '--baseline') {
  const { createReadStream } = await import('node:fs');
  const { createGunzip } = await import('node:zlib');
  const { Writable, PassThrough } = await import('node:stream');
  const { pipeline } = await import('node:stream/promises');
  const tar = (await import('tar-stream')).default;
  let bytes = 0;
  const extract = tar.extract();
  extract.on('entry', (_header, stream, next) => {
    // Peek the first bytes: gunzip gzip layers, drain everything else.
    const sink = new Writable({ write: (c, _e, cb) => ((bytes += c.length), cb()) });
    let decided = false;
    const pass = new PassThrough();
    stream.once('data', (first) => {
      decided = true;
      const gz = first[0] === 0x1f && first[1] === 0x8b;
      (gz ? pipeline(pass, createGunzip(), sink) : pipeline(pass, sink)).then(() => next(), next);
      pass.write(first);
      stream.pipe(pass);
    });
    stream.once('end', () => {
      if (!decided) next();
    });
  });
  await pipeline(createReadStream(process.argv[3], { highWaterMark: 1 << 20 }), extract);
  process.stdout.write(`${bytes}\n`);
  process.exit(0);
}

// --- parent -----------------------------------------------------------------------------------------
const hasTime = existsSync('/usr/bin/time');

/** Run a command; wall seconds and peak RSS MB (from /usr/bin/time -v, else the child's rusage). */
function measure(cmd, args, env = {}) {
  const fullEnv = { ...process.env, ...env };
  if (hasTime) {
    const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { env: fullEnv, encoding: 'utf8', maxBuffer: 1 << 28 });
    const wall = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):(\d+(?:\.\d+)?)/.exec(r.stderr);
    const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
    const seconds = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN;
    const user = /User time \(seconds\): ([\d.]+)/.exec(r.stderr);
    const sys = /System time \(seconds\): ([\d.]+)/.exec(r.stderr);
    const cpu = user && sys ? Number(user[1]) + Number(sys[1]) : NaN;
    return { ok: r.status === 0, wall: seconds, cpu, rssMb: rss ? Number(rss[1]) / 1024 : NaN, stdout: r.stdout, stderr: r.stderr };
  }
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env: fullEnv, encoding: 'utf8', maxBuffer: 1 << 28 });
  const usage = process.resourceUsage(); // children are not included here: RSS unknown without time(1)
  return { ok: r.status === 0, wall: (performance.now() - t0) / 1000, cpu: NaN, rssMb: NaN, stdout: r.stdout, stderr: r.stderr, usage };
}

function best(runs) {
  const ok = runs.filter((r) => r.ok);
  if (ok.length === 0) return runs[0];
  return { ...ok.reduce((a, b) => (b.wall < a.wall ? b : a)), cpu: Math.min(...ok.map((r) => r.cpu)), rssMb: Math.max(...ok.map((r) => r.rssMb)) };
}

function cdxgenBin() {
  const bin = join(CACHE, 'node_modules', '.bin', 'cdxgen');
  if (existsSync(bin)) return bin;
  mkdirSync(CACHE, { recursive: true });
  process.stderr.write(`installing @cyclonedx/cdxgen@${CDXGEN_VERSION} into ${CACHE} (once)\n`);
  const r = spawnSync('npm', ['install', '--prefix', CACHE, '--no-audit', '--no-fund', '--loglevel=error', `@cyclonedx/cdxgen@${CDXGEN_VERSION}`], { stdio: ['ignore', 'inherit', 'inherit'] });
  return r.status === 0 && existsSync(bin) ? bin : undefined;
}

function trivyBin() {
  if (process.env.CUSTODY_TRIVY_PATH && existsSync(process.env.CUSTODY_TRIVY_PATH)) return process.env.CUSTODY_TRIVY_PATH;
  const installer = join(root, 'scripts', 'install-trivy.mjs');
  if (!existsSync(installer)) return undefined;
  try {
    return execFileSync(process.execPath, [installer], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const images = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['debian-min', 'node-app', 'java-log4j'];
const bin = join(root, 'bin', 'custody.js');
if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
  console.error('run `npm run build` first');
  process.exit(2);
}
const wantCdxgen = PEERS === 'all' || PEERS === 'cdxgen';
const wantTrivy = PEERS === 'all' || PEERS === 'trivy';
const cdxgen = wantCdxgen ? cdxgenBin() : undefined;
const trivy = wantTrivy ? trivyBin() : undefined;
const canUnshare = process.getuid?.() === 0 && existsSync('/usr/bin/unshare');
const tmp = mkdtempSync(join(tmpdir(), 'custody-bench-gen-'));
const rows = [];
const fmt = (n, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '-');

try {
  for (const name of images) {
    const tar = join(IMAGES, 'docker-archive', `${name}.tar`);
    if (!existsSync(tar)) {
      console.error(`skip ${name}: ${tar} missing (run ../shared/tools/build-images.sh)`);
      continue;
    }
    const out = join(tmp, `${name}.cdx.json`);
    const custody = best(Array.from({ length: RUNS }, () => measure(process.execPath, [bin, '-q', 'sbom', 'generate', `docker-archive:${tar}`, '-o', `cyclonedx-json=${out}`])));
    if (!custody.ok) console.error(`custody failed on ${name}:\n${custody.stderr.slice(-2000)}`);
    const count = custody.ok ? JSON.parse((await import('node:fs')).readFileSync(out, 'utf8')).components.length : NaN;
    const baseline = best(Array.from({ length: RUNS }, () => measure(process.execPath, [fileURLToPath(import.meta.url), '--baseline', tar])));
    const row = { name, count, custody, baseline };
    if (cdxgen) {
      const ctmp = join(tmp, `cdxgen-${name}`);
      mkdirSync(ctmp, { recursive: true });
      const args = [cdxgen, '-t', 'docker', tar, '-o', join(tmp, `${name}.cdxgen.json`)];
      row.cdxgen = canUnshare
        ? measure('/usr/bin/unshare', ['-n', 'env', `FETCH_LICENSE=false`, `CDXGEN_TEMP_DIR=${ctmp}`, `TMPDIR=${ctmp}`, ...args])
        : measure(args[0], args.slice(1), { FETCH_LICENSE: 'false', CDXGEN_TEMP_DIR: ctmp, TMPDIR: ctmp });
      rmSync(ctmp, { recursive: true, force: true });
    }
    if (trivy) {
      row.trivy = measure(trivy, ['image', '--format', 'cyclonedx', '--offline-scan', '--skip-db-update', '--skip-java-db-update', '--no-progress', '--cache-dir', join(tmp, 'trivy-cache'), '--input', tar, '-o', join(tmp, `${name}.trivy.json`)]);
    }
    rows.push(row);
    console.error(`${name}: custody ${fmt(custody.wall)} s ${fmt(custody.rssMb, 0)} MB; read-once ${fmt(baseline.wall)} s${row.cdxgen ? `; cdxgen ${fmt(row.cdxgen.wall)} s` : ''}${row.trivy ? `; trivy ${fmt(row.trivy.wall)} s` : ''}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

console.log(`\nsbom generate on docker-archive images (best of ${RUNS} for custody and read-once; wall s / peak RSS MB${hasTime ? '' : ' unknown without /usr/bin/time'})`);
console.log('| image | pkgs | custody s | cpu s | MB | read+gunzip once s | cpu s | MB | x read-once (wall) | x read-once (cpu) | cdxgen s | cpu s | MB | cdxgen/custody time | custody/cdxgen mem | trivy s | cpu s | MB | trivy/custody time |');
console.log(`|${' --- |'.repeat(19)}`);
for (const r of rows) {
  const c = r.custody;
  const cells = [
    r.name,
    r.count,
    fmt(c.wall),
    fmt(c.cpu),
    fmt(c.rssMb, 0),
    fmt(r.baseline.wall),
    fmt(r.baseline.cpu),
    fmt(r.baseline.rssMb, 0),
    fmt(c.wall / r.baseline.wall),
    fmt(c.cpu / r.baseline.cpu),
    r.cdxgen ? `${fmt(r.cdxgen.wall)}${r.cdxgen.ok ? '' : ' (failed)'}` : 'n/a',
    r.cdxgen ? fmt(r.cdxgen.cpu) : 'n/a',
    r.cdxgen ? fmt(r.cdxgen.rssMb, 0) : 'n/a',
    r.cdxgen ? fmt(r.cdxgen.wall / c.wall, 1) : 'n/a',
    r.cdxgen ? fmt(c.rssMb / r.cdxgen.rssMb) : 'n/a',
    r.trivy ? `${fmt(r.trivy.wall)}${r.trivy.ok ? '' : ' (failed)'}` : 'n/a',
    r.trivy ? fmt(r.trivy.cpu) : 'n/a',
    r.trivy ? fmt(r.trivy.rssMb, 0) : 'n/a',
    r.trivy ? fmt(r.trivy.wall / c.wall) : 'n/a',
  ];
  console.log(`| ${cells.join(' | ')} |`);
}
console.log(`\nmachine: ${(await import('node:os')).cpus().length} CPUs, load ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
