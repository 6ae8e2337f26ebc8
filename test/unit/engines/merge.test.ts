import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { mergeEngineSboms, packageDisagreements, packageEngines, parseEngineList } from '../../../src/sbom/engines/index.js';
import type { Package, Sbom } from '../../../src/sbom/model.js';

function pkg(p: Partial<Package> & Pick<Package, 'name' | 'version' | 'type'>): Package {
  return { id: `${p.type}-${p.name}-${p.version}-${p.foundBy?.[0] ?? 'x'}-${p.locations?.[0]?.path ?? ''}`, licenses: [], locations: [], foundBy: [], ...p };
}

function sbom(packages: Package[], extra: Partial<Sbom> = {}): Sbom {
  return { subject: { kind: 'image', name: 'docker-archive:app.tar' }, packages, relationships: [], tools: [], ...extra };
}

const native = sbom(
  [
    pkg({ name: 'bsdutils', version: '1:2.38.1-5+deb12u3', type: 'deb', purl: 'pkg:deb/debian/bsdutils@1:2.38.1-5+deb12u3?arch=amd64&distro=debian-12', foundBy: ['dpkg-db-cataloger'], licenses: ['GPL-2.0-or-later'], locations: [{ path: '/var/lib/dpkg/status', layer: 'sha256:aa' }] }),
    pkg({ name: 'libc6', version: '2.36-9', type: 'deb', purl: 'pkg:deb/debian/libc6@2.36-9?arch=amd64', foundBy: ['dpkg-db-cataloger'] }),
    pkg({ name: 'libc6', version: '2.36-9', type: 'deb', purl: 'pkg:deb/debian/libc6@2.36-9?arch=i386', foundBy: ['dpkg-db-cataloger'] }),
    pkg({ name: 'ms', version: '2.0.0', type: 'npm', purl: 'pkg:npm/ms@2.0.0', foundBy: ['npm-package-cataloger'], locations: [{ path: '/srv/app/node_modules/ms/package.json' }] }),
    pkg({ name: 'ms', version: '2.0.0', type: 'npm', purl: 'pkg:npm/ms@2.0.0', foundBy: ['npm-package-cataloger'], locations: [{ path: '/srv/app/node_modules/debug/node_modules/ms/package.json' }] }),
    pkg({ name: 'lodash', version: '4.17.21', type: 'npm', purl: 'pkg:npm/lodash@4.17.21', foundBy: ['npm-package-cataloger'], locations: [{ path: '/srv/app/node_modules/lodash/package.json' }] }),
    pkg({ name: 'app', version: '1.0', type: 'java-archive', foundBy: ['java-archive-cataloger'], locations: [{ path: '/opt/app.jar' }] }),
  ],
  { distro: { id: 'debian', versionId: '12' }, tools: [{ name: 'custody', version: '0.1.0' }], relationships: [] },
);
const trivy = sbom(
  [
    pkg({ name: 'bsdutils', version: '1:2.38.1-5+deb12u3', type: 'deb', purl: 'pkg:deb/debian/bsdutils@2.38.1-5+deb12u3?arch=amd64&epoch=1&distro=debian-12.15', foundBy: ['trivy'], licenses: ['GPL-2.0'], cpes: ['cpe:2.3:a:x:bsdutils:*'], locations: [{ path: '/var/lib/dpkg/status' }] }),
    pkg({ name: 'libc6', version: '2.36-9', type: 'deb', purl: 'pkg:deb/debian/libc6@2.36-9?arch=i386', foundBy: ['trivy'] }),
    pkg({ name: 'ms', version: '2.0.0', type: 'npm', purl: 'pkg:npm/ms@2.0.0', foundBy: ['trivy'], locations: [{ path: '/srv/app/node_modules/debug/node_modules/ms/package.json' }] }),
    pkg({ name: 'lodash', version: '4.17.20', type: 'npm', purl: 'pkg:npm/lodash@4.17.20', foundBy: ['trivy'], locations: [{ path: '/srv/app/node_modules/lodash/package.json' }] }),
    pkg({ name: 'app', version: '1.0', type: 'java-archive', foundBy: ['trivy'], locations: [{ path: '/opt/app.jar' }], metadata: { trivyPkgType: 'jar' } }),
  ],
  { distro: { id: 'debian', versionId: '12.15' }, tools: [{ name: 'trivy', version: '0.50.1' }], subject: { kind: 'image', name: 'x', configDigest: 'sha256:cfg' } },
);

