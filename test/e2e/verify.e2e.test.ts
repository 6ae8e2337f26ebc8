/** `custody verify` through the built CLI: exit code, stdout and stderr, on tier-1 fixtures (no ../shared). */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED } from '../helpers/paths.js';
import { runBuilt } from '../helpers/run-cli.js';

const F = join(GENERATED, 'verify');
const f = (n: string): string => join(F, n);
const digest = `sha256:${createHash('sha256').update(readFileSync(f('artifact.txt'))).digest('hex')}`;

describe('custody verify (e2e)', () => {
  it('verifies a key-based cosign detached signature: exit 0, report on stdout, nothing alarming on stderr', async () => {
    const r = await runBuilt(['verify', f('artifact.txt'), '--signature', f('artifact.p256.sig'), '--key', f('p256.pub')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✓ verified {2}/);
    expect(r.stdout).toContain('✓ signature');
    expect(r.stdout).toContain('transparency-log inclusion not checked');
    expect(r.stderr).toBe('');
  });

  it('a digest subject verifies too', async () => {
    const r = await runBuilt(['verify', digest, '--signature', f('artifact.rsa.sig'), '--key', f('rsa.pub'), '-o', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { verified: boolean; subject: string; signer: { kind: string }; checks: { name: string; ok: boolean }[]; error: unknown };
    expect(j).toMatchObject({ verified: true, subject: digest, signer: { kind: 'key' }, error: null });
    expect(j.checks.every((c) => c.ok)).toBe(true);
    expect(r.stderr).toContain('verified');
  });

  it('the wrong key fails with exit 1 and says which check failed', async () => {
    const r = await runBuilt(['verify', f('artifact.txt'), '--signature', f('artifact.p256.sig'), '--key', f('wrong.pub')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^✗ NOT verified/);
    expect(r.stdout).toMatch(/✗ signature +signature does not verify/);
    expect(r.stderr).toBe('');
  });

  it('another artifact fails with exit 1 (json: verified false, the failing check named)', async () => {
    const r = await runBuilt(['verify', f('other.txt'), '--bundle', f('artifact.p256.sigstore.json'), '--key', f('p256.pub'), '-o', 'json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { verified: boolean; checks: { name: string; ok: boolean; detail: string }[] };
    expect(j.verified).toBe(false);
    expect(j.checks.find((c) => c.name === 'artifact')).toMatchObject({ ok: false });
    expect(r.stderr).toContain('NOT verified');
  });

  it('keyless without an identity policy is a usage error (exit 2) with a hint', async () => {
    const r = await runBuilt(['verify', f('artifact.txt'), '--bundle', f('artifact.p256.sigstore.json')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('VERIFY_NO_IDENTITY_POLICY');
    expect(r.stderr).toContain('hint: add --certificate-identity');
  });

  it('--certificate-identity-regexp is documented as anchored in --help', async () => {
    const r = await runBuilt(['verify', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ALWAYS anchored at both ends');
    expect(r.stderr).toBe('');
  });

  it.each([
    ['not-json.sigstore.json', 'VERIFY_BUNDLE_MALFORMED'],
    ['unknown-media.sigstore.json', 'unknown media type'],
    ['both-contents.sigstore.json', 'exactly one of messageSignature and dsseEnvelope'],
  ])('malformed bundle %s: exit 3, never a pass', async (file, msg) => {
    const r = await runBuilt(['verify', f('artifact.txt'), '--bundle', f(file), '--key', f('p256.pub')]);
    expect(r.code).toBe(3);
    expect(r.stdout).not.toContain('✓ verified');
    expect(r.stderr).toContain(msg);
  });

  it('an unreadable key is exit 3; a missing artifact is exit 3', async () => {
    const bad = await runBuilt(['verify', f('artifact.txt'), '--signature', f('artifact.p256.sig'), '--key', f('bad.pub')]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('VERIFY_BAD_KEY');
    const missing = await runBuilt(['verify', f('nope.txt'), '--signature', f('artifact.p256.sig'), '--key', f('p256.pub')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('no such file');
    expect(missing.stdout).toBe('');
  });

  it('a key validity window needs a proven signing time: without one the key is refused (exit 1)', async () => {
    const r = await runBuilt(['verify', f('artifact.txt'), '--signature', f('artifact.p256.sig'), '--key', f('p256.pub'), '--key-valid-until', '2030-01-01T00:00:00Z']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ key +public key not accepted: the key is trusted only for \[-, 2030-01-01T00:00:00\.000Z\] and the signature proves no signing time/);
    expect(r.stdout).not.toContain('✓ verified');
    expect(r.stderr).toBe('');
  });

  it('key window flags: a bad time, an inverted window, or no --key are usage errors (exit 2)', async () => {
    const base = ['verify', f('artifact.txt'), '--signature', f('artifact.p256.sig')];
    const bad = await runBuilt([...base, '--key', f('p256.pub'), '--key-valid-from', 'last tuesday']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('VERIFY_BAD_TIME');
    expect(bad.stderr).toContain('hint: e.g. 2025-01-31');
    const inverted = await runBuilt([...base, '--key', f('p256.pub'), '--key-valid-from', '2026-01-02', '--key-valid-until', '2026-01-01']);
    expect(inverted.code).toBe(2);
    expect(inverted.stderr).toContain('VERIFY_BAD_KEY_WINDOW');
    const noKey = await runBuilt(['verify', f('artifact.txt'), '--bundle', f('artifact.p256.sigstore.json'), '--certificate-identity', 'a', '--certificate-oidc-issuer', 'b', '--key-valid-until', '2026-01-01']);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('--key-valid-from/--key-valid-until need --key');
  });

  it('a short digest is a usage error', async () => {
    const r = await runBuilt(['verify', 'sha256:abcd', '--signature', f('artifact.p256.sig'), '--key', f('p256.pub')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('VERIFY_BAD_DIGEST');
  });

  it('verifies a cosign image signature in an OCI layout; wrong digest and unsigned fail', async () => {
    const ok = await runBuilt(['verify', `oci-dir:${f('layout-signed')}`, '--key', f('p256.pub')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('✓ docker-manifest-digest');
    expect(ok.stderr).toBe('');
    const wrong = await runBuilt(['verify', `oci-dir:${f('layout-wrong-digest')}`, '--key', f('p256.pub')]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/✗ docker-manifest-digest +payload signs sha256:abab/);
    const unsigned = await runBuilt(['verify', `oci-dir:${f('layout-unsigned')}`, '--key', f('p256.pub'), '-o', 'json']);
    expect(unsigned.code).toBe(1);
    expect((JSON.parse(unsigned.stdout) as { checks: { name: string }[] }).checks[0]?.name).toBe('discovery');
  });

  it('--show-trust prints the built-in root and its snapshot date', async () => {
    const r = await runBuilt(['verify', '--show-trust']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('trusted root: built-in');
    expect(r.stdout).toMatch(/TUF root v\d+, expires \d{4}-/);
    expect(r.stdout).toContain('https://rekor.sigstore.dev');
    expect(r.stderr).toBe('');
    const j = await runBuilt(['verify', '--show-trust', '-o', 'json']);
    expect((JSON.parse(j.stdout) as { source: string }).source).toBe('built-in');
  });

  it('an unreachable registry is exit 5', async () => {
    const r = await runBuilt(['verify', 'registry:127.0.0.1:9/nothing@sha256:' + 'a'.repeat(64), '--key', f('p256.pub'), '--plain-http']);
    expect(r.code).toBe(5);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('cannot reach registry');
  });
});
