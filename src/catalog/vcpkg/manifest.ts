/**
 * vcpkg manifests (`vcpkg.json`, https://learn.microsoft.com/vcpkg/reference/vcpkg-json): the manifest of a
 * C/C++ project in vcpkg's manifest mode, or of a port (`ports/<name>/vcpkg.json` of a registry or an overlay).
 * It describes the project itself, reported as the project (`metadata.project: 'root'`, README "The project
 * itself") at its version (`version`, `version-semver`, `version-date` or `version-string`, then `#<port-version>`
 * when that is not 0, as syft writes it), with `pkg:vcpkg/<name>@<version>[?port_revision=N]`. A port's manifest
 * is that port, not a project. Its dependencies name ports without versions: vcpkg picks them from the
 * registry's baseline, which syft clones over the network and custody does not read; they are kept in metadata
 * (`name`, `name>=minimum`, and the `overrides` pins), not reported as packages. The default registry of the
 * `vcpkg-configuration.json` beside it (or its embedded `vcpkg-configuration`) is kept in metadata too.
 * A manifest without `name` (an application's, which vcpkg allows) reports nothing, a warning; a file that is
 * not JSON or not an object, or whose name is not a vcpkg port name, is incomplete.
 */
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { baseOf, dirOf, isRecord, langPackage, nameSome, parseJsonText, projectMetadata, purlOrUndefined, str } from '../lang-common.js';

const CATALOGER = 'vcpkg-manifest-cataloger';
/** syft's cap; real manifests are a few KB. */
const MAX_BYTES = 5 * 1024 * 1024;
/** Dependencies and overrides kept in metadata, each. */
const MAX_DEPENDENCIES = 10_000;
/** vcpkg's port name rule: lowercase letters, digits and single hyphens. */
const PORT_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** The version fields, in the order syft picks them (a manifest has at most one). */
const VERSION_FIELDS = ['version', 'version-semver', 'version-date', 'version-string'] as const;

/** `<version>#<port-version>` as vcpkg and syft write it, the port version only when not 0. */
function fullVersion(o: Record<string, unknown>): { version: string; portVersion: number } {
  let version = '';
  for (const f of VERSION_FIELDS) {
    const v = str(o, f);
    if (v !== undefined && v !== '') {
      version = v;
      break;
    }
  }
  const pv = o['port-version'];
  const portVersion = typeof pv === 'number' && Number.isSafeInteger(pv) && pv > 0 ? pv : 0;
  return { version, portVersion };
}

/** `description` is a string or a list of strings. */
function description(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() || undefined;
  if (Array.isArray(v)) return v.filter((s): s is string => typeof s === 'string').join('\n').trim() || undefined;
  return undefined;
}

/** The dependencies as `name` or `name>=minimum`; entries that are neither a port name nor an object with one are skipped. */
function dependencyList(v: unknown, skipped: string[]): string[] {
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const d of v.slice(0, MAX_DEPENDENCIES)) {
    const name = typeof d === 'string' ? d : str(d, 'name');
    if (name === undefined || !PORT_NAME.test(name)) {
      skipped.push(JSON.stringify(d)?.slice(0, 80) ?? String(d));
      continue;
    }
    const min = str(d, 'version>=');
    const entry = min ? `${name}>=${min}` : name;
    if (!out.includes(entry)) out.push(entry);
  }
  if (v.length > MAX_DEPENDENCIES) skipped.push(`${v.length - MAX_DEPENDENCIES} entries over the ${MAX_DEPENDENCIES} read`);
  return out;
}

/** `overrides`: exact versions the project pins, as `name@version`. */
function overrideList(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const o of v.slice(0, MAX_DEPENDENCIES)) {
    if (!isRecord(o)) continue;
    const name = str(o, 'name');
    const { version, portVersion } = fullVersion(o);
    if (name === undefined || !PORT_NAME.test(name) || version === '') continue;
    out.push(`${name}@${portVersion ? `${version}#${portVersion}` : version}`);
  }
  return out;
}

