import { defineCataloger } from '../cataloger.js';
import { EXECUTABLE_GLOBS } from './classifiers.js';
import { parseRuntimeExecutable } from './executable.js';
import { parseGoVersionFile } from './go-version.js';
import { parseJvmRelease } from './jvm-release.js';

/**
 * Runtimes installed without a package manager (what official images build or unpack into /usr/local
 * or /opt): CPython, Node.js, the JDK/JRE `release` file, the Go toolchain, redis, nginx, httpd,
 * PostgreSQL, OpenSSL, curl, BusyBox and the rest of syft's binary classifiers (classifiers-syft.ts),
 * identified from their own files. Files an OS package lists are
 * never handed to it (`onlyUnowned`): those runtimes are the OS package's.
 */
export const runtimeBinaryCataloger = defineCataloger({
  name: 'runtime-binary-cataloger',
  ecosystem: 'generic',
  tags: ['installed', 'image', 'directory', 'binary', 'runtime'],
  parsers: [
    { globs: EXECUTABLE_GLOBS, randomAccess: true, onlyUnowned: true, parse: parseRuntimeExecutable },
    { globs: ['**/release'], companions: ['**/bin/javac'], randomAccess: true, onlyUnowned: true, parse: parseJvmRelease },
    { globs: ['**/go/VERSION', '**/go-*/VERSION'], randomAccess: true, onlyUnowned: true, parse: parseGoVersionFile },
  ],
});