describe('mergeEngineSboms', () => {
  const { sbom: merged, agreement } = mergeEngineSboms([
    { engine: 'native', sbom: native },
    { engine: 'trivy', sbom: trivy },
  ]);
  const find = (name: string, version: string, path?: string): Package =>
    merged.packages.find((p) => p.name === name && p.version === version && (path === undefined || p.locations.some((l) => l.path === path)))!;

  it('merges by purl, with the deb epoch as qualifier or in the version', () => {
    const b = find('bsdutils', '1:2.38.1-5+deb12u3');
    expect(packageEngines(b)).toEqual(['native', 'trivy']);
    expect(b.foundBy).toEqual(['dpkg-db-cataloger', 'trivy']);
    expect(b.cpes).toEqual(['cpe:2.3:a:x:bsdutils:*']);
    expect(b.locations).toEqual([{ path: '/var/lib/dpkg/status', layer: 'sha256:aa' }]);
    // the base engine's licences win; each engine's list is kept
    expect(b.licenses).toEqual(['GPL-2.0-or-later']);
    expect(b.metadata?.licensesByEngine).toEqual({ native: ['GPL-2.0-or-later'], trivy: ['GPL-2.0'] });
    expect(merged.packages.filter((p) => p.name === 'bsdutils')).toHaveLength(1);
  });

  it('never merges different architectures', () => {
    const libc = merged.packages.filter((p) => p.name === 'libc6');
    expect(libc.map((p) => [p.purl, packageEngines(p)])).toEqual([
      ['pkg:deb/debian/libc6@2.36-9?arch=amd64', ['native']],
      ['pkg:deb/debian/libc6@2.36-9?arch=i386', ['native', 'trivy']],
    ]);
  });

  it('the same purl at two places: matched by location', () => {
    expect(packageEngines(find('ms', '2.0.0', '/srv/app/node_modules/debug/node_modules/ms/package.json'))).toEqual(['native', 'trivy']);
    expect(packageEngines(find('ms', '2.0.0', '/srv/app/node_modules/ms/package.json'))).toEqual(['native']);
  });

  it('without purls: type + name + version at the same location; other engines\' metadata kept by engine', () => {
    const app = find('app', '1.0');
    expect(packageEngines(app)).toEqual(['native', 'trivy']);
    expect(app.metadata?.trivy).toEqual({ trivyPkgType: 'jar' });
  });

  it('a version only one engine saw is a disagreement on both rows', () => {
    const mine = find('lodash', '4.17.21');
    const theirs = find('lodash', '4.17.20');
    expect(packageEngines(mine)).toEqual(['native']);
    expect(packageEngines(theirs)).toEqual(['trivy']);
    expect(packageDisagreements(mine)).toEqual(['version native=4.17.21 trivy=4.17.20']);
    expect(packageDisagreements(theirs)).toEqual(['version native=4.17.21 trivy=4.17.20']);
    expect(agreement.notes).toContain('lodash: version native=4.17.21 trivy=4.17.20');
  });

  it('agreement counts, subject/distro from the base (gaps filled), tools from all', () => {
    expect(agreement).toMatchObject({ engines: ['native', 'trivy'], agreed: 4, partial: { native: 3, trivy: 1 } });
    expect(merged.packages).toHaveLength(8);
    expect(merged.distro).toEqual({ id: 'debian', versionId: '12' });
    expect(merged.subject).toEqual({ kind: 'image', name: 'docker-archive:app.tar', configDigest: 'sha256:cfg' });
    expect(merged.tools).toEqual([{ name: 'custody', version: '0.1.0' }, { name: 'trivy', version: '0.50.1' }]);
    expect(new Set(merged.packages.map((p) => p.id)).size).toBe(8);
  });

  it('relationships of every engine land on the merged packages', () => {
    const a = sbom([pkg({ name: 'a', version: '1', type: 'npm', purl: 'pkg:npm/a@1', id: 'A' }), pkg({ name: 'b', version: '1', type: 'npm', purl: 'pkg:npm/b@1', id: 'B' })]);
    const b = sbom([pkg({ name: 'a', version: '1', type: 'npm', purl: 'pkg:npm/a@1', id: 'x1' }), pkg({ name: 'b', version: '1', type: 'npm', purl: 'pkg:npm/b@1', id: 'x2' })], {
      relationships: [{ from: 'x1', to: 'x2', type: 'depends-on' }],
    });
    const { sbom: m } = mergeEngineSboms([{ engine: 'native', sbom: a }, { engine: 'syft', sbom: b }]);
    const ida = m.packages.find((p) => p.name === 'a')!.id;
    const idb = m.packages.find((p) => p.name === 'b')!.id;
    expect(m.relationships).toEqual([{ from: ida, to: idb, type: 'depends-on' }]);
  });

  it('property: merging an SBOM with itself agrees on every package and loses none', () => {
    const arb = fc.uniqueArray(
      fc.record({ name: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), version: fc.stringMatching(/^[0-9]\.[0-9]{1,2}$/), withPurl: fc.boolean() }),
      { selector: (x) => `${x.name}@${x.version}`, maxLength: 30 },
    );
    fc.assert(
      fc.property(arb, (items) => {
        const s = sbom(items.map((i) => pkg({ name: i.name, version: i.version, type: 'npm', ...(i.withPurl ? { purl: `pkg:npm/${i.name}@${i.version}` } : {}), locations: [{ path: `/n/${i.name}` }] })));
        const { sbom: m, agreement: a } = mergeEngineSboms([{ engine: 'native', sbom: s }, { engine: 'trivy', sbom: structuredClone(s) }]);
        expect(m.packages).toHaveLength(items.length);
        expect(a.agreed).toBe(items.length);
      }),
    );
  });
});

describe('parseEngineList', () => {
  it('parses, dedupes and keeps order', () => {
    expect(parseEngineList('native,trivy')).toEqual(['native', 'trivy']);
    expect(parseEngineList(' Trivy , syft,trivy')).toEqual(['trivy', 'syft']);
  });
  it('unknown or empty engines are usage errors (exit 2)', () => {
    expect(() => parseEngineList('grype')).toThrow(UsageError);
    expect(() => parseEngineList(',')).toThrow(/no engine/);
  });
});
