// Every shared provenance case (../shared/corpus/cases.json, category "provenance") through the CLI:
// the verdict its evidence asserts, and for failures the named mismatch, mapped from slsa-verifier's
// error names to custody's claim names. The slsa-verifier tag/branch/source/builder tables written in
// each case's text are replayed too. Runs in-process (runInProcess) for the large matrix, and a few
// cases through the built CLI (runBuilt).
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAttestations } from '../../src/provenance/attestation.js';
import { CORPUS } from '../helpers/paths.js';
import { runBuilt, runInProcess } from '../helpers/run-cli.js';

interface Case {
  id: string;
  expect_text: string;
  expect: Record<string, string | null | boolean | undefined> & { kind: string };
}

const cases = (JSON.parse(readFileSync(join(CORPUS, 'cases.json'), 'utf8')) as { cases: (Case & { category: string })[] }).cases.filter((c) => c.category === 'provenance');
const P = (rel: string): string => join(CORPUS, rel);
const require = createRequire(import.meta.url);
const ROOT = P('sigstore/trusted-roots/public-good/trusted_root.json');

/** slsa-verifier error -> the custody claim that must fail. */
const ERROR_CLAIM: Record<string, string> = {
  ErrorMismatchVersionedTag: 'source-versioned-tag',
  ErrorMismatchTag: 'source-tag',
  ErrorMismatchSource: 'source-uri',
  ErrorMismatchBranch: 'source-branch',
  ErrorUntrustedReusableWorkflow: 'builder-id',
  ErrorMismatchBuilderID: 'builder-id',
  ErrorInvalidBuilderID: 'builder-id',
  ErrorNotSupported: 'builder-id',
  ErrorRekorSearch: 'signature',
  ErrorMismatchSignature: 'signature',
  ERRORINVALIDSIGNATURE: 'signature',
  ErrorNoValidSignature: 'signature',
};

interface Run {
  code: number;
  failed: string[];
  doc: Record<string, unknown> | undefined;
  stderr: string;
}

async function check(args: string[]): Promise<Run> {
  const r = await runInProcess(['provenance', 'check', ...args, '-o', 'json']);
  let doc: Record<string, unknown> | undefined;
  try {
    doc = JSON.parse(r.stdout) as Record<string, unknown>;
  } catch {
    doc = undefined;
  }
  return { code: r.code, failed: (doc?.failed as string[] | undefined) ?? [], doc, stderr: r.stderr };
}

function verdict(text: string): 'pass' | 'fail' | undefined {
  const p = text.indexOf('**PASS');
  const f = text.indexOf('**FAIL');
  if (p < 0 && f < 0) return undefined;
  if (p < 0) return 'fail';
  if (f < 0) return 'pass';
  return p < f ? 'pass' : 'fail';
}

function namedError(text: string): string | undefined {
  return /\*\*FAIL (\w+)/.exec(text)?.[1];
}

const isBare = (file: string): boolean => parseAttestations(readFileSync(file), file).every((a) => a.form === 'dsse-envelope');

function expectPass(r: Run, what: string): void {
  expect(r.failed, what).toEqual([]);
  expect(r.code, `${what}: ${r.stderr}`).toBe(0);
}

function expectFail(r: Run, claim: string | undefined, what: string): void {
  expect(r.code, `${what}: ${r.stderr}`).toBe(1);
  if (claim !== undefined) expect(r.failed, what).toContain(claim);
}

