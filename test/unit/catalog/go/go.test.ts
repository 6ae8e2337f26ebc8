import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { parseModInfo, readGoBuildInfo } from '../../../../src/catalog/go/buildinfo.js';
import { bufferSource, readElf, type ByteSource } from '../../../../src/catalog/go/elf.js';
import { readExecutable } from '../../../../src/catalog/go/exe.js';
import { goBinaryCataloger, goModCataloger } from '../../../../src/catalog/go/index.js';
import { goSumModules, moduleCacheEntry, parseGoMod, parseGoModText } from '../../../../src/catalog/go/go-mod.js';
import { versionFromLdflags } from '../../../../src/catalog/go/ldflags.js';
import { catalogFiles, find, fixture, generated, summarize } from '../lang-support.js';

describe('go-binary-cataloger', () => {
  it.each(['hello-inline', 'hello-pointer'])('%s: main module, deps with h1 sums, replacements, stdlib', async (name) => {
    const r = await catalogFiles([goBinaryCataloger], [{ path: `/usr/local/bin/${name}`, content: generated(`go/${name}`) }]);
    const byName = Object.fromEntries(r.packages.map((p) => [p.name, p]));
    expect(Object.keys(byName).sort()).toEqual(['example.com/hello', 'example.com/local', 'github.com/google/uuid', 'golang.org/x/net', 'stdlib']);
    expect(byName['example.com/hello']).toMatchObject({ version: 'v1.4.0', purl: 'pkg:golang/example.com/hello@v1.4.0', metadata: { mainModule: true, mainPackage: 'example.com/hello/cmd/hello' } });
    expect(byName['github.com/google/uuid']).toMatchObject({ version: 'v1.3.0', purl: 'pkg:golang/github.com/google/uuid@v1.3.0', metadata: { h1Digest: 'h1:t6JiXgmwXMjEs8VusXIJk2BXHsn+wx8BZdTaoZ5fu7I=' } });
    // replaced module: the replacement's version is what is in the binary
    expect(byName['golang.org/x/net']).toMatchObject({ version: 'v0.17.0', metadata: { replaces: 'golang.org/x/net@v0.7.0' } });
    expect(byName['example.com/local']!.metadata?.replacedByLocalPath).toBe('./local');
    expect(byName.stdlib!.purl).toMatch(/^pkg:golang\/stdlib@1\.(21\.5|16\.15)$/);
    expect(r.relationships.filter((x) => x.from === byName['example.com/hello']!.id)).toHaveLength(4);
    await expect(summarize(r)).toMatchFileSnapshot(`__golden__/${name}.txt`);
  });

  it.each(['hello-inline', 'hello-pointer', 'not-go'])('%s: reads the ELF header, section table and the sections it needs, not the whole binary', (name) => {
    // the fixture padded with 1 MiB of code-like bytes after its section table, as real executables are mostly code
    const bin = Buffer.concat([generated(`go/${name}`), Buffer.alloc(1 << 20, 0x90)]);
    let bytesRead = 0;
    const counting: ByteSource = { size: bin.length, read: (o, n) => { const b = bufferSource(bin).read(o, n); bytesRead += b.length; return b; } };
    const info = readGoBuildInfo(counting);
    expect(info).toEqual(readGoBuildInfo(bin));
    expect(info === undefined).toBe(name === 'not-go');
    expect(bytesRead).toBeGreaterThan(0);
    expect(bytesRead).toBeLessThan(4096);
  });

  it('GOPATH-mode binaries (Debian) report stdlib only; non-Go ELF and scripts give nothing, silently', async () => {
    const r = await catalogFiles(
      [goBinaryCataloger],
      [
        { path: '/usr/bin/gopath-tool', content: generated('go/gopath-tool') },
        { path: '/usr/bin/not-go', content: generated('go/not-go') },
        { path: '/usr/bin/script', content: generated('go/script') },
      ],
    );
    expect(r.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['stdlib@go1.19.8']);
    expect(r.packages[0]!.metadata).toMatchObject({ mainPackage: 'github.com/example/tool/cmd/tool', buildMode: 'gopath' });
    expect(r.warnings).toEqual([]);
    expect(r.incomplete).toEqual([]);
  });

  it('a .go.buildinfo section that cannot be read is incomplete input, not "not a Go binary"', async () => {
    const bin = Buffer.from(generated('go/hello-inline'));
    const magic = Buffer.from('\xff Go buildinf:', 'latin1');
    const at = bin.indexOf(magic);
    expect(at).toBeGreaterThan(0);
    bin.fill(0, at, at + magic.length);
    const r = await catalogFiles([goBinaryCataloger], [{ path: '/usr/local/bin/hello', content: bin }]);
    expect(r.packages).toEqual([]);
    expect(r.incomplete).toEqual([{ kind: 'file', path: '/usr/local/bin/hello', reason: 'a .go.buildinfo section that cannot be read: its modules are not listed', by: 'go-binary-cataloger' }]);
  });

  it('looks only where executables live', async () => {
    const r = await catalogFiles([goBinaryCataloger], [{ path: '/usr/share/doc/hello-inline', content: generated('go/hello-inline') }]);
    expect(r.packages).toEqual([]);
  });

  it('modinfo without sentinels still parses', () => {
    const i = parseModInfo('go1.22.0', 'path\tx\nmod\tx\t(devel)\t\ndep\ty\tv1.0.0\th1:abc\n');
    expect(i.main).toEqual({ path: 'x', version: '(devel)' });
    expect(i.deps).toEqual([{ path: 'y', version: 'v1.0.0', sum: 'h1:abc' }]);
  });

  it('hostile bytes (fast-check): ELF and buildinfo readers never throw', () => {
    const seeds = [generated('go/hello-inline'), generated('go/hello-pointer')];
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(1000), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }), fc.uint8Array({ maxLength: 256 }), (seed, flips, junk) => {
        const b = Buffer.from(seed);
        for (const [at, v] of flips) b[at % b.length] = v;
        readElf(b);
        readGoBuildInfo(b);
        readGoBuildInfo(Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.from(junk)]));
      }),
      { numRuns: 500 },
    );
  });
});

