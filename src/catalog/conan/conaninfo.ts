/**
 * Conan 1 `conaninfo.txt`, written beside each binary package in the local cache
 * (`~/.conan/data/<name>/<version>/<user>/<channel>/package/<package_id>/conaninfo.txt`): an INI-like file whose
 * `[full_requires]` section pins every package the binary was built against (`zlib/1.2.13:<package_id>`) and whose
 * `[recipe_hash]` is the recipe's hash. The package it describes is named by the cache path (the file does not
 * name it; `_` for no user or channel), as syft reads it, and depends on each of its full requires.
 * Outside that layout only the requires are reported (a warning). Conan 2's `conaninfo.txt` has no
 * `[full_requires]` (its `[requires]` are version patterns such as `zlib/1.2.Z`), so it gives no package.
 */
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { nameSome, textOf } from '../lang-common.js';
import { conanPackage, parseConanRef, type ConanRef } from './conan.js';

const CATALOGER = 'conan-info-cataloger';
/** A conaninfo.txt is a few KB; its full_options list can be long. */
const MAX_BYTES = 8 * 1024 * 1024;
const MAX_REQUIRES = 10_000;
const MAX_NAMED = 20;

const CACHE_PATH = /\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)\/package\/([^/]+)\/conaninfo\.txt$/;

/** The package a cache path names, or undefined outside the Conan 1 cache layout. */
function packageOfPath(path: string): (ConanRef & { packageId: string }) | undefined {
  const m = CACHE_PATH.exec(path);
  if (!m) return undefined;
  const [, name, version, user, channel, packageId] = m as unknown as [string, string, string, string, string, string];
  const ref = parseConanRef(`${name}/${version}${user !== '_' ? `@${user}${channel !== '_' ? `/${channel}` : ''}` : ''}`);
  return 'error' in ref ? undefined : { ...ref, packageId };
}

export function parseConaninfo(file: CatalogFile, ctx: CatalogContext): ParseResult {
  if (file.contents.length > MAX_BYTES) {
    ctx.incomplete(`conaninfo.txt is ${file.contents.length} bytes, over the ${MAX_BYTES} read`);
    return { packages: [] };
  }
  const requires: Package[] = [];
  const unread: string[] = [];
  let section: string | undefined;
  let sections = 0;
  let recipeHash: string | undefined;
  let lineNo = 0;
  for (const raw of textOf(file.contents).split('\n')) {
    lineNo++;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const head = /^\[([^\]]*)\]$/.exec(line);
    if (head !== null) {
      section = head[1]!.trim();
      sections++;
      continue;
    }
    if (section === 'recipe_hash') {
      recipeHash ??= line;
      continue;
    }
    if (section !== 'full_requires') continue;
    const ref = parseConanRef(line);
    if ('error' in ref) {
      unread.push(`line ${lineNo} ${JSON.stringify(line.slice(0, 120))} (${ref.error})`);
      continue;
    }
    if (requires.length >= MAX_REQUIRES) {
      ctx.incomplete(`conaninfo.txt has more than ${MAX_REQUIRES} full requires; the rest are not read`);
      break;
    }
    const p = conanPackage(ref, file, CATALOGER, false);
    const packageId = /:([0-9a-f]{6,64})/.exec(line)?.[1];
    if (packageId) p.metadata = { ...p.metadata, packageId };
    requires.push(p);
  }
  if (sections === 0) throw new Error('conaninfo.txt has no [section]');
  if (unread.length > 0) ctx.incomplete(`conaninfo.txt full requires not read: ${nameSome(unread, MAX_NAMED)}`);
  const own = packageOfPath(file.location.path);
  if (own === undefined) {
    ctx.warn('conaninfo.txt outside the Conan cache layout <name>/<version>/<user>/<channel>/package/<id>/: the package it describes is not named', file.location);
    return { packages: requires };
  }
  const main = conanPackage(own, file, CATALOGER, false);
  main.metadata = { ...main.metadata, packageId: own.packageId, ...(recipeHash ? { recipeHash } : {}) };
  const relationships: Relationship[] = requires.map((r) => ({ from: main.id, to: r.id, type: 'depends-on' }));
  return { packages: [main, ...requires], relationships };
}
