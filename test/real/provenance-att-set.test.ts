// Real cosign `.att` attestations (slsa-github-generator container builder v1.4.0 and v2.1.0, from
// slsa-verifier's OCI layouts in ../shared/corpus/cosign/oci-layout-attestations): the attestation manifest
// and its blobs are pushed, as cosign attest left them, to the loopback registry under the image's
// `sha256-<hex>.att` tag; `custody provenance check registry:...@sha256:...` discovers them and checks the
// Rekor SET in `dev.sigstore.cosign/bundle` offline against the public-good trusted root, as cosign does:
// no --allow-missing-tlog needed, and a tampered SET, entry or certificate fails.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CORPUS } from '../helpers/paths.js';
import { pushBlob, pushManifest, REGISTRY_HOST } from '../helpers/registry-push.js';
import { runBuilt, runInProcess } from '../helpers/run-cli.js';

interface Case {
  id: string;
  expect_text: string;
  expect: { kind: string; layout: string; image_digest: string; source_uri: string; builder_id: string };
}

const cases = (JSON.parse(readFileSync(join(CORPUS, 'cases.json'), 'utf8')) as { cases: Case[] }).cases.filter((c) => c.expect.kind === 'cosign-oci-attestation-verify');

type Manifest = { config: { digest: string }; layers: { digest: string; mediaType: string; size: number; annotations: Record<string, string> }[] } & Record<string, unknown>;

function layoutAtt(layout: string): { manifest: Manifest; blob: (d: string) => Buffer } {
  const dir = join(CORPUS, layout);
  const blob = (d: string): Buffer => readFileSync(join(dir, 'blobs', 'sha256', d.replace('sha256:', '')));
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations?: Record<string, string> }[] };
  const att = index.manifests.find((m) => m.annotations?.kind === 'dev.cosignproject.cosign/atts')!;
  return { manifest: JSON.parse(blob(att.digest).toString('utf8')) as Manifest, blob };
}

/** Push the layout's attestation manifest (optionally edited) as `repo:sha256-<hex>.att`. */
async function pushAtt(repo: string, c: Case, edit?: (m: Manifest) => void): Promise<void> {
  const { manifest, blob } = layoutAtt(c.expect.layout);
  for (const d of [manifest.config.digest, ...manifest.layers.map((l) => l.digest)]) await pushBlob(repo, blob(d));
  const m = JSON.parse(JSON.stringify(manifest)) as Manifest;
  edit?.(m);
  await pushManifest(repo, `${c.expect.image_digest.replace(':', '-')}.att`, m);
}

const ROOT = join(CORPUS, 'sigstore/trusted-roots/public-good/trusted_root.json');

async function check(repo: string, c: Case, ...extra: string[]) {
  const r = await runInProcess(['provenance', 'check', `registry:${REGISTRY_HOST}/${repo}@${c.expect.image_digest}`, '--plain-http', '--trusted-root', ROOT, '--source-uri', c.expect.source_uri, ...extra, '-o', 'json']);
  let doc: { passed: boolean; failed: string[]; attestation: { form: string }; authenticity: { method: string; tlogChecked: boolean; checks: { name: string; ok: boolean; detail: string }[] } } | undefined;
  try {
    doc = JSON.parse(r.stdout);
  } catch {
    doc = undefined;
  }
  return { ...r, doc };
}

