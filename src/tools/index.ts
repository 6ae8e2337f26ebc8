/**
 * tools/: the only module that spawns processes (through execa, in exec.ts). Adapters (syft, trivy)
 * run one invocation each and return parsed output; mapping into the model happens elsewhere
 * (sbom/engines/, vuln/backends/).
 */
export {
  parseToolJson,
  parseVersion,
  resolveToolBinary,
  runTool,
  stderrTail,
  toolFailed,
  toolVersion,
  STDERR_TAIL_LINES,
  type ToolOptions,
  type ToolRun,
  type ToolSpec,
} from './exec.js';
export { redactSecrets, secretValues, REDACTED } from './redact.js';
export { TRIVY, TRIVY_OFFLINE_FLAGS, trivySbom, trivySbomArgs, wantsJavaDb, type TrivySbomOptions, type TrivySbomRun, type TrivySbomTarget } from './trivy.js';
export { GRYPE, grypeScan, grypeScanArgs } from './grype.js';
export { SYFT, syftScan, syftScanArgs, type SyftScanOptions, type SyftScanRun } from './syft.js';
