// Attestations attached to an image in the real loopback registry (127.0.0.1:5000, started by the real
// tier's global set-up): the test pushes a small image and a cosign-style `.att` manifest whose layer is a
// DSSE envelope signed with a node:crypto P-256 key, then discovers and checks it through the built CLI.
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBuilt } from '../helpers/run-cli.js';

const REG = 'http://127.0.0.1:5000';
const REPO = 'custody-provenance/app';
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

async function pushBlob(data: Buffer): Promise<{ digest: string; size: number }> {
  const digest = `sha256:${sha(data)}`;
  const start = await fetch(`${REG}/v2/${REPO}/blobs/uploads/`, { method: 'POST' });
  expect(start.status).toBe(202);
  const loc = new URL(start.headers.get('location')!, REG);
  loc.searchParams.set('digest', digest);
  const put = await fetch(loc, { method: 'PUT', body: data, headers: { 'content-type': 'application/octet-stream' } });
  expect(put.status).toBe(201);
  return { digest, size: data.length };
}

async function pushManifest(tag: string, manifest: unknown): Promise<string> {
  const body = Buffer.from(JSON.stringify(manifest));
  const res = await fetch(`${REG}/v2/${REPO}/manifests/${tag}`, { method: 'PUT', body, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } });
  expect(res.status).toBe(201);
  return sha(body);
}

async function pushImage(tag: string, content: string): Promise<string> {
  const config = await pushBlob(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: { Labels: { content } } })));
  const layer = await pushBlob(Buffer.from(content));
  return pushManifest(tag, {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
  });
}

