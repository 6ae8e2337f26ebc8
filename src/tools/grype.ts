/**
 * grype adapter: one invocation, report-only (never `--fail-on`; custody applies the policy), JSON out.
 * Mapping to findings happens in vuln/backends/grype.ts.
 */
import { parseToolJson, runTool, toolFailed, type ToolOptions, type ToolSpec } from './exec.js';

export const GRYPE: ToolSpec = {
  name: 'grype',
  envVar: 'CUSTODY_GRYPE_PATH',
  timeoutMs: 10 * 60_000,
  install: 'https://github.com/anchore/grype#installation (or `node scripts/install-peers.mjs grype` from a custody checkout, which builds it and prints CUSTODY_GRYPE_PATH=...)',
  versionArgs: ['version'],
};

/** argv for one scan (exported for tests and `--debug`). */
export function grypeScanArgs(target: string): string[] {
  return [target, '-o', 'json'];
}

/**
 * Scan a grype target (`docker-archive:x.tar`, `oci-dir:d`, `registry:ref`, `dir:d`, `sbom:file`)
 * and return grype's parsed JSON report.
 * @throws ToolError TOOL_NOT_INSTALLED, TOOL_FAILED (non-zero exit), TOOL_BAD_OUTPUT, TOOL_TIMEOUT ...
 */
export async function grypeScan(target: string, opts: ToolOptions = {}): Promise<unknown> {
  // No `-q`: with it grype exits 1 without a word when it has no database (measured with grype 0.121.3),
  // and the TOOL_FAILED hint would be empty. Without a terminal grype prints only its error lines on
  // stderr; the report is on stdout either way. The release check (a request to anchore's servers on
  // every run) is turned off unless the environment says otherwise; the database update is grype's own
  // business (it needs the network, which a scan with --engine grype asks for).
  const env = { GRYPE_CHECK_FOR_APP_UPDATE: 'false', ...opts.env };
  const run = await runTool(GRYPE, grypeScanArgs(target), { ...opts, env });
  if (run.exitCode !== 0) throw toolFailed(GRYPE, run, `scanning ${target}`);
  return parseToolJson(GRYPE, run.stdout, run);
}
