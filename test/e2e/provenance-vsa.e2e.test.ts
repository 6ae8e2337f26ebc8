// custody provenance vsa through the built CLI, on VSAs scripts/fixtures/provenance.mjs signs with a
// node:crypto P-256 test verifier key (DER and IEEE P1363 signatures), tampered, failed and unsigned VSAs.
// Every case checks exit code, stdout and stderr.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED } from '../helpers/paths.js';
import { runBuilt } from '../helpers/run-cli.js';

const F = join(GENERATED, 'provenance');
const { sha256 } = JSON.parse(readFileSync(join(F, 'artifact.json'), 'utf8')) as { sha256: string };
const VERIFIER = 'https://verifier.example/vsa/v1';
const RESOURCE = 'pkg:generic/app@1.2.0';
const KEY_ID = 'kms://vsa-test-key';

const flags = (file: string, over: Record<string, string | string[] | undefined> = {}): string[] => {
  const v: Record<string, string | string[] | undefined> = {
    '--attestation': join(F, file),
    '--key': join(F, 'vsa.pub'),
    '--public-key-id': KEY_ID,
    '--subject-digest': `sha256:${sha256}`,
    '--verifier-id': VERIFIER,
    '--resource-uri': RESOURCE,
    '--verified-level': ['SLSA_BUILD_LEVEL_2', 'EXAMPLE_L1'],
    ...over,
  };
  return Object.entries(v).flatMap(([k, x]) => (x === undefined ? [] : Array.isArray(x) ? x.flatMap((y) => [k, y]) : [k, x]));
};
const vsa = (file: string, over: Record<string, string | string[] | undefined> = {}, ...extra: string[]) => runBuilt(['provenance', 'vsa', ...flags(file, over), ...extra]);
type Doc = { passed: boolean; failed: string[]; checks: { claim: string; ok: boolean; expected?: string; actual?: string; detail: string }[]; [k: string]: unknown };
const json = (stdout: string) => JSON.parse(stdout) as Doc;

