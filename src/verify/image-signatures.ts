/**
 * Image signatures: discover and verify
 * - cosign signatures: the `sha256-<digest>.sig` tag, one layer per signature holding the simple-signing
 *   payload, with annotations `dev.cosignproject.cosign/signature` (base64), `dev.sigstore.cosign/certificate`,
 *   `dev.sigstore.cosign/chain` and `dev.sigstore.cosign/bundle` (Rekor SET); the payload's
 *   `critical.image.docker-manifest-digest` must equal the image digest;
 * - Sigstore bundles attached as OCI 1.1 referrers (artifactType application/vnd.dev.sigstore.bundle...), found
 *   through the referrers API or the tag-schema fallback (the registry client does both).
 * The image verifies when at least one signature verifies (as cosign); otherwise every candidate's failures are
 * reported. Reads go through source/ (registry client, OCI layout reader).
 */
import { AuditError, InputError, UsageError, errorMessage } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/log.js';
import { openLayoutReader, pickLayoutImage, type Descriptor, type FetchedManifest } from '../source/index.js';
import { createRegistryClient } from '../source/registry-client.js';
import { verifyBundle, type VerifyOptions } from './bundle.js';
import { decodeSignatureFile, verifyDetachedSignature } from './detached.js';
import type { VerifyCheck, VerifyPolicy, VerifyResult } from './model.js';
import type { TrustedRootHandle } from './trust.js';

const ANN_SIGNATURE = 'dev.cosignproject.cosign/signature';
const ANN_CERT = 'dev.sigstore.cosign/certificate';
const ANN_BUNDLE = 'dev.sigstore.cosign/bundle';
const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
const MAX_SIGNATURES = 64;
const PAYLOAD_CAP = 1 << 20;

/** Read access to one image's repository (registry or OCI layout), enough for signature discovery. */
export interface ImageSignatureStore {
  readonly label: string;
  /** The image's manifest digest. */
  imageDigest(): Promise<string>;
  /** A manifest by tag, or undefined when the tag does not exist. */
  manifestByTag(tag: string): Promise<FetchedManifest | undefined>;
  manifest(digest: string): Promise<FetchedManifest>;
  blob(digest: string, cap: number): Promise<Buffer>;
  referrers(digest: string): Promise<Descriptor[]>;
  /**
   * Manifests a `cosign save` layout lists with `kind: dev.cosignproject.cosign/<kind>` (`sigs`, `atts`,
   * `sboms`): signatures and attestations stored another way than the `.sig`/`.att` tags. Layouts only.
   */
  cosignSaveManifests?(kind: 'sigs' | 'atts' | 'sboms'): Promise<FetchedManifest[]>;
}

export interface OpenImageOptions {
  cwd: string;
  plainHttp?: boolean;
  env?: Readonly<Record<string, string | undefined>>;
  log?: Logger;
  signal?: AbortSignal;
}

/** Image transports `custody verify` accepts. */
export const IMAGE_REF = /^(registry|oci-dir|oci|oci-archive):/;

/**
 * Open `registry:HOST/REPO[:TAG][@DIGEST]` or `oci-dir:PATH[:TAG|@DIGEST]` for signature discovery.
 * @throws UsageError for other transports; InputError when the layout is missing; NetworkError from the registry.
 */
export async function openImageSignatureStore(ref: string, o: OpenImageOptions): Promise<ImageSignatureStore> {
  const m = /^([a-z-]+):(.*)$/s.exec(ref);
  const transport = m?.[1];
  const rest = m?.[2] ?? '';
  if (transport === 'registry') {
    const client = createRegistryClient(rest, {
      ...(o.plainHttp ? { plainHttp: true } : {}),
      ...(o.env ? { env: o.env } : {}),
      log: o.log ?? silentLogger,
      ...(o.signal ? { signal: o.signal } : {}),
    });
    const isNotFound = (err: unknown): boolean => err instanceof AuditError && err.code === 'SOURCE_IMAGE_NOT_FOUND';
    return {
      label: ref,
      imageDigest: () => client.resolveDigest(),
      manifestByTag: async (tag) => {
        try {
          return await client.getManifest(tag);
        } catch (err) {
          if (isNotFound(err)) return undefined;
          throw err;
        }
      },
      manifest: (d) => client.getManifest(d),
      blob: (d, cap) => client.getBlob(d, cap),
      referrers: (d) => client.getReferrers(d),
    };
  }
  if (transport === 'oci-dir' || transport === 'oci' || transport === 'oci-archive') return openLayout(ref, o);
  throw new UsageError('VERIFY_UNSUPPORTED_IMAGE_REF', `cannot look up signatures of ${ref}`, {
    hint: 'signatures live next to the image in a registry or an OCI layout: use registry:HOST/REPO@sha256:... or oci-dir:PATH',
  });
}

