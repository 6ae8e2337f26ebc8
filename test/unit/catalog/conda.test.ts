import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type CatalogContext } from '../../../src/catalog/cataloger.js';
import { condaChannelName, parseCondaMeta } from '../../../src/catalog/conda/conda-meta.js';
import { condaMetaCataloger } from '../../../src/catalog/conda/index.js';
import { osvQueryOf } from '../../../src/vuln/osv/ecosystems.js';
import { FIXTURES } from '../../helpers/paths.js';
import { catalogFiles } from './lang-support.js';

const peer = (rel: string): Buffer => readFileSync(join(FIXTURES, 'catalog', 'peers', rel));

describe('conda-meta-cataloger', () => {
  it('reads conda-meta records: purl qualifiers, digests, licence', async () => {
    const r = await catalogFiles([condaMetaCataloger], [
      { path: '/opt/conda/conda-meta/libgomp-11.2.0-h1234567_1.json', content: peer('trivy/conda/meta/libgomp-11.2.0-h1234567_1.json') },
      { path: '/opt/conda/conda-meta/history', content: Buffer.from('==> 2024-01-01 <==\n') },
    ]);
    expect(r.packages).toHaveLength(1);
    const p = r.packages[0]!;
    expect(p).toMatchObject({ name: 'libgomp', version: '11.2.0', type: 'conda', purl: 'pkg:conda/libgomp@11.2.0?build=h1234567_1&channel=main&subdir=linux-64&type=conda', licenses: ['GPL-3.0-only WITH GCC-exception-3.1'] });
    expect(Object.keys(p.hashes ?? {}).sort()).toEqual(['MD5', 'SHA-256']);
    expect(p.metadata?.depends).toEqual(['_libgcc_mutex 0.1 main']);
    // no OSV ecosystem for conda: not covered
    expect(osvQueryOf(p, undefined)).toBeUndefined();
  });

  it('a record that is not JSON, or has no name, is incomplete', async () => {
    const r = await catalogFiles([condaMetaCataloger], [
      { path: '/opt/conda/conda-meta/a-1-0.json', content: peer('trivy/conda/meta/invalid_json.json') },
      { path: '/opt/conda/conda-meta/b-1-0.json', content: peer('trivy/conda/meta/invalid_package.json') },
      { path: '/opt/conda/conda-meta/c-1-0.json', content: Buffer.from('[1,2]') },
    ]);
    expect(r.packages).toEqual([]);
    expect(r.incomplete).toHaveLength(3);
  });

  it('channel names from channel URLs', () => {
    expect(condaChannelName('https://conda.anaconda.org/conda-forge/', 'noarch')).toBe('conda-forge');
    expect(condaChannelName('https://repo.anaconda.com/pkgs/main/linux-64', 'linux-64')).toBe('main');
    expect(condaChannelName('pkgs/main', undefined)).toBe('main');
    expect(condaChannelName('bioconda', 'linux-64')).toBe('bioconda');
    expect(condaChannelName('', undefined)).toBeUndefined();
  });

  it('never throws anything but a JSON error on hostile input (property)', () => {
    const ctx: CatalogContext = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 1024 }).map((a) => Buffer.from(a)),
          fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v))),
          fc.record({ name: fc.oneof(fc.string(), fc.integer()), version: fc.oneof(fc.string(), fc.constant(null)), channel: fc.string(), subdir: fc.string(), fn: fc.string(), depends: fc.array(fc.anything(), { maxLength: 5 }) }, { requiredKeys: [] }).map((v) => Buffer.from(JSON.stringify(v))),
        ),
        (bytes) => {
          let r;
          try {
            r = parseCondaMeta({ location: { path: '/e/conda-meta/x-1-0.json' }, contents: bytes }, ctx);
          } catch (err) {
            expect((err as Error).message).toMatch(/^invalid JSON/);
            return;
          }
          expect(r.packages.length).toBeLessThanOrEqual(1);
          for (const p of r.packages) {
            expect(p.name).not.toMatch(/^$|\s/);
            expect(p.version).not.toMatch(/^$|\s/);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
