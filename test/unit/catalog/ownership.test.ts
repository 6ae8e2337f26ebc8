import { describe, expect, it } from 'vitest';
import { apkDbCataloger } from '../../../src/catalog/alpine/index.js';
import { runtimeBinaryCataloger } from '../../../src/catalog/binary/index.js';
import { defineCataloger, type Cataloger } from '../../../src/catalog/cataloger.js';
import { dpkgDbCataloger } from '../../../src/catalog/debian/index.js';
import { javaArchiveCataloger } from '../../../src/catalog/java/index.js';
import { applyOwnershipRules, mergeRuntimeBinaries, OwnershipIndex } from '../../../src/catalog/ownership.js';
import { pythonInstalledCataloger } from '../../../src/catalog/python/index.js';
import { runCatalogers, type CatalogResult } from '../../../src/catalog/run.js';
import { collectingLogger } from '../../../src/core/log.js';
import type { Package } from '../../../src/sbom/model.js';
import { createMemoryResolver, type MemoryFile } from '../../../src/source/index.js';
import { generated } from './lang-support.js';

const stanza = (name: string, version: string, arch = 'amd64', extra = ''): string =>
  `Package: ${name}\nStatus: install ok installed\nVersion: ${version}\nArchitecture: ${arch}\n${extra}\n`;
const METADATA = (name: string, version: string): string => `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`;
const PY311 = generated('binary/python-3.11.2/python3.11');
const BUSYBOX = generated('binary/busybox-1.35.0/busybox');
const NGINX = generated('binary/nginx-1.25.1/nginx');

async function run(files: MemoryFile[], catalogers: readonly Cataloger[], scope?: 'all-layers'): Promise<CatalogResult> {
  return runCatalogers(createMemoryResolver(files, scope ? { scope } : {}), catalogers, { log: collectingLogger(), ...(scope ? { scope } : {}) });
}
const label = (r: CatalogResult) => {
  const byId = new Map(r.packages.map((p) => [p.id, `${p.name}@${p.version}`]));
  return {
    packages: r.packages.map((p) => `${p.type}:${p.name}@${p.version}`),
    owns: r.relationships.filter((x) => x.type === 'owns').map((x) => `${byId.get(x.from)} owns ${byId.get(x.to)}`),
  };
};

/** A Debian root: python3-requests owns its dist-info, python3.11-minimal owns the interpreter, busybox lists /bin/busybox (merged /usr). */
function debianRoot(): MemoryFile[] {
  return [
    {
      path: '/var/lib/dpkg/status',
      content: [stanza('python3-requests', '2.28.1+dfsg-1', 'all'), stanza('python3.11-minimal', '3.11.2-6+deb12u9'), stanza('busybox', '1:1.35.0-4+b3'), stanza('libc6', '2.36-9', 'amd64', 'Multi-Arch: same')].join('\n'),
    },
    { path: '/var/lib/dpkg/info/python3-requests.list', content: '/.\n/usr\n/usr/lib/python3/dist-packages\n/usr/lib/python3/dist-packages/requests-2.28.1.dist-info\n/usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA\n' },
    { path: '/var/lib/dpkg/info/python3.11-minimal.list', content: '/.\n/usr\n/usr/bin\n/usr/bin/python3.11\n' },
    { path: '/var/lib/dpkg/info/busybox.list', content: '/.\n/bin\n/bin/busybox\n' },
    { path: '/var/lib/dpkg/info/libc6:amd64.list', content: '/.\n/usr/lib/x86_64-linux-gnu/libc.so.6\n' },
    { path: '/bin', linkTarget: 'usr/bin' },
    { path: '/usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA', content: METADATA('requests', '2.28.1') },
    { path: '/usr/local/lib/python3.11/site-packages/rich-13.7.0.dist-info/METADATA', content: METADATA('rich', '13.7.0') },
    { path: '/usr/bin/python3.11', content: PY311 },
    { path: '/usr/bin/busybox', content: BUSYBOX },
    { path: '/usr/local/bin/python3.11', content: PY311 },
    { path: '/usr/local/nginx/sbin/nginx', content: NGINX },
  ];
}

