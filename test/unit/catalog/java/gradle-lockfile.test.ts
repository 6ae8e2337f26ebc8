import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { parseGradleLockfile } from '../../../../src/catalog/java/gradle-lockfile.js';
import { javaGradleLockfileCataloger } from '../../../../src/catalog/java/index.js';
import { catalogFiles, fixture } from '../lang-support.js';

const label = (p: { purl?: string; metadata?: Record<string, unknown> }): string => `${p.purl}${p.metadata?.dev === true ? ' (dev)' : ''}`;

describe('java-gradle-lockfile-cataloger', () => {
  it('gradle.lockfile: one maven package per module, test-only modules dev, a module locked twice once (not dev when one lock is not a test one)', async () => {
    const r = await catalogFiles([javaGradleLockfileCataloger], [{ path: '/src/app/gradle.lockfile', content: fixture('java/gradle/app/gradle.lockfile') }]);
    expect(r.packages.map(label)).toEqual([
      'pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.15.2',
      'pkg:maven/org.junit.jupiter/junit-jupiter-api@5.10.0 (dev)',
      'pkg:maven/org.slf4j/slf4j-api@2.0.9',
    ]);
    const jackson = r.packages[0]!;
    expect(jackson).toMatchObject({ name: 'jackson-databind', group: 'com.fasterxml.jackson.core', version: '2.15.2', type: 'java-archive', foundBy: ['java-gradle-lockfile-cataloger'] });
    expect(jackson.metadata).toEqual({ configurations: ['compileClasspath', 'runtimeClasspath'] });
    expect(r.incomplete).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it('dependency-locks/*.lockfile (Gradle < 6, no configurations): read; an entry without a version is a warning', async () => {
    const r = await catalogFiles([javaGradleLockfileCataloger], [{ path: '/src/app/gradle/dependency-locks/compileClasspath.lockfile', content: fixture('java/gradle/app/gradle/dependency-locks/compileClasspath.lockfile') }]);
    expect(r.packages.map(label)).toEqual(['pkg:maven/com.google.guava/guava@32.1.2-jre']);
    expect(r.incomplete).toEqual([]);
    expect(r.warnings.join('\n')).toMatch(/entries without a version; not reported: line 5 "com\.example:no-version"/);
  });

  it('a line that is no group:artifact:version entry makes the file incomplete; the rest is read', async () => {
    const r = await catalogFiles([javaGradleLockfileCataloger], [{ path: '/p/gradle.lockfile', content: fixture('java/gradle/broken.lockfile') }]);
    expect(r.packages.map(label)).toEqual(['pkg:maven/org.yaml/snakeyaml@2.2']);
    expect(r.incomplete.map((i) => [i.path, i.reason])).toEqual([['/p/gradle.lockfile', expect.stringMatching(/^gradle lock file lines that are not group:artifact:version entries: line 3 "org\.apache\.commons:commons-lang3/)]]);
  });

  it('a line over 64 KiB is not read (incomplete, not echoed); names only the first ten bad lines', () => {
    const reasons: string[] = [];
    const ctx = { warn: () => {}, incomplete: (r: string) => reasons.push(r), limits: DEFAULT_LIMITS };
    const bad = Array.from({ length: 12 }, (_, i) => `x${i}`).join('\n');
    parseGradleLockfile({ location: { path: '/x' }, contents: Buffer.from(`${'a'.repeat(70_000)}\n${bad}\n`) }, ctx);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^gradle lock file lines that are not group:artifact:version entries: line 1 \(70000 characters\), line 2 "x0"/);
    expect(reasons[0]).toMatch(/and 3 more$/);
    expect(reasons[0]!.length).toBeLessThan(1000);
  });

  it('hostile input (fast-check): never throws, reports at most one package per line', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const piece = fc.oneof(fc.string(), fc.constantFrom(':', '=', ',', '#', '\n', '\r\n', 'empty=', 'test', ' ', 'a:b:c', '\uFEFF'));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (parts) => {
        const text = parts.join('');
        const r = parseGradleLockfile({ location: { path: '/x' }, contents: Buffer.from(text) }, ctx);
        expect(r.packages.length).toBeLessThanOrEqual(text.split('\n').length);
        for (const p of r.packages) expect(p.version).not.toBe('');
      }),
      { numRuns: 500 },
    );
  });
});
