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

  it('Cargo.lock + Cargo.toml: crates only dev-dependencies reach are dev; workspace members, renames and target tables count', async () => {
    const lock = (pkgs: [string, string, string[], boolean?][]): string =>
      pkgs.map(([n, v, deps, local]) => `[[package]]\nname = "${n}"\nversion = "${v}"\n${local ? '' : 'source = "registry+https://github.com/rust-lang/crates.io-index"\n'}dependencies = [${deps.map((d) => JSON.stringify(d)).join(', ')}]\n`).join('\n');
    const files = [
      {
        path: '/w/Cargo.lock',
        content: lock([
          ['app', '0.1.0', ['regex', 'member', 'winapi', 'both', 'serde_json', 'cc'], true],
          ['member', '0.2.0', ['tokio', 'proptest'], true],
          ['globbed', '0.3.0', ['insta'], true],
          ['regex', '1.7.3', ['memchr'], false],
          ['memchr', '2.5.0', [], false],
          ['winapi', '0.3.9', ['winapi-x86_64-pc-windows-gnu'], false],
          ['winapi-x86_64-pc-windows-gnu', '0.4.0', [], false],
          ['both', '1.0.0', [], false],
          ['serde_json', '1.0.0', [], false],
          ['cc', '1.0.83', [], false],
          ['tokio', '1.0.0', [], false],
          ['proptest', '1.0.0', [], false],
          ['insta', '1.0.0', [], false],
        ]),
      },
      {
        path: '/w/Cargo.toml',
        content:
          '[package]\nname = "app"\nversion = "0.1.0"\n\n[workspace]\nmembers = ["./member/", "crates/*"]\n[workspace.dependencies]\njson = { package = "serde_json", version = "1" }\n\n' +
          '[dependencies]\nregex = "=1.7.3"\nmember = { path = "member" }\njson = { workspace = true }\n[build-dependencies]\ncc = "1"\n' +
          "[target.'cfg(unix)'.dependencies]\nboth = \"1\"\n[dev-dependencies]\nwinapi = \"*\"\nboth = \"1\"\n",
      },
      { path: '/w/member/Cargo.toml', content: '[package]\nname = "member"\n[dependencies]\ntokio = "1"\n[target.\'cfg(unix)\'.dev-dependencies]\nproptest = "1"\n' },
    ];
    const r = await catalogFiles([rustCargoLockCataloger], files);
    expect(r.warnings).toEqual([]);
    expect(r.packages.filter((p) => p.metadata?.dev === true).map((p) => p.name).sort()).toEqual(['proptest', 'winapi', 'winapi-x86_64-pc-windows-gnu']);
    // relationships keep the dev edges: they are what the lock file says
    expect(r.relationships).toHaveLength(11);
    // no Cargo.toml, or one that does not parse: nothing is dev
    const alone = await catalogFiles([rustCargoLockCataloger], [files[0]!]);
    expect(alone.packages.filter((p) => p.metadata?.dev === true)).toEqual([]);
    const broken = await catalogFiles([rustCargoLockCataloger], [files[0]!, { path: '/w/Cargo.toml', content: '[package\n' }]);
    expect(broken.packages.filter((p) => p.metadata?.dev === true)).toEqual([]);
    expect(broken.warnings.join('\n')).toMatch(/\/w\/Cargo\.toml does not parse .*dev dependencies are not told apart/);
    expect(broken.incomplete).toEqual([]);
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

  it('hostile bytes (fast-check)', async () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const seed = fixture('rust/Cargo.lock').toString('utf8');
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.nat(seed.length), fc.uint8Array({ maxLength: 300 }), async (s, i, bytes) => {
        try {
          await parseCargoLock({ location: { path: '/x' }, contents: Buffer.from(seed.slice(0, i) + s) }, ctx);
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
