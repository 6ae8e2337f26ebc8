/**
 * One entry point for every output format custody writes from its model.
 */
import type { Clock } from '../core/clock.js';
import { UsageError } from '../core/errors.js';
import { encodeCycloneDxJson, encodeCycloneDxXml, type CycloneDxVersion } from './cyclonedx/encode.js';
import type { Sbom } from './model.js';
import { encodeNativeSbom } from './native/encode.js';
import { encodeSpdxJson } from './spdx/encode.js';

export const ENCODE_FORMATS = [
  'cyclonedx-json',
  'cyclonedx-json@1.6',
  'cyclonedx-json@1.5',
  'cyclonedx-json@1.4',
  'cyclonedx-xml',
  'cyclonedx-xml@1.6',
  'cyclonedx-xml@1.5',
  'cyclonedx-xml@1.4',
  'spdx-json',
  'spdx-json@2.3',
  'json',
] as const;

export type EncodeFormat = (typeof ENCODE_FORMATS)[number];

export interface EncodeOptions {
  /** Creation time (CLI: SOURCE_DATE_EPOCH). */
  clock: Clock;
  /** Indentation, default 2. */
  space?: number;
}

export function isEncodeFormat(s: string): s is EncodeFormat {
  return (ENCODE_FORMATS as readonly string[]).includes(s);
}

/**
 * Serialise an Sbom. `cyclonedx-json` is spec 1.6 unless `@1.5`/`@1.4` is given; `spdx-json` is SPDX 2.3;
 * `json` is custody's own lossless model.
 * @throws UsageError `SBOM_UNKNOWN_FORMAT` for a format custody cannot write.
 */
export function encodeSbom(sbom: Sbom, format: EncodeFormat | string, options: EncodeOptions): string {
  if (!isEncodeFormat(format)) {
    throw new UsageError('SBOM_UNKNOWN_FORMAT', `unknown SBOM output format ${JSON.stringify(format)}`, {
      hint: `use one of: ${ENCODE_FORMATS.join(', ')}`,
    });
  }
  const [base, version] = format.split('@') as [string, string | undefined];
  const space = options.space ?? 2;
  switch (base) {
    case 'cyclonedx-json':
      return encodeCycloneDxJson(sbom, { clock: options.clock, specVersion: (version ?? '1.6') as CycloneDxVersion, space });
    case 'cyclonedx-xml':
      return encodeCycloneDxXml(sbom, { clock: options.clock, specVersion: (version ?? '1.6') as CycloneDxVersion, space });
    case 'spdx-json':
      return encodeSpdxJson(sbom, { clock: options.clock, toolName: toolName(sbom), space });
    default:
      return encodeNativeSbom(sbom, { clock: options.clock });
  }
}

function toolName(sbom: Sbom): string {
  const t = sbom.tools.find((x) => x.name === 'custody') ?? sbom.tools[0];
  return t ? `${t.name}-${t.version}` : 'custody';
}
