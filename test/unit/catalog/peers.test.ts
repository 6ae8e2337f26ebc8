/**
 * The peers' own test files (fixtures/catalog/peers/, Apache-2.0, sources in cases.json): custody
 * reports exactly `expect` on each, which is what the peer's test expects up to the differences
 * cases.json names (dev dependencies marked instead of dropped; the project itself and its workspace
 * members marked `(project)` / `(workspace)`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_CATALOGERS } from '../../../src/catalog/registry.js';
import { FIXTURES } from '../../helpers/paths.js';
import { catalogFiles } from './lang-support.js';

interface PeerCase {
  file: string;
  as: string;
  source: string;
  expect: string[];
  peerExpects: string[];
  differences: string;
  /** Further files of the same fixture, catalogued together with `file` (a lock file beside its manifest, a tree). */
  with?: { file: string; as: string }[];
}

const dir = join(FIXTURES, 'catalog', 'peers');
// cases.json and any cases-<area>.json beside it (one file per area keeps parallel work apart)
const cases = readdirSync(dir)
  .filter((f) => /^cases(-[a-z0-9-]+)?\.json$/.test(f))
  .sort()
  .flatMap((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as PeerCase[]);

describe('the peers\' test fixtures (issue 17)', () => {
  it.each(cases.map((c) => [c.file, c] as const))('%s', async (_file, c) => {
    const files = [c, ...(c.with ?? [])].map((f) => ({ path: f.as, content: readFileSync(join(dir, f.file)) }));
    const r = await catalogFiles(ALL_CATALOGERS, files);
    const mark = (p: (typeof r.packages)[number]): string => (p.metadata?.dev === true ? ' (dev)' : '') + (typeof p.metadata?.project === 'string' ? ` (${p.metadata.project === 'root' ? 'project' : 'workspace'})` : '');
    const got = r.packages.map((p) => `${p.purl ?? `${p.name}@${p.version}`}${mark(p)}`).sort();
    expect(got).toEqual([...c.expect].sort());
    if (c.differences.startsWith('none')) expect(got.length).toBe(c.peerExpects.length);
  });
});
