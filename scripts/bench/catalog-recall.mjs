#!/usr/bin/env node
// Recall and precision of custody's language catalogers on the real images of
// ../shared/tools/build-images.sh, scored against truth/<image>/{jars,npm,python}.tsv (read from each
// image's own files, not by a scanner). Runs the built CLI (`npm run build` first):
//   node scripts/bench/catalog-recall.mjs [--images /tmp/images] [--transport docker-archive|dir] [--all] [--engine trivy]
// --all also runs the declared (lock-file) catalogers, as `sbom generate` does by default today.
// Prints a markdown table: image, ecosystem, truth, found, reported, recall, precision, seconds.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const IMAGES = opt('--images', process.env.CUSTODY_IMAGES_DIR ?? '/tmp/images');
const TRANSPORT = opt('--transport', 'docker-archive');
const ALL = args.includes('--all');
// --engine trivy: score H2's trivy engine instead (CUSTODY_TRIVY_PATH=$(node scripts/install-trivy.mjs)).
const ENGINE = opt('--engine', 'native');
const SELECT = 'java-archive,npm-installed,python-installed,go-binary,rust-binary,ruby-gemspec,php-composer-installed,dotnet-deps';

const readTsv = (p) => {
  if (!existsSync(p)) return [];
  const [head, ...rows] = readFileSync(p, 'utf8').split('\n').filter((l) => l !== '');
  const cols = head.split('\t');
  return rows.map((r) => Object.fromEntries(r.split('\t').map((v, i) => [cols[i], v])));
};
const normPy = (n) => n.replace(/[-_.]+/g, '-').toLowerCase();
const dirOf = (p) => p.slice(0, p.lastIndexOf('/'));

export function scoreImage(sbom, truthDir) {
  const pk = sbom.packages;
  const out = [];
  // maven: one truth row per pom.properties, or per archive (MANIFEST/none)
  const jars = readTsv(join(truthDir, 'jars.tsv'));
  const java = pk.filter((p) => p.type === 'java-archive');
  const javaMatch = (p, t) => {
    if (p.locations[0]?.path !== t.path) return false;
    if (t.source === 'pom.properties') return p.purl === `pkg:maven/${t.groupId}/${t.artifactId}@${t.version}`;
    if (t.source === 'MANIFEST') return p.version === t.version;
    return true;
  };
  out.push(score('maven', jars, java, javaMatch));
  const npm = readTsv(join(truthDir, 'npm.tsv'));
  const npmPk = pk.filter((p) => p.type === 'npm');
  out.push(score('npm', npm, npmPk, (p, t) => p.name === t.name && p.version === t.version && (ALL ? true : dirOf(p.locations[0].path) === t.path)));
  const py = readTsv(join(truthDir, 'python.tsv'));
  const pyPk = pk.filter((p) => p.type === 'python');
  out.push(score('python', py, pyPk, (p, t) => p.purl === `pkg:pypi/${normPy(t.name)}@${t.version}` && (ALL ? true : p.locations[0].path.startsWith(t.path))));
  return out;
}

function score(eco, truth, reported, match) {
  const found = truth.filter((t) => reported.some((p) => match(p, t))).length;
  const correct = reported.filter((p) => truth.some((t) => match(p, t))).length;
  return {
    eco,
    truth: truth.length,
    found,
    reported: reported.length,
    recall: truth.length === 0 ? undefined : found / truth.length,
    precision: reported.length === 0 ? undefined : correct / reported.length,
  };
}

const pct = (x) => (x === undefined ? '-' : `${(x * 100).toFixed(1)}%`);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const images = ['java-log4j', 'java-log4j1', 'node-app', 'python-app', 'debian-min', 'layered-whiteout'];
  const tmp = mkdtempSync(join(tmpdir(), 'custody-recall-'));
  console.log(`| image | ecosystem | truth | found | reported | recall | precision | seconds |`);
  console.log(`| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |`);
  try {
    for (const img of images) {
      const target = TRANSPORT === 'dir' ? `dir:${join(IMAGES, 'rootfs', img)}` : `${TRANSPORT}:${join(IMAGES, TRANSPORT, `${img}.tar`)}`;
      const file = join(tmp, `${img}.json`);
      const t0 = process.hrtime.bigint();
      const sel = ENGINE !== 'native' ? ['--engine', ENGINE] : ALL ? [] : ['--select', SELECT];
      try {
        execFileSync(process.execPath, [join(root, 'bin', 'custody.js'), 'sbom', 'generate', target, '-o', `json=${file}`, ...sel], { stdio: ['ignore', 'ignore', 'ignore'] });
      } catch (err) {
        console.log(`| ${img} | (${ENGINE} failed: exit ${err.status}) | | | | | | |`);
        continue;
      }
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      const sbom = JSON.parse(readFileSync(file, 'utf8'));
      for (const r of scoreImage(sbom, join(IMAGES, 'truth', img))) {
        if (r.truth === 0 && r.reported === 0) continue;
        console.log(`| ${img} | ${r.eco} | ${r.truth} | ${r.found} | ${r.reported} | ${pct(r.recall)} | ${pct(r.precision)} | ${secs.toFixed(1)} |`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
