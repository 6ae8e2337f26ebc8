/**
 * Layers are read side by side (squash.ts LAYERS_AT_ONCE): a later layer is gunzipped and parsed, its files
 * handed to the sink, while an earlier one is still read; the tree is changed in layer order afterwards. What
 * must hold: the first failure stops every walk and is the error reported, naming its layer, with nothing left
 * in the temp space; a file of a later layer read before a wanted symlink to it was seen is still kept (read
 * again); and how many layers are read at once never changes the tree or what the sink is handed.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger, type Logger } from '../../../src/core/log.js';
import { squashLayers, type LayerPlan, type SquashOptions } from '../../../src/source/image/squash.js';
import { TempSpace } from '../../../src/source/temp.js';
import type { StreamedFile } from '../../../src/source/types.js';
// @ts-expect-error the fixture builders are plain JS
import { tarBytes } from '../../../scripts/fixtures/images.mjs';

interface Entry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  data?: Buffer;
  linkname?: string;
}

const tmp = mkdtempSync(join(tmpdir(), 'custody-side-by-side-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const file = (name: string, data: string): Entry => ({ name, data: Buffer.from(data) });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A gzip layer from entries, or raw bytes (corrupt ones); `onClose` runs when its stream is done with. */
function layer(n: number, blob: Buffer, onClose?: () => void): LayerPlan {
  return {
    digest: `sha256:${String(n).padStart(64, '0')}`,
    async open() {
      const s = Readable.from([blob]);
      if (onClose !== undefined) s.on('close', onClose);
      return s;
    },
  };
}
const gz = async (entries: Entry[]): Promise<Buffer> => gzipSync((await tarBytes(entries)) as Buffer);

interface Run {
  taken: string[];
  temp: TempSpace;
}

function options(run: Run, o: Partial<SquashOptions> & { slow?: (f: StreamedFile) => Promise<void> } = {}): SquashOptions {
  return {
    label: 'test-image',
    scope: 'squashed',
    wants: () => false,
    sink: {
      takes: (p) => p.endsWith('.json'),
      async take(f) {
        run.taken.push(`${f.path}@${f.layer.slice(-1)}:${(await f.read()).toString()}`);
        await o.slow?.(f);
      },
    },
    streamFileBytes: 1 << 20,
    linkCacheBytes: 1 << 20,
    budgetBytes: 1 << 20,
    verifyDigests: false,
    temp: run.temp,
    log: silentLogger,
    ...o,
  };
}
const newRun = (): Run => ({ taken: [], temp: new TempSpace(tmp) });
const tempFiles = (t: TempSpace): string[] => (t.path === undefined || !existsSync(t.path) ? [] : readdirSync(t.path));