/** The default registry of a vcpkg configuration (`kind`, `repository`, `baseline`, `path`), when it names one. */
function defaultRegistry(conf: unknown): Record<string, string> | undefined {
  if (!isRecord(conf) || !isRecord(conf['default-registry'])) return undefined;
  const reg = conf['default-registry'];
  const out: Record<string, string> = {};
  for (const k of ['kind', 'repository', 'baseline', 'path']) {
    const v = str(reg, k);
    if (v) out[k] = v.slice(0, 2048);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The configuration embedded in the manifest, else `vcpkg-configuration.json` beside it (unreadable: a warning). */
async function configuration(doc: Record<string, unknown>, file: CatalogFile, ctx: CatalogContext): Promise<unknown> {
  if (isRecord(doc['vcpkg-configuration'])) return doc['vcpkg-configuration'];
  if (ctx.read === undefined) return undefined;
  const path = `${dirOf(file.location.path)}/vcpkg-configuration.json`;
  const bytes = await ctx.read(path);
  if (bytes === undefined) return undefined;
  if (bytes.length > MAX_BYTES) {
    ctx.warn(`${path} is ${bytes.length} bytes, over the ${MAX_BYTES} read; its registry is not recorded`, file.location);
    return undefined;
  }
  try {
    return parseJsonText(bytes, 'vcpkg-configuration.json');
  } catch (err) {
    ctx.warn(`${path}: ${(err as Error).message.slice(0, 200)}; its registry is not recorded`, file.location);
    return undefined;
  }
}

/** True for a port's manifest: `…/ports/<name>/vcpkg.json` naming the port its directory is named after. */
function isPort(path: string, name: string): boolean {
  const dir = dirOf(path);
  return baseOf(dir) === name && baseOf(dirOf(dir)) === 'ports';
}

export async function parseVcpkgManifest(file: CatalogFile, ctx: CatalogContext): Promise<ParseResult> {
  if (file.contents.length > MAX_BYTES) {
    ctx.incomplete(`vcpkg.json is ${file.contents.length} bytes, over the ${MAX_BYTES} read`);
    return { packages: [] };
  }
  const doc = parseJsonText(file.contents, 'vcpkg.json');
  if (!isRecord(doc)) throw new Error('vcpkg.json is not a JSON object');
  const skipped: string[] = [];
  const dependencies = dependencyList(doc.dependencies, skipped);
  const name = doc.name;
  if (name === undefined) {
    if (Object.keys(doc).length > 0) {
      ctx.warn(
        `vcpkg.json names no project (an application manifest)${dependencies.length ? `; its dependencies (${nameSome(dependencies, 5)}) have no versions without the registry, not reported` : ''}`,
        file.location,
      );
    }
    return { packages: [] };
  }
  if (typeof name !== 'string' || !PORT_NAME.test(name)) throw new Error(`vcpkg.json has the name ${JSON.stringify(name)?.slice(0, 120)}, not a vcpkg port name`);
  if (skipped.length > 0) ctx.warn(`vcpkg.json of ${name}: dependencies skipped (no port name): ${nameSome(skipped, 5, '; ')}`, file.location);
  const { version, portVersion } = fullVersion(doc);
  const full = portVersion ? `${version}#${portVersion}` : version;
  if (version === '' && portVersion) ctx.warn(`vcpkg.json of ${name}: port-version without a version; reported without one`, file.location);

  const metadata: Record<string, unknown> = {};
  for (const k of ['homepage', 'documentation', 'supports', 'builtin-baseline'] as const) {
    const v = str(doc, k);
    if (v) metadata[k === 'builtin-baseline' ? 'builtinBaseline' : k] = v.slice(0, 2048);
  }
  if (dependencies.length > 0) metadata.dependencies = dependencies;
  const overrides = overrideList(doc.overrides);
  if (overrides.length > 0) metadata.overrides = overrides;
  const registry = defaultRegistry(await configuration(doc, file, ctx));
  if (registry) metadata.defaultRegistry = registry;
  const license = str(doc, 'license');

  const port = isPort(file.location.path, name);
  return {
    packages: [
      langPackage({
        name,
        version: version === '' ? '' : full,
        type: 'vcpkg',
        purl: purlOrUndefined({ type: 'vcpkg', name, version, qualifiers: portVersion && version ? { port_revision: String(portVersion) } : undefined }),
        location: file.location,
        foundBy: CATALOGER,
        licenses: license ? [license] : [],
        description: description(doc.description),
        metadata: port ? metadata : projectMetadata('root', metadata),
      }),
    ],
  };
}
