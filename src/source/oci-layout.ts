/**
 * OCI image layout (image-spec "image-layout.md"): `oci-dir:PATH` and `oci-archive:PATH` (a tar of
 * a layout), plus OciLayoutReader, the read API that verify/provenance/audit use for signature and
 * attestation discovery in a layout (tags from org.opencontainers.image.ref.name, referrers by subject).
 */
import { createHash } from 'node:crypto';
import { InputError } from '../core/errors.js';
import type { LayerDescription, Platform } from '../sbom/model.js';
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
import { formatPlatform, hostPlatform, parsePlatform, platformMatches } from './platform.js';
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

/** Which top-level entry of a layout is the image: the only one, or the one tagged `tag`. */
async function topDescriptor(reader: OciLayoutReader, tag: string | undefined): Promise<Descriptor> {
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
  // Skip cosign-style signature/attestation entries stored beside the image.
  let images = idx.manifests.filter((d) => !/^sha(256|512)-[a-f0-9]+(\.\w+)?$/.test(d.annotations?.[REF_NAME] ?? '') && d.artifactType === undefined);
  if (images.length > 1) {
    // Referrers (signatures, SBOMs, attestations) stored in the layout name their image as `subject`.
    const subjects: Descriptor[] = [];
    for (const d of images) {
      const m = (await reader.hasBlob(d.digest)) ? await reader.manifest(d.digest, d.mediaType) : undefined;
      if (m?.manifest?.subject === undefined) subjects.push(d);
    }
    images = subjects;
  }
  if (images.length === 0) throw new InputError('SOURCE_EMPTY_LAYOUT', `${reader.label} holds no image`, { hint: 'the index.json lists no manifests' });
  if (images.length > 1) {
    const names = images.map((d) => d.annotations?.[REF_NAME] ?? d.digest).join(', ');
    throw new InputError('SOURCE_AMBIGUOUS_IMAGE', `${reader.label} holds ${images.length} images (${names})`, {
      hint: `name one: ${reader.label}:TAG`,
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
  const top = await topDescriptor(reader, tag);
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
  const plans = await layerPlans(reader, img.manifest, config.rootfs?.diff_ids);
  const tags = [img.top.annotations?.[CONTAINERD_NAME], img.top.annotations?.[REF_NAME]].filter((t): t is string => t !== undefined);
  const platform = configPlatform(config);
  const plan: ImagePlan = {
    description: {
      kind: 'image',
      name,
      transport,
      manifestDigest: img.manifestDigest,
      configDigest: img.manifest.config.digest,
      ...(tags.length > 0 ? { repoTags: [...new Set(tags)] } : {}),
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
  const top = await topDescriptor(reader, tag);
  const m = await reader.manifest(top.digest, top.mediaType);
  if (m.index !== undefined) return platformsOf(m.index);
  const config = parseConfig(parseJson(await reader.blob(m.manifest!.config.digest, METADATA_CAP, 'config'), `${reader.label}: config`), `${reader.label}: config`);
  const p = configPlatform(config);
  return p === undefined ? [] : [p];
}
