/**
 * OCI image layout (image-spec "image-layout.md"): `oci-dir:PATH` and `oci-archive:PATH` (a tar of
 * a layout), plus OciLayoutReader, the read API that verify/provenance/audit use for signature and
 * attestation discovery in a layout (tags from org.opencontainers.image.ref.name, referrers by subject).
 */
import { createHash } from 'node:crypto';
import { InputError } from '../core/errors.js';
import type { LayerDescription, Platform } from '../sbom/model.js';
import { isFullReference } from '../sbom/subject.js';
import { imageSource, type ImagePlan } from './image/image-source.js';
import {
  configPlatform,
  isDigest,
  isIndexDoc,
  METADATA_CAP,
  parseConfig,
  parseIndex,
  parseJson,
  parseManifest,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
} from './image/manifest.js';
import { blobPath, type LayoutStore } from './image/store.js';
import type { LayerPlan } from './image/squash.js';
import type { OpenSourceOptions } from './options.js';
import { checkImagePlatform, formatPlatform, hostPlatform, parsePlatform, platformMatches } from './platform.js';
import type { Source } from './types.js';

export const REF_NAME = 'org.opencontainers.image.ref.name';
const CONTAINERD_NAME = 'io.containerd.image.name';

function sha(alg: string, data: Buffer): string {
  return `${alg}:${createHash(alg).update(data).digest('hex')}`;
}

/** A manifest or index document, with its digest and raw bytes. */
export interface FetchedManifest {
  digest: string;
  mediaType?: string;
  raw: Buffer;
  /** Parsed: an index or an image manifest. */
  index?: ImageIndex;
  manifest?: ImageManifest;
}

/** Reads of an OCI image layout (directory or tar). All blob reads are verified against their digest. */
export class OciLayoutReader {
  private indexCache: ImageIndex | undefined;

  constructor(readonly store: LayoutStore) {}

  get label(): string {
    return this.store.label;
  }

  /** index.json. InputError when missing or malformed. */
  async index(): Promise<ImageIndex> {
    if (this.indexCache !== undefined) return this.indexCache;
    const layout = await this.store.read('oci-layout', 4096);
    if (layout === undefined) {
      throw new InputError('SOURCE_NOT_OCI_LAYOUT', `${this.label} has no oci-layout file`, { hint: 'point at the directory (or tar) of an OCI image layout' });
    }
    const raw = await this.store.read('index.json', METADATA_CAP);
    if (raw === undefined) {
      throw new InputError('SOURCE_NOT_OCI_LAYOUT', `${this.label} has no index.json`, { hint: 'the OCI layout is incomplete; re-copy it (skopeo copy ... oci:DIR)' });
    }
    this.indexCache = parseIndex(parseJson(raw, `${this.label}: index.json`), `${this.label}: index.json`);
    return this.indexCache;
  }

  /** A blob's bytes (capped), verified against the digest. InputError when missing or not matching. */
  async blob(digest: string, cap = METADATA_CAP, what = 'blob'): Promise<Buffer> {
    if (!isDigest(digest)) throw new InputError('SOURCE_BAD_DIGEST', `${this.label}: '${digest}' is not a digest`, { hint: 'digests look like sha256:<64 hex>' });
    const data = await this.store.read(blobPath(digest), cap);
    if (data === undefined) throw missingBlob(this.label, digest, what);
    const got = sha(digest.split(':')[0]!, data);
    if (got !== digest) {
      throw new InputError('SOURCE_DIGEST_MISMATCH', `${this.label}: ${what} ${digest} has digest ${got}`, { hint: 'the layout is corrupt; re-copy it' });
    }
    return data;
  }

  async hasBlob(digest: string): Promise<boolean> {
    return isDigest(digest) && this.store.has(blobPath(digest));
  }

  /** A manifest or index by digest. */
  async manifest(digest: string, mediaType?: string): Promise<FetchedManifest> {
    const raw = await this.blob(digest, METADATA_CAP, 'manifest');
    const where = `${this.label}: manifest ${digest}`;
    const doc = parseJson(raw, where);
    const out: FetchedManifest = { digest, raw, ...(mediaType === undefined ? {} : { mediaType }) };
    if (isIndexDoc(doc, mediaType)) out.index = parseIndex(doc, where);
    else out.manifest = parseManifest(doc, where);
    return out;
  }

