import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { parseCabalFreeze } from '../../../../src/catalog/haskell/cabal-freeze.js';
import { splitPackageId } from '../../../../src/catalog/haskell/common.js';
import { haskellCataloger } from '../../../../src/catalog/haskell/index.js';
import { parseStackLock, parseStackYaml } from '../../../../src/catalog/haskell/stack.js';
import { catalogFiles, fixture } from '../lang-support.js';

const purls = (r: Awaited<ReturnType<typeof catalogFiles>>): string[] => r.packages.map((p) => p.purl ?? `${p.name}@${p.version}`).sort();

describe('haskell-cataloger', () => {
  it('stack.yaml.lock: Hackage packages with their cabal file hash and the snapshot; a git package by name and version without a purl', async () => {
    const r = await catalogFiles([haskellCataloger], [{ path: '/srv/app/stack.yaml.lock', content: fixture('peers/syft/haskell/stack.yaml.lock') }]);
    expect(purls(r)).toContain('pkg:hackage/HTTP@4000.3.16');
    const http = r.packages.find((p) => p.name === 'HTTP')!;
    expect(http.metadata).toEqual({ cabalFileSha256: '6042643c15a0b43e522a6693f1e322f05000d519543a84149cb80aeffee34f71', snapshots: ['https://raw.githubusercontent.com/commercialhaskell/stackage-snapshots/master/lts/19/14.yaml'] });
    const kore = r.packages.find((p) => p.name === 'kore')!;
    expect(kore.purl).toBeUndefined();
    expect(kore.metadata).toMatchObject({ git: 'https://github.com/runtimeverification/haskell-backend.git', commit: 'a5847301404583e16d55cd4d051b8e605d704fbc', subdir: 'kore' });
    expect(r.packages.every((p) => p.type === 'hackage' && p.foundBy[0] === 'haskell-cataloger')).toBe(true);
    expect(r.warnings).toEqual([]);
    expect(r.incomplete).toEqual([]);
  });

  it('stack.yaml extra-deps: identifiers with @sha256 or @rev; paths, archives and repositories a warning; other shapes incomplete', async () => {
    const yml = 'resolver: lts-22.0\nextra-deps:\n  - acme-missiles-0.3@rev:2\n  - x509-1.7.7\n  - ./vendor/mylib\n  - https://example.com/foo-1.0.tar.gz\n  - git: https://github.com/a/b\n    commit: 0123\n  - 42\n';
    const r = await catalogFiles([haskellCataloger], [{ path: '/s/stack.yaml', content: Buffer.from(yml) }]);
    expect(purls(r)).toEqual(['pkg:hackage/acme-missiles@0.3', 'pkg:hackage/x509@1.7.7']);
    expect(r.packages.find((p) => p.name === 'acme-missiles')!.metadata).toEqual({ cabalRevision: 2 });
    expect(r.warnings.join('\n')).toMatch(/extra-deps "\.\/vendor\/mylib", "https:\/\/example\.com\/foo-1\.0\.tar\.gz", "https:\/\/github\.com\/a\/b" name no Hackage version/);
    expect(r.incomplete.map((i) => i.reason)).toEqual(['stack.yaml extra-deps in no known form: "42"']);
  });

  it('cabal.project.freeze: pins across continuation lines and several constraints fields, comments; installed boot packages a warning', async () => {
    const text = 'active-repositories: hackage.haskell.org:merge\nconstraints: any.aeson ==2.1.2.1,\n             any.base installed, -- the compiler\'s\n             aeson +ordered-keymap,\n             setup.Cabal ==3.10.1.0,\n             any.text ==2.0.2\nconstraints: any.zlib ==0.6.3.0\nindex-state: hackage.haskell.org 2024-01-01T00:00:00Z\n';
    const r = await catalogFiles([haskellCataloger], [{ path: '/c/cabal.project.freeze', content: Buffer.from(text) }]);
    expect(purls(r)).toEqual(['pkg:hackage/Cabal@3.10.1.0', 'pkg:hackage/aeson@2.1.2.1', 'pkg:hackage/text@2.0.2', 'pkg:hackage/zlib@0.6.3.0']);
    expect(r.warnings.join('\n')).toMatch(/base come with GHC/);
    expect(r.incomplete).toEqual([]);
  });

  it('package identifiers: the version is the last part, all digits and dots', () => {
    expect(splitPackageId('hasql-dynamic-statements-0.3.1.1')).toEqual({ name: 'hasql-dynamic-statements', version: '0.3.1.1' });
    expect(splitPackageId('x509-store-1.6.9')).toEqual({ name: 'x509-store', version: '1.6.9' });
    expect(splitPackageId('foo-bar')).toBeUndefined();
    expect(splitPackageId('123-1.0')).toBeUndefined();
    expect(splitPackageId('-1.0')).toBeUndefined();
  });

  it('hostile YAML and freeze files (fast-check): never more than a thrown Error, never a hang', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const run = (parse: typeof parseStackLock, s: string): void => {
      try {
        const r = parse({ location: { path: '/x' }, contents: Buffer.from(s) }, ctx);
        expect(Array.isArray((r as { packages: unknown[] }).packages)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    };
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        for (const p of [parseStackLock, parseStackYaml, parseCabalFreeze]) run(p, a);
        run(parseStackLock, `packages:\n- completed:\n    hackage: ${JSON.stringify(a)}\n- completed:\n    name: ${JSON.stringify(a)}\n    version: ${JSON.stringify(b)}\n    git: x\nsnapshots:\n- completed:\n    url: ${JSON.stringify(b)}\n`);
        run(parseStackYaml, `extra-deps:\n  - ${JSON.stringify(a)}\n  - ${JSON.stringify(`${a}-${b}@sha256:${b}`)}\n`);
        run(parseCabalFreeze, `constraints: any.${a} ==${b},\n  ${a} ${b}\n`);
      }),
      { numRuns: 300 },
    );
    run(parseStackLock, `a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nd: &d [*c, *c, *c, *c]\npackages: [*d, *d, *d, *d, *d, *d, *d, *d]\n`);
    run(parseStackYaml, `extra-deps: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    run(parseCabalFreeze, `constraints: ${'any.a ==1,'.repeat(60_000)}\n`);
  });
});
