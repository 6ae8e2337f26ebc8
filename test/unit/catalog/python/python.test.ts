import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { normalizePythonName } from '../../../../src/catalog/python/common.js';
import { pythonInstalledCataloger, pythonLockCataloger } from '../../../../src/catalog/python/index.js';
import { parseEggArchive } from '../../../../src/catalog/python/egg.js';
import { parsePdmLock, parsePipfileLock, parsePoetryLock, parseUvLock } from '../../../../src/catalog/python/lock-files.js';
import { parsePythonMetadata } from '../../../../src/catalog/python/metadata.js';
import { classifyRequirement, distributionFileName, parseRequirements, requirementLines } from '../../../../src/catalog/python/requirements.js';
import { catalogFiles, find, fixture, generated, summarize } from '../lang-support.js';

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
    expect(r.warnings).toEqual(['/usr/lib/python3/dist-packages/broken-1.0.dist-info/METADATA: not read completely: python metadata of "broken" without Version; skipped']);
    expect(r.incomplete.map((i) => i.path)).toEqual(['/usr/lib/python3/dist-packages/broken-1.0.dist-info/METADATA']);
    await expect(summarize(r)).toMatchFileSnapshot('__golden__/installed.txt');
  });

  it('zipped .egg (real, setuptools bdist_egg), an egg unpacked into a directory, the <name>.egg-info/ layout', async () => {
    const pkgInfo = 'Metadata-Version: 2.1\nName: unzipped\nVersion: 0.3\n';
    const r = await catalogFiles(
      [pythonInstalledCataloger],
      [
        { path: '/usr/local/lib/python3.11/site-packages/custody_sample_egg-1.2.3-py3.11.egg', content: fixture('python/custody_sample_egg-1.2.3-py3.11.egg') },
        { path: '/usr/local/lib/python3.11/site-packages/unzipped-0.3-py3.11.egg/EGG-INFO/PKG-INFO', content: pkgInfo },
        { path: '/opt/eggs/legacy-layout-0.9-py2.7.egg', content: generated('python/legacy-layout-0.9-py2.7.egg') },
      ],
    );
    expect(r.packages.map((p) => `${p.purl} ${p.locations[0]!.path}`).sort()).toEqual([
      'pkg:pypi/custody-sample-egg@1.2.3 /usr/local/lib/python3.11/site-packages/custody_sample_egg-1.2.3-py3.11.egg',
      'pkg:pypi/legacy-layout@0.9 /opt/eggs/legacy-layout-0.9-py2.7.egg',
      'pkg:pypi/unzipped@0.3 /usr/local/lib/python3.11/site-packages/unzipped-0.3-py3.11.egg/EGG-INFO/PKG-INFO',
    ]);
    expect(find(r, 'custody-sample-egg')[0]!.licenses).toEqual(['MIT']);
    expect(r.warnings).toEqual([]);
    expect(r.incomplete).toEqual([]);
  });

  it('eggs that cannot be identified are incomplete: truncated, without PKG-INFO, PKG-INFO over the bound', async () => {
    const real = fixture('python/custody_sample_egg-1.2.3-py3.11.egg');
    const r = await catalogFiles(
      [pythonInstalledCataloger],
      [
        { path: '/e/truncated-1.0.egg', content: real.subarray(0, real.length - 40) },
        { path: '/e/no-pkg-info-1.0-py3.11.egg', content: generated('python/no-pkg-info-1.0-py3.11.egg') },
        { path: '/e/huge-pkg-info-1.0-py3.11.egg', content: generated('python/huge-pkg-info-1.0-py3.11.egg') },
      ],
    );
    expect(r.packages).toEqual([]);
    expect(r.incomplete.map((i) => `${i.path}: ${i.reason}`)).toEqual([
      '/e/huge-pkg-info-1.0-py3.11.egg: EGG-INFO/PKG-INFO is 2097208 bytes, over 1048576; not read',
      '/e/no-pkg-info-1.0-py3.11.egg: egg without EGG-INFO/PKG-INFO; not identified',
      expect.stringMatching(/^\/e\/truncated-1\.0\.egg: not a readable zip archive/),
    ]);
  });

  it('upper-case DIST-INFO/EGG-INFO directories (syft reads them too)', async () => {
    const meta = 'Metadata-Version: 2.1\nName: Pygments\nVersion: 2.6.1\n';
    const r = await catalogFiles(
      [pythonInstalledCataloger],
      [
        { path: '/site/Pygments-2.6.1.DIST-INFO/METADATA', content: meta },
        { path: '/site/requests-2.22.0.EGG-INFO/PKG-INFO', content: 'Metadata-Version: 2.1\nName: requests\nVersion: 2.22.0\n' },
      ],
    );
    expect(r.packages.map((p) => p.purl).sort()).toEqual(['pkg:pypi/pygments@2.6.1', 'pkg:pypi/requests@2.22.0']);
  });

  it('normalises names per PEP 503', () => {
    expect(normalizePythonName('Foo__Bar.baz-Qux')).toBe('foo-bar-baz-qux');
  });
});

