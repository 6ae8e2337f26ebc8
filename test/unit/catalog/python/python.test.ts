import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { normalizePythonName } from '../../../../src/catalog/python/common.js';
import { pythonInstalledCataloger, pythonLockCataloger } from '../../../../src/catalog/python/index.js';
import { parsePipfileLock, parsePoetryLock, parseRequirements, parseUvLock } from '../../../../src/catalog/python/lock-files.js';
import { parsePythonMetadata } from '../../../../src/catalog/python/metadata.js';
import { catalogFiles, find, fixture, summarize } from '../lang-support.js';

describe('python-installed-cataloger', () => {
  it('dist-info METADATA, egg-info PKG-INFO and egg-info files; PEP 503 purls; licences', async () => {
    const r = await catalogFiles(
      [pythonInstalledCataloger],
      [
        { path: '/usr/lib/python3/dist-packages/charset_normalizer-3.0.1.dist-info/METADATA', content: fixture('python/METADATA') },
        { path: '/usr/local/lib/python3.11/site-packages/zope.interface-5.5.2.egg-info/PKG-INFO', content: fixture('python/PKG-INFO') },
        { path: '/usr/lib/python3/dist-packages/six-1.16.0.egg-info', content: 'Metadata-Version: 1.1\nName: six\nVersion: 1.16.0\nLicense: MIT\n' },
        { path: '/usr/lib/python3/dist-packages/broken-1.0.dist-info/METADATA', content: 'Metadata-Version: 2.1\nName: broken\n' },
      ],
    );
    expect(r.packages.map((p) => p.purl).sort()).toEqual(['pkg:pypi/charset-normalizer@3.0.1', 'pkg:pypi/six@1.16.0', 'pkg:pypi/zope-interface@5.5.2']);
    expect(find(r, 'charset-normalizer')[0]!.licenses).toEqual(['MIT']);
    // multi-line License text is not a licence name: the classifier is used
    expect(find(r, 'zope.interface')[0]!.licenses).toEqual(['ZPL-2.1']);
    expect(r.warnings).toEqual(['/usr/lib/python3/dist-packages/broken-1.0.dist-info/METADATA: python metadata without Version; skipped']);
    await expect(summarize(r)).toMatchFileSnapshot('__golden__/installed.txt');
  });

  it('normalises names per PEP 503', () => {
    expect(normalizePythonName('Foo__Bar.baz-Qux')).toBe('foo-bar-baz-qux');
  });
});

describe('python-lock-cataloger', () => {
  it.each(['requirements.txt', 'poetry.lock', 'Pipfile.lock', 'uv.lock'])('%s', async (name) => {
    const r = await catalogFiles([pythonLockCataloger], [{ path: `/src/${name}`, content: fixture(`python/${name}`) }]);
    expect(r.packages.length).toBeGreaterThan(0);
    await expect(summarize(r)).toMatchFileSnapshot(`__golden__/${name}.txt`);
  });

  it('requirements: only == / === pins, with extras, markers and hashes; wildcards are warnings', async () => {
    const r = await catalogFiles([pythonLockCataloger], [{ path: '/src/requirements.txt', content: fixture('python/requirements.txt') }]);
    expect(r.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(['Jinja2@3.1.2', 'charset_normalizer@3.0.1', 'requests@2.28.1']);
    expect(r.warnings.join('\n')).toMatch(/wildcard pin "Django==4\.\*"/);
  });

  it('lock relationships and skipped project entries', async () => {
    const uv = await catalogFiles([pythonLockCataloger], [{ path: '/src/uv.lock', content: fixture('python/uv.lock') }]);
    expect(uv.packages.map((p) => p.name).sort()).toEqual(['idna', 'requests']);
    expect(uv.relationships).toHaveLength(1);
    const poetry = await catalogFiles([pythonLockCataloger], [{ path: '/src/poetry.lock', content: fixture('python/poetry.lock') }]);
    expect(poetry.relationships).toHaveLength(2);
    const pip = await catalogFiles([pythonLockCataloger], [{ path: '/src/Pipfile.lock', content: fixture('python/Pipfile.lock') }]);
    expect(find(pip, 'zope.interface')[0]!.purl).toBe('pkg:pypi/zope-interface@5.5.2');
    expect(find(pip, 'pytest')[0]!.metadata?.dev).toBe(true);
    expect(pip.warnings).toEqual([]);
  });

  it('invalid TOML is a warning naming the file', async () => {
    const r = await catalogFiles([pythonLockCataloger], [{ path: '/src/uv.lock', content: fixture('python/bad-uv.lock') }, { path: '/x/poetry.lock', content: fixture('python/poetry.lock') }]);
    expect(r.warnings.join('\n')).toMatch(/^\/src\/uv\.lock: python-lock-cataloger could not read it: invalid TOML in uv\.lock/);
    expect(r.packages).toHaveLength(3);
  });

  it('hostile bytes (fast-check): no crash other than an Error', () => {
    const ctx = { warn: () => {}, limits: DEFAULT_LIMITS };
    const seeds = ['requirements.txt', 'poetry.lock', 'Pipfile.lock', 'uv.lock', 'METADATA'].map((f) => fixture(`python/${f}`).toString('utf8'));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom(...seeds).chain((s) => fc.tuple(fc.nat(s.length), fc.string()).map(([i, x]) => s.slice(0, i) + x + s.slice(i + x.length)))), (text) => {
        for (const parse of [parseRequirements, parsePoetryLock, parsePipfileLock, parseUvLock, parsePythonMetadata]) {
          try {
            expect(Array.isArray(parse({ location: { path: '/x' }, contents: Buffer.from(text) }, ctx).packages)).toBe(true);
          } catch (err) {
            expect(err).toBeInstanceOf(Error);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
