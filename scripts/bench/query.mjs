#!/usr/bin/env node
// `npm run bench -- query`: `custody sbom query --name log4j-core` over a corpus of real-size SBOMs
// (../shared/tools/make-sbom-corpus.sh, fed with cdxgen's SBOMs of the real test images as the team's
// tools README describes), against the equivalent jq pipeline of ../shared/tools/bench-jq-corpus.sh on one
// and on both cores, and against `grep -l` and `cat` (no JSON semantics at all: floors for reading the bytes);
// then one large SBOM (memory), then indexed-query latency on a larger corpus.
// Environment: BENCH_DIR (/tmp/custody-bench), N (1000), INDEX_N (10000), RUNS (3), INDEX_QUERIES (20),
// LARGE_MB (200; 0 skips), PEERS_DIR (/tmp/peers), CUSTODY_IMAGES_DIR (/tmp/images).
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
const LARGE_MB = Number(process.env.LARGE_MB ?? 200);
const PEERS_DIR = process.env.PEERS_DIR ?? '/tmp/peers';
const IMAGES = process.env.CUSTODY_IMAGES_DIR ?? '/tmp/images';

/**
 * cdxgen's SBOMs of the real images (CycloneDX and SPDX 3, a few MB each) are what make the corpus
 * real-size: ../shared/tools/peers.sh makes them (docker-archive form only, ~2 min). Without them
 * (no images, no cdxgen) the corpus is built from ../shared/corpus alone and the result says so.
 */
function peerSboms() {
  const out = join(PEERS_DIR, 'out');
  const have = () => existsSync(out) && readdirSync(out).some((f) => f.endsWith('.cdx.json'));
  if (!have() && existsSync(join(IMAGES, 'docker-archive'))) {
    console.log(`making cdxgen SBOMs of the images in ${IMAGES} (../shared/tools/peers.sh, once) ...`);
    const env = { ...process.env, PEERS_DIR, IMAGES_DIR: IMAGES, FORMS: 'docker-archive' };
    spawnSync('bash', [join(SHARED, 'tools', 'peers.sh'), 'install'], { stdio: 'inherit', env });
    spawnSync('bash', [join(SHARED, 'tools', 'peers.sh'), 'cdxgen'], { stdio: 'inherit', env });
  }
  return have();
}