describe('python-lock-cataloger', () => {
  it.each(['requirements.txt', 'requirements-compiled.txt', 'requirements-forms.txt', 'poetry.lock', 'Pipfile.lock', 'uv.lock'])('%s', async (name) => {
    const r = await catalogFiles([pythonLockCataloger], [{ path: `/src/${name}`, content: fixture(`python/${name}`) }]);
    expect(r.packages.length).toBeGreaterThan(0);
    await expect(summarize(r)).toMatchFileSnapshot(`__golden__/${name}.txt`);
  });

  it('requirements: only == / === pins, with extras, markers and hashes; the rest named line by line', async () => {
    const r = await catalogFiles([pythonLockCataloger], [{ path: '/src/requirements.txt', content: fixture('python/requirements.txt') }]);
    expect(r.packages.map((p) => `${p.name}@${p.version} line ${String(p.metadata?.line)}`).sort()).toEqual(['Jinja2@3.1.2 line 4', 'charset_normalizer@3.0.1 line 5', 'requests@2.28.1 line 2']);
    expect(r.warnings.join('\n')).toMatch(/line 9 "Django==4\.\*": wildcard "==4\.\*" is not one version; not reported/);
    // declared ranges and unpinned names are read as written: warnings, not incompleteness
    expect(r.incomplete).toEqual([]);
  });

  it('requirements: every form of pip\'s file format (issue 17)', async () => {
    const r = await catalogFiles([pythonLockCataloger], [{ path: '/src/requirements-forms.txt', content: fixture('python/requirements-forms.txt') }]);
    expect(r.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual([
      'Jinja2@3.1.3',
      'PyYAML@6.0.1',
      'celery@5.3.6',
      'certifi@2024.2.2',
      'idna@3.6',
      'packaging@24.0',
      'private_tool@0.4.1',
      'python-dateutil@2.8.2',
      'urllib3@1.26.18',
    ]);
    expect(find(r, 'urllib3')[0]!.metadata?.markers).toBe('python_version < "3.10" and sys_platform == "linux"');
    expect(find(r, 'certifi')[0]!.metadata?.line).toBe(12);
    // requirements that pin no single version: one warning each, and nothing incomplete (the lines were read)
    expect(r.incomplete).toEqual([]);
    for (const l of [21, 22, 23, 24, 25, 26, 27, 28]) expect(r.warnings.some((w) => w.includes(`line ${l} `) && w.endsWith('not reported'))).toBe(true);
    // options and local projects lose nothing: warnings only; pip's install options and comments: nothing
    for (const l of [4, 5, 31, 32]) expect(r.warnings.some((w) => w.includes(`line ${l} `) && w.endsWith('ignored'))).toBe(true);
    expect(r.warnings.some((w) => /line (2|3) /.test(w))).toBe(false);
    // credentials in URLs are never printed or kept
    expect(JSON.stringify(r)).not.toContain('s3cret');
    expect(find(r, 'private_tool')[0]!.metadata?.url).toBe('https://***@wheels.example.com/private_tool-0.4.1-py3-none-any.whl');
  });

  it('requirements: UTF-16 with a byte-order mark (Windows editors), CR line ends', async () => {
    const text = 'attrs==20.3.0\r\nsix==1.16.0\r\n';
    for (const content of [Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])]) {
      const r = await catalogFiles([pythonLockCataloger], [{ path: '/src/requirements.txt', content }]);
      expect(r.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(['attrs@20.3.0', 'six@1.16.0']);
    }
  });

  it('a line that is not a requirement at all may hide a package: incomplete, naming the lines', async () => {
    const r = await catalogFiles([pythonLockCataloger], [{ path: '/src/requirements.txt', content: 'requests==2.31.0\n==2.3.4\n@@@ what\nflask>=2\n' }]);
    expect(r.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['requests@2.31.0']);
    expect(r.incomplete.map((i) => i.reason)).toEqual(['2 lines not readable as requirements (lines 2, 3)']);
    expect(r.warnings.some((w) => w.includes('line 4 ') && w.endsWith('not reported'))).toBe(true);
  });

  it('requirement lines and file names', () => {
    expect(requirementLines('a==1 \\\n  --hash=x\n# c\n\nb==2 # c\n')).toEqual([
      { line: 1, text: 'a==1    --hash=x' },
      { line: 5, text: 'b==2' },
    ]);
    expect(distributionFileName('https://x/y/requests-2.31.0-py3-none-any.whl#sha256=1')).toEqual({ name: 'requests', version: '2.31.0' });
    expect(distributionFileName('numpy-1.26.4-1-cp311-cp311-manylinux_2_17_x86_64.whl')).toEqual({ name: 'numpy', version: '1.26.4' });
    expect(distributionFileName('./python-dateutil-2.8.2.tar.gz')).toEqual({ name: 'python-dateutil', version: '2.8.2' });
    expect(distributionFileName('https://github.com/a/b/archive/main.zip')).toBeUndefined();
    expect(classifyRequirement('GithubSampleProject == 3.7.1 @ git+https://github.com/owner/repo@releases/tag/v3.7.1')).toMatchObject({ kind: 'package', version: '3.7.1' });
    expect(classifyRequirement('==2.3.4')).toMatchObject({ kind: 'unreadable' });
  });

  it('lock relationships; the uv project entry is the project (marked), depending on its requirements', async () => {
    const uv = await catalogFiles([pythonLockCataloger], [{ path: '/src/uv.lock', content: fixture('python/uv.lock') }]);
    expect(uv.packages.map((p) => p.name).sort()).toEqual(['demo', 'idna', 'requests']);
    expect(find(uv, 'demo')[0]!.metadata).toEqual({ project: 'root' });
    expect(uv.relationships).toHaveLength(2);
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
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const seeds = ['requirements.txt', 'requirements-forms.txt', 'requirements-compiled.txt', 'poetry.lock', 'Pipfile.lock', 'uv.lock', 'METADATA'].map((f) => fixture(`python/${f}`).toString('utf8'));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom(...seeds).chain((s) => fc.tuple(fc.nat(s.length), fc.string()).map(([i, x]) => s.slice(0, i) + x + s.slice(i + x.length)))), (text) => {
        for (const parse of [parseRequirements, parsePoetryLock, parsePipfileLock, parseUvLock, parsePdmLock, parsePythonMetadata]) {
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

  it('hostile eggs (fast-check): corrupted bytes of a real egg give a package, an Error, or nothing; never a crash, in bounded time', async () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const real = fixture('python/custody_sample_egg-1.2.3-py3.11.egg');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(real.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(real.length), async (edits, cut) => {
        const bytes = Buffer.from(real.subarray(0, Math.max(cut, 22)));
        for (const [at, v] of edits) if (at < bytes.length) bytes[at] = v;
        const started = Date.now();
        try {
          const r = await parseEggArchive({ location: { path: '/x.egg' }, contents: bytes }, ctx);
          expect(r.packages.length).toBeLessThanOrEqual(1);
        } catch (err) {
          expect(err).toBeInstanceOf(Error);
        }
        expect(Date.now() - started).toBeLessThan(2000);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the interpreter\'s own egg-info', () => {
  it('Python-2.7.egg-info (distutils metadata of CPython itself, as Debian ships it) is not a package; a package named otherwise is', async () => {
    const pkgInfo = (name: string) => `Metadata-Version: 1.1\nName: ${name}\nVersion: 2.7.13\nSummary: A high-level object-oriented programming language\n`;
    const r = await catalogFiles(
      [pythonInstalledCataloger],
      [
        { path: '/usr/lib/python2.7/lib-dynload/Python-2.7.egg-info', content: pkgInfo('Python') },
        { path: '/usr/lib/python3/dist-packages/python_dateutil-2.7.13.egg-info', content: pkgInfo('python-dateutil') },
      ],
    );
    expect(r.packages.map((p) => p.purl)).toEqual(['pkg:pypi/python-dateutil@2.7.13']);
    expect(r.incomplete).toEqual([]);
  });
});
