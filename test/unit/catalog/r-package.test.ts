import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type CatalogContext } from '../../../src/catalog/cataloger.js';
import { parseRDescription, rLicenses } from '../../../src/catalog/r/description.js';
import { rPackageCataloger } from '../../../src/catalog/r/index.js';
import { osvQueryOf } from '../../../src/vuln/osv/ecosystems.js';
import { compareVersions } from '../../../src/query/versions/index.js';
import { FIXTURES } from '../../helpers/paths.js';
import { catalogFiles } from './lang-support.js';

const peer = (rel: string): Buffer => readFileSync(join(FIXTURES, 'catalog', 'peers', 'syft', 'r', rel));

describe('r-package-cataloger', () => {
  it('reads DESCRIPTION files under R library directories and, as syft, elsewhere', async () => {
    const r = await catalogFiles([rPackageCataloger], [
      { path: '/usr/lib/R/library/base/DESCRIPTION', content: peer('installed/base/DESCRIPTION') },
      { path: '/usr/local/lib/R/site-library/stringr/DESCRIPTION', content: peer('installed/stringr/DESCRIPTION') },
      // syft's image-pkg-coverage holds it at /r/base/DESCRIPTION, and syft reads any **/DESCRIPTION
      { path: '/r/base/DESCRIPTION', content: peer('installed/base/DESCRIPTION') },
    ]);
    expect(r.packages.map((p) => p.purl).sort()).toEqual(['pkg:cran/base@4.3.0', 'pkg:cran/base@4.3.0', 'pkg:cran/stringr@1.5.0.9000']);
    const stringr = r.packages.find((p) => p.name === 'stringr')!;
    expect(stringr.type).toBe('r-package');
    expect(stringr.licenses).toEqual(['MIT']);
    expect(stringr.metadata).toMatchObject({ imports: ['cli', 'glue (>= 1.6.1)', 'lifecycle (>= 1.0.3)', 'magrittr', 'rlang (>= 1.0.0)', 'stringi (>= 1.5.3)', 'vctrs (>= 0.4.0)'], depends: ['R (>= 3.3)'] });
    expect(r.incomplete).toEqual([]);
  });

  it('a DESCRIPTION without Package or Version is incomplete', async () => {
    const r = await catalogFiles([rPackageCataloger], [
      { path: '/l/library/a/DESCRIPTION', content: peer('map-parse/no-name') },
      { path: '/l/library/b/DESCRIPTION', content: peer('map-parse/no-version') },
    ]);
    expect(r.packages).toEqual([]);
    expect(r.incomplete.map((i) => i.reason).sort()).toEqual(['no valid Package: field', expect.stringMatching(/has no valid Version: field$/)]);
  });

  it('outside an R library, a DESCRIPTION that is no clean DCF with Package and Version is silently not R', async () => {
    const r = await catalogFiles([rPackageCataloger], [
      { path: '/src/octave-pkg/DESCRIPTION', content: Buffer.from('Name: signal\nVersion: 1.4.5\n') },
      { path: '/src/docs/DESCRIPTION', content: Buffer.from('This directory holds the documentation.\n') },
      { path: '/src/x/DESCRIPTION', content: peer('map-parse/no-version') },
    ]);
    expect(r.packages).toEqual([]);
    expect(r.incomplete).toEqual([]);
  });

  it('licences: alternatives split, `>=` as or-later, `file LICENSE` dropped', () => {
    expect(rLicenses('MIT + file LICENSE')).toEqual(['MIT']);
    expect(rLicenses('GPL (>= 2)')).toEqual(['GPL-2.0-or-later']);
    expect(rLicenses('GPL-2 | GPL-3')).toEqual(['GPL-2.0-only', 'GPL-3.0-only']);
    expect(rLicenses('GPL (>= 2) | file LICENCE')).toEqual(['GPL-2.0-or-later']);
    expect(rLicenses('Part of R 4.3.0')).toEqual(['Part of R 4.3.0']);
  });

  it('versions order as R package_version; OSV CRAN', () => {
    expect(compareVersions('cran', '1.2-3', '1.2.10')).toBe(-1);
    expect(compareVersions('cran', '1.5.0.9000', '1.5.0')).toBe(1);
    const [p] = [{ id: 'x', name: 'stringr', version: '1.5.0', type: 'r-package' as const, purl: 'pkg:cran/stringr@1.5.0', licenses: [], locations: [], foundBy: [] }];
    expect(osvQueryOf(p, undefined)).toEqual({ family: 'CRAN', ordering: 'cran', name: 'stringr', version: '1.5.0' });
  });

  it('never throws on hostile bytes (property)', () => {
    const ctx: CatalogContext = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)),
          fc.array(fc.oneof(fc.constantFrom('Package:', 'Version:', 'License:', 'Imports:', ' ', ':', '\n', '\n\t'), fc.string({ maxLength: 10 })), { maxLength: 80 }).map((x) => Buffer.from(x.join(''))),
        ),
        (bytes) => {
          const r = parseRDescription({ location: { path: '/l/library/x/DESCRIPTION' }, contents: bytes }, ctx);
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