function corpus(n, withPeers) {
  const dir = join(BENCH, `corpus-${n}${withPeers ? '-peers' : '-shared'}`);
  if (!existsSync(join(dir, 'expected-log4j-core.tsv'))) {
    console.log(`building corpus of ${n} SBOMs in ${dir} ...`);
    execFileSync('bash', [join(SHARED, 'tools', 'make-sbom-corpus.sh'), String(n), dir], { stdio: 'inherit', env: { ...process.env, PEERS_DIR: withPeers ? PEERS_DIR : join(BENCH, 'no-peers') } });
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

// 1. File scan vs jq (one process, and xargs -P2 on both cores), grep -l and cat.
const withPeers = peerSboms();
const dir = corpus(N, withPeers);
const files = readdirSync(dir).filter((f) => /^\d+\..*json$/.test(f)).sort();
const want = expected(dir);
spawnSync('cat', files, { cwd: dir, stdio: ['ignore', 'ignore', 'ignore'] }); // warm the page cache
const best = (runs) => ({ wallS: median(runs.map((r) => r.wall)), minWallS: Math.min(...runs.map((r) => r.wall)), cpuS: median(runs.map((r) => r.cpu)), rssMiB: Math.round(median(runs.map((r) => r.rssKiB)) / 1024) });
const custodyRuns = [];
let correct;
let summary;
for (let i = 0; i < RUNS; i++) {
  const r = timed(process.execPath, [BIN, 'sbom', 'query', dir, '--name', 'log4j-core', '-o', 'json']);
  custodyRuns.push(r);
  const doc = JSON.parse(r.stdout);
  summary = doc.summary;
  const got = new Map();
  for (const m of doc.matches) {
    const f = m.sbom.split('/').pop();
    got.set(f, [...new Set([...(got.get(f) ?? '').split(',').filter(Boolean), m.version])].sort().join(','));
  }
  correct = want.size === got.size && [...want].every(([f, v]) => got.get(f) === v);
}
const jqAnswer = (r) => {
  const got = new Map(r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('\t')).map(([f, v]) => [f.split('/').pop(), v.split(',').sort().join(',')]));
  return want.size === got.size && [...want].every(([f, v]) => got.get(f) === v);
};
const peers = {};
if (spawnSync('jq', ['--version']).status === 0) {
  const one = Array.from({ length: RUNS }, () => timed('jq', ['-r', JQ_FILTER, ...files], { cwd: dir }));
  peers.jqOneProcess = { ...best(one), correct: jqAnswer(one[0]) };
  const p2 = Array.from({ length: RUNS }, () => timed('bash', ['-c', 'ls | grep -E \'^[0-9]+\\..*json$\' | xargs -P2 -n 64 jq -r "$FILTER"'], { cwd: dir, env: { ...process.env, FILTER: JQ_FILTER } }));
  peers.jqXargsP2 = { ...best(p2), correct: jqAnswer(p2[0]) };
} else peers.jq = 'jq not installed';
peers.grepL = best(Array.from({ length: RUNS }, () => timed('grep', ['-l', '-F', '"log4j-core"', ...files], { cwd: dir })));
peers.cat = best(Array.from({ length: RUNS }, () => timed('bash', ['-c', 'cat "$@" >/dev/null', 'cat', ...files], { cwd: dir })));
results.scan = {
  corpus: dir,
  withCdxgenSboms: withPeers,
  files: files.length,
  bytes: files.reduce((a, f) => a + readFileSync(join(dir, f)).length, 0),
  custody: { ...best(custodyRuns), correct, filesParsed: summary?.filesParsed },
  ...peers,
};
const c = results.scan.custody.wallS;
results.scan.ratios = Object.fromEntries(
  Object.entries(peers)
    .filter(([, v]) => typeof v === 'object')
    .map(([k, v]) => [`${k}/custody`, +(v.wallS / c).toFixed(2)]),
);

// 2. One large SBOM (LARGE_MB of real components): custody reads it as a token stream.
if (LARGE_MB > 0 && withPeers) {
  const big = join(BENCH, `large-${LARGE_MB}mb.cdx.json`);
  if (!existsSync(big)) {
    execFileSync('python3', ['-c', `
import json, glob, sys
comps = []
for f in sorted(glob.glob(sys.argv[1] + '/out/*.cdx.json')):
    comps += json.load(open(f)).get('components', [])
doc = json.load(open(sorted(glob.glob(sys.argv[1] + '/out/*.cdx.json'))[0]))
doc.pop('dependencies', None)
out, size, k = [], 0, 0
while size < int(sys.argv[3]) * 1000000:
    c = dict(comps[k % len(comps)]); c['bom-ref'] = '%s-%d' % (c.get('bom-ref', 'x'), k); k += 1
    out.append(c); size += len(json.dumps(c)) + 1
out.insert(len(out) // 2, {'type': 'library', 'group': 'org.apache.logging.log4j', 'name': 'log4j-core', 'version': '2.14.1', 'purl': 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', 'bom-ref': 'injected-log4j-core'})
doc['components'] = out
json.dump(doc, open(sys.argv[2], 'w'))
`, PEERS_DIR, big, String(LARGE_MB)]);
  }
  const cu = timed(process.execPath, [BIN, 'sbom', 'query', big, '--name', 'log4j-core', '-o', 'json']);
  const jq = spawnSync('jq', ['--version']).status === 0 ? timed('jq', ['-r', JQ_FILTER, big]) : undefined;
  results.large = {
    file: big,
    bytes: readFileSync(big).length,
    custody: { wallS: cu.wall, rssMiB: Math.round(cu.rssKiB / 1024), versions: [...new Set(JSON.parse(cu.stdout).matches.map((m) => m.version))].sort() },
    jq: jq ? { wallS: jq.wall, rssMiB: Math.round(jq.rssKiB / 1024), answer: jq.stdout.trim().split('\t').pop() } : 'jq not installed',
  };
}

const sc = results.scan;
console.log(`scan of ${sc.files} SBOMs (${(sc.bytes / 1e6).toFixed(0)} MB${sc.withCdxgenSboms ? '' : ', without cdxgen SBOMs'}): custody ${sc.custody.wallS} s (${sc.custody.rssMiB} MB, correct ${sc.custody.correct}, ${sc.custody.filesParsed} parsed); ${Object.entries(sc.ratios).map(([k, v]) => `${k} ${v}x`).join(', ')}`);

// 3. Index: build on INDEX_N SBOMs (of ../shared/corpus only: with cdxgen's SBOMs 10,000 would be ~7 GB), then query latency in-process (no CLI start-up) and through the CLI.
if (INDEX_N > 0) {
  const idir = corpus(INDEX_N, false);
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