describe('provenance vsa: passing VSAs (exit 0)', () => {
  it('prints the verification summary as a chain: verifier → policy → resource → subject', async () => {
    const r = await vsa('app.vsa.jsonl');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`provenance vsa: sha256:${sha256}`);
    expect(r.stdout).toContain('attestation: app.vsa.jsonl (dsse-envelope) · https://slsa.dev/verification_summary/v1');
    expect(r.stdout).toContain(`✓ signature             DSSE envelope (key id ${KEY_ID}) verified`);
    expect(r.stdout).toContain(`✓ verifier  ${VERIFIER}`);
    expect(r.stdout).toContain('✓ policy    https://policy.example/app.yaml → PASSED [SLSA_BUILD_LEVEL_3, EXAMPLE_L1] at 2026-01-02T03:04:05Z');
    expect(r.stdout).toContain(`✓ resource  ${RESOURCE}`);
    expect(r.stdout).toContain(`✓ subject   sha256:${sha256}`);
    const lines = r.stdout.split('\n');
    const at = (s: string) => lines.findIndex((l) => l.startsWith(s));
    expect(at('✓ verifier')).toBeLessThan(at('✓ policy'));
    expect(at('✓ policy')).toBeLessThan(at('✓ resource'));
    expect(at('✓ resource')).toBeLessThan(at('✓ subject'));
    expect(r.stdout).toContain('note: signed with a public key: no transparency log or signing time is checked');
    expect(r.stdout).toContain('PASS: all 7 checks hold');
  });

  it('IEEE P1363 (r||s) ECDSA signatures; slsa-verifier flag names; a signature without keyid matches any key id', async () => {
    const p = await vsa('app-p1363.vsa.jsonl');
    expect(p.stderr).toBe('');
    expect(p.code).toBe(0);
    expect(p.stdout).toContain('IEEE P1363 signature encoding');
    const aliases = await runBuilt(['provenance', 'vsa', ...flags('app.vsa.jsonl', { '--attestation': undefined, '--key': undefined }), '--attestation-path', join(F, 'app.vsa.jsonl'), '--public-key-path', join(F, 'vsa.pub')]);
    expect(aliases.code).toBe(0);
    expect(aliases.stderr).toBe('');
    const noKeyid = await vsa('app-no-keyid.vsa.jsonl', { '--public-key-id': undefined });
    expect(noKeyid.code).toBe(0);
    expect(noKeyid.stdout).toContain('PASS');
  });

  it('SLSA levels: a higher level of the same track meets a lower one; no --verified-level checks none', async () => {
    for (const levels of [['SLSA_BUILD_LEVEL_1'], ['SLSA_BUILD_LEVEL_3'], []]) {
      const r = await vsa('app.vsa.jsonl', { '--verified-level': levels });
      expect(r.code, levels.join()).toBe(0);
      expect(r.stderr).toBe('');
    }
  });

  it('-o json has the summary, the chain and each check; --print-attestation adds the statement', async () => {
    const r = await vsa('app.vsa.jsonl', {}, '-o', 'json', '--print-attestation');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('vsa: PASS\n');
    const j = json(r.stdout);
    expect(j.schema).toBe('custody.provenance-vsa/v1');
    expect(j.passed).toBe(true);
    expect(j.failed).toEqual([]);
    expect(j.checks.map((c) => c.claim)).toEqual(['signature', 'predicate-type', 'subject-digest', 'verifier-id', 'resource-uri', 'verification-result', 'verified-levels']);
    expect(j.summary).toMatchObject({ verifierId: VERIFIER, resourceUri: RESOURCE, verificationResult: 'PASSED', verifiedLevels: ['SLSA_BUILD_LEVEL_3', 'EXAMPLE_L1'] });
    expect((j.chain as { step: string }[]).map((l) => l.step)).toEqual(['verifier', 'policy', 'resource', 'subject']);
    expect((j.decodedStatement as { predicateType: string }).predicateType).toBe('https://slsa.dev/verification_summary/v1');
    expect(j.expectations).toMatchObject({ publicKeyId: KEY_ID, verifierId: VERIFIER });
  });
});

describe('provenance vsa: failing VSAs (exit 1) name the check with expected and actual', () => {
  const cases: [string, string, Record<string, string | string[] | undefined>, string, string][] = [
    ['wrong verifier id', 'app.vsa.jsonl', { '--verifier-id': 'https://verifier.example/other' }, 'verifier-id', 'expected https://verifier.example/other'],
    ['wrong resource URI', 'app.vsa.jsonl', { '--resource-uri': 'pkg:generic/app@1.2.1' }, 'resource-uri', `actual   ${RESOURCE}`],
    ['another subject', 'app.vsa.jsonl', { '--subject-digest': `sha256:${'1'.repeat(64)}` }, 'subject-digest', 'expected digest not found among the VSA subjects'],
    ['SLSA level above the verified one', 'app.vsa.jsonl', { '--verified-level': 'SLSA_BUILD_LEVEL_4' }, 'verified-levels', 'SLSA BUILD level 3 is below 4'],
    ['SLSA track not verified', 'app.vsa.jsonl', { '--verified-level': 'SLSA_SOURCE_LEVEL_1' }, 'verified-levels', 'no SLSA SOURCE level'],
    ['other level not verified', 'app.vsa.jsonl', { '--verified-level': 'EXAMPLE_L2' }, 'verified-levels', 'level EXAMPLE_L2 not verified'],
    ['result FAILED', 'app-failed.vsa.jsonl', {}, 'verification-result', 'actual   FAILED'],
    ['not a VSA', 'app-not-vsa.vsa.jsonl', {}, 'predicate-type', 'the statement is not a SLSA verification summary'],
  ];
  for (const [name, file, over, claim, text] of cases) {
    it(name, async () => {
      const r = await vsa(file, over);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`✗ ${claim}`);
      expect(r.stdout).toContain(text);
      expect(r.stdout).toMatch(/FAIL: \d+ of \d+ checks failed: .*/);
      const j = json((await vsa(file, over, '-o', 'json')).stdout);
      expect(j.failed).toContain(claim);
      expect(j.failed).not.toContain('signature');
    });
  }

  it('a key id naming another key, another key, a tampered payload and an unsigned VSA: the signature fails and nothing is evaluated', async () => {
    const runs = [
      await vsa('app.vsa.jsonl', { '--public-key-id': 'my_key_id' }),
      await vsa('app.vsa.jsonl', { '--public-key-id': '' }),
      await vsa('app.vsa.jsonl', { '--public-key-id': undefined }),
      await vsa('app.vsa.jsonl', { '--key': join(F, 'cosign.pub') }),
      await vsa('app-tampered.vsa.jsonl'),
      await vsa('app-unsigned.vsa.json'),
    ];
    for (const r of runs) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('✗ signature');
      expect(r.stdout).toContain('the VSA was not evaluated: its signature did not verify');
      expect(r.stdout).not.toContain('verification summary');
      expect(r.stdout).toContain('FAIL: 1 of 1 checks failed: signature');
    }
    expect(runs[0]!.stdout).toContain(`no signature is by the key with id my_key_id: the envelope's signatures name ${KEY_ID}`);
    expect(runs[4]!.stdout).toContain('DSSE signature does not verify with the public key');
    expect(runs[5]!.stdout).toContain('the VSA carries no signature');
  });
});

