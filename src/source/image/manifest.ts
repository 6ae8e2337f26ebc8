/**
 * OCI / Docker v2 manifests, indexes and image configs: parsed from untrusted JSON and checked
 * before use (OCI image-spec v1.1 descriptor, manifest, index, config).
 */
import { InputError } from '../../core/errors.js';
import type { Platform } from '../../sbom/model.js';

export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

export const METADATA_CAP = 4 << 20;

export interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: Partial<Platform> & { 'os.version'?: string };
  annotations?: Record<string, string>;
  artifactType?: string;
}

export interface ImageIndex {
  schemaVersion?: number;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  schemaVersion?: number;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ImageConfig {
  os?: string;
  architecture?: string;
  variant?: string;
  rootfs?: { type?: string; diff_ids?: string[] };
}

const DIGEST_RE = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function isDigest(s: unknown): s is string {
  return typeof s === 'string' && DIGEST_RE.test(s);
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function strMap(v: unknown): Record<string, string> | undefined {
  if (!isObj(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

function bad(what: string, where: string): never {
  throw new InputError('SOURCE_BAD_MANIFEST', `${where}: ${what}`, {
    hint: 'the image metadata is malformed; re-export the image (docker save / skopeo copy)',
  });
}

export function parseJson(buf: Buffer, where: string): unknown {
  try {
    return JSON.parse(buf.toString('utf8')) as unknown;
  } catch (err) {
    throw new InputError('SOURCE_BAD_MANIFEST', `${where} is not valid JSON`, { hint: 'the image metadata is corrupt; re-export the image', cause: err });
  }
}

export function parseDescriptor(v: unknown, where: string): Descriptor {
  if (!isObj(v)) bad('a descriptor is not an object', where);
  if (!isDigest(v.digest)) bad(`a descriptor has no valid digest (${JSON.stringify(v.digest)?.slice(0, 80)})`, where);
  const d: Descriptor = { digest: v.digest };
  if (typeof v.mediaType === 'string') d.mediaType = v.mediaType;
  if (typeof v.size === 'number' && Number.isSafeInteger(v.size) && v.size >= 0) d.size = v.size;
  if (typeof v.artifactType === 'string') d.artifactType = v.artifactType;
  const ann = strMap(v.annotations);
  if (ann !== undefined) d.annotations = ann;
  if (isObj(v.platform)) {
    const p = v.platform;
    d.platform = {};
    if (typeof p.os === 'string') d.platform.os = p.os;
    if (typeof p.architecture === 'string') d.platform.architecture = p.architecture;
    if (typeof p.variant === 'string') d.platform.variant = p.variant;
  }
  return d;
}

/** Is this document an index (manifest list) rather than an image manifest? */
export function isIndexDoc(v: unknown, mediaType?: string): boolean {
  if (mediaType === MEDIA.ociIndex || mediaType === MEDIA.dockerList) return true;
  if (!isObj(v)) return false;
  if (v.mediaType === MEDIA.ociIndex || v.mediaType === MEDIA.dockerList) return true;
  return Array.isArray(v.manifests) && v.config === undefined;
}

export function parseIndex(v: unknown, where: string): ImageIndex {
  if (!isObj(v) || !Array.isArray(v.manifests)) bad('not an image index (no manifests list)', where);
  if (v.manifests.length > 10_000) bad('too many manifests', where);
  const idx: ImageIndex = { manifests: v.manifests.map((m) => parseDescriptor(m, where)) };
  if (typeof v.schemaVersion === 'number') idx.schemaVersion = v.schemaVersion;
  if (typeof v.mediaType === 'string') idx.mediaType = v.mediaType;
  const ann = strMap(v.annotations);
  if (ann !== undefined) idx.annotations = ann;
  return idx;
}

export function parseManifest(v: unknown, where: string): ImageManifest {
  if (!isObj(v)) bad('not a JSON object', where);
  if (v.schemaVersion === 1) bad('Docker schema 1 manifests are not supported', where);
  if (!Array.isArray(v.layers)) bad('not an image manifest (no layers list)', where);
  if (v.layers.length > 1000) bad('too many layers', where);
  const m: ImageManifest = { config: parseDescriptor(v.config, where), layers: v.layers.map((l) => parseDescriptor(l, where)) };
  if (typeof v.schemaVersion === 'number') m.schemaVersion = v.schemaVersion;
  if (typeof v.mediaType === 'string') m.mediaType = v.mediaType;
  if (typeof v.artifactType === 'string') m.artifactType = v.artifactType;
  if (v.subject !== undefined) m.subject = parseDescriptor(v.subject, where);
  const ann = strMap(v.annotations);
  if (ann !== undefined) m.annotations = ann;
  return m;
}

export function parseConfig(v: unknown, where: string): ImageConfig {
  if (!isObj(v)) bad('the image config is not a JSON object', where);
  const c: ImageConfig = {};
  if (typeof v.os === 'string') c.os = v.os;
  if (typeof v.architecture === 'string') c.architecture = v.architecture;
  if (typeof v.variant === 'string') c.variant = v.variant;
  if (isObj(v.rootfs)) {
    const ids = v.rootfs.diff_ids;
    c.rootfs = {};
    if (Array.isArray(ids)) {
      if (!ids.every(isDigest)) bad('rootfs.diff_ids holds a value that is not a digest', where);
      c.rootfs.diff_ids = ids;
    }
  }
  return c;
}

export function configPlatform(c: ImageConfig): Platform | undefined {
  if (c.os === undefined || c.architecture === undefined) return undefined;
  return c.variant === undefined ? { os: c.os, architecture: c.architecture } : { os: c.os, architecture: c.architecture, variant: c.variant };
}
