/**
 * A JVM's `java` or `jdb` launcher (wherever it is, as syft's `**\/java`), read with syft's Java classifiers (classifiers-java.ts) —
 * but only for a JVM without a `release` file beside its `bin` directory: a JVM that has one is
 * reported from that file (jvm-release.ts), once, with the version, vendor and source repository it
 * names.
 */
import type { CatalogContext, ParseResult, RandomAccessCatalogFile } from '../cataloger.js';
import { baseOf } from '../lang-common.js';
import type { Classifier } from './classifiers.js';
import { JAVA_CLASSIFIERS } from './classifiers-java.js';
import { classifyFile } from './executable.js';

const LAUNCHERS: readonly Classifier[] = JAVA_CLASSIFIERS.map((c) => ({ class: c.class, file: c.file, patterns: () => c.patterns, product: c.product }));

export async function parseJavaLauncher(file: RandomAccessCatalogFile, ctx: CatalogContext): Promise<ParseResult> {
  const path = file.location.path;
  const bin = path.slice(0, path.lastIndexOf('/'));
  const home = bin.slice(0, bin.lastIndexOf('/'));
  const release = ctx.read === undefined ? undefined : await ctx.read(`${home}/release`);
  if (release !== undefined && /^(?:JAVA_VERSION|JAVA_RUNTIME_VERSION)=/m.test(release.toString('latin1'))) return { packages: [] };
  const name = baseOf(path);
  const found = LAUNCHERS.flatMap((classifier) => {
    const match = classifier.file.exec(name);
    return match ? [{ classifier, match }] : [];
  });
  return classifyFile(file, ctx, found);
}
