import { defineCataloger } from '../cataloger.js';
import { parsePdmLock, parsePipfileLock, parsePoetryLock, parsePylock, parseUvLock } from './lock-files.js';
import { parseEggArchive, PYTHON_EGG_GLOBS } from './egg.js';
import { parsePythonMetadata, PYTHON_INSTALLED_GLOBS } from './metadata.js';
import { parseRequirements } from './requirements.js';
import { parseSetupPy } from './setup-py.js';

/** Installed Python distributions: *.dist-info/METADATA, *.egg-info/PKG-INFO, *.egg-info files, EGG-INFO/PKG-INFO, zipped *.egg. */
export const pythonInstalledCataloger = defineCataloger({
  name: 'python-installed-cataloger',
  ecosystem: 'pypi',
  tags: ['language', 'installed', 'image', 'directory', 'python', 'pypi'],
  parsers: [
    { globs: PYTHON_INSTALLED_GLOBS, parse: parsePythonMetadata },
    { globs: PYTHON_EGG_GLOBS, parse: parseEggArchive },
  ],
});

/**
 * Declared Python dependencies: *requirements*.txt (pinned; the rest warned about or incomplete), poetry.lock,
 * Pipfile.lock, uv.lock (and uv's script locks, <script>.py.lock), pdm.lock, pylock.toml (PEP 751), setup.py (pinned string literals, read statically).
 */
export const pythonLockCataloger = defineCataloger({
  name: 'python-lock-cataloger',
  ecosystem: 'pypi',
  tags: ['language', 'declared', 'directory', 'python', 'pypi'],
  parsers: [
    { globs: ['**/*requirements*.txt'], parse: parseRequirements },
    { globs: ['**/poetry.lock'], parse: parsePoetryLock },
    { globs: ['**/Pipfile.lock'], parse: parsePipfileLock },
    { globs: ['**/uv.lock', '**/*.py.lock'], parse: parseUvLock },
    { globs: ['**/pdm.lock'], parse: parsePdmLock },
    { globs: ['**/pylock.toml', '**/pylock.*.toml'], parse: parsePylock },
    { globs: ['**/setup.py'], parse: parseSetupPy },
  ],
});