  /** Tags (org.opencontainers.image.ref.name) of the top-level index → descriptor. */
  async tags(): Promise<Map<string, Descriptor>> {
    const out = new Map<string, Descriptor>();
    for (const d of (await this.index()).manifests) {
      const name = d.annotations?.[REF_NAME];
      if (name !== undefined) out.set(name, d);
    }
    return out;
  }

  /** Manifests of the layout whose `subject` is `digest` (OCI 1.1 referrers), optionally of one artifactType. */
  async referrers(digest: string, artifactType?: string): Promise<Descriptor[]> {
    const out: Descriptor[] = [];
    const seen = new Set<string>();
    const visit = async (d: Descriptor, depth: number): Promise<void> => {
      if (seen.has(d.digest) || depth > 4 || !(await this.hasBlob(d.digest))) return;
      seen.add(d.digest);
      const m = await this.manifest(d.digest, d.mediaType);
      if (m.index !== undefined) {
        for (const c of m.index.manifests) await visit(c, depth + 1);
        return;
      }
      const man = m.manifest!;
      if (man.subject?.digest !== digest) return;
      const type = man.artifactType ?? man.config.mediaType;
      if (artifactType !== undefined && type !== artifactType) return;
      out.push({
        digest: d.digest,
        mediaType: man.mediaType ?? d.mediaType ?? 'application/vnd.oci.image.manifest.v1+json',
        size: m.raw.length,
        ...(type === undefined ? {} : { artifactType: type }),
        ...(man.annotations === undefined ? {} : { annotations: man.annotations }),
      });
    };
    for (const d of (await this.index()).manifests) await visit(d, 0);
    return out;
  }
}

export function missingBlob(label: string, digest: string, what: string): InputError {
  return new InputError('SOURCE_MISSING_BLOB', `${label}: the ${what} ${digest} is not in the image`, {
    hint: 'the image is incomplete (a manifest names a blob that is missing); re-export or re-copy it',
  });
}

/** Pick the manifest of one platform from an index; InputError listing what is there otherwise. */
export function pickPlatform(index: ImageIndex, want: Platform, label: string): Descriptor {
  const images = index.manifests.filter((d) => !(d.platform?.os === 'unknown' && d.platform.architecture === 'unknown'));
  const hit = images.find((d) => d.platform !== undefined && platformMatches(d.platform, want));
  if (hit !== undefined) return hit;
  if (images.length === 1 && images[0]!.platform === undefined) return images[0]!;
  const have = images.map((d) => (d.platform?.os !== undefined && d.platform.architecture !== undefined ? formatPlatform(d.platform as Platform) : d.digest)).join(', ');
  throw new InputError('SOURCE_PLATFORM_NOT_FOUND', `${label} has no image for ${formatPlatform(want)} (it has: ${have || 'none'})`, {
    hint: 'pick one with --platform os/arch[/variant], or use --all-platforms',
  });
}

export function platformsOf(index: ImageIndex): Platform[] {
  const out: Platform[] = [];
  for (const d of index.manifests) {
    const p = d.platform;
    if (p?.os === undefined || p.architecture === undefined || (p.os === 'unknown' && p.architecture === 'unknown')) continue;
    out.push(p.variant === undefined ? { os: p.os, architecture: p.architecture } : { os: p.os, architecture: p.architecture, variant: p.variant });
  }
  return out;
}

/** `cosign save` marks each index entry with a `kind` annotation (cosign pkg/oci/layout/write.go). */
const COSIGN_KIND = 'kind';
const COSIGN_KIND_PREFIX = 'dev.cosignproject.cosign/';
const COSIGN_IMAGE_KINDS = new Set(['dev.cosignproject.cosign/image', 'dev.cosignproject.cosign/imageIndex']);
/** cosign's tag schema for attachments: `sha256-<hex>.sig|.att|.sbom` (and bare `sha256-<hex>` referrer indexes). */
const COSIGN_TAG = /^sha(256|512)-[a-f0-9]+(\.\w+)?$/;
/** An `artifactType` that still means "an image" (cosign v3 writes the config media type there). */
const IMAGE_ARTIFACT_TYPES = new Set(['application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json']);

/**
 * Is this index entry something attached to an image rather than an image: a `cosign save` signature,
 * attestation or SBOM entry (`kind: dev.cosignproject.cosign/sigs|atts|sboms|...`), a cosign tag-schema
 * entry, or an artifact manifest (an `artifactType` that is not an image config)?
 */
