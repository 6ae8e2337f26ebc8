/**
 * trivy vulnerability-scan adapter (tools/trivy.ts is the SBOM-generation side): report-only
 * (never `--exit-code`; custody applies the policy), `--scanners vuln`, JSON out.
 */
import { parseToolJson, runTool, toolFailed, type ToolOptions, type ToolSpec } from './exec.js';

export const TRIVY_SCAN: ToolSpec = {
  name: 'trivy',
  envVar: 'CUSTODY_TRIVY_PATH',
  timeoutMs: 15 * 60_000,
  install: 'https://trivy.dev/latest/getting-started/installation/',
  versionArgs: ['--version'],
};

/** What trivy scans: an image archive / OCI layout (`--input`), a registry image, a root filesystem, or an SBOM. */
export type TrivyScanTarget =
  | { kind: 'image-archive'; path: string }
  | { kind: 'image'; ref: string }
  | { kind: 'rootfs'; path: string }
  | { kind: 'sbom'; path: string };

export function trivyScanArgs(t: TrivyScanTarget): string[] {
  const common = ['--format', 'json', '--scanners', 'vuln', '--quiet'];
  switch (t.kind) {
    case 'image-archive':
      return ['image', ...common, '--input', t.path];
    case 'image':
      return ['image', ...common, t.ref];
    case 'rootfs':
      return ['rootfs', ...common, t.path];
    case 'sbom':
      return ['sbom', ...common, t.path];
  }
}

/**
 * Run trivy on a target and return its parsed JSON report.
 * @throws ToolError TOOL_NOT_INSTALLED, TOOL_FAILED (non-zero exit, e.g. no vulnerability DB), TOOL_BAD_OUTPUT ...
 */
export async function trivyScan(target: TrivyScanTarget, opts: ToolOptions = {}): Promise<unknown> {
  const args = trivyScanArgs(target);
  const run = await runTool(TRIVY_SCAN, args, opts);
  if (run.exitCode !== 0) throw toolFailed(TRIVY_SCAN, run, `scanning ${args[args.length - 1]}`);
  return parseToolJson(TRIVY_SCAN, run.stdout, run);
}
