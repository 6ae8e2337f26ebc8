/**
 * Parsing files as the layers stream (catalog/stream.ts, issue 17 "Scale"): on layered images built here,
 * the streamed parse gives exactly what parsing the squashed tree after the walk gives (the way every
 * wanted file used to be held), for files replaced or deleted by later layers, opaque directories, hard
 * links (next to their target, far from it, to small files), symlinked wanted files, --scope all-layers,
 * and parse failures (of a version a later layer deleted: not in the image, so not incomplete; of a final
 * file: incomplete). The gzip OCI layout is read as a stream (the sink parses); the docker archive with
 * plain layers is read in place (nothing is streamed, files are parsed after the walk).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { collectingLogger } from '../../../src/core/log.js';
import { ALL_CATALOGERS } from '../../../src/catalog/registry.js';
import { runCatalogers, wantsFor, type CatalogResult } from '../../../src/catalog/run.js';
import { isStreamable, planStreaming } from '../../../src/catalog/stream.js';
import { defaultsForSource } from '../../../src/generate/index.js';
import { openSource } from '../../../src/source/index.js';
import type { Scope } from '../../../src/source/types.js';
// @ts-expect-error the fixture builders are plain JS
import { writeLayeredImage } from '../../../scripts/fixtures/images.mjs';
// @ts-expect-error the fixture builders are plain JS
import { goInline } from '../../../scripts/fixtures/catalog-lang.mjs';

interface Entry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  data?: Buffer;
  linkname?: string;
  mode?: number;
}

const tmp = mkdtempSync(join(tmpdir(), 'custody-stream-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

const CATALOGERS = defaultsForSource(ALL_CATALOGERS, 'image', []);
const file = (name: string, data: string | Buffer, mode = 0o644): Entry => ({ name, data: Buffer.isBuffer(data) ? data : Buffer.from(data), mode });
const npm = (name: string, version: string): Buffer => Buffer.from(JSON.stringify({ name, version }));
const whiteout = (path: string): Entry => {
  const i = path.lastIndexOf('/');
  return file(`${path.slice(0, i + 1)}.wh.${path.slice(i + 1)}`, '');
};
const opaque = (dir: string): Entry => file(`${dir}/.wh..wh..opq`, '');
const goBinary = (module: string, pad = 64): Buffer =>
  goInline('go1.21.5', `path\t${module}/cmd\nmod\t${module}\tv1.2.3\th1:aaaa=\nbuild\t-compiler=gc\n`, pad) as Buffer;

/** The same image as a gzip OCI layout (streamed) and a docker archive with plain layers (read in place). */
async function image(layers: Entry[][]): Promise<{ oci: string; docker: string }> {
  const dir = join(tmp, `img${n++}`);
  await writeLayeredImage(layers, { ociDir: `${dir}-oci`, dockerTar: `${dir}.tar` });
  return { oci: `oci-dir:${dir}-oci`, docker: `docker-archive:${dir}.tar` };
}

interface Outcome {
  result: CatalogResult;
  warnings: string[];
  debugs: string[];
  /** Files the sink parsed as they streamed (0 when nothing was streamed). */
  streamed: number;
}

/** The new path: streamable parsers run on each file as it streams, the rest after the walk. */
function logger(): ReturnType<typeof collectingLogger> & { debugs: string[] } {
  const debugs: string[] = [];
  return { ...collectingLogger(), debugs, debug: (m: string) => void debugs.push(m) };
}

async function streamedParse(ref: string, scope: Scope = 'squashed'): Promise<Outcome> {
  const log = logger();
  const src = await openSource(ref, { log });
  try {
    const plan = planStreaming(CATALOGERS);
    const r = await src.resolver({ scope, wants: plan.wants, stream: plan.sink });
    const result = await runCatalogers(r, CATALOGERS, { log, scope, streamed: plan.parses });
    return { result, warnings: log.warnings, debugs: log.debugs, streamed: plan.parses.size };
  } finally {
    await src[Symbol.asyncDispose]();
  }
}

/** The old path: every wanted file kept by the source, every parser run on the squashed tree after the walk. */
async function wholeTreeParse(ref: string, scope: Scope = 'squashed'): Promise<Outcome> {
  const log = logger();
  const src = await openSource(ref, { log });
  try {
    const r = await src.resolver({ scope, wants: wantsFor(CATALOGERS) });
    const result = await runCatalogers(r, CATALOGERS, { log, scope });
    return { result, warnings: log.warnings, debugs: log.debugs, streamed: 0 };
  } finally {
    await src[Symbol.asyncDispose]();
  }
}

