import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { nixStoreCataloger } from '../../../../src/catalog/nix/index.js';
import { findVersionIsh, parseNixStoreEntry, parseNixStoreName } from '../../../../src/catalog/nix/store.js';
import { catalogFiles } from '../lang-support.js';

describe('nix-store-cataloger', () => {
  it('versions as syft finds them in store names (syft parse_store_path_test cases)', () => {
    const cases: [string, number, string, string][] = [
      ['h0cnbmfcn93xm5dg2x27ixhag1cwndga-glibc-2.34-210-bin', 39, '2.34-210-bin', '210-bin'],
      ['5zzrvdmlkc5rh3k5862krd3wfb3pqhyf-perl5.34.1-TimeDate-2.33', 53, '2.33', ''],
      ['zkgyp2vra0bgqm0dv1qi514l5fd0aksx-bash-interactive-5.1-p16-man', 50, '5.1-p16-man', 'p16-man'],
      ['q5dhwzcn82by5ndc7g0q83wsnn13qkqw-webdav-server-rs-unstable-2021-08-16', 50, 'unstable-2021-08-16', ''],
    ];
    for (const [base, , version, prerelease] of cases) expect(findVersionIsh(base)).toMatchObject({ version, prerelease });
    expect(findVersionIsh('h0cnbmfcn93xm5dg2x27ixhag1cwndga-glibc')).toBeUndefined();
    const names: [string, string, string, string][] = [
      ['h0cnbmfcn93xm5dg2x27ixhag1cwndga-glibc-2.34-210-bin', 'glibc', '2.34-210', 'bin'],
      ['02mqs1by2vab9yzw0qc4j7463w78p3ps-glibc-2.37-8', 'glibc', '2.37-8', ''],
      ['0296qxvn30z9b2ah1g5p97k5wr9k8y78-busybox-static-x86_64-unknown-linux-musl-1.35.0', 'busybox-static-x86_64-unknown-linux-musl', '1.35.0', ''],
      ['5zzrvdmlkc5rh3k5862krd3wfb3pqhyf-perl5.34.1-TimeDate-2.33', 'perl5.34.1-TimeDate', '2.33', ''],
      ['q38q8ng57zwjg1h15ry5zx0lb0xyax4b-libcap-2.63-lib', 'libcap', '2.63', 'lib'],
      ['z24qs6f5d1mmwdp73n1jfc3swj4v2c5s-krb5-1.19.3.9.10', 'krb5', '1.19.3.9.10', ''],
      ['zkgyp2vra0bgqm0dv1qi514l5fd0aksx-bash-interactive-5.1-p16-man', 'bash-interactive', '5.1-p16', 'man'],
      ['nwf2y0nc48ybim56308cr5ccvwkabcqc-openssl-1.1.1q', 'openssl', '1.1.1q', ''],
      ['nwv742f1bxv6g78hy9yc6slxdbxlmqhb-kmod-29', 'kmod', '29', ''],
      ['n83qx7m848kg51lcjchwbkmlgdaxfckf-tzdata-2022a', 'tzdata', '2022a', ''],
      ['q5dhwzcn82by5ndc7g0q83wsnn13qkqw-webdav-server-rs-unstable-2021-08-16', 'webdav-server-rs', 'unstable-2021-08-16', ''],
    ];
    for (const [base, name, version, output] of names) expect(parseNixStoreName(base), base).toMatchObject({ name, version, output });
    expect(parseNixStoreName('5av396z8xa13jg89g9jws145c0k26k2x-glibc-2.34-210.drv')).toBeUndefined();
  });

  it('one package per store object, from its path alone (directories too), with output and hash; derivations, unversioned objects and .links skipped', async () => {
    const r = await catalogFiles([nixStoreCataloger], [
      { path: '/nix/store/h0cnbmfcn93xm5dg2x27ixhag1cwndga-glibc-2.34-210-bin/lib/glibc.so', content: Buffer.from('not a lib') },
      { path: '/nix/store/h0cnbmfcn93xm5dg2x27ixhag1cwndga-glibc-2.34-210-bin/share/man/glibc.1', content: Buffer.from('man') },
      { path: '/nix/store/5av396z8xa13jg89g9jws145c0k26k2x-glibc-2.34-210.drv', content: Buffer.from('Derive([])') },
      { path: '/nix/store/nwf2y0nc48ybim56308cr5ccvwkabcqc-openssl-1.1.1q', content: Buffer.from('a single-file store object') },
      { path: '/nix/store/001gp43bjqzx60cg345n2slzg7131za8-nix-nss-open-files.patch', content: Buffer.from('--- a') },
      { path: '/nix/store/.links/0a1b', content: Buffer.from('x') },
      { path: '/nix/store/not-a-store-object', content: Buffer.from('x') },
    ]);
    expect(r.packages.map((p) => [p.purl, p.locations.map((l) => l.path)])).toEqual([
      ['pkg:nix/glibc@2.34-210?output=bin&outputhash=h0cnbmfcn93xm5dg2x27ixhag1cwndga', ['/nix/store/h0cnbmfcn93xm5dg2x27ixhag1cwndga-glibc-2.34-210-bin']],
      ['pkg:nix/openssl@1.1.1q?outputhash=nwf2y0nc48ybim56308cr5ccvwkabcqc', ['/nix/store/nwf2y0nc48ybim56308cr5ccvwkabcqc-openssl-1.1.1q']],
    ]);
    expect(r.packages[0]).toMatchObject({ type: 'nix', name: 'glibc', metadata: { path: '/nix/store/h0cnbmfcn93xm5dg2x27ixhag1cwndga-glibc-2.34-210-bin', outputHash: 'h0cnbmfcn93xm5dg2x27ixhag1cwndga', output: 'bin' }, foundBy: ['nix-store-cataloger'] });
    expect(r.warnings.join('\n')).toMatch(/not-a-store-object is not a Nix store object/);
    expect(r.incomplete).toEqual([]);
  });

  it('hostile names (fast-check): a result or a thrown Error, never a hang', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const run = (base: string): void => {
      try {
        expect(Array.isArray(parseNixStoreEntry({ location: { path: `/nix/store/${base}` }, contents: Buffer.alloc(0) }, ctx).packages)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    };
    fc.assert(
      fc.property(fc.string(), fc.string({ unit: fc.constantFrom('-', '.', '1', 'a', '+', 'Z') }), (a, b) => {
        run(a);
        run(`h0cnbmfcn93xm5dg2x27ixhag1cwndga-${a}-${b}`);
      }),
      { numRuns: 500 },
    );
    const start = Date.now();
    run(`h0cnbmfcn93xm5dg2x27ixhag1cwndga-x-1${'-1.a'.repeat(20_000)}!`);
    run(`h0cnbmfcn93xm5dg2x27ixhag1cwndga-${'-1'.repeat(50_000)}`);
    expect(Date.now() - start).toBeLessThan(2000);
  });
});
