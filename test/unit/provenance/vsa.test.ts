// VSA rules (pure): slsa-verifier's level ladder, DSSE keyid matching, subject digests, the claim table.
import { describe, expect, it } from 'vitest';
import { checkVerifiedLevels, checkVsaClaims, parseSubjectDigest, signaturesForKey } from '../../../src/provenance/vsa.js';
import type { Statement } from '../../../src/provenance/model.js';

describe('checkVerifiedLevels', () => {
  const table: [string[], string[], boolean][] = [
    [['SLSA_BUILD_LEVEL_2'], ['SLSA_BUILD_LEVEL_2'], true],
    [['SLSA_BUILD_LEVEL_2'], ['SLSA_BUILD_LEVEL_3'], true],
    [['SLSA_BUILD_LEVEL_3'], ['SLSA_BUILD_LEVEL_2'], false],
    [['SLSA_BUILD_LEVEL_3'], ['SLSA_BUILD_LEVEL_1', 'SLSA_BUILD_LEVEL_3'], true],
    [['SLSA_SOURCE_LEVEL_1'], ['SLSA_BUILD_LEVEL_3'], false],
    [['BCID_L1'], ['BCID_L1', 'SLSA_BUILD_LEVEL_2'], true],
    [['BCID_L1'], ['BCID_L2'], false],
    [[], [], true],
    [['SLSA_BUILD_LEVEL_0'], [], false],
  ];
  for (const [want, got, ok] of table) {
    it(`${want.join(',') || '(none)'} vs ${got.join(',') || '(none)'} -> ${ok}`, () => expect(checkVerifiedLevels(want, got).ok).toBe(ok));
  }
  it('an invalid SLSA level in the VSA fails; an invalid expected level is a usage error', () => {
    expect(checkVerifiedLevels(['SLSA_BUILD_LEVEL_1'], ['SLSA_BUILD_LEVEL_X']).ok).toBe(false);
    expect(() => checkVerifiedLevels(['SLSA_BUILD_X'], [])).toThrow(/not a SLSA level/);
  });
});

describe('signaturesForKey', () => {
  it('skips signatures whose keyid names another key and empty signatures', () => {
    const sigs = [{ sig: 'a', keyid: 'k1' }, { sig: 'b', keyid: '' }, { sig: 'c' }, { sig: '', keyid: 'k2' }, { sig: 'd', keyid: 'k2' }];
    expect(signaturesForKey(sigs, 'k2').map((s) => s.sig)).toEqual(['b', 'c', 'd']);
    expect(signaturesForKey(sigs, 'zz').map((s) => s.sig)).toEqual(['b', 'c']);
  });
});

describe('parseSubjectDigest / checkVsaClaims', () => {
  it('splits at the first colon, lower-cases, rejects a missing type or value', () => {
    expect(parseSubjectDigest('SHA256:ABC')).toEqual(['sha256', 'abc']);
    expect(parseSubjectDigest('a:b:c')).toEqual(['a', 'b:c']);
    for (const bad of ['abc', ':abc', 'abc:']) expect(() => parseSubjectDigest(bad)).toThrow(/not <type>:<value>/);
  });

  const st: Statement = {
    type: 'https://in-toto.io/Statement/v1',
    predicateType: 'https://slsa.dev/verification_summary/v1',
    subjects: [{ digest: { sha256: 'aa', gce_image_id: '12' } }],
    predicate: { verifier: { id: 'v' }, resourceUri: 'r', verificationResult: 'PASSED', verifiedLevels: ['SLSA_BUILD_LEVEL_2'] },
  };
  const e = { subjectDigests: ['gce_image_id:12', 'sha256:AA'], verifierId: 'v', resourceUri: 'r', verifiedLevels: ['SLSA_BUILD_LEVEL_1'] };
  it('all hold', () => {
    const { checks, summary } = checkVsaClaims(st, e);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(summary).toMatchObject({ verifierId: 'v', resourceUri: 'r', verificationResult: 'PASSED' });
  });
  it('each mismatch fails exactly its claim', () => {
    const failed = (s: Statement, x = e) => checkVsaClaims(s, x).checks.filter((c) => !c.ok).map((c) => c.claim);
    expect(failed(st, { ...e, subjectDigests: ['sha256:ab'] })).toEqual(['subject-digest']);
    expect(failed(st, { ...e, verifierId: 'w' })).toEqual(['verifier-id']);
    expect(failed(st, { ...e, resourceUri: 'q' })).toEqual(['resource-uri']);
    expect(failed({ ...st, predicate: { ...st.predicate, verificationResult: 'FAILED' } })).toEqual(['verification-result']);
    expect(failed({ ...st, predicate: { ...st.predicate, verifier: {} } })).toEqual(['verifier-id']);
    expect(failed({ ...st, predicateType: 'https://slsa.dev/provenance/v1' })).toEqual(['predicate-type']);
  });
});
