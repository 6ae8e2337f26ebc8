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
 * Cases whose entry in cases.json does not name the trust material the upstream test uses. Each override
 * rebuilds what the upstream test verifies against, from the shared files only.
 */
const TRUST_OVERRIDE: Record<string, { why: string; root: () => string }> = {
  // sigstore-python TestVerifierWithTimestamp: Verifier.staging(offline=True) with the trusted root's
  // timestamp_authorities replaced by tsa/ca.json (the local test TSA "Test TSA Timestamping", leaf serial
  // 2e4d4f8c8b5988e4a823e987a9d9127dc448612d, valid from 2024-10-31T10:16:42Z). cases.json names
  // tsa/trust_config.json, whose TSA (leaf serial 0a69f6565ed7179d0e78ced8d6833fbc50052b79, valid from
  // 2024-11-07) did not stamp the bundle: against it the bundle fails closed (tested below).
  'sigstore-python/tsa': { why: 'staging root with the TSA of tsa/ca.json, as upstream', root: tsaTrustConfig },
  // The bundle is logged to the production Rekor v2 shard log2025-1.rekor.sigstore.dev (log id
  // zxGZFVvd0FEmjR8WrFwMdcAJ9vtaY/QXf44Y1wUeP6A=), its certificate is from the production Fulcio
  // (sigstore.dev/sigstore-intermediate) and its timestamp from timestamp.sigstore.dev; the upstream test
  // (KeylessVerifierTest.testVerify_dsseBundle_rekorV2) now verifies it with sigstorePublicDefaults().
  // cases.json still names the staging root of the older test, which lacks that log key (tested below).
  'sigstore-java/bundle.dsse.rekor-v2.sigstore': { why: 'public-good root, as upstream', root: () => join(CORPUS, 'sigstore/trusted-roots/public-good/trusted_root.json') },
};

let tsaConfigFile: string | undefined;
/** tsa/trust_config.json with its timestamp authorities replaced by tsa/ca.json (written once per run). */
function tsaTrustConfig(): string {
  if (tsaConfigFile) return tsaConfigFile;
  const dir = join(CORPUS, 'sigstore/sigstore-python/tsa');
  const config = JSON.parse(readFileSync(join(dir, 'trust_config.json'), 'utf8')) as { trustedRoot: Record<string, unknown> };
  config.trustedRoot.timestampAuthorities = [JSON.parse(readFileSync(join(dir, 'ca.json'), 'utf8')) as unknown];
  tsaConfigFile = join(mkdtempSync(join(tmpdir(), 'custody-verify-tsa-')), 'trust_config.json');
  writeFileSync(tsaConfigFile, JSON.stringify(config));
  return tsaConfigFile;
}

function verdict(c: Case): 'pass' | 'fail' {
  const e = c.expect.expect;
  if (typeof e === 'string') return e.startsWith('pass') ? 'pass' : 'fail';
  if (/\*\*PASS/.test(c.expect_text)) return 'pass';
  return 'fail';
}

/**
 * Conditions the upstream test sets in code rather than in data. sigstore-go
 * TestPublicKeyValidityCheckedAgainstSignedTimestamp trusts the key only for [1970-01-01T00:00:00Z,
 * 1970-01-01T00:00:01Z]; the data (the key PEM, a trusted root with only a TSA) carries no window.
 */
const KEY_WINDOW: Record<string, string[]> = {
  'sigstore-go/public-key-validity': ['--key-valid-from', '1970-01-01T00:00:00Z', '--key-valid-until', '1970-01-01T00:00:01Z'],
};

function policyArgs(c: Case): string[] {
  const e = c.expect;
  if (typeof e.key === 'string') return ['--key', join(CORPUS, e.key), ...(KEY_WINDOW[c.id] ?? [])];
  const id = typeof e.identity === 'string' ? ['--certificate-identity', e.identity] : ['--certificate-identity-regexp', '.*'];
  const iss = typeof e.issuer === 'string' ? ['--certificate-oidc-issuer', e.issuer] : ['--certificate-oidc-issuer-regexp', '.*'];
  return [...id, ...iss];
}

