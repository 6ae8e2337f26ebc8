/**
 * LibMan's `libman.json` (https://github.com/aspnet/LibraryManager/wiki/libman.json-reference): the client-side
 * libraries an ASP.NET project restores from a CDN (cdnjs, unpkg, jsdelivr) into `wwwroot`. Each
 * `library: "name@version"` (the provider is its own `provider`, else `defaultProvider`) is a JavaScript
 * package, `pkg:npm/<name>@<version>` as syft writes it (a scoped `@scope/name@version` too), with its provider
 * and destination in metadata. `filesystem` libraries are local files with no name or version: not packages,
 * skipped as syft does. syft reads the file only beside a `.deps.json` (and links the libraries to its project);
 * custody reads it wherever it is. An entry without a version, or whose name is not an npm name (jsdelivr's
 * `gh/user/repo`), is skipped with a warning; a file that is not JSON or has no `libraries` list is incomplete.
 */
import type { Package } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { npmPurl } from '../npm/common.js';
import { isRecord, langPackage, nameSome, parseJsonText, str } from '../lang-common.js';

const CATALOGER = 'dotnet-libman-cataloger';
/** Real libman.json files are a few KB. */
const MAX_BYTES = 4 * 1024 * 1024;
const MAX_LIBRARIES = 10_000;

export function parseLibmanJson(file: CatalogFile, ctx: CatalogContext): ParseResult {
  if (file.contents.length > MAX_BYTES) {
    ctx.incomplete(`libman.json is ${file.contents.length} bytes, over the ${MAX_BYTES} read`);
    return { packages: [] };
  }
  const doc = parseJsonText(file.contents, 'libman.json');
  if (!isRecord(doc)) throw new Error('libman.json is not a JSON object');
  if (doc.libraries === undefined) return { packages: [] };
  if (!Array.isArray(doc.libraries)) throw new Error('libman.json: libraries is not a list');
  const defaultProvider = str(doc, 'defaultProvider') ?? '';
  const packages: Package[] = [];
  const seen = new Set<string>();
  const skipped: string[] = [];
  if (doc.libraries.length > MAX_LIBRARIES) {
    ctx.incomplete(`libman.json lists ${doc.libraries.length} libraries; the first ${MAX_LIBRARIES} are read`);
  }
  for (const lib of doc.libraries.slice(0, MAX_LIBRARIES)) {
    const provider = str(lib, 'provider') ?? defaultProvider;
    if (provider === 'filesystem') continue;
    const ref = str(lib, 'library')?.trim() ?? '';
    const at = ref.lastIndexOf('@');
    const name = at > 0 ? ref.slice(0, at) : ref;
    const version = at > 0 ? ref.slice(at + 1) : '';
    const purl = version === '' ? undefined : npmPurl(name, version);
    if (purl === undefined) {
      skipped.push(ref === '' ? JSON.stringify(lib)?.slice(0, 80) ?? '?' : ref.slice(0, 120));
      continue;
    }
    if (seen.has(purl)) continue;
    seen.add(purl);
    const metadata: Record<string, unknown> = {};
    if (provider) metadata.provider = provider;
    const dest = str(lib, 'destination');
    if (dest) metadata.destination = dest.slice(0, 1024);
    packages.push(langPackage({ name, version, type: 'npm', purl, location: file.location, foundBy: CATALOGER, metadata }));
  }
  if (skipped.length > 0) {
    ctx.warn(`libman.json: libraries skipped (no name@version, or not an npm name): ${nameSome(skipped, 5, '; ')}`, file.location);
  }
  return { packages };
}
