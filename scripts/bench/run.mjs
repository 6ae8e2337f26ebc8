#!/usr/bin/env node
// `npm run bench`: runs every benchmark in scripts/bench/ (or those named: `npm run bench -- query verify`)
// one after another and prints each one's table of figures and ratios. Benchmarks measure custody against
// the peers runnable here (cdxgen, trivy, jq, @sigstore/cli), installed on demand into a cache folder, never
// as project dependencies. Figures go in notes, never in timed tests.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const all = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs' && !f.startsWith('_'))
  .map((f) => f.replace(/\.mjs$/, ''))
  .sort();
const chosen = wanted.length > 0 ? all.filter((b) => wanted.includes(b)) : all;
if (chosen.length === 0) {
  console.error(`no benchmark matches ${wanted.join(', ')}; available: ${all.join(', ')}`);
  process.exitCode = 2;
} else {
  let failed = 0;
  for (const b of chosen) {
    console.log(`\n=== bench: ${b} ===`);
    const r = spawnSync(process.execPath, [join(here, `${b}.mjs`)], { stdio: 'inherit' });
    if (r.status !== 0) {
      failed++;
      console.log(`bench ${b} exited ${r.status}`);
    }
  }
  process.exitCode = failed > 0 ? 1 : 0;
}