function rootArgs(c: Case, asNamed = false): string[] {
  const e = c.expect;
  const override = asNamed ? undefined : TRUST_OVERRIDE[c.id]?.root();
  const root = override ?? (e.trusted_root as string | undefined) ?? (e.trust_config as string | undefined);
  if (override) return ['--trusted-root', override];
  return root ? ['--trusted-root', join(CORPUS, root)] : ['--trusted-root', join(CORPUS, 'sigstore/trusted-roots/public-good/trusted_root.json')];
}

/**
 * The artifact as a digest: of the artifact file or inline bytes, else the digest cases.json gives (sha256 or,
 * for npm provenance, sha512), else - for DSSE bundles whose artifact is not in the corpus (an npm tarball, a
 * test image) - the in-toto statement's first subject, which is what the upstream test verifies against.
 */
function digestOf(c: Case): string | undefined {
  const e = c.expect;
  const file = artifactFileOf(c);
  if (file !== undefined) return `sha256:${createHash('sha256').update(readFileSync(file)).digest('hex')}`;
  const d = e.artifact_digest as Record<string, string> | undefined;
  if (d?.sha256) return `sha256:${d.sha256}`;
  if (d?.sha512) return `sha512:${d.sha512}`;
  const b = JSON.parse(readFileSync(join(CORPUS, e.bundle as string), 'utf8')) as { dsseEnvelope?: { payload?: string } };
  if (b.dsseEnvelope?.payload === undefined) return undefined;
  const stmt = JSON.parse(Buffer.from(b.dsseEnvelope.payload, 'base64').toString('utf8')) as { subject?: { digest?: Record<string, string> }[] };
  const sd = stmt.subject?.[0]?.digest;
  if (sd?.sha256) return `sha256:${sd.sha256}`;
  if (sd?.sha512) return `sha512:${sd.sha512}`;
  return undefined;
}

