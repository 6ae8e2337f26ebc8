import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { pythonLockCataloger } from '../../../../src/catalog/python/index.js';
import { parsePylock } from '../../../../src/catalog/python/lock-files.js';
import { parseSetupPy, pythonStringLiterals } from '../../../../src/catalog/python/setup-py.js';
import { catalogFiles, find } from '../lang-support.js';

const SETUP = `from setuptools import setup
# "commented==1.0.0" is not read
INSTALL_REQUIRES = [
    "py>=1.5.0",
    "packaging",
    'pathlib3==2.2.0;python_version<"3.6"',
    'colorama;sys_platform=="win32"',
]
setup(
    name='example', version='1.0.0',
    install_requires=INSTALL_REQUIRES + """
django==4.2.23
CairoSVG==2.7.1
celery>=5
""".split(),
    extras_require={
        "checkqa": ["mypy==v0.770", " mypy2 == v0.770", ' mypy3== v0.770', "requests[socks]==2.31.0"],
        "dyn": ['%s==%s' % (a, b), f"{x}==1.0", "x == y", "wild==1.*"],
    },
    description="a == b",
)
`;

const run = (path: string, text: string) => catalogFiles([pythonLockCataloger], [{ path, content: Buffer.from(text) }]);

describe('setup.py (python-lock-cataloger)', () => {
  it('pinned requirements in string literals and in lines of multi-line strings; ranges, templates and comments skipped', async () => {
    const r = await run('/src/setup.py', SETUP);
    expect(r.packages.map((p) => p.purl).sort()).toEqual([
      'pkg:pypi/cairosvg@2.7.1',
      'pkg:pypi/django@4.2.23',
      'pkg:pypi/mypy2@v0.770',
      'pkg:pypi/mypy3@v0.770',
      'pkg:pypi/mypy@v0.770',
      'pkg:pypi/pathlib3@2.2.0',
      'pkg:pypi/requests@2.31.0',
    ]);
    expect(find(r, 'pathlib3')[0]!.metadata).toEqual({ line: 6, markers: 'python_version<"3.6"' });
    expect(find(r, 'django')[0]!.metadata).toEqual({ line: 12 });
    expect(r.incomplete).toEqual([]);
  });

  it('the same requirement twice is one package', async () => {
    const r = await run('/src/setup.py', 'setup(install_requires=["requests==2.31.0"] + """\nrequests==2.31.0\nflask==3.0.0\n""".split())');
    expect(r.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(['flask@3.0.0', 'requests@2.31.0']);
  });

  it('a string that never ends makes the file incomplete', async () => {
    for (const bad of ['setup(install_requires=["a==1.0.0', 'x = """never closed\nb==2.0.0\n', "x = 'no newline\nin single quotes'"]) {
      const r = await run('/src/setup.py', bad);
      expect(r.packages).toEqual([]);
      expect(r.incomplete).toHaveLength(1);
    }
  });

  it('pythonStringLiterals: escapes, prefixes, triple quotes and line numbers', () => {
    expect(pythonStringLiterals(`a = r"x\\"y" # 'c'\nb = b'''l1\nl2'''\nc = "s"`)).toEqual([
      { line: 1, value: 'x\\"y', multiline: false },
      { line: 2, value: 'l1\nl2', multiline: true },
      { line: 4, value: 's', multiline: false },
    ]);
  });

  it('hostile bytes (fast-check): a package list, never a throw', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.tuple(fc.nat(SETUP.length), fc.string()).map(([i, x]) => SETUP.slice(0, i) + x + SETUP.slice(i))), (text) => {
        const r = parseSetupPy({ location: { path: '/x/setup.py' }, contents: Buffer.from(text) }, ctx);
        expect(Array.isArray(r.packages)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

const PYLOCK = `lock-version = "1.0"
created-by = "pip"

[[packages]]
name = "Requests"
version = "2.32.5"
dependencies = [{ name = "idna" }]

[[packages]]
name = "idna"
version = "3.10"

[[packages]]
name = "spam"
version = "1.0.0"
marker = "sys_platform == 'linux'"

[[packages]]
name = "spam"
version = "1.1.0"
marker = "sys_platform == 'win32'"

[[packages]]
name = "ham"
version = "3.0.0"
marker = "sys_platform == 'linux'"
dependencies = [{ name = "spam", version = "1.0.0" }]

[[packages]]
name = "ham"
version = "3.0.0"
marker = "sys_platform == 'win32'"
dependencies = [{ name = "spam", version = "1.1.0" }]

[[packages]]
name = "app"
directory = { path = ".", editable = true }

[[packages]]
name = "from-wheel"
[[packages.wheels]]
name = "from_wheel-0.4.2-py3-none-any.whl"
url = "https://example.invalid/from_wheel-0.4.2-py3-none-any.whl"

[[packages]]
name = "from-git"
vcs = { type = "git", url = "https://example.invalid/x.git", commit-id = "abc" }
`;

describe('pylock.toml (python-lock-cataloger)', () => {
  it('packages per environment, one name@version once, the local project marked, a version from the wheel name, relationships', async () => {
    const r = await run('/src/pylock.toml', PYLOCK);
    expect(r.packages.map((p) => p.purl).sort()).toEqual([
      'pkg:pypi/app',
      'pkg:pypi/from-wheel@0.4.2',
      'pkg:pypi/ham@3.0.0',
      'pkg:pypi/idna@3.10',
      'pkg:pypi/requests@2.32.5',
      'pkg:pypi/spam@1.0.0',
      'pkg:pypi/spam@1.1.0',
    ]);
    // ham is locked for two environments: its markers differ, so none is kept
    expect(find(r, 'ham')[0]!.metadata).toEqual({});
    expect(find(r, 'app')[0]).toMatchObject({ version: '', metadata: { project: 'root' } });
    expect(find(r, 'spam', '1.0.0')[0]!.metadata).toEqual({ markers: "sys_platform == 'linux'" });
    const ham = find(r, 'ham')[0]!;
    expect(r.relationships).toContainEqual({ from: ham.id, to: find(r, 'spam', '1.0.0')[0]!.id, type: 'depends-on' });
    expect(r.relationships).toContainEqual({ from: ham.id, to: find(r, 'spam', '1.1.0')[0]!.id, type: 'depends-on' });
    expect(r.relationships).toContainEqual({ from: find(r, 'Requests')[0]!.id, to: find(r, 'idna')[0]!.id, type: 'depends-on' });
    expect(r.warnings.join('\n')).toMatch(/package "from-git" has no version/);
    expect(r.incomplete).toEqual([]);
  });

  it('named pylock.<name>.toml too; unreadable TOML or a file that is no lock is incomplete', async () => {
    expect((await run('/src/pylock.dev.toml', PYLOCK)).packages).toHaveLength(7);
    expect((await run('/src/pylock.toml', 'lock-version = "1.0"\n')).incomplete).toEqual([]);
    for (const bad of ['[', 'name = "x"\n', 'lock-version = "1.0"\npackages = "x"\n', 'lock-version = "1.0"\n[[packages]]\nversion = "1.0"\n']) {
      const r = await run('/src/pylock.toml', bad);
      expect(r.packages).toEqual([]);
      expect(r.incomplete).toHaveLength(1);
    }
  });

  it('hostile bytes (fast-check): a package list or an Error, never a crash', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.tuple(fc.nat(PYLOCK.length), fc.string()).map(([i, x]) => PYLOCK.slice(0, i) + x + PYLOCK.slice(i))), (text) => {
        try {
          const r = parsePylock({ location: { path: '/x/pylock.toml' }, contents: Buffer.from(text) }, ctx);
          expect(Array.isArray(r.packages)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('file names python-lock-cataloger claims (as syft)', () => {
  it('*requirements*.txt and uv script locks (<script>.py.lock)', async () => {
    const uv = 'version = 1\n\n[[package]]\nname = "idna"\nversion = "3.10"\nsource = { registry = "https://pypi.org/simple" }\n';
    const r = await catalogFiles(
      [pythonLockCataloger],
      [
        { path: '/src/dev-requirements.txt', content: Buffer.from('flask==3.0.0\n') },
        { path: '/src/1-requirements-dev.txt', content: Buffer.from('click==8.1.7\n') },
        { path: '/src/notes.txt', content: Buffer.from('numpy==1.0.0\n') },
        { path: '/src/script.py.lock', content: Buffer.from(uv) },
      ],
    );
    expect(r.packages.map((p) => p.purl).sort()).toEqual(['pkg:pypi/click@8.1.7', 'pkg:pypi/flask@3.0.0', 'pkg:pypi/idna@3.10']);
  });
});

describe('dev marking in poetry.lock and uv.lock (as trivy)', () => {
  const devOf = (r: Awaited<ReturnType<typeof run>>) => r.packages.map((p) => `${p.name}${p.metadata?.dev === true ? ' (dev)' : ''}`).sort();

  it('poetry: category "dev" (poetry < 1.2) or groups without "main"', async () => {
    const lock = `[[package]]\nname = "flask"\nversion = "3.0.0"\ngroups = ["main"]\n\n[[package]]\nname = "pytest"\nversion = "8.0.0"\ngroups = ["dev", "test"]\n\n[[package]]\nname = "both"\nversion = "1.0.0"\ngroups = ["main", "dev"]\n\n[[package]]\nname = "old-dev"\nversion = "1.0.0"\ncategory = "dev"\n\n[[package]]\nname = "old-main"\nversion = "1.0.0"\ncategory = "main"\n`;
    expect(devOf(await run('/p/poetry.lock', lock))).toEqual(['both', 'flask', 'old-dev (dev)', 'old-main', 'pytest (dev)']);
  });

  it('uv: reachable from a project only through dev-dependencies; extras count as production; no project, no dev', async () => {
    const lock = `version = 1
[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "httpx" }]
[package.optional-dependencies]
json = [{ name = "orjson" }]
[package.dev-dependencies]
dev = [{ name = "pytest" }]

[[package]]
name = "httpx"
version = "0.28.1"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "idna" }]

[[package]]
name = "idna"
version = "3.10"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "orjson"
version = "3.10.12"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pytest"
version = "8.3.4"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "idna" }, { name = "pluggy" }]

[[package]]
name = "pluggy"
version = "1.5.0"
source = { registry = "https://pypi.org/simple" }
`;
    // the project itself (`editable = "."`) is reported, never dev
    expect(devOf(await run('/p/uv.lock', lock))).toEqual(['app', 'httpx', 'idna', 'orjson', 'pluggy (dev)', 'pytest (dev)']);
    const noRoot = lock.replace('source = { editable = "." }\n', 'source = { registry = "https://pypi.org/simple" }\n');
    expect(devOf(await run('/p/uv.lock', noRoot)).filter((x) => x.endsWith('(dev)'))).toEqual([]);
  });
});