function envelope(hex: string, key: KeyObject, repo = 'org/app'): Record<string, unknown> {
  const st = {
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: 'https://slsa.dev/provenance/v0.2',
    subject: [{ name: `127.0.0.1:5000/${REPO}`, digest: { sha256: hex } }],
    predicate: {
      builder: { id: 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v2.1.0' },
      buildType: 'https://github.com/slsa-framework/slsa-github-generator/container@v1',
      invocation: { configSource: { uri: `git+https://github.com/${repo}@refs/heads/main`, digest: { sha1: 'a'.repeat(40) }, entryPoint: '.github/workflows/build.yml' } },
    },
  };
  const body = Buffer.from(JSON.stringify(st));
  const type = 'application/vnd.in-toto+json';
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${type.length} ${type} ${body.length} `), body]);
  return { payloadType: type, payload: body.toString('base64'), signatures: [{ keyid: '', sig: sign('sha256', pae, key).toString('base64') }] };
}

async function attach(hex: string, env: Record<string, unknown>): Promise<void> {
  const layer = await pushBlob(Buffer.from(JSON.stringify(env)));
  const config = await pushBlob(Buffer.from('{}'));
  await pushManifest(`sha256-${hex}.att`, {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.dsse.envelope.v1+json', ...layer, annotations: { predicateType: 'https://slsa.dev/provenance/v0.2' } }],
  });
}

const dir = mkdtempSync(join(tmpdir(), 'custody-prov-image-'));
const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PUB = join(dir, 'cosign.pub');
const OTHER = join(dir, 'other.pub');
writeFileSync(PUB, keys.publicKey.export({ type: 'spki', format: 'pem' }));
writeFileSync(OTHER, other.publicKey.export({ type: 'spki', format: 'pem' }));
let signed = '';
let tampered = '';
let bare = '';
let referred = '';

/** A key-signed Sigstore bundle attached as an OCI 1.1 referrer (manifest with `subject`, plus the tag-schema index). */
async function attachReferrer(hex: string, env: Record<string, unknown>): Promise<void> {
  const type = 'application/vnd.dev.sigstore.bundle.v0.3+json';
  const bundle = { mediaType: type, verificationMaterial: { publicKey: { hint: '' }, tlogEntries: [] }, dsseEnvelope: env };
  const layer = await pushBlob(Buffer.from(JSON.stringify(bundle)));
  const config = await pushBlob(Buffer.from('{}'));
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: type,
    config: { mediaType: 'application/vnd.oci.empty.v1+json', ...config },
    layers: [{ mediaType: type, ...layer }],
    subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${hex}`, size: 1 },
  };
  const body = Buffer.from(JSON.stringify(manifest));
  const d = await pushManifest(`ref-${hex.slice(0, 12)}`, manifest);
  const index = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: manifest.mediaType, digest: `sha256:${d}`, size: body.length, artifactType: type }] };
  const res = await fetch(`${REG}/v2/${REPO}/manifests/sha256-${hex}`, { method: 'PUT', body: JSON.stringify(index), headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' } });
  expect(res.status).toBe(201);
}

beforeAll(async () => {
  const stamp = `${process.pid}-${Date.now()}`;
  signed = await pushImage(`signed-${stamp}`, `signed ${stamp}`);
  await attach(signed, envelope(signed, keys.privateKey));
  tampered = await pushImage(`tampered-${stamp}`, `tampered ${stamp}`);
  const t = envelope(tampered, keys.privateKey, 'evil/app');
  t.payload = Buffer.from(Buffer.from(t.payload as string, 'base64').toString('utf8').replace('evil/app', 'org/app')).toString('base64');
  await attach(tampered, t);
  bare = await pushImage(`bare-${stamp}`, `bare ${stamp}`);
  referred = await pushImage(`referred-${stamp}`, `referred ${stamp}`);
  await attachReferrer(referred, envelope(referred, keys.privateKey));
});

const check = (hex: string, ...args: string[]) => runBuilt(['provenance', 'check', `registry:127.0.0.1:5000/${REPO}@sha256:${hex}`, '--plain-http', '--allow-missing-tlog', ...args]);

describe('provenance check on registry images (cosign .att discovery)', () => {
  it('discovers the .att attestation and checks it against the manifest digest', async () => {
    const r = await check(signed, '--key', PUB, '--source-uri', 'github.com/org/app', '--source-branch', 'main', '--build-type', 'https://github.com/slsa-framework/slsa-github-generator/container@v1');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`attestation: 127.0.0.1:5000/${REPO} .att layer 1 (dsse-envelope)`);
    expect(r.stdout).toContain(`✓ artifact  sha256:${signed}`);
    expect(r.stdout).toContain('PASS: all 8 checks hold');
    expect(r.stderr).toContain('found 1 attestation(s) attached to');
  });

  it('discovers a Sigstore bundle attached as an OCI 1.1 referrer', async () => {
    const r = await check(referred, '--key', PUB, '--source-uri', 'github.com/org/app', '-o', 'json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { attestation: { form: string; origin: string }; artifact: { digests: { sha256: string } } };
    expect(j.attestation.form).toBe('sigstore-bundle');
    expect(j.attestation.origin).toContain('referrer sha256:');
    expect(j.artifact.digests.sha256).toBe(referred);
    const k = await check(referred, '--key', OTHER);
    expect(k.code).toBe(1);
  });

  it('a wrong key or a wrong claim fails (exit 1)', async () => {
    const k = await check(signed, '--key', OTHER);
    expect(k.code).toBe(1);
    expect(k.stdout).toContain('✗ signature');
    const c = await check(signed, '--key', PUB, '--source-uri', 'github.com/org/other');
    expect(c.code).toBe(1);
    expect(c.stdout).toContain('✗ source-uri');
  });

  it('an edited payload attached to an image never passes', async () => {
    const r = await check(tampered, '--key', PUB, '--source-uri', 'github.com/org/app', '-o', 'json');
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { failed: string[] }).failed).toEqual(['signature']);
  });

  it('an image without attestations is an input error (exit 3); a missing repository is a network error (exit 5)', async () => {
    const r = await check(bare, '--key', PUB);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('[PROVENANCE_NO_ATTESTATION_FOUND]');
    const missing = await runBuilt(['provenance', 'check', 'registry:127.0.0.1:5000/custody-provenance/nope:latest', '--plain-http']);
    expect(missing.code).toBe(5);
    expect(missing.stdout).toBe('');
  });
});