describe('layers read side by side', () => {
  it('a corrupt later layer failing while an earlier one is read is SOURCE_CORRUPT_LAYER for that layer, and stops the earlier walk', async () => {
    const run = newRun();
    const l1 = await gz(Array.from({ length: 20 }, (_, i) => file(`a/${i}.json`, `a${i}`)));
    const good2 = await gz([file('b/1.json', 'b')]);
    // A gzip header, then a deflate block of the reserved type: inflating fails at once.
    const corrupt = Buffer.concat([good2.subarray(0, 10), Buffer.alloc(4096, 0xff)]);
    let layer2Closed = false;
    const o = options(run, { slow: () => sleep(20) });
    const squash = squashLayers([layer(1, l1), layer(2, corrupt, () => (layer2Closed = true)), layer(3, await gz([file('c.json', 'c')]))], o);
    await expect(squash).rejects.toMatchObject({ exitCode: 3, code: 'SOURCE_CORRUPT_LAYER', message: expect.stringMatching(/^layer 2 \(sha256:0+2\) of test-image is not valid gzip/) });
    expect(layer2Closed).toBe(true);
    // Layer 1 stopped at its next member once layer 2 had failed; layer 3 never started.
    expect(run.taken.length).toBeGreaterThan(0);
    expect(run.taken.length).toBeLessThan(20);
    expect(run.taken.every((t) => t.startsWith('/a/'))).toBe(true);
    expect(tempFiles(run.temp)).toEqual([]);
  });

  it('a truncated later layer is SOURCE_CORRUPT_LAYER for that layer (the tar, not the gzip, is cut)', async () => {
    const run = newRun();
    const tar = (await tarBytes([file('b/1.json', 'x'.repeat(5000)), file('b/2.json', 'y')])) as Buffer;
    const cut = gzipSync(tar.subarray(0, 1536));
    await expect(squashLayers([layer(1, await gz([file('a.json', 'a')])), layer(2, cut)], options(run))).rejects.toMatchObject({
      code: 'SOURCE_CORRUPT_LAYER',
      message: expect.stringMatching(/^layer 2 .* is not a readable tar \(truncated/),
    });
    expect(run.taken).toEqual(['/a.json@1:a']);
  });

  it('an abort while three layers are read (bodies through temp files) stops every walk and leaves no temp file', async () => {
    const run = newRun();
    const ac = new AbortController();
    const many = (dir: string): Entry[] => Array.from({ length: 200 }, (_, i) => file(`${dir}/${i}.json`, `${dir}-${i}-${'z'.repeat(2000)}`));
    const layers = [layer(1, await gz(many('a'))), layer(2, await gz(many('b'))), layer(3, await gz(many('c')))];
    const o = options(run, {
      signal: ac.signal,
      // Every body goes through a temp file; three layers read at once.
      layersAtOnce: 3,
      streamFileBytes: 100,
      slow: async (f) => {
        if (f.path === '/a/5.json') {
          await sleep(50);
          ac.abort(new Error('stop here'));
        }
      },
    });
    await expect(squashLayers(layers, o)).rejects.toThrow('stop here');
    // The other layers' walks had handed files over too, and stopped at the abort.
    expect(run.taken.filter((t) => t.startsWith('/a/'))).toHaveLength(6);
    expect(run.taken.some((t) => t.startsWith('/b/'))).toBe(true);
    expect(run.taken.length).toBeLessThan(600);
    expect(tempFiles(run.temp)).toEqual([]);
  });

  it('a file of a later layer read before the wanted symlink of an earlier layer to it was seen is still kept (read again)', async () => {
    const run = newRun();
    const debugs: string[] = [];
    const log: Logger = { ...silentLogger, debug: (m) => void debugs.push(m) };
    // Layer 1 is read slowly (the sink): layer 2 has read the target by the time the symlink is read, so
    // nothing wanted it then.
    const l1 = await gz([file('a/1.json', '1'), file('a/2.json', '2'), file('a/3.json', '3'), { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' }]);
    const l2 = await gz([file('usr/lib/os-release', 'ID=debian\n'), file('b.json', 'b')]);
    const o = options(run, {
      log,
      wants: (p) => p === '/etc/os-release',
      slow: () => sleep(40),
    });
    const tree = await squashLayers([layer(1, l1), layer(2, l2)], o);
    const content = tree.get('/usr/lib/os-release')?.content;
    expect(content).toMatchObject({ kind: 'buffer' });
    expect(content?.kind === 'buffer' ? content.data.toString() : '').toBe('ID=debian\n');
    expect(debugs.some((m) => /re-reading layer 2 for 1 linked file/.test(m))).toBe(true);
  });

  it('how many layers are read at once changes neither the tree nor what the sink is handed', async () => {
    const layers = [
      await gz([file('a/1.json', 'one'), file('a/big.json', 'B'.repeat(70_000)), { name: 'a/link.json', type: 'link', linkname: 'a/1.json' }, file('etc/keep', 'k1')]),
      await gz([file('a/.wh.1.json', ''), file('a/2.json', 'two'), { name: 'a/link2.json', type: 'link', linkname: 'a/big.json' }, file('etc/keep', 'k2')]),
      await gz([file('a/.wh..wh..opq', ''), file('a/3.json', 'three'), { name: 'etc/alias', type: 'symlink', linkname: 'keep' }]),
    ];
    const outcomes = [];
    for (const layersAtOnce of [1, 3, 2]) {
      const run = newRun();
      const tree = await squashLayers(
        layers.map((l, i) => layer(i + 1, l)),
        options(run, { layersAtOnce, wants: (p) => p.startsWith('/etc/'), streamFileBytes: 65_536 }),
      );
      const nodes = [...tree.nodes.values()].map((n) => ({
        path: n.entry.path,
        kind: n.entry.kind,
        layer: n.layerIndex,
        content: n.content?.kind === 'buffer' ? n.content.data.toString() : n.content?.kind,
      }));
      // The sink is handed the same versions, in an order that depends on how the walks interleave.
      outcomes.push({ nodes, taken: run.taken.map((t) => t.slice(0, 40)).sort() });
      run.temp.dispose();
    }
    expect(outcomes[1]).toEqual(outcomes[0]);
    expect(outcomes[2]).toEqual(outcomes[0]);
    expect(outcomes[0]!.taken).toContain('/a/link2.json@2:' + 'B'.repeat(24));
  });

  it('the biggest layer starts first, the others in layer order; the tree and the sink input do not change', async () => {
    const blobs = [
      await gz([file('a/1.json', 'one'), file('etc/keep', 'k1')]),
      await gz([file('a/.wh.1.json', ''), file('a/2.json', 'two')]),
      await gz([file('a/3.json', 'three'), file('etc/keep', 'k3')]),
    ];
    const outcomes = [];
    for (const sizes of [[undefined, undefined, undefined], [10, 20, 3_000]]) {
      const started: number[] = [];
      const run = newRun();
      const plans = blobs.map((b, i) => {
        const p = layer(i + 1, b);
        return { ...p, ...(sizes[i] === undefined ? {} : { size: sizes[i] }), open: async () => (started.push(i + 1), p.open()) };
      });
      const tree = await squashLayers(plans, options(run, { layersAtOnce: 2, wants: (p) => p.startsWith('/etc/') }));
      outcomes.push({ nodes: [...tree.nodes.keys()].sort(), keep: tree.get('/etc/keep')?.content?.kind === 'buffer' ? (tree.get('/etc/keep')!.content as { data: Buffer }).data.toString() : undefined, taken: run.taken.sort() });
      expect(started).toEqual(sizes[0] === undefined ? [1, 2, 3] : [3, 1, 2]);
      run.temp.dispose();
    }
    expect(outcomes[0]!.keep).toBe('k3');
    expect(outcomes[1]).toEqual(outcomes[0]);
  });

  it('a hard link right after its big target gets the bytes from its own walk, whatever the other walk received meanwhile (no second read)', async () => {
    // Each walk has its own arena: the file it handed over last stays there (usr/bin/perl5.36.0 -> usr/bin/perl).
    const big = 'P'.repeat(200_000); // over RecentSmallFiles.MAX_FILE: only the arena can lend it
    const layers = [
      await gz([file('usr/bin/perl.json', big), { name: 'usr/bin/perl5.json', type: 'link', linkname: 'usr/bin/perl.json' }]),
      await gz(Array.from({ length: 30 }, (_, i) => file(`b/${i}.json`, `b${i}`.repeat(100)))),
    ];
    const opens = [0, 0];
    const run = newRun();
    const plans = layers.map((l, i) => {
      const p = layer(i + 1, l);
      // Layer 1 starts a little later, so layer 2 is already receiving (slowly) when it reads its target.
      return { ...p, open: async () => (opens[i]!++, i === 0 && opens[i] === 1 && (await sleep(15)), p.open()) };
    });
    await squashLayers(plans, options(run, { layersAtOnce: 2, slow: (f) => (f.path.startsWith('/b/') ? sleep(10) : Promise.resolve()) }));
    expect(run.taken.filter((t) => t.startsWith('/usr/bin/perl5.json@1:')).map((t) => t.length)).toEqual(['/usr/bin/perl5.json@1:'.length + big.length]);
    expect(run.taken.filter((t) => t.startsWith('/b/')).length).toBe(30);
    expect(opens).toEqual([1, 1]);
    run.temp.dispose();
  });
});