const names = (o: Outcome, type: string): string[] =>
  o.result.packages
    .filter((p) => p.type === type)
    .map((p) => `${p.name}@${p.version}${p.deleted ? ' (deleted)' : ''}`)
    .sort();

/** Both paths, both forms: one answer. Returns the streamed outcome of the OCI layout. */
async function same(layers: Entry[][], scope: Scope = 'squashed'): Promise<Outcome & { oci: string }> {
  const { oci, docker } = await image(layers);
  const streamed = await streamedParse(oci, scope);
  const whole = await wholeTreeParse(oci, scope);
  expect(streamed.result).toEqual(whole.result);
  expect(streamed.warnings).toEqual(whole.warnings);
  const inPlace = await streamedParse(docker, scope);
  expect(inPlace.streamed).toBe(0);
  // Layer digests (and the ids made from them) differ between the forms (gzip blobs vs plain tars): compare the rest.
  const strip = (o: Outcome): unknown => ({
    packages: o.result.packages.map((p) => ({ ...p, id: '', locations: p.locations.map((l) => l.path) })),
    incomplete: o.result.incomplete.map((i) => ({ ...i, layer: '', reason: i.reason.replace(/(oci-dir|docker-archive):\S+/g, 'SOURCE') })),
    relationships: o.result.relationships.length,
    distro: o.result.distro,
  });
  expect(strip(inPlace)).toEqual(strip(streamed));
  return { ...streamed, oci };
}

/** The layer digests of an image, in order. */
async function layerDigests(ref: string): Promise<string[]> {
  const src = await openSource(ref, {});
  try {
    return src.describe().layers!.map((l) => l.digest);
  } finally {
    await src[Symbol.asyncDispose]();
  }
}

const OS_RELEASE = file('usr/lib/os-release', 'ID=debian\nVERSION_ID="12"\n');

