/**
 * Real tier: the cosign cases of ../shared/corpus (category cosign). containers/image `dir:` signatures
 * (manifest.json + signature-N: a 15-byte prefix then {mimeType, payload, annotations}) are laid out as an OCI
 * layout with a `sha256-<digest>.sig` manifest, exactly as cosign stores them, and verified through the CLI;
 * the Rekor SET case and the sign-blob detached cases go through the library / CLI directly.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtInTrustedRoot, verifyDetachedSignature } from '../../src/verify/index.js';
import { CORPUS, hasShared } from '../helpers/paths.js';
import { runInProcess } from '../helpers/run-cli.js';

interface Case {
  id: string;
  category: string;
  expect: Record<string, unknown> & { kind: string };
}
const cases: Case[] = hasShared() ? (JSON.parse(readFileSync(join(CORPUS, 'cases.json'), 'utf8')) as { cases: Case[] }).cases.filter((c) => c.category === 'cosign') : [];
const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Build an OCI layout holding the image manifest and its cosign signature manifest. */
function layoutFor(c: Case, dir: string): string {
  const e = c.expect;
  const sigFile = readFileSync(join(CORPUS, e.signature as string)).subarray(Number(e.signature_prefix_bytes ?? 0));
  const sig = JSON.parse(sigFile.toString('utf8')) as { mimeType: string; payload: string; annotations: Record<string, string> };
  const payload = Buffer.from(sig.payload, 'base64');
  const manifest = e.manifest ? readFileSync(join(CORPUS, e.manifest as string)) : Buffer.from('{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:' + '0'.repeat(64) + '","size":0},"layers":[]}');
  const imageDigest = (e.signed_digest as string | undefined) ?? sha(manifest);
  const config = Buffer.from('{}');
  const sigManifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
    layers: [{ mediaType: sig.mimeType, digest: sha(payload), size: payload.length, annotations: sig.annotations }],
  }));
  const root = join(dir, c.id.replace(/\W/g, '_'));
  mkdirSync(join(root, 'blobs', 'sha256'), { recursive: true });
  for (const b of [config, payload, sigManifest, manifest]) writeFileSync(join(root, 'blobs', 'sha256', sha(b).slice(7)), b);
  writeFileSync(join(root, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(join(root, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(sigManifest), size: sigManifest.length, annotations: { 'org.opencontainers.image.ref.name': `${imageDigest.replace(':', '-')}.sig` } },
    ],
  }));
  // The image being verified is the one whose manifest we hold (the modified-manifest case: another digest).
  const verifiedDigest = (e.manifest_digest as string | undefined) ?? imageDigest;
  if (verifiedDigest !== imageDigest) {
    // The signature is stored under the digest it signed; the modified image's .sig tag points at it too.
    const idx = JSON.parse(readFileSync(join(root, 'index.json'), 'utf8')) as { manifests: Record<string, unknown>[] };
    idx.manifests.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(sigManifest), size: sigManifest.length, annotations: { 'org.opencontainers.image.ref.name': `${verifiedDigest.replace(':', '-')}.sig` } });
    writeFileSync(join(root, 'index.json'), JSON.stringify(idx));
  }
  return `oci-dir:${root}@${verifiedDigest}`;
}

describe.skipIf(!hasShared())('verify: shared cosign cases', () => {
  const dir = hasShared() ? mkdtempSync(join(tmpdir(), 'custody-verify-cosign-')) : '';
  for (const c of cases.filter((x) => x.expect.kind === 'cosign-image-signature-verify')) {
    const pass = String(c.expect.expect).startsWith('pass');
    it(`${c.id}: ${pass ? 'pass' : 'fail'}`, async () => {
      const ref = layoutFor(c, dir);
      const policy = typeof c.expect.key === 'string'
        ? ['--key', join(CORPUS, c.expect.key)]
        : ['--certificate-identity', c.expect.identity as string, '--certificate-oidc-issuer', c.expect.issuer as string];
      const r = await runInProcess(['verify', ref, ...policy]);
      if (pass) expect(r.code, r.stdout + r.stderr).toBe(0);
      else expect(r.code, r.stdout).not.toBe(0);
    });
  }

  it('cosign/rekor-set: the Rekor SET, certificate and signature verify against the built-in root', () => {
    const c = cases.find((x) => x.id === 'cosign/rekor-set');
    expect(c).toBeDefined();
    const e = c!.expect;
    const read = (k: string): Buffer => readFileSync(join(CORPUS, e[k] as string));
    const base = {
      signature: Buffer.from(read('sig').toString('utf8').trim(), 'base64'),
      certificate: read('cert').toString('utf8'),
      artifact: { bytes: read('payload') },
      policy: { kind: 'identity' as const, identity: { regexp: '.*' }, issuer: { regexp: '.*' } },
      trustedRoot: builtInTrustedRoot(),
    };
    const r = verifyDetachedSignature({ ...base, rekorBundle: JSON.parse(read('set').toString('utf8')) });
    expect(r.verified, JSON.stringify(r.checks, null, 1)).toBe(true);
    expect(r.signer?.signedAt?.[0]).toBe(new Date(Number(e.integrated_time) * 1000).toISOString());
    // Without the SET there is no log proof: a keyless signature then fails closed.
    expect(verifyDetachedSignature(base).verified).toBe(false);
    // A SET for another integrated time is refused.
    const set = JSON.parse(read('set').toString('utf8')) as { Payload: { integratedTime: number } };
    set.Payload.integratedTime += 1;
    expect(verifyDetachedSignature({ ...base, rekorBundle: set }).verified).toBe(false);
  });

  for (const c of cases.filter((x) => x.expect.kind === 'detached-sig-verify')) {
    it(`${c.id}: no log proof offline, so it fails closed (upstream needs an online Rekor lookup)`, async () => {
      const e = c.expect;
      const args = ['verify', join(CORPUS, e.artifact as string), '--signature', join(CORPUS, e.sig as string), '--certificate', join(CORPUS, e.cert as string),
        '--certificate-identity', e.identity as string, '--certificate-oidc-issuer', e.issuer as string, '--trusted-root', join(CORPUS, e.trusted_root as string)];
      const r = await runInProcess(args);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('no transparency-log entry');
      // With --insecure-ignore-tlog the certificate is checked at its notBefore and the signature verifies.
      const loose = await runInProcess([...args, '--insecure-ignore-tlog']);
      expect(loose.code, loose.stdout).toBe(0);
      expect(loose.stdout).toContain('not checked');
    });
  }
});
