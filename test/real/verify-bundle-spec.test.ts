/**
 * Real tier: Sigstore bundles are read as leniently as the protobuf-specs allow (README "Sigstore bundles: what
 * the specification allows"), on the passing message-signature bundles of ../shared/corpus:
 * - without `messageSignature.messageDigest` (optional: "intended solely for identification") each still verifies
 *   against its own artifact, and against no other;
 * - a v0.2 bundle (X.509 chain) relabelled v0.3 verifies (the single-certificate form is required only for
 *   public-good keyless signing; superfluous certificates are ignored);
 * - without `canonicalizedBody` (optional) the log proof cannot be checked offline: not verified, saying why.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, hasShared } from '../helpers/paths.js';
import { runInProcess } from '../helpers/run-cli.js';

interface Case {
  id: string;
  category: string;
  expect: { kind: string; expect?: unknown; bundle?: string; artifact?: string; identity?: string; issuer?: string; key?: string; trusted_root?: string };
}

/** Passing message-signature cases with an artifact and a trusted root named in the data. */
const cases: Case[] = hasShared()
  ? (JSON.parse(readFileSync(join(CORPUS, 'cases.json'), 'utf8')) as { cases: Case[] }).cases.filter((c) => {
      const e = c.expect;
      if ((c.category !== 'sigstore' && c.category !== 'cosign') || e.kind !== 'sigstore-bundle-verify') return false;
      if (typeof e.expect !== 'string' || !e.expect.startsWith('pass') || !e.bundle || !e.artifact || !e.trusted_root) return false;
      if (c.id === 'sigstore-go/public-key-validity') return false; // needs a key window set in code (verify-corpus.test.ts)
      try {
        return 'messageSignature' in (JSON.parse(readFileSync(join(CORPUS, e.bundle), 'utf8')) as object);
      } catch {
        return false;
      }
    })
  : [];

const tmp = mkdtempSync(join(tmpdir(), 'custody-bundle-spec-'));

function policy(c: Case): string[] {
  const e = c.expect;
  if (e.key) return ['--key', join(CORPUS, e.key)];
  return [
    ...(e.identity ? ['--certificate-identity', e.identity] : ['--certificate-identity-regexp', '.*']),
    ...(e.issuer ? ['--certificate-oidc-issuer', e.issuer] : ['--certificate-oidc-issuer-regexp', '.*']),
  ];
}

function mutated(c: Case, name: string, change: (b: Record<string, unknown>) => void): string {
  const b = JSON.parse(readFileSync(join(CORPUS, c.expect.bundle!), 'utf8')) as Record<string, unknown>;
  change(b);
  const p = join(tmp, `${c.id.replace(/[^a-z0-9]+/gi, '_')}.${name}.json`);
  writeFileSync(p, JSON.stringify(b));
  return p;
}

type Json = { verified: boolean; warnings: string[]; checks: { name: string; ok: boolean; detail: string }[] };
const verify = async (c: Case, bundle: string, artifact = join(CORPUS, c.expect.artifact!)): Promise<{ code: number; json: Json }> => {
  const r = await runInProcess(['verify', artifact, '--bundle', bundle, ...policy(c), '--trusted-root', join(CORPUS, c.expect.trusted_root!), '-o', 'json']);
  return { code: r.code, json: JSON.parse(r.stdout) as Json };
};

describe.skipIf(!hasShared())('Sigstore bundles as leniently as the protobuf-specs allow (shared corpus)', () => {
  it('finds the passing message-signature cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s without messageDigest: verifies against its artifact, not another', async (_id, c) => {
    const b = mutated(c, 'no-digest', (x) => delete (x.messageSignature as Record<string, unknown>).messageDigest);
    const ok = await verify(c, b);
    expect(ok.code, JSON.stringify(ok.json.checks.filter((k) => !k.ok))).toBe(0);
    expect(ok.json.warnings.join('\n')).toContain('the bundle carries no messageDigest');
    const other = await verify(c, b, join(CORPUS, 'cases.json'));
    expect(other.code).toBe(1);
    expect(other.json.verified).toBe(false);
  });

  it.each(cases.filter((c) => c.expect.bundle && /version=0\.2/.test(readFileSync(join(CORPUS, c.expect.bundle), 'utf8'))).map((c) => [c.id, c] as const))(
    '%s (v0.2, X.509 chain) relabelled v0.3 verifies',
    async (_id, c) => {
      const b = mutated(c, 'v03-chain', (x) => (x.mediaType = 'application/vnd.dev.sigstore.bundle.v0.3+json'));
      const r = await verify(c, b);
      expect(r.code, JSON.stringify(r.json.checks.filter((k) => !k.ok))).toBe(0);
      expect(r.json.warnings.join('\n')).toContain('a v0.3 bundle with an X.509 certificate chain');
    },
  );

  it.each(cases.filter((c) => !c.expect.key).map((c) => [c.id, c] as const))('%s without canonicalizedBody: not verified, saying why', async (_id, c) => {
    const b = mutated(c, 'no-body', (x) => {
      for (const t of (x.verificationMaterial as { tlogEntries: Record<string, unknown>[] }).tlogEntries) delete t.canonicalizedBody;
    });
    const r = await verify(c, b);
    expect(r.code).toBe(1);
    expect(r.json.checks.find((k) => k.name === 'tlog-body')).toMatchObject({ ok: false, detail: expect.stringContaining('has no canonicalizedBody (optional in the Sigstore spec)') });
  });
});
