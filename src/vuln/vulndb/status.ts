/**
 * `custody vulndb status`: what the cache holds, per dataset (README "custody vulndb", JSON schema
 * `custody.vulndb-status/v1`).
 */
import { InputError } from '../../core/errors.js';
import { listGenerations } from './generation.js';
import { readCurrentGeneration } from './layout.js';

export const VULNDB_STATUS_SCHEMA = 'custody.vulndb-status/v1';

export interface DatasetStatus {
  name: string;
  origin: 'download' | 'import';
  source: string;
  keep?: string[];
  records: number;
  withdrawn: number;
  skipped: number;
  skippedExamples: string[];
  filteredOut: number;
  fetchedAt?: string;
  checkedAt?: string;
  upstreamLastModified?: string;
  etag?: string;
  newestModified?: string;
  /** now - (fetchedAt, else newestModified), seconds. */
  ageSeconds?: number;
  sourceBytes: number;
  indexBytes: number;
  ecosystems: Record<string, number>;
  unknownEcosystems: Record<string, number>;
}

export interface VulnDbStatus {
  schema: typeof VULNDB_STATUS_SCHEMA;
  location: string;
  generation: string;
  created: string;
  records: number;
  datasets: DatasetStatus[];
  /** Ecosystems in the data custody does not match, summed over datasets (never silently dropped). */
  unknownEcosystems: Record<string, number>;
  /** Generation directories on disk (the current one, the previous one kept for readers, leftovers). */
  generations: { name: string; current: boolean; partial: boolean; bytes: number }[];
}

/**
 * The status of the cache at `root`.
 * @throws InputError VULNDB_EMPTY when it holds no data (hint: run `custody vulndb update`), VULNDB_CORRUPT.
 */
export async function vulnDbStatus(root: string, now: Date): Promise<VulnDbStatus> {
  const gen = await readCurrentGeneration(root);
  if (!gen) {
    throw new InputError('VULNDB_EMPTY', `there is no vulnerability data in ${root}`, {
      hint: 'run `custody vulndb update` (or `custody vulndb import DIR`), or pass --vulndb-dir',
    });
  }
  const unknown: Record<string, number> = {};
  const datasets = gen.manifest.datasets.map((d): DatasetStatus => {
    for (const [e, n] of Object.entries(d.unknownEcosystems ?? {})) unknown[e] = (unknown[e] ?? 0) + n;
    const basis = d.fetchedAt ?? d.newestModified;
    const age = basis !== undefined && Number.isFinite(Date.parse(basis)) ? Math.max(0, Math.round((now.getTime() - Date.parse(basis)) / 1000)) : undefined;
    return {
      name: d.name,
      origin: d.origin,
      source: d.source,
      ...(d.keep ? { keep: d.keep } : {}),
      records: d.records,
      withdrawn: d.withdrawn,
      skipped: d.skipped,
      skippedExamples: d.skippedExamples ?? [],
      filteredOut: d.filteredOut ?? 0,
      ...(d.fetchedAt ? { fetchedAt: d.fetchedAt } : {}),
      ...(d.checkedAt ? { checkedAt: d.checkedAt } : {}),
      ...(d.lastModified ? { upstreamLastModified: d.lastModified } : {}),
      ...(d.etag ? { etag: d.etag } : {}),
      ...(d.newestModified ? { newestModified: d.newestModified } : {}),
      ...(age !== undefined ? { ageSeconds: age } : {}),
      sourceBytes: d.sourceBytes,
      indexBytes: d.indexBytes,
      ecosystems: d.ecosystems ?? {},
      unknownEcosystems: d.unknownEcosystems ?? {},
    };
  });
  const generations = (await listGenerations(root)).map((g) => ({ name: g.name.replace(/\.partial$/, ''), current: g.name === gen.name, partial: g.partial, bytes: g.bytes }));
  return {
    schema: VULNDB_STATUS_SCHEMA,
    location: root,
    generation: gen.name,
    created: gen.manifest.created,
    records: datasets.reduce((n, d) => n + d.records, 0),
    datasets,
    unknownEcosystems: unknown,
    generations,
  };
}
