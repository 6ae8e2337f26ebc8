import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { bufferSource } from '../../../../src/catalog/go/elf.js';
import { parseCargoAuditable, parseCargoLock } from '../../../../src/catalog/rust/cargo.js';
import { rustBinaryCataloger, rustCargoLockCataloger } from '../../../../src/catalog/rust/index.js';
import { catalogFiles, find, fixture, generated, summarize } from '../lang-support.js';

describe('rust catalogers', () => {
  it('Cargo.lock: crates, checksums, relationships to the right one of two versions', async () => {
    const r = await catalogFiles([rustCargoLockCataloger], [{ path: '/src/Cargo.lock', content: fixture('rust/Cargo.lock') }]);
    expect(r.packages).toHaveLength(4);
    expect(find(r, 'serde')[0]).toMatchObject({ purl: 'pkg:cargo/serde@1.0.188', hashes: { 'SHA-256': 'cf9e0fcba69a370eed61bcf2b728575f726b50b55cba78064753d708ddc7549e' } });
    const root = find(r, 'hello-rs')[0]!;
    expect(r.relationships.filter((x) => x.from === root.id)).toHaveLength(3);
    await expect(summarize(r)).toMatchFileSnapshot('__golden__/cargo-lock.txt');
  });

  it('cargo-auditable .dep-v0: crates with dependency edges; an unreadable section is a warning', async () => {
    const r = await catalogFiles([rustBinaryCataloger], [
      { path: '/usr/bin/hello-rs', content: generated('rust/hello-rs') },
      { path: '/usr/bin/bad-dep', content: generated('rust/bad-dep') },
    ]);
    expect(r.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(['cc@1.0.83', 'hello-rs@0.1.0', 'serde@1.0.188']);
    expect(r.relationships).toHaveLength(2);
    expect(r.warnings.join('\n')).toMatch(/\/usr\/bin\/bad-dep: not read completely: cargo-auditable \.dep-v0 section unreadable/);
    expect(r.incomplete.map((i) => i.path)).toEqual(['/usr/bin/bad-dep']);
  });

  it('hostile bytes (fast-check)', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const seed = fixture('rust/Cargo.lock').toString('utf8');
    fc.assert(
      fc.property(fc.string(), fc.nat(seed.length), fc.uint8Array({ maxLength: 300 }), (s, i, bytes) => {
        try {
          parseCargoLock({ location: { path: '/x' }, contents: Buffer.from(seed.slice(0, i) + s) }, ctx);
        } catch (err) {
          expect(err).toBeInstanceOf(Error);
        }
        const elf = Buffer.from(generated('rust/hello-rs'));
        Buffer.from(bytes).copy(elf, i % elf.length);
        parseCargoAuditable({ location: { path: '/y' }, file: bufferSource(elf) }, ctx);
      }),
      { numRuns: 300 },
    );
  });
});
