/**
 * `registry:REF`: pull manifests/config from an OCI distribution registry and stream the layers
 * (each blob verified against its digest while it is squashed). Never writes the image to disk.
 */
import type { Platform } from '../sbom/model.js';
import { imageSource } from './image/image-source.js';
import { configPlatform, METADATA_CAP, parseConfig, parseJson } from './image/manifest.js';
import type { LayerPlan } from './image/squash.js';
import { formatImageRef, parseImageRef } from './image-ref.js';
import { layerDescriptions, pickPlatform, platformsOf } from './oci-layout.js';
import type { OpenSourceOptions } from './options.js';
import { checkImagePlatform, hostPlatform, parsePlatform } from './platform.js';
import { RegistryClient, type RegistryClientOptions } from './registry-client.js';
import type { Source } from './types.js';

function clientOptions(options: OpenSourceOptions): RegistryClientOptions {
  return {
    ...(options.plainHttp === undefined ? {} : { plainHttp: options.plainHttp }),
    ...(options.caFile === undefined ? {} : { caFile: options.caFile }),
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.log === undefined ? {} : { log: options.log }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
}

export async function openRegistrySource(rest: string, name: string, options: OpenSourceOptions): Promise<Source> {
  const ref = parseImageRef(rest);
  const client = new RegistryClient(ref, clientOptions(options));
  const label = `registry:${formatImageRef(ref)}`;
  const top = await client.getManifest();
  let m = top;
  if (top.index !== undefined) {
    const want = options.platform === undefined ? hostPlatform() : parsePlatform(options.platform);
    m = await client.getManifest(pickPlatform(top.index, want, label).digest);
  }
  if (m.manifest === undefined) m = await client.getManifest(pickPlatform(m.index!, hostPlatform(), label).digest);
  const manifest = m.manifest!;
  const configRaw = await client.getBlob(manifest.config.digest, METADATA_CAP);
  const config = parseConfig(parseJson(configRaw, `${label}: config`), `${label}: config`);
  checkImagePlatform(configPlatform(config), options.platform, label);
  const diffIds = config.rootfs?.diff_ids;
  const layers: LayerPlan[] = manifest.layers.map((l, i) => ({
    digest: l.digest,
    expectDigest: l.digest,
    ...(l.mediaType === undefined ? {} : { mediaType: l.mediaType }),
    ...(l.size === undefined ? {} : { size: l.size }),
    ...(diffIds?.[i] === undefined ? {} : { diffId: diffIds[i] }),
    open: () => client.blobStream(l.digest),
  }));
  const platform = configPlatform(config);
  const repo = `${ref.registry}/${ref.repository}`;
  return imageSource(
    {
      description: {
        kind: 'image',
        name,
        transport: 'registry',
        manifestDigest: m.digest,
        configDigest: manifest.config.digest,
        ...(ref.tag === undefined ? {} : { repoTags: [`${repo}:${ref.tag}`] }),
        repoDigests: [`${repo}@${top.digest}`],
        ...(platform === undefined ? {} : { platform }),
        layers: layerDescriptions(layers),
      },
      layers,
      verifyLayers: true,
    },
    options,
  );
}

export async function listRegistryPlatforms(rest: string, options: OpenSourceOptions): Promise<Platform[]> {
  const client = new RegistryClient(parseImageRef(rest), clientOptions(options));
  const top = await client.getManifest();
  if (top.index !== undefined) return platformsOf(top.index);
  const config = parseConfig(parseJson(await client.getBlob(top.manifest!.config.digest, METADATA_CAP), 'config'), 'config');
  const p = configPlatform(config);
  return p === undefined ? [] : [p];
}
