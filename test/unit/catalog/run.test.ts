import { describe, expect, it } from 'vitest';
import { defineCataloger } from '../../../src/catalog/cataloger.js';
import { dpkgDbCataloger } from '../../../src/catalog/debian/index.js';
import { parseOsRelease } from '../../../src/catalog/os-release.js';
import { globsFor, runCatalogers, wantsFor } from '../../../src/catalog/run.js';
import { collectingLogger } from '../../../src/core/log.js';
import { createMemoryResolver } from '../../../src/source/index.js';
import type { Package } from '../../../src/sbom/model.js';

const pkg = (name: string, version: string, path: string): Package => ({ id: '', name, version, type: 'npm', licenses: [], locations: [{ path }], foundBy: [] });

describe('runCatalogers', () => {
  it('a parser that throws becomes a warning naming the file; the other files still count', async () => {
    const c = defineCataloger({
      name: 'test-json-cataloger',
      ecosystem: 'npm',
      tags: ['test'],
      parsers: [
        {
          globs: ['**/*.json'],
          parse: (f) => {
            const doc = JSON.parse(f.contents.toString()) as { name: string; version: string };
            return { packages: [pkg(doc.name, doc.version, f.location.path)] };
          },
        },
      ],
    });
    const log = collectingLogger();
    const r = await runCatalogers(
      createMemoryResolver([
        { path: '/b/package.json', content: '{"name":"b","version":"2"}' },
        { path: '/a/package.json', content: '{"name":"a","version":"1"}' },
        { path: '/c/package.json', content: '{not json' },
        { path: '/d/package.json', content: '{"name":"a","version":"1"}' },
      ]),
      [c],
      { log },
    );
    expect(r.packages.map((p) => `${p.name}@${p.version}:${p.locations[0]!.path}`)).toEqual(['a@1:/a/package.json', 'a@1:/d/package.json', 'b@2:/b/package.json']);
    expect(r.packages.every((p) => p.foundBy[0] === 'test-json-cataloger' && /^npm-[a-z]-[0-9a-f]{16}$/.test(p.id))).toBe(true);
    expect(log.warnings).toEqual([expect.stringMatching(/^\/c\/package\.json: test-json-cataloger could not read it: /)]);
    expect(r.warnings).toEqual(log.warnings);
  });

  it('merges duplicate findings (same id) and gives the same ids on every run', async () => {
    const c = defineCataloger({
      name: 'dup-cataloger',
      ecosystem: 'npm',
      tags: [],
      parsers: [{ globs: ['/x'], parse: (f) => ({ packages: [pkg('x', '1', f.location.path), pkg('x', '1', f.location.path)] }) }],
    });
    const files = [{ path: '/x', content: '' }];
    const a = await runCatalogers(createMemoryResolver(files), [c], { log: collectingLogger() });
    const b = await runCatalogers(createMemoryResolver(files), [c], { log: collectingLogger() });
    expect(a.packages).toHaveLength(1);
    expect(a.packages).toEqual(b.packages);
  });

  it('skips files over the size limit with a warning', async () => {
    const r = await runCatalogers(createMemoryResolver([{ path: '/var/lib/dpkg/status', content: 'Package: a\nVersion: 1\n' }]), [dpkgDbCataloger], {
      log: collectingLogger(),
      limits: { maxFileBytes: 4, maxNestingDepth: 1, maxTotalBytes: 10, maxCompressionRatio: 1 },
    });
    expect(r.packages).toEqual([]);
    expect(r.warnings[0]).toMatch(/skipped by dpkg-db-cataloger: 22 bytes is over the 4-byte limit/);
  });

  it('wantsFor covers parser globs, companions and os-release', () => {
    const wants = wantsFor([dpkgDbCataloger]);
    expect(wants('/var/lib/dpkg/status')).toBe(true);
    expect(wants('/var/lib/dpkg/status.d/libc6')).toBe(true);
    expect(wants('/usr/share/doc/apt/copyright')).toBe(true);
    expect(wants('/etc/os-release')).toBe(true);
    expect(wants('/usr/lib/os-release')).toBe(true);
    expect(wants('/usr/bin/apt')).toBe(false);
    expect(globsFor([dpkgDbCataloger])).toContain('/usr/share/doc/*/copyright');
  });

  it('all-layers: a package only in an overwritten copy of the status file is marked deleted', async () => {
    const L1 = `sha256:${'1'.repeat(64)}`;
    const L2 = `sha256:${'2'.repeat(64)}`;
    const stanza = (n: string): string => `Package: ${n}\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n\n`;
    const resolver = createMemoryResolver([{ path: '/var/lib/dpkg/status', content: stanza('kept'), layer: L2 }], { scope: 'all-layers' });
    // The memory resolver holds one version per path; emulate the layer history a squashing source keeps.
    const history = new Map([[L1, stanza('kept') + stanza('removed')], [L2, stanza('kept')]]);
    const layered = {
      ...resolver,
      // all-layers entries: the layer-1 copy of the status file (overwritten) and the visible layer-2 one
      entries: () => [...resolver.entries()].flatMap((e) => (e.path === '/var/lib/dpkg/status' ? [{ ...e, layer: L1 }, e] : [e])),
      stat: (p: string) => resolver.stat(p),
      resolve: (p: string) => resolver.resolve(p),
      glob: (patterns: readonly string[]) => resolver.glob(patterns),
      read: async (l: { path: string; layer?: string } | string) => Buffer.from(history.get(typeof l === 'string' ? L2 : (l.layer ?? L2)) ?? ''),
    };
    const r = await runCatalogers(layered, [dpkgDbCataloger], { log: collectingLogger(), scope: 'all-layers' });
    expect(r.packages.map((p) => [p.name, p.deleted === true, p.locations.map((l) => l.layer)])).toEqual([
      ['kept', false, [L1, L2]],
      ['removed', true, [L1]],
    ]);
  });
});

describe('parseOsRelease', () => {
  it('reads quoted and unquoted values', () => {
    expect(parseOsRelease('ID="ubuntu"\nVERSION_ID=\'22.04\'\nID_LIKE=debian\n# c\nPRETTY_NAME="Ubuntu \\"LTS\\""\n')).toEqual({
      id: 'ubuntu',
      versionId: '22.04',
      idLike: ['debian'],
      prettyName: 'Ubuntu "LTS"',
    });
    expect(parseOsRelease('NAME=x\n')).toBeUndefined();
  });
});