describe('go-binary-cataloger: Windows (PE) and macOS (Mach-O) executables', () => {
  const names = (r: Awaited<ReturnType<typeof catalogFiles>>): string[] => r.packages.map((p) => `${p.name}@${p.version}`).sort();

  it.each(['hello-inline', 'hello-pointer'])('%s: the same build info read from .exe and Mach-O as from ELF', async (name) => {
    const elf = await catalogFiles([goBinaryCataloger], [{ path: `/usr/local/bin/${name}`, content: generated(`go/${name}`) }]);
    for (const [path, file] of [[`/opt/app/${name}.exe`, `${name}.exe`], [`/usr/local/bin/${name}`, `${name}.macho`]] as const) {
      const r = await catalogFiles([goBinaryCataloger], [{ path, content: generated(`go/${file}`) }]);
      expect(names(r)).toEqual(names(elf));
      expect(r.packages.find((p) => p.name === 'golang.org/x/net')?.metadata).toMatchObject({ replaces: 'golang.org/x/net@v0.7.0' });
      expect(r.incomplete).toEqual([]);
    }
    expect(readExecutable(generated(`go/${name}.exe`))?.format).toBe('pe');
    expect(readExecutable(generated(`go/${name}.macho`))?.format).toBe('macho');
  });

  it('a universal (fat) Mach-O: the first architecture; a Java class file (same magic) is not one', () => {
    const inner = generated('go/hello-inline.macho');
    const fat = Buffer.alloc(4096);
    fat.writeUInt32BE(0xcafebabe, 0);
    fat.writeUInt32BE(1, 4);
    fat.writeUInt32BE(0x01000007, 8);
    fat.writeUInt32BE(4096, 16);
    fat.writeUInt32BE(inner.length, 20);
    expect(readGoBuildInfo(Buffer.concat([fat, inner]))).toEqual(readGoBuildInfo(inner));
    const cls = Buffer.from('cafebabe00000041000a0a0002', 'hex');
    expect(readExecutable(Buffer.concat([cls, Buffer.alloc(64)]))).toBeUndefined();
  });

  it('PE: the blob is searched at 16-byte boundaries of the first read-write data section only', () => {
    const exe = Buffer.from(generated('go/hello-inline.exe'));
    const magic = Buffer.from('\xff Go buildinf:', 'latin1');
    const at = exe.indexOf(magic);
    expect(at % 16).toBe(0);
    // moved one byte off the boundary: not a blob
    const shifted = Buffer.from(exe);
    shifted.copy(shifted, at + 1, at, at + 200);
    shifted[at] = 0;
    expect(readGoBuildInfo(shifted)).toBeUndefined();
  });

  it('a Mach-O __go_buildinfo section that cannot be read is incomplete input', async () => {
    const bin = Buffer.from(generated('go/hello-inline.macho'));
    const at = bin.indexOf(Buffer.from('\xff Go buildinf:', 'latin1'));
    bin.fill(0, at, at + 14);
    const r = await catalogFiles([goBinaryCataloger], [{ path: '/usr/local/bin/hello', content: bin }]);
    expect(r.packages).toEqual([]);
    expect(r.incomplete.map((i) => i.reason)).toEqual(['a .go.buildinfo section that cannot be read: its modules are not listed']);
  });

  it('hostile bytes (fast-check): PE and Mach-O readers never throw', () => {
    const seeds = ['hello-inline.exe', 'hello-pointer.exe', 'hello-inline.macho', 'hello-pointer.macho'].map((f) => generated(`go/${f}`));
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(600), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }), fc.nat(3000), (seed, flips, cut) => {
        const b = Buffer.from(seed);
        for (const [at, v] of flips) b[at % b.length] = v;
        readExecutable(b);
        readGoBuildInfo(b);
        readGoBuildInfo(b.subarray(0, cut));
      }),
      { numRuns: 500 },
    );
  });
});

