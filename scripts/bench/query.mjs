#!/usr/bin/env node
// `npm run bench -- query`: `custody sbom query --name log4j-core` over a corpus of real-size SBOMs
// (../shared/tools/make-sbom-corpus.sh), against the equivalent one-process jq pipeline of
// ../shared/tools/bench-jq-corpus.sh, plus indexed-query latency on a larger corpus.
// Environment: BENCH_DIR (/tmp/custody-bench), N (1000), INDEX_N (10000), RUNS (3), INDEX_QUERIES (20).
// Figures go to stdout and BENCH_DIR/query-bench.json; nothing here is a timed test.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHARED = process.env.CUSTODY_SHARED_DIR ?? join(ROOT, '..', 'shared');
const BIN = join(ROOT, 'bin', 'custody.js');
const BENCH = process.env.BENCH_DIR ?? '/tmp/custody-bench';
const N = Number(process.env.N ?? 1000);
const INDEX_N = Number(process.env.INDEX_N ?? 10000);
const RUNS = Number(process.env.RUNS ?? 3);
const INDEX_QUERIES = Number(process.env.INDEX_QUERIES ?? 20);

function corpus(n) {
  const dir = join(BENCH, `corpus-${n}`);
  if (!existsSync(join(dir, 'expected-log4j-core.tsv'))) {
    console.log(`building corpus of ${n} SBOMs in ${dir} ...`);
    execFileSync('bash', [join(SHARED, 'tools', 'make-sbom-corpus.sh'), String(n), dir], { stdio: 'inherit' });
  }
  return dir;
}

/** Run a command under /usr/bin/time: wall, user+sys CPU seconds, peak RSS (KiB). */
function timed(cmd, args, opts = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  const last = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { status: r.status, stdout: r.stdout, wall: last[0], cpu: last[1] + last[2], rssKiB: last[3] };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function expected(dir) {
  const lines = readFileSync(join(dir, 'expected-log4j-core.tsv'), 'utf8').trim().split('\n').slice(1);
  return new Map(lines.map((l) => l.split('\t')).map(([f, v]) => [f, v.split(',').sort().join(',')]));
}

const JQ_FILTER = `[ (.components[]? | recurse(.components[]?) | select(.name? == "log4j-core") | .version),
  (.packages[]? | select(.name? == "log4j-core") | .versionInfo),
  (."@graph"[]? | select(.type? == "software_Package" and .name? == "log4j-core") | .software_packageVersion)
] | unique | select(length > 0) | "\\(input_filename)\\t\\(join(","))"`;

const results = { host: { cpus: (await import('node:os')).availableParallelism(), loadavg: (await import('node:os')).loadavg() } };

// 1. File scan vs jq.
const dir = corpus(N);
const files = readdirSync(dir).filter((f) => /^\d+\..*json$/.test(f)).sort();
const want = expected(dir);
const custodyRuns = [];
let correct;
for (let i = 0; i < RUNS; i++) {
  const r = timed(process.execPath, [BIN, 'sbom', 'query', dir, '--name', 'log4j-core', '-o', 'json']);
  custodyRuns.push(r);
  const got = new Map();
  for (const m of JSON.parse(r.stdout).matches) {
    const f = m.sbom.split('/').pop();
    got.set(f, [...new Set([...(got.get(f) ?? '').split(',').filter(Boolean), m.version])].sort().join(','));
  }
  correct = want.size === got.size && [...want].every(([f, v]) => got.get(f) === v);
}
const jqRuns = [];
let jqCorrect;
if (spawnSync('jq', ['--version']).status === 0) {
  for (let i = 0; i < RUNS; i++) {
    const r = timed('jq', ['-r', JQ_FILTER, ...files], { cwd: dir });
    jqRuns.push(r);
    const got = new Map(r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('\t')).map(([f, v]) => [f, v.split(',').sort().join(',')]));
    jqCorrect = want.size === got.size && [...want].every(([f, v]) => got.get(f) === v);
  }
}
results.scan = {
  corpus: dir,
  files: files.length,
  bytes: files.reduce((a, f) => a + readFileSync(join(dir, f)).length, 0),
  custody: { wallS: median(custodyRuns.map((r) => r.wall)), cpuS: median(custodyRuns.map((r) => r.cpu)), rssMiB: Math.round(median(custodyRuns.map((r) => r.rssKiB)) / 1024), correct },
  jq: jqRuns.length ? { wallS: median(jqRuns.map((r) => r.wall)), cpuS: median(jqRuns.map((r) => r.cpu)), rssMiB: Math.round(median(jqRuns.map((r) => r.rssKiB)) / 1024), correct: jqCorrect } : 'jq not installed',
};
if (jqRuns.length) results.scan.speedupWall = +(results.scan.jq.wallS / results.scan.custody.wallS).toFixed(1);

// 2. Index: build on INDEX_N SBOMs, then query latency in-process (no CLI start-up) and through the CLI.
if (INDEX_N > 0) {
  const idir = corpus(INDEX_N);
  const db = join(BENCH, `index-${INDEX_N}.db`);
  rmSync(db, { force: true });
  const build = timed(process.execPath, [BIN, 'sbom', 'index', 'add', '--db', db, idir]);
  const again = timed(process.execPath, [BIN, 'sbom', 'index', 'add', '--db', db, idir]);
  const { queryIndex } = await import(join(ROOT, 'dist', 'query', 'index', 'index.js'));
  const queries = [
    { name: 'log4j-core' },
    { purl: 'pkg:maven/org.apache.logging.log4j/log4j-core', version: '<2.17.1' },
    { name: 'log4j-core', version: '>=2.0-beta9 <2.15.0' },
    { name: 'openssl' },
  ];
  const latency = {};
  for (const q of queries) {
    const ms = [];
    let n = 0;
    for (let i = 0; i < INDEX_QUERIES; i++) {
      const s = performance.now();
      n = (await queryIndex(db, q)).matches.length;
      ms.push(performance.now() - s);
    }
    latency[JSON.stringify(q)] = { medianMs: +median(ms).toFixed(1), matches: n };
  }
  const cli = timed(process.execPath, [BIN, 'sbom', 'query', '--db', db, '--name', 'log4j-core', '-o', 'json']);
  const cliVersion = timed(process.execPath, [BIN, '--version']);
  results.index = {
    sboms: INDEX_N,
    build: { wallS: build.wall, cpuS: build.cpu, rssMiB: Math.round(build.rssKiB / 1024), summary: build.stdout.trim() },
    incrementalReAdd: { wallS: again.wall, summary: again.stdout.trim() },
    inProcessQuery: latency,
    cliQueryWallS: cli.wall,
    cliStartupWallS: cliVersion.wall,
  };
}

writeFileSync(join(BENCH, 'query-bench.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));
