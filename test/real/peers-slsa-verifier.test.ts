/**
 * custody beside the REAL slsa-verifier v2.7.1 (built from the Go module proxy by scripts/install-peers.mjs),
 * verdict by verdict, offline.
 *
 * - VSAs (`slsa-verifier verify-vsa` = `custody provenance vsa`): fully offline in both (a public key, no
 *   transparency log): the shared corpus VSA under every flag variation slsa-verifier's own regression test
 *   uses and more, plus VSAs made and signed here (a failed result, a payload changed after signing,
 *   another key, several subjects). Every pair must agree with each other and with the case.
 * - SLSA provenance (`verify-artifact`): slsa-verifier fetches the Sigstore trusted root over TUF on every
 *   run (sigstore-go DefaultOptions: no cache validity, no force-cache, no flag to pass a root) and looks bare
 *   envelopes up in Rekor, so offline it cannot decide any case. That disagreement is asserted case by case:
 *   slsa-verifier fails on the network, custody gives the verdict slsa-verifier's own regression tests
 *   give online (provenance-corpus.test.ts replays the full matrix).
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CORPUS } from '../helpers/paths.js';
import { peerEnv, peerPath } from '../helpers/peers.js';
import { runBuilt } from '../helpers/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'custody-peers-slsa-'));
let sv = '';
let env: Record<string, string> = {};

beforeAll(async () => {
  sv = await peerPath('slsa-verifier');
  env = peerEnv();
}, 1_800_000);

function slsaVerifier(args: string[]): { code: number; out: string } {
  const r = spawnSync(sv, args, { env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

// ---------------------------------------------------------------- VSAs
const VSA = join(CORPUS, 'provenance', 'vsa', 'gke-gce-pre.bcid-vsa.jsonl');
const VSA_KEY = join(CORPUS, 'provenance', 'vsa', 'vsa_signing_public_key.pem');
const BASE: Record<string, string | string[] | undefined> = {
  'public-key-id': 'keystore://76574:prod:vsa_signing_public_key',
  'subject-digest': ['gce_image_id:8970095005306000053'],
  'verifier-id': 'https://bcid.corp.google.com/verifier/bcid_package_enforcer/v0.1',
  'resource-uri': 'gce_image://gke-node-images:gke-12615-gke1418000-cos-101-17162-463-29-c-cgpv1-pre',
  'verified-level': ['BCID_L1', 'SLSA_BUILD_LEVEL_2'],
};

function flags(o: Record<string, string | string[] | undefined>): string[] {
  return Object.entries(o).flatMap(([k, v]) => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).flatMap((x) => [`--${k}`, x])));
}

async function vsaBoth(attestation: string, key: string, o: Record<string, string | string[] | undefined>): Promise<{ slsa: boolean; custody: boolean; out: string }> {
  const s = slsaVerifier(['verify-vsa', '--attestation-path', attestation, '--public-key-path', key, ...flags(o)]);
  const c = await runBuilt(['provenance', 'vsa', '--attestation', attestation, '--key', key, ...flags(o)], { env });
  expect([0, 1], c.stderr).toContain(c.code);
  return { slsa: s.code === 0, custody: c.code === 0, out: `slsa-verifier:\n${s.out}\ncustody:\n${c.stdout}${c.stderr}` };
}

describe('VSA: slsa-verifier verify-vsa and custody provenance vsa agree (shared corpus VSA)', () => {
  const cases: [string, Record<string, string | string[] | undefined>, boolean][] = [
    ['every claim as signed', {}, true],
    ['no --verified-level (levels not checked)', { 'verified-level': undefined }, true],
    ['a lower SLSA level than attested (SLSA_BUILD_LEVEL_1 <= 2)', { 'verified-level': ['SLSA_BUILD_LEVEL_1'] }, true],
    ['a higher SLSA level than attested (SLSA_BUILD_LEVEL_3)', { 'verified-level': ['SLSA_BUILD_LEVEL_3'] }, false],
    ['another level of another track (BCID_L2)', { 'verified-level': ['BCID_L2'] }, false],
    ['public key id my_key_id (upstream: ErrorNoValidSignature)', { 'public-key-id': 'my_key_id' }, false],
    ['no public key id: defaults to the key\'s digest, which the envelope does not name (upstream: ErrorNoValidSignature)', { 'public-key-id': undefined }, false],
    ['another subject digest', { 'subject-digest': ['gce_image_id:8970095005306000054'] }, false],
    ['the subject plus one it does not have', { 'subject-digest': ['gce_image_id:8970095005306000053', 'sha256:' + 'a'.repeat(64)] }, false],
    ['another verifier id', { 'verifier-id': 'https://bcid.corp.google.com/verifier/bcid_package_enforcer/v0.2' }, false],
    ['another resource uri', { 'resource-uri': 'gce_image://gke-node-images:other' }, false],
  ];
  it.each(cases)('%s', async (_name, change, want) => {
    const got = await vsaBoth(VSA, VSA_KEY, { ...BASE, ...change });
    expect({ slsa: got.slsa, custody: got.custody }, got.out).toEqual({ slsa: want, custody: want });
  });

  it('another public key: both refuse the signature', async () => {
    const other = join(work, 'other.pem');
    writeFileSync(other, generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }));
    const got = await vsaBoth(VSA, other, BASE);
    expect({ slsa: got.slsa, custody: got.custody }, got.out).toEqual({ slsa: false, custody: false });
  });
});

describe('VSA: VSAs made and signed here (ECDSA P-256, DSSE, keyid keystore://test)', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyFile = join(work, 'vsa.pem');
  writeFileSync(keyFile, publicKey.export({ type: 'spki', format: 'pem' }));
  const TYPE = 'application/vnd.in-toto+json';
  const pae = (body: Buffer): Buffer => Buffer.concat([Buffer.from(`DSSEv1 ${TYPE.length} ${TYPE} ${body.length} `), body]);

  function vsa(name: string, o: { result?: string; levels?: string[]; subjects?: string[]; tamper?: boolean; keyid?: string } = {}): string {
    const statement = {
      _type: 'https://in-toto.io/Statement/v1',
      subject: (o.subjects ?? ['sha256:' + 'b'.repeat(64)]).map((d, i) => ({ name: `artifact-${i}`, digest: { [d.split(':')[0]!]: d.split(':')[1]! } })),
      predicateType: 'https://slsa.dev/verification_summary/v1',
      predicate: {
        verifier: { id: 'https://verifier.example/vsa/v1' },
        timeVerified: '2026-01-02T03:04:05Z',
        resourceUri: 'pkg:generic/app@1.2.0',
        policy: { uri: 'https://policy.example/p1' },
        verificationResult: o.result ?? 'PASSED',
        verifiedLevels: o.levels ?? ['SLSA_BUILD_LEVEL_3'],
        slsaVersion: '1.0',
      },
    };
    const body = Buffer.from(JSON.stringify(statement));
    const sig = sign('sha256', pae(body), privateKey).toString('base64');
    const signedBody = o.tamper ? Buffer.from(JSON.stringify({ ...statement, predicate: { ...statement.predicate, resourceUri: 'pkg:generic/app@1.2.1' } })) : body;
    const file = join(work, `${name}.jsonl`);
    writeFileSync(file, `${JSON.stringify({ payloadType: TYPE, payload: signedBody.toString('base64'), signatures: [{ keyid: o.keyid ?? 'keystore://test', sig }] })}\n`);
    return file;
  }
  const claims = (o: Record<string, string | string[] | undefined> = {}): Record<string, string | string[] | undefined> => ({
    'public-key-id': 'keystore://test',
    'subject-digest': ['sha256:' + 'b'.repeat(64)],
    'verifier-id': 'https://verifier.example/vsa/v1',
    'resource-uri': 'pkg:generic/app@1.2.0',
    'verified-level': ['SLSA_BUILD_LEVEL_2'],
    ...o,
  });

  it.each([
    ['a passing VSA', () => vsa('pass'), claims(), true],
    ['verificationResult FAILED', () => vsa('failed', { result: 'FAILED' }), claims(), false],
    ['the resource uri changed after signing', () => vsa('tampered', { tamper: true }), claims({ 'resource-uri': 'pkg:generic/app@1.2.1' }), false],
    ['signed under another key id than the one named', () => vsa('keyid', { keyid: 'keystore://other' }), claims(), false],
    ['two subjects, both asked', () => vsa('two', { subjects: ['sha256:' + 'b'.repeat(64), 'sha512:' + 'c'.repeat(128)] }), claims({ 'subject-digest': ['sha256:' + 'b'.repeat(64), 'sha512:' + 'c'.repeat(128)] }), true],
    ['two subjects, one asked', () => vsa('two-one', { subjects: ['sha256:' + 'b'.repeat(64), 'sha512:' + 'c'.repeat(128)] }), claims({ 'subject-digest': ['sha512:' + 'c'.repeat(128)] }), true],
    ['levels: FEDRAMP_LOW attested, FEDRAMP_LOW asked', () => vsa('fedramp', { levels: ['SLSA_BUILD_LEVEL_3', 'FEDRAMP_LOW'] }), claims({ 'verified-level': ['FEDRAMP_LOW', 'SLSA_BUILD_LEVEL_1'] }), true],
  ] as const)('%s', async (_name, file, o, want) => {
    const got = await vsaBoth(file(), keyFile, o);
    expect({ slsa: got.slsa, custody: got.custody }, got.out).toEqual({ slsa: want, custody: want });
  });
});

// ---------------------------------------------------------------- SLSA provenance
interface Case {
  id: string;
  category: string;
  expect_text: string;
  expect: { kind: string; provenance?: string; artifact?: string | null; source_uri?: string; builder_id?: string | null };
}
const provCases = (JSON.parse(readFileSync(join(CORPUS, 'cases.json'), 'utf8')) as { cases: Case[] }).cases.filter(
  (c) => c.category === 'provenance' && c.expect.kind === 'slsa-provenance-verify' && typeof c.expect.artifact === 'string' && c.expect_text.includes('**PASS**'),
);

describe('SLSA provenance: slsa-verifier cannot decide offline; custody gives slsa-verifier\'s own online verdict', () => {
  it('the corpus has the cases (artifact and provenance present, upstream PASS)', () => {
    expect(provCases.length).toBeGreaterThanOrEqual(14);
  });

  it.each(provCases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const prov = join(CORPUS, c.expect.provenance!);
    const artifact = join(CORPUS, c.expect.artifact!);
    const claims = ['--source-uri', c.expect.source_uri!, ...(c.expect.builder_id ? ['--builder-id', c.expect.builder_id] : [])];
    const s = slsaVerifier(['verify-artifact', '--provenance-path', prov, ...claims, artifact]);
    // slsa-verifier: the network is where it stops (TUF refresh for the trusted root, or the Rekor search
    // for a bare envelope), before any claim is looked at
    expect(s.code, s.out).not.toBe(0);
    expect(s.out).toMatch(/tuf refresh failed|rekor|dial tcp|no such host/i);
    // custody: offline against its built-in trusted root (bare envelopes carry no log proof: as
    // slsa-verifier, which finds their entry online, custody needs to be told to do without it)
    const bare = prov.endsWith('.intoto.jsonl');
    const r = await runBuilt(['provenance', 'check', artifact, '--attestation', prov, ...claims, ...(bare ? ['--allow-missing-tlog'] : []), '-o', 'json'], { env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { passed: boolean }).passed).toBe(true);
    // and a claim slsa-verifier's tests show failing fails in custody too
    const wrong = await runBuilt(['provenance', 'check', artifact, '--attestation', prov, '--source-uri', `${c.expect.source_uri!}A`, ...(bare ? ['--allow-missing-tlog'] : []), '-o', 'json'], { env });
    expect(wrong.code).toBe(1);
    expect((JSON.parse(wrong.stdout) as { failed: string[] }).failed).toContain('source-uri');
  });
});
