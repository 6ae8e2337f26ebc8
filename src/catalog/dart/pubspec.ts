/**
 * Dart and Flutter: `pubspec.yaml` (`pubspec.yml`), the manifest of a package (https://dart.dev/tools/pub/pubspec).
 * It describes the package itself, which is reported as the project (`metadata.project: 'root'`, README "The
 * project itself") at its `version` (empty when it has none, as an application's pubspec often does), with its
 * `pkg:pub` purl as syft writes it. Its dependencies are constraints, not versions: the packages they resolve to
 * come from `pubspec.lock`. A file that is not YAML, not a mapping, or without a `name` is incomplete.
 * A pubspec in pub's cache (`<PUB_CACHE>/hosted/<host>/<name>-<version>/pubspec.yaml`, the directory named after
 * the file's own name and version) is a downloaded package, not a project: reported without the project mark.
 */
import { lazyRequire } from '../../core/lazy.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { isRecord, langPackage, projectMetadata, purlOrUndefined, str, textOf } from '../lang-common.js';

const yaml = lazyRequire<typeof import('yaml')>('yaml');

const CATALOGER = 'dart-pubspec-cataloger';
/** The largest real pubspecs are a few KB. */
const MAX_BYTES = 4 * 1024 * 1024;
/** pub's own package name rule. */
const NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Whether the pubspec sits in pub's cache as `hosted/<host>/<name>-<version>/pubspec.yaml`. */
function inPubCache(path: string, name: string, version: string): boolean {
  if (version === '') return false;
  const parts = path.split('/');
  const n = parts.length;
  return n >= 4 && parts[n - 4] === 'hosted' && parts[n - 3] !== '' && parts[n - 2] === `${name}-${version}`;
}

export function parsePubspec(file: CatalogFile, ctx: CatalogContext): ParseResult {
  if (file.contents.length > MAX_BYTES) {
    ctx.incomplete(`pubspec is ${file.contents.length} bytes, over the ${MAX_BYTES} read`);
    return { packages: [] };
  }
  let doc: unknown;
  try {
    doc = yaml().parse(textOf(file.contents), { maxAliasCount: 100, logLevel: 'error' });
  } catch (err) {
    throw new Error(`invalid YAML in pubspec: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  if (!isRecord(doc)) throw new Error('pubspec is not a YAML mapping');
  const name = str(doc, 'name');
  if (name === undefined || !NAME.test(name)) throw new Error(`pubspec has ${name === undefined ? 'no name' : `the name ${JSON.stringify(name.slice(0, 120))}, not a package name`}`);
  const version = typeof doc.version === 'number' ? String(doc.version) : (str(doc, 'version') ?? '');
  if (doc.version !== undefined && version === '') ctx.warn(`pubspec of ${name}: version is not a string; reported without one`, file.location);
  const env = isRecord(doc.environment) ? doc.environment : {};
  const metadata: Record<string, unknown> = {};
  for (const k of ['homepage', 'repository', 'documentation', 'publish_to'] as const) {
    const v = str(doc, k);
    if (v) metadata[k === 'publish_to' ? 'publishTo' : k] = v;
  }
  if (str(env, 'sdk')) metadata.sdk = str(env, 'sdk');
  if (str(env, 'flutter')) metadata.flutter = str(env, 'flutter');
  return {
    packages: [
      langPackage({
        name,
        version,
        type: 'dart-pub',
        purl: purlOrUndefined({ type: 'pub', name, version }),
        location: file.location,
        foundBy: CATALOGER,
        description: str(doc, 'description')?.trim(),
        metadata: inPubCache(file.location.path, name, version) ? { ...metadata, pubCache: true } : projectMetadata('root', metadata),
      }),
    ],
  };
}
