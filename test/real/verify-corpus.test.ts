/**
 * Real tier: every Sigstore bundle case of ../shared/corpus/cases.json (categories sigstore and cosign) gives its
 * expected verdict through `custody verify`, for the artifact given as a file and as a digest; plus a mutation
 * test: flipping any field of valid bundles is never accepted.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, hasShared } from '../helpers/paths.js';
import { runInProcess } from '../helpers/run-cli.js';

interface Case {
  id: string;
  category: string;
  expect_text: string;
  expect: Record<string, unknown> & { kind: string };
}

const cases: Case[] = hasShared()
  ? (JSON.parse(readFileSync(join(CORPUS, 'cases.json'), 'utf8')) as { cases: Case[] }).cases.filter(
      (c) => (c.category === 'sigstore' || c.category === 'cosign') && c.expect.kind === 'sigstore-bundle-verify',
    )
  : [];

/**
 * Cases whose shared data cannot give the upstream verdict offline, with the reason (checked, not skipped:
 * they must fail, since custody fails closed).
 */
const DATA_MISMATCH: Record<string, string> = {
  // The TSA in trust_config.json (valid from 2024-11-07, another serial) is not the TSA that stamped the bundle (2024-10-31).
  'sigstore-python/tsa': 'trust_config TSA differs from the TSA that signed the bundle timestamps',
  // Logged to the production Rekor v2 log2025-1, absent from the sigstore-java staging root named by the case;
  // verified against the public-good root below instead.
  'sigstore-java/bundle.dsse.rekor-v2.sigstore': 'named staging root lacks the production log2025-1 key',
};
const ROOT_OVERRIDE: Record<string, string> = {
  'sigstore-java/bundle.dsse.rekor-v2.sigstore': 'sigstore/trusted-roots/public-good/trusted_root.json',
};

function verdict(c: Case): 'pass' | 'fail' {
  const e = c.expect.expect;
  if (typeof e === 'string') return e.startsWith('pass') ? 'pass' : 'fail';
  if (/\*\*PASS/.test(c.expect_text)) return 'pass';
  return 'fail';
}

function policyArgs(c: Case): string[] {
  const e = c.expect;
  if (typeof e.key === 'string') return ['--key', join(CORPUS, e.key)];
  const id = typeof e.identity === 'string' ? ['--certificate-identity', e.identity] : ['--certificate-identity-regexp', '.*'];
  const iss = typeof e.issuer === 'string' ? ['--certificate-oidc-issuer', e.issuer] : ['--certificate-oidc-issuer-regexp', '.*'];
  return [...id, ...iss];
}

function rootArgs(c: Case, override = false): string[] {
  const e = c.expect;
  const root = (override ? ROOT_OVERRIDE[c.id] : undefined) ?? (e.trusted_root as string | undefined) ?? (e.trust_config as string | undefined);
  return root ? ['--trusted-root', join(CORPUS, root)] : ['--trusted-root', join(CORPUS, 'sigstore/trusted-roots/public-good/trusted_root.json')];
}

function digestOf(c: Case): string | undefined {
  const e = c.expect;
  if (typeof e.artifact === 'string') return `sha256:${createHash('sha256').update(readFileSync(join(CORPUS, e.artifact))).digest('hex')}`;
  const d = e.artifact_digest as Record<string, string> | undefined;
  if (d?.sha256) return `sha256:${d.sha256}`;
  return undefined;
}

/**
 * A sha256 digest subject cannot check a message signature made over another hash (P-384/SHA-384) or an
 * Ed25519 signature (it signs the whole message): those fail from a digest, by design, and pass from the file.
 */
function ed25519(c: Case): boolean {
  if (/ED25519/i.test(c.id) || /ed25519/i.test(String(c.expect.key ?? ''))) return true;
  const b = JSON.parse(readFileSync(join(CORPUS, c.expect.bundle as string), 'utf8')) as { messageSignature?: { messageDigest?: { algorithm?: string } } };
  const alg = b.messageSignature?.messageDigest?.algorithm;
  return alg !== undefined && alg !== 'SHA2_256';
}

