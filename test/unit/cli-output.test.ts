/**
 * The output staging of `cli/output.ts` (README "Completeness", nothing half-done) and the one exit-code
 * rule of `cli/outcome.ts`, in process.
 */
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exitCodeFor, gateOutcome, incompleteSummary, queryOutcome, writtenOutcome } from '../../src/cli/outcome.js';
import { StagedOutputs } from '../../src/cli/output.js';
import type { Incomplete } from '../../src/core/incomplete.js';

const base = mkdtempSync(join(tmpdir(), 'custody-output-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const dir = (name: string): string => mkdtempSync(join(base, `${name}-`));

describe('StagedOutputs', () => {
  it('stages every target beside it and renames them together on commit', async () => {
    const d = dir('commit');
    const out = await StagedOutputs.prepare([{ path: 'a.json', label: 'json' }, { path: 'b.txt' }], d);
    // Staged: only hidden temporary files exist until the commit.
    expect(readdirSync(d).every((f) => f.startsWith('.') && f.endsWith('.tmp'))).toBe(true);
    await out.put('a.json', '{}');
    await out.put('b.txt', 'table');
    expect(await out.commit()).toEqual([{ path: 'a.json', label: 'json' }, { path: 'b.txt' }]);
    expect(readdirSync(d).sort()).toEqual(['a.json', 'b.txt']);
    expect(readFileSync(join(d, 'a.json'), 'utf8')).toBe('{}');
  });

  it('an output that cannot be written fails the prepare and leaves no temporary file of the others', async () => {
    const d = dir('prepare-fail');
    await expect(StagedOutputs.prepare([{ path: 'a.json' }, { path: join(d, 'missing', 'b.json'), label: 'table' }], d)).rejects.toMatchObject({ code: 'CLI_OUTPUT_UNWRITABLE', message: expect.stringMatching(/the directory does not exist$/) });
    expect(readdirSync(d)).toEqual([]);
  });

  it('discard (an error or an interrupt before the commit) removes every temporary file', async () => {
    const d = dir('discard');
    const out = await StagedOutputs.prepare([{ path: 'a.json' }], d);
    await out.put('a.json', 'x');
    await out.discard();
    expect(readdirSync(d)).toEqual([]);
  });

  it('an aborted signal stops the commit before anything is renamed', async () => {
    const d = dir('abort');
    const out = await StagedOutputs.prepare([{ path: 'a.json' }, { path: 'b.json' }], d);
    await out.put('a.json', 'x');
    await out.put('b.json', 'y');
    const ac = new AbortController();
    ac.abort(new Error('SIGINT'));
    await expect(out.commit(ac.signal)).rejects.toThrow('SIGINT');
    expect(readdirSync(d)).toEqual([]);
  });

  it('a per-platform file in the directory of a prepared target; the unused base name leaves nothing', async () => {
    const d = dir('platforms');
    const out = await StagedOutputs.prepare([{ path: 'img.json', label: 'json' }], d);
    await out.put('img.linux-amd64.json', 'a', 'json');
    await out.put('img.linux-arm64.json', 'b', 'json');
    await out.commit();
    expect(readdirSync(d).sort()).toEqual(['img.linux-amd64.json', 'img.linux-arm64.json']);
  });

  it('an existing target keeps its mode; a new one gets 0666 minus the umask', async () => {
    const d = dir('mode');
    writeFileSync(join(d, 'old.json'), 'old');
    chmodSync(join(d, 'old.json'), 0o600);
    const out = await StagedOutputs.prepare([{ path: 'old.json' }, { path: 'new.json' }], d);
    await out.put('old.json', 'new');
    await out.put('new.json', 'new');
    await out.commit();
    expect(statSync(join(d, 'old.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(d, 'new.json')).mode & 0o777).toBe(0o666 & ~process.umask());
  });

  it('two outputs naming one file is a usage error', async () => {
    const d = dir('conflict');
    await expect(StagedOutputs.prepare([{ path: 'a.json' }, { path: './a.json' }], d)).rejects.toMatchObject({ code: 'CLI_OUTPUT_CONFLICT' });
    expect(readdirSync(d)).toEqual([]);
  });

  it('a directory as target is refused', async () => {
    const d = dir('isdir');
    await expect(StagedOutputs.prepare([{ path: d }], d)).rejects.toMatchObject({ code: 'CLI_OUTPUT_UNWRITABLE', message: expect.stringMatching(/it is a directory$/) });
  });
});

describe('the one exit-code rule (cli/outcome.ts)', () => {
  const unread: Incomplete[] = [{ kind: 'sbom', path: 'a.json', reason: 'truncated' }];
  it('a positive answer stands; a negative one over unread input is 3 unless allowed', () => {
    expect(exitCodeFor(queryOutcome(true, unread), false)).toBe(0);
    expect(exitCodeFor(queryOutcome(false, unread), false)).toBe(3);
    expect(exitCodeFor(queryOutcome(false, unread), true)).toBe(1);
    expect(exitCodeFor(queryOutcome(false, []), false)).toBe(1);
    expect(exitCodeFor(gateOutcome(true, unread), false)).toBe(1);
    expect(exitCodeFor(gateOutcome(false, unread), false)).toBe(3);
    expect(exitCodeFor(gateOutcome(false, unread), true)).toBe(0);
    expect(exitCodeFor(writtenOutcome(unread), false)).toBe(3);
    expect(exitCodeFor(writtenOutcome([]), false)).toBe(0);
  });

  it('the stderr summary names what was not read, once each, and says what happens to the exit code', () => {
    const many: Incomplete[] = [...unread, ...unread, { kind: 'file', path: '/x', reason: 'r', layer: `sha256:${'a'.repeat(64)}` }, { kind: 'manifest', path: '-', reason: 'empty' }, { kind: 'workload', path: 'w', reason: 'no image' }];
    const text = incompleteSummary(gateOutcome(false, many), false);
    expect(text).toBe(
      'incomplete: 4 inputs not read: file /x in layer sha256:aaaaaaaaaaaa: r; manifest -: empty; sbom a.json: truncated; and 1 more (-o json lists them)\n' +
        'incomplete: the answer above covers only what was read: exit 3 (--allow-incomplete accepts it)\n',
    );
    expect(incompleteSummary(gateOutcome(true, unread), false)).toBe('incomplete: 1 input not read: sbom a.json: truncated\n');
    expect(incompleteSummary(gateOutcome(false, []), false)).toBe('');
  });
});