/** `cosign save` marks the signature, attestation and SBOM manifests it writes beside the image (pkg/oci/layout). */
const COSIGN_KIND_PREFIX = 'dev.cosignproject.cosign/';

async function openLayout(ref: string, o: OpenImageOptions): Promise<ImageSignatureStore> {
  const { reader, tag } = await openLayoutReader(ref, { cwd: o.cwd });
  let digest: Promise<string> | undefined;
  return {
    label: ref,
    // The image is picked as every command picks it (source/pickLayoutImage): signature, attestation and
    // SBOM entries of a `cosign save` layout are not images, and real ambiguity is SOURCE_AMBIGUOUS_IMAGE.
    imageDigest: () => (digest ??= pickLayoutImage(reader, tag).then((d) => d.digest)),
    async manifestByTag(t) {
      const d = (await reader.tags()).get(t);
      return d ? reader.manifest(d.digest, d.mediaType) : undefined;
    },
    manifest: (d) => reader.manifest(d),
    blob: (d, cap) => reader.blob(d, cap, 'signature blob'),
    referrers: (d) => reader.referrers(d),
    async cosignSaveManifests(kind) {
      const entries = (await reader.index()).manifests.filter((d) => d.annotations?.kind === `${COSIGN_KIND_PREFIX}${kind}`).slice(0, MAX_SIGNATURES);
      return Promise.all(entries.map((d) => reader.manifest(d.digest, d.mediaType)));
    },
  };
}

export interface VerifyImageInput {
  store: ImageSignatureStore;
  policy: VerifyPolicy;
  trustedRoot: TrustedRootHandle;
  options?: VerifyOptions;
}

/** Verify an image's signatures. Throws NetworkError/InputError from the store (registry unreachable, ...). */
export async function verifyImageSignatures(input: VerifyImageInput): Promise<VerifyResult> {
  const { store } = input;
  const digest = await input.store.imageDigest();
  const subject = `${store.label.replace(/@sha(256|512):[0-9a-f]+$/, '')}@${digest}`;
  const results: VerifyResult[] = [];
  const sigTag = `${digest.replace(':', '-')}.sig`;
  const sigManifest = await store.manifestByTag(sigTag);
  let cosignCount = 0;
  const sigManifests: { m: FetchedManifest; label: string }[] = sigManifest?.manifest ? [{ m: sigManifest, label: sigTag }] : [];
  for (const m of (await store.cosignSaveManifests?.('sigs')) ?? []) {
    if (m.digest !== sigManifest?.digest) sigManifests.push({ m, label: `cosign save signatures ${m.digest.slice(0, 19)}` });
  }
  for (const { m, label } of sigManifests) {
    // Each layer's payload names the image it signs (critical.image.docker-manifest-digest), checked below.
    for (const [i, layer] of (m.manifest?.layers ?? []).slice(0, MAX_SIGNATURES).entries()) {
      if (cosignCount >= MAX_SIGNATURES) break;
      cosignCount++;
      results.push(await verifyCosignLayer(input, layer, digest, subject, `${label} layer ${i + 1}`));
    }
  }
  let referrerCount = 0;
  for (const d of (await store.referrers(digest)).slice(0, MAX_SIGNATURES)) {
    if (!(d.artifactType ?? '').startsWith('application/vnd.dev.sigstore.bundle')) continue;
    referrerCount++;
    results.push(await verifyReferrerBundle(input, d, digest, subject));
  }
  const discovery: VerifyCheck = {
    name: 'discovery',
    ok: results.length > 0,
    detail: results.length > 0
      ? `${cosignCount} cosign signature(s) in ${sigManifests.map((x) => x.label).join(', ') || sigTag}, ${referrerCount} Sigstore bundle referrer(s)`
      : `no signature found for ${digest}: no ${sigTag} tag and no Sigstore bundle referrer`,
  };
  const good = results.find((r) => r.verified);
  if (good) {
    const others = results.length - 1;
    return {
      ...good,
      subject,
      checks: [discovery, ...good.checks],
      warnings: [...good.warnings, ...(others > 0 ? [`${others} other signature(s) found; ${results.filter((r) => !r.verified).length} did not verify`] : [])],
    };
  }
  const checks: VerifyCheck[] = [discovery];
  for (const [i, r] of results.entries()) {
    for (const c of r.checks) checks.push({ ...c, detail: results.length > 1 ? `[signature ${i + 1}: ${r.source ?? ''}] ${c.detail}` : c.detail });
  }
  const malformed = results.find((r) => r.error);
  const only = results.length === 1 ? results[0] : undefined;
  return {
    verified: false,
    subject,
    ...(only?.source !== undefined ? { source: only.source } : {}),
    ...(only?.signer ? { signer: only.signer } : {}),
    checks,
    warnings: results.flatMap((r) => r.warnings),
    ...(malformed?.error && results.every((r) => r.error) ? { error: malformed.error } : {}),
  };
}

