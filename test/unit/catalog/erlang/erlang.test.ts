import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { erlangRebarLockCataloger } from '../../../../src/catalog/erlang/index.js';
import { parseRebarLock } from '../../../../src/catalog/erlang/rebar-lock.js';
import { parseTerms } from '../../../../src/catalog/erlang/term.js';
import { FIXTURES } from '../../../helpers/paths.js';
import { catalogFiles } from '../lang-support.js';

const peer = (p: string): Buffer => readFileSync(join(FIXTURES, 'catalog', 'peers', p));

describe('Erlang terms', () => {
  it('tuples, lists, binaries, strings with escapes, quoted atoms, numbers, comments; one term per "."', () => {
    expect(parseTerms('% lock\n{"1.2.0", [<<"a\\"b">>, \'Quoted atom\', -12, 1.5, <<>>]}.\n[].')).toEqual([
      {
        kind: 'tuple',
        items: [
          { kind: 'string', value: '1.2.0' },
          { kind: 'list', items: [{ kind: 'binary', value: 'a"b' }, { kind: 'atom', value: 'Quoted atom' }, { kind: 'number', value: '-12' }, { kind: 'number', value: '1.5' }, { kind: 'binary', value: '' }] },
        ],
      },
      { kind: 'list', items: [] },
    ]);
    expect(() => parseTerms('{a, b')).toThrow(/expected "," or "}" at offset 5/);
    expect(() => parseTerms('{a}')).toThrow(/expected "\." after a term/);
    expect(() => parseTerms('"never ends')).toThrow(/unterminated string/);
    expect(() => parseTerms(`${'['.repeat(100)}${']'.repeat(100)}.`)).toThrow(/nested deeper than 64/);
  });
});

describe('erlang-rebar-lock-cataloger', () => {
  it('pkg locks with the outer checksum as SHA-256 and their depth; git locks at their commit without a purl', async () => {
    const r = await catalogFiles([erlangRebarLockCataloger], [{ path: '/srv/rebar.lock', content: peer('syft/erlang/rebar-2.lock') }]);
    expect(r.packages.find((p) => p.name === 'bcrypt')).toMatchObject({
      type: 'hex',
      purl: 'pkg:hex/bcrypt@1.1.5',
      hashes: { 'SHA-256': '3418821bc17ce6e96a4a77d1a88d7485bf783e212069facfc79510afbff95352' },
      metadata: { source: 'hex', depth: 0 },
      foundBy: ['erlang-rebar-lock-cataloger'],
    });
    const bson = r.packages.find((p) => p.name === 'bson')!;
    expect(bson.purl).toBeUndefined();
    expect(bson.metadata).toEqual({ source: 'git', vcsUrl: 'https://github.com/comtihon/bson-erlang', depth: 1 });
    expect(r.incomplete).toEqual([]);
  });

  it('the list of locks of rebar3 before 3.5; aliased packages; locks in no known form make the file incomplete', async () => {
    const lock = '[{<<"jsx">>,{pkg,<<"jsx">>,<<"2.8.0">>},0},\n {<<"my_cowboy">>,{pkg,<<"cowboy">>,<<"2.9.0">>},0},\n {<<"odd">>,{hg,"https://x",{ref,"1"}},0},\n {<<"raw">>,{raw,{git,"u",{ref,"abc"}}},1},\n 42].\n';
    const r = await catalogFiles([erlangRebarLockCataloger], [
      { path: '/a/rebar.lock', content: Buffer.from(lock) },
      { path: '/b/rebar.lock', content: Buffer.from('{"1.2.0", nope}.\n') },
      { path: '/c/rebar.lock', content: Buffer.from('  \n') },
    ]);
    expect(r.packages.map((p) => p.purl).sort()).toEqual(['pkg:hex/cowboy@2.9.0', 'pkg:hex/jsx@2.8.0']);
    expect(r.packages.find((p) => p.name === 'cowboy')!.metadata).toMatchObject({ app: 'my_cowboy' });
    expect(r.incomplete.map((i) => `${i.path}: ${i.reason}`).sort()).toEqual([
      '/a/rebar.lock: rebar.lock locks not read: "odd", "raw", #5',
      '/b/rebar.lock: rebar.lock holds neither {Version, Locks} nor a list of locks',
    ]);
    expect(r.warnings.join('\n')).toMatch(/\/c\/rebar\.lock: empty rebar\.lock/);
  });

  it('hostile input (fast-check): a result or a thrown Error, linear on long strings and escapes', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const run = (s: string): void => {
      try {
        expect(Array.isArray(parseRebarLock({ location: { path: '/x' }, contents: Buffer.from(s) }, ctx).packages)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    };
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        run(a);
        run(`{"1.2.0",[{<<"${a}">>,{pkg,<<"${b}">>,<<"${a}">>},0},{<<"${b}">>,${a}}]}.\n[{pkg_hash_ext,[{<<"${a}">>,<<"${b}">>}]}].`);
      }),
      { numRuns: 300 },
    );
    const started = Date.now();
    run(`{"1.2.0",[{<<"${'\\x'.repeat(500_000)}`);
    run(`[${'{a,'.repeat(60)}`);
    run(`[${'[],'.repeat(300_000)}[]].`);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
