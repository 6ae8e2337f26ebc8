/**
 * `generateSbom`: open a source, squash it once, run the selected catalogers and return custody's
 * model (one Sbom, or one per platform with `allPlatforms`). The CLI encodes the result.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { collectGarbage } from '../core/memory.js';
import { ALL_CATALOGERS, selectCatalogers } from '../catalog/registry.js';
import type { Cataloger } from '../catalog/cataloger.js';
import { runCatalogers } from '../catalog/run.js';
import { planStreaming } from '../catalog/stream.js';
import type { Sbom, ToolInfo } from '../sbom/model.js';
import { formatPlatform, listPlatforms, openSource } from '../source/index.js';
import type { Scope } from '../source/types.js';

export interface GenerateOptions {
  /** What the user typed: 'oci-dir:PATH', 'docker-archive:PATH', 'dir:PATH', 'registry:REF' or a bare path. */
  target: string;
  /** 'os/arch[/variant]' to pick from a multi-platform index (default: the host's). */
  platform?: string;
  /** One SBOM per platform of a multi-platform index. */
  allPlatforms?: boolean;
  scope?: Scope;
  /** `--select` tokens (names, tags, ecosystems, `-name` to exclude). */
  select?: readonly string[];
  plainHttp?: boolean;
  log: Logger;
  signal?: AbortSignal;
  /** Not used for output times (encoders take their own clock); kept for engines that stamp results. */
  clock?: Clock;
  /** Base for relative paths (CLI: io.cwd). */
  cwd?: string;
  /** Environment for registry credentials (CLI: io.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** custody's version, recorded in `tools`. */
  toolVersion: string;
  /** The cataloger list to select from (default: every registered cataloger). */
  catalogers?: readonly Cataloger[];
}

/** Generate the SBOM of one platform (or of a non-image source). */
/**
 * In an image, what runs is what is installed: lock files and other declared manifests describe a
 * build, and cataloguing both lists every npm/python package twice (syft and trivy make the same
 * choice for images). Unless the user names catalogers to include (`--select declared`, a name, an
 * ecosystem), an image gets only the catalogers tagged 'image'; a directory gets all of them.
 */
export function defaultsForSource(catalogers: readonly Cataloger[], kind: string, select: readonly string[]): Cataloger[] {
  const includes = select.flatMap((s) => s.split(',')).some((t) => t.trim() !== '' && !t.trim().startsWith('-') && !t.trim().startsWith('+'));
  if (kind !== 'image' || includes) return [...catalogers];
  return catalogers.filter((c) => c.tags.includes('image'));
}

async function generateOne(o: GenerateOptions, selected: readonly Cataloger[], platform: string | undefined): Promise<Sbom> {
  let catalogers = selected;
  const scope = o.scope ?? 'squashed';
  const source = await openSource(o.target, {
    log: o.log,
    ...(platform ? { platform } : {}),
    ...(o.plainHttp ? { plainHttp: true } : {}),
    ...(o.cwd ? { cwd: o.cwd } : {}),
    ...(o.env ? { env: o.env } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  try {
    catalogers = defaultsForSource(catalogers, source.describe().kind, o.select ?? []);
    // Files are parsed as the layers stream past; only what needs the whole image is kept (catalog/stream.ts).
    const plan = planStreaming(catalogers, o.signal ? { signal: o.signal } : {});
    const resolver = await source.resolver({
      scope,
      wants: plan.wants,
      stream: plan.sink,
      onProgress: (m) => o.log.progress(m),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    // The walk's garbage (streamed bytes, gunzip chunks, the receive buffer) goes before cataloguing allocates.
    collectGarbage();
    const result = await runCatalogers(resolver, catalogers, {
      log: o.log,
      scope,
      streamed: plan.parses,
      onProgress: (m) => o.log.progress(m),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    const tools: ToolInfo[] = [{ name: 'custody', version: o.toolVersion }];
    return {
      subject: source.describe(),
      ...(result.distro ? { distro: result.distro } : {}),
      packages: result.packages,
      relationships: result.relationships,
      tools,
      incomplete: result.incomplete,
      completeness: result.incomplete.length > 0 ? 'incomplete' : 'complete',
    };
  } finally {
    await source[Symbol.asyncDispose]();
    // The file tree and the kept bytes go before the caller encodes the SBOM.
    collectGarbage();
  }
}

/**
 * Generate SBOMs. Returns one Sbom, or with `allPlatforms` one per platform of the image (a
 * single-platform image gives a one-element list).
 * @throws UsageError for an unknown `--select` token or a malformed platform; InputError for bad input
 *   (exit 3); NetworkError for registry failures (exit 5).
 */
export async function generateSbom(o: GenerateOptions & { allPlatforms: true }): Promise<Sbom[]>;
export async function generateSbom(o: GenerateOptions): Promise<Sbom | Sbom[]>;
export async function generateSbom(o: GenerateOptions): Promise<Sbom | Sbom[]> {
  const catalogers = selectCatalogers(o.catalogers ?? ALL_CATALOGERS, o.select ?? []);
  if (!o.allPlatforms) return generateOne(o, catalogers, o.platform);
  const platforms = await listPlatforms(o.target, {
    log: o.log,
    ...(o.plainHttp ? { plainHttp: true } : {}),
    ...(o.cwd ? { cwd: o.cwd } : {}),
    ...(o.env ? { env: o.env } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  // A directory has no platform: one SBOM, as without --all-platforms.
  if (platforms.length === 0) return [await generateOne(o, catalogers, undefined)];
  const out: Sbom[] = [];
  for (const p of platforms) {
    const name = formatPlatform(p);
    o.log.info(`${o.target}: platform ${name}`);
    out.push(await generateOne(o, catalogers, name));
  }
  return out;
}
