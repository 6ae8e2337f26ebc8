#!/usr/bin/env node
// Side by side: `custody sbom generate` against the REAL syft and the REAL trivy (built from the Go module
// proxy by scripts/install-peers.mjs; trivy falls back to the npm-shipped build) on the real images:
// wall time, peak RSS (/usr/bin/time -v), and recall / precision per ecosystem against each image's ground
// truth (truth/<image>/*.tsv: read from the image's files or from what was asked of the registries, never
// from a scanner). Every tool writes CycloneDX; all three documents are read back with custody's reader and
// scored by the same code, on unique name@version keys per ecosystem.
//
//   node scripts/bench/peers.mjs [image ...]   default: the six shared images + real-artefacts (when built)
//   BENCH_RUNS=1 (runs per tool, best kept)   BENCH_BIG=1 also big-mix from $BENCH_BIG_IMAGES (/tmp/images-big)
//   CUSTODY_IMAGES_DIR=/tmp/images
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const IMAGES = process.env.CUSTODY_IMAGES_DIR ?? '/tmp/images';
const BIG = process.env.BENCH_BIG === '1' ? (process.env.BENCH_BIG_IMAGES ?? '/tmp/images-big') : undefined;
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
if (!existsSync(join(root, 'dist', 'sbom', 'index.js'))) {
  console.error('run `npm run build` first');
  process.exit(2);
}
const { readSbom } = await import(join(root, 'dist', 'sbom', 'index.js'));
const { installPeer } = await import(join(root, 'scripts', 'install-peers.mjs'));

const syft = installPeer('syft').path;
let trivy;
try {
  trivy = installPeer('trivy').path;
} catch (err) {
  console.error(`trivy unavailable: ${err.message}`);
}
const hasTime = existsSync('/usr/bin/time');
const tmp = mkdtempSync(join(tmpdir(), 'custody-bench-peers-'));

function measure(cmd, args, env = {}) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(hasTime ? '/usr/bin/time' : cmd, hasTime ? ['-v', cmd, ...args] : args, { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 28 });
    const wall = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):(\d+(?:\.\d+)?)/.exec(r.stderr ?? '');
    const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
    runs.push({ ok: r.status === 0, wall: wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN, rssMb: rss ? Number(rss[1]) / 1024 : NaN, stderr: r.stderr ?? '' });
  }
  const ok = runs.filter((r) => r.ok);
  return ok.length > 0 ? ok.reduce((a, b) => (b.wall < a.wall ? b : a)) : runs[0];
}

const readTsv = (p) => {
  if (!existsSync(p)) return [];
  const [head, ...rows] = readFileSync(p, 'utf8').split('\n').filter((l) => l !== '');
  const cols = head.split('\t');
  return rows.map((r) => Object.fromEntries(r.split('\t').map((v, i) => [cols[i], v])));
};
const normPy = (n) => n.replace(/[-_.]+/g, '-').toLowerCase();

/** Truth keys per ecosystem for one image. */
function truthOf(dir) {
  const t = {
    deb: new Set(readTsv(join(dir, 'dpkg.tsv')).map((r) => `${r.package}@${r.version}`)),
    npm: new Set(readTsv(join(dir, 'npm.tsv')).map((r) => `${r.name}@${r.version}`)),
    pypi: new Set(readTsv(join(dir, 'python.tsv')).map((r) => `${normPy(r.name)}@${r.version}`)),
    maven: new Set(readTsv(join(dir, 'jars.tsv')).filter((r) => r.source === 'pom.properties').map((r) => `${r.groupId}:${r.artifactId}@${r.version}`)),
    cargo: new Set(readTsv(join(dir, 'cargo.tsv')).map((r) => `${r.name}@${r.version}`)),
    golang: new Set(readTsv(join(dir, 'go.tsv')).filter((r) => r.version !== '(devel)').map((r) => `${r.module}@${r.version}`)),
  };
  return Object.fromEntries(Object.entries(t).filter(([, s]) => s.size > 0));
}

