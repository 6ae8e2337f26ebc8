/**
 * `--engine trivy`: run trivy (tools/trivy.ts), decode its CycloneDX with custody's own CycloneDX
 * decoder (sbom/cyclonedx/decode.ts), then apply what only trivy's properties say:
 * `aquasecurity:trivy:*` properties → locations (FilePath), layers (LayerDiffID), distro (the
 * operating-system component); every other property is kept under `metadata.properties`, not dropped.
 * Aggregate components (lock files, the OS itself: `aquasecurity:trivy:Class`) are not packages.
 */
import { parsePurl } from '../../core/ecosystem.js';
import { ToolError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { trivySbom, type TrivySbomTarget } from '../../tools/trivy.js';
import type { ToolOptions } from '../../tools/exec.js';
import { decodeCycloneDxObject } from '../cyclonedx/decode.js';
import { arr, isObj, obj, str } from '../decode.js';
import type { LinuxRelease, Package, Sbom } from '../model.js';
import { dedupeLocations, engineSubject, normalizeLocationPath, reidentify, sortPackages } from './common.js';
import type { EngineTarget } from './target.js';

const PREFIX = 'aquasecurity:trivy:';

/** Map a custody target to what trivy reads. */
export function trivyTargetOf(t: EngineTarget, opts: { plainHttp?: boolean | undefined } = {}): TrivySbomTarget {
  switch (t.transport) {
    case 'registry':
      return { kind: 'image-remote', ref: t.location, insecure: opts.plainHttp === true };
    case 'dir':
      return t.rootfs ? { kind: 'rootfs', path: t.location } : { kind: 'fs', path: t.location };
    default:
      return { kind: 'image-input', path: t.location };
  }
}

function propsOf(c: Record<string, unknown>): { name: string; value: string }[] {
  return arr(c.properties)
    .map((p) => ({ name: str(obj(p).name), value: str(obj(p).value) }))
    .filter((p): p is { name: string; value: string } => p.name !== undefined && p.value !== undefined);
}

/** Properties already expressed by the model (everything else is kept). */
const MAPPED = new Set([`${PREFIX}FilePath`, `${PREFIX}PkgType`]);

/**
 * Map trivy's CycloneDX document into custody's model.
 * @throws ToolError TOOL_BAD_OUTPUT when it is not a CycloneDX document.
 */
export function mapTrivyCycloneDx(doc: unknown, target: EngineTarget, log?: Logger): Sbom {
  if (!isObj(doc) || doc.bomFormat !== 'CycloneDX') {
    throw new ToolError('TOOL_BAD_OUTPUT', `trivy printed JSON that is not a CycloneDX document for ${target.ref}`, {
      hint: 'check that CUSTODY_TRIVY_PATH points at a real trivy (one that supports --format cyclonedx)',
    });
  }
  const decoded = decodeCycloneDxObject(doc, { source: `trivy output for ${target.ref}`, warn: (m) => log?.warn(m) }, 'cyclonedx-json');
  // Raw components by bom-ref (the decoder uses the bom-ref as the package id).
  const raw = new Map<string, Record<string, unknown>>();
  const walk = (list: unknown, depth: number): void => {
    if (depth > 64) return;
    for (const c of arr(list)) {
      if (!isObj(c)) continue;
      const ref = str(c['bom-ref']);
      if (ref !== undefined && !raw.has(ref)) raw.set(ref, c);
      walk(c.components, depth + 1);
    }
  };
  walk(doc.components, 0);

  // The decoder reads the operating-system component as the distro; an older decode kept it as a package.
  let distro: LinuxRelease | undefined = decoded.distro ? { id: decoded.distro.id, ...(decoded.distro.versionId ? { versionId: decoded.distro.versionId } : {}) } : undefined;
  const packages: Package[] = [];
  for (const p of decoded.packages) {
    const c = raw.get(p.id) ?? {};
    const props = propsOf(c);
    const cls = props.find((x) => x.name === `${PREFIX}Class`)?.value;
    if (str(c.type) === 'operating-system') {
      if (distro === undefined && p.name !== '') distro = p.version ? { id: p.name, versionId: p.version } : { id: p.name };
      continue;
    }
    if (cls !== undefined) continue; // an aggregate (lock file, OS), not a package
    const diffId = props.find((x) => x.name === `${PREFIX}LayerDiffID`)?.value;
    const layerDigest = props.find((x) => x.name === `${PREFIX}LayerDigest`)?.value;
    p.locations = dedupeLocations(
      p.locations.map((l) => {
        const path = normalizeLocationPath(l.path);
        const layer = l.layer ?? layerDigest;
        return layer ? { path, layer } : { path };
      }),
    );
    p.foundBy = ['trivy'];
    p.version = withEpoch(p);
    const kept: Record<string, string | string[]> = {};
    for (const { name, value } of props) {
      if (MAPPED.has(name)) continue;
      const prev = kept[name];
      kept[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
    const pkgType = props.find((x) => x.name === `${PREFIX}PkgType`)?.value;
    p.metadata = {
      ...p.metadata,
      ...(pkgType ? { trivyPkgType: pkgType } : {}),
      ...(diffId ? { layerDiffId: diffId } : {}),
      ...(Object.keys(kept).length > 0 ? { properties: kept } : {}),
    };
    packages.push(p);
  }
  const { relationships } = reidentify(packages, decoded.relationships);
  const sbom: Sbom = {
    subject: engineSubject(target, decoded.subject),
    packages,
    relationships,
    tools: [{ name: 'trivy', version: decoded.tools.find((t) => t.name === 'trivy')?.version || 'unknown', vendor: 'aquasecurity' }],
  };
  if (distro) sbom.distro = distro;
  return sortPackages(sbom);
}

/**
 * trivy prints deb/rpm versions without the epoch and puts it in the purl (`epoch=1`); dpkg, rpm and
 * custody's catalogers write `1:2.38.1-5`. Put it back so versions compare across engines.
 */
function withEpoch(p: Package): string {
  if ((p.type !== 'deb' && p.type !== 'rpm') || p.purl === undefined || p.version.includes(':')) return p.version;
  const epoch = parsePurl(p.purl)?.qualifiers?.epoch;
  return epoch !== undefined && epoch !== '' && epoch !== '0' ? `${epoch}:${p.version}` : p.version;
}

export interface EngineRunOptions extends ToolOptions {
  platform?: string | undefined;
  plainHttp?: boolean | undefined;
  log?: Logger | undefined;
}

/**
 * Generate an SBOM of `target` with trivy, in custody's model.
 * @throws ToolError (exit 4) as `trivySbom` and `mapTrivyCycloneDx`.
 */
export async function generateWithTrivy(target: EngineTarget, opts: EngineRunOptions = {}): Promise<Sbom> {
  const t = trivyTargetOf(target, opts);
  opts.log?.debug(`trivy target: ${JSON.stringify(t)}`);
  const { doc } = await trivySbom(t, opts);
  return mapTrivyCycloneDx(doc, target, opts.log);
}
