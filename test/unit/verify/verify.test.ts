import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyPrehashed } from '../../../src/verify/prehash.js';
import {
  builtInTrustedRoot,
  compileMatcher,
  decodeSignatureFile,
  loadTrustedRoot,
  openImageSignatureStore,
  verifyBundle,
  verifyDetachedSignature,
  verifyImageSignatures,
  verifyResultJson,
  type VerifyPolicy,
} from '../../../src/verify/index.js';
import { GENERATED } from '../../helpers/paths.js';

const F = join(GENERATED, 'verify');
const read = (n: string): Buffer => readFileSync(join(F, n));
const keyPolicy = (name: string): VerifyPolicy => ({ kind: 'key', publicKeyPem: read(`${name}.pub`).toString('utf8') });
const root = builtInTrustedRoot();

describe('prehashed signature verification (digest subjects)', () => {
  const msg = Buffer.from('hello custody');
  for (const [curve, hash] of [['P-256', 'sha256'], ['P-384', 'sha384'], ['P-521', 'sha512'], ['P-384', 'sha256']] as const) {
    it(`ECDSA ${curve} over ${hash}`, () => {
      const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: curve });
      const sig = sign(hash, msg, privateKey);
      const digest = createHash(hash).update(msg).digest();
      expect(verifyPrehashed(publicKey, hash, digest, sig)).toEqual({ ok: true });
      const other = createHash(hash).update('other').digest();
      expect(verifyPrehashed(publicKey, hash, other, sig).ok).toBe(false);
    });
  }
  it('RSA PKCS#1 v1.5', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const sig = sign('sha256', msg, privateKey);
    expect(verifyPrehashed(publicKey, 'sha256', createHash('sha256').update(msg).digest(), sig).ok).toBe(true);
    expect(verifyPrehashed(publicKey, 'sha256', createHash('sha256').update('x').digest(), sig).ok).toBe(false);
  });
  it('Ed25519 cannot be checked from a digest and says why', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const r = verifyPrehashed(publicKey, 'sha256', createHash('sha256').update(msg).digest(), sign(null, msg, privateKey));
    expect(r).toMatchObject({ ok: false });
    expect(r.ok ? '' : r.reason).toContain('Ed25519');
  });
  it('random signatures never verify and never throw (property)', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const digest = createHash('sha256').update(msg).digest();
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => verifyPrehashed(publicKey, 'sha256', digest, Buffer.from(bytes)).ok === false), { numRuns: 300 });
  });
});

describe('identity matchers', () => {
  it('regexps are anchored at both ends whatever the user wrote', () => {
    const m = compileMatcher({ regexp: 'https://github.com/org/' }, '--x');
    expect(m('https://github.com/org/')).toBe(true);
    expect(m('https://github.com/org/app/.github/workflows/r.yml@refs/heads/main')).toBe(false);
    expect(m('https://evil.example/https://github.com/org/')).toBe(false);
    expect(compileMatcher({ regexp: 'https://github.com/org/.*' }, '--x')('https://github.com/org/app')).toBe(true);
    expect(compileMatcher({ regexp: 'a|b' }, '--x')('ab')).toBe(false);
  });
  it('a bad regexp is a usage error', () => {
    expect(() => compileMatcher({ regexp: '(' }, '--certificate-identity-regexp')).toThrow(/not a valid regular expression/);
  });
});

describe('trusted roots', () => {
  it('the built-in root is the public-good seed of @sigstore/tuf', () => {
    expect(root.summary.source).toBe('built-in');
    expect(root.summary.snapshot?.tufRootVersion).toBeGreaterThan(0);
    expect(root.summary.tlogs.some((l) => l.baseUrl === 'https://rekor.sigstore.dev')).toBe(true);
    expect(root.summary.certificateAuthorities.length).toBeGreaterThan(0);
  });
  it('a malformed trusted root is an input error', () => {
    expect(() => loadTrustedRoot(join(F, 'not-json.sigstore.json'))).toThrow(expect.objectContaining({ code: 'VERIFY_TRUST_MALFORMED', exitCode: 3 }));
    expect(() => loadTrustedRoot(join(F, 'missing.json'))).toThrow(expect.objectContaining({ code: 'VERIFY_TRUST_NOT_FOUND' }));
  });
});

describe('key-based detached signatures', () => {
  const artifact = read('artifact.txt');
  for (const k of ['p256', 'p384', 'p521', 'ed25519', 'rsa']) {
    it(`${k}: verifies the artifact, refuses another artifact and another key`, () => {
      const signature = decodeSignatureFile(read(`artifact.${k}.sig`));
      const ok = verifyDetachedSignature({ signature, artifact: { bytes: artifact }, policy: keyPolicy(k), trustedRoot: root });
      expect(ok.verified, JSON.stringify(ok.checks)).toBe(true);
      expect(ok.signer?.kind).toBe('key');
      expect(ok.warnings.join(' ')).toContain('not checked');
      expect(verifyDetachedSignature({ signature, artifact: { bytes: read('other.txt') }, policy: keyPolicy(k), trustedRoot: root }).verified).toBe(false);
      const wrong = verifyDetachedSignature({ signature, artifact: { bytes: artifact }, policy: keyPolicy('wrong'), trustedRoot: root });
      expect(wrong.verified).toBe(false);
      expect(wrong.checks.find((c) => c.name === 'signature')?.ok).toBe(false);
    });
  }
  it('a digest subject verifies ECDSA signatures', () => {
    const hex = createHash('sha256').update(artifact).digest('hex');
    const r = verifyDetachedSignature({ signature: decodeSignatureFile(read('artifact.p256.sig')), artifact: { digest: { algorithm: 'sha256', hex } }, policy: keyPolicy('p256'), trustedRoot: root });
    expect(r.verified).toBe(true);
  });
  it('keyless without a log proof fails closed', () => {
    // A key-based bundle checked against an identity policy is refused (no certificate).
    const r = verifyBundle({ bundle: JSON.parse(read('artifact.p256.sigstore.json').toString()), artifact: { bytes: artifact }, policy: { kind: 'identity', identity: { regexp: '.*' }, issuer: { regexp: '.*' } }, trustedRoot: root });
    expect(r.verified).toBe(false);
    expect(r.checks.some((c) => !c.ok && /--key/.test(c.detail))).toBe(true);
  });
});