export function isAttachmentEntry(d: Descriptor): boolean {
  const kind = d.annotations?.[COSIGN_KIND];
  if (kind !== undefined && kind.startsWith(COSIGN_KIND_PREFIX)) return !COSIGN_IMAGE_KINDS.has(kind);
  if (COSIGN_TAG.test(d.annotations?.[REF_NAME] ?? '')) return true;
  return d.artifactType !== undefined && !IMAGE_ARTIFACT_TYPES.has(d.artifactType);
}

/**
 * Which top-level entry of a layout is the image: the one tagged `tag` (a ref name, or a digest), or,
 * without one, the only entry that is an image. Entries that are attached to an image (cosign save's
 * signatures, attestations and SBOMs; referrers, which name their image as `subject`) are not images,
 * so a `cosign save` layout holds one image and needs no `@digest`.
 * @throws InputError SOURCE_TAG_NOT_FOUND, SOURCE_EMPTY_LAYOUT, SOURCE_AMBIGUOUS_IMAGE (whose hint names
 *   each image in a form that picks it: `LABEL:TAG`, or `LABEL@sha256:...` for untagged entries)
 */
export async function pickLayoutImage(reader: OciLayoutReader, tag: string | undefined): Promise<Descriptor> {
  const idx = await reader.index();
  if (isDigest(tag)) {
    const listed = idx.manifests.find((d) => d.digest === tag);
    if (listed !== undefined) return listed;
    if (await reader.hasBlob(tag)) return { digest: tag };
    throw new InputError('SOURCE_TAG_NOT_FOUND', `${reader.label} has no manifest ${tag}`, { hint: 'check the digest (skopeo inspect oci:DIR)' });
  }
  if (tag !== undefined) {
    const d = (await reader.tags()).get(tag);
    if (d === undefined) {
      throw new InputError('SOURCE_TAG_NOT_FOUND', `${reader.label} has no image tagged '${tag}'`, {
        hint: `tags there: ${[...(await reader.tags()).keys()].join(', ') || 'none'}`,
      });
    }
    return d;
  }
  const byDigest = new Map<string, Descriptor>();
  for (const d of idx.manifests) if (!isAttachmentEntry(d) && !byDigest.has(d.digest)) byDigest.set(d.digest, d);
  let images = [...byDigest.values()];
  if (images.length > 1) {
    // Referrers (signatures, SBOMs, attestations) stored in the layout name their image as `subject`.
    const subjects: Descriptor[] = [];
    for (const d of images) {
      const m = (await reader.hasBlob(d.digest)) ? await reader.manifest(d.digest, d.mediaType) : undefined;
      if (m?.manifest?.subject === undefined) subjects.push(d);
    }
    images = subjects;
  }
  if (images.length === 0) {
    throw new InputError('SOURCE_EMPTY_LAYOUT', `${reader.label} holds no image`, {
      hint: idx.manifests.length === 0 ? 'its index.json lists no manifests' : 'its index.json lists only signatures, attestations or other artifacts',
    });
  }
  if (images.length > 1) {
    const pick = (d: Descriptor): string => {
      const name = d.annotations?.[REF_NAME];
      return name !== undefined && !name.includes('@') ? `${reader.label}:${name}` : `${reader.label}@${d.digest}`;
    };
    const names = images.map((d) => d.annotations?.[REF_NAME] ?? d.digest);
    const shown = images.slice(0, 5).map(pick);
    throw new InputError('SOURCE_AMBIGUOUS_IMAGE', `${reader.label} holds ${images.length} images (${names.slice(0, 5).join(', ')}${images.length > 5 ? ', ...' : ''})`, {
      hint: `name one: ${shown.join(' or ')}${images.length > 5 ? ` (and ${images.length - 5} more)` : ''}`,
    });
  }
  return images[0]!;
}

export interface ResolvedImage {
  top: Descriptor;
  manifestDigest: string;
  manifest: ImageManifest;
  platforms?: Platform[];
}

