/**
 * The on-disk layout of the local vulnerability database (README "custody vulndb"):
 *
 *   <root>/current                     name of the generation in use (replaced atomically by rename)
 *   <root>/lock                        held by the one `vulndb update|import|prune` that may write
 *   <root>/generations/<gen>/manifest.json   what each dataset is, where and when it came from
 *   <root>/generations/<gen>/<dataset>.sqlite one index per dataset (osv.dev bucket directory: 'Maven', 'Debian')
 *
 * A writer builds a new generation beside the old one (unchanged datasets are hard links), then
 * renames `current`: a reader sees the old generation or the new one, never half of either.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { InputError } from '../../core/errors.js';
import { isRecord } from '../data.js';

/** The manifest's schema id: bumped when a reader could misread an older cache. */
export const VULNDB_MANIFEST_SCHEMA = 'custody.vulndb-manifest/v1';

/** Generation directory names: 'g-' + UTC timestamp + '-' + random, never anything a path could escape with. */
const GENERATION_NAME = /^g-[0-9TZ]{16}-[0-9a-f]{8}$/;

/** How a dataset got into the cache. */
export type DatasetOrigin = 'download' | 'import';

/** What a finished dataset counts (`DatasetBuilder.finish()`; the rest of its manifest entry is the caller's). */
export interface DatasetCounts {
  /** Records indexed (withdrawn ones are counted apart and not indexed). */
  records: number;
  withdrawn: number;
  /** Records that were not valid OSV (unparseable JSON, bad shape): counted, never silently dropped. */
  skipped: number;
  /** The first few skipped entries with why. */
  skippedExamples: string[];
  /** Records whose affected entries were all outside `keep`. */
  filteredOut: number;
  /** Newest `modified` among the records: the data's age when there is no fetch time. */
  newestModified?: string;
  /** Records per affected-package ecosystem string in the data ('Debian:12': 812). */
  ecosystems: Record<string, number>;
  /** The subset of `ecosystems` custody has no matcher for (listed by `vulndb status`). */
  unknownEcosystems: Record<string, number>;
}

/** One dataset of a generation: an osv.dev bucket directory (download) or an ecosystem family (import). */
export interface DatasetMeta extends DatasetCounts {
  /** 'Maven', 'Debian', 'Red Hat' (osv.dev's directory name; for imports, the ecosystem family). */
  name: string;
  /** File of the index in the generation directory. */
  file: string;
  /** Only these ecosystems were kept (`--ecosystem Debian:12`); absent: everything the directory holds. */
  keep?: string[];
  origin: DatasetOrigin;
  /** Where it came from: the all.zip URL (credentials removed) or the imported path. */
  source: string;
  /** When the data was downloaded (downloads only; imports have no fetch time). */
  fetchedAt?: string;
  /** When the source was last asked (a 304 refreshes this, not fetchedAt). */
  checkedAt?: string;
  /** Upstream validators for conditional requests. */
  etag?: string;
  lastModified?: string;
  /** sha256 of the downloaded zip / of the imported records. */
  sha256: string;
  /** Bytes downloaded (the zip) or read (import). */
  sourceBytes: number;
  /** Size of the index file. */
  indexBytes: number;
}

export interface VulnDbManifest {
  schema: typeof VULNDB_MANIFEST_SCHEMA;
  /** When this generation was written. */
  created: string;
  datasets: DatasetMeta[];
}

/** The generation in use. */
export interface Generation {
  root: string;
  name: string;
  dir: string;
  manifest: VulnDbManifest;
}

/**
 * The cache directory: `--vulndb-dir`, else `$CUSTODY_VULNDB_DIR`, else `$XDG_CACHE_HOME/custody/vulndb`,
 * else `~/.cache/custody/vulndb`. Relative paths are taken from `cwd`.
 */
export function resolveVulnDbDir(flag: string | undefined, env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  const pick = flag ?? nonEmpty(env.CUSTODY_VULNDB_DIR);
  if (pick !== undefined) return isAbsolute(pick) ? pick : join(cwd, pick);
  const xdg = nonEmpty(env.XDG_CACHE_HOME);
  // XDG base directory spec: a relative XDG_CACHE_HOME is invalid and must be ignored.
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'custody', 'vulndb');
  const home = nonEmpty(env.HOME) ?? nonEmpty(env.USERPROFILE);
  if (home === undefined) {
    throw new InputError('VULNDB_NO_CACHE_DIR', 'cannot tell where the vulnerability database lives: no HOME and no XDG_CACHE_HOME', {
      hint: 'pass --vulndb-dir DIR or set CUSTODY_VULNDB_DIR',
    });
  }
  return join(home, '.cache', 'custody', 'vulndb');
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}

export const generationsDir = (root: string): string => join(root, 'generations');
export const currentFile = (root: string): string => join(root, 'current');
export const lockFile = (root: string): string => join(root, 'lock');

export function isGenerationName(name: string): boolean {
  return GENERATION_NAME.test(name);
}

/** A new generation name for `now` (sortable by time). */
export function newGenerationName(now: Date, random: string): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `g-${stamp}-${random}`;
}

/** The dataset's index file name: the name made safe for a file system (never a path), plus a hash so two names never share a file. */
export function datasetFile(name: string): string {
  const slug = name.replace(/[^A-Za-z0-9]+/g, '_').slice(0, 60);
  return `${slug}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}.sqlite`;
}

/**
 * The generation in use, or undefined when the cache has none (never written, or written by nothing
 * we can read). A `current` pointing at a missing or unreadable generation is an error: the cache is
 * damaged and saying "no data" would hide it.
 * @throws InputError VULNDB_CORRUPT
 */
export async function readCurrentGeneration(root: string): Promise<Generation | undefined> {
  let name: string;
  try {
    name = (await readFile(currentFile(root), 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw corrupt(root, `cannot read ${currentFile(root)}`, err);
  }
  if (!isGenerationName(name)) throw corrupt(root, `${currentFile(root)} names no generation (${JSON.stringify(name.slice(0, 80))})`);
  const dir = join(generationsDir(root), name);
  return { root, name, dir, manifest: await readManifest(dir, root) };
}

async function readManifest(dir: string, root: string): Promise<VulnDbManifest> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as unknown;
  } catch (err) {
    throw corrupt(root, `cannot read ${join(dir, 'manifest.json')}`, err);
  }
  if (!isRecord(doc) || doc.schema !== VULNDB_MANIFEST_SCHEMA || !Array.isArray(doc.datasets) || typeof doc.created !== 'string') {
    throw corrupt(root, `${join(dir, 'manifest.json')} is not a custody vulndb manifest (${VULNDB_MANIFEST_SCHEMA})`);
  }
  for (const d of doc.datasets as unknown[]) {
    if (!isRecord(d) || typeof d.name !== 'string' || typeof d.file !== 'string' || !/^[A-Za-z0-9_-]+\.sqlite$/.test(d.file) || typeof d.records !== 'number') {
      throw corrupt(root, `${join(dir, 'manifest.json')} lists a dataset custody cannot read`);
    }
  }
  return doc as unknown as VulnDbManifest;
}

function corrupt(root: string, message: string, cause?: unknown): InputError {
  return new InputError('VULNDB_CORRUPT', `the vulnerability database in ${root} is damaged: ${message}`, {
    ...(cause !== undefined ? { cause } : {}),
    hint: 'run `custody vulndb update` (or `custody vulndb prune --all` and update again)',
  });
}
