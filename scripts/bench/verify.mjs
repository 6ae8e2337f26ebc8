#!/usr/bin/env node
// Bench for `custody verify`: every Sigstore bundle case of ../shared/corpus (sigstore + cosign categories),
// (a) all verified in ONE custody process (the verify/ library the CLI runs), (b) one `custody verify` process
// per bundle, and (c) the peer: one process per bundle of @sigstore/cli's libraries verifying offline
// (/tmp/peers/sigstore-verify-offline.mjs, installed by ../shared/tools/peers.sh install; @sigstore/cli
// itself needs TUF over the network), when present. Verdict agreement with cases.json is reported too.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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
const want = (c) => (typeof c.expect.expect === 'string' ? c.expect.expect.startsWith('pass') : /\*\*PASS/.test(c.expect_text));
const rootOf = (c) => join(corpus, c.expect.trusted_root ?? c.expect.trust_config ?? 'sigstore/trusted-roots/public-good/trusted_root.json');
const policyArgs = (c) =>
  typeof c.expect.key === 'string'
    ? ['--key', join(corpus, c.expect.key)]
    : [
        ...(c.expect.identity ? ['--certificate-identity', c.expect.identity] : ['--certificate-identity-regexp', '.*']),
        ...(c.expect.issuer ? ['--certificate-oidc-issuer', c.expect.issuer] : ['--certificate-oidc-issuer-regexp', '.*']),
      ];

// (a) one process
const t0 = performance.now();
let agreeA = 0;
const rootCache = new Map();
for (const c of cases) {
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
  if (verified === want(c)) agreeA++;
}
const msA = performance.now() - t0;

// (b) one custody process per bundle (the first BENCH_VERIFY_CLI bundles; default 15, `all` for every one)
const bin = join(root, 'bin', 'custody.js');
const cliCases = process.env.BENCH_VERIFY_CLI === 'all' ? cases : cases.slice(0, Number(process.env.BENCH_VERIFY_CLI ?? 15));
const t1 = performance.now();
let agreeB = 0;
for (const c of cliCases) {
  const r = spawnSync(process.execPath, [bin, 'verify', join(corpus, c.expect.artifact), '--bundle', join(corpus, c.expect.bundle), '--trusted-root', rootOf(c), ...policyArgs(c), '-q'], { encoding: 'utf8' });
  if ((r.status === 0) === want(c)) agreeB++;
}
const msB = performance.now() - t1;

// (c) peer
const peer = join(process.env.PEERS_DIR ?? '/tmp/peers', 'sigstore-verify-offline.mjs');
let peerLine = 'peer: not installed (run ../shared/tools/peers.sh install && peers.sh sigstore)';
if (existsSync(peer) && existsSync(join(dirname(peer), 'node_modules', '@sigstore', 'verify'))) {
  const t2 = performance.now();
  let agreeC = 0;
  let n = 0;
  for (const c of cases) {
    if (typeof c.expect.key === 'string') continue; // the peer script cannot take a key
    n++;
    const r = spawnSync(process.execPath, [peer, join(corpus, c.expect.bundle), join(corpus, c.expect.artifact), rootOf(c)], { encoding: 'utf8' });
    let ok = false;
    try {
      ok = JSON.parse(r.stdout.trim().split('\n').pop()).ok === true;
    } catch {
      ok = false;
    }
    if (ok === want(c)) agreeC++;
  }
  const msC = performance.now() - t2;
  peerLine = `peer (@sigstore/cli libraries, 1 process/bundle): ${n} bundles in ${(msC / 1000).toFixed(2)} s (${(msC / n).toFixed(1)} ms/bundle), verdict agrees ${agreeC}/${n} (no identity policy)`;
}

const n = cases.length;
console.log(`bundles: ${n} (sigstore + cosign cases with an artifact file)`);
console.log(`custody, 1 process:           ${(msA / 1000).toFixed(2)} s (${(msA / n).toFixed(1)} ms/bundle), verdict agrees ${agreeA}/${n}`);
const nb = cliCases.length;
console.log(`custody CLI, 1 process/bundle: ${nb} bundles in ${(msB / 1000).toFixed(2)} s (${(msB / nb).toFixed(1)} ms/bundle), verdict agrees ${agreeB}/${nb}`);
console.log(peerLine);
console.log(`per-bundle cost, 1 CLI process each vs 1 process for all: ${((msB / nb) / (msA / n)).toFixed(1)}x`);
