#!/usr/bin/env node
// Bench for `custody verify`: every Sigstore bundle case of ../shared/corpus (sigstore + cosign categories)
// that has an artifact file,
//   (a) all verified in ONE custody process (the verify/ library the CLI runs),
//   (b) one `custody verify` process per bundle (the CLI as a user runs it),
//   (c) the peer: one `@sigstore/cli` process per bundle (`sigstore verify BUNDLE --blob-file ARTIFACT`),
//   (d) the real cosign 3.1.3 (scripts/install-peers.mjs): one `cosign verify-blob ARTIFACT --bundle B
//       --trusted-root R` per bundle (key cases with --key; identity/issuer as for custody), offline,
//       under `unshare -n` when available.
// Verdict agreement with cases.json is reported for each.
//
// The peer is installed on demand (not a project dependency) into the same cache folder as trivy
// ($CUSTODY_PEERS_DIR or ~/.cache/custody/peers, see scripts/install-trivy.mjs), pinned to the version
// ../shared/tools/peers.sh uses. @sigstore/cli has no --trusted-root: it reads trusted_root.json from a TUF
// repository. The offline equivalent of custody's `--trusted-root FILE` is a TUF cache holding that file:
// for each trusted root this bench writes a throwaway TUF repository (a fresh Ed25519 key, root/targets/
// snapshot/timestamp signed with it, valid for a day) straight into the CLI's cache, and runs the CLI with
// --tuf-force-cache and a mirror URL on a closed loopback port, under `unshare -n` (no network at all) when
// it is available. Identity: --certificate-identity-uri/-email and --certificate-issuer when the case names
// them (custody gets the same values; '.*' regexps where it does not). Key-signed cases are skipped for the
// peer (it has no --key). Ratios compare the same bundles.
//
//   npm run bench -- verify            BENCH_VERIFY_PEER=0 skips the peer
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { peersDir } from '../install-trivy.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shared = process.env.CUSTODY_SHARED_DIR ?? join(root, '..', 'shared');
const corpus = join(shared, 'corpus');
if (!existsSync(join(corpus, 'cases.json'))) {
  console.log('verify bench: ../shared/corpus not present; nothing to measure');
  process.exit(0);
}
const { loadTrustedRoot, verifyBundle } = await import(pathToFileURL(join(root, 'dist', 'verify', 'index.js')).href);
const cases = JSON.parse(readFileSync(join(corpus, 'cases.json'), 'utf8')).cases.filter(
  (c) => (c.category === 'sigstore' || c.category === 'cosign') && c.expect.kind === 'sigstore-bundle-verify' && typeof c.expect.artifact === 'string',
);
const work = mkdtempSync(join(tmpdir(), 'custody-bench-verify-'));

// The trust material upstream verifies these two cases with (see test/real/verify-corpus.test.ts).
function tsaTrustConfig() {
  const dir = join(corpus, 'sigstore/sigstore-python/tsa');
  const config = JSON.parse(readFileSync(join(dir, 'trust_config.json'), 'utf8'));
  config.trustedRoot.timestampAuthorities = [JSON.parse(readFileSync(join(dir, 'ca.json'), 'utf8'))];
  const f = join(work, 'tsa-trust-config.json');
  writeFileSync(f, JSON.stringify(config));
  return f;
}
const OVERRIDE = {
  'sigstore-python/tsa': tsaTrustConfig(),
  'sigstore-java/bundle.dsse.rekor-v2.sigstore': join(corpus, 'sigstore/trusted-roots/public-good/trusted_root.json'),
};
const want = (c) => (typeof c.expect.expect === 'string' ? c.expect.expect.startsWith('pass') : /\*\*PASS/.test(c.expect_text));
const rootOf = (c) => OVERRIDE[c.id] ?? join(corpus, c.expect.trusted_root ?? c.expect.trust_config ?? 'sigstore/trusted-roots/public-good/trusted_root.json');
const policyArgs = (c) =>
  typeof c.expect.key === 'string'
    ? ['--key', join(corpus, c.expect.key)]
    : [
        ...(c.expect.identity ? ['--certificate-identity', c.expect.identity] : ['--certificate-identity-regexp', '.*']),
        ...(c.expect.issuer ? ['--certificate-oidc-issuer', c.expect.issuer] : ['--certificate-oidc-issuer-regexp', '.*']),
      ];

