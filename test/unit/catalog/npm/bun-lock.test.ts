import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { parseBunIdentifier, parseBunLock, stripJsonc } from '../../../../src/catalog/npm/bun-lock.js';
import { npmLockCataloger } from '../../../../src/catalog/npm/index.js';
import { catalogFiles, find } from '../lang-support.js';

const LOCK = `{
  // bun writes JSONC: comments and trailing commas
  "lockfileVersion": 1,
  "workspaces": {
    "": {
      "name": "app",
      "dependencies": { "axios": "^1.6.0", "ghostty-web": "github:rcarmo/ghostty-web#6c1c75b", },
      "devDependencies": { "@types/bun": "latest", },
      "peerDependencies": { "typescript": "^5", },
    },
    "packages/util": { "name": "@my/util", "version": "1.0.0", "dependencies": { "lodash": "4.17.21" } },
  },
  "packages": {
    "app": ["app@root:", { "bin": { "cli": "bin/cli.js" } }],
    "@my/util": ["@my/util@workspace:packages/util"],
    "axios": ["axios@1.6.0", "", { "dependencies": { "follow-redirects": "^1.15.0" } }, "sha512-AAA="],
    "follow-redirects": ["follow-redirects@1.15.3", "", {}, "sha512-BBB="],
    "ghostty-web": ["ghostty-web@github:rcarmo/ghostty-web#6c1c75b", {}, "rcarmo-ghostty-web-6c1c75b", "sha512-CCC="],
    "@types/bun": ["@types/bun@1.2.13", "", { "dependencies": { "bun-types": "1.2.13" } }, "sha512-DDD="],
    "bun-types": ["bun-types@1.2.13", { "dependencies": { "@types/node": "*" } }, "sha512-EEE="],
    "bun-types/@types/node": ["@types/node@22.15.18", "", {}, "sha512-FFF="],
    "@types/node": ["@types/node@20.0.0", "", {}, "sha512-GGG="],
    "typescript": ["typescript@5.8.3", "", {}, "sha512-HHH="],
    "lodash": ["lodash@4.17.21", "", {}, "sha512-III="],
    /* a local folder */
    "local": ["local@file:../local", {}],
  },
}
`;

const run = (text: string) => catalogFiles([npmLockCataloger], [{ path: '/p/bun.lock', content: Buffer.from(text) }]);

