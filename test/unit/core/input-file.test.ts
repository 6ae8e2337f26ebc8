/** Named input files: each fs failure is its own typed error (exit 3) with a hint, never a raw errno. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileProblem, readInputFile, readInputFileSync, type InputFileOptions } from '../../../src/core/input-file.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'custody-input-file-'));
  writeFileSync(join(dir, 'file.json'), '{"a":1}');
  writeFileSync(join(dir, 'big.json'), 'x'.repeat(100));
  mkdirSync(join(dir, 'sub'));
  symlinkSync('loop-b', join(dir, 'loop-a'));
  symlinkSync('loop-a', join(dir, 'loop-b'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const opts: InputFileOptions = { prefix: 'TEST_INPUT', what: 'bundle', maxBytes: 50 };

describe('fileProblem', () => {
  it.each([
    ['ENOENT', 'not-found', 'no such file or directory'],
    ['EACCES', 'permission-denied', 'permission denied'],
    ['EPERM', 'permission-denied', 'permission denied'],
    ['EISDIR', 'is-directory', 'is a directory'],
    ['ENOTDIR', 'not-a-directory', 'a component of the path is not a directory'],
    ['ELOOP', 'symlink-loop', 'too many levels of symbolic links (a loop)'],
  ])('%s -> %s', (code, problem, reason) => {
    expect(fileProblem(Object.assign(new Error('x'), { code }))).toEqual({ problem, reason });
  });

  it('anything else is unreadable and keeps the errno', () => {
    expect(fileProblem(Object.assign(new Error('i/o error'), { code: 'EIO' }))).toEqual({ problem: 'unreadable', reason: 'EIO: i/o error' });
  });
});

describe.each([
  ['readInputFile', (p: string, o: typeof opts) => readInputFile(p, o)],
  ['readInputFileSync', async (p: string, o: typeof opts) => readInputFileSync(p, o)],
])('%s', (_name, read) => {
  it('reads a file', async () => {
    expect((await read(join(dir, 'file.json'), opts)).toString()).toBe('{"a":1}');
  });

  it.each([
    ['missing.json', 'TEST_INPUT_NOT_FOUND', 'no such file or directory', 'check the bundle path'],
    ['sub', 'TEST_INPUT_IS_DIRECTORY', 'is a directory', 'pass the bundle file itself, not a directory'],
    ['file.json/inner', 'TEST_INPUT_NOT_A_DIRECTORY', 'a component of the path is not a directory', 'is a file, not a directory'],
    ['loop-a', 'TEST_INPUT_SYMLINK_LOOP', 'too many levels of symbolic links', 'point at each other'],
    ['big.json', 'TEST_INPUT_TOO_LARGE', '100 bytes, more than the 50-byte limit', 'larger than any bundle'],
  ])('%s -> %s', async (name, code, reason, hint) => {
    const err = await read(join(dir, name), { ...opts, shown: name }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code, exitCode: 3, message: expect.stringContaining(`cannot read bundle ${name}: ${reason}`) });
    expect((err as { hint: string }).hint).toContain(hint);
  });
});

describe('readInputFile on a FIFO', () => {
  it('reads what a process substitution would give, and refuses more than the limit', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = new Promise<void>((resolve) => {
      // A writer on the other end, as `--bundle <(cat b.json)` has.
      import('node:fs').then(({ createWriteStream }) => {
        const w = createWriteStream(fifo);
        w.end('y'.repeat(80), () => resolve());
      });
    });
    await expect(readInputFile(fifo, opts)).rejects.toMatchObject({ code: 'TEST_INPUT_TOO_LARGE' });
    await writer;
  });
});
