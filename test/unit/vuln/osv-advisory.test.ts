import { describe, expect, it } from 'vitest';
import { storeFromRecords } from '../../../src/vuln/osv/store.js';
import { parseOsvRecord } from '../../../src/vuln/osv/record.js';

function record(doc: unknown) {
  const r = parseOsvRecord(doc);
  if ('error' in r) throw new Error(r.error);
  return r.record;
}

describe('OsvStore.advisory', () => {
  it('finds records by id or by any alias, case-insensitively, once each', () => {
    const ghsa = record({ id: 'GHSA-jfh8-c2jp-5v3q', aliases: ['CVE-2021-44228'], modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'Maven', name: 'org.apache.logging.log4j:log4j-core' } }] });
    const dsa = record({ id: 'DSA-5020-1', aliases: ['CVE-2021-44228', 'cve-2021-44228'], modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'Debian:11', name: 'apache-log4j2' } }] });
    const other = record({ id: 'GHSA-xxxx-yyyy-zzzz', aliases: ['CVE-2000-0001'], modified: '2024-01-01T00:00:00Z', affected: [] });
    const store = storeFromRecords([ghsa, dsa, other]);
    expect(store.advisory('cve-2021-44228').map((r) => r.id)).toEqual(['GHSA-jfh8-c2jp-5v3q', 'DSA-5020-1']);
    expect(store.advisory('GHSA-JFH8-C2JP-5V3Q').map((r) => r.id)).toEqual(['GHSA-jfh8-c2jp-5v3q']);
    expect(store.advisory('CVE-1999-0000')).toEqual([]);
  });
});