describe('ownership rules (catalog runner)', () => {
  it('dpkg: language packages a Debian package lists get `owns`; runtimes it lists are not reported; the rest are', async () => {
    const r = await run(debianRoot(), [dpkgDbCataloger, pythonInstalledCataloger, runtimeBinaryCataloger]);
    expect(label(r)).toEqual({
      packages: [
        'binary:nginx@1.25.1',
        'binary:python@3.11.2',
        'deb:busybox@1:1.35.0-4+b3',
        'deb:libc6@2.36-9',
        'deb:python3-requests@2.28.1+dfsg-1',
        'deb:python3.11-minimal@3.11.2-6+deb12u9',
        'python:requests@2.28.1',
        'python:rich@13.7.0',
      ],
      owns: ['python3-requests@2.28.1+dfsg-1 owns requests@2.28.1'],
    });
    // the python runtime reported is the unowned copy in /usr/local, not Debian's
    expect(r.packages.find((p) => p.type === 'binary' && p.name === 'python')!.locations).toEqual([{ path: '/usr/local/bin/python3.11' }]);
    expect(r.warnings).toEqual([]);
  });

  it('files an OS package lists are never handed to an onlyUnowned parser (no bytes read for them)', async () => {
    const seen: string[] = [];
    const spy = defineCataloger({
      name: 'spy-cataloger',
      ecosystem: 'generic',
      tags: [],
      parsers: [{ globs: ['**/bin/*', '**/sbin/*'], randomAccess: true, onlyUnowned: true, parse: (f) => (seen.push(f.location.path), { packages: [] }) }],
    });
    // the spy is listed first: the runner still runs it after the OS catalogers
    await run(debianRoot(), [spy, dpkgDbCataloger]);
    expect(seen).toEqual(['/usr/local/bin/python3.11', '/usr/local/nginx/sbin/nginx']);
  });

  it('without an OS database nothing is owned: every runtime is reported', async () => {
    const r = await run(debianRoot(), [runtimeBinaryCataloger]);
    expect(label(r).packages).toEqual(['binary:busybox@1.35.0', 'binary:nginx@1.25.1', 'binary:python@3.11.2']);
    expect(r.packages.find((p) => p.name === 'python')!.locations.map((l) => l.path)).toEqual(['/usr/bin/python3.11', '/usr/local/bin/python3.11']);
  });

  it('distroless status.d: the <pkg>.md5sums beside each status file gives its files', async () => {
    const r = await run(
      [
        { path: '/var/lib/dpkg/status.d/python3-requests', content: 'Package: python3-requests\nVersion: 2.28.1+dfsg-1\nArchitecture: all\n' },
        { path: '/var/lib/dpkg/status.d/python3-requests.md5sums', content: '0123456789abcdef0123456789abcdef  usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA\n' },
        { path: '/usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA', content: METADATA('requests', '2.28.1') },
      ],
      [dpkgDbCataloger, pythonInstalledCataloger],
    );
    expect(label(r).owns).toEqual(['python3-requests@2.28.1+dfsg-1 owns requests@2.28.1']);
  });

  it('apk: F:/R: lines give the files; owned busybox is dropped, owned py3 package gets `owns`', async () => {
    const db = [
      'P:busybox\nV:1.36.1-r15\nA:x86_64\nF:bin\nR:busybox\n',
      'P:py3-six\nV:1.16.0-r8\nA:noarch\nF:usr\nF:usr/lib/python3.11/site-packages/six-1.16.0.dist-info\nR:METADATA\nR:RECORD\n',
    ].join('\n');
    const r = await run(
      [
        { path: '/lib/apk/db/installed', content: db },
        { path: '/bin/busybox', content: BUSYBOX },
        { path: '/usr/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA', content: METADATA('six', '1.16.0') },
      ],
      [apkDbCataloger, pythonInstalledCataloger, runtimeBinaryCataloger],
    );
    expect(label(r)).toEqual({ packages: ['apk:busybox@1.36.1-r15', 'apk:py3-six@1.16.0-r8', 'python:six@1.16.0'], owns: ['py3-six@1.16.0-r8 owns six@1.16.0'] });
  });

  it('nested archives are owned through their outer file; all-layers keeps the rules', async () => {
    const jar = generated('java/app.war');
    const files: MemoryFile[] = [
      { path: '/var/lib/dpkg/status', content: stanza('libapp-java', '1.0-1', 'all'), layer: 'sha256:' + '1'.repeat(64) },
      { path: '/var/lib/dpkg/info/libapp-java.list', content: '/usr/share/java/app.war\n' },
      { path: '/usr/share/java/app.war', content: jar },
    ];
    for (const scope of [undefined, 'all-layers'] as const) {
      const r = await run(files, [dpkgDbCataloger, javaArchiveCataloger], scope);
      const l = label(r);
      const javaPackages = l.packages.filter((p) => p.startsWith('java-archive:'));
      expect(javaPackages.length).toBeGreaterThan(3);
      // every java package (the war and what it nests, `war!/WEB-INF/lib/x.jar`) is owned by the Debian package
      expect(l.owns).toHaveLength(javaPackages.length);
      expect(l.owns.every((o) => o.startsWith('libapp-java@1.0-1 owns '))).toBe(true);
    }
  });
});

