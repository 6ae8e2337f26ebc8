import { describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/run-cli.js';

describe('cli: exit codes of the program itself', () => {
  it('prints help and exits 0', async () => {
    const r = await runInProcess(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: custody');
  });
  it('rejects an unknown command with exit 2 on stderr', async () => {
    const r = await runInProcess(['no-such-command']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/unknown command|too many arguments/);
  });
});
