/**
 * Pushing test material to the real tier's loopback registry (127.0.0.1:5000, plain HTTP):
 * real images copied with skopeo from /tmp/images/oci, cosign-style `.sig` signatures (simple-signing
 * payload signed with a node:crypto key) and `.att` attestations (DSSE in-toto statements), as
 * verify/ and provenance/ read them.
 */
import { execFileSync } from 'node:child_process';
import { createHash, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IMAGES } from './paths.js';

export const REGISTRY_HOST = '127.0.0.1:5000';
const REG = `http://${REGISTRY_HOST}`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

export const sha256Hex = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

async function ok(res: Response, what: string, expected: number): Promise<Response> {
  if (res.status !== expected) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
  return res;
}

export async function pushBlob(repo: string, data: Buffer): Promise<{ digest: string; size: number }> {
  const digest = `sha256:${sha256Hex(data)}`;
  const start = await ok(await fetch(`${REG}/v2/${repo}/blobs/uploads/`, { method: 'POST' }), `start upload to ${repo}`, 202);
  const loc = new URL(start.headers.get('location')!, REG);
  loc.searchParams.set('digest', digest);
  await ok(await fetch(loc, { method: 'PUT', body: data, headers: { 'content-type': 'application/octet-stream' } }), `upload blob to ${repo}`, 201);
  return { digest, size: data.length };
}

/** PUT a manifest under a tag (or digest); returns its digest `sha256:...`. */
export async function pushManifest(repo: string, ref: string, manifest: unknown, mediaType = OCI_MANIFEST): Promise<string> {
  const body = Buffer.from(JSON.stringify(manifest));
  await ok(await fetch(`${REG}/v2/${repo}/manifests/${ref}`, { method: 'PUT', body, headers: { 'content-type': mediaType } }), `push manifest ${repo}:${ref}`, 201);
  return `sha256:${sha256Hex(body)}`;
}

/** Copy a real test image (/tmp/images/oci/<name>) to `127.0.0.1:5000/<repo>:<tag>`; returns the manifest digest. */
export function copyImage(name: string, repo: string, tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'custody-push-'));
  try {
    const digestFile = join(dir, 'digest');
    execFileSync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', '--digestfile', digestFile, `oci:${join(IMAGES, 'oci', name)}`, `docker://${REGISTRY_HOST}/${repo}:${tag}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    return readFileSync(digestFile, 'utf8').trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Attach a key-based cosign signature (the `sha256-<hex>.sig` tag) to `repo@digest`. */
export async function signImage(repo: string, digest: string, key: KeyObject): Promise<void> {
  const payload = Buffer.from(
    JSON.stringify({
      critical: { identity: { 'docker-reference': `${REGISTRY_HOST}/${repo}` }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' },
      optional: null,
    }),
  );
  const layer = await pushBlob(repo, payload);
  const config = await pushBlob(repo, Buffer.from('{}'));
  await pushManifest(repo, `${digest.replace(':', '-')}.sig`, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', ...layer, annotations: { 'dev.cosignproject.cosign/signature': sign('sha256', payload, key).toString('base64') } }],
  });
}

export interface InTotoStatement {
  _type: string;
  predicateType: string;
  subject: { name: string; digest: Record<string, string> }[];
  predicate: unknown;
}

/** A DSSE envelope over an in-toto statement, signed (PAE, SHA-256) with `key`. */
export function dsseEnvelope(statement: InTotoStatement, key: KeyObject): Record<string, unknown> {
  const body = Buffer.from(JSON.stringify(statement));
  const type = 'application/vnd.in-toto+json';
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${type.length} ${type} ${body.length} `), body]);
  return { payloadType: type, payload: body.toString('base64'), signatures: [{ keyid: '', sig: sign('sha256', pae, key).toString('base64') }] };
}

export interface SlsaClaims {
  builderId?: string;
  buildType?: string;
  /** e.g. git+https://github.com/org/app@refs/heads/main */
  configSource?: string;
  entryPoint?: string;
}

/** A SLSA v0.2 provenance statement about `repo@digest` (slsa-github-generator container shape by default). */
export function slsaStatement(repo: string, digest: string, c: SlsaClaims = {}): InTotoStatement {
  return {
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: 'https://slsa.dev/provenance/v0.2',
    subject: [{ name: `${REGISTRY_HOST}/${repo}`, digest: { sha256: digest.replace(/^sha256:/, '') } }],
    predicate: {
      builder: { id: c.builderId ?? 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v2.1.0' },
      buildType: c.buildType ?? 'https://github.com/slsa-framework/slsa-github-generator/container@v1',
      invocation: {
        configSource: { uri: c.configSource ?? 'git+https://github.com/myorg/myapp@refs/heads/main', digest: { sha1: 'a'.repeat(40) }, entryPoint: c.entryPoint ?? '.github/workflows/build.yml' },
      },
    },
  };
}

/**
 * Attach DSSE envelopes as the cosign `.att` tag of `repo@digest` (one layer each, as `cosign attest`
 * writes them; a later call replaces the tag).
 */
export async function attachAttestations(repo: string, digest: string, envelopes: { envelope: Record<string, unknown>; predicateType: string }[]): Promise<void> {
  const layers = [];
  for (const e of envelopes) {
    const l = await pushBlob(repo, Buffer.from(JSON.stringify(e.envelope)));
    layers.push({ mediaType: 'application/vnd.dsse.envelope.v1+json', ...l, annotations: { predicateType: e.predicateType } });
  }
  const config = await pushBlob(repo, Buffer.from('{}'));
  await pushManifest(repo, `${digest.replace(':', '-')}.att`, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers,
  });
}
