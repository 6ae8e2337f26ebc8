/**
 * sbt lock files (`build.sbt.lock`, written by the sbt-dependency-lock plugin,
 * https://stringbean.github.io/sbt-dependency-lock/file-formats/version-1.html): JSON with
 * `lockVersion` and `dependencies[]` of `{org, name, version, artifacts[{name, hash}], configurations[]}`.
 * A module locked only for test configurations (`test`, `it`, …) is marked `metadata.dev` (trivy
 * leaves it out, as it leaves out the Gradle ones). The jar's `sha1:` hash becomes the package's SHA-1
 * (what Maven Central indexes) when the module has that one artifact. A module named twice is reported once.
 */
import type { Package } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { isRecord, langPackage, nameSome, parseJsonText, purlOrUndefined, str } from '../lang-common.js';

const CATALOGER = 'java-sbt-lockfile-cataloger';
/** Entries named per incomplete entry; the rest are counted. */
const MAX_NAMED = 10;
/** sbt's `test` and `it` (IntegrationTest) configurations and ones derived from them (`test-internal`, `testFoo`). */
const TEST_CONFIGURATION = /^(test|it)([A-Z_-].*)?$/;

function sha1Of(dep: Record<string, unknown>): string | undefined {
  const artifacts = Array.isArray(dep.artifacts) ? dep.artifacts.filter(isRecord) : [];
  if (artifacts.length !== 1) return undefined;
  const m = /^sha1:([0-9a-f]{40})$/i.exec(str(artifacts[0], 'hash') ?? '');
  return m ? m[1]!.toLowerCase() : undefined;
}

export function parseSbtLockfile(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const doc = parseJsonText(file.contents, 'sbt lock file');
  if (!isRecord(doc) || !Array.isArray(doc.dependencies)) throw new Error('sbt lock file has no dependencies array');
  const packages: Package[] = [];
  const byKey = new Map<string, Package>();
  const unreadable: string[] = [];
  doc.dependencies.forEach((dep, i) => {
    const org = str(dep, 'org');
    const name = str(dep, 'name');
    const version = str(dep, 'version');
    if (!isRecord(dep) || !org || !name || !version || /\s/.test(`${org}${name}${version}`)) {
      unreadable.push(`dependencies[${i}]${isRecord(dep) && name ? ` ${JSON.stringify(`${org ?? ''}:${name}`.slice(0, 120))}` : ''}`);
      return;
    }
    const configs = Array.isArray(dep.configurations) ? dep.configurations.filter((c): c is string => typeof c === 'string') : [];
    const dev = configs.length > 0 && configs.every((c) => TEST_CONFIGURATION.test(c));
    const key = `${org}:${name}@${version}`;
    const seen = byKey.get(key);
    if (seen) {
      if (!dev && seen.metadata?.dev === true) delete seen.metadata.dev;
      return;
    }
    const metadata: Record<string, unknown> = {};
    if (configs.length > 0) metadata.configurations = configs;
    if (dev) metadata.dev = true;
    const sha1 = sha1Of(dep);
    const p = langPackage({
      name,
      version,
      type: 'java-archive',
      group: org,
      purl: purlOrUndefined({ type: 'maven', namespace: org, name, version }),
      location: file.location,
      foundBy: CATALOGER,
      metadata,
      hashes: sha1 ? { 'SHA-1': sha1 } : undefined,
    });
    byKey.set(key, p);
    packages.push(p);
  });
  if (unreadable.length > 0) {
    ctx.incomplete(`sbt lock file entries without org, name and version: ${nameSome(unreadable, MAX_NAMED)}`, file.location);
  }
  return { packages };
}
