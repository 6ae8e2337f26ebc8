// cosign `.att` layers with a Rekor SET, offline and synthetic: a test Rekor key in a trusted root, a
// key-signed DSSE attestation, and the `dev.sigstore.cosign/bundle` annotation cosign writes (dsse 0.0.1 and
// intoto 0.0.1 entries). The real tier runs the same path over slsa-github-generator's container layouts.
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../src/provenance/authenticate.js';
import { checkProvenance } from '../../../src/provenance/check.js';
import type { Attestation } from '../../../src/provenance/model.js';
import { parseTrustedRoot } from '../../../src/verify/index.js';
import { cosignAttestationBundle, verifyCosignAttestation } from '../../../src/verify/legacy-dsse.js';

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
const spki = (k: KeyObject): Buffer => k.export({ type: 'spki', format: 'der' });
const pem = (k: KeyObject): string => k.export({ type: 'spki', format: 'pem' }).toString();

const rekor = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const LOG_ID = sha(spki(rekor.publicKey));

const root = parseTrustedRoot(
  JSON.stringify({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [{ baseUrl: 'https://rekor.test', hashAlgorithm: 'SHA2_256', publicKey: { rawBytes: spki(rekor.publicKey).toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: '2020-01-01T00:00:00Z' } }, logId: { keyId: Buffer.from(LOG_ID, 'hex').toString('base64') } }],
    certificateAuthorities: [],
    ctlogs: [],
    timestampAuthorities: [],
  }),
  'file',
  'test root',
);

const HEX = 'c'.repeat(64);
const statement = {
  _type: 'https://in-toto.io/Statement/v0.1',
  predicateType: 'https://slsa.dev/provenance/v0.2',
  subject: [{ name: 'registry.test/app', digest: { sha256: HEX } }],
  predicate: { builder: { id: 'https://github.com/org/app/.github/workflows/build.yml@refs/heads/main' }, buildType: 'https://example.test/container@v1', invocation: { configSource: { uri: 'git+https://github.com/org/app@refs/heads/main', digest: { sha1: 'a'.repeat(40) }, entryPoint: '.github/workflows/build.yml' } } },
};
const TYPE = 'application/vnd.in-toto+json';
const payload = Buffer.from(JSON.stringify(statement));
const pae = Buffer.concat([Buffer.from(`DSSEv1 ${TYPE.length} ${TYPE} ${payload.length} `), payload]);
const sig = sign('sha256', pae, signer.privateKey).toString('base64');
const envelope = { payloadType: TYPE, payload: payload.toString('base64'), signatures: [{ keyid: '', sig }] };
const envelopeBytes = Buffer.from(JSON.stringify(envelope));

function canonical(v: Record<string, unknown>): string {
  return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(v[k])}`).join(',')}}`;
}

/** cosign's dev.sigstore.cosign/bundle for an entry body, with a SET by `logKey`. */
function rekorAnnotation(body: unknown, o: { logKey?: KeyObject; integratedTime?: number; setTime?: number } = {}): string {
  const b64 = Buffer.from(JSON.stringify(body)).toString('base64');
  const integratedTime = o.integratedTime ?? 1_760_000_000;
  const set = sign('sha256', Buffer.from(canonical({ body: b64, integratedTime: o.setTime ?? integratedTime, logID: LOG_ID, logIndex: 42 })), o.logKey ?? rekor.privateKey).toString('base64');
  return JSON.stringify({ SignedEntryTimestamp: set, Payload: { body: b64, integratedTime, logIndex: 42, logID: LOG_ID } });
}

const dsseBody = (verifierKey = signer.publicKey, s = sig) => ({
  apiVersion: '0.0.1',
  kind: 'dsse',
  spec: { envelopeHash: { algorithm: 'sha256', value: sha(envelopeBytes) }, payloadHash: { algorithm: 'sha256', value: sha(payload) }, signatures: [{ signature: s, verifier: Buffer.from(pem(verifierKey)).toString('base64') }] },
});
const intotoBody = (bytes = envelopeBytes, key = signer.publicKey) => ({
  apiVersion: '0.0.1',
  kind: 'intoto',
  spec: { content: { hash: { algorithm: 'sha256', value: sha(bytes) }, payloadHash: { algorithm: 'sha256', value: sha(payload) } }, publicKey: Buffer.from(pem(key)).toString('base64') },
});