describe('provenance vsa: usage (exit 2) and malformed input (exit 3)', () => {
  it('required flags and digest/level syntax are usage errors', async () => {
    const missing: [string, string][] = [
      ['--verifier-id', '[PROVENANCE_VSA_MISSING_FLAG]: --verifier-id is required'],
      ['--resource-uri', '[PROVENANCE_VSA_MISSING_FLAG]: --resource-uri is required'],
      ['--key', '[PROVENANCE_VSA_MISSING_FLAG]: --key is required'],
      ['--attestation', '[PROVENANCE_VSA_MISSING_FLAG]: --attestation is required'],
      ['--subject-digest', '[PROVENANCE_VSA_MISSING_FLAG]: --subject-digest is required'],
    ];
    for (const [flag, msg] of missing) {
      const r = await vsa('app.vsa.jsonl', { [flag]: undefined });
      expect(r.code, flag).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(msg);
      expect(r.stderr).toContain('hint: custody provenance vsa --attestation');
    }
    const digest = await vsa('app.vsa.jsonl', { '--subject-digest': 'nocolon' });
    expect(digest.code).toBe(2);
    expect(digest.stderr).toContain('[PROVENANCE_VSA_BAD_DIGEST]');
    const level = await vsa('app.vsa.jsonl', { '--verified-level': 'SLSA_BUILD_LEVEL_X' });
    expect(level.code).toBe(2);
    expect(level.stderr).toContain('[PROVENANCE_VSA_BAD_LEVEL]');
    const both = await runBuilt(['provenance', 'vsa', ...flags('app.vsa.jsonl'), '--attestation-path', join(F, 'app-p1363.vsa.jsonl')]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('[PROVENANCE_VSA_TWO_VALUES]');
    for (const r of [digest, level, both]) expect(r.stdout).toBe('');
  });

  it('unreadable or malformed VSA and key files exit 3', async () => {
    const notJson = await vsa('malformed-not-json.jsonl');
    expect(notJson.code).toBe(3);
    expect(notJson.stderr).toContain('[PROVENANCE_MALFORMED_ATTESTATION]');
    const noFile = await vsa('nope.jsonl');
    expect(noFile.code).toBe(3);
    expect(noFile.stderr).toContain('[PROVENANCE_INPUT_NOT_FOUND]');
    const badKey = await vsa('app.vsa.jsonl', { '--key': join(F, 'app.vsa.jsonl') });
    expect(badKey.code).toBe(3);
    expect(badKey.stderr).toContain('[PROVENANCE_BAD_KEY]');
    for (const r of [notJson, noFile, badKey]) expect(r.stdout).toBe('');
  });
});
