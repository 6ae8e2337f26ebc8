/**
 * `docker-archive:PATH`: the output of `docker save` / `skopeo copy docker-archive:`. Both the
 * pre-25 layout (manifest.json + <id>/layer.tar, often symlinks inside the tar) and the Docker >= 25
 * one (an OCI layout whose manifest.json points at blobs/sha256/...). Layers may be plain or gzip.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../core/errors.js';
import type { Platform } from '../sbom/model.js';
import { imageSource } from './image/image-source.js';
import { configPlatform, isDigest, METADATA_CAP, parseConfig, parseJson } from './image/manifest.js';
import type { LayerPlan } from './image/squash.js';
import { tarStore, type LayoutStore } from './image/store.js';
import { layerDescriptions, missingBlob, OciLayoutReader } from './oci-layout.js';
import type { OpenSourceOptions } from './options.js';
import { checkImagePlatform } from './platform.js';
import { TarIndex } from './tar-index.js';
import type { Source } from './types.js';

interface DockerManifestEntry {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

function parseDockerManifest(v: unknown, label: string): DockerManifestEntry[] {
  const bad = (what: string): never => {
    throw new InputError('SOURCE_BAD_MANIFEST', `${label}: manifest.json ${what}`, { hint: 'the archive is malformed; re-export it with docker save' });
  };
  if (!Array.isArray(v) || v.length === 0) bad('is not a non-empty list');
  return (v as unknown[]).map((e) => {
    if (typeof e !== 'object' || e === null) return bad('holds an entry that is not an object');
    const o = e as Record<string, unknown>;
    if (typeof o.Config !== 'string') bad('has an entry without Config');
    if (!Array.isArray(o.Layers) || !o.Layers.every((l) => typeof l === 'string')) bad('has an entry without a Layers list');
    const tags = Array.isArray(o.RepoTags) ? o.RepoTags.filter((t): t is string => typeof t === 'string') : [];
    return { Config: o.Config as string, RepoTags: tags, Layers: o.Layers as string[] };
  });
}

/** 'blobs/sha256/<hex>' → 'sha256:<hex>'. */
function blobDigestOf(path: string): string | undefined {
  const m = /^\/?blobs\/(sha256|sha512)\/([a-f0-9]+)$/.exec(path);
  const d = m === null ? undefined : `${m[1]}:${m[2]}`;
  return isDigest(d) ? d : undefined;
}

export async function openDockerArchiveIndex(index: TarIndex, name: string, pick: string | undefined): Promise<{ store: LayoutStore; entries: DockerManifestEntry[]; entry: DockerManifestEntry }> {
  const store = tarStore(index, name);
  const raw = await store.read('manifest.json', METADATA_CAP);
  if (raw === undefined) {
    throw new InputError('SOURCE_UNKNOWN_FORMAT', `${name} is a tar without manifest.json, so not a docker-archive`, {
      hint: 'for an OCI layout tar use oci-archive:; for a root filesystem tar, unpack it and use dir:',
    });
  }
  const entries = parseDockerManifest(parseJson(raw, `${name}: manifest.json`), name);
  let entry = entries[0]!;
  const nth = pick === undefined ? undefined : /^@(\d{1,6})$/.exec(pick);
  if (nth != null) {
    // skopeo's `docker-archive:PATH:@N`: the Nth image of manifest.json (0-based), tagged or not.
    const hit = entries[Number(nth[1])];
    if (hit === undefined) throw new InputError('SOURCE_TAG_NOT_FOUND', `${name} has no image @${nth[1]} (it holds ${entries.length}, @0 to @${entries.length - 1})`, { hint: 'images are counted from @0 in manifest.json order' });
    entry = hit;
  } else if (pick !== undefined) {
    const hit = entries.find((e) => e.RepoTags.some((t) => t === pick || t.endsWith(`/${pick}`)));
    if (hit === undefined) {
      throw new InputError('SOURCE_TAG_NOT_FOUND', `${name} has no image tagged '${pick}'`, { hint: `tags there: ${entries.flatMap((e) => e.RepoTags).join(', ') || 'none'}` });
    }
    entry = hit;
  } else if (entries.length > 1) {
    // Reading the first of several images would be an SBOM of an image nobody named: fail closed.
    const names = entries.slice(0, 5).map((e, i) => (e.RepoTags[0] !== undefined ? `${name}:${e.RepoTags[0]}` : `${name}:@${i}`));
    throw new InputError('SOURCE_AMBIGUOUS_IMAGE', `${name} holds ${entries.length} images`, {
      hint: `name one: ${names.join(' or ')}${entries.length > 5 ? ` (and ${entries.length - 5} more)` : ''}`,
    });
  }
  return { store, entries, entry };
}

