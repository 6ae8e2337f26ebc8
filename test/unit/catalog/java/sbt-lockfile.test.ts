import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { javaSbtLockfileCataloger } from '../../../../src/catalog/java/index.js';
import { catalogFiles, fixture } from '../lang-support.js';

const label = (p: { purl?: string; metadata?: Record<string, unknown> }): string => `${p.purl}${p.metadata?.dev === true ? ' (dev)' : ''}`;
const lock = (deps: unknown[]): Buffer => Buffer.from(JSON.stringify({ lockVersion: 1, configurations: ['compile', 'runtime', 'test'], dependencies: deps }));

describe('java-sbt-lockfile-cataloger', () => {
  it('build.sbt.lock (trivy\'s fixture): maven packages, test-only modules dev, the jar\'s sha1 as SHA-1', async () => {
    const r = await catalogFiles([javaSbtLockfileCataloger], [{ path: '/src/build.sbt.lock', content: fixture('peers/trivy/sbt/lockfile/testdata/v1_happy.sbt.lock') }]);
    expect(r.packages.map(label).sort()).toEqual([
      'pkg:maven/org.apache.commons/commons-lang3@3.9',
      'pkg:maven/org.scala-lang/scala-library@2.12.10',
      'pkg:maven/org.scalatest/scalatest-core_2.13@3.2.15 (dev)',
      'pkg:maven/org.typelevel/cats-core_2.12@2.9.0',
    ]);
    expect(r.packages.find((p) => p.name === 'commons-lang3')).toMatchObject({ name: 'commons-lang3', group: 'org.apache.commons', type: 'java-archive', hashes: { 'SHA-1': '0122c7cee69b53ed4a7681c03d4ee4c0e2765da5' }, foundBy: ['java-sbt-lockfile-cataloger'] });
    expect(r.incomplete).toEqual([]);
  });

  it('an empty lock is no packages, silently; a module locked twice is reported once, not dev when one lock is not test', async () => {
    const empty = await catalogFiles([javaSbtLockfileCataloger], [{ path: '/src/build.sbt.lock', content: fixture('peers/trivy/sbt/lockfile/testdata/empty.sbt.lock') }]);
    expect([empty.packages, empty.incomplete, empty.warnings]).toEqual([[], [], []]);
    const twice = await catalogFiles([javaSbtLockfileCataloger], [
      { path: '/p/build.sbt.lock', content: lock([{ org: 'a', name: 'b', version: '1', configurations: ['test'] }, { org: 'a', name: 'b', version: '1', configurations: ['compile'] }]) },
    ]);
    expect(twice.packages.map(label)).toEqual(['pkg:maven/a/b@1']);
  });

  it('an entry without org, name or version makes the file incomplete; the rest is read; not JSON or no dependencies array is incomplete whole', async () => {
    const r = await catalogFiles([javaSbtLockfileCataloger], [{ path: '/p/build.sbt.lock', content: lock([{ org: 'a', name: 'b' }, 7, { org: 'x', name: 'y', version: '2.0', configurations: ['runtime'] }]) }]);
    expect(r.packages.map(label)).toEqual(['pkg:maven/x/y@2.0']);
    expect(r.incomplete.map((i) => i.reason)).toEqual(['sbt lock file entries without org, name and version: dependencies[0] "a:b", dependencies[1]']);
    for (const bad of ['{', '{"lockVersion":1}', '[]']) {
      const x = await catalogFiles([javaSbtLockfileCataloger], [{ path: '/p/build.sbt.lock', content: Buffer.from(bad) }]);
      expect(x.packages).toEqual([]);
      expect(x.incomplete).toHaveLength(1);
    }
  });

  it('hostile entries (fast-check): never throws; every package has a version', async () => {
    const entry = fc.record({ org: fc.oneof(fc.string({ maxLength: 8 }), fc.constant(undefined), fc.integer()), name: fc.string({ maxLength: 8 }), version: fc.oneof(fc.string({ maxLength: 8 }), fc.constant(null)), configurations: fc.oneof(fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }), fc.constant('test')) });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(entry, fc.anything()), { maxLength: 8 }), async (deps) => {
        const r = await catalogFiles([javaSbtLockfileCataloger], [{ path: '/p/build.sbt.lock', content: lock(deps) }]);
        for (const p of r.packages) expect(p.version).not.toBe('');
      }),
      { numRuns: 200 },
    );
  });
});
