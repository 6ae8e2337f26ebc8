#!/usr/bin/env node
// Recall and precision of custody on the peers' own test fixtures kept in fixtures/catalog/peers (cases*.json):
// what custody reports (`expect`, checked exactly by test/unit/catalog/peers.test.ts) against what the peer's Go
// test expects (`peerExpects`, name@version). A package matches on name (case-insensitive; PEP 503 names; Maven
// `group:artifact` or artifact; a CocoaPods subspec `Pod/Sub` as `Pod@v#Sub`) and version. Reported packages
// marked dev that the peer's test leaves out are counted apart (custody reports dev dependencies on purpose).
//   node scripts/bench/peer-cases.mjs [--rev GIT_REV] [--by-file]
//   (--rev: score the cases files as they were at that commit; --by-file: one line per cases file too)
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = 'fixtures/catalog/peers';
const rev = process.argv.includes('--rev') ? process.argv[process.argv.indexOf('--rev') + 1] : undefined;
const files = rev
  ? execFileSync('git', ['-C', root, 'ls-tree', '--name-only', `${rev}:${dir}`], { encoding: 'utf8' }).split('\n').filter((f) => /^cases(-[a-z0-9-]+)?\.json$/.test(f))
  : readdirSync(join(root, dir)).filter((f) => /^cases(-[a-z0-9-]+)?\.json$/.test(f));
const read = (f) => (rev ? execFileSync('git', ['-C', root, 'show', `${rev}:${dir}/${f}`], { encoding: 'utf8' }) : readFileSync(join(root, dir, f), 'utf8'));

const norm = (n) => n.toLowerCase().replace(/[-_.]+/g, '-');
/** name variants and version of one reported entry ('pkg:npm/%40a/b@1.0 (dev)' or 'name@version'). */
function ours(entry) {
  const dev = / \(dev\)/.test(entry);
  const bare = entry.replace(/ \(.*$/, '');
  let name;
  let version;
  let sub = '';
  if (bare.startsWith('pkg:')) {
    const m = /^pkg:([^/]+)\/([^@?#]*)(?:@([^?#]*))?(?:\?[^#]*)?(?:#(.*))?$/.exec(bare);
    name = decodeURIComponent(m[2]);
    version = m[3] ? decodeURIComponent(m[3]) : '';
    sub = m[4] ? decodeURIComponent(m[4]) : '';
  } else {
    const at = bare.lastIndexOf('@');
    [name, version] = at > 0 ? [bare.slice(0, at), bare.slice(at + 1)] : [bare, ''];
  }
  const names = new Set([name, name.split('/').pop(), name.replace(/\//g, ':')]);
  if (sub) for (const n of [...names]) names.add(`${n}/${sub}`);
  return { names: new Set([...names].map(norm)), version, dev };
}
function peer(entry) {
  const at = entry.lastIndexOf('@');
  const [name, version] = at > 0 ? [entry.slice(0, at), entry.slice(at + 1)] : [entry, ''];
  return { names: new Set([name, name.split(':').pop()].map(norm)), version };
}
const same = (o, p) => o.version === p.version && [...p.names].some((n) => o.names.has(n));

const BY_FILE = process.argv.includes('--by-file');
const pct = (a, b) => `${((100 * a) / b).toFixed(1)} %`;
let expected = 0, found = 0, reported = 0, correct = 0, devExtra = 0, cases = 0;
for (const f of files.sort()) {
  const before = { expected, found, reported, correct, devExtra, cases };
  for (const c of JSON.parse(read(f))) {
    if (!Array.isArray(c.peerExpects)) continue;
    cases++;
    const o = c.expect.map(ours);
    const p = c.peerExpects.map(peer);
    expected += p.length;
    found += p.filter((x) => o.some((y) => same(y, x))).length;
    reported += o.length;
    for (const y of o) {
      if (p.some((x) => same(y, x))) correct++;
      else if (y.dev) devExtra++;
    }
  }
  if (BY_FILE) {
    const e = expected - before.expected, fo = found - before.found, r = reported - before.reported, co = correct - before.correct, d = devExtra - before.devExtra;
    console.log(`${f}: cases ${cases - before.cases}; peer-expected ${e}, found ${fo} (${e ? pct(fo, e) : '-'}); reported ${r}, expected by the peer ${co} (${r - d ? pct(co, r - d) : '-'} without dev extras)`);
  }
}
console.log(`cases ${cases}; peer-expected ${expected}, found ${found} (recall ${pct(found, expected)}); reported ${reported}, of them expected by the peer ${correct} (precision ${pct(correct, reported)}), ${devExtra} more are dev dependencies the peer's test drops (precision without them ${pct(correct, reported - devExtra)})`);
