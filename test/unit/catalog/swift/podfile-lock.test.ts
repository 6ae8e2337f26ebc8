import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { cocoapodsPodfileLockCataloger } from '../../../../src/catalog/swift/index.js';
import { parsePodfileLock } from '../../../../src/catalog/swift/podfile-lock.js';
import { FIXTURES } from '../../../helpers/paths.js';
import { catalogFiles } from '../lang-support.js';

describe('cocoapods-podfile-lock-cataloger', () => {
  it('pods and subspecs (subspec as purl subpath), SHA-1 from SPEC CHECKSUMS, depends-on from the dependency lists', async () => {
    const r = await catalogFiles([cocoapodsPodfileLockCataloger], [{ path: '/ios/Podfile.lock', content: readFileSync(join(FIXTURES, 'catalog', 'peers', 'syft/swift/Podfile.lock')) }]);
    const core = r.packages.find((p) => p.name === 'PINCache/Core')!;
    expect(core).toMatchObject({ type: 'cocoapods', version: '3.0.3', purl: 'pkg:cocoapods/PINCache@3.0.3#Core', foundBy: ['cocoapods-podfile-lock-cataloger'] });
    expect(core.hashes?.['SHA-1']).toMatch(/^[0-9a-f]{40}$/);
    const name = new Map(r.packages.map((p) => [p.id, p.name]));
    expect(r.relationships.filter((x) => name.get(x.from) === 'PINCache').map((x) => name.get(x.to)).sort()).toEqual(['PINCache/Arc-exception-safe', 'PINCache/Core']);
    expect(r.incomplete).toEqual([]);
  });

  it('not YAML, not a mapping or PODS not a list is incomplete; entries not "Name (version)" too; no PODS a warning', async () => {
    const r = await catalogFiles([cocoapodsPodfileLockCataloger], [
      { path: '/a/Podfile.lock', content: Buffer.from('PODS:\n  - [unclosed\n') },
      { path: '/b/Podfile.lock', content: Buffer.from('PODS: 3\n') },
      { path: '/c/Podfile.lock', content: Buffer.from('PODS:\n  - Alamofire (5.8.1)\n  - Weird = 1\n  - 42\n  - {A (1.0): [], B (2.0): []}\n') },
      { path: '/d/Podfile.lock', content: Buffer.from('COCOAPODS: 1.15.2\n') },
    ]);
    expect(r.packages.map((p) => p.purl)).toEqual(['pkg:cocoapods/Alamofire@5.8.1']);
    expect(r.incomplete.map((i) => `${i.path}: ${i.reason}`).sort()).toEqual([
      expect.stringMatching(/^\/a\/Podfile\.lock: invalid YAML in Podfile\.lock/),
      '/b/Podfile.lock: Podfile.lock PODS is not a list',
      '/c/Podfile.lock: Podfile.lock pods not in the form "Name (version)": "Weird = 1", "42", "A (1.0)"',
    ]);
    expect(r.warnings.join('\n')).toMatch(/\/d\/Podfile\.lock: Podfile\.lock without PODS/);
  });

  it('hostile input (fast-check): a result or a thrown Error', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const run = (s: string): void => {
      try {
        expect(Array.isArray(parsePodfileLock({ location: { path: '/x' }, contents: Buffer.from(s) }, ctx).packages)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    };
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        run(a);
        run(`PODS:\n  - ${a} (${b}):\n    - ${b}\n  - ${b}\nSPEC CHECKSUMS:\n  ${a}: ${b}\n`);
      }),
      { numRuns: 300 },
    );
    run(`PODS:\n  - x (${'('.repeat(100_000)}\n`);
  });
});
