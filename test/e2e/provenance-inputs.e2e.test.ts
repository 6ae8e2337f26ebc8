/**
 * Provenance and VSA inputs that are not what they claim, through the built CLI: attestation files that are
 * empty, whitespace, null, scalars, arrays or empty objects, and DSSE envelopes signed by the test key whose
 * payload is no in-toto statement (empty, null, a string, an array, a number): always exit 3 naming the file,
 * never an internal error and never a verdict. Keys that are private keys or certificates are refused too.
 */
import { createPrivateKey, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATED } from '../helpers/paths.js';
import { runBuilt } from '../helpers/run-cli.js';

const V = join(GENERATED, 'verify');
const DIGEST = `sha256:${'0'.repeat(64)}`;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'custody-prov-inputs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A DSSE envelope over `payload`, signed with the fixture's P-256 key (so only the payload is wrong). */
function envelope(name: string, payload: string): string {
  const type = 'application/vnd.in-toto+json';
  const body = Buffer.from(payload);
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${body.length} `), body]);
  const sig = sign('sha256', pae, createPrivateKey(readFileSync(join(V, 'p256.key')))).toString('base64');
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify({ payloadType: type, payload: body.toString('base64'), signatures: [{ keyid: '', sig }] }));
  return p;
}

const check = (att: string, key = join(V, 'p256.pub')) => runBuilt(['provenance', 'check', DIGEST, '--attestation', att, '--key', key, '--allow-missing-tlog']);
const vsa = (att: string, key = join(V, 'p256.pub')) =>
  runBuilt(['provenance', 'vsa', '--attestation', att, '--key', key, '--subject-digest', DIGEST, '--verifier-id', 'https://verifier.example', '--resource-uri', 'pkg:generic/x']);

function expectInput(r: { code: number; stdout: string; stderr: string }, code: RegExp, file: string): void {
  expect(r.code, r.stderr).toBe(3);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(code);
  expect(r.stderr).toContain(file.slice(file.lastIndexOf('/') + 1));
  expect(r.stderr).not.toContain('internal error');
}

describe('attestation files that are not attestations', () => {
  it.each([
    ['empty.json', ''],
    ['space.json', ' \n\t'],
    ['null.json', 'null'],
    ['string.json', '"attestation"'],
    ['number.json', '7'],
    ['array.json', '[]'],
    ['object.json', '{}'],
    ['yaml.yaml', 'predicateType: x\n'],
  ])('%s -> exit 3 for check and vsa', async (name, content) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    expectInput(await check(p), /\[PROVENANCE_MALFORMED_ATTESTATION\]/, p);
    expectInput(await vsa(p), /\[PROVENANCE_MALFORMED_ATTESTATION\]/, p);
  });
});

describe('signed envelopes whose payload is no statement', () => {
  it.each([
    ['env-empty.json', '', /\[VERIFY_DSSE_MALFORMED\].*its payload is empty/],
    ['env-space.json', '  ', /\[PROVENANCE_MALFORMED_STATEMENT\].*payload is not JSON/],
    ['env-null.json', 'null', /\[PROVENANCE_MALFORMED_STATEMENT\].*statement is not a JSON object/],
    ['env-string.json', '"statement"', /\[PROVENANCE_MALFORMED_STATEMENT\].*statement is not a JSON object/],
    ['env-array.json', '[]', /\[PROVENANCE_MALFORMED_STATEMENT\].*statement is not a JSON object/],
    ['env-number.json', '42', /\[PROVENANCE_MALFORMED_STATEMENT\].*statement is not a JSON object/],
    ['env-object.json', '{}', /\[PROVENANCE_MALFORMED_STATEMENT\].*unknown statement _type/],
  ])('%s -> exit 3 for check and vsa, naming the envelope', async (name, payload, code) => {
    const p = envelope(name, payload);
    expectInput(await check(p), code, p);
    expectInput(await vsa(p), code, p);
  });
});

describe('keys that are not public keys', () => {
  it.each([
    ['p256.key.pem', /\[PROVENANCE_KEY_IS_PRIVATE\]/],
    ['certificate.pem', /\[PROVENANCE_KEY_IS_CERTIFICATE\]/],
    ['garbage.pub', /\[PROVENANCE_BAD_KEY\]/],
    ['empty.sig', /\[PROVENANCE_BAD_KEY\]/],
  ])('--key %s -> exit 3 for check and vsa', async (name, code) => {
    const att = envelope('good-shape.json', '{}');
    expectInput(await check(att, join(V, name)), code, name);
    expectInput(await vsa(att, join(V, name)), code, name);
  });
});