// (a) one process
const msA = new Map();
let agreeA = 0;
const rootCache = new Map();
const tA = performance.now();
for (const c of cases) {
  const t = performance.now();
  let verified = false;
  try {
    const r = rootCache.get(rootOf(c)) ?? loadTrustedRoot(rootOf(c));
    rootCache.set(rootOf(c), r);
    const policy = typeof c.expect.key === 'string'
      ? { kind: 'key', publicKeyPem: readFileSync(join(corpus, c.expect.key), 'utf8') }
      : { kind: 'identity', identity: c.expect.identity ? { exact: c.expect.identity } : { regexp: '.*' }, issuer: c.expect.issuer ? { exact: c.expect.issuer } : { regexp: '.*' } };
    verified = verifyBundle({ bundle: JSON.parse(readFileSync(join(corpus, c.expect.bundle), 'utf8')), artifact: { bytes: readFileSync(join(corpus, c.expect.artifact)) }, policy, trustedRoot: r }).verified;
  } catch {
    verified = false;
  }
  msA.set(c.id, performance.now() - t);
  if (verified === want(c)) agreeA++;
}
const totalA = performance.now() - tA;

// (b) one custody process per bundle
const bin = join(root, 'bin', 'custody.js');
const msB = new Map();
let agreeB = 0;
for (const c of cases) {
  const t = performance.now();
  const r = spawnSync(process.execPath, [bin, 'verify', join(corpus, c.expect.artifact), '--bundle', join(corpus, c.expect.bundle), '--trusted-root', rootOf(c), ...policyArgs(c), '-q'], { encoding: 'utf8' });
  msB.set(c.id, performance.now() - t);
  if ((r.status === 0) === want(c)) agreeB++;
}

// (c) the peer
const SIGSTORE_CLI = '@sigstore/cli@0.10.3';
function installSigstoreCli() {
  const dir = join(peersDir(), `sigstore-cli-${SIGSTORE_CLI.split('@').pop()}`);
  const cli = join(dir, 'node_modules', '.bin', 'sigstore');
  const runs = () => existsSync(cli) && spawnSync(cli, ['--version'], { encoding: 'utf8', timeout: 60_000 }).stdout?.includes('@sigstore/cli/');
  if (runs()) return { dir, cli };
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`installing ${SIGSTORE_CLI} into ${dir} (once)...\n`);
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', '--loglevel=error', SIGSTORE_CLI], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (!runs()) throw new Error(`installed ${SIGSTORE_CLI} but ${cli} does not run`);
  return { dir, cli };
}

/** A one-day TUF repository serving `trustedRootJson` as trusted_root.json, written into the CLI's cache layout. */
function tufCacheFor(models, id, trustedRootJson, cacheBase) {
  const { Metadata, Signature } = models;
  const mirror = `http://127.0.0.1:9/custody-bench/${id}`; // discard port: never contacted with --tuf-force-cache
  const url = new URL(mirror);
  const dir = join(cacheBase, encodeURIComponent(url.host + url.pathname.replace(/\/$/, '')));
  mkdirSync(join(dir, 'targets'), { recursive: true });
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pubHex = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  const keyid = createHash('sha256').update(pubHex).digest('hex');
  const expires = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const common = { spec_version: '1.0.31', version: 1, expires };
  const role = { keyids: [keyid], threshold: 1 };
  const target = Buffer.from(trustedRootJson);
  const docs = {
    root: { _type: 'root', ...common, consistent_snapshot: false, keys: { [keyid]: { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: pubHex } } }, roles: { root: role, targets: role, snapshot: role, timestamp: role } },
    targets: { _type: 'targets', ...common, targets: { 'trusted_root.json': { length: target.length, hashes: { sha256: createHash('sha256').update(target).digest('hex') } } } },
    snapshot: { _type: 'snapshot', ...common, meta: { 'targets.json': { version: 1 } } },
    timestamp: { _type: 'timestamp', ...common, meta: { 'snapshot.json': { version: 1 } } },
  };
  for (const [kind, signed] of Object.entries(docs)) {
    const md = Metadata.fromJSON(kind, { signed, signatures: [] });
    md.sign((data) => new Signature({ keyID: keyid, sig: sign(null, data, privateKey).toString('hex') }));
    writeFileSync(join(dir, `${kind}.json`), JSON.stringify(md.toJSON()));
  }
  writeFileSync(join(dir, 'targets', 'trusted_root.json'), target);
  return { mirror, rootPath: join(dir, 'root.json') };
}

