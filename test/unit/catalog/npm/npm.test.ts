import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { npmInstalledCataloger, npmLockCataloger } from '../../../../src/catalog/npm/index.js';
import { parseInstalledPackageJson } from '../../../../src/catalog/npm/package-json.js';
import { parsePackageLock } from '../../../../src/catalog/npm/package-lock.js';
import { parsePnpmKey, parsePnpmLock } from '../../../../src/catalog/npm/pnpm-lock.js';
import { parseYarnLock } from '../../../../src/catalog/npm/yarn-lock.js';
import { catalogFiles, find, fixture, summarize } from '../lang-support.js';

const LOCKS: [string, string][] = [
  ['lock-v1', 'package-lock.json'],
  ['lock-v2', 'package-lock.json'],
  ['lock-v3', 'package-lock.json'],
  ['shrinkwrap', 'npm-shrinkwrap.json'],
  ['yarn-classic', 'yarn.lock'],
  ['yarn-berry', 'yarn.lock'],
  ['pnpm-v5', 'pnpm-lock.yaml'],
  ['pnpm-v6', 'pnpm-lock.yaml'],
  ['pnpm-v9', 'pnpm-lock.yaml'],
];

const pj = (o: Record<string, unknown>) => JSON.stringify(o);

describe('npm-lock-cataloger', () => {
  it.each(LOCKS)('%s', async (dir, file) => {
    const r = await catalogFiles([npmLockCataloger], [{ path: `/src/${dir}/${file}`, content: fixture(`npm/${dir}/${file}`) }]);
    expect(r.packages.length).toBeGreaterThan(0);
    await expect(summarize(r)).toMatchFileSnapshot(`__golden__/${dir}.txt`);
  });

  it('v1: nested versions and relationships resolve to the nearest copy; aliases use the real name', async () => {
    const r = await catalogFiles([npmLockCataloger], [{ path: '/p/package-lock.json', content: fixture('npm/lock-v1/package-lock.json') }]);
    const debug = find(r, 'debug', '2.6.9')[0]!;
    const ms200 = find(r, 'ms', '2.0.0')[0]!;
    expect(r.relationships).toContainEqual({ from: debug.id, to: ms200.id, type: 'depends-on' });
    expect(find(r, 'lodash', '4.17.20')[0]!.purl).toBe('pkg:npm/lodash@4.17.20');
    expect(find(r, '@types/node')[0]!.purl).toBe('pkg:npm/%40types/node@18.0.0');
  });

  it('v2/v3: links are not packages, a nameless entry is a warning, alias entries use `name`', async () => {
    const v2 = await catalogFiles([npmLockCataloger], [{ path: '/p/package-lock.json', content: fixture('npm/lock-v2/package-lock.json') }]);
    expect(find(v2, 'workspace-a')).toEqual([]);
    expect(v2.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(['@types/node@18.0.0', 'debug@2.6.9', 'ms@2.0.0', 'ms@2.1.3']);
    expect(find(v2, 'ms', '2.1.3')[0]!.licenses).toEqual(['MIT']);
    const v3 = await catalogFiles([npmLockCataloger], [{ path: '/p/package-lock.json', content: fixture('npm/lock-v3/package-lock.json') }]);
    expect(v3.warnings.join('\n')).toMatch(/\/p\/package-lock\.json: lock entry "node_modules\/broken" has no name or version; skipped/);
    expect(find(v3, 'ms', '2.1.3')).toHaveLength(1);
    const debug = find(v3, 'debug')[0]!;
    expect(v3.relationships).toContainEqual({ from: debug.id, to: find(v3, 'ms', '2.0.0')[0]!.id, type: 'depends-on' });
  });

  it('yarn berry skips the workspace itself; classic warns for an entry without version', async () => {
    const berry = await catalogFiles([npmLockCataloger], [{ path: '/p/yarn.lock', content: fixture('npm/yarn-berry/yarn.lock') }]);
    expect(berry.packages.map((p) => p.name).sort()).toEqual(['@babel/code-frame', '@babel/highlight', 'js-tokens']);
    expect(berry.relationships).toHaveLength(2);
    const classic = await catalogFiles([npmLockCataloger], [{ path: '/p/yarn.lock', content: fixture('npm/yarn-classic/yarn.lock') }]);
    expect(classic.relationships).toHaveLength(2);
    expect(classic.warnings.join('\n')).toMatch(/no-version@\^1\.0\.0.*has no version/);
  });

  it('pnpm keys of every lockfile version', () => {
    expect(parsePnpmKey('/debug/2.6.9')).toEqual({ name: 'debug', version: '2.6.9' });
    expect(parsePnpmKey('/@types/react-dom/18.0.0_react@18.2.0')).toEqual({ name: '@types/react-dom', version: '18.0.0' });
    expect(parsePnpmKey('/@types/react-dom@18.0.0(react@18.2.0)')).toEqual({ name: '@types/react-dom', version: '18.0.0' });
    expect(parsePnpmKey('ms@2.0.0')).toEqual({ name: 'ms', version: '2.0.0' });
    expect(parsePnpmKey('a@link:../a')).toBeUndefined();
  });

  it('corrupt lock files are warnings naming the file; other files are still read', async () => {
    const r = await catalogFiles(
      [npmLockCataloger],
      [
        { path: '/a/package-lock.json', content: fixture('npm/corrupt/package-lock.json') },
        { path: '/b/pnpm-lock.yaml', content: fixture('npm/corrupt/pnpm-lock.yaml') },
        { path: '/c/package-lock.json', content: fixture('npm/lock-v3/package-lock.json') },
      ],
    );
    expect(r.warnings.join('\n')).toMatch(/\/a\/package-lock\.json: npm-lock-cataloger could not read it: invalid JSON/);
    expect(r.warnings.join('\n')).toMatch(/\/b\/pnpm-lock\.yaml: npm-lock-cataloger could not read it: invalid YAML/);
    expect(find(r, 'debug')).toHaveLength(1);
  });
});

describe('npm-installed-cataloger', () => {
  const files = [
    { path: '/srv/app/package.json', content: pj({ name: 'app', version: '1.0.0' }) },
    { path: '/srv/app/node_modules/express/package.json', content: pj({ name: 'express', version: '4.18.2', license: 'MIT', description: 'web' }) },
    { path: '/srv/app/node_modules/express/node_modules/debug/package.json', content: pj({ name: 'debug', version: '2.6.9', license: { type: 'MIT' } }) },
    { path: '/srv/app/node_modules/@scope/pkg/package.json', content: pj({ name: '@scope/pkg', version: '0.1.0', licenses: [{ type: 'Apache 2.0' }, { type: 'MIT' }] }) },
    { path: '/srv/app/node_modules/express/test/fixtures/package.json', content: pj({ name: 'fixture' }) },
    { path: '/srv/app/node_modules/express/lib/package.json', content: pj({ version: '0.0.0' }) },
    { path: '/srv/app/node_modules/noversion/package.json', content: pj({ name: 'noversion' }) },
    { path: '/srv/app/node_modules/badjson/package.json', content: '{ nope' },
    { path: '/usr/share/nodejs/acorn/package.json', content: pj({ name: 'acorn', version: '8.8.1', license: 'MIT' }) },
    { path: '/usr/share/nodejs/@types/node/package.json', content: pj({ name: '@types/node', version: '18.18.14' }) },
    { path: '/usr/lib/x86_64-linux-gnu/nodejs/bufferutil/package.json', content: pj({ name: 'bufferutil', version: '4.0.7' }) },
  ];

  it('reads package roots only (nested, scoped, Debian), warns for a root without version or bad JSON', async () => {
    const r = await catalogFiles([npmInstalledCataloger], files);
    expect(r.packages.map((p) => `${p.locations[0]!.path} ${p.name}@${p.version}`).sort()).toEqual([
      '/srv/app/node_modules/@scope/pkg/package.json @scope/pkg@0.1.0',
      '/srv/app/node_modules/express/node_modules/debug/package.json debug@2.6.9',
      '/srv/app/node_modules/express/package.json express@4.18.2',
      '/usr/lib/x86_64-linux-gnu/nodejs/bufferutil/package.json bufferutil@4.0.7',
      '/usr/share/nodejs/@types/node/package.json @types/node@18.18.14',
      '/usr/share/nodejs/acorn/package.json acorn@8.8.1',
    ]);
    expect(find(r, '@scope/pkg')[0]!.licenses).toEqual(['Apache-2.0', 'MIT']);
    expect(find(r, 'debug')[0]!.licenses).toEqual(['MIT']);
    expect(r.warnings).toHaveLength(2);
    expect(r.warnings.join('\n')).toMatch(/noversion\/package\.json: package\.json without a version/);
    expect(r.warnings.join('\n')).toMatch(/badjson\/package\.json: npm-installed-cataloger could not read it: invalid JSON/);
    await expect(summarize(r)).toMatchFileSnapshot('__golden__/installed.txt');
  });
});

describe('npm parsers on hostile bytes (fast-check)', () => {
  const ctx = { warn: () => {}, limits: DEFAULT_LIMITS };
  const loc = { path: '/x' };
  it('never crash with anything but an Error', () => {
    const seeds = LOCKS.map(([d, f]) => fixture(`npm/${d}/${f}`).toString('utf8'));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.constantFrom(...seeds).chain((s) => fc.tuple(fc.nat(s.length), fc.string()).map(([i, x]) => s.slice(0, i) + x + s.slice(i)))), (text) => {
        const contents = Buffer.from(text);
        for (const parse of [parsePackageLock, parseYarnLock, parsePnpmLock, parseInstalledPackageJson]) {
          try {
            const r = parse({ location: loc, contents }, ctx);
            expect(Array.isArray(r.packages)).toBe(true);
          } catch (err) {
            expect(err).toBeInstanceOf(Error);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
