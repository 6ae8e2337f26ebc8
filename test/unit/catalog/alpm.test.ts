import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAlpmDesc } from '../../../src/catalog/arch/alpm-db.js';
import { alpmDbCataloger } from '../../../src/catalog/arch/index.js';
import { DEFAULT_LIMITS, type CatalogContext } from '../../../src/catalog/cataloger.js';
import { compareVersions } from '../../../src/query/versions/index.js';
import { FIXTURES } from '../../helpers/paths.js';
import { catalogRoot } from './helpers.js';

const peer = (rel: string): Buffer => readFileSync(join(FIXTURES, 'catalog', 'peers', 'syft', 'arch', 'installed', rel));
const LOCAL = '/var/lib/pacman/local';

describe('alpm-db-cataloger', () => {
  it('reads pacman desc files with the distro of os-release, and owns the files its `files` lists', async () => {
    const result = await catalogRoot([alpmDbCataloger], [
      { path: '/etc/os-release', content: 'NAME="Arch Linux"\nID=arch\nBUILD_ID=rolling\n' },
      { path: `${LOCAL}/gmp-6.2.1-2/desc`, content: peer('gmp-6.2.1-2/desc') },
      { path: `${LOCAL}/gmp-6.2.1-2/files`, content: peer('gmp-6.2.1-2/files') },
      { path: `${LOCAL}/fuzzy-1.2-3/desc`, content: peer('fuzzy-1.2-3/desc') },
      { path: `${LOCAL}/fuzzy-1.2-3/files`, content: peer('fuzzy-1.2-3/files') },
    ]);
    expect(result.distro?.id).toBe('arch');
    expect(result.packages.map((p) => p.purl).sort()).toEqual(['pkg:alpm/arch/fuzzy@1.2-3?distro=arch', 'pkg:alpm/arch/gmp@6.2.1-2?arch=x86_64&distro=arch']);
    const gmp = result.packages.find((p) => p.name === 'gmp')!;
    expect(gmp.type).toBe('alpm');
    expect(gmp.licenses).toEqual(['LGPL-3.0-only', 'GPL']);
    expect(gmp.supplier).toBe('Antonio Rojas <arojas@archlinux.org>');
    expect(gmp.metadata).toMatchObject({ basePackage: 'gmp', architecture: 'x86_64', depends: ['gcc-libs', 'sh', 'libtree-sitter.so=1-64'] });
    expect(result.incomplete).toEqual([]);
  });

  it('a desc file without %NAME% (syft\'s corrupt fixture) is reported incomplete, not guessed', async () => {
    const result = await catalogRoot([alpmDbCataloger], [{ path: `${LOCAL}/corrupt-0.2.1-3/desc`, content: peer('corrupt-0.2.1-3/desc') }]);
    expect(result.packages).toEqual([]);
    expect(result.incomplete.map((i) => i.reason)).toEqual(expect.arrayContaining([expect.stringMatching(/outside any %KEY% section/), 'no valid %NAME% section']));
  });

  it('a base package other than the name is the upstream qualifier', async () => {
    const result = await catalogRoot([alpmDbCataloger], [{ path: `${LOCAL}/libgcc-14.1.1+r1-1/desc`, content: '%NAME%\nlibgcc\n\n%VERSION%\n1:14.1.1+r1-1\n\n%BASE%\ngcc\n\n%ARCH%\nx86_64\n' }]);
    expect(result.packages.map((p) => p.purl)).toEqual(['pkg:alpm/arch/libgcc@1:14.1.1+r1-1?arch=x86_64&upstream=gcc']);
  });

  it('orders versions as pacman\'s vercmp does', () => {
    const ordered = ['1.0a', '1.0alpha', '1.0b', '1.0beta', '1.0p', '1.0pre', '1.0rc', '1.0', '1.0.a', '1.0.1', '1:0.5'];
    for (let i = 0; i + 1 < ordered.length; i++) expect(compareVersions('alpm', ordered[i]!, ordered[i + 1]!), `${ordered[i]} < ${ordered[i + 1]}`).toBe(-1);
    expect(compareVersions('alpm', '6.2.1-2', '6.2.1-10')).toBe(-1);
    expect(compareVersions('alpm', '6.2.1', '6.2.1-10')).toBe(0);
    expect(compareVersions('alpm', '1.0..1', '1.0.1')).toBe(1);
  });

  it('never throws on hostile bytes (property)', async () => {
    const ctx: CatalogContext = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)),
          fc.array(fc.oneof(fc.constantFrom('%NAME%\n', '%VERSION%\n', '%ARCH%\n', '%BASE%\n', '%LICENSE%\n', '%', '\n', '\n\n'), fc.string({ maxLength: 10 })), { maxLength: 80 }).map((x) => Buffer.from(x.join(''))),
        ),
        async (bytes) => {
          const r = await parseAlpmDesc({ location: { path: `${LOCAL}/x-1/desc` }, contents: bytes }, ctx);
          expect(r.packages.length).toBeLessThanOrEqual(1);
          for (const p of r.packages) {
            expect(p.name).not.toMatch(/^$|\s/);
            expect(p.version).not.toBe('');
            expect(p.purl).toMatch(/^pkg:alpm\/arch\//);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
