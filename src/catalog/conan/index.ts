import { defineCataloger } from '../cataloger.js';
import { parseConanfileTxt, parseConanLock } from './conan.js';

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
