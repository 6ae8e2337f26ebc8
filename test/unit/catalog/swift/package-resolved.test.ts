import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { swiftPackageResolvedCataloger } from '../../../../src/catalog/swift/index.js';
import { parsePackageResolved, swiftNamespace, swiftSource } from '../../../../src/catalog/swift/package-resolved.js';
import { catalogFiles } from '../lang-support.js';

const pin = (identity: string, location: string, state: Record<string, string>, kind = 'remoteSourceControl') => ({ identity, kind, location, state });

describe('swift-package-resolved-cataloger', () => {
  it('the repository of a pin: scheme, user, .git and scp-like URLs; the name leaves the namespace', () => {
    expect(swiftSource('https://github.com/apple/swift-nio.git')).toBe('github.com/apple/swift-nio');
    expect(swiftSource('git@github.com:Owner/Repo.git')).toBe('github.com/Owner/Repo');
    expect(swiftSource('ssh://git@gitlab.example.com:2222/team/lib.git/')).toBe('gitlab.example.com:2222/team/lib');
    expect(swiftNamespace('https://github.com/Quick/Nimble.git', 'nimble')).toBe('github.com/Quick');
    expect(swiftNamespace('https://github.com/acme/other-name', 'lib')).toBe('github.com/acme/other-name');
  });

  it('v2 pins: version, else the locked revision (branch kept); local checkouts a warning; pins without name or revision incomplete', async () => {
    const doc = {
      pins: [
        pin('swift-nio', 'https://github.com/apple/swift-nio.git', { revision: 'a'.repeat(40), version: '2.65.0' }),
        pin('feature', 'git@github.com:acme/Feature.git', { branch: 'main', revision: 'b'.repeat(40) }),
        pin('mylib', '/Users/dev/mylib', { revision: 'c'.repeat(40) }, 'localSourceControl'),
        pin('mona.linkedlist', '', { version: '1.1.0' }, 'registry'),
        pin('', 'https://github.com/x/y', { version: '1.0.0' }),
        pin('nothing', 'https://github.com/x/nothing', {}),
      ],
      version: 2,
    };
    const r = await catalogFiles([swiftPackageResolvedCataloger], [{ path: '/app/App.xcworkspace/xcshareddata/swiftpm/Package.resolved', content: Buffer.from(JSON.stringify(doc)) }]);
    expect(r.packages.map((p) => p.purl).sort()).toEqual([
      `pkg:swift/github.com/acme/feature@${'b'.repeat(40)}`,
      'pkg:swift/github.com/apple/swift-nio@2.65.0',
      'pkg:swift/mona/linkedlist@1.1.0',
    ]);
    expect(r.packages.find((p) => p.name === 'feature')!.metadata).toEqual({ revision: 'b'.repeat(40), branch: 'main', repositoryUrl: 'git@github.com:acme/Feature.git' });
    expect(r.packages.every((p) => p.type === 'swift' && p.foundBy[0] === 'swift-package-resolved-cataloger')).toBe(true);
    expect(r.warnings.join('\n')).toMatch(/pins of local checkouts are not reported: mylib/);
    expect(r.incomplete.map((i) => i.reason)).toEqual(['Package.resolved pins without a name or a version and revision: #5, "nothing"']);
  });

  it('not JSON, an unknown version or pins that are not a list are incomplete; .package.resolved is read too', async () => {
    const r = await catalogFiles([swiftPackageResolvedCataloger], [
      { path: '/a/Package.resolved', content: Buffer.from('{"pins": [') },
      { path: '/b/Package.resolved', content: Buffer.from('{"version": 4, "pins": []}') },
      { path: '/c/Package.resolved', content: Buffer.from('{"version": 1, "object": {"pins": {}}}') },
      { path: '/d/.package.resolved', content: Buffer.from('{"version": 1, "object": {"pins": [{"package": "Nimble", "repositoryURL": "https://github.com/Quick/Nimble.git", "state": {"branch": null, "revision": "c93f", "version": "9.2.1"}}]}}') },
    ]);
    expect(r.packages.map((p) => p.purl)).toEqual(['pkg:swift/github.com/Quick/Nimble@9.2.1']);
    expect(r.incomplete.map((i) => i.path).sort()).toEqual(['/a/Package.resolved', '/b/Package.resolved', '/c/Package.resolved']);
  });

  it('hostile input (fast-check): a result or a thrown Error', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const run = (s: string): void => {
      try {
        expect(Array.isArray(parsePackageResolved({ location: { path: '/x' }, contents: Buffer.from(s) }, ctx).packages)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    };
    fc.assert(
      fc.property(fc.string(), fc.jsonValue(), fc.string(), (a, v, loc) => {
        run(a);
        run(JSON.stringify({ version: 2, pins: [{ identity: a, location: loc, state: v }, v] }));
        run(JSON.stringify({ version: 1, object: { pins: [{ package: a, repositoryURL: loc, state: { version: a } }] } }));
        expect(typeof swiftSource(`${loc}${'/'.repeat(50_000)}x`)).toBe('string');
      }),
      { numRuns: 300 },
    );
  });
});
