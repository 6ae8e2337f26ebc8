import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../src/catalog/cataloger.js';
import { condaEnvironmentCataloger } from '../../../src/catalog/conda/index.js';
import { parseCondaEnvironment, parseCondaSpec } from '../../../src/catalog/conda/environment.js';
import { catalogFiles } from './lang-support.js';

const env = `name: ml
channels:
  - conda-forge
dependencies:
  - python=3.11.9=hab00c5b_0_cpython
  - conda-forge::numpy==1.26.4
  - openssl 3.3.1 h4ab18f5_0
  - pandas>=2.0
  - scipy
  - pip
  - pip:
      - requests==2.32.3
      - torch>=2.0
      - -e .
`;

describe('conda-environment-cataloger', () => {
  it('pinned conda specs as pkg:conda (build and channel in metadata), unpinned ones without a version (the spec in metadata), pip: pins as pkg:pypi, other pip: lines a warning', async () => {
    const r = await catalogFiles([condaEnvironmentCataloger], [{ path: '/proj/environment.yml', content: Buffer.from(env) }]);
    expect(r.packages.map((p) => `${p.purl} ${p.type}`).sort()).toEqual([
      'pkg:conda/numpy@1.26.4 conda',
      'pkg:conda/openssl@3.3.1 conda',
      'pkg:conda/pandas conda',
      'pkg:conda/pip conda',
      'pkg:conda/python@3.11.9 conda',
      'pkg:conda/scipy conda',
      'pkg:pypi/requests@2.32.3 python',
    ]);
    expect(r.packages.find((p) => p.name === 'pandas')).toMatchObject({ version: '', metadata: { constraint: 'pandas>=2.0' } });
    expect(r.packages.find((p) => p.name === 'python')!.metadata).toEqual({ build: 'hab00c5b_0_cpython' });
    expect(r.packages.find((p) => p.name === 'numpy')!.metadata).toEqual({ channel: 'conda-forge' });
    expect(r.packages.every((p) => p.foundBy[0] === 'conda-environment-cataloger')).toBe(true);
    const w = r.warnings.join('\n');
    expect(w).not.toMatch(/pandas|scipy/);
    expect(w).toMatch(/pip: "torch>=2\.0": .*not pinned/);
    expect(w).toMatch(/pip: "-e \.": editable local project/);
    expect(r.incomplete).toEqual([]);
  });

  it('reads the spec forms conda accepts, a version only when exactly one is pinned', () => {
    expect(parseCondaSpec('blas=1.0=openblas')).toEqual({ name: 'blas', version: '1.0', build: 'openblas' });
    expect(parseCondaSpec('libffi==3.4.2=h3557bc0_5')).toEqual({ name: 'libffi', version: '3.4.2', build: 'h3557bc0_5' });
    expect(parseCondaSpec('libgomp 13.2.0 hf8544c7_5')).toEqual({ name: 'libgomp', version: '13.2.0', build: 'hf8544c7_5' });
    expect(parseCondaSpec('defaults::zlib=1.2.13')).toEqual({ name: 'zlib', version: '1.2.13', channel: 'defaults' });
    for (const s of ['ld_impl_linux-aarch64=2.40.*', 'libblas>=3.9', 'libgcc-ng 13.2|13.3', 'libgfortran-ng >13.2.0,<=13.3', 'numpy[version=">=1.2"]', 'numpy']) expect(parseCondaSpec(s)?.version, s).toBeUndefined();
    expect(parseCondaSpec('=')).toBeUndefined();
  });

  it('a file without dependencies reports nothing; not YAML, not a mapping, or entries of other shapes are incomplete', async () => {
    const r = await catalogFiles([condaEnvironmentCataloger], [
      { path: '/a/environment.yml', content: Buffer.from('name: x\nvariables:\n  A: 1\n') },
      { path: '/b/environment.yml', content: Buffer.from('dependencies: [a\n') },
      { path: '/c/environment.yaml', content: Buffer.from('- a\n') },
      { path: '/d/environment.yml', content: Buffer.from('dependencies:\n  - 1\n  - npm:\n    - x\n  - zlib=1.3\n') },
      { path: '/e/environment.yml', content: Buffer.from('dependencies: zlib\n') },
    ]);
    expect(r.packages.map((p) => p.purl)).toEqual(['pkg:conda/zlib@1.3']);
    expect(r.incomplete.map((i) => `${i.path}: ${i.reason}`).sort()).toEqual([
      expect.stringMatching(/^\/b\/environment\.yml: invalid YAML/),
      '/c/environment.yaml: conda environment file is not a YAML mapping',
      '/d/environment.yml: conda environment dependencies not read: entry "1"; "npm" sub-list (only pip: is read)'.replace('; "npm"', '; a "npm"'),
      '/e/environment.yml: conda environment `dependencies` is not a list',
    ]);
  });

  it('hostile YAML and specs (fast-check): never more than a thrown Error, never a hang', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const run = (s: string): void => {
      try {
        const r = parseCondaEnvironment({ location: { path: '/x/environment.yml' }, contents: Buffer.from(s) }, ctx);
        expect(Array.isArray(r.packages)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    };
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        run(a);
        parseCondaSpec(a);
        run(`dependencies:\n  - ${JSON.stringify(a)}\n  - pip:\n    - ${JSON.stringify(b)}\n  - ${b}\n`);
      }),
      { numRuns: 300 },
    );
    run(`a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nd: &d [*c, *c, *c, *c]\ndependencies: [*d, *d, *d, *d, *d, *d, *d, *d]\n`);
    run(`dependencies: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    parseCondaSpec(`${'a'.repeat(50_000)} ${'1'.repeat(50_000)}=`);
  });
});
