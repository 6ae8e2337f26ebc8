import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { parseModInfo, readGoBuildInfo } from '../../../../src/catalog/go/buildinfo.js';
import { bufferSource, readElf, type ByteSource } from '../../../../src/catalog/go/elf.js';
import { goBinaryCataloger, goModCataloger } from '../../../../src/catalog/go/index.js';
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

describe('go-mod-cataloger', () => {
  it('requires with replace applied, indirect flag, h1 sums from the go.sum beside it', async () => {
    const r = await catalogFiles([goModCataloger], [
      { path: '/src/hello/go.mod', content: fixture('go/go.mod') },
      { path: '/src/hello/go.sum', content: fixture('go/go.sum') },
    ]);
    expect(r.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(['example.com/local@v0.0.0-00010101000000-000000000000', 'github.com/google/uuid@v1.3.0', 'github.com/pkg/errors@v0.9.1', 'golang.org/x/net@v0.17.0']);
    expect(find(r, 'golang.org/x/net')[0]!.metadata).toMatchObject({ indirect: true, replaces: 'golang.org/x/net@v0.7.0', h1Digest: 'h1:pVaXccu2ozPjCXewfr1S7xza/zcXTity9cCdXQYSjIM=' });
    await expect(summarize(r)).toMatchFileSnapshot('__golden__/go-mod.txt');
  });
});
