// Hostile input to the paths added for unsigned statements/predicates and VSAs: whatever the JSON, an
// unsigned input never passes and only InputError escapes; VSA claim checks read any predicate without throwing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.js';
import { parseAttestations } from '../../../src/provenance/attestation.js';
import { checkProvenance } from '../../../src/provenance/check.js';
import { checkVsaClaims } from '../../../src/provenance/vsa.js';

const HEX = 'a'.repeat(64);
const artifact = { kind: 'digest' as const, ref: `sha256:${HEX}`, digests: { sha256: HEX } };
const neverCalled = async () => {
  throw new Error('an unsigned input must not reach the authenticator');
};

describe('unsigned statements and predicates (property)', () => {
  const arb = fc.oneof(
    fc.record({
      _type: fc.constantFrom('https://in-toto.io/Statement/v0.1', 'https://in-toto.io/Statement/v1', 'https://in-toto.io/Statement/v9'),
      predicateType: fc.oneof(fc.constant('https://slsa.dev/provenance/v0.2'), fc.string()),
      subject: fc.oneof(fc.constant([{ name: 'a', digest: { sha256: HEX } }]), fc.jsonValue({ maxDepth: 3 })),
      predicate: fc.jsonValue({ maxDepth: 4 }),
    }),
    fc.record({ buildDefinition: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })), runDetails: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })) }),
    fc.record({ builder: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), buildType: fc.string(), invocation: fc.jsonValue({ maxDepth: 3 }) }),
  );
  it('never pass, never reach the authenticator; only InputError escapes', async () => {
    await fc.assert(
      fc.asyncProperty(arb, async (v) => {
        try {
          const atts = parseAttestations(Buffer.from(JSON.stringify(v)), 'u.json');
          expect(atts.every((a) => a.unsigned !== undefined)).toBe(true);
          const r = await checkProvenance({ artifact, input: 'u.json', attestations: atts, expectations: {}, authenticate: neverCalled });
          expect(r.passed).toBe(false);
          expect(r.selected.checks.map((c) => c.claim)).toEqual(['signature']);
          expect(r.selected.chain.every((l) => !l.ok)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('VSA claims (property)', () => {
  it('any predicate and level list is read without throwing; a pass needs every expectation to hold', () => {
    let passes = 0;
    const arbPredicate = fc.record({
      verifier: fc.oneof(fc.constant({ id: 'v' }), fc.jsonValue({ maxDepth: 2 })),
      resourceUri: fc.oneof(fc.constant('r'), fc.jsonValue({ maxDepth: 1 })),
      verificationResult: fc.oneof(fc.constant('PASSED'), fc.jsonValue({ maxDepth: 1 })),
      verifiedLevels: fc.oneof(fc.array(fc.oneof(fc.string(), fc.constantFrom('SLSA_BUILD_LEVEL_1', 'SLSA_BUILD_LEVEL_3', 'SLSA_X', 'BCID_L1')), { maxLength: 5 }), fc.jsonValue({ maxDepth: 2 })),
      extra: fc.jsonValue({ maxDepth: 3 }),
    });
    fc.assert(
      fc.property(arbPredicate, (predicate) => {
        const st = { type: 'https://in-toto.io/Statement/v1', predicateType: 'https://slsa.dev/verification_summary/v1', subjects: [{ digest: { sha256: HEX } }], predicate };
        const { checks } = checkVsaClaims(st, { subjectDigests: [`sha256:${HEX}`], verifierId: 'v', resourceUri: 'r', verifiedLevels: ['SLSA_BUILD_LEVEL_2'] });
        if (checks.every((c) => c.ok)) {
          passes++;
          expect(predicate.verificationResult).toBe('PASSED');
          expect(predicate.verifier).toEqual({ id: 'v' });
          expect(predicate.resourceUri).toBe('r');
          const levels = predicate.verifiedLevels as string[];
          expect(levels.some((l) => /^SLSA_BUILD_LEVEL_([2-9]|\d{2,})$/.test(l))).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
    expect(passes).toBeGreaterThan(0);
  });
});
