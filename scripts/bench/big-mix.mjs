#!/usr/bin/env node
// Bench of `custody sbom generate` at scale (issue 17): the big-mix image of ../shared/tools/extra-images/big.sh
// (2.5 GB, ~100k files, 4 layers; 626 dpkg, 1,369 npm, 31 python, 71 jars) from every source form: oci-dir,
// oci-archive, docker-archive (pre-25 and >= 25), dir (its rootfs) and, with BENCH_REGISTRY, registry: (pushed
// there once with skopeo). Per form: wall, CPU and peak RSS (/usr/bin/time), against the floors of reading and
// gunzipping every layer blob of the OCI layout once (through a zlib stream, as before, and through zlib's
// synchronous handle into one buffer, the fastest gunzip Node has) and of reading the docker archive once. The machine is
// shared, so the runs are interleaved (floors, then each form, BENCH_RUNS times) and medians are printed.
// Exactness: every output is scored against truth/big-mix with ../shared/tools/lib/score-sbom.py (found/truth per
// ecosystem) and every image form must give the same package set.
//
//   node scripts/bench/big-mix.mjs          BIG_IMAGES=/tmp/images-big  BENCH_RUNS=3
//   BENCH_REGISTRY=127.0.0.1:5000 [BENCH_REGISTRY_REPO=custody-bench/big-mix]  also from that (plain HTTP) registry
//   BENCH_BIG=1 builds big-mix into BIG_IMAGES when it is missing (~15 min, root, the Debian mirror):
//   EXTRA_IMAGES_FILE=../shared/tools/extra-images/big.sh IMAGES="debian-min big-mix" ../shared/tools/build-images.sh $BIG_IMAGES
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shared = process.env.CUSTODY_SHARED_DIR ?? join(root, '..', 'shared');
const BIG = process.env.BIG_IMAGES ?? '/tmp/images-big';
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const REGISTRY = process.env.BENCH_REGISTRY;
const LIMIT_MB = 256;
const NAME = 'big-mix';

// --- child: the floors ---------------------------------------------------------------------------------
if (process.argv[2] === '--floor-sync') {
  // The fastest gunzip Node has: zlib's synchronous handle write (what custody's layer worker uses) into one
  // fixed buffer, no stream, no buffer per chunk. Sequential, one layer after the other.
  const { openSync, readSync, closeSync } = await import('node:fs');
  const zlib = await import('node:zlib');
  const input = Buffer.allocUnsafe(1 << 20);
  const out = Buffer.allocUnsafe(1 << 20);
  let bytes = 0;
  for (const f of process.argv.slice(3)) {
    const fd = openSync(f, 'r');
    const gz = zlib.createGunzip();
    let failure;
    gz._handle.onerror = (message) => (failure = new Error(message));
    for (let done = false; !done; ) {
      const got = readSync(fd, input, 0, input.length, null);
      done = got === 0;
      let off = 0;
      for (;;) {
        gz._handle.writeSync(done ? zlib.constants.Z_FINISH : zlib.constants.Z_NO_FLUSH, input, off, got - off, out, 0, out.length);
        if (failure) throw failure;
        bytes += out.length - gz._writeState[0];
        off = got - gz._writeState[1];
        if (gz._writeState[0] !== 0) break;
      }
    }
    closeSync(fd);
    gz.close();
  }
  process.stdout.write(`${bytes}\n`);
  process.exit(0);
}
if (process.argv[2] === '--floor') {
  // Read each file once, gunzipping it when it is gzip (no tar parsing, nothing kept).
  const { createReadStream, openSync, readSync, closeSync } = await import('node:fs');
  const { createGunzip } = await import('node:zlib');
  const { pipeline } = await import('node:stream/promises');
  const { Writable } = await import('node:stream');
  let bytes = 0;
  for (const f of process.argv.slice(3)) {
    const fd = openSync(f, 'r');
    const head = Buffer.alloc(2);
    readSync(fd, head, 0, 2, 0);
    closeSync(fd);
    const sink = new Writable({ write: (c, _e, cb) => ((bytes += c.length), cb()) });
    const s = createReadStream(f, { highWaterMark: 1 << 20 });
    if (head[0] === 0x1f && head[1] === 0x8b) await pipeline(s, createGunzip({ chunkSize: 1 << 18 }), sink);
    else await pipeline(s, sink);
  }
  process.stdout.write(`${bytes}\n`);
  process.exit(0);
}

const bin = join(root, 'bin', 'custody.js');
if (!existsSync(join(root, 'dist', 'bundle', 'main.js'))) {
  console.error('run `npm run build` first');
  process.exit(2);
}
if (!existsSync('/usr/bin/time')) {
  console.error('skip big-mix: /usr/bin/time is needed for peak RSS');
  process.exit(0);
}
if (!existsSync(join(BIG, 'oci', NAME))) {
  if (process.env.BENCH_BIG !== '1') {
    console.error(`skip big-mix: ${join(BIG, 'oci', NAME)} missing (BENCH_BIG=1 builds it, ~15 min)`);
    process.exit(0);
  }
  const r = spawnSync('bash', [join(shared, 'tools', 'build-images.sh'), BIG], {
    stdio: 'inherit',
    env: { ...process.env, EXTRA_IMAGES_FILE: join(shared, 'tools', 'extra-images', 'big.sh'), IMAGES: `debian-min ${NAME}` },
  });
  if (r.status !== 0) process.exit(1);
}

/** wall s, CPU s and peak RSS MB of one run. */
function measure(args) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [e, u, s, m] = last.split(' ').map(Number);
  return { ok: r.status === 0, wall: e, cpu: u + s, rssMb: m / 1024, stderr: r.stderr };
}

