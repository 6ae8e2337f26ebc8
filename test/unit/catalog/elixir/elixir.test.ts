import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { elixirMixLockCataloger } from '../../../../src/catalog/elixir/index.js';
import { parseMixLock } from '../../../../src/catalog/elixir/mix-lock.js';
import { FIXTURES } from '../../../helpers/paths.js';
import { catalogFiles } from '../lang-support.js';

const peer = (p: string): Buffer => readFileSync(join(FIXTURES, 'catalog', 'peers', p));

describe('elixir-mix-lock-cataloger', () => {
  it('hex entries with the outer checksum and depends-on relationships; git at its commit without a purl; path entries the project\'s own members, without a version or purl', async () => {
    const r = await catalogFiles([elixirMixLockCataloger], [{ path: '/app/mix.lock', content: peer('syft/elixir/mix.lock') }]);
    const cowboy = r.packages.find((p) => p.name === 'cowboy')!;
    expect(cowboy).toMatchObject({ type: 'hex', version: '2.9.0', purl: 'pkg:hex/cowboy@2.9.0', hashes: { 'SHA-256': '2c729f934b4e1aa149aff882f57c6372c15399a20d54f65c8d67bef583021bde' }, foundBy: ['elixir-mix-lock-cataloger'] });
    const enacl = r.packages.find((p) => p.name === 'enacl')!;
    expect(enacl.purl).toBeUndefined();
    expect(enacl.metadata).toMatchObject({ source: 'git', vcsUrl: 'https://github.com/aeternity/enacl.git' });
    const name = new Map(r.packages.map((p) => [p.id, p.name]));
    expect(r.relationships.filter((x) => name.get(x.from) === 'ecto_sql').map((x) => `${x.type} ${name.get(x.to)}`).sort()).toEqual(['depends-on db_connection', 'depends-on ecto']);
    expect(r.packages.find((p) => p.name === 'local_dep')).toMatchObject({ version: '', metadata: { source: 'path', path: '../local_dep', project: 'workspace' } });
    expect(r.packages.find((p) => p.name === 'local_dep')!.purl).toBeUndefined();
    expect(r.warnings).toEqual([]);
    expect(r.incomplete).toEqual([]);
  });

  it('older layouts (no outer checksum, no repository), aliased and private-organisation packages; unreadable entries make the file incomplete', async () => {
    const lock = [
      '%{',
      '  "old": {:hex, :old, "1.0.0", "abc", [:mix], []},',
      '  "older": {:hex, :older, "0.9.0", "abc", [:mix], [{:old, "~> 1.0", [hex: :old, optional: false]}], "hexpm"},',
      '  "my_json": {:hex, :jason, "1.4.0", "abc", [:mix], [], "hexpm", "not-a-sha"},',
      '  "secret": {:hex, :secret, "2.0.0-rc.1", "abc", [:mix], [], "hexpm:acme", "abc"},',
      '  "weird": {:svn, "https://x/y", "r12"},',
      '  "broken": {:hex, :broken},',
      'garbage',
      '}',
    ].join('\n');
    const r = await catalogFiles([elixirMixLockCataloger], [{ path: '/app/mix.lock', content: Buffer.from(lock) }]);
    expect(r.packages.map((p) => p.purl).sort()).toEqual(['pkg:hex/acme/secret@2.0.0-rc.1', 'pkg:hex/jason@1.4.0', 'pkg:hex/old@1.0.0', 'pkg:hex/older@0.9.0']);
    const jason = r.packages.find((p) => p.name === 'jason')!;
    expect(jason.metadata).toMatchObject({ app: 'my_json' });
    expect(jason.hashes).toBeUndefined();
    expect(r.relationships).toHaveLength(1);
    expect(r.incomplete.map((i) => i.reason)).toEqual(['mix.lock entries not read: line 6 ("weird"), line 7 ("broken"), line 8']);
  });

  it('a file that is not an Elixir map is incomplete; an empty one a warning', async () => {
    const r = await catalogFiles([elixirMixLockCataloger], [
      { path: '/a/mix.lock', content: Buffer.from('{"castore": "0.1.17"}') },
      { path: '/b/mix.lock', content: Buffer.from('\n') },
    ]);
    expect(r.packages).toEqual([]);
    expect(r.incomplete.map((i) => `${i.path}: ${i.reason}`)).toEqual(['/a/mix.lock: not a mix.lock: it does not start with an Elixir map (%{)']);
    expect(r.warnings.join('\n')).toMatch(/\/b\/mix\.lock: empty mix\.lock/);
  });

  it('hostile input (fast-check): a result or a thrown Error, in linear time on long lines', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const run = (s: string): void => {
      try {
        expect(Array.isArray(parseMixLock({ location: { path: '/x' }, contents: Buffer.from(s) }, ctx).packages)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    };
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        run(a);
        run(`%{\n  "${a}": {:hex, :${b}, "${a}", "${b}", [${a}], [${b}], "${a}", "${b}"},\n  ${a}\n}\n`);
      }),
      { numRuns: 300 },
    );
    const started = Date.now();
    const long = 200_000;
    run(`%{\n  "x": {:hex, :x, "1.0.0", "a", [:mix], [${'] '.repeat(long)}x\n  "y": {:hex, :y, "1.0.0", "a", [:mix], [], "hexpm"${' '.repeat(long)}x},\n  "z": {:git, "${'}'.repeat(long)}\n}\n`);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