let peerLines = ['peer: skipped (BENCH_VERIFY_PEER=0)'];
let peerRatios = [];
if (process.env.BENCH_VERIFY_PEER !== '0') {
  try {
    const { dir, cli } = installSigstoreCli();
    const models = createRequire(join(dir, 'node_modules', 'tuf-js', 'package.json'))('@tufjs/models');
    const version = spawnSync(cli, ['--version'], { encoding: 'utf8' }).stdout.trim().split(' ')[0];
    const cacheBase = join(work, 'tuf-cache');
    const repos = new Map();
    const repoFor = (file) => {
      if (!repos.has(file)) {
        const json = JSON.parse(readFileSync(file, 'utf8'));
        repos.set(file, tufCacheFor(models, `r${repos.size}`, JSON.stringify(json.trustedRoot ?? json), cacheBase));
      }
      return repos.get(file);
    };
    const netns = spawnSync('unshare', ['-n', 'true']).status === 0 ? ['unshare', '-n'] : [];
    const peerCases = cases.filter((c) => typeof c.expect.key !== 'string');
    const msC = new Map();
    let agreeC = 0;
    const errors = new Map();
    for (const c of peerCases) {
      const { mirror, rootPath } = repoFor(rootOf(c));
      const id = c.expect.identity;
      const idArgs = id ? [id.includes('://') ? '--certificate-identity-uri' : '--certificate-identity-email', id] : [];
      const issArgs = c.expect.issuer ? ['--certificate-issuer', c.expect.issuer] : [];
      const argv = [cli, 'verify', join(corpus, c.expect.bundle), '--blob-file', join(corpus, c.expect.artifact), ...idArgs, ...issArgs, '--tuf-mirror-url', mirror, '--tuf-root-path', rootPath, '--tuf-cache-path', cacheBase, '--tuf-force-cache'];
      const t = performance.now();
      const r = spawnSync(netns[0] ?? argv[0], netns.length > 0 ? [...netns.slice(1), ...argv] : argv.slice(1), { encoding: 'utf8' });
      msC.set(c.id, performance.now() - t);
      if ((r.status === 0) === want(c)) agreeC++;
      else {
        const code = r.stderr.match(/code: '([A-Z_]+)'/)?.[1];
        const message = r.stderr.match(/message: '([^']+)'/)?.[1];
        errors.set(c.id, r.status === 0 ? 'accepted (expected: fail)' : `refused: ${[code, message].filter(Boolean).join(' ') || `exit ${r.status}`}`.slice(0, 120));
      }
    }
    const sum = (m, ids) => ids.reduce((s, i) => s + (m.get(i) ?? 0), 0);
    const ids = peerCases.map((c) => c.id);
    const [a, b, p] = [sum(msA, ids), sum(msB, ids), sum(msC, ids)];
    const n = ids.length;
    peerLines = [
      `${version} (run on Node ${process.versions.node}), 1 process/bundle: ${n} bundles in ${(p / 1000).toFixed(2)} s (${(p / n).toFixed(1)} ms/bundle), verdict agrees ${agreeC}/${n}; ${netns.length ? 'under unshare -n (no network)' : 'network namespace unavailable'}; ${repos.size} TUF caches`,
      ...[...errors].map(([id, why]) => `  @sigstore/cli disagrees on ${id}: ${why}`),
    ];
    peerRatios = [
      `same ${n} keyless bundles: custody 1 process ${(a / 1000).toFixed(2)} s, custody CLI/bundle ${(b / 1000).toFixed(2)} s, @sigstore/cli/bundle ${(p / 1000).toFixed(2)} s`,
      `@sigstore/cli per bundle vs custody one process: ${(p / a).toFixed(1)}x slower; vs custody CLI per bundle: ${(p / b).toFixed(2)}x`,
    ];
  } catch (err) {
    peerLines = [`peer: unavailable (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`];
  }
}
// (d) the real cosign
let cosignLines = ['cosign: skipped (BENCH_VERIFY_COSIGN=0)'];
if (process.env.BENCH_VERIFY_COSIGN !== '0') {
  try {
    const { installPeer } = await import(pathToFileURL(join(root, 'scripts', 'install-peers.mjs')).href);
    const cosign = installPeer('cosign3').path;
    const netns = spawnSync('unshare', ['-n', 'true']).status === 0 ? ['unshare', '-n'] : [];
    // cosign takes a bare trusted_root.json: unwrap a ClientTrustConfig (the TSA case) into one
    const roots = new Map();
    const rootFile = (c) => {
      const f = rootOf(c);
      if (!roots.has(f)) {
        const json = JSON.parse(readFileSync(f, 'utf8'));
        const out = join(work, `cosign-root-${roots.size}.json`);
        writeFileSync(out, JSON.stringify(json.trustedRoot ?? json));
        roots.set(f, out);
      }
      return roots.get(f);
    };
    const home = join(work, 'cosign-home');
    mkdirSync(home, { recursive: true });
    const msD = new Map();
    let agreeD = 0;
    const errors = [];
    for (const c of cases) {
      const argv = [cosign, 'verify-blob', join(corpus, c.expect.artifact), '--bundle', join(corpus, c.expect.bundle), '--trusted-root', rootFile(c), ...policyArgs(c)];
      const t = performance.now();
      const r = spawnSync(netns[0] ?? argv[0], netns.length > 0 ? [...netns.slice(1), ...argv] : argv.slice(1), { encoding: 'utf8', env: { ...process.env, HOME: home } });
      msD.set(c.id, performance.now() - t);
      if ((r.status === 0) === want(c)) agreeD++;
      else errors.push(`  cosign disagrees on ${c.id}: ${r.status === 0 ? 'accepted (expected: fail)' : `refused: ${(r.stderr.match(/Error: ([^\n]+)/)?.[1] ?? `exit ${r.status}`).slice(0, 140)}`}`);
    }
    const d = [...msD.values()].reduce((x, y) => x + y, 0);
    const b = cases.reduce((x, c) => x + (msB.get(c.id) ?? 0), 0);
    cosignLines = [
      `cosign 3.1.3 verify-blob, 1 process/bundle: ${cases.length} bundles in ${(d / 1000).toFixed(2)} s (${(d / cases.length).toFixed(1)} ms/bundle), verdict agrees ${agreeD}/${cases.length}; ${netns.length ? 'under unshare -n (no network)' : 'network namespace unavailable'}`,
      ...errors,
      `cosign per bundle vs custody one process: ${(d / totalA).toFixed(1)}x slower; vs custody CLI per bundle: ${(d / b).toFixed(2)}x`,
    ];
  } catch (err) {
    cosignLines = [`cosign: unavailable (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`];
  }
}
rmSync(work, { recursive: true, force: true });

const n = cases.length;
const totalB = [...msB.values()].reduce((s, x) => s + x, 0);
console.log(`bundles: ${n} (sigstore + cosign cases with an artifact file; ${cases.filter((c) => typeof c.expect.key === 'string').length} key-signed)`);
console.log(`custody, 1 process:            ${(totalA / 1000).toFixed(2)} s (${(totalA / n).toFixed(1)} ms/bundle), verdict agrees ${agreeA}/${n}`);
console.log(`custody CLI, 1 process/bundle: ${(totalB / 1000).toFixed(2)} s (${(totalB / n).toFixed(1)} ms/bundle), verdict agrees ${agreeB}/${n}`);
for (const l of peerLines) console.log(l);
for (const l of peerRatios) console.log(l);
for (const l of cosignLines) console.log(l);
console.log(`custody per-bundle cost, 1 CLI process each vs 1 process for all: ${(totalB / totalA).toFixed(1)}x`);
