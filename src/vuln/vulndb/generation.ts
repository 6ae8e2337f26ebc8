/**
 * Writing generations: a new one is built in `generations/<name>.partial`, made complete with its
 * manifest, renamed into place, and then made current by renaming a freshly written `current.tmp`
 * over `current` (rename(2) is atomic): readers see the old generation or the new one, never half.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, link, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../core/errors.js';
import { currentFile, generationsDir, isGenerationName, newGenerationName, VULNDB_MANIFEST_SCHEMA, type DatasetMeta, type VulnDbManifest } from './layout.js';

/** A generation being written. */
export interface PartialGeneration {
  name: string;
  /** Where its files go until it is committed. */
  dir: string;
}

/** Start a new generation directory. */
export async function startGeneration(root: string, now: Date): Promise<PartialGeneration> {
  const name = newGenerationName(now, randomBytes(4).toString('hex'));
  const dir = join(generationsDir(root), `${name}.partial`);
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw writeError(dir, err);
  }
  return { name, dir };
}

/** Bring a dataset's index from the generation in use into the new one (a hard link; a copy across file systems). */
export async function carryOver(fromDir: string, to: PartialGeneration, file: string): Promise<void> {
  const src = join(fromDir, file);
  const dest = join(to.dir, file);
  try {
    await link(src, dest);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw err;
    try {
      await copyFile(src, dest);
    } catch (err2) {
      throw writeError(dest, err2);
    }
  }
}

/** Write the manifest, move the generation into place and make it current. */
export async function commitGeneration(root: string, g: PartialGeneration, created: Date, datasets: DatasetMeta[]): Promise<string> {
  const manifest: VulnDbManifest = { schema: VULNDB_MANIFEST_SCHEMA, created: created.toISOString(), datasets: [...datasets].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
  const finalDir = join(generationsDir(root), g.name);
  try {
    await writeDurable(join(g.dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await syncDir(g.dir);
    await rename(g.dir, finalDir);
    await syncDir(generationsDir(root));
    const tmp = `${currentFile(root)}.${randomBytes(4).toString('hex')}.tmp`;
    await writeDurable(tmp, `${g.name}\n`);
    await rename(tmp, currentFile(root));
    await syncDir(root);
  } catch (err) {
    throw writeError(root, err);
  }
  return g.name;
}

/** Remove a generation that was never committed. */
export async function discardGeneration(g: PartialGeneration): Promise<void> {
  await rm(g.dir, { recursive: true, force: true });
}

/** Generation directories on disk, oldest first, with what they are. */
export async function listGenerations(root: string): Promise<{ name: string; dir: string; partial: boolean; bytes: number }[]> {
  let names: string[];
  try {
    names = await readdir(generationsDir(root));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out = [];
  for (const n of names.sort()) {
    const partial = n.endsWith('.partial');
    const base = partial ? n.slice(0, -'.partial'.length) : n;
    if (!isGenerationName(base)) continue;
    const dir = join(generationsDir(root), n);
    out.push({ name: n, dir, partial, bytes: await dirBytes(dir) });
  }
  return out;
}

/** Bytes removing `dir` would free: its files not hard-linked from elsewhere. */
export async function exclusiveBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (!e.isFile()) continue;
    const st = await stat(join(dir, e.name)).catch(() => undefined);
    if (st && st.nlink <= 1) total += st.size;
  }
  return total;
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (e.isFile()) total += (await stat(join(dir, e.name)).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

async function writeDurable(path: string, text: string): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** fsync a directory so a rename in it survives a crash (a no-op where directories cannot be opened). */
async function syncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Some file systems refuse fsync on directories; the rename is still atomic.
  } finally {
    await fh?.close();
  }
}

/** Any failure to write the cache: InputError VULNDB_WRITE_FAILED (disk full, permissions). */
export function writeError(path: string, err: unknown): InputError {
  if (err instanceof InputError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  return new InputError('VULNDB_WRITE_FAILED', `cannot write ${path}${code === 'ENOSPC' ? ': the disk is full' : code ? ` (${code})` : ''}`, {
    cause: err,
    hint: code === 'ENOSPC' ? 'free some space (custody vulndb prune drops old data); the data in use was kept' : 'check the permissions of the cache directory (--vulndb-dir)',
  });
}