/** The same keys from an SBOM (by purl: every tool writes them). */
function foundOf(sbom) {
  const f = { deb: new Set(), npm: new Set(), pypi: new Set(), maven: new Set(), cargo: new Set(), golang: new Set() };
  for (const p of sbom.packages) {
    const m = /^pkg:([a-z]+)\/(.+)@([^?#]+)(?:\?([^#]*))?/.exec(p.purl ?? '');
    if (!m) continue;
    const [, type, path, rawVersion, qs] = m;
    const version = decodeURIComponent(rawVersion);
    const parts = path.split('/').map(decodeURIComponent);
    const name = parts.at(-1);
    if (type === 'deb') {
      const epoch = /(?:^|&)epoch=(\d+)/.exec(qs ?? '')?.[1];
      f.deb.add(`${name}@${epoch && epoch !== '0' && !version.startsWith(`${epoch}:`) ? `${epoch}:` : ''}${version}`);
    } else if (type === 'npm') f.npm.add(`${parts.join('/')}@${version}`);
    else if (type === 'pypi') f.pypi.add(`${normPy(name)}@${version}`);
    else if (type === 'maven') f.maven.add(`${parts.slice(0, -1).join('.')}:${name}@${version}`);
    else if (type === 'cargo') f.cargo.add(`${name}@${version}`);
    // the Go toolchain (stdlib) is not a module: go.tsv, like `go version -m`, lists modules only
    else if (type === 'golang' && parts.join('/') !== 'stdlib') f.golang.add(`${parts.join('/')}@${version}`);
  }
  return f;
}

function score(truth, found) {
  const out = {};
  for (const [eco, t] of Object.entries(truth)) {
    const got = found[eco] ?? new Set();
    const hit = [...t].filter((k) => got.has(k)).length;
    out[eco] = { truth: t.size, reported: got.size, recall: t.size ? hit / t.size : NaN, precision: got.size ? [...got].filter((k) => t.has(k)).length / got.size : NaN };
  }
  return out;
}

const shared = ['debian-min', 'java-log4j', 'java-log4j1', 'node-app', 'python-app', 'layered-whiteout', 'real-artefacts'];
const targets = (process.argv.slice(2).length > 0 ? process.argv.slice(2) : shared).map((n) => ({ name: n, dir: IMAGES }));
if (BIG) targets.push({ name: 'big-mix', dir: BIG });

const rows = [];
const fmt = (n, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '-');
try {
  for (const { name, dir } of targets) {
    const tar = join(dir, 'docker-archive', `${name}.tar`);
    if (!existsSync(tar)) {
      console.error(`skip ${name}: ${tar} missing`);
      continue;
    }
    const truth = truthOf(join(dir, 'truth', name));
    const tools = {};
    const out = (t) => join(tmp, `${name}.${t}.cdx.json`);
    tools.custody = measure(process.execPath, [join(root, 'bin', 'custody.js'), '-q', 'sbom', 'generate', `docker-archive:${tar}`, '-o', `cyclonedx-json=${out('custody')}`]);
    tools.syft = measure(syft, ['scan', `docker-archive:${tar}`, '-o', `cyclonedx-json=${out('syft')}`], { SYFT_CHECK_FOR_APP_UPDATE: 'false', HOME: tmp });
    if (trivy) tools.trivy = measure(trivy, ['image', '--format', 'cyclonedx', '--offline-scan', '--skip-db-update', '--skip-java-db-update', '--no-progress', '--cache-dir', join(tmp, 'trivy-cache'), '--input', tar, '-o', out('trivy')]);
    const row = { name, tools: {} };
    for (const [tool, m] of Object.entries(tools)) {
      const scores = m.ok ? score(truth, foundOf(await readSbom(out(tool)))) : undefined;
      row.tools[tool] = { ...m, scores };
      rmSync(join(tmp, 'trivy-cache'), { recursive: true, force: true });
    }
    rows.push(row);
    console.error(`${name}: ${Object.entries(row.tools).map(([t, m]) => `${t} ${m.ok ? `${fmt(m.wall)} s ${fmt(m.rssMb, 0)} MB` : 'FAILED'}`).join('; ')}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

console.log(`\nsbom generate (docker-archive), custody vs the real syft 1.57.2 and trivy: wall s / peak RSS MB (best of ${RUNS}), ratios peer/custody`);
console.log('| image | custody s | MB | syft s | MB | syft/custody time | syft/custody mem | trivy s | MB | trivy/custody time | trivy/custody mem |');
console.log(`|${' --- |'.repeat(11)}`);
for (const r of rows) {
  const c = r.tools.custody;
  const cell = (t) => {
    const m = r.tools[t];
    if (!m) return ['n/a', 'n/a', 'n/a', 'n/a'];
    if (!m.ok) return [`failed (${(/(FATAL|ERROR)[^\n]*/.exec(m.stderr)?.[0] ?? 'exit != 0').slice(0, 60)})`, '-', '-', '-'];
    return [fmt(m.wall), fmt(m.rssMb, 0), fmt(m.wall / c.wall, 1), fmt(m.rssMb / c.rssMb, 1)];
  };
  console.log(`| ${[r.name, fmt(c.wall), fmt(c.rssMb, 0), ...cell('syft'), ...cell('trivy')].join(' | ')} |`);
}
console.log('\nrecall / precision against truth, per ecosystem (unique name@version keys; "-" = tool failed or reported none).');
console.log('maven truth holds only jars with pom.properties (group:artifact@version known): jars named from MANIFEST.MF or file names');
console.log('(Spring, the JDK) cannot be checked and count against precision for every tool alike.');
console.log('| image | ecosystem | truth | custody recall | custody precision | syft recall | syft precision | trivy recall | trivy precision |');
console.log(`|${' --- |'.repeat(9)}`);
for (const r of rows) {
  const ecos = Object.keys(r.tools.custody.scores ?? r.tools.syft.scores ?? {});
  for (const eco of ecos) {
    const s = (t) => r.tools[t]?.scores?.[eco];
    const cells = ['custody', 'syft', 'trivy'].flatMap((t) => (s(t) ? [fmt(s(t).recall), fmt(s(t).precision)] : ['-', '-']));
    console.log(`| ${[r.name, eco, (s('custody') ?? s('syft'))?.truth ?? '-', ...cells].join(' | ')} |`);
  }
}
console.log(`\nmachine: ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
