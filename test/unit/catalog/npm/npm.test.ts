import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { npmInstalledCataloger, npmLockCataloger } from '../../../../src/catalog/npm/index.js';
import { parseInstalledPackageJson, parseProjectPackageJson } from '../../../../src/catalog/npm/package-json.js';
import { parsePackageLock } from '../../../../src/catalog/npm/package-lock.js';
import { parsePnpmKey, parsePnpmLock } from '../../../../src/catalog/npm/pnpm-lock.js';
import { aliasTarget, parseYarnLock, registryTarballName } from '../../../../src/catalog/npm/yarn-lock.js';
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
  // issue 17: real files from npm 6 / npm 11 / pnpm 12 / yarn 1 / yarn 4 (fixtures/catalog/npm/README.md)
  ['lock-v1-dev', 'package-lock.json'],
  ['lock-v3-dev', 'package-lock.json'],
  ['pnpm-multidoc', 'pnpm-lock.yaml'],
  ['pnpm-importers', 'pnpm-lock.yaml'],
  ['yarn-aliases', 'yarn.lock'],
  ['yarn-berry-aliases', 'yarn.lock'],
  ['yarn-berry-lenient', 'yarn.lock'],
  ['yarn-by-npm7', 'yarn.lock'],
  ['pnpm-local', 'pnpm-lock.yaml'],
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

  it('v2/v3: a link whose target has no entry is not a package, a nameless entry is incomplete, alias entries use `name`, the root is the project', async () => {
    const v2 = await catalogFiles([npmLockCataloger], [{ path: '/p/package-lock.json', content: fixture('npm/lock-v2/package-lock.json') }]);
    expect(find(v2, 'workspace-a')).toEqual([]);
    expect(v2.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(['@types/node@18.0.0', 'debug@2.6.9', 'demo@1.0.0', 'ms@2.0.0', 'ms@2.1.3']);
    expect(find(v2, 'demo')[0]!.metadata).toEqual({ project: 'root' });
    expect(find(v2, 'ms', '2.1.3')[0]!.licenses).toEqual(['MIT']);
    const v3 = await catalogFiles([npmLockCataloger], [{ path: '/p/package-lock.json', content: fixture('npm/lock-v3/package-lock.json') }]);
    expect(v3.warnings.join('\n')).toMatch(/\/p\/package-lock\.json: not read completely: lock entry "node_modules\/broken" has no name or version; skipped/);
    expect(v3.incomplete).toEqual([{ kind: 'file', path: '/p/package-lock.json', reason: 'lock entry "node_modules/broken" has no name or version; skipped', by: 'npm-lock-cataloger' }]);
    expect(find(v3, 'ms', '2.1.3')).toHaveLength(1);
    const debug = find(v3, 'debug')[0]!;
    expect(v3.relationships).toContainEqual({ from: debug.id, to: find(v3, 'ms', '2.0.0')[0]!.id, type: 'depends-on' });
  });

  it('yarn berry reports the workspace as the project (0.0.0-use.local: no version); classic warns for an entry without version', async () => {
    const berry = await catalogFiles([npmLockCataloger], [{ path: '/p/yarn.lock', content: fixture('npm/yarn-berry/yarn.lock') }]);
    expect(berry.packages.map((p) => p.name).sort()).toEqual(['@babel/code-frame', '@babel/highlight', 'demo', 'js-tokens']);
    expect(find(berry, 'demo')[0]).toMatchObject({ version: '', purl: 'pkg:npm/demo', metadata: { project: 'root' } });
    expect(berry.relationships).toHaveLength(3);
    const classic = await catalogFiles([npmLockCataloger], [{ path: '/p/yarn.lock', content: fixture('npm/yarn-classic/yarn.lock') }]);
    expect(classic.relationships).toHaveLength(2);
    expect(classic.warnings.join('\n')).toMatch(/no-version@\^1\.0\.0.*has no version/);
  });

  it('yarn descriptors: alias targets and registry tarball names', () => {
    expect(aliasTarget('my-ms@npm:ms@2.1.3')).toBe('ms');
    expect(aliasTarget('@my/is-odd@npm:@scope/is-odd@^3')).toBe('@scope/is-odd');
    expect(aliasTarget('ms@npm:^2.1.3')).toBeUndefined();
    expect(aliasTarget('ms@^2.1.3')).toBeUndefined();
    expect(registryTarballName('https://registry.npmjs.org/@babel/core/-/core-7.0.0.tgz')).toBe('@babel/core');
    expect(registryTarballName('https://registry.yarnpkg.com/ms/-/ms-2.1.3.tgz#574c8138')).toBe('ms');
    expect(registryTarballName('https://npm.example.com/ms/-/ms-2.1.3.tgz')).toBeUndefined();
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

  it('lock files inside node_modules (a dependency\'s own, shipped in its tarball) are not read; the project\'s are', async () => {
    const v3 = fixture('npm/lock-v3/package-lock.json');
    const yarn = 'left-pad@^1.3.0:\n  version "1.3.0"\n';
    const r = await catalogFiles(
      [npmLockCataloger],
      [
        { path: '/app/node_modules/dep/package-lock.json', content: v3 },
        { path: '/app/node_modules/dep/npm-shrinkwrap.json', content: v3 },
        { path: '/app/node_modules/@s/dep/yarn.lock', content: yarn },
        { path: '/app/node_modules/dep/node_modules/x/pnpm-lock.yaml', content: 'lockfileVersion: 5.4\npackages:\n  /is-odd/3.0.1:\n    dev: false\n' },
        { path: '/app/node_modules/dep/bun.lock', content: '{"lockfileVersion": 1, "workspaces": {"": {"name": "dep"}}, "packages": {"zod": ["zod@3.0.0", "", {}, ""]}}' },
        { path: '/app/node_modules/dep/deno.lock', content: '{"version": "4", "npm": {"chalk@5.3.0": {"integrity": "x"}}}' },
        // not a node_modules segment: read
        { path: '/app/my_node_modules/yarn.lock', content: yarn },
      ],
    );
    expect(r.packages.map((p) => `${p.locations[0]!.path} ${p.name}@${p.version}`)).toEqual(['/app/my_node_modules/yarn.lock left-pad@1.3.0']);
    expect(r.warnings).toEqual([]);
    expect(r.incomplete).toEqual([]);
    const project = await catalogFiles([npmLockCataloger], [{ path: '/app/package-lock.json', content: v3 }]);
    expect(find(project, 'debug')).toHaveLength(1);
  });
});

describe('npm-lock-cataloger: the long tail (issue 17)', () => {
  const lock = (dir: string, file: string) => catalogFiles([npmLockCataloger], [{ path: `/p/${file}`, content: fixture(`npm/${dir}/${file}`) }]);
  const dev = (r: Awaited<ReturnType<typeof lock>>) => r.packages.filter((p) => p.metadata?.dev === true).map((p) => `${p.name}@${p.version}`).sort();
  const SEND_TREE = ['debug@2.6.9', 'depd@2.0.0', 'destroy@1.2.0', 'ee-first@1.1.1', 'encodeurl@1.0.4', 'escape-html@1.0.3', 'etag@1.8.1', 'fresh@0.5.2', 'http-errors@2.0.0', 'inherits@2.0.4', 'mime@1.6.0', 'ms@2.0.0', 'on-finished@2.4.1', 'range-parser@1.2.1', 'send@0.18.0', 'setprototypeof@1.2.0', 'statuses@2.0.1', 'toidentifier@1.0.1'];

  it('package-lock v1: entries nested in a dev-only parent are dev although their own entry does not say so', async () => {
    const r = await lock('lock-v1-dev', 'package-lock.json');
    // send's nested debug@2.6.9 -> ms@2.0.0 carry no `dev` flag in this file; only send reaches them
    expect(dev(r)).toEqual(SEND_TREE);
    expect(r.incomplete).toEqual([]);
  });

  it('package-lock v1/v3: a name@version installed for prod and for dev (ms@2.1.3 as my-ms and under send) is not dev; the alias is the real package', async () => {
    for (const [dir] of [['lock-v1-dev'], ['lock-v3-dev']]) {
      const r = await lock(dir!, 'package-lock.json');
      expect(dev(r)).toEqual(SEND_TREE);
      const ms = find(r, 'ms', '2.1.3');
      expect(ms).toHaveLength(1);
      expect(ms[0]!.purl).toBe('pkg:npm/ms@2.1.3');
      expect(find(r, 'my-ms')).toEqual([]);
    }
  });

  it('package-lock v1: a nested key written as an install path names the package after node_modules/', async () => {
    const text = JSON.stringify({ lockfileVersion: 1, dependencies: { a: { version: '1.0.0', dependencies: { 'node_modules/async': { version: '3.2.4', dev: true } } } } });
    const r = await catalogFiles([npmLockCataloger], [{ path: '/p/package-lock.json', content: text }]);
    expect(r.packages.map((p) => p.purl).sort()).toEqual(['pkg:npm/a@1.0.0', 'pkg:npm/async@3.2.4']);
  });

  it('pnpm-lock.yaml with two YAML documents (pnpm 12 env lockfile first): both are read', async () => {
    const r = await lock('pnpm-multidoc', 'pnpm-lock.yaml');
    expect(r.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(['debug@4.3.4', 'is-number@6.0.0', 'is-number@7.0.0', 'is-odd@3.0.1', 'ms@2.1.2', 'ms@2.1.3']);
    // is-number@7.0.0 is a config dependency (env document), the rest the project's
    expect(dev(r)).toEqual(['is-number@6.0.0', 'is-odd@3.0.1']);
    expect(r.warnings).toEqual([]);
    expect(r.incomplete).toEqual([]);
  });

  it('pnpm-lock.yaml: one broken document of two is incomplete, the other is read', async () => {
    const text = fixture('npm/pnpm-multidoc/pnpm-lock.yaml').toString('utf8').replace('snapshots:\n\n  is-number@7.0.0: {}', 'snapshots:\n  - [unclosed');
    const r = await catalogFiles([npmLockCataloger], [{ path: '/p/pnpm-lock.yaml', content: text }]);
    expect(find(r, 'debug', '4.3.4')).toHaveLength(1);
    expect(find(r, 'is-number', '7.0.0')).toEqual([]);
    expect(r.incomplete.map((i) => i.reason)).toEqual([expect.stringMatching(/^pnpm-lock\.yaml document 1 is not valid YAML/)]);
  });

  it('pnpm-lock.yaml: packages listed only under importers are reported (v9 importers, v5 top-level dependencies)', async () => {
    const r = await lock('pnpm-importers', 'pnpm-lock.yaml');
    expect(r.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(['debug@4.3.4', 'is-number@6.0.0', 'is-odd@3.0.1', 'ms@2.1.2', 'ms@2.1.3']);
    const v5 = 'lockfileVersion: 5.4\n\nspecifiers:\n  nanoid: ^3.3.4\n\ndependencies:\n  nanoid: 3.3.4\n  alias: /ms/2.1.3\n  local: link:../local\n\ndevDependencies:\n  c8: 7.12.0_typescript@4.7.4\n\npackages:\n\n  /@bcoe/v8-coverage/0.2.3:\n    resolution: {integrity: sha512-aaa}\n    dev: true\n';
    const r5 = await catalogFiles([npmLockCataloger], [{ path: '/p/pnpm-lock.yaml', content: v5 }]);
    expect(r5.packages.map((p) => `${p.name}@${p.version}${p.metadata?.dev === true ? ' dev' : ''}`).sort()).toEqual(['@bcoe/v8-coverage@0.2.3 dev', 'c8@7.12.0 dev', 'ms@2.1.3', 'nanoid@3.3.4']);
  });

  it('yarn v1 and berry aliases are reported as the package installed, with the alias in metadata', async () => {
    for (const dir of ['yarn-aliases', 'yarn-berry-aliases']) {
      const r = await lock(dir, 'yarn.lock');
      expect(r.packages.filter((p) => p.metadata?.project === undefined).map((p) => p.purl).sort()).toEqual(['pkg:npm/debug@4.3.4', 'pkg:npm/is-number@6.0.0', 'pkg:npm/is-odd@3.0.1', 'pkg:npm/ms@2.1.2', 'pkg:npm/ms@2.1.3']);
      expect(find(r, 'ms', '2.1.3')[0]!.metadata?.alias).toBe('my-ms');
      expect(find(r, 'is-odd')[0]!.metadata?.alias).toBe('@my/is-odd');
      expect(r.relationships.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('yarn v1: the public registry tarball URL names the package (syft does the same)', async () => {
    const text = '# yarn lockfile v1\n\n\nresize-observer-polyfill@^1.5.1:\n  version "1.5.2"\n  resolved "https://registry.yarnpkg.com/@4lolo/resize-observer-polyfill/-/resize-observer-polyfill-1.5.2.tgz#58868fc7"\n\nprivate@^1.0.0:\n  version "1.0.0"\n  resolved "https://npm.example.com/repo/private/-/private-1.0.0.tgz"\n';
    const r = await catalogFiles([npmLockCataloger], [{ path: '/p/yarn.lock', content: text }]);
    expect(r.packages.map((p) => p.purl).sort()).toEqual(['pkg:npm/%404lolo/resize-observer-polyfill@1.5.2', 'pkg:npm/private@1.0.0']);
  });

  it('yarn v1 lock written by npm 7 (every key quoted) is read like yarn\'s own', async () => {
    const r = await lock('yarn-by-npm7', 'yarn.lock');
    expect(r.packages.map((p) => p.purl).sort()).toEqual(['pkg:npm/is-number@6.0.0', 'pkg:npm/is-odd@3.0.1']);
    expect(r.relationships).toHaveLength(1);
    expect(r.incomplete).toEqual([]);
  });

  it('pnpm: a local tarball that names its version is a package; a local folder is a member of the project, without a version', async () => {
    const r = await lock('pnpm-local', 'pnpm-lock.yaml');
    expect(r.packages.map((p) => p.purl).sort()).toEqual(['pkg:npm/local-lib@0.4.2', 'pkg:npm/local-tool', 'pkg:npm/ms@2.1.3']);
    expect(find(r, 'local-lib')[0]!.metadata?.resolved).toBe('local-lib@file:vendor/local-lib-0.4.2.tgz');
    expect(find(r, 'local-tool')[0]!.metadata).toEqual({ resolved: 'local-tool@file:packages/tool', project: 'workspace' });
    expect(r.warnings).toEqual([]);
  });

  it('yarn berry: a duplicate key and one malformed entry lose only that entry (incomplete), the rest is read', async () => {
    const r = await lock('yarn-berry-lenient', 'yarn.lock');
    expect(r.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(['berry-app@', 'debug@4.3.4', 'is-odd@3.0.1', 'ms@2.1.2', 'ms@2.1.3']);
    expect(r.incomplete).toEqual([
      { kind: 'file', path: '/p/yarn.lock', by: 'npm-lock-cataloger', reason: 'yarn.lock entry "\\"is-number@npm:^6.0.0\\":" at line 39 is not valid YAML (Missing closing "quote); skipped' },
    ]);
    expect(r.warnings.join('\n')).toMatch(/yarn\.lock key "ms@npm:2\.1\.2" appears at lines 46 and 53; both read/);
    expect(r.warnings.join('\n')).toMatch(/yarn\.lock is not valid YAML as a whole .*; reading it entry by entry/);
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

  it('reads package roots only (nested, scoped, Debian) and the project outside node_modules, warns for a root without version or bad JSON', async () => {
    const r = await catalogFiles([npmInstalledCataloger], files);
    expect(r.packages.map((p) => `${p.locations[0]!.path} ${p.name}@${p.version}`).sort()).toEqual([
      '/srv/app/node_modules/@scope/pkg/package.json @scope/pkg@0.1.0',
      '/srv/app/node_modules/express/node_modules/debug/package.json debug@2.6.9',
      '/srv/app/node_modules/express/package.json express@4.18.2',
      '/srv/app/package.json app@1.0.0',
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

describe("npm-installed-cataloger: a project's own package.json (outside node_modules)", () => {
  const both = [npmInstalledCataloger, npmLockCataloger];
  const at = (r: Awaited<ReturnType<typeof catalogFiles>>): string[] =>
    r.packages.map((p) => `${p.locations[0]!.path} ${p.name}@${p.version}${typeof p.metadata?.project === 'string' ? ` ${p.metadata.project}` : ''} ${p.foundBy.join(',')}`).sort();

  it('is the project (licences, author as the installed parser reads them); nothing without a name or a version, silently; Debian sub-folders and node_modules helpers are not read', async () => {
    const r = await catalogFiles(both, [
      { path: '/app/package.json', content: pj({ name: '@acme/app', version: '1.2.3', license: 'MIT', author: { name: 'A' }, private: true }) },
      { path: '/package.json', content: pj({ name: 'top', version: '0.0.1' }) },
      { path: '/srv/tool/package.json', content: pj({ name: 'tool' }) },
      { path: '/srv/helper/package.json', content: pj({ type: 'module' }) },
      { path: '/usr/share/nodejs/acorn/dist/package.json', content: pj({ name: 'acorn-dist', version: '1.0.0' }) },
      { path: '/usr/lib/x86_64-linux-gnu/nodejs/bufferutil/lib/package.json', content: pj({ name: 'bu-lib', version: '1.0.0' }) },
      { path: '/app/node_modules/x/lib/package.json', content: pj({ name: 'x-lib', version: '1.0.0' }) },
      { path: '/app/node_modules/package.json', content: pj({ name: 'odd', version: '1.0.0' }) },
    ]);
    expect(at(r)).toEqual(['/app/package.json @acme/app@1.2.3 root npm-installed-cataloger', '/package.json top@0.0.1 root npm-installed-cataloger']);
    const app = find(r, '@acme/app')[0]!;
    expect(app.purl).toBe('pkg:npm/%40acme/app@1.2.3');
    expect(app.licenses).toEqual(['MIT']);
    expect(app.metadata).toMatchObject({ author: 'A', private: true, project: 'root' });
    expect(r.warnings).toEqual([]);
  });

  it.each([
    ['package-lock.json', pj({ name: 'app', version: '1.0.0', lockfileVersion: 3, packages: { '': { name: 'app', version: '1.0.0' } } })],
    ['npm-shrinkwrap.json', pj({ name: 'app', version: '1.0.0', lockfileVersion: 1, dependencies: {} })],
    ['yarn.lock', '# yarn lockfile v1\n\nms@^2.0.0:\n  version "2.1.3"\n'],
    ['bun.lock', '{ "lockfileVersion": 1, "workspaces": { "": { "name": "app" } }, "packages": {} }'],
  ])('a %s beside it reports the project: the package.json gives nothing more', async (lock, text) => {
    const r = await catalogFiles(both, [
      { path: '/p/package.json', content: pj({ name: 'app', version: '1.0.0' }) },
      { path: `/p/${lock}`, content: text },
    ]);
    expect(r.packages.filter((p) => p.name === 'app').map((p) => p.foundBy)).toEqual([['npm-lock-cataloger']]);
  });

  it('pnpm-lock.yaml and deno.lock report no project: the package.json beside them does; a lock inside node_modules does not count', async () => {
    const r = await catalogFiles(both, [
      { path: '/p/package.json', content: pj({ name: 'app', version: '1.0.0' }) },
      { path: '/p/pnpm-lock.yaml', content: "lockfileVersion: '9.0'\nimporters:\n  .: {}\n" },
      { path: '/q/package.json', content: pj({ name: 'q', version: '2.0.0' }) },
      { path: '/q/node_modules/package-lock.json', content: pj({ name: 'q', version: '2.0.0', lockfileVersion: 3, packages: { '': { name: 'q', version: '2.0.0' } } }) },
    ]);
    expect(at(r)).toEqual(['/p/package.json app@1.0.0 root npm-installed-cataloger', '/q/package.json q@2.0.0 root npm-installed-cataloger']);
  });

  it('workspace members a lock above reports give nothing (package-lock keys, yarn berry workspace entries, yarn classic globs, bun workspaces); other folders under it are projects of their own', async () => {
    const r = await catalogFiles(both, [
      { path: '/n/package.json', content: pj({ name: 'n', version: '1.0.0', workspaces: ['packages/*'] }) },
      { path: '/n/package-lock.json', content: pj({ lockfileVersion: 3, packages: { '': { name: 'n', version: '1.0.0' }, 'packages/a': { name: 'a', version: '1.1.0' }, 'node_modules/a': { link: true, resolved: 'packages/a' } } }) },
      { path: '/n/packages/a/package.json', content: pj({ name: 'a', version: '1.1.0' }) },
      { path: '/n/examples/demo/package.json', content: pj({ name: 'demo', version: '0.0.1' }) },
      { path: '/c/package.json', content: pj({ name: 'c', version: '1.0.0', workspaces: { packages: ['libs/**'] } }) },
      { path: '/c/yarn.lock', content: '# yarn lockfile v1\n\nms@^2.0.0:\n  version "2.1.3"\n' },
      { path: '/c/libs/x/y/package.json', content: pj({ name: 'cy', version: '3.0.0' }) },
      { path: '/b/package.json', content: pj({ name: 'b', version: '1.0.0' }) },
      { path: '/b/yarn.lock', content: '__metadata:\n  version: 8\n\n"b@workspace:.":\n  version: 0.0.0-use.local\n  resolution: "b@workspace:."\n\n"m@workspace:mods/m":\n  version: 0.0.0-use.local\n  resolution: "m@workspace:mods/m"\n' },
      { path: '/b/mods/m/package.json', content: pj({ name: 'm', version: '4.0.0' }) },
      { path: '/u/package.json', content: pj({ name: 'u', version: '1.0.0' }) },
      { path: '/u/bun.lock', content: '{ "lockfileVersion": 1, "workspaces": { "": { "name": "u" }, "pkgs/w": { "name": "w", "version": "5.0.0" }, }, "packages": {} }' },
      { path: '/u/pkgs/w/package.json', content: pj({ name: 'w', version: '5.0.0' }) },
    ]);
    expect(r.packages.filter((p) => p.foundBy.includes('npm-installed-cataloger')).map((p) => `${p.locations[0]!.path} ${p.name}`)).toEqual(['/n/examples/demo/package.json demo']);
  });

  it('a lock that cannot be read holds nothing back (its own parser reports it incomplete)', async () => {
    const r = await catalogFiles(both, [
      { path: '/p/package.json', content: pj({ name: 'app', version: '1.0.0' }) },
      { path: '/p/package-lock.json', content: '{ broken' },
    ]);
    expect(at(r)).toEqual(['/p/package.json app@1.0.0 root npm-installed-cataloger']);
    expect(r.incomplete.map((i) => i.path)).toEqual(['/p/package-lock.json']);
  });

  it('bounded: 3,000 members under one lock of 3,000 workspace keys, 40 folders deep, are decided from one read of the lock', async () => {
    const keys = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`w/${i}`, { name: `m${i}`, version: '1.0.0' }]));
    const deep = Array.from({ length: 40 }, (_, i) => `d${i}`).join('/');
    const files = [
      { path: '/m/package-lock.json', content: pj({ lockfileVersion: 3, packages: { '': { name: 'root', version: '1.0.0' }, ...keys } }) },
      ...Array.from({ length: 3000 }, (_, i) => ({ path: `/m/w/${i}/package.json`, content: pj({ name: `m${i}`, version: '1.0.0' }) })),
      { path: `/m/${deep}/package.json`, content: pj({ name: 'deep', version: '1.0.0' }) },
    ];
    const t0 = Date.now();
    const r = await catalogFiles([npmInstalledCataloger], files);
    expect(r.packages.map((p) => p.name)).toEqual(['deep']);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});

describe('npm parsers on hostile bytes (fast-check)', () => {
  const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
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

  it("a project's package.json beside hostile lock files: never crashes, a lock it cannot read holds nothing back", async () => {
    const seeds = LOCKS.map(([d, f]) => fixture(`npm/${d}/${f}`).toString('utf8'));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('package-lock.json', 'yarn.lock', 'bun.lock', 'npm-shrinkwrap.json'), fc.oneof(fc.string(), fc.json(), fc.constantFrom(...seeds).chain((s) => fc.tuple(fc.nat(s.length), fc.string()).map(([i, x]) => s.slice(0, i) + x + s.slice(i)))), async (lock, text) => {
        const files = new Map([[`/p/${lock}`, Buffer.from(text)], ['/package.json', Buffer.from(text)]]);
        const r = await parseProjectPackageJson(
          { location: { path: '/p/a/package.json' }, contents: Buffer.from(pj({ name: 'a', version: '1.0.0' })) },
          { ...ctx, read: async (path) => files.get(path), companionPaths: () => [...files.keys()] },
        );
        expect(r.packages.length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 200 },
    );
  });

  it('bounded on hostile shapes: 1,000 pnpm documents, 3,000 broken berry entries', () => {
    const ctx = { warn: () => {}, incomplete: vi.fn(), limits: DEFAULT_LIMITS };
    let t = performance.now();
    const docs = Array.from({ length: 1000 }, (_, i) => `lockfileVersion: '9.0'\npackages:\n  p${i}@1.0.0:\n    resolution: {integrity: sha512-x}\n`).join('---\n');
    const r = parsePnpmLock({ location: loc, contents: Buffer.from(docs) }, ctx);
    expect(r.packages).toHaveLength(16);
    expect(ctx.incomplete).toHaveBeenCalledWith('pnpm-lock.yaml holds 1000 YAML documents; only the first 16 read', loc);
    expect(performance.now() - t).toBeLessThan(20_000);
    t = performance.now();
    const berry = `__metadata:\n  version: 8\n\n${Array.from({ length: 3000 }, (_, i) => `"p${i}@npm:1.0.0":\n  version: 1.0.0\n  resolution: "p${i}@npm:1.0.0\n`).join('\n')}`;
    const b = parseYarnLock({ location: loc, contents: Buffer.from(berry) }, ctx);
    expect(b.packages).toEqual([]);
    expect(performance.now() - t).toBeLessThan(20_000);
  });
});

describe('local folders and names that are not npm names', () => {
  it('package-lock v3: the root is the project, linked folders are workspace members named by their link (version may be empty), not incomplete', async () => {
    const lock = {
      lockfileVersion: 3,
      packages: {
        '': { name: 'root', version: '1.0.0' },
        'functions/func1': { dependencies: { debug: '^2.6.9' } },
        'functions/nested_func': { version: '1.0.0' },
        'functions/nested_func/node_modules/debug': { version: '2.6.9' },
        'node_modules/debug': { version: '2.5.2' },
        'node_modules/function1': { resolved: 'functions/func1', link: true },
        'node_modules/nested_func': { resolved: 'functions/nested_func', link: true },
        'node_modules/broken': { resolved: 'https://registry.npmjs.org/broken/-/broken-1.0.0.tgz' },
      },
    };
    const r = await catalogFiles([npmLockCataloger], [{ path: '/p/package-lock.json', content: Buffer.from(pj(lock)) }]);
    expect(r.packages.map((p) => `${p.name}@${p.version} ${String(p.metadata?.project ?? '')}`.trim()).sort()).toEqual(['debug@2.5.2', 'debug@2.6.9', 'function1@ workspace', 'nested_func@1.0.0 workspace', 'root@1.0.0 root']);
    // a dependency of a workspace member resolves through its link to the member's own node_modules
    const nested = find(r, 'nested_func')[0]!;
    const func1 = find(r, 'function1')[0]!;
    expect(r.relationships).toContainEqual({ from: func1.id, to: find(r, 'debug', '2.5.2')[0]!.id, type: 'depends-on' });
    expect(r.relationships.some((x) => x.to === nested.id)).toBe(false);
    // an entry inside node_modules without a version is still a lost package
    expect(r.incomplete.map((i) => i.reason)).toEqual(['lock entry "node_modules/broken" has no name or version; skipped']);
  });

  it('installed package.json whose name is no npm name (two slashes) is a warning, not a package', async () => {
    const r = await catalogFiles([npmInstalledCataloger], [{ path: '/app/node_modules/x/package.json', content: Buffer.from(pj({ name: '@invalid/packageName/', version: '1.0.0' })) }]);
    expect(r.packages).toEqual([]);
    expect(r.warnings.join('\n')).toMatch(/name "@invalid\/packageName\/" is not an npm package name; skipped/);
  });
});

describe('files that hold no lock are incomplete, not empty', () => {
  it('a classic yarn.lock with content but no entry header; a pnpm-lock.yaml mapping without lockfileVersion', async () => {
    const r = await catalogFiles(
      [npmLockCataloger],
      [
        { path: '/a/yarn.lock', content: Buffer.from('  asap@unsupported:~2.0.6:\n  version "2.0.6"') },
        { path: '/b/yarn.lock', content: Buffer.from('# THIS IS AN AUTOGENERATED FILE.\n# yarn lockfile v1\n\n') },
        { path: '/c/pnpm-lock.yaml', content: Buffer.from('{broken}') },
        { path: '/d/pnpm-lock.yaml', content: Buffer.from("lockfileVersion: '9.0'\n") },
      ],
    );
    expect(r.packages).toEqual([]);
    expect(r.incomplete.map((i) => i.path).sort()).toEqual(['/a/yarn.lock', '/c/pnpm-lock.yaml']);
  });
});

describe('yarn.lock with the package.json beside it (the project, dev dependencies)', () => {
  const pj = (o: unknown): Buffer => Buffer.from(JSON.stringify(o));
  const marks = (r: Awaited<ReturnType<typeof catalogFiles>>): string[] =>
    r.packages.map((p) => `${p.name}@${p.version}${p.metadata?.dev === true ? ' dev' : ''}${typeof p.metadata?.project === 'string' ? ` ${p.metadata.project}` : ''}`).sort();
  const classic = ['# yarn lockfile v1', '', 'a@^1.0.0:', '  version "1.0.0"', '  dependencies:', '    c "^1.0.0"', '', 'b@^2.0.0:', '  version "2.0.0"', '  dependencies:', '    c "^1.0.0"', '    d "^1.0.0"', '', 'c@^1.0.0:', '  version "1.0.0"', '', 'd@^1.0.0:', '  version "1.0.0"', ''].join('\n');

  it('classic: the package.json names the project; what only devDependencies reach is dev', async () => {
    const r = await catalogFiles([npmLockCataloger], [
      { path: '/p/yarn.lock', content: Buffer.from(classic) },
      { path: '/p/package.json', content: pj({ name: 'app', version: '1.2.0', dependencies: { a: '^1.0.0' }, devDependencies: { b: '^2.0.0' } }) },
    ]);
    expect(marks(r)).toEqual(['a@1.0.0', 'app@1.2.0 root', 'b@2.0.0 dev', 'c@1.0.0', 'd@1.0.0 dev']);
    const app = find(r, 'app')[0]!;
    const rels = r.relationships.filter((x) => x.from === app.id).map((x) => `${r.packages.find((p) => p.id === x.to)!.name} ${x.type}`).sort();
    expect(rels).toEqual(['a depends-on', 'b dev-depends-on']);
  });

  it('classic without a package.json, or with one that is not JSON: packages as before, nothing dev (a warning for the broken one)', async () => {
    const alone = await catalogFiles([npmLockCataloger], [{ path: '/p/yarn.lock', content: Buffer.from(classic) }]);
    expect(marks(alone)).toEqual(['a@1.0.0', 'b@2.0.0', 'c@1.0.0', 'd@1.0.0']);
    const broken = await catalogFiles([npmLockCataloger], [{ path: '/p/yarn.lock', content: Buffer.from(classic) }, { path: '/p/package.json', content: Buffer.from('{') }]);
    expect(marks(broken)).toEqual(['a@1.0.0', 'b@2.0.0', 'c@1.0.0', 'd@1.0.0']);
    expect(broken.incomplete).toEqual([]);
    expect(broken.warnings.join('\n')).toMatch(/package\.json is not read/);
  });

  it('berry: the project and members take their package.json versions, members\' devDependencies count, folders outside the project are not read', async () => {
    const berry = [
      '__metadata:', '  version: 8', '',
      '"app@workspace:.":', '  version: 0.0.0-use.local', '  resolution: "app@workspace:."', '  dependencies:', '    a: "npm:^1.0.0"', '    e: "npm:^1.0.0"', '  languageName: unknown', '  linkType: soft', '',
      '"lib@workspace:packages/lib":', '  version: 0.0.0-use.local', '  resolution: "lib@workspace:packages/lib"', '  dependencies:', '    b: "npm:^2.0.0"', '    c: "npm:^1.0.0"', '  languageName: unknown', '  linkType: soft', '',
      '"out@workspace:../out":', '  version: 0.0.0-use.local', '  resolution: "out@workspace:../out"', '  languageName: unknown', '  linkType: soft', '',
      ...['a@npm:^1.0.0:1.0.0', 'b@npm:^2.0.0:2.0.0', 'c@npm:^1.0.0:1.0.0', 'e@npm:^1.0.0:1.0.0'].flatMap((k) => {
        const [n, , r, v] = k.split(/@|:/);
        return [`"${n}@npm:${r}":`, `  version: ${v}`, `  resolution: "${n}@npm:${v}"`, '  languageName: node', '  linkType: hard', ''];
      }),
    ].join('\n');
    const r = await catalogFiles([npmLockCataloger], [
      { path: '/p/yarn.lock', content: Buffer.from(berry) },
      { path: '/p/package.json', content: pj({ name: 'app', version: '3.0.0', dependencies: { a: '^1.0.0' }, devDependencies: { e: '^1.0.0' } }) },
      { path: '/p/packages/lib/package.json', content: pj({ name: 'lib', version: '0.1.0', dependencies: { b: '^2.0.0' }, devDependencies: { c: '^1.0.0' } }) },
      { path: '/out/package.json', content: pj({ name: 'out', version: '9.9.9' }) },
    ]);
    expect(marks(r)).toEqual(['a@1.0.0', 'app@3.0.0 root', 'b@2.0.0', 'c@1.0.0 dev', 'e@1.0.0 dev', 'lib@0.1.0 workspace', 'out@ workspace']);
  });

  it('classic with workspaces: the members are the package.json folders its globs match (not in node_modules, not outside); their dependencies count for dev', async () => {
    const files = [
      { path: '/p/yarn.lock', content: Buffer.from(classic) },
      { path: '/p/package.json', content: pj({ name: 'app', version: '1.2.0', workspaces: { packages: ['./packages/*', '!x'] }, devDependencies: { a: '^1.0.0', b: '^2.0.0' } }) },
      { path: '/p/packages/lib/package.json', content: pj({ name: 'lib', version: '0.1.0', dependencies: { a: '^1.0.0' }, devDependencies: { d: '^1.0.0' } }) },
      { path: '/p/packages/noname/package.json', content: pj({ private: true }) },
      { path: '/p/packages/lib/node_modules/x/package.json', content: pj({ name: 'x', version: '1.0.0' }) },
      { path: '/p/other/package.json', content: pj({ name: 'other', version: '1.0.0', dependencies: { b: '^2.0.0' } }) },
      { path: '/q/package.json', content: pj({ name: 'outside', version: '1.0.0', dependencies: { b: '^2.0.0' } }) },
    ];
    const r = await catalogFiles([npmLockCataloger], files);
    // a is the member's (prod); b only the project's devDependencies reach, and d through b; lib's own d is dev too
    expect(marks(r)).toEqual(['a@1.0.0', 'app@1.2.0 root', 'b@2.0.0 dev', 'c@1.0.0', 'd@1.0.0 dev', 'lib@0.1.0 workspace']);
    const lib = find(r, 'lib')[0]!;
    expect(r.relationships.filter((x) => x.from === lib.id).map((x) => r.packages.find((p) => p.id === x.to)!.name)).toEqual(['a']);
    expect(r.warnings).toEqual(['/p/yarn.lock: workspace member packages/noname/package.json names no package; not reported']);
    // a member whose package.json cannot be read, or a glob outside the project: members unknown, nothing is marked dev
    const broken = await catalogFiles([npmLockCataloger], [...files.slice(0, 2), { path: '/p/packages/lib/package.json', content: Buffer.from('{') }]);
    expect(marks(broken)).toEqual(['a@1.0.0', 'app@1.2.0 root', 'b@2.0.0', 'c@1.0.0', 'd@1.0.0']);
    const outside = await catalogFiles([npmLockCataloger], [files[0]!, { path: '/p/package.json', content: pj({ name: 'app', version: '1.2.0', workspaces: ['packages/*', '../*'], devDependencies: { a: '^1.0.0', b: '^2.0.0' } }) }, ...files.slice(2)]);
    expect(marks(outside)).toEqual(['a@1.0.0', 'app@1.2.0 root', 'b@2.0.0', 'c@1.0.0', 'd@1.0.0', 'lib@0.1.0 workspace']);
  });

  it('classic with workspaces: bounded on 5,000 member folders and 1,000 globs', async () => {
    const files = [
      { path: '/p/yarn.lock', content: Buffer.from(classic) },
      { path: '/p/package.json', content: pj({ name: 'app', version: '1.0.0', workspaces: Array.from({ length: 1000 }, (_, i) => `g${i}/**`).concat(['m/*']), devDependencies: { b: '^2.0.0' } }) },
      ...Array.from({ length: 5000 }, (_, i) => ({ path: `/p/m/w${i}/package.json`, content: pj({ name: `w${i}`, version: '1.0.0' }) })),
    ];
    const t = performance.now();
    const r = await catalogFiles([npmLockCataloger], files);
    expect(performance.now() - t).toBeLessThan(20_000);
    // only the first 100 globs are read (m/* is not among them): no member, and nothing dev, as the list was cut
    expect(r.packages.filter((p) => p.metadata?.project === 'workspace')).toHaveLength(0);
    expect(r.packages.filter((p) => p.metadata?.dev === true)).toHaveLength(0);
    const many = await catalogFiles([npmLockCataloger], [files[0]!, { path: '/p/package.json', content: pj({ name: 'app', version: '1.0.0', workspaces: ['m/*'], devDependencies: { b: '^2.0.0' } }) }, ...files.slice(2)]);
    expect(many.packages.filter((p) => p.metadata?.project === 'workspace')).toHaveLength(1000);
    expect(many.packages.filter((p) => p.metadata?.dev === true)).toHaveLength(0);
  });
});

describe('pnpm v9: one version under two peer sets', () => {
  it('dev is decided per snapshot: what only the dev snapshot reaches is dev, the shared package is not', async () => {
    const lock = [
      "lockfileVersion: '9.0'",
      'importers:',
      '  .:',
      '    dependencies:',
      '      r:',
      '        specifier: 2.0.0',
      '        version: 2.0.0',
      '    devDependencies:',
      '      q:',
      '        specifier: 1.0.0',
      '        version: 1.0.0',
      'packages:',
      ...['p@1.0.0', 'q@1.0.0', 'r@2.0.0', 'x@1.0.0', 'x@2.0.0'].flatMap((k) => [`  ${k}:`, '    resolution: {integrity: sha512-x}']),
      'snapshots:',
      '  p@1.0.0(x@1.0.0):',
      '    optionalDependencies:',
      '      x: 1.0.0',
      '  p@1.0.0(x@2.0.0):',
      '    optionalDependencies:',
      '      x: 2.0.0',
      '  q@1.0.0:',
      '    dependencies:',
      '      p: 1.0.0(x@1.0.0)',
      '  r@2.0.0:',
      '    dependencies:',
      '      p: 1.0.0(x@2.0.0)',
      '  x@1.0.0: {}',
      '  x@2.0.0: {}',
      '',
    ].join('\n');
    const r = await catalogFiles([npmLockCataloger], [{ path: '/p/pnpm-lock.yaml', content: Buffer.from(lock) }]);
    expect(r.packages.map((p) => `${p.name}@${p.version}${p.metadata?.dev === true ? ' dev' : ''}`).sort()).toEqual(['p@1.0.0', 'q@1.0.0 dev', 'r@2.0.0', 'x@1.0.0 dev', 'x@2.0.0']);
  });
});

describe('yarn.lock with a hostile package.json beside it', () => {
  it('20,000 dependencies and devDependencies over 20,000 entries: linear, bounded', async () => {
    const n = 20_000;
    const lock = ['# yarn lockfile v1', '', ...Array.from({ length: n }, (_, i) => `p${i}@^1.0.0:\n  version "1.0.0"\n`)].join('\n');
    const deps = Object.fromEntries(Array.from({ length: n / 2 }, (_, i) => [`p${i}`, '^1.0.0']));
    const devDeps = Object.fromEntries(Array.from({ length: n / 2 }, (_, i) => [`p${i + n / 2}`, '^1.0.0']));
    const t = performance.now();
    const r = await catalogFiles([npmLockCataloger], [
      { path: '/p/yarn.lock', content: Buffer.from(lock) },
      { path: '/p/package.json', content: Buffer.from(JSON.stringify({ name: 'big', version: '1.0.0', dependencies: deps, devDependencies: devDeps })) },
    ]);
    expect(r.packages).toHaveLength(n + 1);
    expect(r.packages.filter((p) => p.metadata?.dev === true)).toHaveLength(n / 2);
    expect(r.relationships.filter((x) => x.type === 'dev-depends-on')).toHaveLength(n / 2);
    expect(performance.now() - t).toBeLessThan(20_000);
  });
});
