/**
 * Cross-check with the real cosign 3.1.3, verdict by verdict, on every Sigstore bundle case of the shared
 * corpus that has an artifact file: `cosign verify-blob ARTIFACT --bundle B --trusted-root R` (identity,
 * issuer or key as the case names them; `.*` regexps where it names none), offline (a throwaway HOME, no
 * TUF: the root is given), against `custody verify` with the same inputs. Both must give the verdict the
 * upstream test gives. The trust material is the one verify-corpus.test.ts explains (two cases verify
 * against other material than cases.json names, as upstream does).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CORPUS } from '../helpers/paths.js';
import { peerEnv, peerPath } from '../helpers/peers.js';
import { runInProcess } from '../helpers/run-cli.js';

interface Case {
  id: string;
  category: string;
  expect_text: string;
  expect: Record<string, unknown> & { kind: string; artifact?: unknown; bundle?: string; key?: string; identity?: string; issuer?: string; trusted_root?: string; trust_config?: string };
}
const cases = (JSON.parse(readFileSync(join(CORPUS, 'cases.json'), 'utf8')) as { cases: Case[] }).cases.filter(
  (c) => (c.category === 'sigstore' || c.category === 'cosign') && c.expect.kind === 'sigstore-bundle-verify' && typeof c.expect.artifact === 'string',
);
const work = mkdtempSync(join(tmpdir(), 'custody-cosign-blob-'));
let cosign = '';
let env: Record<string, string> = {};

beforeAll(async () => {
  cosign = await peerPath('cosign3');
  env = peerEnv();
}, 1_800_000);

/** Trust material as upstream verifies with (see verify-corpus.test.ts for the why). */
function rootOf(c: Case): string {
  if (c.id === 'sigstore-python/tsa') {
    const dir = join(CORPUS, 'sigstore/sigstore-python/tsa');
    const config = JSON.parse(readFileSync(join(dir, 'trust_config.json'), 'utf8')) as { trustedRoot: Record<string, unknown> };
    config.trustedRoot.timestampAuthorities = [JSON.parse(readFileSync(join(dir, 'ca.json'), 'utf8')) as unknown];
    const f = join(work, 'tsa-trust-config.json');
    writeFileSync(f, JSON.stringify(config));
    return f;
  }
  if (c.id === 'sigstore-java/bundle.dsse.rekor-v2.sigstore') return join(CORPUS, 'sigstore/trusted-roots/public-good/trusted_root.json');
  return join(CORPUS, c.expect.trusted_root ?? c.expect.trust_config ?? 'sigstore/trusted-roots/public-good/trusted_root.json');
}
/** cosign takes a bare trusted_root.json: a ClientTrustConfig is unwrapped. */
function bareRoot(file: string, id: string): string {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { trustedRoot?: unknown };
  if (json.trustedRoot === undefined) return file;
  const out = join(work, `${id.replace(/\W/g, '_')}.root.json`);
  writeFileSync(out, JSON.stringify(json.trustedRoot));
  return out;
}
const want = (c: Case): boolean => (typeof c.expect.expect === 'string' ? c.expect.expect.startsWith('pass') : /\*\*PASS/.test(c.expect_text));
const policy = (c: Case): string[] =>
  typeof c.expect.key === 'string'
    ? ['--key', join(CORPUS, c.expect.key)]
    : [
        ...(c.expect.identity ? ['--certificate-identity', c.expect.identity] : ['--certificate-identity-regexp', '.*']),
        ...(c.expect.issuer ? ['--certificate-oidc-issuer', c.expect.issuer] : ['--certificate-oidc-issuer-regexp', '.*']),
      ];

describe('cosign verify-blob (real cosign 3.1.3) and custody verify agree on every corpus bundle', () => {
  it('the corpus has the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const artifact = join(CORPUS, c.expect.artifact as string);
    const bundle = join(CORPUS, c.expect.bundle!);
    const root = rootOf(c);
    const s = spawnSync(cosign, ['verify-blob', artifact, '--bundle', bundle, '--trusted-root', bareRoot(root, c.id), ...policy(c)], { env, encoding: 'utf8', timeout: 120_000 });
    const r = await runInProcess(['verify', artifact, '--bundle', bundle, '--trusted-root', root, ...policy(c)]);
    // 0 verified; 1 not verified; 3 malformed input (a bundle or key custody cannot read is never a pass)
    expect([0, 1, 3], r.stderr).toContain(r.code);
    const verdicts = { upstream: want(c), cosign: s.status === 0, custody: r.code === 0 };
    expect(verdicts, `cosign:\n${s.stdout}${s.stderr}\ncustody:\n${r.stdout}${r.stderr}`).toEqual({ upstream: verdicts.upstream, cosign: verdicts.upstream, custody: verdicts.upstream });
  });
});
