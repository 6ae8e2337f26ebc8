/**
 * Property tests: random and mutated archives, layers and manifests never crash the sources with
 * anything but an InputError (exit 3), and nothing resolves outside the image root.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditError } from '../../../src/core/errors.js';
import { openSource } from '../../../src/source/index.js';
import { parseIndex, parseManifest, parseConfig } from '../../../src/source/image/manifest.js';
import { normalizeEntryName, resolveInRoot, splitPath } from '../../../src/source/paths.js';
import { createMemoryResolver } from '../../../src/source/tree.js';
import { gzipSync } from 'node:zlib';
import { FIXTURES } from '../../helpers/paths.js';
// @ts-expect-error the fixture builder is plain JS
import { tarBytes } from '../../../scripts/fixtures/images.mjs';

const dir = mkdtempSync(join(tmpdir(), 'custody-prop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const EXAMPLE = readFileSync(join(FIXTURES, 'images', 'example.tar'));
let n = 0;

async function outcome(bytes: Buffer, transport = 'docker-archive', opts: { verifyLayers?: boolean } = {}): Promise<'ok' | 'input-error'> {
  const file = join(dir, `f${n++}.tar`);
  writeFileSync(file, bytes);
  try {
    const s = await openSource(`${transport}:${file}`, opts);
    try {
      const r = await s.resolver({ wants: () => true });
      for (const e of r.entries()) {
        expect(e.path.startsWith('/')).toBe(true);
        expect(splitPath(e.path)).not.toContain('..');
        if (e.kind === 'symlink') {
          const t = r.resolve(e.path);
          if (t !== undefined) expect(t.startsWith('/')).toBe(true);
        }
      }
      return 'ok';
    } finally {
      await s[Symbol.asyncDispose]();
    }
  } catch (err) {
    if (!(err instanceof AuditError) || err.exitCode !== 3) throw err;
    return 'input-error';
  } finally {
    rmSync(file, { force: true });
  }
}

async function archiveOf(layer: Buffer): Promise<Buffer> {
  const { createHash } = await import('node:crypto');
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [`sha256:${createHash('sha256').update(layer).digest('hex')}`] } }));
  return tarBytes([
    { name: 'manifest.json', data: Buffer.from(JSON.stringify([{ Config: 'c.json', RepoTags: [], Layers: ['l/layer.tar'] }])) },
    { name: 'c.json', data: config },
    { name: 'l/layer.tar', data: layer },
  ]);
}

async function archiveOutcome(layer: Buffer, opts: { verifyLayers?: boolean }): Promise<'ok' | 'input-error'> {
  return outcome(await archiveOf(layer), 'docker-archive', opts);
}

describe('hostile bytes', () => {
  it('random bytes are an input error, never a crash', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 4096 }), async (b) => {
      expect(await outcome(Buffer.from(b))).toBe('input-error');
    }), { numRuns: 60 });
  });

  it('the example archive with random bytes flipped or cut: ok or input error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: EXAMPLE.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.option(fc.nat({ max: EXAMPLE.length }), { nil: undefined }),
        async (flips, cut) => {
          const b = Buffer.from(EXAMPLE);
          for (const [i, v] of flips) b[i] = v;
          expect(['ok', 'input-error']).toContain(await outcome(cut === undefined ? b : b.subarray(0, cut)));
        },
      ),
      { numRuns: 80 },
    );
  });

  it('layers with arbitrary entry names and link targets: ok or input error, never outside the root', async () => {
    const seg = fc.constantFrom('..', '.', '', 'etc', 'a', '.wh.a', '.wh..wh..opq', 'x y', 'ü');
    const name = fc.array(seg, { minLength: 1, maxLength: 5 }).map((s) => s.join('/'));
    const entry = fc.record({
      name: fc.oneof(name, name.map((x) => `/${x}`)),
      type: fc.constantFrom('file', 'directory', 'symlink', 'link'),
      linkname: fc.oneof(name, name.map((x) => `/${x}`)),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 12 }), async (entries) => {
        const plain: Buffer = await tarBytes(entries.map((e) => (e.type === 'file' || e.type === 'directory' ? { name: e.name || 'x', type: e.type, data: Buffer.from('x') } : { name: e.name || 'x', type: e.type, linkname: e.linkname })));
        // Both layer readers: seeking (plain layer) and streaming (gzip layer, or verifyLayers).
        const results = [];
        for (const [layer, opts] of [[plain, {}], [gzipSync(plain), {}], [plain, { verifyLayers: true }]] as const) results.push(await archiveOutcome(layer, opts));
        expect(new Set(results).size).toBe(1); // both readers agree
      }),
      { numRuns: 60 },
    );
  });

  it('streamed (gzip) layers cut or flipped at random: ok or input error', async () => {
    const { readFileSync: rf } = await import('node:fs');
    const { join: j } = await import('node:path');
    const { GENERATED } = await import('../../helpers/paths.js');
    const layout = j(GENERATED, 'images', 'example-oci');
    const idx = JSON.parse(rf(j(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    const man = JSON.parse(rf(j(layout, 'blobs', 'sha256', idx.manifests[0]!.digest.slice(7)), 'utf8')) as { layers: { digest: string }[] };
    const { gunzipSync } = await import('node:zlib');
    const plain = gunzipSync(rf(j(layout, 'blobs', 'sha256', man.layers[0]!.digest.slice(7))));
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: plain.length }), fc.array(fc.tuple(fc.nat({ max: plain.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), async (cut, flips) => {
        const b = Buffer.from(plain.subarray(0, cut));
        for (const [i, v] of flips) if (i < b.length) b[i] = v;
        expect(['ok', 'input-error']).toContain(await archiveOutcome(gzipSync(b), {}));
      }),
      { numRuns: 60 },
    );
  });

  it('long names (pax / ustar prefix) read the same by both layer readers', async () => {
    const long = `usr/share/${'deep/'.repeat(30)}file.txt`;
    const layer: Buffer = await tarBytes([{ name: long, data: Buffer.from('long') }, { name: `${'l'.repeat(120)}`, type: 'symlink', linkname: `/${long}` }]);
    for (const [bytes, opts] of [[layer, {}], [gzipSync(layer), {}]] as const) {
      const file = join(dir, `long${n++}.tar`);
      writeFileSync(file, await archiveOf(bytes));
      const s = await openSource(`docker-archive:${file}`, opts);
      const r = await s.resolver({ wants: () => true });
      expect((await r.read(`/${'l'.repeat(120)}`)).toString()).toBe('long');
      await s[Symbol.asyncDispose]();
    }
  });
});

describe('manifest JSON', () => {
  const anyJson = fc.jsonValue({ maxDepth: 4 });
  it('parsers accept or throw InputError, nothing else', () => {
    fc.assert(
      fc.property(fc.oneof(anyJson, fc.record({ schemaVersion: fc.constant(2), manifests: fc.array(anyJson) }), fc.record({ config: anyJson, layers: fc.array(anyJson) })), (v) => {
        for (const parse of [parseIndex, parseManifest, parseConfig]) {
          try {
            parse(v, 'prop');
          } catch (err) {
            expect(err).toBeInstanceOf(AuditError);
            expect((err as AuditError).exitCode).toBe(3);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('path rules', () => {
  const comp = fc.constantFrom('..', '.', 'a', 'b', 'etc', '');
  const path = fc.array(comp, { maxLength: 8 }).map((c) => c.join('/'));
  it('entry names are normalised inside the root or rejected', () => {
    fc.assert(
      fc.property(fc.oneof(path, path.map((p) => `/${p}`), path.map((p) => `./${p}`)), (name) => {
        let out: string | undefined;
        try {
          out = normalizeEntryName(name, (why) => {
            throw new Error(why);
          });
        } catch {
          return;
        }
        if (out !== undefined) {
          expect(out.startsWith('/')).toBe(true);
          expect(splitPath(out)).not.toContain('..');
        }
      }),
    );
  });

  it('symlink resolution over random trees never leaves the root and always terminates', () => {
    const link = fc.record({ path: path.map((p) => `/${p}`), target: fc.oneof(path, path.map((p) => `/${p}`)) });
    fc.assert(
      fc.property(fc.array(link, { maxLength: 10 }), path, (links, probe) => {
        const r = createMemoryResolver(links.filter((l) => l.path !== '/').map((l) => ({ path: l.path, linkTarget: l.target })));
        const res = r.resolve(`/${probe}`);
        if (res !== undefined) expect(splitPath(res)).not.toContain('..');
        const direct = resolveInRoot(() => ({ kind: 'symlink', linkTarget: '../..' }), `/${probe}`);
        expect(direct === undefined || direct === '/').toBe(true);
      }),
    );
  });
});
