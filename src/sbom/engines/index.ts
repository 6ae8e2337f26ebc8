/**
 * External SBOM engines (`custody sbom generate --engine native|syft|trivy[,..]`): run syft or trivy
 * through tools/, map their output into custody's model, and merge several engines' SBOMs.
 * The `native` engine is custody's own catalogers (generate/); the caller runs it and passes its Sbom
 * to {@link mergeEngineSboms}.
 */
import { UsageError } from '../../core/errors.js';
import type { Sbom } from '../model.js';
import { ENGINES, type EngineName } from './common.js';
import { generateWithSyft } from './syft.js';
import type { EngineTarget } from './target.js';
import { generateWithTrivy, type EngineRunOptions } from './trivy.js';

export { ENGINES, type EngineName } from './common.js';
export { mergeEngineSboms, packageDisagreements, packageEngines, type EngineAgreement, type EngineSbom } from './merge.js';
export { generateWithSyft, mapSyftJson, syftSourceOf } from './syft.js';
export { resolveEngineTarget, type EngineTarget } from './target.js';
export { generateWithTrivy, mapTrivyCycloneDx, trivyTargetOf, type EngineRunOptions } from './trivy.js';

/**
 * Parse `--engine native,trivy` (comma-separated, no duplicates, order kept: the first is the base of a merge).
 * @throws UsageError ENGINE_UNKNOWN / ENGINE_EMPTY.
 */
export function parseEngineList(text: string): EngineName[] {
  const names = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  if (names.length === 0) throw new UsageError('ENGINE_EMPTY', 'no engine given to --engine', { hint: `use one or more of ${ENGINES.join(', ')}, e.g. --engine native,trivy` });
  const out: EngineName[] = [];
  for (const n of names) {
    if (!(ENGINES as readonly string[]).includes(n)) {
      throw new UsageError('ENGINE_UNKNOWN', `unknown engine ${JSON.stringify(n)} in --engine ${text}`, { hint: `use one or more of ${ENGINES.join(', ')}` });
    }
    if (!out.includes(n as EngineName)) out.push(n as EngineName);
  }
  return out;
}

/**
 * Run one external engine on `target`.
 * @throws ToolError (exit 4): missing binary, failure, unparseable output, timeout; trivy's Java DB need.
 */
export function generateWithEngine(engine: Exclude<EngineName, 'native'>, target: EngineTarget, opts: EngineRunOptions = {}): Promise<Sbom> {
  return engine === 'syft' ? generateWithSyft(target, opts) : generateWithTrivy(target, opts);
}
export { describeAgreement, runEngines, type EnginesResult, type RunEnginesOptions } from './run.js';