describe('streamed parse = parse of the squashed tree', () => {
  it('only the streamable parsers stream: OS databases and parsers with companions run after the walk', () => {
    const after = CATALOGERS.flatMap((c) => c.parsers.filter((p) => !isStreamable(p)).map(() => c.name));
    expect(new Set(after)).toEqual(new Set(['npm-installed-cataloger', 'dpkg-db-cataloger', 'apk-db-cataloger', 'rpm-db-cataloger', 'runtime-binary-cataloger', 'alpm-db-cataloger', 'portage-cataloger', 'nix-store-cataloger', 'snap-cataloger']));
    const plan = planStreaming(CATALOGERS);
    expect(plan.wants('/var/lib/dpkg/status')).toBe(true);
    expect(plan.wants('/usr/share/doc/zlib1g/copyright')).toBe(true);
    expect(plan.wants('/var/lib/pacman/local/gmp-6.2.1-2/files')).toBe(true);
    expect(plan.wants('/etc/os-release')).toBe(true);
    expect(plan.wants('/usr/lib/node_modules/a/package.json')).toBe(false);
    expect(plan.sink.takes('/usr/lib/node_modules/a/package.json')).toBe(true);
    // a project's package.json (outside node_modules) is read after the walk, beside the locks it yields to
    expect(plan.wants('/srv/site/package.json')).toBe(true);
    expect(plan.wants('/srv/site/package-lock.json')).toBe(true);
    expect(plan.wants('/srv/site/node_modules/a/lib/package.json')).toBe(false);
    expect(plan.wants('/srv/site/node_modules/a/package-lock.json')).toBe(false);
    expect(plan.sink.takes('/srv/site/package.json')).toBe(false);
    expect(plan.sink.takes('/usr/local/bin/hello')).toBe(true);
    expect(plan.sink.takes('/srv/data/item.json')).toBe(false);
    // the Nix store is read from paths alone: none of its bytes are kept or streamed to a parser
    expect(plan.wants('/nix/store/nwf2y0nc48ybim56308cr5ccvwkabcqc-openssl-1.1.1q')).toBe(false);
    expect(plan.sink.takes('/nix/store/nwf2y0nc48ybim56308cr5ccvwkabcqc-openssl-1.1.1q')).toBe(false);
  });

  const replacedAndDeleted: Entry[][] = [
    [
      OS_RELEASE,
      file('usr/lib/node_modules/a/package.json', npm('a', '1.0.0')),
      file('usr/lib/node_modules/gone/package.json', npm('gone', '1.0.0')),
      file('opt/app/node_modules/x/package.json', npm('x', '1.0.0')),
      file('opt/app/node_modules/keep/package.json', npm('keep', '1.0.0')),
    ],
    [
      file('usr/lib/node_modules/a/package.json', npm('a', '2.0.0')),
      whiteout('usr/lib/node_modules/gone'),
      opaque('opt/app/node_modules'),
      file('opt/app/node_modules/y/package.json', npm('y', '1.0.0')),
      // the opaque marker of a layer hides only what lower layers put there
      file('opt/app/node_modules/z/package.json', npm('z', '1.0.0')),
    ],
  ];

  it('files replaced or deleted by a later layer and opaque directories do not count', async () => {
    const o = await same(replacedAndDeleted);
    expect(o.streamed).toBeGreaterThanOrEqual(7);
    expect(names(o, 'npm')).toEqual(['a@2.0.0', 'y@1.0.0', 'z@1.0.0']);
    expect(o.result.incomplete).toEqual([]);
  });

  it('--scope all-layers: every version counts, the hidden ones marked deleted', async () => {
    const o = await same(replacedAndDeleted, 'all-layers');
    expect(names(o, 'npm')).toEqual(['a@1.0.0 (deleted)', 'a@2.0.0', 'gone@1.0.0 (deleted)', 'keep@1.0.0 (deleted)', 'x@1.0.0 (deleted)', 'y@1.0.0', 'z@1.0.0']);
  });

  it('hard links: right after the target, far from a big target (the layer is read again), to a small target, from a later layer', async () => {
    const layers: Entry[][] = [
      [
        file('usr/local/bin/hello', goBinary('example.com/hello'), 0o755),
        { name: 'usr/local/bin/hello-again', type: 'link', linkname: 'usr/local/bin/hello' },
        // bigger than the small-file copies kept for links, and followed by another streamed file
        file('usr/local/bin/far', goBinary('example.com/far', 200_000), 0o755),
        file('usr/local/bin/other', goBinary('example.com/other'), 0o755),
        file('usr/lib/node_modules/small/package.json', npm('small', '1.0.0')),
        file('usr/local/bin/more', goBinary('example.com/more'), 0o755),
        { name: 'usr/local/bin/far-link', type: 'link', linkname: 'usr/local/bin/far' },
        { name: 'usr/lib/node_modules/small-link/package.json', type: 'link', linkname: 'usr/lib/node_modules/small/package.json' },
      ],
      [{ name: 'usr/local/bin/later-link', type: 'link', linkname: 'usr/local/bin/hello' }],
    ];
    const o = await same(layers);
    const at = (module: string): string[] =>
      o.result.packages
        .filter((p) => p.name === module)
        .flatMap((p) => p.locations.map((l) => l.path))
        .sort();
    expect(at('example.com/hello')).toEqual(['/usr/local/bin/hello', '/usr/local/bin/hello-again', '/usr/local/bin/later-link']);
    expect(at('example.com/far')).toEqual(['/usr/local/bin/far', '/usr/local/bin/far-link']);
    expect(at('small')).toEqual(['/usr/lib/node_modules/small-link/package.json', '/usr/lib/node_modules/small/package.json']);
    // Only the link far from its big target made the source read its layer again.
    expect(o.debugs.filter((d) => d.includes('re-reading'))).toEqual([expect.stringMatching(/re-reading layer 1 for 1 linked file/)]);
  });

  it('layers read side by side (squash.ts LAYERS_AT_ONCE): files spanning many stream chunks in two layers at once, hard links to them, a later layer deleting and replacing files of an earlier one', async () => {
    // ~600 KB package.json files: each body arrives over several gunzip chunks, so the two walks receive at the same time.
    const big = (name: string, version: string): Buffer => Buffer.from(JSON.stringify({ name, version, description: `${name} `.repeat(100_000) }));
    const layer = (tag: string, count: number): Entry[] => Array.from({ length: count }, (_, k) => file(`usr/lib/node_modules/${tag}${k}/package.json`, big(`${tag}${k}`, `${k}.0.0`)));
    const layers: Entry[][] = [
      [...layer('a', 6), { name: 'usr/lib/node_modules/a0-link/package.json', type: 'link', linkname: 'usr/lib/node_modules/a0/package.json' }],
      [
        ...layer('b', 6),
        whiteout('usr/lib/node_modules/a1'),
        file('usr/lib/node_modules/a2/package.json', big('a2', '9.9.9')),
        { name: 'usr/lib/node_modules/b5-link/package.json', type: 'link', linkname: 'usr/lib/node_modules/b5/package.json' },
        { name: 'usr/lib/node_modules/a3-link/package.json', type: 'link', linkname: 'usr/lib/node_modules/a3/package.json' },
      ],
      [...layer('c', 3), opaque('usr/lib/node_modules/b0')],
    ];
    const o = await same(layers);
    expect(names(o, 'npm')).toEqual(
      ['a0@0.0.0', 'a0@0.0.0', 'a2@9.9.9', 'a3@3.0.0', 'a3@3.0.0', 'a4@4.0.0', 'a5@5.0.0', 'b1@1.0.0', 'b2@2.0.0', 'b3@3.0.0', 'b4@4.0.0', 'b5@5.0.0', 'b5@5.0.0', 'c0@0.0.0', 'c1@1.0.0', 'c2@2.0.0'].sort(),
    );
    expect(o.streamed).toBeGreaterThan(15);
  });

  it('symlinked wanted files: /etc/os-release -> ../usr/lib/os-release gives the distro to dpkg', async () => {
    const status = 'Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:1.2.13.dfsg-1\n\n';
    const o = await same([
      [
        { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
        OS_RELEASE,
        file('var/lib/dpkg/status', status),
        file('srv/real/package.json', npm('linked', '1.0.0')),
        { name: 'opt/app/node_modules/linked', type: 'symlink', linkname: '/srv/real' },
      ],
    ]);
    expect(o.result.distro).toMatchObject({ id: 'debian', versionId: '12' });
    expect(o.result.packages.find((p) => p.name === 'zlib1g')?.purl).toMatch(/^pkg:deb\/debian\/zlib1g@.*distro=debian-12/);
    // globs list regular files by their own path: a package reached only through a symlinked directory is not one
    // (the file is read where it lies, outside node_modules: a project's package.json)
    expect(o.result.packages.filter((p) => p.type === 'npm').map((p) => `${p.locations[0]?.path} ${p.metadata?.project}`)).toEqual(['/srv/real/package.json root']);
  });

  const broken: Entry[][] = [
    [OS_RELEASE, file('usr/lib/node_modules/bad-gone/package.json', '{ not json'), file('usr/lib/node_modules/bad-final/package.json', '{ not json either')],
    [whiteout('usr/lib/node_modules/bad-gone')],
  ];

  it('a parse failure of a version a later layer deleted is not incomplete; of a final file it is', async () => {
    const o = await same(broken);
    expect(o.result.incomplete.map((i) => i.path)).toEqual(['/usr/lib/node_modules/bad-final/package.json']);
    expect(o.result.incomplete[0]).toMatchObject({ kind: 'file', by: 'npm-installed-cataloger' });
    expect(o.warnings.join('\n')).not.toContain('bad-gone');
  });

  it('--scope all-layers: the deleted version counts, so its parse failure is reported too', async () => {
    const o = await same(broken, 'all-layers');
    expect(o.result.incomplete.map((i) => i.path).sort()).toEqual(['/usr/lib/node_modules/bad-final/package.json', '/usr/lib/node_modules/bad-gone/package.json']);
  });
});

describe('ownership and locations of streamed files', () => {
  it('an OS package that lists streamed files owns their packages; every location names the layer its file came from', async () => {
    const status = 'Package: python3-p\nStatus: install ok installed\nArchitecture: all\nVersion: 1.0-1\n\n';
    const list = '/.\n/usr/lib/python3/dist-packages/p-1.0.dist-info/METADATA\n/usr/local/bin/tool\n';
    const o = await same([
      [
        OS_RELEASE,
        file('var/lib/dpkg/status', status),
        file('var/lib/dpkg/info/python3-p.list', list),
        file('usr/lib/python3/dist-packages/p-1.0.dist-info/METADATA', 'Metadata-Version: 2.1\nName: p\nVersion: 1.0\n'),
      ],
      [file('usr/local/bin/tool', goBinary('example.com/tool'), 0o755), file('usr/lib/node_modules/free/package.json', npm('free', '1.0.0'))],
    ]);
    expect(o.streamed).toBeGreaterThanOrEqual(3);
    const [l1, l2] = await layerDigests(o.oci);
    const pkg = (name: string) => o.result.packages.find((p) => p.name === name)!;
    expect(pkg('python3-p').locations).toEqual([{ path: '/var/lib/dpkg/status', layer: l1 }]);
    expect(pkg('p').locations).toEqual([{ path: '/usr/lib/python3/dist-packages/p-1.0.dist-info/METADATA', layer: l1 }]);
    expect(pkg('example.com/tool').locations).toEqual([{ path: '/usr/local/bin/tool', layer: l2 }]);
    expect(pkg('free').locations).toEqual([{ path: '/usr/lib/node_modules/free/package.json', layer: l2 }]);
    const owned = o.result.relationships
      .filter((r) => r.type === 'owns' && r.from === pkg('python3-p').id)
      .map((r) => o.result.packages.find((p) => p.id === r.to)!.name)
      .sort();
    expect(owned).toContain('p');
    expect(owned).toContain('example.com/tool');
    expect(owned).not.toContain('free');
  });
});

describe('property: the streamed parse equals the parse of the squashed tree on generated multi-layer images', () => {
  const PATHS = [
    'usr/lib/node_modules/a/package.json',
    'usr/lib/node_modules/b/package.json',
    'opt/app/node_modules/a/package.json',
    'opt/app/node_modules/c/package.json',
    'usr/local/bin/tool',
    'usr/local/bin/helper',
    'usr/lib/python3/dist-packages/p-1.0.dist-info/METADATA',
  ];
  const DIRS = ['usr/lib/node_modules', 'usr/lib/node_modules/a', 'opt/app/node_modules', 'opt/app', 'usr/local/bin', 'usr/lib/python3/dist-packages'];
  const content = (path: string, v: number): Buffer => {
    if (v === 0) return Buffer.from('\u0000garbage{');
    if (path.endsWith('package.json')) return npm(path.split('/').at(-2)!, `${v}.0.0`);
    // 4: no Name (a warning), 5: no Version (an incomplete entry from ctx.incomplete)
    if (path.endsWith('METADATA')) return Buffer.from(v === 4 ? 'Metadata-Version: 2.1\nVersion: 4.0\n' : v === 5 ? 'Metadata-Version: 2.1\nName: p\n' : `Metadata-Version: 2.1\nName: p\nVersion: ${v}.0\n`);
    return goBinary(`example.com/${path.split('/').at(-1)}${v}`, v * 40_000);
  };
  // A dpkg database whose package lists some of the paths: owns relationships from it to what they hold.
  const dpkg = (owned: readonly string[], v: number): Entry[] => [
    file('var/lib/dpkg/status', `Package: owner\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${v}.0-1\n\n`),
    file('var/lib/dpkg/info/owner.list', ['/.', ...owned.map((p) => `/${p}`)].join('\n') + '\n'),
  ];
  const op = fc.oneof(
    fc.record({ k: fc.constant('file' as const), path: fc.constantFrom(...PATHS), v: fc.integer({ min: 0, max: 5 }) }),
    fc.record({ k: fc.constant('dpkg' as const), owned: fc.subarray(PATHS), v: fc.integer({ min: 1, max: 3 }) }),
    fc.record({ k: fc.constant('whiteout' as const), path: fc.constantFrom(...PATHS, ...DIRS) }),
    fc.record({ k: fc.constant('opaque' as const), path: fc.constantFrom(...DIRS) }),
    fc.record({ k: fc.constant('link' as const), path: fc.constantFrom(...PATHS), target: fc.constantFrom(...PATHS) }),
    fc.record({ k: fc.constant('symlink' as const), path: fc.constantFrom(...PATHS, ...DIRS), target: fc.constantFrom(...PATHS, ...DIRS) }),
    fc.record({ k: fc.constant('dir-as-file' as const), path: fc.constantFrom(...DIRS) }),
  );
  const toEntries = (o: fc.Value<typeof op>): Entry[] => (o.k === 'dpkg' ? dpkg(o.owned, o.v) : [toEntry(o)]);
  const toEntry = (o: Exclude<fc.Value<typeof op>, { k: 'dpkg' }>): Entry => {
    switch (o.k) {
      case 'file':
        return file(o.path, content(o.path, o.v), 0o755);
      case 'whiteout':
        return whiteout(o.path);
      case 'opaque':
        return opaque(o.path);
      case 'link':
        return { name: o.path, type: 'link', linkname: o.target };
      case 'symlink':
        return { name: o.path, type: 'symlink', linkname: `/${o.target}` };
      case 'dir-as-file':
        return file(o.path, 'a file where a directory was');
    }
  };

  it('same packages (locations with their layers, deleted marks), owns relationships, incomplete files and warnings, in both scopes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(op, { maxLength: 8 }), { minLength: 1, maxLength: 4 }), fc.constantFrom<Scope>('squashed', 'all-layers'), async (layers, scope) => {
        const { oci } = await image([[OS_RELEASE], ...layers.map((l) => l.flatMap(toEntries))]);
        const streamed = await streamedParse(oci, scope);
        const whole = await wholeTreeParse(oci, scope);
        expect(streamed.result).toEqual(whole.result);
        expect(streamed.warnings).toEqual(whole.warnings);
      }),
      {
        numRuns: 60,
        // Found by CI: a hard link to a hard link whose bytes are in an earlier layer (the second read must look
        // for the file the chain ends at, not for the link).
        examples: [
          // A hard link and then a file at the same path in one layer: the file is what the layer leaves.
          [
            [
              [{ k: 'file', path: 'usr/lib/python3/dist-packages/p-1.0.dist-info/METADATA', v: 0 }],
              [
                { k: 'link', path: 'usr/local/bin/tool', target: 'usr/lib/python3/dist-packages/p-1.0.dist-info/METADATA' },
                { k: 'file', path: 'usr/local/bin/tool', v: 1 },
              ],
              [],
            ],
            'squashed',
          ],
          [
            [
              [{ k: 'file', path: 'usr/local/bin/helper', v: 0 }],
              [
                { k: 'link', path: 'usr/lib/node_modules/b/package.json', target: 'usr/local/bin/helper' },
                { k: 'link', path: 'usr/lib/node_modules/a/package.json', target: 'usr/lib/node_modules/b/package.json' },
              ],
            ],
            'squashed',
          ],
          [
            [
              [{ k: 'file', path: 'usr/lib/node_modules/c/package.json', v: 2 }],
              [
                { k: 'link', path: 'usr/lib/node_modules/b/package.json', target: 'usr/lib/node_modules/c/package.json' },
                { k: 'link', path: 'usr/lib/node_modules/a/package.json', target: 'usr/lib/node_modules/b/package.json' },
                { k: 'symlink', path: 'usr/local/bin/tool', target: 'usr/lib/node_modules/a/package.json' },
              ],
            ],
            'all-layers',
          ],
          [
            [
              [{ k: 'file', path: 'opt/app/node_modules/a/package.json', v: 0 }],
              [{ k: 'link', path: 'opt/app/node_modules/a/package.json', target: 'opt/app/node_modules/a/package.json' }],
              [{ k: 'link', path: 'usr/lib/node_modules/a/package.json', target: 'opt/app/node_modules/a/package.json' }],
            ],
            'squashed',
          ],
          // A layer that hard-links a path and then writes it again as a file: the file is what the layer leaves.
          [
            [
              [{ k: 'file', path: 'usr/local/bin/tool', v: 2 }],
              [
                { k: 'file', path: 'usr/lib/node_modules/a/package.json', v: 0 },
                { k: 'link', path: 'opt/app/node_modules/a/package.json', target: 'usr/local/bin/tool' },
                { k: 'file', path: 'opt/app/node_modules/a/package.json', v: 0 },
              ],
              [],
            ],
            'squashed',
          ],
          // ... and one that links it again to a file a whiteout removed in between (the second link is skipped).
          [
            [
              [{ k: 'file', path: 'usr/local/bin/helper', v: 2 }],
              [{ k: 'file', path: 'usr/lib/node_modules/a/package.json', v: 0 }],
              [
                { k: 'link', path: 'usr/lib/node_modules/a/package.json', target: 'usr/local/bin/helper' },
                { k: 'whiteout', path: 'usr/local/bin' },
                { k: 'link', path: 'usr/lib/node_modules/a/package.json', target: 'usr/local/bin/helper' },
              ],
            ],
            'squashed',
          ],
        ],
      },
    );
  }, 120_000);
});