async function verifyCosignLayer(input: VerifyImageInput, layer: Descriptor, digest: string, subject: string, source: string): Promise<VerifyResult> {
  const ann = layer.annotations ?? {};
  const fail = (detail: string): VerifyResult => ({ verified: false, subject, source, checks: [{ name: 'signature', ok: false, detail }], warnings: [] });
  if (layer.mediaType !== SIMPLE_SIGNING) return fail(`layer media type ${layer.mediaType} is not ${SIMPLE_SIGNING}`);
  const sigB64 = ann[ANN_SIGNATURE];
  if (sigB64 === undefined || sigB64 === '') return fail(`layer has no ${ANN_SIGNATURE} annotation`);
  let payload: Buffer;
  try {
    payload = await input.store.blob(layer.digest, PAYLOAD_CAP);
  } catch (err) {
    if (err instanceof AuditError && err.exitCode === 5) throw err;
    return fail(`cannot read the signed payload ${layer.digest}: ${errorMessage(err)}`);
  }
  let rekorBundle: unknown;
  if (ann[ANN_BUNDLE] !== undefined) {
    try {
      rekorBundle = JSON.parse(ann[ANN_BUNDLE]);
    } catch {
      rekorBundle = 'malformed';
    }
  }
  const r = verifyDetachedSignature({
    material: { check: 'signature-layer', detail: `cosign signature layer (simple-signing payload${ann[ANN_CERT] ? ', certificate' : ''}${rekorBundle !== undefined ? ', Rekor bundle' : ''})` },
    signature: decodeSignatureFile(Buffer.from(sigB64)),
    ...(ann[ANN_CERT] ? { certificate: ann[ANN_CERT] } : {}),
    ...(rekorBundle !== undefined ? { rekorBundle } : {}),
    artifact: { bytes: payload },
    policy: input.policy,
    trustedRoot: input.trustedRoot,
    subject,
    source,
    ...(input.options ? { options: input.options } : {}),
  });
  // The signed payload must be about this image.
  const claimed = simpleSigningDigest(payload);
  const ok = claimed.digest === digest;
  r.checks.push({
    name: 'docker-manifest-digest',
    ok,
    detail: ok ? `payload names ${digest}` : claimed.error ?? `payload signs ${claimed.digest ?? '(nothing)'}, the image is ${digest}`,
  });
  r.verified = r.verified && ok;
  return r;
}

function simpleSigningDigest(payload: Buffer): { digest?: string; error?: string } {
  try {
    const doc = JSON.parse(payload.toString('utf8')) as { critical?: { type?: unknown; image?: { 'docker-manifest-digest'?: unknown } } };
    const type = doc.critical?.type;
    if (typeof type !== 'string' || type.toLowerCase() !== 'cosign container image signature') {
      return { error: `payload is not a cosign simple-signing payload (critical.type ${JSON.stringify(type)})` };
    }
    const d = doc.critical?.image?.['docker-manifest-digest'];
    return typeof d === 'string' ? { digest: d } : { error: 'payload has no critical.image.docker-manifest-digest' };
  } catch {
    return { error: 'payload is not JSON' };
  }
}

async function verifyReferrerBundle(input: VerifyImageInput, d: Descriptor, digest: string, subject: string): Promise<VerifyResult> {
  const source = `referrer ${d.digest}`;
  const fail = (detail: string): VerifyResult => ({ verified: false, subject, source, checks: [{ name: 'bundle', ok: false, detail }], warnings: [] });
  let bundleJson: unknown;
  try {
    const m = await input.store.manifest(d.digest);
    const layer = m.manifest?.layers[0];
    if (!layer) return fail('referrer manifest has no layer');
    bundleJson = JSON.parse((await input.store.blob(layer.digest, PAYLOAD_CAP)).toString('utf8'));
  } catch (err) {
    if (err instanceof AuditError && err.exitCode === 5) throw err;
    return fail(`cannot read the bundle: ${errorMessage(err)}`);
  }
  const [alg, hex] = digest.split(':') as [string, string];
  return verifyBundle({
    bundle: bundleJson,
    artifact: { digest: { algorithm: alg === 'sha512' ? 'sha512' : 'sha256', hex } },
    policy: input.policy,
    trustedRoot: input.trustedRoot,
    subject,
    source,
    ...(input.options ? { options: input.options } : {}),
  });
}
