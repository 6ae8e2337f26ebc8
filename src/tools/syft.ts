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
  install: 'https://github.com/anchore/syft#installation (or `node scripts/install-peers.mjs syft` from a custody checkout, which builds it and prints CUSTODY_SYFT_PATH=...)',
  versionArgs: ['--version'],
};

export interface SyftScanOptions extends ToolOptions {
  platform?: string | undefined;
  /** registry: plain HTTP (SYFT_REGISTRY_INSECURE_USE_HTTP). */
  plainHttp?: boolean | undefined;
}

/**
 * argv for one scan (exported for tests and `--debug`). No `-q`: with it syft exits 1 without a word on a
 * source it cannot read (measured with syft 1.57.2), so TOOL_FAILED could not say why; without a terminal
 * syft prints nothing but its error lines on stderr.
 */
export function syftScanArgs(source: string, opts: { platform?: string | undefined } = {}): string[] {
  return ['scan', source, '-o', 'syft-json', ...(opts.platform !== undefined ? ['--platform', opts.platform] : [])];
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
  // syft asks anchore's servers for a newer release on every run unless told not to: no network the user
  // did not ask for (an explicit SYFT_CHECK_FOR_APP_UPDATE in the environment wins).
  const env = { SYFT_CHECK_FOR_APP_UPDATE: 'false', ...opts.env, ...(opts.plainHttp ? { SYFT_REGISTRY_INSECURE_USE_HTTP: 'true' } : {}) };
  const run = await runTool(SYFT, syftScanArgs(source, opts), { ...opts, env });
  if (run.exitCode !== 0) throw toolFailed(SYFT, run, `cataloguing ${source}`);
  return { doc: parseToolJson(SYFT, run.stdout, run), run };
}
