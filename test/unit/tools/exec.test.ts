import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ToolError } from '../../../src/core/errors.js';
import { parseToolJson, parseVersion, resolveToolBinary, runTool, stderrTail, toolFailed, toolVersion, type ToolSpec } from '../../../src/tools/index.js';

// The real node binary stands in as "a tool" here: the runner is generic.
const NODE: ToolSpec = { name: 'node', envVar: 'CUSTODY_NODE_PATH', timeoutMs: 10_000, install: 'https://nodejs.org' };
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', CUSTODY_NODE_PATH: process.execPath };

async function toolErr(p: Promise<unknown>): Promise<ToolError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ToolError);
    return e as ToolError;
  }
  throw new Error('expected a ToolError');
}

describe('runTool', () => {
  it('runs argv without a shell and captures stdout, stderr and the exit code', async () => {
    const run = await runTool(NODE, ['-e', 'process.stdout.write(process.argv[1]); console.error("e"); process.exit(3)', '$(echo hi); `x` | ;'], { env });
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toBe('$(echo hi); `x` | ;');
    expect(run.stderr).toBe('e\n');
    expect(run.binary).toBe(process.execPath);
  });

  it('passes only the given environment and input', async () => {
    const run = await runTool(NODE, ['-e', 'let d="";process.stdin.on("data",c=>d+=c).on("end",()=>console.log(JSON.stringify({d,x:process.env.X,h:process.env.HOME??null})))'], {
      env: { ...env, X: 'y' },
      input: 'in',
    });
    expect(JSON.parse(run.stdout)).toEqual({ d: 'in', x: 'y', h: null });
  });

  it('binary from CUSTODY_<TOOL>_PATH, else the name on PATH', () => {
    expect(resolveToolBinary(NODE, { CUSTODY_NODE_PATH: '/opt/node' })).toBe('/opt/node');
    expect(resolveToolBinary(NODE, { CUSTODY_NODE_PATH: '  ' })).toBe('node');
    expect(resolveToolBinary(NODE, {})).toBe('node');
  });

  it('missing binary on PATH: TOOL_NOT_INSTALLED naming the variable and where to get it', async () => {
    const e = await toolErr(runTool({ ...NODE, name: 'custody-no-such-tool', envVar: 'CUSTODY_X_PATH' }, [], { env: { PATH: '/nonexistent' } }));
    expect(e.code).toBe('TOOL_NOT_INSTALLED');
    expect(e.exitCode).toBe(4);
    expect(e.message).toBe('custody-no-such-tool is not installed (not found on PATH)');
    expect(e.hint).toContain('CUSTODY_X_PATH');
    expect(e.hint).toContain('https://nodejs.org');
  });

  it('missing binary at the env path: TOOL_NOT_INSTALLED naming the path and variable', async () => {
    const e = await toolErr(runTool(NODE, [], { env: { CUSTODY_NODE_PATH: '/nonexistent/node' } }));
    expect(e.code).toBe('TOOL_NOT_INSTALLED');
    expect(e.message).toContain('/nonexistent/node');
    expect(e.message).toContain('CUSTODY_NODE_PATH');
  });

  it('a non-executable file: TOOL_NOT_EXECUTABLE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custody-exec-'));
    const f = join(dir, 'tool');
    writeFileSync(f, 'not a program');
    chmodSync(f, 0o644);
    const e = await toolErr(runTool(NODE, [], { env: { CUSTODY_NODE_PATH: f } }));
    expect(e.code).toBe('TOOL_NOT_EXECUTABLE');
  });

  it('timeout: TOOL_TIMEOUT, the child is killed', async () => {
    const started = Date.now();
    const e = await toolErr(runTool(NODE, ['-e', 'console.error("working"); setTimeout(()=>{}, 20000)'], { env, timeoutMs: 300 }));
    expect(e.code).toBe('TOOL_TIMEOUT');
    expect(e.message).toContain('300 ms');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('cancellation through the signal: TOOL_CANCELLED', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('interrupted')), 200);
    const e = await toolErr(runTool(NODE, ['-e', 'setTimeout(()=>{}, 20000)'], { env, signal: ac.signal }));
    expect(e.code).toBe('TOOL_CANCELLED');
  });

  it('toolFailed keeps the last stderr lines, redacted', async () => {
    const script = `for (let i = 0; i < 40; i++) console.error("line " + i);
      console.error("fetching https://alice:hunter22@registry.example/v2/");
      console.error("Authorization: Bearer abcdefghijklmnop");
      console.error("using " + process.env.REG_TOKEN);
      process.exit(2)`;
    const run = await runTool(NODE, ['-e', script], { env: { ...env, REG_TOKEN: 'tok-9f8e7d6c' } });
    const e = toolFailed(NODE, run, 'doing x');
    expect(e.code).toBe('TOOL_FAILED');
    expect(e.message).toBe('node exited with code 2 while doing x');
    expect(e.hint).toContain('line 39');
    expect(e.hint).not.toContain('line 10\n');
    expect(e.hint).toContain('https://alice:***@registry.example/v2/');
    expect(e.hint).toContain('Authorization: Bearer ***');
    expect(e.hint).toContain('using ***');
    expect(e.hint).not.toMatch(/hunter22|abcdefghijklmnop|tok-9f8e7d6c/);
    expect(stderrTail(run)).toHaveLength(15);
  });
});

describe('stderrTail', () => {
  it('drops colour codes and control characters (real trivy colours its log levels)', () => {
    const stderr = '2026-11-28T13:14:14.452Z\t\x1b[34mINFO\x1b[0m\t"--format cyclonedx" disables security scanning.\n\x1b]0;title\x07bell\x07 here\r\n';
    expect(stderrTail({ stderr, secrets: [] })).toEqual(['2026-11-28T13:14:14.452Z\tINFO\t"--format cyclonedx" disables security scanning.', 'bell here']);
  });
});

describe('parseToolJson / toolVersion', () => {
  it('parses JSON; garbage is TOOL_BAD_OUTPUT with the start of the output', () => {
    expect(parseToolJson(NODE, ' {"a":1}\n')).toEqual({ a: 1 });
    let e: unknown;
    try {
      parseToolJson(NODE, 'panic: runtime error password=abc123');
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(ToolError);
    expect((e as ToolError).code).toBe('TOOL_BAD_OUTPUT');
    expect((e as ToolError).message).toContain('panic: runtime error password=***');
    expect(() => parseToolJson(NODE, '')).toThrow(/empty/);
  });

  it('toolVersion reads the first version token', async () => {
    expect(await toolVersion(NODE, { env })).toBe(process.versions.node);
    expect(parseVersion('Version: 0.58.1\nVulnerability DB:\n')).toBe('0.58.1');
    expect(parseVersion('syft 1.18.1')).toBe('1.18.1');
    expect(parseVersion('no version here')).toBeUndefined();
  });
});
