/**
 * Building one dataset's index from OSV records as they come out of a zip or a directory: every
 * record is JSON-parsed and validated (an invalid one is counted and named, never silently dropped),
 * withdrawn records are counted apart, `--ecosystem Debian:12` style filters are applied, and the
 * ecosystems the data covers are counted for coverage and `vulndb status`.
 */
import { rm } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';
import { parseJsonBounded } from '../data.js';
import { ecosystemFamily, isMatchedEcosystem, normaliseOsvName } from '../osv/ecosystems.js';
import { parseOsvRecord } from '../osv/record.js';
import { newerTimestamp } from '../osv/store.js';
import { createIndex, packageKey } from './index-db.js';
import type { DatasetCounts } from './layout.js';

export interface DatasetBuilder {
  /** One record: its JSON bytes, a name for messages, and the zip's deflate stream of the same bytes if there is one. */
  add(bytes: Buffer, name: string, deflated?: Buffer): void;
  finish(): DatasetCounts;
  /** Stop and remove the partial index. */
  abort(): Promise<void>;
}

const MAX_RECORD_BYTES = 16 * 1024 * 1024;
const EXAMPLES = 5;

/** Does an affected ecosystem pass a `keep` list ('Debian:12' keeps 'Debian:12'; 'Red Hat' keeps every 'Red Hat:…')? */
export function keeps(keep: readonly string[] | undefined, ecosystem: string): boolean {
  if (keep === undefined) return true;
  return keep.some((k) => ecosystem === k || ecosystem.startsWith(`${k}:`));
}

/** Start an index at `path` (must not exist). */
export function createDatasetBuilder(path: string, keep?: readonly string[]): DatasetBuilder {
  const index = createIndex(path);
  const ids = new Set<string>();
  const counts: DatasetCounts = { records: 0, withdrawn: 0, skipped: 0, skippedExamples: [], filteredOut: 0, ecosystems: {}, unknownEcosystems: {} };
  const skip = (name: string, why: string): void => {
    counts.skipped++;
    if (counts.skippedExamples.length < EXAMPLES) counts.skippedExamples.push(`${name}: ${why}`);
  };
  return {
    add(bytes, name, deflated) {
      let parsed: ReturnType<typeof parseOsvRecord>;
      try {
        parsed = parseOsvRecord(parseJsonBounded(bytes, name, MAX_RECORD_BYTES));
      } catch (err) {
        skip(name, err instanceof Error ? err.message : String(err));
        return;
      }
      if ('error' in parsed) {
        skip(name, parsed.error);
        return;
      }
      const r = parsed.record;
      if (r.withdrawn !== undefined) {
        counts.withdrawn++;
        return;
      }
      if (ids.has(r.id)) {
        skip(name, `a second record with id ${r.id}`);
        return;
      }
      const kept = r.affected.filter((a) => keeps(keep, a.ecosystem));
      if (kept.length === 0 && r.affected.length > 0) {
        counts.filteredOut++;
        return;
      }
      ids.add(r.id);
      counts.records++;
      if (r.modified !== undefined && (counts.newestModified === undefined || newerTimestamp(r.modified, counts.newestModified))) counts.newestModified = r.modified;
      for (const eco of new Set(kept.map((a) => a.ecosystem))) {
        counts.ecosystems[eco] = (counts.ecosystems[eco] ?? 0) + 1;
        if (!isMatchedEcosystem(eco)) counts.unknownEcosystems[eco] = (counts.unknownEcosystems[eco] ?? 0) + 1;
      }
      const keys = new Set(kept.map((a) => packageKey(ecosystemFamily(a.ecosystem), normaliseOsvName(ecosystemFamily(a.ecosystem), a.name))));
      index.add({
        id: r.id,
        ...(r.modified !== undefined ? { modified: r.modified } : {}),
        packageKeys: keys,
        aliases: new Set([r.id, ...r.aliases]),
        body: deflated ?? deflateRawSync(bytes),
        deflated: true,
      });
    },
    finish() {
      index.finish();
      return counts;
    },
    async abort() {
      index.abort();
      await rm(path, { force: true });
    },
  };
}
