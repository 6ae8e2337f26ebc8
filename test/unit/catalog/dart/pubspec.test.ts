import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { dartPubspecCataloger } from '../../../../src/catalog/dart/index.js';
import { parsePubspec } from '../../../../src/catalog/dart/pubspec.js';
import { FIXTURES } from '../../../helpers/paths.js';
import { catalogFiles } from '../lang-support.js';

describe('dart-pubspec-cataloger', () => {
  it('the package itself as the project, pkg:pub at its version, homepage/repository/SDK constraints in metadata', async () => {
    const r = await catalogFiles([dartPubspecCataloger], [{ path: '/src/macros/pubspec.yml', content: readFileSync(join(FIXTURES, 'catalog', 'peers', 'syft/dart/pubspecs/macros.pubspec.yaml')) }]);
    expect(r.packages).toHaveLength(1);
    expect(r.packages[0]).toMatchObject({
      name: '_macros',
      version: '0.3.2',
      type: 'dart-pub',
      purl: 'pkg:pub/_macros@0.3.2',
      metadata: { project: 'root', publishTo: 'none', sdk: '^3.4.0-256.0.dev', repository: 'https://github.com/dart-lang/sdk/tree/main/pkg/_macros' },
      foundBy: ['dart-pubspec-cataloger'],
    });
  });

  it('no version: reported without one; no name, not a mapping or not YAML incomplete', async () => {
    const r = await catalogFiles([dartPubspecCataloger], [
      { path: '/a/pubspec.yaml', content: Buffer.from('name: my_app\ndescription: An app.\npublish_to: none\ndependencies:\n  http: ^1.2.0\n') },
      { path: '/b/pubspec.yaml', content: Buffer.from('version: 1.0.0\n') },
      { path: '/c/pubspec.yaml', content: Buffer.from('- a\n') },
      { path: '/d/pubspec.yaml', content: Buffer.from('name: [unclosed\n') },
      { path: '/e/pubspec.yaml', content: Buffer.from('name: not a name\nversion: 1.0.0\n') },
    ]);
    expect(r.packages.map((p) => [p.purl, p.version, p.description])).toEqual([['pkg:pub/my_app', '', 'An app.']]);
    expect(r.incomplete.map((i) => i.path).sort()).toEqual(['/b/pubspec.yaml', '/c/pubspec.yaml', '/d/pubspec.yaml', '/e/pubspec.yaml']);
  });

  it('a pubspec in pub\'s cache (hosted/<host>/<name>-<version>/) is a downloaded package, not the project', async () => {
    const spec = Buffer.from('name: collection\nversion: 1.18.0\n');
    const r = await catalogFiles([dartPubspecCataloger], [
      { path: '/root/.pub-cache/hosted/pub.dev/collection-1.18.0/pubspec.yaml', content: spec },
      // a directory not named after the file's own name and version stays a project
      { path: '/src/hosted/pub.dev/other-1.0.0/pubspec.yaml', content: spec },
    ]);
    const byPath = new Map(r.packages.map((p) => [p.locations[0]?.path, p.metadata]));
    expect(byPath.get('/root/.pub-cache/hosted/pub.dev/collection-1.18.0/pubspec.yaml')).toEqual({ pubCache: true });
    expect(byPath.get('/src/hosted/pub.dev/other-1.0.0/pubspec.yaml')).toMatchObject({ project: 'root' });
  });

  it('hostile input (fast-check): a result or a thrown Error', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const run = (s: string): void => {
      try {
        expect(Array.isArray(parsePubspec({ location: { path: '/pubspec.yaml' }, contents: Buffer.from(s) }, ctx).packages)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    };
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        run(a);
        run(`name: ${a}\nversion: ${b}\nenvironment:\n  sdk: ${a}\n`);
      }),
      { numRuns: 300 },
    );
    run(`name: x\nversion: ${'['.repeat(10_000)}\n`);
  });
});
