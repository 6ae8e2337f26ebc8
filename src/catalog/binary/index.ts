import { defineCataloger } from '../cataloger.js';
import { EXECUTABLE_GLOBS } from './classifiers.js';
import { parseRuntimeExecutable } from './executable.js';
import { FIREFOX_COMPANIONS, FIREFOX_GLOBS, parseFirefox } from './firefox.js';
import { parseGoVersionFile } from './go-version.js';
import { parseJavaLauncher } from './java-launcher.js';
import { parseJvmRelease } from './jvm-release.js';

/**
 * Runtimes installed without a package manager (what official images build or unpack into /usr/local
 * or /opt): CPython, Node.js, the JDK/JRE `release` file, the Go toolchain, redis, nginx, httpd,
 * PostgreSQL, OpenSSL, curl, BusyBox, the rest of syft's binary classifiers (classifiers-syft.ts) and
 * syft's Java launcher classifiers for a JVM without a `release` file, Firefox (its application.ini),
 * identified from their own files. Files an OS package lists are never handed to it (`onlyUnowned`): those runtimes are the OS
 * package's.
 */
export const runtimeBinaryCataloger = defineCataloger({
  name: 'runtime-binary-cataloger',
  ecosystem: 'generic',
  tags: ['installed', 'image', 'directory', 'binary', 'runtime'],
  parsers: [
    { globs: EXECUTABLE_GLOBS, randomAccess: true, onlyUnowned: true, parse: parseRuntimeExecutable },
    { globs: ['**/release'], companions: ['**/bin/javac'], randomAccess: true, onlyUnowned: true, parse: parseJvmRelease },
    // a JVM's launcher, for a JVM without a `release` file (syft's Java classifiers)
    { globs: ['**/java', '**/jdb'], companions: ['**/release'], randomAccess: true, onlyUnowned: true, parse: parseJavaLauncher },
    // Firefox: the version is in the application.ini beside the binary
    { globs: FIREFOX_GLOBS, companions: FIREFOX_COMPANIONS, randomAccess: true, onlyUnowned: true, parse: parseFirefox },
    // the Go toolchain's VERSION file wherever the toolchain is (syft's go-binary hint: `VERSION*` beside or above `bin/go`);
    // only a first line that is a Go release (`go1.22.1`, `devel go1.25-d524e1e`) counts
    { globs: ['**/VERSION', '**/VERSION.cache'], randomAccess: true, onlyUnowned: true, parse: parseGoVersionFile },
  ],
});
