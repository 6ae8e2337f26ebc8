/** The run's temporary directory (test/helpers/tmp-root.ts): tests and the processes they spawn write below it. */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('test run TMPDIR', () => {
  it('os.tmpdir() and a spawned mktemp both land in the run directory, which is not /tmp itself', () => {
    const root = process.env.CUSTODY_TEST_TMP_ROOT;
    expect(root).toBeDefined();
    expect(tmpdir()).toBe(root);
    expect(basename(root!)).toMatch(/^custody-test-run-/);
    expect(statSync(root!).mode & 0o7777).toBe(0o1777); // other users (tests run the CLI as nobody) reach it, as /tmp
    const made = execFileSync('mktemp', ['-d'], { encoding: 'utf8' }).trim();
    expect(dirname(made)).toBe(root);
  });
});
