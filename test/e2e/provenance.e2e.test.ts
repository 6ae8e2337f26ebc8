// custody provenance check through the built CLI, on fixtures scripts/fixtures/provenance.mjs makes:
// DSSE envelopes signed with a node:crypto P-256 key (checked with --key; bare envelopes need
// --allow-missing-tlog), tampered envelopes, and malformed inputs. Every case checks exit code, stdout, stderr.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED } from '../helpers/paths.js';
import { runBuilt } from '../helpers/run-cli.js';

const F = join(GENERATED, 'provenance');
const ART = join(F, 'app-linux-amd64');
const KEY = join(F, 'cosign.pub');
const { sha256, sha512 } = JSON.parse(readFileSync(join(F, 'artifact.json'), 'utf8')) as { sha256: string; sha512: string };
const GEN = 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml';

const check = (artifact: string, att: string, ...args: string[]) =>
  runBuilt(['provenance', 'check', artifact, '--attestation', join(F, att), '--key', KEY, '--allow-missing-tlog', ...args]);
const json = (stdout: string) => JSON.parse(stdout) as { passed: boolean; failed: string[]; checks: { claim: string; ok: boolean; expected?: string; actual?: string; detail: string }[]; [k: string]: unknown };

describe('provenance check: passing provenance (exit 0)', () => {
  it('a file, with every claim stated, prints the chain of custody', async () => {
    const r = await check(ART, 'app.intoto.jsonl', '--source-uri', 'github.com/org/app', '--source-tag', 'v1.2.0', '--source-versioned-tag', 'v1.2', '--builder-id', `${GEN}@v1.9.0`, '--workflow', '.github/workflows/release.yml', '--build-type', 'https://github.com/slsa-framework/slsa-github-generator/generic@v1', '--predicate-type', 'https://slsa.dev/provenance/v0.2');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const at = (s: string) => lines.findIndex((l) => l.startsWith(s));
    expect(at('✓ signature')).toBeGreaterThan(-1);
    expect(r.stdout).toContain('✓ source    github.com/org/app @ aaaaaaaaaaaa (refs/tags/v1.2.0)');
    expect(r.stdout).toContain('✓ workflow  .github/workflows/release.yml (on push)');
    expect(r.stdout).toContain(`✓ builder   ${GEN}@refs/tags/v1.9.0`);
    expect(r.stdout).toContain(`✓ artifact  sha256:${sha256}`);
    expect(at('✓ source')).toBeLessThan(at('✓ workflow'));
    expect(at('✓ workflow')).toBeLessThan(at('✓ builder'));
    expect(at('✓ builder')).toBeLessThan(at('✓ artifact'));
    for (const c of ['source-uri', 'source-tag', 'source-versioned-tag', 'builder-id', 'workflow', 'build-type', 'signer', 'subject', 'predicate-type']) expect(r.stdout).toMatch(new RegExp(`✓ ${c} `));
    expect(r.stdout).toContain('note: transparency-log proof and signing time were not checked (--allow-missing-tlog)');
    expect(r.stdout).toContain('PASS: all 10 checks hold');
  });

  it('a sha256: or sha512: digest instead of the file; --bundle is an alias', async () => {
    for (const d of [`sha256:${sha256}`, `sha512:${sha512}`, `sha256:${sha256.toUpperCase()}`]) {
      const r = await check(d, 'app-v1.dsse.json', '--builder-id', 'https://github.com/org/app/.github/workflows/build.yml', '--source-branch', 'main');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const b = await runBuilt(['provenance', 'check', `sha256:${sha256}`, '--bundle', join(F, 'app.intoto.jsonl'), '--key', KEY, '--allow-missing-tlog']);
    expect(b.code).toBe(0);
    expect(b.stdout).toContain('PASS');
  });

  it('.intoto.jsonl with several envelopes: the one about the artifact is chosen', async () => {
    const r = await check(ART, 'multi.intoto.jsonl', '-o', 'json');
    expect(r.code).toBe(0);
    const j = json(r.stdout);
    expect(j.attestation).toMatchObject({ origin: 'multi.intoto.jsonl line 3', form: 'dsse-envelope', evaluated: 2 });
    expect(r.stderr).toContain('provenance: PASS');
  });

  it('SLSA v1 (GitHub workflow build type) with the workflow and branch claims', async () => {
    const r = await check(ART, 'app-v1.dsse.json', '--builder-id', 'https://github.com/org/app/.github/workflows/build.yml@refs/heads/main', '--source-uri', 'https://github.com/org/app', '--source-branch', 'main', '--workflow', '.github/workflows/build.yml', '-o', 'json');
    expect(r.code).toBe(0);
    const j = json(r.stdout);
    expect(j.passed).toBe(true);
    expect(j.provenance).toMatchObject({ slsaVersion: 'v1', source: { repository: 'github.com/org/app', ref: 'refs/heads/main', commit: 'c'.repeat(40) } });
    expect((j.chain as { step: string }[]).map((c) => c.step)).toEqual(['source', 'workflow', 'builder', 'artifact']);
  });
});

describe('provenance check: claims that do not hold (exit 1)', () => {
  const cases: [string, string[], string, string, string][] = [
    ['--source-tag', ['--source-tag', 'v1.2.1'], 'source-tag', 'v1.2.1', 'v1.2.0'],
    ['--source-versioned-tag', ['--source-versioned-tag', 'v1.3'], 'source-versioned-tag', 'v1.3', 'v1.2.0'],
    ['--source-branch on a tag build', ['--source-branch', 'main'], 'source-branch', 'main', 'refs/tags/v1.2.0'],
    ['--source-uri', ['--source-uri', 'github.com/org/appA'], 'source-uri', 'github.com/org/appA', 'github.com/org/app'],
    ['--builder-id', ['--builder-id', 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/not-trusted.yml'], 'builder-id', 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/not-trusted.yml', `${GEN}@refs/tags/v1.9.0`],
    ['--builder-id version', ['--builder-id', `${GEN}@v1.10.0`], 'builder-id', `${GEN}@v1.10.0`, `${GEN}@refs/tags/v1.9.0`],
    ['--workflow', ['--workflow', '.github/workflows/other.yml'], 'workflow', '.github/workflows/other.yml', '.github/workflows/release.yml'],
    ['--build-type', ['--build-type', 'https://example.com/other'], 'build-type', 'https://example.com/other', 'https://github.com/slsa-framework/slsa-github-generator/generic@v1'],
    ['--predicate-type', ['--predicate-type', 'https://slsa.dev/provenance/v1'], 'predicate-type', 'https://slsa.dev/provenance/v1', 'https://slsa.dev/provenance/v0.2'],
  ];
  for (const [name, args, claim, expected, actual] of cases) {
    it(`${name}: the report names the claim with expected and actual`, async () => {
      const t = await check(ART, 'app.intoto.jsonl', ...args);
      expect(t.code).toBe(1);
      expect(t.stderr).toBe('');
      expect(t.stdout).toContain(`✗ ${claim}`);
      expect(t.stdout).toContain(`expected ${expected}`);
      expect(t.stdout).toContain(`actual   ${actual}`);
      expect(t.stdout).toMatch(new RegExp(`FAIL: 1 of \\d+ checks failed: ${claim}\\n$`));
      const j = await check(ART, 'app.intoto.jsonl', ...args, '-o', 'json');
      expect(j.code).toBe(1);
      const doc = json(j.stdout);
      expect(doc.failed).toEqual([claim]);
      expect(doc.checks.find((c) => c.claim === claim)).toMatchObject({ ok: false, expected, actual });
      expect(j.stderr).toContain(`provenance: FAIL (${claim})`);
    });
  }

  it('the artifact is not a subject', async () => {
    const r = await check(`sha256:${'0'.repeat(64)}`, 'app.intoto.jsonl');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ subject');
    expect(r.stdout).toContain(`actual   sha256:${sha256}`);
    expect(r.stderr).toBe('');
  });

  it('an untrusted builder fails unless the user names it', async () => {
    const r = await check(ART, 'untrusted-builder.intoto.jsonl');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("builder is not on custody's trusted-builder list");
    const ok = await check(ART, 'untrusted-builder.intoto.jsonl', '--builder-id', 'https://github.com/evil/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml');
    expect(ok.code).toBe(0);
  });

  it('a signed statement that is not provenance', async () => {
    const r = await check(ART, 'sbom-predicate.intoto.jsonl', '-o', 'json');
    expect(r.code).toBe(1);
    expect(json(r.stdout).failed).toContain('predicate-type');
  });
});

describe('provenance check: authenticity first (exit 1, statement never evaluated)', () => {
  for (const t of ['tampered-subject', 'tampered-builder', 'tampered-source', 'other-key']) {
    it(`${t}: the signature fails and no claim is evaluated`, async () => {
      const r = await check(ART, `${t}.intoto.jsonl`, '--source-uri', 'github.com/org/app', '--print-provenance');
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('✗ signature');
      expect(r.stdout).toContain('the statement was not evaluated: its signature did not verify');
      expect(r.stdout).not.toContain('chain of custody');
      expect(r.stdout).not.toContain('"predicate"');
      const j = await check(ART, `${t}.intoto.jsonl`, '-o', 'json');
      const doc = json(j.stdout);
      expect(doc.failed).toEqual(['signature']);
      expect(doc.statement).toBeUndefined();
    });
  }

  it('a bare envelope without --allow-missing-tlog fails with a clear message', async () => {
    const r = await runBuilt(['provenance', 'check', ART, '--attestation', join(F, 'app.intoto.jsonl'), '--key', KEY]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('carries no transparency-log proof');
    expect(r.stdout).toContain('--allow-missing-tlog');
    expect(r.stderr).toBe('');
  });

  it('a key-signed Sigstore bundle without a log entry: fails unless --allow-missing-tlog; an edited one never passes', async () => {
    const strict = await runBuilt(['provenance', 'check', ART, '--bundle', join(F, 'app.sigstore.json'), '--key', KEY]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toBe('');
    expect(strict.stdout).toContain('no verified transparency-log entry');
    const allowed = await check(ART, 'app.sigstore.json', '--source-uri', 'github.com/org/app');
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('✓ signature             Sigstore bundle (key) verified');
    expect(allowed.stdout).toContain('note: transparency-log proof and signing time were not checked (--allow-missing-tlog)');
    const edited = await check(ART, 'tampered.sigstore.json', '-o', 'json');
    expect(edited.code).toBe(1);
    expect(json(edited.stdout).failed).toEqual(['signature']);
    const noKey = await runBuilt(['provenance', 'check', ART, '--bundle', join(F, 'app.sigstore.json'), '--allow-missing-tlog']);
    expect(noKey.code).toBe(1);
    expect(noKey.stdout).toContain('signed with a public key, not a certificate; pass --key');
  });

  it('a key-signed envelope without --key', async () => {
    const r = await runBuilt(['provenance', 'check', ART, '--attestation', join(F, 'app.intoto.jsonl'), '--allow-missing-tlog']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('carries no certificate; pass --key');
  });
});

describe('provenance check: output', () => {
  it('-o json has the documented fields; --print-provenance adds the decoded statement', async () => {
    const r = await check(`sha256:${sha256}`, 'app.intoto.jsonl', '--source-uri', 'github.com/org/app', '-o', 'json', '--print-provenance');
    expect(r.code).toBe(0);
    const j = json(r.stdout);
    expect(j.schema).toBe('custody.provenance-check/v1');
    expect(j.artifact).toEqual({ kind: 'digest', ref: `sha256:${sha256}`, digests: { sha256 } });
    expect(j.authenticity).toMatchObject({ ok: true, method: 'DSSE envelope (key)', tlogChecked: false, signer: { kind: 'key' } });
    expect(j.statement).toMatchObject({ predicateType: 'https://slsa.dev/provenance/v0.2' });
    expect(j.expectations).toEqual({ sourceUri: 'github.com/org/app' });
    expect(j.decodedStatement).toMatchObject({ _type: 'https://in-toto.io/Statement/v0.1', predicate: { builder: { id: `${GEN}@refs/tags/v1.9.0` } } });
    expect(r.stderr).toBe('provenance: PASS\n');
  });

  it('--print-provenance in the table view prints the statement after the report', async () => {
    const r = await check(ART, 'app.intoto.jsonl', '--print-provenance');
    expect(r.code).toBe(0);
    const idx = r.stdout.indexOf('PASS: all');
    expect(idx).toBeGreaterThan(0);
    const tail = JSON.parse(r.stdout.slice(r.stdout.indexOf('\n{') + 1)) as { subject: unknown[] };
    expect(tail.subject).toEqual([{ name: 'app-linux-amd64', digest: { sha256 } }]);
  });
});

describe('provenance check: unsigned statements and bare predicates are reported unsigned (exit 1)', () => {
  for (const file of ['unsigned-statement.json', 'unsigned.intoto.jsonl']) {
    it(`${file}: ✗ signature, the claims shown unverified and not evaluated`, async () => {
      // Every claim in the statement would hold; without a signature it still cannot pass.
      const r = await check(ART, file, '--source-uri', 'github.com/org/app', '--builder-id', GEN);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`attestation: ${file} (unsigned-statement) · https://slsa.dev/provenance/v0.2`);
      expect(r.stdout).toContain('✗ signature             unsigned in-toto statement (no signature): the statement carries no signature');
      expect(r.stdout).toContain('chain of custody (unverified: the statement is unsigned; claims not evaluated)');
      expect(r.stdout).toContain('✗ source    github.com/org/app @ aaaaaaaaaaaa (refs/tags/v1.2.0)');
      expect(r.stdout).not.toMatch(/✓/);
      expect(r.stdout).toContain('FAIL: 1 of 1 checks failed: signature');
    });
  }

  it('-o json: form unsigned-statement, PROVENANCE_UNSIGNED, the statement and its facts, no claim evaluated', async () => {
    const r = await check(ART, 'unsigned-statement.json', '--source-uri', 'github.com/org/app', '-o', 'json', '--print-provenance');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('provenance: FAIL (signature)\n');
    const j = json(r.stdout);
    expect(j.passed).toBe(false);
    expect(j.failed).toEqual(['signature']);
    expect(j.checks.map((c) => c.claim)).toEqual(['signature']);
    expect(j.checks[0]).toMatchObject({ ok: false, actual: 'unsigned' });
    expect(j.attestation).toMatchObject({ form: 'unsigned-statement' });
    expect(j.authenticity).toMatchObject({ ok: false, error: { code: 'PROVENANCE_UNSIGNED' } });
    expect(j.provenance).toMatchObject({ slsaVersion: 'v0.2', builderId: `${GEN}@refs/tags/v1.9.0` });
    expect((j.chain as { ok: boolean }[]).every((l) => !l.ok)).toBe(true);
    expect((j.decodedStatement as { subject: unknown[] }).subject).toEqual([{ name: 'app-linux-amd64', digest: { sha256 } }]);
  });

  it('a bare SLSA v1 predicate: unsigned, no subject; --print-provenance prints it as given', async () => {
    const r = await check(`sha256:${sha256}`, 'unsigned-predicate.json', '--print-provenance');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('(unsigned-predicate) · https://slsa.dev/provenance/v1');
    expect(r.stdout).toContain('✗ signature             unsigned SLSA predicate (no statement, no signature)');
    expect(r.stdout).toContain('(a bare predicate names no subject)');
    const printed = JSON.parse(r.stdout.slice(r.stdout.indexOf('\n{') + 1)) as Record<string, unknown>;
    expect(Object.keys(printed)).toEqual(['buildDefinition', 'runDetails']);
  });
});

describe('provenance check: attestations discovered in an OCI layout (cosign .att tag with a Rekor SET)', () => {
  const layouts = JSON.parse(readFileSync(join(F, 'layouts.json'), 'utf8')) as { attested: string; badSet: string };
  const ROOT = join(F, 'rekor-root.json');
  const claims = ['--builder-id', GEN, '--source-uri', 'github.com/org/app'];

  it('oci-dir:PATH@DIGEST without --attestation: the .att layer is verified with its SET, no --allow-missing-tlog', async () => {
    const r = await runBuilt(['provenance', 'check', `oci-dir:${join(F, 'layout-att')}@${layouts.attested}`, '--key', KEY, '--trusted-root', ROOT, ...claims]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`found 1 attestation(s) attached to oci-dir:${join(F, 'layout-att')}@${layouts.attested}\n`);
    expect(r.stdout).toContain(`attestation: oci-dir:${join(F, 'layout-att')} .att layer 1 (cosign-attestation) · https://slsa.dev/provenance/v0.2`);
    expect(r.stdout).toContain('✓ signature             cosign attestation (key, Rekor SET) verified (signed 2025-10-09T08:53:20.000Z)');
    expect(r.stdout).not.toContain('note:');
    expect(r.stdout).toContain('PASS: all 6 checks hold');
    const j = await runBuilt(['provenance', 'check', `oci-dir:${join(F, 'layout-att')}@${layouts.attested}`, '--key', KEY, '--trusted-root', ROOT, ...claims, '-o', 'json']);
    const doc = json(j.stdout);
    expect(doc.authenticity).toMatchObject({ ok: true, tlogChecked: true });
    expect((doc.authenticity as { checks: { name: string; ok: boolean; detail: string }[] }).checks).toContainEqual({ name: 'tlog-inclusion', ok: true, detail: 'log index 7: SET verified' });
  });

  it('a SET by another key, or a log the trusted root does not know, fails the signature even with --allow-missing-tlog', async () => {
    const runs = [
      await runBuilt(['provenance', 'check', `oci-dir:${join(F, 'layout-att-bad-set')}@${layouts.badSet}`, '--key', KEY, '--trusted-root', ROOT, ...claims, '-o', 'json']),
      await runBuilt(['provenance', 'check', `oci-dir:${join(F, 'layout-att-bad-set')}@${layouts.badSet}`, '--key', KEY, '--trusted-root', ROOT, '--allow-missing-tlog', ...claims, '-o', 'json']),
      await runBuilt(['provenance', 'check', `oci-dir:${join(F, 'layout-att')}@${layouts.attested}`, '--key', KEY, ...claims, '-o', 'json']),
    ];
    for (const r of runs) {
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('provenance: FAIL (signature)');
      const doc = json(r.stdout);
      expect(doc.failed).toEqual(['signature']);
      expect(doc.statement).toBeUndefined();
      expect((doc.authenticity as { checks: { name: string; ok: boolean }[] }).checks.filter((c) => !c.ok).map((c) => c.name)).toContain('tlog-inclusion');
    }
  });

  it('a layout without the image or attestations', async () => {
    const none = await runBuilt(['provenance', 'check', `oci-dir:${join(F, 'layout-att')}@sha256:${'0'.repeat(64)}`, '--key', KEY]);
    expect(none.code).toBe(3);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('[PROVENANCE_NO_ATTESTATION_FOUND]');
    const missing = await runBuilt(['provenance', 'check', `oci-dir:${join(F, 'no-such-layout')}@${layouts.attested}`]);
    expect(missing.code).toBe(3);
    expect(missing.stdout).toBe('');
  });
});

describe('provenance check: malformed input (exit 3) and usage (exit 2)', () => {
  const malformed: [string, string][] = [
    ['malformed-not-json.jsonl', 'PROVENANCE_MALFORMED_ATTESTATION'],
    ['malformed-empty.json', 'PROVENANCE_MALFORMED_ATTESTATION'],
    ['malformed-no-payload.json', 'PROVENANCE_MALFORMED_ATTESTATION'],
    ['malformed-unknown.json', 'PROVENANCE_MALFORMED_ATTESTATION'],
    ['malformed-deep.json', 'PROVENANCE_MALFORMED_ATTESTATION'],
    ['malformed-message-bundle.json', 'PROVENANCE_MALFORMED_ATTESTATION'],
    ['malformed-statement.intoto.jsonl', 'PROVENANCE_MALFORMED_STATEMENT'],
    ['malformed-payload-type.intoto.jsonl', 'PROVENANCE_MALFORMED_STATEMENT'],
  ];
  for (const [file, code] of malformed) {
    it(file, async () => {
      const r = await check(ART, file);
      expect(r.code).toBe(3);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`error [${code}]: ${file}`);
      expect(r.stderr).toContain('hint:');
    });
  }

  it('missing files are input errors', async () => {
    const a = await check(join(F, 'nope'), 'app.intoto.jsonl');
    expect(a.code).toBe(3);
    expect(a.stderr).toContain('[PROVENANCE_ARTIFACT_NOT_FOUND]');
    const b = await runBuilt(['provenance', 'check', ART, '--attestation', join(F, 'nope.jsonl')]);
    expect(b.code).toBe(3);
    expect(b.stderr).toContain('[PROVENANCE_INPUT_NOT_FOUND]');
    expect(b.stdout).toBe('');
  });

  it('usage errors', async () => {
    const none = await runBuilt(['provenance', 'check', ART]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('[PROVENANCE_NO_ATTESTATION]');
    const digest = await check('sha256:abc', 'app.intoto.jsonl');
    expect(digest.code).toBe(2);
    expect(digest.stderr).toContain('[PROVENANCE_BAD_DIGEST]');
    const image = await check('registry:127.0.0.1:5000/app:latest', 'app.intoto.jsonl');
    expect(image.code).toBe(2);
    expect(image.stderr).toContain('[PROVENANCE_IMAGE_NEEDS_DIGEST]');
    const two = await runBuilt(['provenance', 'check', ART, '--attestation', join(F, 'app.intoto.jsonl'), '--bundle', join(F, 'multi.intoto.jsonl')]);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('[PROVENANCE_TWO_ATTESTATIONS]');
    const out = await check(ART, 'app.intoto.jsonl', '-o', 'yaml');
    expect(out.code).toBe(2);
    const empty = await check(ART, 'app.intoto.jsonl', '--source-uri', ' ');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--source-uri is empty');
    for (const r of [none, digest, image, two, out, empty]) expect(r.stdout).toBe('');
  });
});
