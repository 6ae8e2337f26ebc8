import { describe, expect, it } from 'vitest';
import { commandsFor, COMMANDS } from '../../src/cli/commands.js';
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
  it('prints the version (-V and --version as the first word) and exits 0', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await runInProcess([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    }
  });
});

describe('cli: which command modules a command line loads', () => {
  it('loads only the command being run, none for the version, all for help or a typo', () => {
    expect(commandsFor(['sbom', 'query', 'dir', '--name', 'x']).map((c) => `${c.name} ${c.sub}`)).toEqual(['sbom query']);
    expect(commandsFor(['--quiet', 'verify', 'img']).map((c) => c.name)).toEqual(['verify']);
    expect(commandsFor(['--version'])).toEqual([]);
    expect(commandsFor(['-V'])).toEqual([]);
    expect(commandsFor(['--help'])).toBe(COMMANDS);
    expect(commandsFor(['sbom', 'nope'])).toBe(COMMANDS);
  });
});
