/**
 * Running grype and trivy for `custody scan --engine grype|trivy` (the only vuln/ code that uses tools/).
 * Targets use the `sbom generate` syntax; SBOM files go to the tools' own SBOM inputs.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../core/clock.js';
import { InputError, ToolError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { encodeSbom } from '../../sbom/encode.js';
import { declaredIncompleteInput } from '../../sbom/completeness.js';
import { readSbomWithFormat } from '../../sbom/index.js';
import { grypeScan } from '../../tools/grype.js';
import { trivyScan, type TrivyScanTarget } from '../../tools/trivy-scan.js';
import type { ScanResult } from '../model.js';
import type { ScanInput } from '../scan.js';
import { parseGrypeReport } from './grype.js';
import { parseTrivyReport } from './trivy.js';

/** SBOM formats each tool reads itself; anything else custody reads is converted to CycloneDX JSON first. */
const NATIVE_SBOM_FORMATS: Record<'grype' | 'trivy', readonly string[]> = {
  grype: ['cyclonedx-json', 'cyclonedx-xml', 'spdx-json', 'spdx-tag-value', 'syft-json'],
  trivy: ['cyclonedx-json', 'spdx-json', 'spdx-tag-value'],
};

export interface EngineRunOptions {
  log: Logger;
  /** The whole child environment (PATH, HOME, CUSTODY_*_PATH, registry credentials). */
  env: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
}

/** grype's target string for a custody input. */
export function grypeTarget(input: ScanInput): string {
  if (input.kind === 'sbom') return `sbom:${input.path}`;
  const ref = input.ref;
  if (ref.startsWith('oci:')) return `oci-dir:${ref.slice(4)}`;
  if (ref.startsWith('docker:')) return `registry:${ref.slice(7)}`;
  return ref; // docker-archive:, oci-archive:, oci-dir:, registry:, dir: are grype's own schemes
}

/** trivy's target for a custody input. */
export function trivyTarget(input: ScanInput): TrivyScanTarget {
  if (input.kind === 'sbom') return { kind: 'sbom', path: input.path };
  const m = /^([a-z-]+):(.*)$/.exec(input.ref);
  const scheme = m?.[1];
  const rest = m?.[2] ?? input.ref;
  switch (scheme) {
    case 'docker-archive':
    case 'oci-archive':
    case 'oci-dir':
    case 'oci':
      return { kind: 'image-archive', path: rest };
    case 'dir':
      return { kind: 'rootfs', path: rest };
    case 'registry':
    case 'docker':
      return { kind: 'image', ref: rest };
    default:
      // No transport, or 'alpine:3.19' / 'host:5000/repo:tag' (a tag or port, not a transport): a registry reference.
      return { kind: 'image', ref: input.ref };
  }
}

function label(input: ScanInput): string {
  return input.kind === 'sbom' ? input.path : input.ref;
}

/**
 * Run an external engine and map its report into findings.
 * @throws ToolError (missing, failed, bad output), InputError (output is not a report of that tool)
 */
export async function runExternalEngine(engine: 'grype' | 'trivy', input: ScanInput, o: EngineRunOptions): Promise<ScanResult> {
  let toolInput = input;
  let tempDir: string | undefined;
  let declared: ReturnType<typeof declaredIncompleteInput>;
  if (input.kind === 'sbom') {
    // Read it first: an unreadable SBOM is exit 3 (ours), not a tool failure; convert what the tool cannot read.
    const { sbom, format } = await readSbomWithFormat(input.path, { logger: o.log });
    // The tools do not read completeness declarations: custody does (README "Completeness").
    declared = declaredIncompleteInput(sbom, input.path);
    if (!NATIVE_SBOM_FORMATS[engine].includes(format.id)) {
      tempDir = await mkdtemp(join(tmpdir(), 'custody-scan-'));
      const converted = join(tempDir, 'sbom.cdx.json');
      await writeFile(converted, encodeSbom(sbom, 'cyclonedx-json@1.5', { clock: systemClock }));
      o.log.info(`${engine} cannot read ${format.id}; scanning it converted to CycloneDX 1.5 JSON`);
      toolInput = { kind: 'sbom', path: converted };
    }
  }
  try {
    const opts = { env: o.env, ...(o.signal ? { signal: o.signal } : {}) };
    const doc = engine === 'grype' ? await grypeScan(grypeTarget(toolInput), opts) : await trivyScan(trivyTarget(toolInput), opts);
    let result: ScanResult;
    try {
      result = engine === 'grype' ? parseGrypeReport(doc, 'grype output') : parseTrivyReport(doc, 'trivy output');
    } catch (err) {
      // The tool printed JSON that is not its report: a tool problem (exit 4), not bad user input.
      if (err instanceof InputError) throw new ToolError('TOOL_BAD_OUTPUT', `${engine} printed JSON that is not a ${engine} report`, { cause: err, hint: `check that CUSTODY_${engine.toUpperCase()}_PATH points at a real ${engine}` });
      throw err;
    }
    const incomplete = [...(result.incomplete ?? []), ...(declared ? [declared] : [])];
    return { ...result, target: { ...result.target, kind: input.kind, name: label(input) }, ...(incomplete.length > 0 ? { incomplete } : {}) };
  } finally {
    if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true });
  }
}
