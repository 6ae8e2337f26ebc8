/**
 * Real tier: cosign-format image signatures made with a test key, pushed with a real Debian image to the
 * running loopback docker-registry (127.0.0.1:5000) and written into a real OCI layout; `custody verify`
 * discovers the `sha256-<digest>.sig` tag and verifies it, and refuses a wrong key or a wrong digest.
 */
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { IMAGES } from '../helpers/paths.js';
import { runBuilt } from '../helpers/run-cli.js';

const REGISTRY = '127.0.0.1:5000';
const REPO = `custody-verify/debian-min-${process.pid}`;
const SRC = join(IMAGES, 'oci', 'debian-min');
const have = existsSync(join(SRC, 'index.json'));
const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function payloadFor(digest: string): Buffer {
  return Buffer.from(JSON.stringify({ critical: { identity: { 'docker-reference': `${REGISTRY}/${REPO}` }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' }, optional: null }));
}

function sigManifest(payload: Buffer, signature: string): { manifest: Buffer; blobs: Buffer[] } {
  const config = Buffer.from('{}');
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: sha(payload), size: payload.length, annotations: { 'dev.cosignproject.cosign/signature': signature } }],
  }));
  return { manifest, blobs: [config, payload] };
}

async function pushBlob(repo: string, blob: Buffer): Promise<void> {
  const start = await fetch(`http://${REGISTRY}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  expect(start.status).toBe(202);
  const loc = new URL(start.headers.get('location') as string, `http://${REGISTRY}`);
  loc.searchParams.set('digest', sha(blob));
  const put = await fetch(loc, { method: 'PUT', body: blob, headers: { 'content-type': 'application/octet-stream' } });
  expect(put.status).toBe(201);
}

async function pushManifest(repo: string, tag: string, manifest: Buffer, mediaType = 'application/vnd.oci.image.manifest.v1+json'): Promise<void> {
  const r = await fetch(`http://${REGISTRY}/v2/${repo}/manifests/${tag}`, { method: 'PUT', body: manifest, headers: { 'content-type': mediaType } });
  expect(r.status).toBe(201);
}

describe.skipIf(!have)('verify: cosign image signatures (real registry and OCI layout)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'custody-verify-img-'));
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const wrong = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(join(dir, 'cosign.pub'), key.publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(dir, 'wrong.pub'), wrong.publicKey.export({ type: 'spki', format: 'pem' }));
  let digest = '';
  let repoOther = '';

  beforeAll(async () => {
    execFileSync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${SRC}`, `docker://${REGISTRY}/${REPO}:latest`]);
    digest = `sha256:${createHash('sha256').update(execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${REGISTRY}/${REPO}:latest`])).digest('hex')}`;
    const payload = payloadFor(digest);
    const { manifest, blobs } = sigManifest(payload, sign('sha256', payload, key.privateKey).toString('base64'));
    for (const b of blobs) await pushBlob(REPO, b);
    await pushManifest(REPO, `${digest.replace(':', '-')}.sig`, manifest);
    // A second repository whose signature payload names another digest.
    repoOther = `${REPO}-wrongdigest`;
    execFileSync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${SRC}`, `docker://${REGISTRY}/${repoOther}:latest`]);
    const bad = payloadFor(`sha256:${'cd'.repeat(32)}`);
    const m2 = sigManifest(bad, sign('sha256', bad, key.privateKey).toString('base64'));
    for (const b of m2.blobs) await pushBlob(repoOther, b);
    await pushManifest(repoOther, `${digest.replace(':', '-')}.sig`, m2.manifest);
    // The same signature in a real OCI layout.
    cpSync(SRC, join(dir, 'layout'), { recursive: true });
    const index = JSON.parse(readFileSync(join(dir, 'layout', 'index.json'), 'utf8')) as { manifests: unknown[] };
    for (const b of [...blobs, manifest]) writeFileSync(join(dir, 'layout', 'blobs', 'sha256', sha(b).slice(7)), b);
    index.manifests.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(manifest), size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': `${digest.replace(':', '-')}.sig` } });
    writeFileSync(join(dir, 'layout', 'index.json'), JSON.stringify(index));
  }, 300_000);

  it('verifies from the loopback registry by digest and by tag', async () => {
    const r = await runBuilt(['verify', `registry:${REGISTRY}/${REPO}@${digest}`, '--key', join(dir, 'cosign.pub'), '--plain-http']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('✓ docker-manifest-digest');
    expect(r.stderr).toBe('');
    const t = await runBuilt(['verify', `registry:${REGISTRY}/${REPO}:latest`, '--key', join(dir, 'cosign.pub'), '--plain-http', '-o', 'json']);
    expect(t.code).toBe(0);
    expect((JSON.parse(t.stdout) as { subject: string }).subject).toContain(digest);
  });

  it('refuses the wrong key (exit 1)', async () => {
    const r = await runBuilt(['verify', `registry:${REGISTRY}/${REPO}@${digest}`, '--key', join(dir, 'wrong.pub'), '--plain-http']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ signature/);
  });

  it('refuses a signature whose payload names another digest (exit 1)', async () => {
    const r = await runBuilt(['verify', `registry:${REGISTRY}/${repoOther}@${digest}`, '--key', join(dir, 'cosign.pub'), '--plain-http']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ docker-manifest-digest +payload signs sha256:cdcd/);
  });

  it('an unsigned image fails (exit 1, discovery)', async () => {
    const r = await runBuilt(['verify', `registry:${REGISTRY}/sbomtest/debian-min:latest`, '--key', join(dir, 'cosign.pub'), '--plain-http']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ discovery/);
  });

  it('verifies the same signature from an OCI layout of the real image', async () => {
    const r = await runBuilt(['verify', `oci-dir:${join(dir, 'layout')}@${digest}`, '--key', join(dir, 'cosign.pub')]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const w = await runBuilt(['verify', `oci-dir:${join(dir, 'layout')}@${digest}`, '--key', join(dir, 'wrong.pub')]);
    expect(w.code).toBe(1);
  });
});

const BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

/** A key-signed Sigstore bundle (v0.3, DSSE in-toto statement about `digest`, no log entry), as cosign's new bundle format. */
function keySignedBundle(digest: string, key: KeyObject): Buffer {
  const payloadType = 'application/vnd.in-toto+json';
  const payload = Buffer.from(JSON.stringify({
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: `${REGISTRY}/${REPO}`, digest: { sha256: digest.slice('sha256:'.length) } }],
    predicateType: 'https://custody.test/image-signature/v1',
    predicate: {},
  }));
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${payloadType.length} ${payloadType} ${payload.length} `), payload]);
  return Buffer.from(JSON.stringify({
    mediaType: BUNDLE_TYPE,
    verificationMaterial: { publicKey: { hint: '' }, tlogEntries: [] },
    dsseEnvelope: { payload: payload.toString('base64'), payloadType, signatures: [{ sig: sign('sha256', pae, key).toString('base64'), keyid: '' }] },
  }));
}

/** An OCI 1.1 referrer manifest carrying `bundle`, whose subject is the image manifest. */
function referrerManifest(bundle: Buffer, image: { mediaType: string; digest: string; size: number }): { manifest: Buffer; blobs: Buffer[] } {
  const empty = Buffer.from('{}');
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: BUNDLE_TYPE,
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha(empty), size: empty.length },
    layers: [{ mediaType: BUNDLE_TYPE, digest: sha(bundle), size: bundle.length }],
    subject: image,
  }));
  return { manifest, blobs: [empty, bundle] };
}

describe.skipIf(!have)('verify: Sigstore bundles attached as OCI 1.1 referrers (real registry, tag-schema fallback, and OCI layout)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'custody-verify-ref-'));
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const wrong = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(join(dir, 'key.pub'), key.publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(dir, 'wrong.pub'), wrong.publicKey.export({ type: 'spki', format: 'pem' }));
  const repo = `${REPO}-referrers`;
  const repoOther = `${REPO}-referrers-otherdigest`;
  let digest = '';

  /** Push a referrer and the referrers-tag index `sha256-<hex>` a registry without the referrers API needs. */
  async function attach(to: string, bundle: Buffer, image: { mediaType: string; digest: string; size: number }): Promise<void> {
    const { manifest, blobs } = referrerManifest(bundle, image);
    for (const b of blobs) await pushBlob(to, b);
    await pushManifest(to, sha(manifest), manifest);
    const index = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(manifest), size: manifest.length, artifactType: BUNDLE_TYPE }],
    }));
    await pushManifest(to, image.digest.replace(':', '-'), index, 'application/vnd.oci.image.index.v1+json');
  }

  beforeAll(async () => {
    const raw = (r: string): Buffer => {
      execFileSync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${SRC}`, `docker://${REGISTRY}/${r}:latest`]);
      return execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${REGISTRY}/${r}:latest`]);
    };
    const m = raw(repo);
    raw(repoOther);
    digest = sha(m);
    const image = { mediaType: (JSON.parse(m.toString('utf8')) as { mediaType: string }).mediaType, digest, size: m.length };
    await attach(repo, keySignedBundle(digest, key.privateKey), image);
    // Signed with the right key, but the statement is about another image.
    await attach(repoOther, keySignedBundle(`sha256:${'ab'.repeat(32)}`, key.privateKey), image);
    // The same referrer in a real OCI layout of the image.
    cpSync(SRC, join(dir, 'layout'), { recursive: true });
    const { manifest, blobs } = referrerManifest(keySignedBundle(digest, key.privateKey), image);
    for (const b of [...blobs, manifest]) writeFileSync(join(dir, 'layout', 'blobs', 'sha256', sha(b).slice(7)), b);
    const index = JSON.parse(readFileSync(join(dir, 'layout', 'index.json'), 'utf8')) as { manifests: unknown[] };
    index.manifests.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(manifest), size: manifest.length, artifactType: BUNDLE_TYPE });
    writeFileSync(join(dir, 'layout', 'index.json'), JSON.stringify(index));
  }, 300_000);

  it('verifies the referrer bundle from the loopback registry (exit 0, discovery names the referrer)', async () => {
    const r = await runBuilt(['verify', `registry:${REGISTRY}/${repo}@${digest}`, '--key', join(dir, 'key.pub'), '--plain-http', '-o', 'json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { verified: boolean; subject: string; checks: { name: string; ok: boolean; detail: string }[] };
    expect(out.verified).toBe(true);
    expect(out.subject).toContain(digest);
    expect(out.checks.find((c) => c.name === 'discovery')?.detail).toBe(`0 cosign signature(s) in ${digest.replace(':', '-')}.sig, 1 Sigstore bundle referrer(s)`);
    expect(out.checks.find((c) => c.name === 'artifact')).toMatchObject({ ok: true, detail: expect.stringContaining('is a subject of the statement') });
    expect(r.stderr).not.toMatch(/error/i);
  });

  it('refuses the wrong key and a statement about another image (exit 1)', async () => {
    const w = await runBuilt(['verify', `registry:${REGISTRY}/${repo}@${digest}`, '--key', join(dir, 'wrong.pub'), '--plain-http']);
    expect(w.code).toBe(1);
    expect(w.stdout).toMatch(/✗ signature/);
    const o = await runBuilt(['verify', `registry:${REGISTRY}/${repoOther}@${digest}`, '--key', join(dir, 'key.pub'), '--plain-http']);
    expect(o.code).toBe(1);
    expect(o.stdout).toMatch(/✗ artifact +artifact sha256:[0-9a-f]{64} is not among the statement's 1 subject\(s\)/);
  });

  it('verifies the same referrer from an OCI layout; the wrong key fails', async () => {
    const r = await runBuilt(['verify', `oci-dir:${join(dir, 'layout')}@${digest}`, '--key', join(dir, 'key.pub')]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('1 Sigstore bundle referrer(s)');
    const w = await runBuilt(['verify', `oci-dir:${join(dir, 'layout')}@${digest}`, '--key', join(dir, 'wrong.pub')]);
    expect(w.code).toBe(1);
  });
});