describe.skipIf(!hasShared())('verify: shared Sigstore corpus', () => {
  it('has the cases', () => {
    expect(cases.length).toBeGreaterThan(60);
  });

  for (const c of cases) {
    const want = verdict(c);
    const mismatch = DATA_MISMATCH[c.id];
    const bundle = join(CORPUS, c.expect.bundle as string);
    const artifactFile = typeof c.expect.artifact === 'string' ? join(CORPUS, c.expect.artifact) : undefined;
    const digest = digestOf(c);

    it.runIf(artifactFile !== undefined)(`${c.id} (file): ${mismatch ? `fails closed (${mismatch})` : want}`, async () => {
      const r = await runInProcess(['verify', artifactFile as string, '--bundle', bundle, ...policyArgs(c), ...rootArgs(c), '-o', 'json']);
      // A malformed trusted root is an input error (exit 3, nothing on stdout).
      const out = (r.stdout === '' ? { verified: false, checks: [] } : JSON.parse(r.stdout)) as { verified: boolean; checks: { ok: boolean }[] };
      if (want === 'pass' && !mismatch) {
        expect(r.code, r.stdout).toBe(0);
        expect(out.verified).toBe(true);
        expect(out.checks.every((x) => x.ok)).toBe(true);
      } else {
        expect(r.code).not.toBe(0);
        expect(out.verified).toBe(false);
      }
    });

    it.runIf(digest !== undefined)(`${c.id} (digest): ${want}`, async () => {
      const r = await runInProcess(['verify', digest as string, '--bundle', bundle, ...policyArgs(c), ...rootArgs(c, true), '-o', 'json']);
      if (want === 'pass' && c.id !== 'sigstore-python/tsa' && !ed25519(c)) expect(r.code, r.stdout).toBe(0);
      else expect(r.code).not.toBe(0);
    });
  }

  it('a staging bundle does not verify against the built-in public-good root', async () => {
    const c = cases.find((x) => x.id === 'sigstore-java/bundle-with-rekor-v2-entry.sigstore');
    expect(c).toBeDefined();
    const r = await runInProcess(['verify', join(CORPUS, c!.expect.artifact as string), '--bundle', join(CORPUS, c!.expect.bundle as string), '--certificate-identity-regexp', '.*', '--certificate-oidc-issuer-regexp', '.*']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗');
  });

  it('the built-in root verifies a public-good conformance bundle with no --trusted-root', async () => {
    const r = await runInProcess(['verify', join(CORPUS, 'sigstore/conformance/a.txt'), '--bundle', join(CORPUS, 'sigstore/conformance/happy-path-v0.3/bundle.sigstore.json'),
      '--certificate-identity', 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main',
      '--certificate-oidc-issuer', 'https://token.actions.githubusercontent.com']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('✓ verified');
  });
});

// ---- mutation test ------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

/** Flip one byte of a base64 string, or one character of text. */
function flipB64(s: string, at = 0.5): string {
  const b = Buffer.from(s, 'base64');
  const i = Math.min(b.length - 1, Math.floor(b.length * at));
  b[i] = (b[i] as number) ^ 0x01;
  return b.toString('base64');
}

function get(o: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k], o);
}
function set(o: unknown, path: (string | number)[], value: unknown): void {
  const parent = get(o, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1] as string | number] = value;
}

interface Mutation {
  name: string;
  path: (string | number)[];
  change: (v: unknown) => unknown;
}

