import { defineCataloger } from '../cataloger.js';
import { parseConanfileTxt, parseConanLock } from './conan.js';
import { parseConaninfo } from './conaninfo.js';

/** Declared Conan (C/C++) packages: `conan.lock` (Conan 1 graph and Conan 2 lists) and `conanfile.txt`, with depends-on relationships from Conan 1 locks. */
export const conanCataloger = defineCataloger({
  name: 'conan-cataloger',
  ecosystem: 'conan',
  tags: ['language', 'declared', 'directory', 'conan', 'cpp', 'c++'],
  parsers: [
    { globs: ['**/conan.lock'], parse: parseConanLock },
    { globs: ['**/conanfile.txt'], parse: parseConanfileTxt },
  ],
});

/** Conan packages installed in a Conan 1 cache: each binary package's `conaninfo.txt` (the package, from its path, and its full requires). */
export const conanInfoCataloger = defineCataloger({
  name: 'conan-info-cataloger',
  ecosystem: 'conan',
  tags: ['language', 'installed', 'directory', 'image', 'conan', 'cpp', 'c++'],
  parsers: [{ globs: ['**/conaninfo.txt'], parse: parseConaninfo }],
});
