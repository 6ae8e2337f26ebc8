// custody sbom generate --engine: every error path through the built CLI, with exit code, stdout and
// stderr. syft runs as the STAND-IN (fixtures/tools/bin/syft) in its failure modes; "failing" and
// "garbage" trivy are real system binaries (/bin/false, /bin/echo) put where trivy is expected.
// The successful runs against the real trivy and the recorded syft output are in test/real/engines*.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../helpers/paths.js';
import { BIN, runBuilt } from '../helpers/run-cli.js';

const STANDIN_SYFT = join(FIXTURES, 'tools', 'bin', 'syft');
const work = mkdtempSync(join(tmpdir(), 'custody-engines-e2e-'));
const TAR = join(work, 'app.tar');
writeFileSync(TAR, 'not really an image: the tools here never read it');
const emptyBin = mkdtempSync(join(tmpdir(), 'custody-empty-path-'));

const gen = (args: string[], env: Record<string, string | undefined> = {}) =>
  runBuilt(['sbom', 'generate', `docker-archive:${TAR}`, ...args], { env: { CUSTODY_SYFT_PATH: undefined, CUSTODY_TRIVY_PATH: undefined, ...env } });

describe('sbom generate --engine: usage (exit 2)', () => {
  it('an unknown engine', async () => {
    const r = await gen(['--engine', 'grype']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error [ENGINE_UNKNOWN]: unknown engine "grype" in --engine grype');
    expect(r.stderr).toContain('hint: use one or more of native, syft, trivy');
  });

  it('--scope all-layers and --all-platforms are native-only', async () => {
    const a = await gen(['--engine', 'trivy', '--scope', 'all-layers']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('[ENGINE_SCOPE]');
    const b = await gen(['--engine', 'native,syft', '--all-platforms']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('[ENGINE_ALL_PLATFORMS]');
    const c = await gen(['--engine', 'trivy', '--engine-timeout', 'soon']);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('[CLI_BAD_TIMEOUT]');
  });
});

describe('sbom generate --engine: input (exit 3)', () => {
  it('a missing local target is an input error before any tool runs', async () => {
    const r = await runBuilt(['sbom', 'generate', 'docker-archive:/nonexistent/app.tar', '--engine', 'trivy'], { env: { CUSTODY_TRIVY_PATH: '/bin/false' } });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error [SOURCE_NOT_FOUND]: /nonexistent/app.tar does not exist');
  });
});

describe('sbom generate --engine: tool errors (exit 4)', () => {
  it('trivy missing at CUSTODY_TRIVY_PATH: the hint names the variable and where to get trivy', async () => {
    const r = await gen(['--engine', 'trivy'], { CUSTODY_TRIVY_PATH: '/nonexistent/trivy' });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error [TOOL_NOT_INSTALLED]: trivy not found at /nonexistent/trivy (from CUSTODY_TRIVY_PATH)');
    expect(r.stderr).toContain('hint: point CUSTODY_TRIVY_PATH at the trivy executable');
    expect(r.stderr).toContain('scripts/install-peers.mjs trivy');
  });

  it('trivy not on PATH', async () => {
    const r = await gen(['--engine', 'native,trivy'], { PATH: emptyBin });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('error [TOOL_NOT_INSTALLED]: trivy is not installed (not found on PATH)');
    expect(r.stderr).toContain('set CUSTODY_TRIVY_PATH=/path/to/trivy');
  });

  it('syft not on PATH: the hint names CUSTODY_SYFT_PATH', async () => {
    const r = await gen(['--engine', 'syft'], { PATH: emptyBin });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error [TOOL_NOT_INSTALLED]: syft is not installed (not found on PATH)');
    expect(r.stderr).toContain('CUSTODY_SYFT_PATH');
    expect(r.stderr).toContain('https://github.com/anchore/syft');
  });

  it('a failing trivy (/bin/false): TOOL_FAILED with its exit code', async () => {
    const r = await gen(['--engine', 'trivy'], { CUSTODY_TRIVY_PATH: '/bin/false' });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error [TOOL_FAILED]: trivy exited with code 1 while generating an SBOM of ${TAR}`);
    expect(r.stderr).toContain('hint: it printed nothing on stderr');
  });

  it('a trivy that prints garbage (/bin/echo): TOOL_BAD_OUTPUT', async () => {
    const r = await gen(['--engine', 'trivy'], { CUSTODY_TRIVY_PATH: '/bin/echo' });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error [TOOL_BAD_OUTPUT]: trivy printed output that is not JSON (starts with "image --format cyclonedx --offline-scan');
  });

  it('stand-in syft failing: TOOL_FAILED with the last stderr lines, credentials redacted', async () => {
    const r = await gen(['--engine', 'syft'], { CUSTODY_SYFT_PATH: STANDIN_SYFT, SYFT_STANDIN_MODE: 'fail' });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error [TOOL_FAILED]: syft exited with code 1 while cataloguing docker-archive:${TAR}`);
    expect(r.stderr).toContain('UNAUTHORIZED');
    expect(r.stderr).toContain('https://bob:***@registry.example/app:1');
    expect(r.stderr).toContain('Authorization: Bearer ***');
    expect(r.stderr).toContain('failed to construct source from user input');
    expect(r.stderr).not.toContain('s3cr3t-pw');
    expect(r.stderr).not.toContain('eyJhbGciOiJIUzI1NiJ9');
    // only the tail: the first debug lines are gone
    expect(r.stderr).not.toContain('resolving layer 3\n');
  });

  it('stand-in syft printing a table instead of JSON: TOOL_BAD_OUTPUT', async () => {
    const r = await gen(['--engine', 'syft'], { CUSTODY_SYFT_PATH: STANDIN_SYFT, SYFT_STANDIN_MODE: 'garbage' });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error [TOOL_BAD_OUTPUT]: syft printed output that is not JSON (starts with "NAME VERSION TYPE musl 1.2.3 apk")');
  });

  it('stand-in syft printing nothing: TOOL_BAD_OUTPUT (empty)', async () => {
    const r = await gen(['--engine', 'syft'], { CUSTODY_SYFT_PATH: STANDIN_SYFT, SYFT_STANDIN_MODE: 'empty' });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('error [TOOL_BAD_OUTPUT]: syft printed output that is not JSON (empty)');
  });

  it('stand-in syft hanging: killed at --engine-timeout, TOOL_TIMEOUT', async () => {
    const started = Date.now();
    const r = await gen(['--engine', 'syft', '--engine-timeout', '2'], { CUSTODY_SYFT_PATH: STANDIN_SYFT, SYFT_STANDIN_MODE: 'hang' });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error [TOOL_TIMEOUT]: syft at ${STANDIN_SYFT} did not finish within 2 s`);
    expect(r.stderr).toContain('cataloging...');
    expect(Date.now() - started).toBeLessThan(50_000);
  });

  it('Ctrl-C (SIGINT) while stand-in syft runs: the tool is stopped, exit 130 and one "interrupted" line', async () => {
    const argvLog = join(work, 'sigint.argv');
    const child = spawn(process.execPath, [BIN, 'sbom', 'generate', `docker-archive:${TAR}`, '--engine', 'syft'], {
      env: { ...process.env, NO_COLOR: '1', CUSTODY_SYFT_PATH: STANDIN_SYFT, SYFT_STANDIN_MODE: 'hang', SYFT_STANDIN_ARGV_LOG: argvLog },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // wait until the tool is running (it logged its argv: the file can exist a moment before its line is written), then press Ctrl-C
    const started = Date.now();
    const logged = (): boolean => existsSync(argvLog) && readFileSync(argvLog, 'utf8').includes('"scan"');
    while (!logged() && Date.now() - started < 40_000) await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(argvLog, 'utf8')).toContain('"scan"');
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code).toBe(130);
    expect(stdout).toBe('');
    expect(stderr).toContain('custody: interrupted (SIGINT)\n');
    expect(stderr).not.toMatch(/TOOL_CANCELLED|internal error/);
    expect(Date.now() - started).toBeLessThan(50_000);
  });
});