function verify(annotation: string, bytes = envelopeBytes) {
  const bundle = cosignAttestationBundle({ envelope: JSON.parse(bytes.toString('utf8')), rekorBundle: annotation });
  return verifyCosignAttestation({ bundle, envelopeBytes: bytes, policy: { kind: 'key', publicKeyPem: pem(signer.publicKey) }, trustedRoot: root });
}
const failedChecks = (r: ReturnType<typeof verify>) => r.checks.filter((c) => !c.ok).map((c) => c.name);

describe('cosign .att with a Rekor SET: verifyCosignAttestation', () => {
  it('dsse 0.0.1 entry: SET, entry body, key and signature verify; the integrated time is the signing time', () => {
    const r = verify(rekorAnnotation(dsseBody()));
    expect(failedChecks(r)).toEqual([]);
    expect(r.verified).toBe(true);
    expect(r.checks.find((c) => c.name === 'tlog-inclusion')!.detail).toBe('log index 42: SET verified');
    expect(r.signer?.signedAt).toEqual([new Date(1_760_000_000_000).toISOString()]);
  });

  it('intoto 0.0.1 entry: bound to the envelope bytes, the payload and the key', () => {
    expect(verify(rekorAnnotation(intotoBody())).verified).toBe(true);
    const reser = Buffer.from(JSON.stringify(envelope, null, 1));
    const moved = verify(rekorAnnotation(intotoBody()), reser);
    expect(moved.verified).toBe(false);
    expect(moved.checks.find((c) => c.name === 'tlog-body')!.detail).toContain('the envelope hash differs from the attestation layer');
    const otherKey = verify(rekorAnnotation(intotoBody(envelopeBytes, other.publicKey)));
    expect(otherKey.verified).toBe(false);
    expect(otherKey.checks.find((c) => c.name === 'tlog-body')!.detail).toContain('the entry was made with another key');
  });

  it('fails closed: SET by another key, SET over another time, entry for another signature', () => {
    expect(failedChecks(verify(rekorAnnotation(dsseBody(), { logKey: other.privateKey })))).toContain('tlog-inclusion');
    expect(failedChecks(verify(rekorAnnotation(dsseBody(), { setTime: 1_760_000_001 })))).toContain('tlog-inclusion');
    const otherSig = sign('sha256', pae, other.privateKey).toString('base64');
    expect(failedChecks(verify(rekorAnnotation(dsseBody(signer.publicKey, otherSig))))).toContain('tlog-body');
  });

  it('a malformed annotation throws (the caller reports exit 3)', () => {
    expect(() => cosignAttestationBundle({ envelope, rekorBundle: '{' })).toThrow(/not JSON/);
    expect(() => cosignAttestationBundle({ envelope, rekorBundle: '{"SignedEntryTimestamp":"x"}' })).toThrow(/needs SignedEntryTimestamp and Payload/);
  });
});

describe('cosign .att with a Rekor SET: provenance check', () => {
  const att = (annotation: string): Attestation => ({
    form: 'cosign-attestation',
    origin: 'registry.test/app .att layer 1',
    envelope,
    bundle: cosignAttestationBundle({ envelope, rekorBundle: annotation }),
    envelopeBytes,
  });
  const run = (a: Attestation, allowMissingTlog = false) =>
    checkProvenance({
      artifact: { kind: 'image', ref: `registry:registry.test/app@sha256:${HEX}`, digests: { sha256: HEX } },
      input: 'registry.test/app attachments',
      attestations: [a],
      expectations: { builderId: 'https://github.com/org/app/.github/workflows/build.yml', sourceUri: 'github.com/org/app' },
      authenticate: createAuthenticator({ trustedRoot: root, allowMissingTlog, publicKeys: [{ pem: pem(signer.publicKey), label: 'cosign.pub' }] }),
    });

  it('passes without --allow-missing-tlog: the log entry was checked', async () => {
    const r = await run(att(rekorAnnotation(dsseBody())));
    expect(r.selected.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.selected.authenticity).toMatchObject({ ok: true, method: 'cosign attestation (key, Rekor SET)', tlogChecked: true });
    expect(r.selected.notes).toEqual([]);
  });

  it('a tampered SET never passes, not even with --allow-missing-tlog', async () => {
    for (const allow of [false, true]) {
      const r = await run(att(rekorAnnotation(dsseBody(), { logKey: other.privateKey })), allow);
      expect(r.passed).toBe(false);
      expect(r.selected.checks.map((c) => c.claim)).toEqual(['signature']);
      expect(r.selected.statement).toBeUndefined();
    }
  });
});
