/**
 * Temp space for file bytes that do not fit the in-memory budget of a streamed image.
 * Created lazily under os.tmpdir(); removed on dispose, and on process exit (the CLI turns a
 * second Ctrl-C into process.exit, which still runs 'exit' listeners; the first one aborts the
 * run, which disposes the source).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set<string>();
let hooked = false;

function cleanupAll(): void {
  for (const d of live) {
    try {
      rmSync(d, { recursive: true, force: true });
    } catch {
      // best effort at exit
    }
  }
  live.clear();
}

export class TempSpace {
  private dir: string | undefined;
  private count = 0;

  constructor(private readonly base: string = tmpdir()) {}

  /** Write bytes to a new temp file and return its path. */
  write(data: Buffer): string {
    const file = this.newPath();
    writeFileSync(file, data, { mode: 0o600 });
    return file;
  }

  /** A fresh path inside the (lazily created) temp dir. */
  newPath(): string {
    if (this.dir === undefined) {
      this.dir = mkdtempSync(join(this.base, 'custody-src-'));
      live.add(this.dir);
      if (!hooked) {
        hooked = true;
        process.once('exit', cleanupAll);
      }
    }
    return join(this.dir, String(this.count++));
  }

  get path(): string | undefined {
    return this.dir;
  }

  dispose(): void {
    if (this.dir === undefined) return;
    rmSync(this.dir, { recursive: true, force: true });
    live.delete(this.dir);
    this.dir = undefined;
  }
}