describe('bun.lock (npm-lock-cataloger)', () => {
  it('JSONC; registry, git and nested entries; root and workspaces are the project (from `workspaces`), local folders are not packages; dev from devDependencies', async () => {
    const r = await run(LOCK);
    const got = r.packages.map((p) => `${p.purl}${p.metadata?.dev === true ? ' (dev)' : ''}${typeof p.metadata?.project === 'string' ? ` (${p.metadata.project})` : ''}`).sort();
    expect(got).toEqual([
      'pkg:npm/%40my/util@1.0.0 (workspace)',
      'pkg:npm/%40types/bun@1.2.13 (dev)',
      'pkg:npm/%40types/node@20.0.0',
      'pkg:npm/%40types/node@22.15.18 (dev)',
      'pkg:npm/app (root)',
      'pkg:npm/axios@1.6.0',
      'pkg:npm/bun-types@1.2.13 (dev)',
      'pkg:npm/follow-redirects@1.15.3',
      'pkg:npm/ghostty-web@github:rcarmo%2Fghostty-web%236c1c75b',
      'pkg:npm/lodash@4.17.21',
      'pkg:npm/typescript@5.8.3',
    ]);
    expect(r.incomplete).toEqual([]);
    // the project's own dependencies, dev ones as dev-depends-on; a member's resolve from the top level
    const app = find(r, 'app')[0]!;
    expect(r.relationships).toContainEqual({ from: app.id, to: find(r, 'axios')[0]!.id, type: 'depends-on' });
    expect(r.relationships).toContainEqual({ from: app.id, to: find(r, '@types/bun')[0]!.id, type: 'dev-depends-on' });
    expect(r.relationships).toContainEqual({ from: find(r, '@my/util')[0]!.id, to: find(r, 'lodash')[0]!.id, type: 'depends-on' });
    // the integrity hash is found by type, whatever its position
    expect(find(r, 'ghostty-web')[0]!.metadata?.integrity).toBe('sha512-CCC=');
    expect(find(r, 'axios')[0]!.metadata?.integrity).toBe('sha512-AAA=');
    // a nested copy resolves before the top-level one
    const bunTypes = find(r, 'bun-types')[0]!;
    const node22 = find(r, '@types/node', '22.15.18')[0]!;
    expect(r.relationships).toContainEqual({ from: bunTypes.id, to: node22.id, type: 'depends-on' });
    expect(r.relationships).toContainEqual({ from: find(r, 'axios')[0]!.id, to: find(r, 'follow-redirects')[0]!.id, type: 'depends-on' });
  });

  it('a package reachable from both a dependency and a devDependency is not dev', async () => {
    const r = await run(`{"lockfileVersion":1,"workspaces":{"":{"dependencies":{"a":"1"},"devDependencies":{"b":"1"}}},
      "packages":{"a":["a@1.0.0","",{"dependencies":{"c":"1"}},"sha512-x"],"b":["b@1.0.0","",{"dependencies":{"c":"1"}},"sha512-x"],"c":["c@1.0.0","",{},"sha512-x"]}}`);
    expect(r.packages.map((p) => `${p.name}${p.metadata?.dev === true ? ' (dev)' : ''}`).sort()).toEqual(['a', 'b (dev)', 'c']);
  });

  it('unreadable files and entries are incomplete, never silently empty', async () => {
    for (const bad of ['{ "lockfileVersion": "not-a-number", }', '{ "lockfileVersion": 1, "packages": [] }', '{ "a": "unterminated', '/* open comment', '[1]']) {
      const r = await run(bad);
      expect(r.packages).toEqual([]);
      expect(r.incomplete).toHaveLength(1);
    }
    const r = await run('{"lockfileVersion":1,"packages":{"ok":["ok@1.0.0"],"bad":[42],"empty":[],"noversion":["noversion@"]}}');
    expect(r.packages.map((p) => p.name)).toEqual(['ok']);
    expect(r.incomplete).toHaveLength(3);
    expect(r.warnings.join('\n')).toMatch(/"bad" has no name@version identifier/);
  });

  it('stripJsonc keeps strings (with // and commas inside) and drops comments and trailing commas', () => {
    expect(JSON.parse(stripJsonc('{"a": "x // y, ]", /* c */ "b": [1, 2, ], // d\n}'))).toEqual({ a: 'x // y, ]', b: [1, 2] });
    expect(JSON.parse(stripJsonc('{"a": "q\\"//", }'))).toEqual({ a: 'q"//' });
    expect(JSON.parse(stripJsonc('[1, // one\n /* two */ ]'))).toEqual([1]);
    expect(JSON.parse(stripJsonc('[1, /* a */ 2]'))).toEqual([1, 2]);
    expect(() => stripJsonc('[1, /* open')).toThrow(/unterminated comment/);
    expect(parseBunIdentifier('@scope/x@1.0.0')).toEqual({ name: '@scope/x', version: '1.0.0' });
    expect(parseBunIdentifier('x@git+ssh://git@github.com/a/b.git#1')).toEqual({ name: 'x', version: 'git+ssh://git@github.com/a/b.git#1' });
    expect(parseBunIdentifier('@scope/x')).toBeUndefined();
    expect(parseBunIdentifier('x@')).toBeUndefined();
  });

  it('hostile bytes (fast-check): a package list or an Error, never a crash', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.tuple(fc.nat(LOCK.length), fc.string()).map(([i, x]) => LOCK.slice(0, i) + x + LOCK.slice(i))), (text) => {
        try {
          const r = parseBunLock({ location: { path: '/x/bun.lock' }, contents: Buffer.from(text) }, ctx);
          expect(Array.isArray(r.packages)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('bounded: a deep dependency chain of 20,000 packages (no recursion)', () => {
    const n = 20_000;
    const pk: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) pk[`p${i}`] = [`p${i}@1.0.0`, '', i + 1 < n ? { dependencies: { [`p${i + 1}`]: '1' } } : {}, 'sha512-x'];
    const text = JSON.stringify({ lockfileVersion: 1, workspaces: { '': { devDependencies: { p0: '1' } } }, packages: pk });
    const t = performance.now();
    const r = parseBunLock({ location: { path: '/x/bun.lock' }, contents: Buffer.from(text) }, { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS });
    expect(r.packages).toHaveLength(n);
    expect(r.packages.every((p) => p.metadata?.dev === true)).toBe(true);
    expect(performance.now() - t).toBeLessThan(20_000);
  });
});