describe('provenance check: cosign .att attestations with a Rekor SET (real slsa-github-generator container provenance)', () => {
  it('has the cases', () => expect(cases.map((c) => c.id).sort()).toEqual(['cosign/oci-layout/gha_generic_container-v1.4.0', 'cosign/oci-layout/gha_generic_container-v2.1.0']));

  for (const c of cases) {
    const name = c.id.split('/').pop()!;
    const repo = `custody-att-set/${name}`;
    beforeAll(async () => pushAtt(repo, c));

    it(`${name}: passes without --allow-missing-tlog; the SET and the log entry are checked`, async () => {
      expect(c.expect_text).toContain('**PASS**');
      const r = await check(repo, c, '--builder-id', c.expect.builder_id);
      expect(r.code, r.stderr).toBe(0);
      expect(r.doc!.failed).toEqual([]);
      expect(r.doc!.attestation.form).toBe('cosign-attestation');
      expect(r.doc!.authenticity.method).toBe('cosign attestation (Rekor SET)');
      expect(r.doc!.authenticity.tlogChecked).toBe(true);
      const names = r.doc!.authenticity.checks.filter((x) => x.ok).map((x) => x.name);
      for (const n of ['tlog-inclusion', 'tlog-body', 'certificate', 'signature', 'timestamp']) expect(names).toContain(n);
      expect(r.doc!.authenticity.checks.find((x) => x.name === 'tlog-inclusion')!.detail).toContain('SET');
    });

    it(`${name}: the mismatches slsa-verifier asserts (branch master, untrusted builder, source example-packageA)`, async () => {
      const branch = await check(repo, c, '--source-branch', 'master');
      expect(branch.code).toBe(1);
      expect(branch.doc!.failed).toEqual(['source-branch']);
      const builder = await check(repo, c, '--builder-id', 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/not-trusted.yml');
      expect(builder.code).toBe(1);
      expect(builder.doc!.failed).toContain('builder-id');
      const src = await runInProcess(['provenance', 'check', `registry:${REGISTRY_HOST}/${repo}@${c.expect.image_digest}`, '--plain-http', '--trusted-root', ROOT, '--source-uri', 'github.com/slsa-framework/example-packageA', '-o', 'json']);
      expect(src.code).toBe(1);
      expect((JSON.parse(src.stdout) as { failed: string[] }).failed).toContain('source-uri');
    });
  }

  const c = cases.find((x) => x.id.endsWith('v2.1.0'))!;
  const tamper: [string, (m: Manifest) => void, string][] = [
    [
      'SET replaced by another signature',
      (m) => {
        const a = m.layers[0]!.annotations;
        const rb = JSON.parse(a['dev.sigstore.cosign/bundle']!) as { SignedEntryTimestamp: string };
        const other = JSON.parse(layoutAtt(cases.find((x) => x.id.endsWith('v1.4.0'))!.expect.layout).manifest.layers[0]!.annotations['dev.sigstore.cosign/bundle']!) as { SignedEntryTimestamp: string };
        rb.SignedEntryTimestamp = other.SignedEntryTimestamp;
        a['dev.sigstore.cosign/bundle'] = JSON.stringify(rb);
      },
      'tlog-inclusion',
    ],
    [
      'integrated time edited',
      (m) => {
        const a = m.layers[0]!.annotations;
        const rb = JSON.parse(a['dev.sigstore.cosign/bundle']!) as { Payload: { integratedTime: number } };
        rb.Payload.integratedTime += 3600;
        a['dev.sigstore.cosign/bundle'] = JSON.stringify(rb);
      },
      'tlog-inclusion',
    ],
    [
      'log entry of another attestation',
      (m) => {
        m.layers[0]!.annotations['dev.sigstore.cosign/bundle'] = layoutAtt(cases.find((x) => x.id.endsWith('v1.4.0'))!.expect.layout).manifest.layers[0]!.annotations['dev.sigstore.cosign/bundle']!;
      },
      'tlog-body',
    ],
  ];
  for (const [what, edit, failing] of tamper) {
    it(`a tampered .att fails: ${what} (also with --allow-missing-tlog: a present log entry is always checked)`, async () => {
      const repo = `custody-att-set/tampered-${what.toLowerCase().replace(/\W+/g, '-')}`;
      await pushAtt(repo, c, edit);
      for (const extra of [[], ['--allow-missing-tlog']]) {
        const r = await check(repo, c, '--builder-id', c.expect.builder_id, ...extra);
        expect(r.code, `${what} ${extra.join(' ')}: ${r.stderr}`).toBe(1);
        expect(r.doc!.failed).toEqual(['signature']);
        expect(r.doc!.authenticity.checks.filter((x) => !x.ok).map((x) => x.name)).toContain(failing);
      }
    });
  }

  it('intoto 0.0.1 entries (cosign < 2.0) are bound to the envelope bytes: the same envelope re-serialised fails', async () => {
    const old = cases.find((x) => x.id.endsWith('v1.4.0'))!;
    const repo = 'custody-att-set/reserialised-v1.4.0';
    const { manifest, blob } = layoutAtt(old.expect.layout);
    const layer = manifest.layers[0]!;
    const reser = Buffer.from(JSON.stringify(JSON.parse(blob(layer.digest).toString('utf8')), null, 2));
    const pushed = await pushBlob(repo, reser);
    await pushAtt(repo, old, (m) => Object.assign(m.layers[0]!, { digest: pushed.digest, size: pushed.size }));
    const r = await check(repo, old, '--builder-id', old.expect.builder_id);
    expect(r.code, r.stderr).toBe(1);
    expect(r.doc!.failed).toEqual(['signature']);
    const body = r.doc!.authenticity.checks.find((x) => x.name === 'tlog-body')!;
    expect(body.ok).toBe(false);
    expect(body.detail).toContain('the envelope hash differs from the attestation layer');
    // The original bytes pass, through the same intoto 0.0.1 binding.
    const ok = await check('custody-att-set/gha_generic_container-v1.4.0', old, '--builder-id', old.expect.builder_id);
    expect(ok.doc!.authenticity.checks.find((x) => x.name === 'tlog-body')!.detail).toContain('intoto 0.0.1 entry matches the envelope, payload and certificate');
  });

  it('a malformed dev.sigstore.cosign/bundle annotation is malformed input (exit 3), never skipped', async () => {
    const repo = 'custody-att-set/malformed';
    await pushAtt(repo, c, (m) => (m.layers[0]!.annotations['dev.sigstore.cosign/bundle'] = '{"SignedEntryTimestamp":'));
    const r = await runBuilt(['provenance', 'check', `registry:${REGISTRY_HOST}/${repo}@${c.expect.image_digest}`, '--plain-http', '--trusted-root', ROOT]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('[PROVENANCE_MALFORMED_ATTESTATION]');
    expect(r.stderr).toContain('the dev.sigstore.cosign/bundle annotation is not JSON');
  });

  it('the same layouts read directly (oci-dir:, cosign save form: index entries of kind dev.cosignproject.cosign/atts)', async () => {
    for (const x of cases) {
      const ref = `oci-dir:${join(CORPUS, x.expect.layout)}@${x.expect.image_digest}`;
      const ok = await runInProcess(['provenance', 'check', ref, '--source-uri', x.expect.source_uri, '--builder-id', x.expect.builder_id, '-o', 'json']);
      expect(ok.code, ok.stderr).toBe(0);
      const doc = JSON.parse(ok.stdout) as { attestation: { form: string }; authenticity: { tlogChecked: boolean } };
      expect(doc.attestation.form).toBe('cosign-attestation');
      expect(doc.authenticity.tlogChecked).toBe(true);
      const branch = await runInProcess(['provenance', 'check', ref, '--source-uri', x.expect.source_uri, '--source-branch', 'master', '-o', 'json']);
      expect(branch.code).toBe(1);
      expect((JSON.parse(branch.stdout) as { failed: string[] }).failed).toEqual(['source-branch']);
    }
  });

  it('through the built CLI: the human report shows the verified log entry', async () => {
    const r = await runBuilt(['provenance', 'check', `registry:${REGISTRY_HOST}/custody-att-set/gha_generic_container-v2.1.0@${c.expect.image_digest}`, '--plain-http', '--trusted-root', ROOT, '--source-uri', c.expect.source_uri, '--builder-id', c.expect.builder_id]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ signature +cosign attestation \(Rekor SET\) verified \(signed 2025-/);
    expect(r.stdout).toContain('(cosign-attestation)');
    expect(r.stdout).not.toContain('--allow-missing-tlog');
    expect(r.stdout).toContain('PASS');
  });
});