describe('provenance corpus: slsa-github-generator provenance (slsa-verifier regression tables)', () => {
  const slsa = cases.filter((c) => c.expect.kind === 'slsa-provenance-verify');
  it('has the cases', () => expect(slsa.length).toBeGreaterThanOrEqual(40));

  for (const c of slsa) {
    it(c.id, async () => {
      const e = c.expect;
      const file = P(e.provenance as string);
      const art = e.artifact ? P(e.artifact as string) : `sha256:${e.artifact_sha256 as string}`;
      const bare = isBare(file);
      const noSource = [art, '--attestation', file, ...(bare ? ['--allow-missing-tlog'] : [])];
      const base = [...noSource, '--source-uri', e.source_uri as string];
      const builder = e.builder_id as string | undefined;
      const text = c.expect_text;
      if (bare) {
        // Offline, a bare envelope's log proof cannot be checked: without the flag it never passes.
        const strict = await check([art, '--attestation', file, '--source-uri', e.source_uri as string]);
        expect(strict.code).toBe(1);
        expect(strict.failed).toEqual(['signature']);
        expect(JSON.stringify(strict.doc)).toContain('transparency-log proof');
      }
      const v = verdict(text);
      if (v === 'fail') {
        const err = namedError(text)!;
        const claim = ERROR_CLAIM[err];
        // ErrorRekorSearch: the reference verifier finds no log entry; offline custody fails the same way by default.
        expectFail(await check(base), claim, `${c.id} (${err})`);
        // Those two envelopes' certificates carry no SCT: even the signature-and-chain check fails.
        if (err === 'ErrorRekorSearch') expectFail(await check(base.filter((a) => a !== '--allow-missing-tlog')), 'signature', `${c.id} without --allow-missing-tlog`);
        return;
      }
      expect(v).toBe('pass');
      if (c.id.endsWith('/annotated-tag')) {
        expectPass(await check([...base, '--source-versioned-tag', 'v1.5.0']), 'annotated tag v1.5.0');
        expectFail(await check([...base, '--source-versioned-tag', 'v1.5.0', '--source-branch', 'main']), 'source-branch', 'tag build has no branch');
        return;
      }
      if (c.id.endsWith('/binary-linux-amd64-e2e-builder-repo')) {
        expectPass(await check([...base, '--source-branch', 'main', '--builder-id', 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml']), 'e2e builder repo');
        return;
      }
      expectPass(await check([...base, ...(builder ? ['--builder-id', builder] : [])]), 'case as given');
      if (!builder) return;
      expectPass(await check(base), 'no --builder-id: trusted default');
      const also = /\(also `([^`]+)`, `([^`]+)`\)/.exec(text);
      if (also) for (const b of [also[1]!, also[2]!]) expectPass(await check([...base, '--builder-id', b]), `builder ${b}`);
      if (text.includes('not-trusted.yml')) {
        expectFail(await check([...base, '--builder-id', 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/not-trusted.yml']), 'builder-id', 'not-trusted builder');
      }
      if (text.includes('ErrorMismatchSource')) {
        for (const s of ['github.com/slsa-framework/example-packageA', 'Agithub.com/slsa-framework/example-package', 'github.com/Aslsa-framework/example-package']) {
          expectFail(await check([...noSource, '--source-uri', s]), 'source-uri', `source ${s}`);
        }
      }
      const vtPass = /`--source-versioned-tag` ([^;]+?);/.exec(text);
      if (vtPass) for (const t of vtPass[1]!.split(' | ')) expectPass(await check([...base, '--source-versioned-tag', t.trim()]), `versioned tag ${t}`);
      const vtFail = /ErrorMismatchVersionedTag\*\* for ([^;]+?)(?:;|\.\s|\.$)/.exec(text);
      if (vtFail) {
        for (const t of vtFail[1]!.split(', ')) expectFail(await check([...base, '--source-versioned-tag', t.trim()]), 'source-versioned-tag', `versioned tag ${t}`);
      }
      const tagFail = /`--source-tag` ([^*]+?) \*\*FAIL ErrorMismatchTag/.exec(text);
      if (tagFail) {
        for (const t of tagFail[1]!.split(' | ')) expectFail(await check([...base, '--source-tag', t.trim()]), 'source-tag', `tag ${t}`);
        const exact = /push-(v[\d.]+)$/.exec(c.id)?.[1];
        if (exact) expectPass(await check([...base, '--source-tag', exact]), `exact tag ${exact}`);
      }
      if (text.includes('`--source-branch main` PASS')) {
        expectPass(await check([...base, '--source-branch', 'main']), 'branch main');
        expectFail(await check([...base, '--source-branch', 'master']), 'source-branch', 'branch master');
        expectFail(await check([...base, '--source-tag', 'v1.2.3']), 'source-tag', 'no tag on workflow_dispatch');
        expectFail(await check([...base, '--source-versioned-tag', 'v1']), 'source-versioned-tag', 'no tag on workflow_dispatch');
      }
    });
  }
});

describe('provenance corpus: Sigstore bundles carrying provenance', () => {
  for (const c of cases.filter((x) => x.expect.kind === 'sigstore-bundle-verify')) {
    it(c.id, async () => {
      const r = await check([`sha256:${'0'.repeat(64)}`, '--attestation', P(c.expect.bundle as string), '--trusted-root', ROOT]);
      const auth = r.doc?.authenticity as { ok: boolean } | undefined;
      const v = verdict(c.expect_text);
      if (v === undefined) {
        expect([0, 1]).toContain(r.code);
        return;
      }
      expect(auth?.ok, c.expect_text).toBe(v === 'pass');
      if (v === 'fail') expect(r.failed).toContain('signature');
    });
  }
});

/** npm's registry attestation keys (keys.json from the TUF repository) as PEM files, for --key. */
function npmKeys(rel: string): string[] {
  const { mkdtempSync, writeFileSync } = require('node:fs') as typeof import('node:fs');
  const dir = mkdtempSync(join(require('node:os').tmpdir() as string, 'custody-npm-keys-'));
  const doc = JSON.parse(readFileSync(P(rel), 'utf8')) as { keys: { keyUsage: string; publicKey: { rawBytes: string } }[] };
  return doc.keys
    .filter((k) => k.keyUsage === 'npm:attestations')
    .flatMap((k, i) => {
      const f = join(dir, `npm-${i}.pem`);
      writeFileSync(f, `-----BEGIN PUBLIC KEY-----\n${k.publicKey.rawBytes.match(/.{1,64}/g)!.join('\n')}\n-----END PUBLIC KEY-----\n`);
      return ['--key', f];
    });
}

describe('provenance corpus: npm attestations (slsa-verifier npm table)', () => {
  for (const c of cases.filter((x) => x.expect.kind === 'npm-attestations-verify')) {
    it(c.id, async () => {
      const e = c.expect;
      const base = [`sha512:${e.tarball_sha512 as string}`, '--attestation', P(e.attestations as string), '--trusted-root', P(e.trusted_root as string), ...npmKeys(e.npm_keys as string), '--source-uri', e.source_uri as string];
      const builder = /--builder-id (\S+?)[;,]?\s/.exec(c.expect_text)?.[1] ?? 'https://github.com/actions/runner/github-hosted';
      if (verdict(c.expect_text) === 'fail') {
        expectFail(await check([...base, '--builder-id', builder]), 'signature', 'invalid signature');
        return;
      }
      expectPass(await check([...base, '--builder-id', builder]), 'as given');
      expectFail(await check(base.slice(0, -2).concat('--source-uri', 'github.com/someone/else', '--builder-id', builder)), 'source-uri', 'wrong source');
      if (builder.startsWith('https://github.com/actions/runner')) {
        expectFail(await check(base), 'builder-id', 'no builder id');
        expectFail(await check([...base, '--builder-id', 'https://github.com/actions/runner/github-hosted2']), 'builder-id', 'github-hosted2');
        expectFail(await check([...base, '--builder-id', 'https://github.com/actions/runner2']), 'builder-id', 'runner2');
      }
      if (c.expect_text.includes('builder_nodejs_slsa.yml → ErrorMismatchBuilderID')) {
        expectFail(await check([...base, '--builder-id', 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_nodejs_slsa.yml']), 'builder-id', 'nodejs_slsa');
      }
      if (c.expect_text.includes('short form https://github.com/actions/runner → ErrorInvalidBuilderID')) {
        expectFail(await check([...base, '--builder-id', 'https://github.com/actions/runner']), 'builder-id', 'short form on v1');
      }
    });
  }
});

describe('provenance corpus: GitHub artifact attestations', () => {
  for (const c of cases.filter((x) => x.expect.kind === 'github-attestation-verify' && x.expect.trusted_root)) {
    it(c.id, async () => {
      const e = c.expect;
      const base = [`sha256:${e.artifact_sha256 as string}`, '--attestation', P(e.bundle as string), '--trusted-root', P(e.trusted_root as string), '--source-uri', e.source_uri as string];
      const builder = /--builder-id (\S+?)[;,]?\s/.exec(c.expect_text)![1]!;
      expectPass(await check([...base, '--builder-id', builder]), 'with builder');
      expectFail(await check(base), 'builder-id', 'without --builder-id');
      expectFail(await check([`sha256:${'1'.repeat(64)}`, ...base.slice(1), '--builder-id', builder]), 'subject', 'other artifact');
    });
  }
});

describe('provenance corpus: GitHub private Sigstore instance (no transparency log, no CT)', () => {
  const c = cases.find((x) => x.id === 'github-attestation/private-no-tlog')!;
  const e = c.expect;
  const base = [`sha256:${e.artifact_sha256 as string}`, '--attestation', P(e.bundle as string), '--trusted-root', P(e.trusted_root_jsonl as string), '--builder-id', e.identity as string];

  it('passes only with --allow-no-transparency-log, which the report lists as checks not performed', async () => {
    expect(c.expect_text).toContain('**PASS** against the GitHub line');
    const r = await check([...base, '--allow-no-transparency-log']);
    expectPass(r, 'opt-in');
    const auth = r.doc?.authenticity as { privateInstance?: boolean; tlogChecked: boolean; notChecked?: string[]; signer: { identity: string; claims: { issuer: string } } };
    expect(auth.privateInstance).toBe(true);
    expect(auth.tlogChecked).toBe(false);
    expect(auth.signer.identity).toBe(e.identity);
    expect(auth.signer.claims.issuer).toBe(e.issuer);
    expect(auth.notChecked!.join(' ')).toMatch(/certificate transparency not checked.*transparency-log inclusion not checked/);
    expect((r.doc?.notes as string[]).join(' ')).toContain('checks not performed (--allow-no-transparency-log, private Sigstore instance): certificate transparency, transparency-log inclusion');
    const human = await runInProcess(['provenance', 'check', ...base, '--allow-no-transparency-log']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('✓ signature             Sigstore bundle (private instance, no transparency log) verified');
    expect(human.stdout).toContain('note: checks not performed (--allow-no-transparency-log, private Sigstore instance)');
  });

  it('fails with default options, and with --allow-missing-tlog alone (the certificate has no SCT)', async () => {
    const strict = await check(base);
    expectFail(strict, 'signature', 'default options');
    expect(JSON.stringify(strict.doc)).toContain('expected 1 SCT, got 0');
    expectFail(await check([...base, '--allow-missing-tlog']), 'signature', '--allow-missing-tlog only');
  });

  it('still checks the artifact digest and the trusted root with the opt-in', async () => {
    const nonsense = createHash('sha256').update('nonsense').digest('hex');
    expectFail(await check([`sha256:${nonsense}`, ...base.slice(1), '--allow-no-transparency-log']), 'subject', 'sha256(nonsense)');
    // Against the public-good root alone (not GitHub's CA) nothing verifies.
    // Without its RFC 3161 timestamp the signing time is unproven: the opt-in does not waive that.
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const bundle = JSON.parse(readFileSync(P(e.bundle as string), 'utf8')) as { verificationMaterial: Record<string, unknown> };
    delete bundle.verificationMaterial.timestampVerificationData;
    const noTs = join(mkdtempSync(join(tmpdir(), 'custody-private-')), 'no-timestamp.sigstore.json');
    writeFileSync(noTs, JSON.stringify(bundle));
    const r = await check([base[0]!, '--attestation', noTs, ...base.slice(3), '--allow-no-transparency-log']);
    expectFail(r, 'signature', 'no timestamp');
    expect(JSON.stringify(r.doc)).toContain('an RFC 3161 timestamp from a trusted timestamp authority is required');
    expectFail(await check([...base.slice(0, 3), '--trusted-root', ROOT, '--builder-id', e.identity as string, '--allow-no-transparency-log']), 'signature', 'public-good root');
  });
});

describe('provenance corpus: unsigned statements and bare predicates (provenance-parse)', () => {
  const parse = cases.filter((c) => c.expect.kind === 'provenance-parse');
  it('has the cases', () => expect(parse.map((c) => c.id).sort()).toEqual(['unsigned/kube-slsa', 'unsigned/predicates']));
  const files = (JSON.parse(readFileSync(join(CORPUS, 'cases.json'), 'utf8')) as { cases: { id: string; files: { path: string }[] }[] }).cases
    .filter((c) => parse.some((p) => p.id === c.id))
    .flatMap((c) => c.files.map((f) => f.path));
  for (const rel of files) {
    it(`${rel}: parsed and reported unsigned, never a pass (exit 1)`, async () => {
      const doc = JSON.parse(readFileSync(P(rel), 'utf8')) as { _type?: string; predicateType?: string; subject?: { digest: { sha256: string } }[] };
      const isStatement = typeof doc._type === 'string';
      // The statement's own subject: everything else about it would match, and it still fails.
      const target = isStatement ? `sha256:${doc.subject![0]!.digest.sha256}` : `sha256:${'0'.repeat(64)}`;
      const r = await check([target, '--attestation', P(rel), '--print-provenance']);
      expectFail(r, 'signature', rel);
      expect(r.failed).toEqual(['signature']);
      expect((r.doc?.attestation as { form: string }).form).toBe(isStatement ? 'unsigned-statement' : 'unsigned-predicate');
      expect((r.doc?.authenticity as { error: { code: string } }).error.code).toBe('PROVENANCE_UNSIGNED');
      const st = r.doc?.statement as { type: string; predicateType: string; subjects: unknown[] };
      if (isStatement) {
        expect(st).toMatchObject({ type: doc._type, predicateType: doc.predicateType });
        expect(st.subjects.length).toBe(doc.subject!.length);
      } else {
        expect(st.predicateType).toBe(rel.includes('v0_2') ? 'https://slsa.dev/provenance/v0.2' : 'https://slsa.dev/provenance/v1');
        expect(st.subjects).toEqual([]);
      }
      expect((r.doc?.provenance as { builderId?: string }).builderId).toBeTruthy();
      const human = await runInProcess(['provenance', 'check', target, '--attestation', P(rel)]);
      expect(human.code).toBe(1);
      expect(human.stdout).toMatch(/✗ signature +unsigned (in-toto statement|SLSA predicate)/);
    });
  }
  it('kube-slsa v1.24.1 names the Kubernetes source and krel builder', async () => {
    const r = await check([`sha256:${'0'.repeat(64)}`, '--attestation', P('provenance/unsigned/kube-slsa-v1.24.1.json')]);
    expect(r.code).toBe(1);
    expect(r.doc?.provenance).toMatchObject({ slsaVersion: 'v0.2', builderId: 'https://git.k8s.io/release/docs/krel' });
    expect(JSON.stringify(r.doc?.provenance)).toContain('github.com/kubernetes/kubernetes');
  });
});

describe('provenance corpus: SLSA Verification Summary Attestation (slsa-verifier Test_runVerifyVSA)', () => {
  const c = cases.find((x) => x.expect.kind === 'vsa-verify')!;
  const text = c.expect_text;
  // The flags exactly as the case's text gives them (slsa-verifier's names, which custody accepts).
  const given = (name: string): string[] => [...text.matchAll(new RegExp(`--${name} ([^\\s;]+)`, 'g'))].map((m) => m[1]!);
  const args = (keyId: string | undefined, over: Record<string, string[]> = {}): string[] => {
    const v: Record<string, string[]> = {
      'attestation-path': [P(c.expect.vsa as string)],
      'public-key-path': [P(c.expect.key as string)],
      'subject-digest': given('subject-digest'),
      'verifier-id': given('verifier-id'),
      'resource-uri': given('resource-uri'),
      'verified-level': given('verified-level'),
      ...(keyId !== undefined ? { 'public-key-id': [keyId] } : {}),
      ...over,
    };
    return ['provenance', 'vsa', ...Object.entries(v).flatMap(([k, xs]) => xs.flatMap((x) => [`--${k}`, x])), '-o', 'json'];
  };
  const run = async (a: string[]) => {
    const r = await runInProcess(a);
    return { code: r.code, doc: JSON.parse(r.stdout) as { passed: boolean; failed: string[]; summary?: Record<string, unknown> }, stderr: r.stderr };
  };

  it('passes with the flags of the case', async () => {
    expect(given('verified-level')).toEqual(['BCID_L1', 'SLSA_BUILD_LEVEL_2']);
    const r = await run(args(given('public-key-id')[0]));
    expect(r.code, r.stderr).toBe(0);
    expect(r.doc.failed).toEqual([]);
    expect(r.doc.summary).toMatchObject({ verifierId: given('verifier-id')[0], resourceUri: given('resource-uri')[0], verificationResult: 'PASSED' });
    const human = await runInProcess(args(given('public-key-id')[0]).slice(0, -2));
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('✓ subject   gce_image_id:8970095005306000053');
    expect(human.stdout).toContain('PASS: all 7 checks hold');
  });

  it("public key id '' or 'my_key_id' → ErrorNoValidSignature", async () => {
    expect(text).toContain("public key id '' or 'my_key_id' → **FAIL ErrorNoValidSignature**");
    for (const id of ['', 'my_key_id', undefined]) {
      const r = await run(args(id));
      expect(r.code, String(id)).toBe(1);
      expect(r.doc.failed).toEqual(['signature']);
    }
  });

  it('each expectation that does not hold fails its own check', async () => {
    const id = given('public-key-id')[0];
    const table: [Record<string, string[]>, string][] = [
      [{ 'subject-digest': ['gce_image_id:8970095005306000054'] }, 'subject-digest'],
      [{ 'subject-digest': [...given('subject-digest'), 'sha256:'.padEnd(71, 'a')] }, 'subject-digest'],
      [{ 'verifier-id': ['https://bcid.corp.google.com/verifier/bcid_package_enforcer/v0.2'] }, 'verifier-id'],
      [{ 'resource-uri': ['gce_image://gke-node-images:other'] }, 'resource-uri'],
      [{ 'verified-level': ['SLSA_BUILD_LEVEL_3'] }, 'verified-levels'],
      [{ 'verified-level': ['BCID_L2'] }, 'verified-levels'],
    ];
    for (const [over, claim] of table) {
      const r = await run(args(id, over));
      expect(r.code, JSON.stringify(over)).toBe(1);
      expect(r.doc.failed).toEqual([claim]);
    }
    expect((await run(args(id, { 'verified-level': ['SLSA_BUILD_LEVEL_1'] }))).code).toBe(0);
  });

  it('an edited VSA never passes', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const env = JSON.parse(readFileSync(P(c.expect.vsa as string), 'utf8')) as { payload: string };
    const st = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as { predicate: { verifiedLevels: string[] } };
    st.predicate.verifiedLevels.push('SLSA_BUILD_LEVEL_3');
    env.payload = Buffer.from(JSON.stringify(st)).toString('base64');
    const f = join(mkdtempSync(join(tmpdir(), 'custody-vsa-')), 'edited.jsonl');
    writeFileSync(f, JSON.stringify(env));
    const r = await run(args(given('public-key-id')[0], { 'attestation-path': [f], 'verified-level': ['SLSA_BUILD_LEVEL_3'] }));
    expect(r.code).toBe(1);
    expect(r.doc.failed).toEqual(['signature']);
  });
});

const gcbKeys = (dir: string): string[] => readdirSync(P(dir)).filter((f) => f.endsWith('.key')).flatMap((f) => ['--key', join(P(dir), f)]);

/** slsa-verifier's GCB error -> the custody claim that must fail (exit 3 for a document that is not JSON). */
const GCB_ERROR_CLAIM: Record<string, string> = { ErrorNoValidSignature: 'signature', ErrorMismatchHash: 'summary', ErrorMismatchIntoto: 'summary', ErrorInvalidFormat: 'summary' };

describe('provenance corpus: Google Cloud Build provenance (key-signed, slsa-verifier gcb tables)', () => {
  const gcb = cases.filter((c) => c.expect.kind === 'gcb-provenance-verify');
  it('has the cases', () => expect(gcb.length).toBeGreaterThanOrEqual(33));
  for (const c of gcb) {
    it(c.id, async () => {
      const e = c.expect;
      const keys = gcbKeys((e.keys_dir as string | undefined) ?? 'provenance/gcb/keys');
      const source = /--source-uri (\S+)/.exec(c.expect_text)?.[1] ?? (e.source_uri as string);
      // cases.json gives the gcs case the digest of the github case's image; the document's own image is its subject.
      const digest = c.id.endsWith('/gcloud-container-gcs')
        ? (JSON.parse(readFileSync(P(e.provenance as string), 'utf8')) as { image_summary: { digest: string } }).image_summary.digest
        : (e.image_digest as string);
      const noSource = [digest, '--attestation', P(e.provenance as string), ...keys, '--allow-missing-tlog'];
      const base = [...noSource, '--source-uri', source];
      if (verdict(c.expect_text) === 'fail') {
        const err = namedError(c.expect_text)!;
        const r = await check(base);
        if (err === 'ErrorInvalidDssePayload') {
          expect(r.code).toBe(3);
          return;
        }
        expectFail(r, GCB_ERROR_CLAIM[err], `${c.id} (${err})`);
        return;
      }
      expectPass(await check(base), 'as given');
      // Without the keys nothing verifies.
      expectFail(await check([digest, '--attestation', P(e.provenance as string), '--allow-missing-tlog']), 'signature', 'no keys');
      if (c.id === 'gcb/v0.2/gcloud-container-github') {
        expectPass(await check([...base, '--builder-id', 'https://cloudbuild.googleapis.com/GoogleHostedWorker']), 'builder');
        expectPass(await check([...base, '--builder-id', 'https://cloudbuild.googleapis.com/GoogleHostedWorker@v0.2']), 'builder@v0.2');
        expectFail(await check([...base, '--builder-id', 'https://cloudbuild.googleapis.com/GoogleHostedWorker@v0.4']), 'builder-id', 'builder@v0.4');
        expectFail(await check([...base, '--builder-id', 'https://cloudbuild.googleapis.com/GoogleHostedWorkera']), 'builder-id', 'builder+a');
        for (const s of ['github.com/laurentsimon/name', 'github.com/org/gcb-tests', 'gitlab.com/laurentsimon/gcb-tests']) {
          expectFail(await check([...noSource, '--source-uri', s]), 'source-uri', `source ${s}`);
        }
      }
      if (c.id === 'gcb/v0.3/gcloud-container-github-tag') {
        expectPass(await check([...base, '--source-tag', 'v33.0.4']), 'tag');
        for (const t of ['v34.0.4', 'v33.1.4', 'v33.0.5']) expectFail(await check([...base, '--source-tag', t]), 'source-tag', `tag ${t}`);
        for (const t of ['v33', 'v33.0', 'v33.0.4']) expectPass(await check([...base, '--source-versioned-tag', t]), `versioned ${t}`);
        for (const t of ['v33.0.5', 'v33.1', 'v35']) expectFail(await check([...base, '--source-versioned-tag', t]), 'source-versioned-tag', `versioned ${t}`);
      }
    });
  }
});

describe('provenance corpus: tampered statements never pass', () => {
  const valid = [
    'provenance/slsa-verifier/gha_go/v2.1.0/binary-linux-amd64-push-v14.intoto.jsonl',
    'provenance/slsa-verifier/gha_delegator/v2.1.0/binary-linux-amd64-push-v14.build.slsa',
    'provenance/github-attestations/bcr/MODULE.bazel.intoto.jsonl',
    'provenance/slsa-verifier/gha_generic/v1.4.0/binary-linux-amd64-push-v14.intoto.jsonl',
  ];
  const edits: [string, (st: Record<string, any>) => void][] = [
    ['subject', (st) => (st.subject[0].digest.sha256 = 'f'.repeat(64))],
    ['builder', (st) => (st.predicate.builder ? (st.predicate.builder.id = 'https://github.com/evil/builder.yml') : (st.predicate.runDetails.builder.id = 'https://github.com/evil/builder.yml'))],
    ['source', (st) => {
      const s = JSON.stringify(st).replaceAll('slsa-framework/example-package', 'evil/example-package').replaceAll('aspect-build/rules_lint', 'evil/rules_lint');
      Object.assign(st, JSON.parse(s));
    }],
  ];
  for (const rel of valid) {
    for (const [name, edit] of edits) {
      it(`${rel} with edited ${name}`, async () => {
        const { mkdtempSync, writeFileSync } = await import('node:fs');
        const { tmpdir } = await import('node:os');
        const text = readFileSync(P(rel), 'utf8').trim();
        const obj = JSON.parse(text) as Record<string, any>;
        const env = obj.dsseEnvelope ?? obj;
        const st = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as Record<string, any>;
        const subject = `sha256:${st.subject[0].digest.sha256 as string}`;
        edit(st);
        env.payload = Buffer.from(JSON.stringify(st)).toString('base64');
        const dir = mkdtempSync(join(tmpdir(), 'custody-tamper-'));
        const out = join(dir, 'tampered.json');
        writeFileSync(out, JSON.stringify(obj));
        const target = name === 'subject' ? `sha256:${'f'.repeat(64)}` : subject;
        const r = await check([target, '--attestation', out, '--trusted-root', ROOT, '--allow-missing-tlog', '--source-uri', 'github.com/evil/example-package']);
        expect(r.code).toBe(1);
        expect(r.failed).toContain('signature');
        expect(r.doc?.statement).toBeUndefined();
      });
    }
  }
});

describe('provenance corpus: through the built CLI', () => {
  it('a v2.1.0 Go builder bundle passes with every claim; the report is the chain of custody', async () => {
    const r = await runBuilt([
      'provenance', 'check', 'sha256:f6ab7ad0c7549b5a4942c3b0690519d791c28c4c0f8b286208cb40da3322a066',
      '--attestation', P('provenance/slsa-verifier/gha_go/v2.1.0/binary-linux-amd64-push-v14.intoto.jsonl'),
      '--source-uri', 'github.com/slsa-framework/example-package', '--source-tag', 'v14', '--source-versioned-tag', 'v14.0',
      '--builder-id', 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml@v2.1.0',
      '--build-type', 'https://github.com/slsa-framework/slsa-github-generator/go@v1',
      '--workflow', '.github/workflows/verifier-e2e.all.workflow_dispatch.main.all.slsa3.yml',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ signature             Sigstore bundle verified (signed 2025-02-25T21:12:17.000Z)');
    expect(r.stdout).toContain('✓ source    github.com/slsa-framework/example-package @ 4d329c75e7ec (refs/tags/v14)');
    expect(r.stdout).toContain('PASS: all 10 checks hold');
  });

  it('a wrong tag on a real bundle exits 1 naming expected and actual', async () => {
    const r = await runBuilt([
      'provenance', 'check', 'sha256:f6ab7ad0c7549b5a4942c3b0690519d791c28c4c0f8b286208cb40da3322a066',
      '--bundle', P('provenance/slsa-verifier/gha_go/v2.1.0/binary-linux-amd64-push-v14.intoto.jsonl'),
      '--source-tag', 'v13',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('✗ source-tag');
    expect(r.stdout).toContain('expected v13');
    expect(r.stdout).toContain('actual   v14');
  });
});

