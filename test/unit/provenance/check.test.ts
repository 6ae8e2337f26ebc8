import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { gcbKeyMatches } from '../../../src/provenance/authenticate.js';
import { checkGcbSummary, checkProvenance } from '../../../src/provenance/check.js';
import type { Attestation, Authenticity } from '../../../src/provenance/model.js';
import { verifyRawPayloadSignature } from '../../../src/verify/legacy-dsse.js';

const HEX = 'a'.repeat(64);
const statement = {
  _type: 'https://in-toto.io/Statement/v0.1',
  predicateType: 'https://slsa.dev/provenance/v0.2',
  subject: [{ name: 'x', digest: { sha256: HEX } }],
  predicate: { builder: { id: 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v1.9.0' } },
};
const payload = Buffer.from(JSON.stringify(statement));
const att = (origin: string, form: Attestation['form'] = 'dsse-envelope'): Attestation => ({
  form,
  origin,
  envelope: { payloadType: 'application/vnd.in-toto+json', payload: payload.toString('base64'), signatures: [{ sig: 'AA' }] },
});
const good: Authenticity = { ok: true, method: 'test', checks: [], tlogChecked: true, payload, signer: { kind: 'key', identity: 'key test', claims: {} } };
const bad: Authenticity = { ok: false, method: 'test', checks: [{ name: 'signature', ok: false, detail: 'bad' }], tlogChecked: true, error: { code: 'X', message: 'bad signature' } };

describe('checkProvenance', () => {
  it('never evaluates a statement whose signature failed, even when its bytes would pass', async () => {
    const r = await checkProvenance({ artifact: { kind: 'digest', ref: `sha256:${HEX}`, digests: { sha256: HEX } }, input: 'f', attestations: [att('f')], expectations: {}, authenticate: async () => bad });
    expect(r.passed).toBe(false);
    expect(r.selected.statement).toBeUndefined();
    expect(r.selected.checks.map((c) => c.claim)).toEqual(['signature']);
  });

  it('reads the statement from the verified payload, not the envelope', async () => {
    const other = Buffer.from(JSON.stringify({ ...statement, subject: [{ name: 'y', digest: { sha256: 'b'.repeat(64) } }] }));
    const r = await checkProvenance({ artifact: { kind: 'digest', ref: `sha256:${HEX}`, digests: { sha256: HEX } }, input: 'f', attestations: [att('f')], expectations: {}, authenticate: async () => ({ ...good, payload: other }) });
    expect(r.passed).toBe(false);
    expect(r.selected.checks.find((c) => c.claim === 'subject')?.ok).toBe(false);
  });

  it('picks the passing attestation among several, and reports how many were found', async () => {
    const seen: string[] = [];
    const r = await checkProvenance({
      artifact: { kind: 'digest', ref: `sha256:${HEX}`, digests: { sha256: HEX } },
      input: 'f',
      attestations: [att('one'), att('two')],
      expectations: {},
      authenticate: async (a) => (seen.push(a.origin), a.origin === 'one' ? bad : good),
    });
    expect(r.passed).toBe(true);
    expect(r.selected.origin).toBe('two');
    expect(r.evaluated).toBe(2);
    expect(seen).toEqual(['one', 'two']);
  });

  it('an npm document fails when any attestation in it does not verify', async () => {
    const r = await checkProvenance({
      artifact: { kind: 'digest', ref: `sha256:${HEX}`, digests: { sha256: HEX } },
      input: 'npm.json',
      attestations: [att('publish', 'npm-attestations'), att('slsa', 'npm-attestations')],
      expectations: {},
      authenticate: async (a) => (a.origin === 'publish' ? bad : good),
    });
    expect(r.passed).toBe(false);
    expect(r.selected.checks.filter((c) => c.claim === 'signature' && !c.ok)[0]?.detail).toContain('publish in the same document does not verify');
  });
});

describe('Cloud Build helpers', () => {
  it('binds a signature keyid to the key file it names', () => {
    const k = (loc: string, key: string, v = 1) => `projects/verified-builder/locations/${loc}/keyRings/attestor/cryptoKeys/${key}/cryptoKeyVersions/${v}`;
    expect(gcbKeyMatches(k('global', 'builtByGCB'), '/keys/global.key')).toBe(true);
    expect(gcbKeyMatches(k('us-west2', 'builtByGCB'), 'keys/us-west2.key')).toBe(true);
    expect(gcbKeyMatches(k('us-west2', 'builtByGCB'), 'keys/global.key')).toBe(false);
    expect(gcbKeyMatches(k('global', 'provenanceSigner'), 'keys/global-pae-provenanceSigner_1.key')).toBe(true);
    expect(gcbKeyMatches(k('global', 'provenanceSigner'), 'keys/global-pae.key')).toBe(true);
    expect(gcbKeyMatches(k('global', 'provenanceSigner', 2), 'keys/global-pae-provenanceSigner_1.key')).toBe(false);
    expect(gcbKeyMatches('', 'keys/global.key')).toBe(false);
    expect(gcbKeyMatches(undefined, 'keys/global.key')).toBe(false);
  });

  it('cross-checks the unsigned summary against the signed statement and the artifact', () => {
    const gcb = { kind: 'BUILD', resourceUri: `https://x/app@sha256:${HEX}`, imageDigest: `sha256:${HEX}`, textStatement: { ...statement, slsaProvenance: statement.predicate, predicate: undefined } };
    const digests = { sha256: HEX };
    expect(checkGcbSummary(gcb, payload, digests).ok).toBe(true);
    expect(checkGcbSummary({ ...gcb, kind: 'ATTESTATION' }, payload, digests).detail).toContain('not BUILD');
    expect(checkGcbSummary({ ...gcb, imageDigest: `sha256:${'0'.repeat(64)}` }, payload, digests).ok).toBe(false);
    expect(checkGcbSummary({ ...gcb, resourceUri: `https://x/app@sha256:${'0'.repeat(64)}` }, payload, digests).ok).toBe(false);
    expect(checkGcbSummary({ ...gcb, textStatement: { ...gcb.textStatement, slsaProvenance: { builder: { id: 'other' } } } }, payload, digests).detail).toContain('differs from the signed statement');
  });

  it('raw-payload signatures verify only with the right key and bytes', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const sig = sign('sha256', payload, privateKey).toString('base64url');
    expect(verifyRawPayloadSignature({ payload, sig, publicKeyPem: pem }).ok).toBe(true);
    expect(verifyRawPayloadSignature({ payload: Buffer.concat([payload, Buffer.from(' ')]), sig, publicKeyPem: pem }).ok).toBe(false);
    expect(verifyRawPayloadSignature({ payload, sig, publicKeyPem: other.publicKey.export({ type: 'spki', format: 'pem' }) as string }).ok).toBe(false);
    expect(verifyRawPayloadSignature({ payload, sig: '', publicKeyPem: pem }).ok).toBe(false);
    expect(verifyRawPayloadSignature({ payload, sig, publicKeyPem: 'not a key' }).ok).toBe(false);
  });
});
