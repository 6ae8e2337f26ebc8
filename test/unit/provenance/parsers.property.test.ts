import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.js';
import { MAX_JSON_DEPTH, parseAttestations } from '../../../src/provenance/attestation.js';
import { extractFacts, parseStatement } from '../../../src/provenance/statement.js';

const T = 'application/vnd.in-toto+json';
const env = (payload: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  payloadType: T,
  payload: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)).toString('base64'),
  signatures: [{ sig: 'AAAA' }],
  ...extra,
});
const statement = { _type: 'https://in-toto.io/Statement/v1', predicateType: 'https://slsa.dev/provenance/v1', subject: [{ name: 'a', digest: { SHA256: 'AB'.repeat(32) } }], predicate: {} };

/** Either a value or an InputError: nothing else may escape a parser. */
function onlyInputErrors(f: () => unknown): void {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
  }
}

describe('parseAttestations (sniffing)', () => {
  it('reads a bare envelope, a bundle, JSON Lines, npm documents and GCB summaries', () => {
    expect(parseAttestations(Buffer.from(JSON.stringify(env(statement))), 'x')[0]!.form).toBe('dsse-envelope');
    const bundle = { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: {}, dsseEnvelope: env(statement) };
    const b = parseAttestations(Buffer.from(JSON.stringify(bundle)), 'x');
    expect(b[0]!.form).toBe('sigstore-bundle');
    expect(b[0]!.bundle).toEqual(bundle);
    const jsonl = `${JSON.stringify(env(statement))}\n\n${JSON.stringify(bundle)}\r\n`;
    const l = parseAttestations(Buffer.from(jsonl), 'a.jsonl');
    expect(l.map((a) => a.origin)).toEqual(['a.jsonl line 1', 'a.jsonl line 3']);
    const npm = { attestations: [{ predicateType: 'p', bundle }, { predicateType: 'q', bundle }] };
    expect(parseAttestations(Buffer.from(JSON.stringify(npm)), 'n').map((a) => a.form)).toEqual(['npm-attestations', 'npm-attestations']);
    const gcb = { provenance_summary: { provenance: [{ envelope: env(statement) }] } };
    expect(parseAttestations(Buffer.from(JSON.stringify(gcb)), 'g')[0]!.form).toBe('gcb-provenance');
    const withCert = parseAttestations(Buffer.from(JSON.stringify(env(statement, { signatures: [{ sig: 'AA', keyid: '', cert: '-----BEGIN CERTIFICATE-----' }] }))), 'c');
    expect(withCert[0]!.envelope.signatures[0]!.cert).toContain('BEGIN');
  });

  it('rejects what is not an attestation with exit-3 errors naming the input', () => {
    const bad = ['', '   ', 'nope', '[]', '{}', '{"payloadType":"x"}', '{"payloadType":"x","payload":"!!","signatures":[]}', '{"payloadType":"x","payload":"AA"}', '{"attestations":[{}]}', '{"mediaType":"application/vnd.dev.sigstore.bundle+json;version=0.1","messageSignature":{}}'];
    for (const b of bad) {
      expect(() => parseAttestations(Buffer.from(b), 'in.json')).toThrowError(InputError);
      try {
        parseAttestations(Buffer.from(b), 'in.json');
      } catch (err) {
        expect((err as InputError).message).toContain('in.json');
        expect((err as InputError).code).toMatch(/^PROVENANCE_/);
      }
    }
    expect(() => parseAttestations(Buffer.from(`${'['.repeat(MAX_JSON_DEPTH + 5)}${']'.repeat(MAX_JSON_DEPTH + 5)}`), 'd')).toThrowError(/nested deeper/);
    expect(() => parseAttestations(Buffer.from(`${'{"a":'.repeat(100000)}1${'}'.repeat(100000)}`), 'd')).toThrowError(InputError);
  });

  it('property: arbitrary bytes either parse or fail with InputError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => onlyInputErrors(() => parseAttestations(Buffer.from(bytes), 'fuzz'))), { numRuns: 500 });
  });

  it('property: arbitrary JSON values and JSON lines either parse or fail with InputError', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => onlyInputErrors(() => parseAttestations(Buffer.from(JSON.stringify(v)), 'fuzz'))), { numRuns: 500 });
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), fc.string()), { maxLength: 5 }), (lines) =>
        onlyInputErrors(() => parseAttestations(Buffer.from(lines.join('\n')), 'fuzz')),
      ),
      { numRuns: 300 },
    );
  });

  it('property: mutated envelopes either parse (keeping payload and signatures) or fail with InputError', () => {
    const base = JSON.stringify(env(statement));
    fc.assert(
      fc.property(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 }), (pos, byte) => {
        const bytes = Buffer.from(base);
        bytes[pos] = byte;
        onlyInputErrors(() => {
          const [a] = parseAttestations(bytes, 'm');
          expect(typeof a!.envelope.payload).toBe('string');
          expect(Array.isArray(a!.envelope.signatures)).toBe(true);
        });
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseStatement', () => {
  it('lower-cases digest algorithms and values', () => {
    const st = parseStatement(Buffer.from(JSON.stringify(statement)), T, 's');
    expect(st.subjects[0]!.digest).toEqual({ sha256: 'ab'.repeat(32) });
  });

  it('rejects non-statements with exit-3 errors', () => {
    for (const p of ['x', '[]', '{}', JSON.stringify({ ...statement, _type: 'other' }), JSON.stringify({ ...statement, subject: [] }), JSON.stringify({ ...statement, subject: [{ name: 'a' }] }), JSON.stringify({ ...statement, subject: [{ digest: { sha256: 1 } }] }), JSON.stringify({ ...statement, predicate: [] })]) {
      expect(() => parseStatement(Buffer.from(p), T, 's')).toThrowError(InputError);
    }
    expect(() => parseStatement(Buffer.from(JSON.stringify(statement)), 'text/plain', 's')).toThrowError(/payload type/);
  });

  it('property: arbitrary payloads either give a statement whose facts can be read, or an InputError', () => {
    const arbStatement = fc.record({
      _type: fc.constantFrom('https://in-toto.io/Statement/v0.1', 'https://in-toto.io/Statement/v1', 'x'),
      predicateType: fc.oneof(fc.constantFrom('https://slsa.dev/provenance/v0.2', 'https://slsa.dev/provenance/v1'), fc.string()),
      subject: fc.array(fc.record({ name: fc.string(), digest: fc.dictionary(fc.constantFrom('sha256', 'sha512', 'SHA256'), fc.oneof(fc.string(), fc.integer())) }), { maxLength: 3 }),
      predicate: fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.record({ buildDefinition: fc.jsonValue({ maxDepth: 4 }), runDetails: fc.jsonValue({ maxDepth: 3 }) }), fc.record({ builder: fc.jsonValue({ maxDepth: 2 }), invocation: fc.jsonValue({ maxDepth: 4 }), materials: fc.jsonValue({ maxDepth: 3 }) })),
    });
    fc.assert(
      fc.property(arbStatement, (s) => {
        onlyInputErrors(() => {
          const st = parseStatement(Buffer.from(JSON.stringify(s)), T, 'p');
          const f = extractFacts(st);
          if (f.source) expect(typeof f.source.repository).toBe('string');
        });
      }),
      { numRuns: 500 },
    );
  });
});
