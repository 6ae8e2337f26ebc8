/**
 * Vitest global setup for every project: the run gets a temporary directory of its own and TMPDIR
 * points into it, so whatever the tests and the CLI they spawn make with `mkdtemp(tmpdir())` or
 * `mktemp` goes there, and the directory is removed when the run ends (a test run leaves nothing
 * behind in /tmp). Workers are started after this and inherit the environment.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MARK = 'CUSTODY_TEST_TMP_ROOT';

export default function setup(): () => void {
  // unit and e2e run in one vitest process: the first project's setup makes the root, the next ones share it
  if (process.env[MARK]) return () => undefined;
  const before = process.env.TMPDIR;
  const root = mkdtempSync(join(tmpdir(), 'custody-test-run-'));
  // as /tmp itself: the tests that run the CLI as another user (nobody) must reach and use it
  chmodSync(root, 0o1777);
  process.env.TMPDIR = root;
  process.env[MARK] = root;
  return () => {
    delete process.env[MARK];
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    try {
      rmSync(root, { recursive: true, force: true, maxRetries: 3 });
    } catch (err) {
      // a directory a test made unreadable or a mount point still busy: say so, never fail the run for it
      process.stderr.write(`test run: could not remove ${root}: ${(err as Error).message}\n`);
    }
  };
}
