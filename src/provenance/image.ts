/**
 * Attestations attached to an image in a registry: cosign's `sha256-<hex>.att` tag (a manifest whose
 * layers are DSSE envelopes, the signing certificate in the `dev.sigstore.cosign/certificate` annotation)
 * and Sigstore bundles attached as OCI 1.1 referrers (the referrers API, or the tag-schema fallback).
 * Reads go through the source/ registry client (timeouts, auth, digest-verified blobs).
 */
import type { Logger } from '../core/log.js';
import { AuditError, errorMessage, InputError, UsageError } from '../core/errors.js';
import { cosignAttestationBundle } from '../verify/legacy-dsse.js';
import { createRegistryClient, type RegistryClient } from '../source/index.js';
import { parseAttestations, toEnvelope, MAX_ATTESTATIONS } from './attestation.js';
import type { ArtifactRef, Attestation } from './model.js';

const DSSE_LAYER = 'application/vnd.dsse.envelope.v1+json';
const ANN_CERT = 'dev.sigstore.cosign/certificate';
const ANN_BUNDLE = 'dev.sigstore.cosign/bundle';
const BLOB_CAP = 4 << 20;

export interface ImageAttestationOptions {
  plainHttp?: boolean;
  env?: Readonly<Record<string, string | undefined>>;
  log: Logger;
  signal?: AbortSignal;
}

export interface ImageAttestations {
  artifact: ArtifactRef;
  attestations: Attestation[];
  /** What was looked at, for the report (`127.0.0.1:5000/app .att tag, 1 referrer`). */
  input: string;
}

function isNotFound(err: unknown): boolean {
  return err instanceof AuditError && /NOT_FOUND/.test(err.code);
}

async function attTag(client: RegistryClient, hex: string, label: string): Promise<Attestation[]> {
  let m;
  try {
    m = await client.getManifest(`sha256-${hex}.att`);
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
  const out: Attestation[] = [];
  for (const [i, layer] of (m.manifest?.layers ?? []).entries()) {
    if (layer.mediaType !== DSSE_LAYER) continue;
    const where = `${label} .att layer ${i + 1}`;
    const blob = await client.getBlob(layer.digest, BLOB_CAP);
    const [att] = parseAttestations(blob, where);
    if (att === undefined) continue;
    const envelope = toEnvelope(att.envelope, where);
    const cert = layer.annotations?.[ANN_CERT];
    const rekor = layer.annotations?.[ANN_BUNDLE];
    if (rekor !== undefined && rekor !== '') {
      // The Rekor entry and its SET: verified offline against the trusted root's Rekor key, as cosign does.
      let bundle: Record<string, unknown>;
      try {
        bundle = cosignAttestationBundle({ envelope: JSON.parse(blob.toString('utf8')), ...(cert ? { certificate: cert } : {}), rekorBundle: rekor });
      } catch (err) {
        throw new InputError('PROVENANCE_MALFORMED_ATTESTATION', `${where}: ${errorMessage(err)}`, { hint: 'the .att layer annotations must be as cosign attest writes them' });
      }
      out.push({ form: 'cosign-attestation', origin: where, envelope, bundle, envelopeBytes: blob });
      continue;
    }
    if (cert !== undefined && cert !== '') envelope.signatures = envelope.signatures.map((s) => ({ ...s, cert }));
    out.push({ form: 'dsse-envelope', origin: where, envelope });
  }
  return out;
}

async function referrerBundles(client: RegistryClient, digest: string, label: string): Promise<Attestation[]> {
  const out: Attestation[] = [];
  const refs = (await client.getReferrers(digest)).filter((d) => (d.artifactType ?? '').includes('sigstore.bundle'));
  for (const d of refs.slice(0, MAX_ATTESTATIONS)) {
    const m = await client.getManifest(d.digest);
    for (const layer of m.manifest?.layers ?? []) {
      const where = `${label} referrer ${d.digest.slice(0, 19)}`;
      const blob = await client.getBlob(layer.digest, BLOB_CAP);
      out.push(...parseAttestations(blob, where));
    }
  }
  return out;
}

/** The image's manifest digest and every attestation attached to it. */
export async function discoverImageAttestations(ref: string, o: ImageAttestationOptions): Promise<ImageAttestations> {
  if (!ref.startsWith('registry:')) {
    throw new UsageError('PROVENANCE_IMAGE_TRANSPORT', `cannot discover attestations of ${ref}`, {
      hint: 'discovery reads a registry (registry:HOST/REPO@sha256:...); for other image forms pass --attestation FILE',
    });
  }
  const rest = ref.slice('registry:'.length);
  const client = createRegistryClient(rest, { ...(o.plainHttp ? { plainHttp: true } : {}), ...(o.env ? { env: o.env } : {}), log: o.log, ...(o.signal ? { signal: o.signal } : {}) });
  const pinned = /@(sha256:[0-9a-f]{64})$/.exec(rest)?.[1];
  const digest = pinned ?? (await client.resolveDigest());
  const hex = digest.slice('sha256:'.length);
  const label = rest.replace(/@sha256:[0-9a-f]{64}$/, '').replace(/:[^/:]+$/, '');
  const attestations = [...(await attTag(client, hex, label)), ...(await referrerBundles(client, digest, label))];
  o.log.info(`found ${attestations.length} attestation(s) attached to ${label}@${digest}`);
  return { artifact: { kind: 'image', ref, digests: { sha256: hex } }, attestations, input: `${label} attachments` };
}
