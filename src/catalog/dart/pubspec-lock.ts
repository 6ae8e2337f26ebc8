/**
 * Dart and Flutter: pubspec.lock (https://dart.dev/tools/pub/glossary#lockfile), the YAML pub writes:
 * `packages.<name>: {dependency, description, source, version}` and `sdks.<sdk>: <constraint>`.
 *
 * - `source: hosted` from a registry other than pub.dev (pub.dartlang.org before Dart 2.19) carries the
 *   registry's host as the purl's `hosted_url`; `source: git` the repository, resolved commit and
 *   sub-path as `vcs_url` (syft writes both the same way).
 * - `dependency: "direct dev"` marks the package dev. pub does not say which transitive packages come
 *   only from dev dependencies, so those are not marked (trivy keeps them all for the same reason).
 * - A package of an SDK (`source: sdk`, Flutter's `flutter`, `flutter_test`) is locked as `0.0.0`; its
 *   version is the lowest the `sdks` constraint allows (`>=3.24.5`, `^3.3.0`), as syft and trivy read it.
 *   Without a usable constraint it is skipped with a warning (syft skips it too).
 */
import { lazyRequire } from '../../core/lazy.js';
import type { Package } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { isRecord, langPackage, purlOrUndefined, str, textOf } from '../lang-common.js';

const yaml = lazyRequire<typeof import('yaml')>('yaml');

const CATALOGER = 'dart-pubspec-lock-cataloger';
/** A lock file bigger than this is not a pubspec.lock anyone wrote (the largest real ones are a few hundred KB). */
const MAX_BYTES = 32 * 1024 * 1024;
const MAX_PACKAGES = 100_000;
/** pub.dev under both its names: a package from it needs no `hosted_url`. */
const DEFAULT_REGISTRIES = new Set(['pub.dev', 'pub.dartlang.org']);

/** The lowest version a Dart SDK constraint allows: `^1.2.3`, `>=1.2.3 <2.0.0`, `>=3.24` (two parts accepted); undefined otherwise. */
export function minimumSdkVersion(constraint: string): string | undefined {
  const m = /^\s*(?:\^|>=)\s*((?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:\.(?:0|[1-9]\d*))?(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)(?:\s|$)/.exec(constraint);
  return m?.[1];
}

function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

function qualifiersOf(source: string, description: unknown): Record<string, string> {
  if (!isRecord(description)) return {};
  const url = str(description, 'url') ?? '';
  if (source === 'hosted' && url !== '') {
    const host = hostOf(url);
    return DEFAULT_REGISTRIES.has(host) ? {} : { hosted_url: host };
  }
  if (source === 'git' && url !== '') {
    const ref = str(description, 'resolved-ref') ?? '';
    const path = str(description, 'path') ?? '.';
    return { vcs_url: `${url}@${ref}${path === '.' || path === '' ? '' : `#${path}`}` };
  }
  return {};
}

export function parsePubspecLock(file: CatalogFile, ctx: CatalogContext): ParseResult {
  if (file.contents.length > MAX_BYTES) {
    ctx.incomplete(`pubspec.lock is ${file.contents.length} bytes, over the ${MAX_BYTES} read`);
    return { packages: [] };
  }
  let doc: unknown;
  try {
    doc = yaml().parse(textOf(file.contents), { maxAliasCount: 100, logLevel: 'error' });
  } catch (err) {
    throw new Error(`invalid YAML in pubspec.lock: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  if (doc === null || doc === undefined) {
    ctx.warn('empty pubspec.lock', file.location);
    return { packages: [] };
  }
  if (!isRecord(doc)) throw new Error('pubspec.lock is not a YAML mapping');
  if (doc.packages !== undefined && doc.packages !== null && !isRecord(doc.packages)) throw new Error('pubspec.lock `packages` is not a mapping');
  const entries = isRecord(doc.packages) ? Object.entries(doc.packages) : [];
  const sdks = isRecord(doc.sdks) ? doc.sdks : {};
  if (entries.length > MAX_PACKAGES) ctx.incomplete(`pubspec.lock lists ${entries.length} packages; only the first ${MAX_PACKAGES} are read`);
  const packages: Package[] = [];
  for (const [name, e] of entries.slice(0, MAX_PACKAGES)) {
    if (!isRecord(e)) {
      ctx.incomplete(`pubspec.lock package ${JSON.stringify(name)} is not a mapping; skipped`);
      continue;
    }
    const source = str(e, 'source') ?? '';
    let version = typeof e.version === 'number' ? String(e.version) : (str(e, 'version') ?? '');
    if (source === 'sdk' && version === '0.0.0') {
      const sdk = typeof e.description === 'string' ? e.description : (str(e.description, 'name') ?? '');
      const constraint = str(sdks, sdk);
      const min = constraint === undefined ? undefined : minimumSdkVersion(constraint);
      if (min === undefined) {
        ctx.warn(`pubspec.lock SDK package ${JSON.stringify(name)}: no version for SDK ${JSON.stringify(sdk)} (${constraint === undefined ? 'not in sdks' : `constraint ${JSON.stringify(constraint)}`}); not reported`, file.location);
        continue;
      }
      version = min;
    }
    if (version === '') {
      ctx.incomplete(`pubspec.lock package ${JSON.stringify(name)} has no version; skipped`);
      continue;
    }
    const metadata: Record<string, unknown> = {};
    if (source) metadata.source = source;
    const dependency = str(e, 'dependency');
    if (dependency) metadata.dependency = dependency;
    if (dependency === 'direct dev') metadata.dev = true;
    packages.push(
      langPackage({
        name,
        version,
        type: 'dart-pub',
        purl: purlOrUndefined({ type: 'pub', name, version, qualifiers: qualifiersOf(source, e.description) }),
        location: file.location,
        foundBy: CATALOGER,
        metadata,
      }),
    );
  }
  return { packages: packages.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
}
