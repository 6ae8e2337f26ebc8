import { NetworkError } from '../core/errors.js';
import type { Platform } from '../sbom/model.js';
import type { OpenSourceOptions } from './options.js';
import type { Source } from './types.js';

export async function openRegistrySource(rest: string, name: string, _options: OpenSourceOptions): Promise<Source> {
  throw new NetworkError('SOURCE_REGISTRY_UNAVAILABLE', `registry sources are not available yet (${name}, ${rest})`, { hint: 'export the image with skopeo and use oci-dir:' });
}
export async function listRegistryPlatforms(_rest: string, _options: OpenSourceOptions): Promise<Platform[]> {
  return [];
}
