import { defineCataloger } from '../cataloger.js';
import { JAVA_ARCHIVE_GLOBS, parseJavaArchive } from './archive.js';

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
