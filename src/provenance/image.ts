/**
 * Attestations attached to an image, in a registry or an OCI layout: cosign's `sha256-<hex>.att` tag (a
 * manifest whose layers are DSSE envelopes, the signing certificate in the `dev.sigstore.cosign/certificate`
 * annotation and the Rekor entry with its SET in `dev.sigstore.cosign/bundle`), the attestation manifests of a
 * `cosign save` layout (index entries annotated `kind: dev.cosignproject.cosign/atts`), and Sigstore bundles
 * attached as OCI 1.1 referrers (the referrers API, the tag-schema fallback, or a layout's `subject` links).
 * Reads go through source/ (registry client: timeouts, auth, digest-verified blobs; layout reader: verified blobs).
 */
import type { Logger } from '../core/log.js';
import { AuditError, errorMessage, InputError, UsageError } from '../core/errors.js';
import { createRegistryClient, type Descriptor, type FetchedManifest } from '../source/index.js';
import { cosignAttestationBundle } from '../verify/legacy-dsse.js';
import { openImageSignatureStore } from '../verify/index.js';
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
  /** Base of relative `oci-dir:` paths (default: the process's working directory). */
  cwd?: string;
}

export interface ImageAttestations {
  artifact: ArtifactRef;
  attestations: Attestation[];
  /** What was looked at, for the report (`127.0.0.1:5000/app attachments`). */
  input: string;
}

/** What discovery needs of where the image lives. */
interface AttachmentStore {
  /** `sha256-<hex>.att` (and other tags); undefined when absent. */
  manifestByTag(tag: string): Promise<FetchedManifest | undefined>;
  manifest(digest: string): Promise<FetchedManifest>;
  blob(digest: string, cap: number): Promise<Buffer>;
  referrers(digest: string): Promise<Descriptor[]>;
  /** Attestation manifests found another way (a `cosign save` layout's index). */
  extraAttestationManifests(): Promise<FetchedManifest[]>;
}

function isNotFound(err: unknown): boolean {
  return err instanceof AuditError && /NOT_FOUND/.test(err.code);
}

/** The DSSE layers of a cosign attestation manifest. */
async function attLayers(store: AttachmentStore, m: FetchedManifest, label: string): Promise<Attestation[]> {
  const out: Attestation[] = [];
  for (const [i, layer] of (m.manifest?.layers ?? []).entries()) {
    if (layer.mediaType !== DSSE_LAYER) continue;
    const where = `${label} layer ${i + 1}`;
    const blob = await store.blob(layer.digest, BLOB_CAP);
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

async function referrerBundles(store: AttachmentStore, digest: string, label: string): Promise<Attestation[]> {
  const out: Attestation[] = [];
  const refs = (await store.referrers(digest)).filter((d) => (d.artifactType ?? '').includes('sigstore.bundle'));
  for (const d of refs.slice(0, MAX_ATTESTATIONS)) {
    const m = await store.manifest(d.digest);
    for (const layer of m.manifest?.layers ?? []) {
      const where = `${label} referrer ${d.digest.slice(0, 19)}`;
      const blob = await store.blob(layer.digest, BLOB_CAP);
      out.push(...parseAttestations(blob, where));
    }
  }
  return out;
}

async function discover(store: AttachmentStore, digest: string, label: string): Promise<Attestation[]> {
  const tag = `${digest.replace(':', '-')}.att`;
  const out: Attestation[] = [];
  const seen = new Set<string>();
  const att = await store.manifestByTag(tag);
  if (att) {
    seen.add(att.digest);
    out.push(...(await attLayers(store, att, `${label} .att`)));
  }
  for (const m of await store.extraAttestationManifests()) {
    if (seen.has(m.digest)) continue;
    seen.add(m.digest);
    out.push(...(await attLayers(store, m, `${label} attestations ${m.digest.slice(0, 19)}`)));
  }
  out.push(...(await referrerBundles(store, digest, label)));
  if (out.length > MAX_ATTESTATIONS) {
    throw new InputError('PROVENANCE_MALFORMED_ATTESTATION', `${label}: more than ${MAX_ATTESTATIONS} attestations attached`, { hint: 'an image with this many attestations is not provenance; check the reference' });
  }
  return out;
}

function registryStore(rest: string, o: ImageAttestationOptions): { store: AttachmentStore; resolveDigest: () => Promise<string> } {
  const client = createRegistryClient(rest, { ...(o.plainHttp ? { plainHttp: true } : {}), ...(o.env ? { env: o.env } : {}), log: o.log, ...(o.signal ? { signal: o.signal } : {}) });
  return {
    resolveDigest: () => client.resolveDigest(),
    store: {
      async manifestByTag(tag) {
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
      extraAttestationManifests: async () => [],
    },
  };
}

async function layoutStore(ref: string, o: ImageAttestationOptions): Promise<{ store: AttachmentStore; resolveDigest: () => Promise<string> }> {
  const s = await openImageSignatureStore(ref, { cwd: o.cwd ?? process.cwd(), log: o.log });
  return {
    resolveDigest: () => s.imageDigest(),
    store: {
      manifestByTag: (t) => s.manifestByTag(t),
      manifest: (d) => s.manifest(d),
      blob: (d, cap) => s.blob(d, cap),
      referrers: (d) => s.referrers(d),
      extraAttestationManifests: async () => ((await s.cosignSaveManifests?.('atts')) ?? []).slice(0, MAX_ATTESTATIONS),
    },
  };
}

/** The image's manifest digest and every attestation attached to it (registry: or oci-dir:/oci: layouts). */
export async function discoverImageAttestations(ref: string, o: ImageAttestationOptions): Promise<ImageAttestations> {
  const m = /^(registry|oci-dir|oci|oci-archive):(.+)$/s.exec(ref);
  if (!m) {
    throw new UsageError('PROVENANCE_IMAGE_TRANSPORT', `cannot discover attestations of ${ref}`, {
      hint: 'discovery reads a registry (registry:HOST/REPO@sha256:...) or an OCI layout (oci-dir:PATH@sha256:...); for archives pass --attestation FILE',
    });
  }
  const [, transport, rest] = m as unknown as [string, string, string];
  const { store, resolveDigest } = transport === 'registry' ? registryStore(rest, o) : await layoutStore(ref, o);
  const pinned = /@(sha256:[0-9a-f]{64})$/.exec(rest)?.[1];
  const digest = pinned ?? (await resolveDigest());
  const hex = digest.slice('sha256:'.length);
  const label = transport === 'registry' ? rest.replace(/@sha256:[0-9a-f]{64}$/, '').replace(/:[^/:]+$/, '') : ref.replace(/@sha256:[0-9a-f]{64}$/, '');
  const attestations = await discover(store, digest, label);
  o.log.info(`found ${attestations.length} attestation(s) attached to ${label}@${digest}`);
  return { artifact: { kind: 'image', ref, digests: { sha256: hex } }, attestations, input: `${label} attachments` };
}
