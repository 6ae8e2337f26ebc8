/**
 * The local vulnerability database as an `OsvStore`: the same interface the matcher and
 * `sbom query --advisory` use for `--osv-db`, backed by the generation's per-dataset indexes.
 * Only the datasets of the families asked about are opened, and only the records a package can
 * match are read and parsed (each once).
 */
import { join } from 'node:path';
import { InputError } from '../../core/errors.js';
import { ecosystemFamily, normaliseOsvName } from '../osv/ecosystems.js';
import { parseOsvRecord, type OsvRecord } from '../osv/record.js';
import type { OsvHit, OsvStore } from '../osv/store.js';
import { keeps } from './build.js';
import { openIndex, packageKey, type IndexReader, type StoredRecord } from './index-db.js';
import type { DatasetMeta, Generation } from './layout.js';

/** An OsvStore over a cache generation; `close()` releases the index files. */
export interface VulnDbStore extends OsvStore {
  generation: Generation;
  /** The datasets opened so far (what a scan actually read). */
  datasetsRead(): DatasetMeta[];
  close(): void;
}

/**
 * Open `gen` as a store. `families`, when given, are opened at once (so a concurrent prune cannot
 * remove them mid-scan); others open on first use.
 * @throws InputError VULNDB_CORRUPT when an index cannot be opened.
 */
export function openVulnDbStore(gen: Generation, families?: Iterable<string>): VulnDbStore {
  const datasets = gen.manifest.datasets;
  const familiesOf = new Map<DatasetMeta, Set<string>>(datasets.map((d) => [d, new Set(Object.keys(d.ecosystems ?? {}).map(ecosystemFamily))]));
  const readers = new Map<DatasetMeta, IndexReader>();
  const parsed = new Map<string, OsvRecord>();
  const open = (d: DatasetMeta): IndexReader => {
    let r = readers.get(d);
    if (!r) {
      try {
        r = openIndex(join(gen.dir, d.file));
      } catch (err) {
        throw new InputError('VULNDB_CORRUPT', `cannot open the ${d.name} index of the vulnerability database (${join(gen.dir, d.file)})`, {
          cause: err,
          hint: 'run `custody vulndb update` to rebuild it',
        });
      }
      readers.set(d, r);
    }
    return r;
  };
  const recordOf = (d: DatasetMeta, s: StoredRecord): OsvRecord => {
    const key = `${d.file}#${s.rid}`;
    let r = parsed.get(key);
    if (r === undefined) {
      let doc: unknown;
      try {
        doc = JSON.parse(s.json.toString('utf8')) as unknown;
      } catch {
        doc = undefined;
      }
      const p = parseOsvRecord(doc);
      // Every record was validated when the index was built; one that no longer parses is damage, and
      // skipping it would turn "could not read" into "not affected".
      if (!('record' in p)) {
        throw new InputError('VULNDB_CORRUPT', `record ${s.rid} of the ${d.name} index is damaged (${p.error})`, { hint: 'run `custody vulndb update` to rebuild it' });
      }
      r = p.record;
      parsed.set(key, r);
    }
    return r;
  };
  const withFamily = (family: string): DatasetMeta[] => datasets.filter((d) => familiesOf.get(d)!.has(family));
  for (const f of families ?? []) for (const d of withFamily(f)) open(d);

  const ecosystems = new Map<string, number>();
  for (const d of datasets) for (const [e, n] of Object.entries(d.ecosystems ?? {})) ecosystems.set(e, (ecosystems.get(e) ?? 0) + n);
  const newest = datasets.map((d) => d.newestModified).filter((m): m is string => m !== undefined).sort((a, b) => Date.parse(b) - Date.parse(a))[0];

  return {
    generation: gen,
    sources: [gen.dir],
    records: datasets.reduce((n, d) => n + d.records, 0),
    withdrawn: datasets.reduce((n, d) => n + (d.withdrawn ?? 0), 0),
    invalid: datasets.reduce((n, d) => n + (d.skipped ?? 0), 0),
    ...(newest !== undefined ? { newestModified: newest } : {}),
    ecosystems: () => ecosystems,
    lookup(family: string, name: string): readonly OsvHit[] {
      const norm = normaliseOsvName(family, name);
      const key = packageKey(family, norm);
      const out: OsvHit[] = [];
      const seen = new Set<string>();
      for (const d of withFamily(family)) {
        for (const s of open(d).byPackage(key)) {
          const record = recordOf(d, s);
          if (seen.has(record.id)) continue;
          seen.add(record.id);
          for (const affected of record.affected) {
            const fam = ecosystemFamily(affected.ecosystem);
            if (fam === family && normaliseOsvName(fam, affected.name) === norm && keeps(d.keep, affected.ecosystem)) out.push({ record, affected });
          }
        }
      }
      return out;
    },
    advisory(idOrAlias: string): readonly OsvRecord[] {
      const out: OsvRecord[] = [];
      const seen = new Set<string>();
      for (const d of datasets) {
        for (const s of open(d).byAlias(idOrAlias)) {
          const record = recordOf(d, s);
          if (!seen.has(record.id)) {
            seen.add(record.id);
            out.push(record);
          }
        }
      }
      return out;
    },
    datasetsRead: () => datasets.filter((d) => readers.has(d)),
    close() {
      for (const r of readers.values()) r.close();
      readers.clear();
    },
  };
}