describe('go-binary-cataloger: main module version from -ldflags (peers\' fixtures)', () => {
  it('a (devel) main module takes the one version -X sets (modinfo of a real go build)', async () => {
    const r = await catalogFiles([goBinaryCataloger], [{ path: '/usr/local/bin/ldtool', content: generated('go/ldtool') }]);
    const main = find(r, 'example.com/ldtool')[0]!;
    expect(main).toMatchObject({ version: 'v1.4.2', purl: 'pkg:golang/example.com/ldtool@v1.4.2' });
    expect(main.metadata?.versionSource).toBe('-ldflags');
  });

  it('reads -X flags as trivy does: tiers, quoting, ambiguity', () => {
    expect(versionFromLdflags('example.com/x', '"-s -w -X main.version=1.4.2"')).toBe('v1.4.2');
    expect(versionFromLdflags('example.com/x', "-X='main.Version=v2.0.0-rc.1' -X main.commit=abc")).toBe('v2.0.0-rc.1');
    expect(versionFromLdflags('example.com/x', '-X example.com/x/cmd/tool.version=3.1.0 -X github.com/other/lib.version=9.9.9')).toBe('v3.1.0');
    expect(versionFromLdflags('example.com/x', '-X main.version=1.0.0 -X common.ver=2.0.0')).toBeUndefined();
    expect(versionFromLdflags('example.com/x', '-X main.version=dev')).toBeUndefined();
    expect(versionFromLdflags('example.com/x', '-s -w')).toBeUndefined();
  });
});