const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const layout = join(BIG, 'oci', NAME);
const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(join(layout, 'blobs', 'sha256', index.manifests[0].digest.slice(7)), 'utf8'));
const blobs = manifest.layers.map((l) => join(layout, 'blobs', 'sha256', l.digest.slice(7)));
const dockerTar = join(BIG, 'docker-archive', `${NAME}.tar`);

const forms = [
  ['oci-dir', `oci-dir:${layout}`],
  ['oci-archive', `oci-archive:${join(BIG, 'oci-archive', `${NAME}.tar`)}`],
  ['docker-archive', `docker-archive:${dockerTar}`],
  ['docker-archive-v25', `docker-archive:${join(BIG, 'docker-archive-v25', `${NAME}.tar`)}`],
  ['dir', `dir:${join(BIG, 'rootfs', NAME)}`],
];
if (REGISTRY) {
  const ref = `${REGISTRY}/${process.env.BENCH_REGISTRY_REPO ?? `custody-bench/${NAME}`}:latest`;
  try {
    execFileSync('skopeo', ['inspect', '--tls-verify=false', `docker://${ref}`], { stdio: 'ignore' });
  } catch {
    console.error(`pushing ${NAME} to ${ref} (once)`);
    execFileSync('skopeo', ['copy', '--dest-tls-verify=false', `oci:${layout}`, `docker://${ref}`], { stdio: 'inherit' });
  }
  forms.push(['registry', `registry:${ref}`]);
}

const tmp = mkdtempSync(join(tmpdir(), 'custody-bench-big-'));
const runs = new Map([...forms.map(([f]) => [f, []]), ['floor: gunzip layers once', []], ['floor: gunzip layers once, zlib handle', []], ['floor: read docker archive once', []]]);
const outputs = new Map();
try {
  for (let i = 0; i < RUNS; i++) {
    runs.get('floor: gunzip layers once').push(measure([process.execPath, fileURLToPath(import.meta.url), '--floor', ...blobs]));
    runs.get('floor: gunzip layers once, zlib handle').push(measure([process.execPath, fileURLToPath(import.meta.url), '--floor-sync', ...blobs]));
    runs.get('floor: read docker archive once').push(measure([process.execPath, fileURLToPath(import.meta.url), '--floor', dockerTar]));
    for (const [form, ref] of forms) {
      const out = join(tmp, `${form}.cdx.json`);
      const r = measure([process.execPath, bin, '-q', 'sbom', 'generate', ref, '--plain-http', '-o', `cyclonedx-json=${out}`]);
      if (!r.ok) console.error(`custody failed on ${form}:\n${r.stderr.slice(-2000)}`);
      runs.get(form).push(r);
      outputs.set(form, out);
      console.error(`run ${i + 1}/${RUNS} ${form}: ${r.wall.toFixed(2)} s, cpu ${r.cpu.toFixed(2)} s, ${r.rssMb.toFixed(0)} MB`);
    }
  }

  // Exactness: the shared scorer against truth/, and one package set for every image form.
  const score = (file) => {
    const scorer = join(shared, 'tools', 'lib', 'score-sbom.py');
    if (!existsSync(scorer) || !existsSync(file)) return undefined;
    return JSON.parse(execFileSync('python3', [scorer, file, join(BIG, 'truth', NAME)], { encoding: 'utf8' }));
  };
  const packageSet = (file) => {
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    return (doc.components ?? []).map((c) => c.purl ?? `${c.name}@${c.version}`).sort().join('\n');
  };
  const reference = existsSync(outputs.get('oci-dir')) ? packageSet(outputs.get('oci-dir')) : undefined;

  const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '-');
  const floor = median(runs.get('floor: gunzip layers once').map((r) => r.wall));
  const floorCpu = median(runs.get('floor: gunzip layers once').map((r) => r.cpu));
  const floorSync = median(runs.get('floor: gunzip layers once, zlib handle').map((r) => r.wall));
  console.log(`\nsbom generate on ${NAME} (${BIG}); medians of ${RUNS} interleaved runs; peak RSS is the highest run`);
  console.log('| source | wall s | CPU s | peak RSS MB | wall / gunzip-once | wall / gunzip-once (zlib handle) | CPU / gunzip-once | dpkg | npm | python | maven | same packages as oci-dir |');
  console.log(`|${' --- |'.repeat(12)}`);
  for (const [name, rs] of runs) {
    const wall = median(rs.map((r) => r.wall));
    const cpu = median(rs.map((r) => r.cpu));
    const rss = Math.max(...rs.map((r) => r.rssMb));
    const isFloor = name.startsWith('floor');
    const s = isFloor ? undefined : score(outputs.get(name));
    const cell = (k) => (s?.[k] ? `${s[k].found}/${s[k].truth}` : isFloor ? '' : '-');
    const same = isFloor || name === 'dir' ? (name === 'dir' ? 'n/a (a directory also gets the declared catalogers)' : '') : reference === undefined ? '-' : packageSet(outputs.get(name)) === reference ? 'yes' : 'NO';
    const over = !isFloor && rss >= LIMIT_MB ? ` (over ${LIMIT_MB})` : '';
    console.log(`| ${name} | ${f(wall)} | ${f(cpu)} | ${f(rss, 0)}${over} | ${isFloor ? '' : f(wall / floor)} | ${isFloor ? '' : f(wall / floorSync)} | ${isFloor ? '' : f(cpu / floorCpu)} | ${cell('dpkg')} | ${cell('npm')} | ${cell('python')} | ${cell('maven')} | ${same} |`);
  }
  console.log(`\nmachine: ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
