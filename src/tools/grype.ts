/**
 * grype adapter: one invocation, report-only (never `--fail-on`; custody applies the policy), JSON out.
 * Mapping to findings happens in vuln/backends/grype.ts.
 */
import { parseToolJson, runTool, toolFailed, type ToolOptions, type ToolSpec } from './exec.js';

export const GRYPE: ToolSpec = {
  name: 'grype',
  envVar: 'CUSTODY_GRYPE_PATH',
  timeoutMs: 10 * 60_000,
  install: 'https://github.com/anchore/grype#installation',
  versionArgs: ['version'],
};

/**
 * Scan a grype target (`docker-archive:x.tar`, `oci-dir:d`, `registry:ref`, `dir:d`, `sbom:file`)
 * and return grype's parsed JSON report.
 * @throws ToolError TOOL_NOT_INSTALLED, TOOL_FAILED (non-zero exit), TOOL_BAD_OUTPUT, TOOL_TIMEOUT ...
 */
export async function grypeScan(target: string, opts: ToolOptions = {}): Promise<unknown> {
  const run = await runTool(GRYPE, [target, '-o', 'json', '-q'], opts);
  if (run.exitCode !== 0) throw toolFailed(GRYPE, run, `scanning ${target}`);
  return parseToolJson(GRYPE, run.stdout, run);
}