describe('OwnershipIndex / applyOwnershipRules / mergeRuntimeBinaries', () => {
  const pkg = (type: Package['type'], name: string, path: string, extra: Partial<Package> = {}): Package => ({ id: `${type}-${name}`, name, version: '1', type, licenses: [], locations: [{ path }], foundBy: ['x'], ...extra });

  it('looks only at listed paths whose name is asked about, resolving each of their directories once', () => {
    let calls = 0;
    const resolver = { resolve: (p: string) => (calls++, p.startsWith('/lib') ? `/usr${p}` : p) };
    const idx = new OwnershipIndex(resolver);
    const owner = pkg('deb', 'libc6', '/var/lib/dpkg/status');
    idx.add(owner, ['/lib/x86_64-linux-gnu/libc.so.6', '/lib/x86_64-linux-gnu/libm.so.6', '/lib/x86_64-linux-gnu', '/usr/share/doc/libc6/', '/usr/share/doc/libc6/copyright']);
    idx.resolve(['/usr/lib/x86_64-linux-gnu/libc.so.6', '/lib/x86_64-linux-gnu/libm.so.6', '/usr/bin/nothing']);
    expect(idx.isOwned('/usr/lib/x86_64-linux-gnu/libc.so.6')).toBe(true);
    expect(idx.isOwned('/lib/x86_64-linux-gnu/libm.so.6')).toBe(false); // listed through a symlinked directory: the real path is /usr/lib/...
    expect(idx.isOwned('/usr/bin/nothing')).toBe(false);
    expect(idx.ownersOf('/usr/lib/x86_64-linux-gnu/libm.so.6')).toEqual([owner]);
    expect(calls).toBe(1); // only '/lib/x86_64-linux-gnu', once; nothing for copyright or the directories
    // a list added later counts for paths asked about before
    const other = pkg('deb', 'nothing', '/var/lib/dpkg/status');
    idx.add(other, ['/usr/bin/nothing']);
    expect(idx.ownersOf('/usr/bin/nothing')).toEqual([other]);
  });

  it('a file two packages list has both owners; OS packages are never owned; owned binaries go', () => {
    const a = pkg('deb', 'a', '/var/lib/dpkg/status');
    const b = pkg('rpm', 'b', '/var/lib/rpm/rpmdb.sqlite');
    const idx = new OwnershipIndex({ resolve: (p) => p });
    idx.add(a, ['/usr/lib/node_modules/x/package.json', '/var/lib/rpm/rpmdb.sqlite', '/usr/bin/node']);
    idx.add(b, ['/usr/lib/node_modules/x/package.json']);
    const npm = pkg('npm', 'x', '/usr/lib/node_modules/x/package.json');
    const node = pkg('binary', 'node', '/usr/bin/node');
    const out = applyOwnershipRules([a, b, npm, node], idx);
    expect(out.packages).toEqual([a, b, npm]);
    expect(out.dropped).toBe(1);
    expect(out.relationships).toEqual([
      { from: a.id, to: npm.id, type: 'owns' },
      { from: b.id, to: npm.id, type: 'owns' },
    ]);
  });

  it('merges binary packages with the same purl and version into one with every location; others untouched', () => {
    const x = pkg('binary', 'python', '/usr/local/lib/libpython3.12.so.1.0', { purl: 'pkg:generic/python@1', cpes: ['c1'] });
    const y = pkg('binary', 'python', '/usr/local/bin/python3.12', { purl: 'pkg:generic/python@1', cpes: ['c1', 'c2'] });
    const z = pkg('binary', 'python', '/opt/bin/python3.13', { purl: 'pkg:generic/python@2', version: '2' });
    const n = pkg('npm', 'python', '/x/package.json');
    const out = mergeRuntimeBinaries([x, n, y, z]);
    expect(out).toHaveLength(3);
    expect(out[0]!.locations.map((l) => l.path)).toEqual(['/usr/local/bin/python3.12', '/usr/local/lib/libpython3.12.so.1.0']);
    expect(out[0]!.cpes).toEqual(['c1', 'c2']);
    expect(out[1]).toBe(n);
    expect(x.locations).toHaveLength(1); // inputs are not modified
  });
});
