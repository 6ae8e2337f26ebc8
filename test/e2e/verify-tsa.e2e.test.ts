/**
 * `custody verify` with RFC 3161 timestamps, through the built CLI, on the committed test-TSA fixtures
 * (fixtures/verify/tsa, see its README): a token over the signature is a proven signing time; a genuine token
 * over other data is reported and not counted; a corrupted, untrusted, duplicated or excess token fails; the
 * key validity window is checked against the proven time.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../helpers/paths.js';
import { runBuilt } from '../helpers/run-cli.js';

const T = join(FIXTURES, 'verify', 'tsa');
const t = (n: string): string => join(T, n);
const tmp = mkdtempSync(join(tmpdir(), 'custody-verify-tsa-e2e-'));
const GEN_TIME = '2026-11-28T15:42:22.000Z';

interface Report {
  verified: boolean;
  signer?: { signedAt?: string[] };
  checks: { name: string; ok: boolean; detail: string }[];
  warnings: string[];
}
type Bundle = { verificationMaterial: { timestampVerificationData: { rfc3161Timestamps: { signedTimestamp: string }[] } } };

const verify = (bundle: string, ...extra: string[]) =>
  runBuilt(['verify', t('artifact.txt'), '--bundle', bundle, '--key', t('signer.pub'), '--trusted-root', t('trusted_root.json'), ...extra]);

function variant(name: string, edit: (b: Bundle) => void, from = 'timestamped-plus-other.sigstore.json'): string {
  const b = JSON.parse(readFileSync(t(from), 'utf8')) as Bundle;
  edit(b);
  const f = join(tmp, name);
  writeFileSync(f, JSON.stringify(b));
  return f;
}

describe('custody verify: RFC 3161 timestamps (test TSA fixtures)', () => {
  it('a token over the signature is a verified signing time (exit 0)', async () => {
    const r = await verify(t('timestamped.sigstore.json'));
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^✓ verified {2}/);
    expect(r.stdout).toContain(`✓ timestamp   RFC 3161 timestamp ${GEN_TIME}`);
    expect(r.stdout).not.toContain('ignored');
    expect(r.stderr).toBe('');
  });

  it('a genuine token over other data is reported as ignored and not counted (exit 0, json)', async () => {
    const r = await verify(t('timestamped-plus-other.sigstore.json'), '-o', 'json');
    expect(r.code, r.stdout).toBe(0);
    const out = JSON.parse(r.stdout) as Report;
    expect(out.verified).toBe(true);
    expect(out.signer?.signedAt).toEqual([GEN_TIME]);
    expect(out.checks.find((c) => c.name === 'timestamp')?.detail).toBe(
      `RFC 3161 timestamp ${GEN_TIME}; 1 RFC 3161 timestamp(s) ignored, not counted as a signing time: the token of ${GEN_TIME} is signed by a trusted timestamp authority but stamps other data (sha256:244ab728ad88d286..., not the bundle's signature)`,
    );
    expect(out.warnings).toContain(`RFC 3161 timestamp ignored: the token of ${GEN_TIME} is signed by a trusted timestamp authority but stamps other data (sha256:244ab728ad88d286..., not the bundle's signature)`);
    expect(r.stderr).toContain('verified');
  });

  it('the ignored token, once corrupted anywhere, fails the verification', async () => {
    for (const at of [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95]) {
      const f = variant(`flip-${at}.json`, (b) => {
        const ts = b.verificationMaterial.timestampVerificationData.rfc3161Timestamps[1] as { signedTimestamp: string };
        const bytes = Buffer.from(ts.signedTimestamp, 'base64');
        const i = Math.floor(bytes.length * at);
        bytes[i] = (bytes[i] as number) ^ 0x01;
        ts.signedTimestamp = bytes.toString('base64');
      });
      const r = await verify(f);
      expect(r.code, `flip at ${at}:\n${r.stdout}`).not.toBe(0);
      expect(r.stdout).not.toContain('✓ verified');
    }
  });

  it('a token from a TSA the trusted root does not trust (then) fails, even when it stamps other data', async () => {
    type Root = { timestampAuthorities: { certChain: { certificates: unknown[] }; validFor: { start: string } }[] };
    const roots: [string, (r: Root) => void][] = [
      // The TSA is trusted only from 2027: not at the token's time.
      ['later', (r) => { (r.timestampAuthorities[0] as Root['timestampAuthorities'][0]).validFor.start = '2027-01-01T00:00:00Z'; }],
      // Only the TSA's root is listed, not its leaf: another authority as far as this root knows.
      ['no-leaf', (r) => { (r.timestampAuthorities[0] as Root['timestampAuthorities'][0]).certChain.certificates.splice(0, 1); }],
    ];
    for (const [name, edit] of roots) {
      const root = JSON.parse(readFileSync(t('trusted_root.json'), 'utf8')) as Root;
      edit(root);
      const f = join(tmp, `root-${name}.json`);
      writeFileSync(f, JSON.stringify(root));
      for (const b of ['timestamped.sigstore.json', 'other-only.sigstore.json']) {
        const r = await runBuilt(['verify', t('artifact.txt'), '--bundle', t(b), '--key', t('signer.pub'), '--trusted-root', f]);
        expect(r.code, `${name} ${b}: ${r.stdout}${r.stderr}`).toBe(1);
        expect(r.stdout).toMatch(/✗ timestamp +timestamp does not verify/);
        expect(r.stdout).not.toContain('ignored');
        expect(r.stderr).toBe('');
      }
    }
  });

  it('the same token twice, or more than 32 tokens, is refused (exit 1)', async () => {
    const dup = variant('dup.json', (b) => {
      const list = b.verificationMaterial.timestampVerificationData.rfc3161Timestamps;
      list.push({ ...(list[0] as { signedTimestamp: string }) });
    });
    const d = await verify(dup);
    expect(d.code).toBe(1);
    expect(d.stdout).toContain('✗ timestamp   duplicate RFC 3161 timestamp: the same token appears more than once');
    expect(d.stderr).toBe('');
    const many = variant('many.json', (b) => {
      const list = b.verificationMaterial.timestampVerificationData.rfc3161Timestamps;
      const one = list[1] as { signedTimestamp: string };
      // Distinct tokens (a trailing byte each) so that only the count is at fault.
      for (let i = 0; i < 31; i++) list.push({ signedTimestamp: Buffer.concat([Buffer.from(one.signedTimestamp, 'base64'), Buffer.from([i])]).toString('base64') });
    });
    const m = await verify(many);
    expect(m.code).not.toBe(0);
    expect(m.stdout).toContain('too many RFC 3161 timestamps: 33, at most 32 are accepted');
  });

  it('--key-valid-from/--key-valid-until are checked against the proven time', async () => {
    const inside = await verify(t('timestamped-plus-other.sigstore.json'), '--key-valid-from', '2026-11-01', '--key-valid-until', '2026-12-01');
    expect(inside.code, inside.stdout).toBe(0);
    expect(inside.stdout).toContain(`within its validity window [2026-11-01T00:00:00.000Z, 2026-12-01T00:00:00.000Z]`);
    const after = await verify(t('timestamped.sigstore.json'), '--key-valid-until', '2026-11-28T15:00:00Z');
    expect(after.code).toBe(1);
    expect(after.stdout).toContain(`✗ key         public key not accepted: signing time ${GEN_TIME} is outside the key's validity window [-, 2026-11-28T15:00:00.000Z]`);
    // Only a token over other data: no proven signing time, so a windowed key cannot be accepted.
    const none = await verify(t('other-only.sigstore.json'), '--key-valid-from', '2026-01-01');
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('the bundle proves no signing time');
    expect(none.stderr).toBe('');
  });
});
