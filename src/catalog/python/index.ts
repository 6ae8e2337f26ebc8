import { defineCataloger } from '../cataloger.js';
import { parsePipfileLock, parsePoetryLock, parseRequirements, parseUvLock } from './lock-files.js';
import { parsePythonMetadata, PYTHON_INSTALLED_GLOBS } from './metadata.js';

/** Installed Python distributions: *.dist-info/METADATA, *.egg-info/PKG-INFO, *.egg-info files. */
export const pythonInstalledCataloger = defineCataloger({
  name: 'python-installed-cataloger',
  ecosystem: 'pypi',
  tags: ['language', 'installed', 'image', 'directory', 'python', 'pypi'],
  parsers: [{ globs: PYTHON_INSTALLED_GLOBS, parse: parsePythonMetadata }],
});

/** Declared Python dependencies: requirements*.txt (pinned), poetry.lock, Pipfile.lock, uv.lock. */
export const pythonLockCataloger = defineCataloger({
  name: 'python-lock-cataloger',
  ecosystem: 'pypi',
  tags: ['language', 'declared', 'directory', 'python', 'pypi'],
  parsers: [
    { globs: ['**/requirements*.txt'], parse: parseRequirements },
    { globs: ['**/poetry.lock'], parse: parsePoetryLock },
    { globs: ['**/Pipfile.lock'], parse: parsePipfileLock },
    { globs: ['**/uv.lock'], parse: parseUvLock },
  ],
});
