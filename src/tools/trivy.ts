/**
 * trivy SBOM-generation adapter (tools/trivy-scan.ts is the vulnerability side): one invocation that
 * prints trivy's CycloneDX for an image archive / OCI layout, a registry image, a root filesystem or a
 * project directory. Offline by construction: no vulnerability or Java DB download, no API lookups.
 * Mapping into custody's model happens in sbom/engines/trivy.ts.
 */
import { ToolError } from '../core/errors.js';
import { parseToolJson, runTool, stderrTail, toolFailed, type ToolOptions, type ToolRun, type ToolSpec } from './exec.js';

export const TRIVY: ToolSpec = {
  name: 'trivy',
  envVar: 'CUSTODY_TRIVY_PATH',
  timeoutMs: 10 * 60_000,
  install:
    'https://trivy.dev/latest/getting-started/installation/ (or `node scripts/install-peers.mjs trivy` from a custody checkout, which builds it and prints CUSTODY_TRIVY_PATH=...)',
  versionArgs: ['--version'],
};

/** What trivy reads. */
export type TrivySbomTarget =
  /** docker-archive / oci-archive tarball or OCI layout directory (`trivy image --input`). */
  | { kind: 'image-input'; path: string }
  /** A registry image (`trivy image --image-src remote`); the user asked for the network. */
  | { kind: 'image-remote'; ref: string; insecure?: boolean }
  /** An unpacked root filesystem: installed OS and language packages (`trivy rootfs`). */
  | { kind: 'rootfs'; path: string }
  /** A project directory: lock files (`trivy fs`). */
  | { kind: 'fs'; path: string };

export interface TrivySbomOptions extends ToolOptions {
  /** 'os/arch[/variant]' for multi-platform images. */
  platform?: string | undefined;
}

/**
 * The flags that keep trivy from downloading anything SBOM generation does not need (checked against
 * `trivy image --help`): `--format cyclonedx` turns security scanning off (so no vulnerability DB),
 * `--skip-db-update` / `--skip-java-db-update` forbid the DB downloads, `--offline-scan` forbids the
 * API lookups some analyzers make (e.g. Maven Central for jars), `--no-progress` keeps stderr readable.
 */
export const TRIVY_OFFLINE_FLAGS: readonly string[] = ['--format', 'cyclonedx', '--offline-scan', '--skip-db-update', '--skip-java-db-update', '--no-progress'];

/** argv for one SBOM run (exported for tests and `--debug`). */
export function trivySbomArgs(target: TrivySbomTarget, opts: { platform?: string | undefined; timeoutMs?: number | undefined } = {}): string[] {
  const common = [...TRIVY_OFFLINE_FLAGS];
  // trivy's own timeout (default 5 min) would fire before ours; keep it just below ours so trivy
  // gets to report what it was doing.
  if (opts.timeoutMs !== undefined) common.push('--timeout', `${Math.max(1, Math.floor(opts.timeoutMs / 1000))}s`);
  const platform = opts.platform !== undefined ? ['--platform', opts.platform] : [];
  switch (target.kind) {
    case 'image-input':
      return ['image', ...common, ...platform, '--input', target.path];
    case 'image-remote':
      return ['image', ...common, ...platform, '--image-src', 'remote', ...(target.insecure ? ['--insecure'] : []), target.ref];
    case 'rootfs':
      return ['rootfs', ...common, target.path];
    case 'fs':
      return ['fs', ...common, target.path];
  }
}

function describeTarget(t: TrivySbomTarget): string {
  return t.kind === 'image-remote' ? t.ref : t.path;
}

/** trivy stops when an image has jars it can only name through its Java DB and the DB may not be downloaded. */
export function wantsJavaDb(stderr: string): boolean {
  return /cannot skip downloading Java DB|Java DB update (failed|error)|Unable to initialize the Java DB|trivy-java-db/i.test(stderr);
}

/** The same for the vulnerability DB (should not happen with --format cyclonedx; kept fail-closed). */
function wantsVulnDb(stderr: string): boolean {
  return /cannot skip downloading DB|DB update (failed|error)|failed to download vulnerability DB/i.test(stderr);
}

export interface TrivySbomRun {
  /** trivy's parsed CycloneDX document (its version is in metadata.tools: no second trivy start-up). */
  doc: unknown;
  run: ToolRun;
}

/**
 * Generate trivy's CycloneDX SBOM of `target`.
 * @throws ToolError TOOL_NOT_INSTALLED (no trivy; hint names CUSTODY_TRIVY_PATH), TRIVY_JAVA_DB_MISSING
 *   (the image has jars trivy can only identify with its Java DB), TRIVY_DB_MISSING, TOOL_FAILED
 *   (other non-zero exits, stderr tail redacted), TOOL_BAD_OUTPUT, TOOL_TIMEOUT, TOOL_CANCELLED.
 */
export async function trivySbom(target: TrivySbomTarget, opts: TrivySbomOptions = {}): Promise<TrivySbomRun> {
  const timeoutMs = opts.timeoutMs ?? TRIVY.timeoutMs;
  // trivy's --timeout a little under ours, so its own message wins the race.
  const args = trivySbomArgs(target, { platform: opts.platform, timeoutMs: Math.max(1000, timeoutMs - 5000) });
  const run = await runTool(TRIVY, args, { ...opts, timeoutMs });
  const what = describeTarget(target);
  if (run.exitCode !== 0) {
    if (wantsJavaDb(run.stderr)) {
      throw new ToolError('TRIVY_JAVA_DB_MISSING', `trivy needs its Java DB to catalogue the jars in ${what}, and custody does not let it download anything`, {
        hint:
          'the image has jars without pom.properties, which trivy names through its Java index DB (ghcr.io/aquasecurity/trivy-java-db). ' +
          'Either download that DB once yourself (network): `trivy image --download-java-db-only` (use the same --cache-dir / TRIVY_CACHE_DIR), then rerun; ' +
          'or use --engine native (custody names jars offline from MANIFEST.MF, pom.properties and file names). ' +
          `trivy said:\n  ${stderrTail(run, 4).join('\n  ')}`,
      });
    }
    if (/context deadline exceeded|timeout exceeded|\btimed out\b/i.test(run.stderr)) {
      throw new ToolError('TOOL_TIMEOUT', `trivy did not finish within ${Math.round(timeoutMs / 1000)} s on ${what}`, {
        hint: `a large image may need more time (--engine-timeout); trivy said:\n  ${stderrTail(run, 4).join('\n  ')}`,
      });
    }
    if (wantsVulnDb(run.stderr)) {
      throw new ToolError('TRIVY_DB_MISSING', `trivy wanted its vulnerability DB while generating an SBOM of ${what}`, {
        hint: `custody runs trivy with --skip-db-update; download the DB once with \`trivy image --download-db-only\` or use --engine native. trivy said:\n  ${stderrTail(run, 4).join('\n  ')}`,
      });
    }
    throw toolFailed(TRIVY, run, `generating an SBOM of ${what}`);
  }
  return { doc: parseToolJson(TRIVY, run.stdout, run), run };
}
