/**
 * Which vulnerability data a command uses — the one decision `scan`, `audit` and `sbom query
 * --advisory` share: an explicit `--osv-db PATH` beats the local cache (`custody vulndb`); with
 * neither, the command cannot answer (exit 3, with the hint to run `custody vulndb update`).
 * Nothing here touches the network or writes anything.
 */
import { InputError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { VulnData, VulnDataSet } from './model.js';
import { loadOsvDatabase, type OsvStore } from './osv/store.js';
import { readCurrentGeneration, type DatasetMeta } from './vulndb/layout.js';
import { openVulnDbStore, type VulnDbStore } from './vulndb/store.js';

export interface VulnDataChoice {
  /** `--osv-db PATH` (a directory of OSV JSON, an all.zip, or one record). */
  osvDb?: string;
  /** The local database directory (`resolveVulnDbDir`). */
  vulndbDir: string;
  /** Ecosystem families the command will look up, opened at once (cache only; others open on demand). */
  families?: Iterable<string>;
}

/** The data a command reads, and how to describe it once the command is done. */
export interface OpenedVulnData {
  store: OsvStore;
  /** What was used and how old it is (datasets actually read, for the cache). */
  describe(now: Date, maxAge: { seconds: number; explicit: boolean }): VulnData;
  close(): void;
}

/** True when the local database at `vulndbDir` holds at least one dataset (reads one small file; no writes). */
export async function hasLocalVulnData(vulndbDir: string): Promise<boolean> {
  const gen = await readCurrentGeneration(vulndbDir);
  return gen !== undefined && gen.manifest.datasets.length > 0;
}

/**
 * Open the vulnerability data for a command.
 * @throws InputError VULN_NO_DATABASE when there is neither `--osv-db` nor a local database;
 *   the loaders' InputErrors (VULN_OSV_DB_*, VULNDB_CORRUPT) otherwise.
 */
export async function openVulnData(c: VulnDataChoice, log: Logger): Promise<OpenedVulnData> {
  if (c.osvDb !== undefined) {
    const store = await loadOsvDatabase(c.osvDb, log);
    return {
      store,
      describe: (now, maxAge) =>
        described(
          { kind: 'osv-db', location: c.osvDb! },
          [{ name: c.osvDb!, records: store.records, origin: 'osv-db', source: c.osvDb!, ...(store.newestModified ? { newestModified: store.newestModified } : {}) }],
          now,
          maxAge,
        ),
      close: () => undefined,
    };
  }
  const gen = await readCurrentGeneration(c.vulndbDir);
  if (!gen || gen.manifest.datasets.length === 0) {
    throw new InputError('VULN_NO_DATABASE', `no vulnerability data: no --osv-db and nothing in ${c.vulndbDir}`, {
      hint: 'run `custody vulndb update` once (it downloads osv.dev data), or pass --osv-db DIR, or --engine grype|trivy',
    });
  }
  const store: VulnDbStore = openVulnDbStore(gen, c.families);
  log.info(`vulnerability data: ${c.vulndbDir} (${store.records} records in ${gen.manifest.datasets.length} datasets)`);
  return {
    store,
    describe: (now, maxAge) => {
      const read = store.datasetsRead();
      // No dataset covers the SBOM's ecosystems: the report says so (an empty list); the age is then the
      // database's as a whole.
      const d = described({ kind: 'cache', location: c.vulndbDir, generation: gen.name }, (read.length > 0 ? read : gen.manifest.datasets).map(dataSet), now, maxAge);
      return read.length > 0 ? d : { ...d, datasets: [], records: 0 };
    },
    close: () => store.close(),
  };
}

function dataSet(d: DatasetMeta): VulnDataSet {
  return {
    name: d.name,
    records: d.records,
    origin: d.origin,
    source: d.source,
    ...(d.fetchedAt ? { fetchedAt: d.fetchedAt } : {}),
    ...(d.newestModified ? { newestModified: d.newestModified } : {}),
  };
}

/**
 * The data's age is its weakest part: the oldest fetch among the datasets read, or — for data with
 * no fetch time (imports, --osv-db) — their newest record's `modified`.
 */
function described(
  where: { kind: VulnData['kind']; location: string; generation?: string },
  datasets: VulnDataSet[],
  now: Date,
  maxAge: { seconds: number; explicit: boolean },
): VulnData {
  let asOf: string | undefined;
  let basis: VulnData['asOfBasis'] = 'unknown';
  for (const d of datasets) {
    const t = d.fetchedAt ?? d.newestModified;
    if (t === undefined || !Number.isFinite(Date.parse(t))) {
      // A dataset of unknown age makes the whole data's age unknown: fail closed.
      asOf = undefined;
      basis = 'unknown';
      break;
    }
    if (asOf === undefined || Date.parse(t) < Date.parse(asOf)) {
      asOf = t;
      basis = d.fetchedAt !== undefined ? 'fetched' : 'newest-record';
    }
  }
  const ageSeconds = asOf !== undefined ? Math.max(0, Math.round((now.getTime() - Date.parse(asOf)) / 1000)) : undefined;
  return {
    ...where,
    datasets,
    records: datasets.reduce((n, d) => n + d.records, 0),
    ...(asOf !== undefined ? { asOf } : {}),
    asOfBasis: basis,
    ...(ageSeconds !== undefined ? { ageSeconds } : {}),
    maxAgeSeconds: maxAge.seconds,
    maxAgeExplicit: maxAge.explicit,
    stale: ageSeconds === undefined || ageSeconds > maxAge.seconds,
  };
}