describe('go-mod-cataloger: exclude (issue 17)', () => {
  it('a required version that an exclude directive names is not a package (single-line and block excludes, real go mod edit output)', async () => {
    const r = await catalogFiles([goModCataloger], [{ path: '/src/excluder/go.mod', content: fixture('go/exclude/go.mod') }]);
    expect(r.packages.filter((p) => p.metadata?.project === undefined).map((p) => p.purl).sort()).toEqual(['pkg:golang/github.com/pkg/errors@v0.9.0', 'pkg:golang/golang.org/x/text@v0.14.0']);
    expect(r.warnings).toEqual(['/src/excluder/go.mod: require github.com/google/uuid v1.3.0 is excluded by an exclude directive; not reported']);
    expect(r.incomplete).toEqual([]);
  });

  it('hostile go.mod text (fast-check): never throws, excluded requirements never reported', async () => {
    const seed = fixture('go/exclude/go.mod').toString('utf8');
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    await fc.assert(
      fc.asyncProperty(fc.nat(seed.length), fc.string({ maxLength: 80 }), async (at, junk) => {
        const text = seed.slice(0, at) + junk + seed.slice(at);
        const mod = parseGoModText(text);
        const r = await parseGoMod({ location: { path: '/go.mod' }, contents: Buffer.from(text) }, ctx);
        for (const p of r.packages) expect(mod.excludes.has(`${p.metadata?.replaces ?? `${p.name}@${p.version}`}`)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe('go-mod-cataloger', () => {
  it('requires with replace applied, indirect flag, h1 sums from the go.sum beside it; the main module is the project, and a module replaced by a local directory a workspace member, both without a version', async () => {
    const r = await catalogFiles([goModCataloger], [
      { path: '/src/hello/go.mod', content: fixture('go/go.mod') },
      { path: '/src/hello/go.sum', content: fixture('go/go.sum') },
    ]);
    expect(r.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(['example.com/hello@', 'example.com/local@', 'github.com/google/uuid@v1.3.0', 'github.com/pkg/errors@v0.9.1', 'golang.org/x/net@v0.17.0']);
    expect(find(r, 'golang.org/x/net')[0]!.metadata).toMatchObject({ indirect: true, replaces: 'golang.org/x/net@v0.7.0', h1Digest: 'h1:pVaXccu2ozPjCXewfr1S7xza/zcXTity9cCdXQYSjIM=' });
    expect(find(r, 'example.com/local')[0]).toMatchObject({ purl: 'pkg:golang/example.com/local', metadata: { project: 'workspace', replacedByLocalPath: './local', replaces: 'example.com/local@v0.0.0-00010101000000-000000000000' } });
    const main = find(r, 'example.com/hello')[0]!;
    expect(main).toMatchObject({ purl: 'pkg:golang/example.com/hello', metadata: { project: 'root' } });
    // the main module depends on its direct requirements, not on the `// indirect` ones
    expect(r.relationships.filter((x) => x.from === main.id).map((x) => r.packages.find((p) => p.id === x.to)!.name).sort()).toEqual(r.packages.filter((p) => p !== main && p.metadata?.indirect !== true).map((p) => p.name).sort());
    await expect(summarize(r)).toMatchFileSnapshot('__golden__/go-mod.txt');
  });

  it('before Go 1.17 (or with no go line) the go.sum modules go.mod does not require are added as indirect, at their last version; from Go 1.17 go.mod alone', async () => {
    const sum = [
      'github.com/BurntSushi/toml v0.3.1 h1:WXkYYl6Yr3qBf1K79EBnL4mak0OimBfB0XUf9Vl28OQ=',
      'github.com/BurntSushi/toml v0.3.1/go.mod h1:xHWCNGjB5oqiDr8zfno3MHue2Ht5sIBksp03qcyfWMU=',
      'github.com/davecgh/go-spew v1.1.0/go.mod h1:J7Y8YcW2NihsgmVo/mv3lAwl/skON4iLHjSsI+c5H38=',
      'github.com/davecgh/go-spew v1.1.1/go.mod h1:J7Y8YcW2NihsgmVo/mv3lAwl/skON4iLHjSsI+c5H38=',
      'github.com/aquasecurity/go-dep-parser v0.0.0-20230219131432-590b1dfb6edd h1:H9IR14rR3+Z13ZH7ay9bs2hHBL7WAqdEJLLr8nhx/Rs=',
      '',
    ].join('\n');
    const mod = (go: string): string => `module github.com/org/repo\n\n${go}\nrequire github.com/aquasecurity/go-dep-parser v0.0.0-20211110174639-8257534ffed3\n\nreplace github.com/aquasecurity/go-dep-parser => github.com/aquasecurity/go-dep-parser v0.0.0-20230219131432-590b1dfb6edd\n`;
    const r = await catalogFiles([goModCataloger], [
      { path: '/a/go.mod', content: Buffer.from(mod('go 1.15\n')) },
      { path: '/a/go.sum', content: Buffer.from(sum) },
      { path: '/b/go.mod', content: Buffer.from(mod('')) },
      { path: '/b/go.sum', content: Buffer.from(sum) },
      { path: '/c/go.mod', content: Buffer.from(mod('go 1.17\n')) },
      { path: '/c/go.sum', content: Buffer.from(sum) },
    ]);
    const at = (dir: string): string[] => r.packages.filter((p) => p.locations[0]!.path.startsWith(dir)).map((p) => `${p.name}@${p.version}${p.metadata?.fromGoSum === true ? ' (go.sum)' : ''}`).sort();
    const merged = ['github.com/BurntSushi/toml@v0.3.1 (go.sum)', 'github.com/aquasecurity/go-dep-parser@v0.0.0-20230219131432-590b1dfb6edd', 'github.com/davecgh/go-spew@v1.1.1 (go.sum)', 'github.com/org/repo@'];
    expect(at('/a/')).toEqual(merged);
    expect(at('/b/')).toEqual(merged);
    expect(at('/c/')).toEqual(['github.com/aquasecurity/go-dep-parser@v0.0.0-20230219131432-590b1dfb6edd', 'github.com/org/repo@']);
    expect(find(r, 'github.com/BurntSushi/toml')[0]).toMatchObject({ purl: 'pkg:golang/github.com/BurntSushi/toml@v0.3.1', metadata: { indirect: true, h1Digest: 'h1:WXkYYl6Yr3qBf1K79EBnL4mak0OimBfB0XUf9Vl28OQ=' } });
    expect(find(r, 'github.com/BurntSushi/toml')[0]!.locations[0]!.path).toBe('/a/go.sum');
  });

  it('a go.sum with no go.mod beside it: each module at the last version it lists; a line that is no sum entry is incomplete', async () => {
    const r = await catalogFiles([goModCataloger], [
      { path: '/lone/go.sum', content: Buffer.from('golang.org/x/xerrors v0.0.0-20200804184101-5ec99f83aff1 h1:go1bK/D/BFZV2I8cIQd1NKEZ+0owSTG1fDTci4IqFcE=\n\ngopkg.in/yaml.v2 v2.2.1/go.mod h1:x\ngopkg.in/yaml.v2 v2.2.2/go.mod h1:y\nnot a sum line at all\n') },
    ]);
    expect(r.packages.map((p) => p.purl).sort()).toEqual(['pkg:golang/golang.org/x/xerrors@v0.0.0-20200804184101-5ec99f83aff1', 'pkg:golang/gopkg.in/yaml.v2@v2.2.2']);
    expect(r.incomplete.map((i) => i.reason)).toEqual(['1 go.sum line(s) are not "module version hash"; not read']);
  });

  it('hostile go.sum text (fast-check): goSumModules never throws and names only modules the text lists', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const { modules } = goSumModules(text);
        for (const [path] of modules) expect(text.includes(path)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("a go.mod in the module cache (GOPATH/pkg/mod, trivy's gopath.txtar) is the cached module at its directory's version, not a project: its requirements are only minimums", async () => {
    const dep = 'module github.com/aquasecurity/go-dep-parser\n\ngo 1.18\n\nrequire (\n\tgithub.com/BurntSushi/toml v1.2.1\n\tgolang.org/x/xerrors v0.0.0-20220907171357-04be3eba64a2\n)\n';
    const r = await catalogFiles([goModCataloger], [
      { path: '/src/go.mod', content: Buffer.from('module github.com/org/repo\n\ngo 1.17\n\nrequire github.com/aquasecurity/go-dep-parser v0.0.1\n') },
      { path: '/root/go/pkg/mod/github.com/aquasecurity/go-dep-parser@v0.0.1/go.mod', content: Buffer.from(dep) },
      { path: '/root/go/pkg/mod/github.com/aquasecurity/go-dep-parser@v0.0.1/go.sum', content: Buffer.from('github.com/BurntSushi/toml v1.2.1 h1:x\n') },
      { path: '/root/go/pkg/mod/github.com/!burnt!sushi/toml@v0.3.1/go.mod', content: Buffer.from('module github.com/BurntSushi/toml\n') },
      { path: '/root/go/pkg/mod/github.com/sad/sad@v0.0.1/go.mod', content: Buffer.from('wrong') },
      // a nested module's go.mod inside a cached module, and the download cache: nothing
      { path: '/go/pkg/mod/golang.org/toolchain@v0.0.1-go1.22.0.linux-amd64/src/cmd/go.mod', content: Buffer.from(dep) },
      { path: '/go/pkg/mod/cache/download/github.com/x/y/@v/go.sum', content: Buffer.from('github.com/a/b v1.0.0 h1:x\n') },
    ]);
    expect(r.packages.map((p) => `${p.purl}${p.metadata?.moduleCache === true ? ' (cache)' : ''}`).sort()).toEqual([
      'pkg:golang/github.com/BurntSushi/toml@v0.3.1 (cache)',
      'pkg:golang/github.com/aquasecurity/go-dep-parser@v0.0.1',
      'pkg:golang/github.com/aquasecurity/go-dep-parser@v0.0.1 (cache)',
      'pkg:golang/github.com/org/repo',
      'pkg:golang/github.com/sad/sad@v0.0.1 (cache)',
    ]);
    expect(r.incomplete).toEqual([]);
    expect(moduleCacheEntry('pkg/mod/example.com/m@v1.2.3/go.mod')).toEqual({ module: 'example.com/m', version: 'v1.2.3', top: true });
    expect(moduleCacheEntry('/src/pkg/model/go.mod')).toBeUndefined();
    expect(moduleCacheEntry('/x/pkg/mod/example.com/m@latest/go.mod')).toBeUndefined();
    expect(moduleCacheEntry('/x/pkg/mod//@v1.0.0/go.mod')).toBeUndefined();
  });

  it('hostile paths (fast-check): moduleCacheEntry never throws, and a cache entry names a module and a v-version', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('pkg', 'mod', 'a.b', '@v1.0.0', 'x@v1.2.3-pre', '!a', 'cache', '..', '', 'go.mod'), { maxLength: 12 }), (parts) => {
        const e = moduleCacheEntry(parts.join('/'));
        if (e !== undefined && !('download' in e)) expect(e.module !== '' && /^v\d/.test(e.version)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("a directive the go command rejects (syft's corrupt go.mod: `ruire (`) makes the file incomplete; the rest is read", async () => {
    const text = 'module github.com/anchore/syft\n\ngo 1.18\n\nruire (\n\tgithub.com/CycloneDX/cyclonedx-go v0.7.0\n)\n\nrequire github.com/acarl005/stripansi v0.0.0-20180116102854-5a71ef0e047d\ntoolchain go1.22.1\ngodebug default=go1.21\n';
    const r = await catalogFiles([goModCataloger], [{ path: '/src/go.mod', content: Buffer.from(text) }]);
    expect(r.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(['github.com/acarl005/stripansi@v0.0.0-20180116102854-5a71ef0e047d', 'github.com/anchore/syft@']);
    expect(r.incomplete.map((i) => i.reason)).toEqual(['go.mod has lines the go command rejects (unknown directive "ruire"); what they hold is not read']);
  });
});
