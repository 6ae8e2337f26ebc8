/**
 * `--engine syft`: run syft (tools/syft.ts) for syft-json and decode it with sbom/syft/decode.ts.
 * Packages are attributed to the engine (`foundBy: ['syft']`); syft's own cataloger name stays in
 * `metadata.syftFoundBy`, its metadata block in `metadata` as decoded.
 */
import { ToolError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { syftScan } from '../../tools/syft.js';
import { isObj } from '../decode.js';
import type { Sbom } from '../model.js';
import { decodeSyftObject } from '../syft/decode.js';
import { dedupeLocations, engineSubject, normalizeLocationPath, reidentify, sortPackages } from './common.js';
import type { EngineTarget } from './target.js';
import type { EngineRunOptions } from './trivy.js';

/** syft reads custody's prefixes as they are; bare paths get the prefix custody sniffed. */
export function syftSourceOf(t: EngineTarget): string {
  return `${t.transport}:${t.location}`;
}

/**
 * Map syft's JSON document into custody's model.
 * @throws ToolError TOOL_BAD_OUTPUT when it is not syft JSON (no `artifacts` array).
 */
export function mapSyftJson(doc: unknown, target: EngineTarget, log?: Logger): Sbom {
  if (!isObj(doc) || !Array.isArray(doc.artifacts)) {
    throw new ToolError('TOOL_BAD_OUTPUT', `syft printed JSON that is not syft JSON (no "artifacts" array) for ${target.ref}`, {
      hint: 'check that CUSTODY_SYFT_PATH points at a real syft (one that supports -o syft-json)',
    });
  }
  const decoded = decodeSyftObject(doc, { source: `syft output for ${target.ref}`, warn: (m) => log?.warn(m) });
  for (const p of decoded.packages) {
    const syftFoundBy = p.foundBy;
    p.foundBy = ['syft'];
    p.locations = dedupeLocations(p.locations.map((l) => (l.layer ? { path: normalizeLocationPath(l.path), layer: l.layer } : { path: normalizeLocationPath(l.path) })));
    if (syftFoundBy.length > 0) p.metadata = { ...p.metadata, syftFoundBy: syftFoundBy.join(',') };
  }
  const { packages, relationships } = reidentify(decoded.packages, decoded.relationships);
  const sbom: Sbom = {
    subject: engineSubject(target, decoded.subject),
    packages,
    relationships,
    tools: [{ name: 'syft', version: decoded.tools.find((t) => t.name === 'syft')?.version || 'unknown', vendor: 'anchore' }],
  };
  if (decoded.distro) sbom.distro = decoded.distro;
  return sortPackages(sbom);
}

/**
 * Generate an SBOM of `target` with syft, in custody's model.
 * @throws ToolError (exit 4) as `syftScan` and `mapSyftJson`.
 */
export async function generateWithSyft(target: EngineTarget, opts: EngineRunOptions = {}): Promise<Sbom> {
  const source = syftSourceOf(target);
  opts.log?.debug(`syft source: ${source}`);
  const { doc } = await syftScan(source, opts);
  return mapSyftJson(doc, target, opts.log);
}
