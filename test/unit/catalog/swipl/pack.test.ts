import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { swiplPackCataloger } from '../../../../src/catalog/swipl/index.js';
import { parsePackPl, PrologError, readPrologClauses } from '../../../../src/catalog/swipl/pack.js';
import { FIXTURES } from '../../../helpers/paths.js';
import { catalogFiles } from '../lang-support.js';

const peer = (f: string): Buffer => readFileSync(join(FIXTURES, 'catalog', 'peers', 'syft/swipl', f));

describe('swipl-pack-cataloger', () => {
  it('a pack\'s source tree: the pack itself as the project, name and version, authors, packager, home in metadata', async () => {
    const r = await catalogFiles([swiplPackCataloger], [{ path: '/src/hdt/pack.pl', content: peer('pack.pl') }]);
    expect(r.packages).toHaveLength(1);
    expect(r.packages[0]).toMatchObject({
      name: 'hdt',
      version: '0.5.2',
      type: 'swiplpack',
      purl: 'pkg:swiplpack/hdt@0.5.2',
      description: 'Access RDF HDT files',
      supplier: 'Jan Wielemaker',
      metadata: {
        project: 'root',
        homepage: 'https://github.com/JanWielemaker/hdt',
        download: 'https://github.com/JanWielemaker/hdt/archive/V*.zip',
        authors: [{ name: 'Jan Wielemaker', contact: 'J.Wielemaker@vu.nl' }],
        packagers: [{ name: 'Jan Wielemaker', contact: 'J.Wielemaker@vu.nl' }],
        maintainers: [{ name: 'Jan Wielemaker', contact: 'J.Wielemaker@vu.nl' }],
      },
      foundBy: ['swipl-pack-cataloger'],
    });
    expect(r.incomplete).toEqual([]);
  });

  it('an installed pack (…/pack/<name>/pack.pl) is a package, not the project; requires kept as written', async () => {
    const r = await catalogFiles([swiplPackCataloger], [
      { path: '/root/.local/share/swi-prolog/pack/func/pack.pl', content: Buffer.from("name(func).\nversion(\"0.4.2\").\nrequires(prolog >= 9.1.22).\nrequires(lambda).\nlicense('MIT').\n") },
    ]);
    expect(r.packages[0]).toMatchObject({ purl: 'pkg:swiplpack/func@0.4.2', licenses: ['MIT'], metadata: { requires: ['prolog >= 9.1.22', 'lambda'] } });
    expect(r.packages[0]!.metadata?.['project']).toBeUndefined();
  });

  it('the Prolog reader: quoted atoms with escapes and doubled quotes, lists with tails, block comments, 0\'c, operators', () => {
    expect(readPrologClauses("/* c */ a('it''s\\n', \"s\", [x, Y|T], 0'c, {b}).\nb :- c, d.\n")).toEqual([
      { functor: 'a', args: ["it's\n", 's', ['x', { functor: '$VAR', args: ['Y'] }], "0'c", { functor: '{}', args: ['b'] }] },
      'b :- c, d',
    ]);
    expect(() => readPrologClauses("name('x).")).toThrow(PrologError);
    expect(() => readPrologClauses('name(x)')).toThrow(/closing "."/);
    expect(() => readPrologClauses(`a(${'f('.repeat(200)}x${')'.repeat(200)}).`)).toThrow(/nested deeper/);
  });

  it('not a pack description (no name fact, or not Prolog without one) is a warning; a broken pack.pl incomplete; no version a warning', async () => {
    const r = await catalogFiles([swiplPackCataloger], [
      { path: '/a/pack.pl', content: peer('glob-paths/pack.pl') },
      { path: '/b/pack.pl', content: Buffer.from(':- module(pack, [install/1]).\ninstall(X) :- write(X).\n') },
      { path: '/c/pack.pl', content: Buffer.from("name(c).\nversion('1.0.0'\n") },
      { path: '/d/pack.pl', content: Buffer.from('name(d).\n') },
      { path: '/e/pack.pl', content: Buffer.from('name(E).\nname(f(x)).\n') },
    ]);
    expect(r.packages.map((p) => p.purl)).toEqual(['pkg:swiplpack/d']);
    expect(r.incomplete.map((i) => i.path).sort()).toEqual(['/c/pack.pl', '/e/pack.pl']);
    const w = r.warnings.join('\n');
    expect(w).toMatch(/\/a\/pack\.pl: pack\.pl is not a pack description/);
    expect(w).toMatch(/\/b\/pack\.pl: pack\.pl has no name/);
    expect(w).toMatch(/pack d: no version/);
  });

  it('hostile input (fast-check): a result or a thrown Error', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const run = (s: string): void => {
      try {
        expect(Array.isArray(parsePackPl({ location: { path: '/x/pack.pl' }, contents: Buffer.from(s) }, ctx).packages)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    };
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        run(a);
        run(`name(${a}).\nversion('${b}').\nauthor(${a}, '${b}').\n`);
        run(`name('${a}'). % ${b}\nrequires(${b} >= ${a}).\n/* ${a}`);
      }),
      { numRuns: 300 },
    );
    const t0 = Date.now();
    run(`name(${'['.repeat(100_000)}`);
    run(`name(x). ${'a('.repeat(100_000)}`);
    run(`name(x). k(${'a, '.repeat(200_000)}b).`);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
