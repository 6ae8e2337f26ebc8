import { defineCataloger } from '../cataloger.js';
import { JAVA_ARCHIVE_GLOBS, parseJavaArchive } from './archive.js';
import { parseGradleLockfile } from './gradle-lockfile.js';
import { parsePomXml } from './pom-xml.js';
import { parseSbtLockfile } from './sbt-lockfile.js';

/**
 * Java archives (.jar .war .ear .jpi .hpi) and archives nested in them: one package per
 * pom.properties, else MANIFEST.MF, else the file name; purl pkg:maven/<group>/<artifact>@<version>;
 * location `/outer.war!/WEB-INF/lib/inner.jar`; SHA-1 of each archive. Bounded by ctx.limits.
 */
export const javaArchiveCataloger = defineCataloger({
  name: 'java-archive-cataloger',
  ecosystem: 'maven',
  tags: ['language', 'installed', 'image', 'directory', 'java', 'maven', 'jar'],
  parsers: [{ globs: JAVA_ARCHIVE_GLOBS, parse: parseJavaArchive }],
});

/**
 * Declared Maven modules from Gradle lock files (`gradle.lockfile`, `dependency-locks/*.lockfile`);
 * modules locked only for test configurations are marked dev.
 */
export const javaGradleLockfileCataloger = defineCataloger({
  name: 'java-gradle-lockfile-cataloger',
  ecosystem: 'maven',
  tags: ['language', 'declared', 'directory', 'java', 'maven', 'gradle'],
  parsers: [{ globs: ['**/gradle.lockfile', '**/dependency-locks/*.lockfile'], parse: parseGradleLockfile }],
});

/** Declared Maven modules from sbt lock files (`build.sbt.lock`); modules locked only for test are marked dev. */
export const javaSbtLockfileCataloger = defineCataloger({
  name: 'java-sbt-lockfile-cataloger',
  ecosystem: 'maven',
  tags: ['language', 'declared', 'directory', 'java', 'maven', 'sbt', 'scala'],
  parsers: [{ globs: ['**/*.sbt.lock'], parse: parseSbtLockfile }],
});

/**
 * Declared Maven dependencies of `pom.xml` files, read offline: versions from the pom, its
 * dependencyManagement and properties, and a parent pom beside it; test scope marked dev.
 */
export const javaPomCataloger = defineCataloger({
  name: 'java-pom-cataloger',
  ecosystem: 'maven',
  tags: ['language', 'declared', 'directory', 'java', 'maven', 'pom'],
  parsers: [{ globs: ['**/pom.xml'], companions: ['**/pom.xml'], parse: parsePomXml }],
});