export async function openDockerArchive(file: string, name: string, pick: string | undefined, options: OpenSourceOptions): Promise<Source> {
  const index = await TarIndex.open(file, name);
  const { store, entry } = await openDockerArchiveIndex(index, name, pick);
  const configRaw = await store.read(entry.Config, METADATA_CAP);
  if (configRaw === undefined) throw missingBlob(name, entry.Config, 'config');
  const configDigest = `sha256:${createHash('sha256').update(configRaw).digest('hex')}`;
  const config = parseConfig(parseJson(configRaw, `${name}: config`), `${name}: config`);
  checkImagePlatform(configPlatform(config), options.platform, name);
  const diffIds = config.rootfs?.diff_ids ?? [];

  // Docker >= 25 writes an OCI layout too: take the manifest digest and media types from it.
  let manifestDigest: string | undefined;
  const mediaTypes = new Map<string, string>();
  if (await store.has('index.json')) {
    try {
      const reader = new OciLayoutReader(store);
      for (const d of (await reader.index()).manifests) {
        const m = await reader.manifest(d.digest, d.mediaType);
        if (m.manifest?.config.digest === configDigest) {
          manifestDigest = d.digest;
          for (const l of m.manifest.layers) if (l.mediaType !== undefined) mediaTypes.set(l.digest, l.mediaType);
          break;
        }
      }
    } catch (err) {
      options.log?.debug(`${name}: ignoring its index.json (${(err as Error).message})`);
    }
  }

  const layers: LayerPlan[] = [];
  for (const [i, path] of entry.Layers.entries()) {
    if (!(await store.has(path))) throw missingBlob(name, path, `layer ${i + 1}`);
    const blob = blobDigestOf(path);
    const diffId = diffIds[i];
    const digest = blob ?? diffId ?? `sha256:${createHash('sha256').update(path).digest('hex')}`;
    const mediaType = blob === undefined ? undefined : mediaTypes.get(blob);
    layers.push({
      digest,
      ...(mediaType === undefined ? {} : { mediaType }),
      ...(diffId === undefined ? {} : { diffId }),
      // v25 blobs are checked against their name; pre-25 layer.tar files (uncompressed) against the diff ID.
      ...(blob !== undefined ? { expectDigest: blob } : diffId !== undefined ? { expectDigest: diffId, expectIsUncompressed: true } : {}),
      size: index.lookup(path)?.size ?? 0,
      locate: () => store.locate(path),
      open: async () => {
        const s = await store.stream(path);
        if (s === undefined) throw missingBlob(name, path, `layer ${i + 1}`);
        return s;
      },
    });
  }
  const platform = configPlatform(config);
  return imageSource(
    {
      description: {
        kind: 'image',
        name,
        transport: 'docker-archive',
        ...(manifestDigest === undefined ? {} : { manifestDigest }),
        configDigest,
        ...(entry.RepoTags.length > 0 ? { repoTags: entry.RepoTags } : {}),
        ...(platform === undefined ? {} : { platform }),
        layers: layerDescriptions(layers),
      },
      layers,
      verifyLayers: false,
    },
    options,
  );
}

export async function listDockerArchivePlatforms(file: string, name: string, pick: string | undefined): Promise<Platform[]> {
  const index = await TarIndex.open(file, name);
  const { store, entry } = await openDockerArchiveIndex(index, name, pick);
  const raw = await store.read(entry.Config, METADATA_CAP);
  if (raw === undefined) throw missingBlob(name, entry.Config, 'config');
  const p = configPlatform(parseConfig(parseJson(raw, `${name}: config`), `${name}: config`));
  return p === undefined ? [] : [p];
}