describe('bundle parsing is strict and never throws', () => {
  it.each(['unknown-media.sigstore.json', 'both-contents.sigstore.json'])('%s is malformed (error set, not verified)', (f) => {
    const r = verifyBundle({ bundle: JSON.parse(read(f).toString()), artifact: { bytes: Buffer.from('x') }, policy: keyPolicy('p256'), trustedRoot: root });
    expect(r.verified).toBe(false);
    expect(r.error?.code).toBe('VERIFY_BUNDLE_MALFORMED');
    expect(verifyResultJson(r).error?.code).toBe('VERIFY_BUNDLE_MALFORMED');
  });
  it('hostile JSON is never accepted (property)', () => {
    const valid = JSON.parse(read('artifact.p256.sigstore.json').toString()) as Record<string, unknown>;
    const policy = keyPolicy('p256');
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ mediaType: fc.constant(valid.mediaType), verificationMaterial: fc.jsonValue(), messageSignature: fc.jsonValue() })), (j) => {
        const r = verifyBundle({ bundle: j, artifact: { bytes: read('artifact.txt') }, policy, trustedRoot: root });
        return r.verified === false;
      }),
      { numRuns: 300 },
    );
  });
});

describe('image signatures in an OCI layout', () => {
  it('verifies the cosign .sig signature of the image', async () => {
    const store = await openImageSignatureStore(`oci-dir:${join(F, 'layout-signed')}`, { cwd: F });
    const r = await verifyImageSignatures({ store, policy: keyPolicy('p256'), trustedRoot: root });
    expect(r.verified, JSON.stringify(r.checks)).toBe(true);
    expect(r.checks.find((c) => c.name === 'docker-manifest-digest')?.ok).toBe(true);
  });
  it('refuses a signature for another digest, another key, and an unsigned image', async () => {
    const wrongDigest = await verifyImageSignatures({ store: await openImageSignatureStore(`oci-dir:${join(F, 'layout-wrong-digest')}`, { cwd: F }), policy: keyPolicy('p256'), trustedRoot: root });
    expect(wrongDigest.verified).toBe(false);
    expect(wrongDigest.checks.find((c) => c.name === 'docker-manifest-digest')?.detail).toMatch(/payload signs sha256:abab/);
    const wrongKey = await verifyImageSignatures({ store: await openImageSignatureStore(`oci-dir:${join(F, 'layout-signed')}`, { cwd: F }), policy: keyPolicy('wrong'), trustedRoot: root });
    expect(wrongKey.verified).toBe(false);
    const unsigned = await verifyImageSignatures({ store: await openImageSignatureStore(`oci-dir:${join(F, 'layout-unsigned')}`, { cwd: F }), policy: keyPolicy('p256'), trustedRoot: root });
    expect(unsigned.verified).toBe(false);
    expect(unsigned.checks[0]).toMatchObject({ name: 'discovery', ok: false });
  });
});

describe('bare DSSE envelopes', () => {
  const pae = (type: string, body: Buffer): Buffer => Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${body.length} `), body]);
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const statement = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'a', digest: { sha256: 'ab'.repeat(32) } }], predicateType: 'x', predicate: {} }));
  const type = 'application/vnd.in-toto+json';
  const envelope = { payloadType: type, payload: statement.toString('base64'), signatures: [{ keyid: '', sig: sign('sha256', pae(type, statement), privateKey).toString('base64') }] };
  const policy: VerifyPolicy = { kind: 'key', publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
  it('verifies with the key, hands back the payload, and checks subjects when an artifact digest is given', async () => {
    const { verifyDsseEnvelope } = await import('../../../src/verify/index.js');
    const r = verifyDsseEnvelope({ envelope, policy, trustedRoot: root });
    expect(r.verified, JSON.stringify(r.checks)).toBe(true);
    expect(r.payload?.bytes.equals(statement)).toBe(true);
    expect(verifyDsseEnvelope({ envelope, policy, trustedRoot: root, artifact: { digest: { algorithm: 'sha256', hex: 'ab'.repeat(32) } } }).verified).toBe(true);
    expect(verifyDsseEnvelope({ envelope, policy, trustedRoot: root, artifact: { digest: { algorithm: 'sha256', hex: 'cd'.repeat(32) } } }).verified).toBe(false);
    const tampered = { ...envelope, payload: Buffer.from(statement.toString().replace('"x"', '"y"')).toString('base64') };
    expect(verifyDsseEnvelope({ envelope: tampered, policy, trustedRoot: root }).verified).toBe(false);
    expect(verifyDsseEnvelope({ envelope: { nope: 1 }, policy, trustedRoot: root }).error?.code).toBe('VERIFY_DSSE_MALFORMED');
  });
});
