#!/usr/bin/env node
// Bench of the image sources (src/source): time, CPU and peak memory to open + squash a real image with
// the streaming plan of every registered cataloger (what `sbom generate` does before the catalog runner
// replays: kept files for the OS databases, every other wanted file parsed as it streams), against simply
// reading every layer blob once (gunzipping when gzip). Each measurement runs in a fresh child process so
// peak RSS is its own. Needs `npm run build` and the real images of ../shared/tools/build-images.sh
// (IMAGES dir, default /tmp/images). Usage: node scripts/bench/source.mjs [image ...]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const IMAGES = process.env.CUSTODY_IMAGES_DIR ?? '/tmp/images';
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

if (process.argv[2] === '--child') {
  const [, , , mode, ref] = process.argv;
  const t0 = performance.now();
  let detail = '';
  if (mode === 'import') {
    // What loading custody's modules costs (paid once per run; the read-once baseline does not pay it).
    await import(join(root, 'dist', 'source', 'index.js'));
    await import(join(root, 'dist', 'catalog', 'registry.js'));
    await import(join(root, 'dist', 'catalog', 'run.js'));
    detail = 'modules';
  } else if (mode === 'squash') {
    const { openSource } = await import(join(root, 'dist', 'source', 'index.js'));
    const { ALL_CATALOGERS } = await import(join(root, 'dist', 'catalog', 'registry.js'));
    const { planStreaming } = await import(join(root, 'dist', 'catalog', 'stream.js'));
    const src = await openSource(ref, { plainHttp: true });
    const plan = planStreaming(ALL_CATALOGERS);
    const r = await src.resolver({ wants: plan.wants, stream: plan.sink });
    let files = 0;
    for (const e of r.entries()) if (e.kind === 'file') files++;
    detail = `${files} files, ${plan.parses.size} parsed while streaming`;
    await src[Symbol.asyncDispose]();
  } else {
    // Baseline: read every layer blob of the image once, gunzip when gzip (no tar parsing).
    const { createReadStream, openSync, readSync, closeSync } = await import('node:fs');
    const { createGunzip } = await import('node:zlib');
    const { pipeline } = await import('node:stream/promises');
    const { Writable } = await import('node:stream');
    let bytes = 0;
    for (const f of ref.split(',')) {
      const fd = openSync(f, 'r');
      const head = Buffer.alloc(2);
      readSync(fd, head, 0, 2, 0);
      closeSync(fd);
      const sink = new Writable({ write: (c, _e, cb) => ((bytes += c.length), cb()) });
      const s = createReadStream(f, { highWaterMark: 1 << 20 });
      if (head[0] === 0x1f && head[1] === 0x8b) await pipeline(s, createGunzip(), sink);
      else await pipeline(s, sink);
    }
    detail = `${(bytes / 1e6).toFixed(0)} MB`;
  }
  const ru = process.resourceUsage();
  console.log(JSON.stringify({ wall: (performance.now() - t0) / 1000, cpu: (ru.userCPUTime + ru.systemCPUTime) / 1e6, rss: ru.maxRSS / 1024, detail }));
} else {
  if (!existsSync(join(root, 'dist', 'source', 'index.js'))) {
    console.error('run `npm run build` first');
    process.exit(2);
  }
  const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['debian-min', 'java-log4j', 'node-app', 'python-app'];
  const measure = (mode, ref) => {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, ref], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${mode} ${ref} failed: ${r.stderr}`);
      runs.push(JSON.parse(r.stdout.trim().split('\n').pop()));
    }
    runs.sort((a, b) => a.wall - b.wall);
    return runs[0]; // best of RUNS (the machine is shared)
  };
  const blobsOf = (layoutDir) => {
    const idx = JSON.parse(readFileSync(join(layoutDir, 'index.json'), 'utf8'));
    const mdig = idx.manifests[0].digest.slice(7);
    const m = JSON.parse(readFileSync(join(layoutDir, 'blobs', 'sha256', mdig), 'utf8'));
    return m.layers.map((l) => join(layoutDir, 'blobs', 'sha256', l.digest.slice(7))).join(',');
  };
  const rows = [];
  const imp = measure('import', '-');
  for (const name of names) {
    const dockerTar = join(IMAGES, 'docker-archive', `${name}.tar`);
    const ociDir = join(IMAGES, 'oci', name);
    if (!existsSync(dockerTar)) {
      console.error(`skipping ${name}: ${dockerTar} missing (run ../shared/tools/build-images.sh)`);
      continue;
    }
    const cases = [
      ['docker-archive', `docker-archive:${dockerTar}`, dockerTar],
      ['oci-dir (gzip)', `oci-dir:${ociDir}`, blobsOf(ociDir)],
    ];
    for (const [kind, ref, raw] of cases) {
      const s = measure('squash', ref);
      const b = measure('read', raw);
      rows.push({ name, kind, s, b });
    }
  }
  const f = (x, d = 2) => x.toFixed(d);
  console.log(`best of ${RUNS} runs each; wall/CPU in s, peak RSS in MB; ratio = squash / read-once`);
  console.log(`loading custody's modules alone: wall ${f(imp.wall)} s, CPU ${f(imp.cpu)} s, RSS ${f(imp.rss, 0)} MB ("net" columns subtract it)`);
  console.log(['image', 'source', 'squash wall', 'cpu', 'rss', 'read-once wall', 'cpu', 'rss', 'wall x', 'cpu x', 'net wall x', 'net cpu x', 'rss x', 'files'].join('\t'));
  for (const { name, kind, s, b } of rows) {
    const netWall = Math.max(s.wall - imp.wall, 0.001) / b.wall;
    const netCpu = Math.max(s.cpu - imp.cpu, 0.001) / b.cpu;
    console.log([name, kind, f(s.wall), f(s.cpu), f(s.rss, 0), f(b.wall), f(b.cpu), f(b.rss, 0), f(s.wall / b.wall), f(s.cpu / b.cpu), f(netWall), f(netCpu), f(s.rss / b.rss), s.detail].join('\t'));
  }
}
