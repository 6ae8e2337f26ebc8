import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { luaRockCataloger } from '../../../../src/catalog/lua/index.js';
import { LuaError, parseRockspec, parseRockspecText } from '../../../../src/catalog/lua/rockspec.js';
import { FIXTURES } from '../../../helpers/paths.js';
import { catalogFiles } from '../lang-support.js';

const peer = (f: string): Buffer => readFileSync(join(FIXTURES, 'catalog', 'peers', 'syft/lua', f));

describe('lua-rock-cataloger', () => {
  it('the rock itself as the project: name and version through locals and .., licence, summary, dependencies in metadata', async () => {
    const r = await catalogFiles([luaRockCataloger], [
      { path: '/src/luasyslog-2.0.1-1.rockspec', content: peer('rockspec/luasyslog-2.0.1-1.rockspec') },
      { path: '/src/kong-3.7.0-0.rockspec', content: peer('rockspec/kong-3.7.0-0.rockspec') },
    ]);
    const [kong, syslog] = [...r.packages].sort((a, b) => a.name.localeCompare(b.name));
    expect(syslog).toMatchObject({
      name: 'luasyslog',
      version: '2.0.1-1',
      type: 'lua-rocks',
      purl: 'pkg:luarocks/luasyslog@2.0.1-1',
      licenses: ['MIT/X11'],
      description: 'Syslog logging for Lua',
      metadata: { project: 'root', homepage: 'https://github.com/lunarmodules/luasyslog', sourceUrl: 'git://github.com/lunarmodules/luasyslog.git', dependencies: ['lua >= 5.1', 'lualogging >= 1.4.0, < 2.0.0'] },
      foundBy: ['lua-rock-cataloger'],
    });
    expect(kong).toMatchObject({ purl: 'pkg:luarocks/kong@3.7.0-0', licenses: ['Apache-2.0'] });
    expect(r.incomplete).toEqual([]);
  });

  it('the Lua subset: long strings and comments, escapes, assignments into tables skipped, calls not evaluated', () => {
    const g = parseRockspecText([
      '#!/usr/bin/env lua',
      '--[==[ a long',
      'comment ]==]',
      'local a, b = "x", [[y]]',
      'package = a .. \'-\' .. b .. "\\65\\n"',
      'version = 1.5',
      'source = { url = ("git://x"):lower(), tag = a == "x" and "t" or nil; }',
      'build = { platforms = { unix = { modules = { ["m.n"] = "m.lua" } } } }',
      'build.platforms.win32 = {}',
      'description = f { 1 }',
    ].join('\n'));
    expect(g.get('package')).toBe('x-yA\n');
    expect(g.get('version')).toBe('1.5');
    expect(g.get('description')).toBeUndefined();
    const source = g.get('source');
    expect(typeof source === 'object' && [...source.fields.keys()]).toEqual(['url', 'tag']);
    expect(() => parseRockspecText('if x then package = "a" end')).toThrow(LuaError);
    expect(() => parseRockspecText(`x = ${'{'.repeat(1000)}`)).toThrow(/nested deeper/);
  });

  it('no package name, a statement it does not read, or not Lua is incomplete; empty a warning; no version a warning', async () => {
    const r = await catalogFiles([luaRockCataloger], [
      { path: '/a/a.rockspec', content: Buffer.from('version = "1.0-1"\n') },
      { path: '/b/b.rockspec', content: Buffer.from('package = "b"\nfunction f() end\n') },
      { path: '/c/c.rockspec', content: peer('corrupt/bad-1.23.0-0.rockspec') },
      { path: '/d/d.rockspec', content: Buffer.from('  \n') },
      { path: '/e/e.rockspec', content: Buffer.from('local v = os.getenv("V")\npackage = "e"\nversion = v\n') },
    ]);
    expect(r.packages.map((p) => [p.purl, p.version])).toEqual([['pkg:luarocks/e', '']]);
    expect(r.incomplete.map((i) => i.path).sort()).toEqual(['/a/a.rockspec', '/b/b.rockspec', '/c/c.rockspec']);
    expect(r.warnings.join('\n')).toMatch(/\/d\/d\.rockspec: empty rockspec/);
    expect(r.warnings.join('\n')).toMatch(/rockspec of e: no version it can read/);
  });

  it('hostile input (fast-check): a result or a thrown Error', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const run = (s: string): void => {
      try {
        expect(Array.isArray(parseRockspec({ location: { path: '/x.rockspec' }, contents: Buffer.from(s) }, ctx).packages)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    };
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        run(a);
        run(`local v = ${a}\npackage = "${b}"\nversion = v .. ${b}\ndependencies = { ${a}, "${b}" }\n`);
        run(`package = [[${a}]]\nversion = '${b}' --[[ ${a}\n`);
      }),
      { numRuns: 300 },
    );
    run(`package = ${'('.repeat(100_000)}`);
    run(`x = ${'f'.repeat(10)}${'.a'.repeat(100_000)}`);
  });
});