const inlineDir = hasShared() ? mkdtempSync(join(tmpdir(), 'custody-verify-inline-')) : '';
/** The artifact file: the corpus file, or the case's inline bytes written to a temporary file. */
function artifactFileOf(c: Case): string | undefined {
  if (typeof c.expect.artifact === 'string') return join(CORPUS, c.expect.artifact);
  if (typeof c.expect.artifact_inline !== 'string') return undefined;
  const f = join(inlineDir, c.id.replace(/\W/g, '_'));
  writeFileSync(f, c.expect.artifact_inline);
  return f;
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
    const override = TRUST_OVERRIDE[c.id]?.why;
    const bundle = join(CORPUS, c.expect.bundle as string);
    const artifactFile = artifactFileOf(c);
    const digest = digestOf(c);

    it.runIf(artifactFile !== undefined)(`${c.id} (file): ${want}${override ? ` (${override})` : ''}`, async () => {
      const r = await runInProcess(['verify', artifactFile as string, '--bundle', bundle, ...policyArgs(c), ...rootArgs(c), '-o', 'json']);
      // A malformed trusted root is an input error (exit 3, nothing on stdout).
      const out = (r.stdout === '' ? { verified: false, checks: [] } : JSON.parse(r.stdout)) as { verified: boolean; checks: { ok: boolean }[] };
      if (want === 'pass') {
        expect(r.code, r.stdout).toBe(0);
        expect(out.verified).toBe(true);
        expect(out.checks.every((x) => x.ok)).toBe(true);
      } else {
        expect(r.code).not.toBe(0);
        expect(out.verified).toBe(false);
      }
    });

    it.runIf(digest !== undefined)(`${c.id} (digest): ${want}${override ? ` (${override})` : ''}`, async () => {
      const r = await runInProcess(['verify', digest as string, '--bundle', bundle, ...policyArgs(c), ...rootArgs(c), '-o', 'json']);
      if (want === 'pass' && !ed25519(c)) expect(r.code, r.stdout).toBe(0);
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

  it('the trust material cases.json names for the two overridden cases fails closed, naming what is missing', async () => {
    const java = cases.find((x) => x.id === 'sigstore-java/bundle.dsse.rekor-v2.sigstore')!;
    const j = await runInProcess(['verify', join(CORPUS, java.expect.artifact as string), '--bundle', join(CORPUS, java.expect.bundle as string), ...policyArgs(java), ...rootArgs(java, true), '-o', 'json']);
    expect(j.code).toBe(1);
    const jout = JSON.parse(j.stdout) as { checks: { name: string; ok: boolean; detail: string }[] };
    expect(jout.checks.find((x) => x.name === 'tlog-inclusion')).toMatchObject({ ok: false, detail: expect.stringContaining('zxGZFVvd0FEmjR8WrFwMdcAJ9vtaY/QXf44Y1wUeP6A=, which the trusted root does not trust') });

    const tsa = cases.find((x) => x.id === 'sigstore-python/tsa')!;
    const t = await runInProcess(['verify', join(CORPUS, tsa.expect.artifact as string), '--bundle', join(CORPUS, tsa.expect.bundle as string), ...policyArgs(tsa), ...rootArgs(tsa, true), '-o', 'json']);
    expect(t.code).toBe(1);
    const tout = JSON.parse(t.stdout) as { checks: { name: string; ok: boolean; detail: string }[] };
    expect(tout.checks.filter((x) => x.name === 'timestamp' && !x.ok).map((x) => x.detail)).toContain('timestamp does not verify: malformed RFC 3161 timestamp: it embeds a certificate that is not in the trusted root');
  });

  it('sigstore-go/public-key-validity: the signature and its RFC 3161 time verify; only the key window refuses it', async () => {
    const c = cases.find((x) => x.id === 'sigstore-go/public-key-validity')!;
    const file = artifactFileOf(c) as string;
    const base = ['verify', file, '--bundle', join(CORPUS, c.expect.bundle as string), '--key', join(CORPUS, c.expect.key as string), ...rootArgs(c), '-o', 'json'];
    const open = await runInProcess(base);
    expect(open.code, open.stdout).toBe(0);
    const inWindow = await runInProcess([...base, '--key-valid-from', '2026-06-01T00:00:00Z', '--key-valid-until', '2026-07-01T00:00:00Z']);
    expect(inWindow.code, inWindow.stdout).toBe(0);
    expect(inWindow.stdout).toContain('within its validity window [2026-06-01T00:00:00.000Z, 2026-07-01T00:00:00.000Z]');
    const closed = await runInProcess([...base, ...(KEY_WINDOW[c.id] as string[])]);
    expect(closed.code).toBe(1);
    const out = JSON.parse(closed.stdout) as { checks: { name: string; ok: boolean; detail: string }[] };
    expect(out.checks.find((x) => x.name === 'key')).toMatchObject({
      ok: false,
      detail: 'public key not accepted: signing time 2026-06-04T17:43:29.000Z is outside the key\'s validity window [1970-01-01T00:00:00.000Z, 1970-01-01T00:00:01.000Z]',
    });
  });

  describe('sigstore-python TestVerifierWithTimestamp siblings (staging root + tsa/ca.json)', () => {
    const dir = hasShared() ? join(CORPUS, 'sigstore/sigstore-python/tsa') : '';
    const run = (bundle: string): Promise<{ code: number; stdout: string }> =>
      runInProcess(['verify', join(dir, 'bundle.txt'), '--bundle', bundle, '--certificate-identity', 'alexis.challande@trailofbits.com', '--certificate-oidc-issuer', 'https://accounts.google.com', '--trusted-root', tsaTrustConfig(), '-o', 'json']);
    type Out = { verified: boolean; warnings?: string[]; checks: { name: string; ok: boolean; detail: string }[] };

    it('bundle.txt.sigstore: the log time and one TSA token are counted; the genuine token over other data is reported as ignored', async () => {
      const r = await run(join(dir, 'bundle.txt.sigstore'));
      expect(r.code, r.stdout).toBe(0);
      const out = JSON.parse(r.stdout) as Out;
      const ts = out.checks.find((x) => x.name === 'timestamp')!;
      expect(ts.detail).toContain('log integrated time 2024-10-31T10:23:39.000Z; RFC 3161 timestamp 2024-10-31T10:23:39.000Z');
      expect(ts.detail).toContain('1 RFC 3161 timestamp(s) ignored');
      expect(out.warnings?.join('\n')).toContain('stamps other data (sha512:9b71d224bd62f378');
    });

    it.each([
      ['bundle.many_timestamp.sigstore', 'too many RFC 3161 timestamps: 33, at most 32 are accepted'],
      ['bundle.duplicate.sigstore', 'duplicate RFC 3161 timestamp'],
      ['bundle.txt.late_timestamp.sigstore', 'it embeds a certificate that is not in the trusted root'],
    ])('%s fails (%s)', async (file, why) => {
      const r = await run(join(dir, file));
      expect(r.code).toBe(1);
      const out = JSON.parse(r.stdout) as Out;
      expect(out.verified).toBe(false);
      expect(out.checks.filter((x) => !x.ok).map((x) => x.detail).join('\n')).toContain(why);
    });

    it('the ignored token is never ignored once corrupted, and is never counted as a signing time', async () => {
      const original = JSON.parse(readFileSync(join(dir, 'bundle.txt.sigstore'), 'utf8')) as Json;
      const path = ['verificationMaterial', 'timestampVerificationData', 'rfc3161Timestamps', 1, 'signedTimestamp'];
      const tmp = mkdtempSync(join(tmpdir(), 'custody-verify-tsa-mut-'));
      // Flip a byte in each region of the token: outer structure, TSTInfo (imprint, time), certificates, signature.
      for (const at of [0.02, 0.1, 0.15, 0.3, 0.5, 0.7, 0.9, 0.99]) {
        const m = structuredClone(original);
        set(m, path, flipB64(get(m, path) as string, at));
        const f = join(tmp, `flip-${at}.json`);
        writeFileSync(f, JSON.stringify(m));
        const r = await run(f);
        expect(r.code, `flip at ${at} was accepted:\n${r.stdout}`).not.toBe(0);
      }
      // Only the other-data token and no SET: no verified signing time is left, so it fails.
      const only = structuredClone(original);
      const tsv = get(only, ['verificationMaterial', 'timestampVerificationData', 'rfc3161Timestamps']) as unknown[];
      tsv.splice(0, 1);
      delete (get(only, ['verificationMaterial', 'tlogEntries', 0]) as Json).inclusionPromise;
      const f = join(tmp, 'only-other.json');
      writeFileSync(f, JSON.stringify(only));
      const r = await run(f);
      expect(r.code).toBe(1);
      expect((JSON.parse(r.stdout) as Out).checks.find((x) => x.name === 'timestamp')).toMatchObject({ ok: false });
    });
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
  // Rekor v1 entry (SET + proof) and RFC 3161 tokens together: a flipped token fails even though the log time
  // alone would prove the signing time.
  { id: 'sigstore-python/tsa', root: undefined },
];

describe.skipIf(!hasShared())('verify: mutated bundles are never accepted', () => {
  const dir = hasShared() ? mkdtempSync(join(tmpdir(), 'custody-verify-mut-')) : '';
  const appliedAnywhere = new Set<string>();
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
        appliedAnywhere.add(m.name);
      }
      expect(applied).toBeGreaterThanOrEqual(5);
    });
  }

  it('every kind of mutation was applied to at least one of the valid bundles', () => {
    expect(MUTATIONS.map((m) => m.name).filter((n) => !appliedAnywhere.has(n))).toEqual([]);
  });
});