async function resolveImage(reader: OciLayoutReader, tag: string | undefined, want: Platform): Promise<ResolvedImage> {
  const top = await pickLayoutImage(reader, tag);
  let d = top;
  let platforms: Platform[] | undefined;
  for (let depth = 0; depth < 4; depth++) {
    const m = await reader.manifest(d.digest, d.mediaType);
    if (m.manifest !== undefined) return { top, manifestDigest: d.digest, manifest: m.manifest, ...(platforms === undefined ? {} : { platforms }) };
    platforms = platformsOf(m.index!);
    d = pickPlatform(m.index!, want, reader.label);
  }
  throw new InputError('SOURCE_BAD_MANIFEST', `${reader.label}: indexes nest too deeply`, { hint: 'the layout is malformed' });
}

/** Layers of a manifest as LayerPlans over a layout; checks every blob is there first. */
export async function layerPlans(reader: OciLayoutReader, manifest: ImageManifest, diffIds: string[] | undefined): Promise<LayerPlan[]> {
  const plans: LayerPlan[] = [];
  for (const [i, l] of manifest.layers.entries()) {
    if (!(await reader.hasBlob(l.digest))) throw missingBlob(reader.label, l.digest, `layer ${i + 1}`);
    const path = blobPath(l.digest);
    plans.push({
      digest: l.digest,
      expectDigest: l.digest,
      ...(l.mediaType === undefined ? {} : { mediaType: l.mediaType }),
      ...(l.size === undefined ? {} : { size: l.size }),
      ...(diffIds?.[i] === undefined ? {} : { diffId: diffIds[i] }),
      locate: () => reader.store.locate(path),
      open: async () => {
        const s = await reader.store.stream(path);
        if (s === undefined) throw missingBlob(reader.label, l.digest, `layer ${i + 1}`);
        return s;
      },
    });
  }
  return plans;
}

export function layerDescriptions(plans: readonly LayerPlan[]): LayerDescription[] {
  return plans.map((p) => ({
    digest: p.digest,
    ...(p.mediaType === undefined ? {} : { mediaType: p.mediaType }),
    ...(p.size === undefined ? {} : { size: p.size }),
    ...(p.diffId === undefined ? {} : { diffId: p.diffId }),
  }));
}

/** Open the image in a layout (oci-dir / oci-archive). `tag` picks an entry by ref name. */
export async function openOciLayout(
  reader: OciLayoutReader,
  transport: 'oci-dir' | 'oci-archive',
  name: string,
  tag: string | undefined,
  options: OpenSourceOptions,
): Promise<Source> {
  const want = options.platform === undefined ? hostPlatform() : parsePlatform(options.platform);
  const img = await resolveImage(reader, tag, want);
  const config = parseConfig(parseJson(await reader.blob(img.manifest.config.digest, METADATA_CAP, 'config'), `${reader.label}: config`), `${reader.label}: config`);
  const platform = configPlatform(config);
  checkImagePlatform(platform, options.platform, name);
  const plans = await layerPlans(reader, img.manifest, config.rootfs?.diff_ids);
  // A ref name is usually a bare tag ('latest') that names the entry inside this layout, not the image:
  // it is kept as `refName`, and only full references ('docker.io/x/app:1.0') count as repo tags.
  const refName = img.top.annotations?.[REF_NAME];
  const tags = [img.top.annotations?.[CONTAINERD_NAME], refName].filter((t): t is string => t !== undefined && isFullReference(t));
  const plan: ImagePlan = {
    description: {
      kind: 'image',
      name,
      transport,
      manifestDigest: img.manifestDigest,
      configDigest: img.manifest.config.digest,
      ...(tags.length > 0 ? { repoTags: [...new Set(tags)] } : {}),
      ...(refName !== undefined && !isFullReference(refName) ? { refName } : {}),
      ...(platform === undefined ? {} : { platform }),
      layers: layerDescriptions(plans),
    },
    layers: plans,
    verifyLayers: false,
  };
  return imageSource(plan, options);
}

/** Platforms an OCI layout's image offers (one for a single-platform image). */
export async function listLayoutPlatforms(reader: OciLayoutReader, tag: string | undefined): Promise<Platform[]> {
  const top = await pickLayoutImage(reader, tag);
  const m = await reader.manifest(top.digest, top.mediaType);
  if (m.index !== undefined) return platformsOf(m.index);
  const config = parseConfig(parseJson(await reader.blob(m.manifest!.config.digest, METADATA_CAP, 'config'), `${reader.label}: config`), `${reader.label}: config`);
  const p = configPlatform(config);
  return p === undefined ? [] : [p];
}
