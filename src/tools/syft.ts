/**
 * syft adapter: one invocation, `syft scan <source> -o syft-json`, parsed. syft understands custody's
 * source prefixes as they are (docker-archive:, oci-archive:, oci-dir:, dir:, registry:).
 * Mapping into custody's model happens in sbom/engines/syft.ts (through sbom/syft/decode.ts).
 */
import { parseToolJson, runTool, toolFailed, type ToolOptions, type ToolRun, type ToolSpec } from './exec.js';

export const SYFT: ToolSpec = {
  name: 'syft',
  envVar: 'CUSTODY_SYFT_PATH',
  timeoutMs: 10 * 60_000,
  install: 'https://github.com/anchore/syft#installation',
  versionArgs: ['--version'],
};

export interface SyftScanOptions extends ToolOptions {
  platform?: string | undefined;
  /** registry: plain HTTP (SYFT_REGISTRY_INSECURE_USE_HTTP). */
  plainHttp?: boolean | undefined;
}

/** argv for one scan (exported for tests and `--debug`). */
export function syftScanArgs(source: string, opts: { platform?: string | undefined } = {}): string[] {
  return ['scan', source, '-o', 'syft-json', '-q', ...(opts.platform !== undefined ? ['--platform', opts.platform] : [])];
}

export interface SyftScanRun {
  /** syft's parsed JSON document (its version is in descriptor.version). */
  doc: unknown;
  run: ToolRun;
}

/**
 * Catalogue `source` with syft.
 * @throws ToolError TOOL_NOT_INSTALLED (hint names CUSTODY_SYFT_PATH), TOOL_FAILED (stderr tail redacted),
 *   TOOL_BAD_OUTPUT, TOOL_TIMEOUT, TOOL_CANCELLED.
 */
export async function syftScan(source: string, opts: SyftScanOptions = {}): Promise<SyftScanRun> {
  const env = { ...opts.env, ...(opts.plainHttp ? { SYFT_REGISTRY_INSECURE_USE_HTTP: 'true' } : {}) };
  const run = await runTool(SYFT, syftScanArgs(source, opts), { ...opts, env });
  if (run.exitCode !== 0) throw toolFailed(SYFT, run, `cataloguing ${source}`);
  return { doc: parseToolJson(SYFT, run.stdout, run), run };
}