const b64 = (v: unknown): unknown => flipB64(v as string);
const MUTATIONS: Mutation[] = [
  { name: 'message signature', path: ['messageSignature', 'signature'], change: b64 },
  { name: 'message digest', path: ['messageSignature', 'messageDigest', 'digest'], change: b64 },
  { name: 'DSSE signature', path: ['dsseEnvelope', 'signatures', 0, 'sig'], change: b64 },
  { name: 'DSSE payload', path: ['dsseEnvelope', 'payload'], change: (v) => flipB64(v as string, 0.9) },
  { name: 'DSSE payload type', path: ['dsseEnvelope', 'payloadType'], change: (v) => `${v as string}x` },
  { name: 'certificate', path: ['verificationMaterial', 'certificate', 'rawBytes'], change: (v) => flipB64(v as string, 0.97) },
  { name: 'certificate (chain leaf)', path: ['verificationMaterial', 'x509CertificateChain', 'certificates', 0, 'rawBytes'], change: (v) => flipB64(v as string, 0.97) },
  { name: 'certificate TBS (identity area)', path: ['verificationMaterial', 'certificate', 'rawBytes'], change: (v) => flipB64(v as string, 0.6) },
  { name: 'log entry body', path: ['verificationMaterial', 'tlogEntries', 0, 'canonicalizedBody'], change: (v) => flipB64(v as string, 0.4) },
  { name: 'log index', path: ['verificationMaterial', 'tlogEntries', 0, 'logIndex'], change: (v) => String(Number(v) + 1) },
  { name: 'integrated time', path: ['verificationMaterial', 'tlogEntries', 0, 'integratedTime'], change: (v) => String(Number(v) + 1) },
  { name: 'log id', path: ['verificationMaterial', 'tlogEntries', 0, 'logId', 'keyId'], change: b64 },
  { name: 'SET', path: ['verificationMaterial', 'tlogEntries', 0, 'inclusionPromise', 'signedEntryTimestamp'], change: b64 },
  { name: 'inclusion proof hash', path: ['verificationMaterial', 'tlogEntries', 0, 'inclusionProof', 'hashes', 0], change: b64 },
  { name: 'inclusion proof root hash', path: ['verificationMaterial', 'tlogEntries', 0, 'inclusionProof', 'rootHash'], change: b64 },
  { name: 'inclusion proof tree size', path: ['verificationMaterial', 'tlogEntries', 0, 'inclusionProof', 'treeSize'], change: (v) => String(Number(v) + 1) },
  { name: 'checkpoint', path: ['verificationMaterial', 'tlogEntries', 0, 'inclusionProof', 'checkpoint', 'envelope'], change: (v) => (v as string).replace(/\n(\d+)\n/, (_m, n: string) => `\n${Number(n) + 1}\n`) },
  { name: 'checkpoint signature', path: ['verificationMaterial', 'tlogEntries', 0, 'inclusionProof', 'checkpoint', 'envelope'], change: (v) => (v as string).replace(/ (\S+)\n$/, (_m, sig: string) => ` ${flipB64(sig, 0.8)}\n`) },
  { name: 'RFC 3161 timestamp', path: ['verificationMaterial', 'timestampVerificationData', 'rfc3161Timestamps', 0, 'signedTimestamp'], change: (v) => flipB64(v as string, 0.3) },
];

const VALID = [
  { id: 'conformance/happy-path-v0.1', root: 'sigstore/trusted-roots/public-good/trusted_root.json' },
  { id: 'conformance/happy-path-v0.3', root: 'sigstore/trusted-roots/public-good/trusted_root.json' },
  { id: 'conformance/happy-path-intoto-in-dsse-v3', root: 'sigstore/trusted-roots/public-good/trusted_root.json' },
  { id: 'conformance/rekor2-happy-path', root: undefined },
  { id: 'conformance/rekor2-timestamp-with-embedded-cert', root: undefined },
];

describe.skipIf(!hasShared())('verify: mutated bundles are never accepted', () => {
  const dir = hasShared() ? mkdtempSync(join(tmpdir(), 'custody-verify-mut-')) : '';
  for (const v of VALID) {
    const c = cases.find((x) => x.id === v.id);
    it(`${v.id}: the original verifies and every applicable mutation is refused`, async () => {
      expect(c, v.id).toBeDefined();
      const original = JSON.parse(readFileSync(join(CORPUS, c!.expect.bundle as string), 'utf8')) as Json;
      const args = [join(CORPUS, c!.expect.artifact as string), ...policyArgs(c!), ...rootArgs(c!)];
      const ok = await runInProcess(['verify', ...args, '--bundle', join(CORPUS, c!.expect.bundle as string)]);
      expect(ok.code, ok.stdout).toBe(0);
      let applied = 0;
      for (const m of MUTATIONS) {
        const before = get(original, m.path);
        if (before === undefined) continue;
        const mutated = structuredClone(original);
        const after = m.change(before);
        if (after === before) continue;
        set(mutated, m.path, after);
        const file = join(dir, `${v.id.replace(/\W/g, '_')}-${m.name.replace(/\W/g, '_')}.json`);
        writeFileSync(file, JSON.stringify(mutated));
        const r = await runInProcess(['verify', ...args, '--bundle', file, '-o', 'json']);
        expect(r.code, `${v.id}: mutation '${m.name}' was accepted:\n${r.stdout}`).not.toBe(0);
        applied++;
      }
      expect(applied).toBeGreaterThanOrEqual(5);
    });
  }
});
