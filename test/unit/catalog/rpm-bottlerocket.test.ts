import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type CatalogContext } from '../../../src/catalog/cataloger.js';
import { parseBottlerocketInventory } from '../../../src/catalog/rpm/bottlerocket.js';
import { rpmDbCataloger } from '../../../src/catalog/rpm/index.js';
import { catalogRoot } from './helpers.js';

const PATH = '/x86_64-bottlerocket-linux-gnu/sys-root/usr/share/bottlerocket/application-inventory.json';
const entry = (o: Record<string, string>): Record<string, string> => ({ Publisher: 'bottlerocket-core-kit', ApplicationType: 'Unspecified', Architecture: 'x86_64', InstalledTime: '2026-06-19T00:28:59Z', ...o });

describe('Bottlerocket application inventory (rpm-db-cataloger)', () => {
  it('reads the RPMs of the inventory: [epoch:]version-release, epoch "0" or absent as none, bottlerocket namespace and distro', async () => {
    const inventory = {
      Content: [
        entry({ Name: 'glibc', Version: '2.43', Release: '1.1781747852.5f13b929.br1', Epoch: '1', Summary: 'The GNU libc libraries' }),
        entry({ Name: 'kernel-6.1', Version: '6.1.172', Release: '1.1779997967.64782dc8.br1', Epoch: '0' }),
        entry({ Name: 'acpid', Version: '1.19.2', Release: '29cc92cc' }),
      ],
    };
    const r = await catalogRoot([rpmDbCataloger], [
      { path: PATH, content: Buffer.from(JSON.stringify(inventory)) },
      { path: '/etc/os-release', content: Buffer.from('NAME=Bottlerocket\nID=bottlerocket\nVERSION_ID=1.34.0\n') },
    ]);
    expect(r.warnings).toEqual([]);
    expect(r.packages.map((p) => [p.version, p.purl])).toEqual([
      ['1.19.2-29cc92cc', 'pkg:rpm/bottlerocket/acpid@1.19.2-29cc92cc?arch=x86_64&distro=bottlerocket-1.34.0'],
      ['1:2.43-1.1781747852.5f13b929.br1', 'pkg:rpm/bottlerocket/glibc@2.43-1.1781747852.5f13b929.br1?arch=x86_64&distro=bottlerocket-1.34.0&epoch=1'],
      ['6.1.172-1.1779997967.64782dc8.br1', 'pkg:rpm/bottlerocket/kernel-6.1@6.1.172-1.1779997967.64782dc8.br1?arch=x86_64&distro=bottlerocket-1.34.0'],
    ]);
    expect(r.packages.find((p) => p.name === 'glibc')).toMatchObject({ supplier: 'bottlerocket-core-kit', description: 'The GNU libc libraries', foundBy: ['rpm-db-cataloger'] });
  });

  it('an entry without name or version, or with an epoch that is no number, is incomplete; a file that is no inventory is incomplete', () => {
    const incomplete: string[] = [];
    const ctx: CatalogContext = { warn: () => {}, incomplete: (m) => incomplete.push(m), limits: DEFAULT_LIMITS };
    const parse = (text: string): string[] => parseBottlerocketInventory({ location: { path: PATH }, contents: Buffer.from(text) }, ctx).packages.map((p) => p.purl!);
    const content = [entry({ Name: 'a', Version: '1', Release: '1' }), entry({ Version: '2' }), entry({ Name: 'b', Version: '3', Epoch: 'x' }), null, 7];
    expect(parse(JSON.stringify({ Content: content }))).toEqual(['pkg:rpm/bottlerocket/a@1-1?arch=x86_64&distro=bottlerocket']);
    expect(parse('{"Content": {}}')).toEqual([]);
    expect(parse('not json')).toEqual([]);
    expect(incomplete).toEqual([
      'Bottlerocket application inventory: 4 entries not read (entry 2: no name or version; entry 3: epoch "x" is not a number; entry 4: no name or version; entry 5: no name or version)',
      'Bottlerocket application inventory: no "Content" list',
      'Bottlerocket application inventory: not JSON',
    ]);
  });

  it('never throws on hostile JSON (property)', () => {
    const ctx: CatalogContext = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = parseBottlerocketInventory({ location: { path: PATH }, contents: Buffer.from(JSON.stringify({ Content: Array.isArray(v) ? v : [v] })) }, ctx);
        for (const p of r.packages) expect(p.name).not.toMatch(/\s/);
      }),
      { numRuns: 200 },
    );
  });
});
