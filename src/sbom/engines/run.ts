/**
 * Running a list of engines on one target and merging the results. The native engine is passed in as
 * a callback (it lives in generate/, which sbom/ may not import).
 */
import { UsageError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { Sbom } from '../model.js';
import type { EngineName } from './common.js';
import { mergeEngineSboms, type EngineAgreement, type EngineSbom } from './merge.js';
import { generateWithSyft } from './syft.js';
import { resolveEngineTarget } from './target.js';
import { generateWithTrivy } from './trivy.js';

export interface RunEnginesOptions {
  target: string;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
  signal?: AbortSignal | undefined;
  platform?: string | undefined;
  plainHttp?: boolean | undefined;
  /** Per external-tool run. */
  timeoutMs?: number | undefined;
  /** custody's version, recorded in `tools` next to the engines'. */
  toolVersion: string;
  /** Runs custody's own catalogers (generate/). */
  native: () => Promise<Sbom>;
}

export interface EnginesResult {
  sbom: Sbom;
  /** Only when more than one engine ran. */
  agreement?: EngineAgreement;
}

/**
 * Run `engines` one at a time (each tool already uses every core) and merge them in the given order.
 * @throws UsageError ENGINE_EMPTY; InputError for a missing local target; ToolError from the tools.
 */
export async function runEngines(engines: readonly EngineName[], o: RunEnginesOptions): Promise<EnginesResult> {
  if (engines.length === 0) throw new UsageError('ENGINE_EMPTY', 'no engine given to --engine', { hint: 'use native, syft or trivy' });
  const external = engines.some((e) => e !== 'native');
  const target = external ? await resolveEngineTarget(o.target, o.cwd) : undefined;
  const parts: EngineSbom[] = [];
  // External tools run first (a missing or broken tool fails fast, before a long native run);
  // the merge still follows the order the user gave (the first engine is the base).
  const order = [...engines.filter((e) => e !== 'native'), ...engines.filter((e) => e === 'native')];
  for (const engine of order) {
    o.log.progress(`running ${engine} on ${o.target}`);
    const started = Date.now();
    let sbom: Sbom;
    if (engine === 'native') sbom = await o.native();
    else {
      const opts = { env: o.env, signal: o.signal, platform: o.platform, plainHttp: o.plainHttp, timeoutMs: o.timeoutMs, cwd: o.cwd, log: o.log };
      sbom = engine === 'syft' ? await generateWithSyft(target!, opts) : await generateWithTrivy(target!, opts);
      if (!sbom.tools.some((t) => t.name === 'custody')) sbom.tools.unshift({ name: 'custody', version: o.toolVersion });
    }
    o.log.debug(`${engine}: ${sbom.packages.length} packages in ${Date.now() - started} ms`);
    parts.push({ engine, sbom });
  }
  if (parts.length === 1) return { sbom: parts[0]!.sbom };
  parts.sort((a, b) => engines.indexOf(a.engine) - engines.indexOf(b.engine));
  const { sbom, agreement } = mergeEngineSboms(parts);
  return { sbom, agreement };
}

/** One stderr line summarising a merge: "engines native, trivy: 130 packages agree; only native: 2; only trivy: 1". */
export function describeAgreement(a: EngineAgreement, total: number): string {
  const partial = Object.entries(a.partial)
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([k, n]) => `only ${k}: ${n}`);
  return `engines ${a.engines.join(', ')}: ${a.agreed} of ${total} packages found by all${partial.length > 0 ? `; ${partial.join('; ')}` : ''}`;
}
