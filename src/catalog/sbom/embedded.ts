/**
 * SBOM documents found inside the scanned tree (syft's sbom-cataloger): files named as SBOM tools name them
 * (`*.syft.json`, `*.spdx.json`, `*.cdx.xml`, `bom.json`, a file called `sbom`, …), decoded by the same reader as
 * `custody sbom convert` (any format `readSbom` reads; the format from the content, never the name). Every
 * package such a document lists is reported, found at the document (its location is the SBOM file, as syft
 * does: the document is the only evidence read), with the relationships between them; an entry without a name
 * is not reported and makes the result incomplete. A document is a claim
 * about software, not evidence of it, so this cataloger runs only when selected (`--select +sbom`; syft too
 * leaves it out of its defaults). Bitnami's `.spdx-*.spdx` files are left to the bitnami-cataloger, which
 * reads them: a package is not reported twice.
 */
import { InputError } from '../../core/errors.js';
import { decodeSbomBytes } from '../../sbom/index.js';
import { packageId } from '../../sbom/ids.js';
import type { Package, Relationship } from '../../sbom/model.js';
import { bitnamiCataloger } from '../bitnami/index.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { compilePathMatcher } from '../path-match.js';

const CATALOGER = 'sbom-cataloger';
/** Packages taken from one document; past this, the rest is incomplete. */
const MAX_PACKAGES = 500_000;
/** A document larger than this is not read (incomplete): the decoder holds it whole. */
const MAX_BYTES = 256 * 1024 * 1024;

/** syft's globs (files named `bom` and `sbom` too), and `bom.json`/`bom.xml`, the names CycloneDX's own tools write. */
export const SBOM_GLOBS = [
  '**/*.syft.json',
  '**/*.bom.*',
  '**/*.bom',
  '**/bom',
  '**/*.sbom.*',
  '**/*.sbom',
  '**/sbom',
  '**/*.cdx.*',
  '**/*.cdx',
  '**/*.spdx.*',
  '**/*.spdx',
  '**/bom.json',
  '**/bom.xml',
] as const;

const readByOthers = compilePathMatcher(bitnamiCataloger.parsers.flatMap((p) => [...p.globs]));

export function parseEmbeddedSbom(file: CatalogFile, ctx: CatalogContext): ParseResult {
  if (readByOthers(file.location.path)) return { packages: [] };
  if (file.contents.length > MAX_BYTES) {
    ctx.incomplete(`SBOM document is ${file.contents.length} bytes, over the ${MAX_BYTES} read`);
    return { packages: [] };
  }
  let decoded: ReturnType<typeof decodeSbomBytes>;
  try {
    decoded = decodeSbomBytes(file.contents, file.location.path, { warn: (m) => ctx.warn(m, file.location), progress: () => {}, info: () => {}, debug: () => {} }, { subjectAsPackage: true });
  } catch (err) {
    // a file with an SBOM's name whose content is no SBOM format (a macOS .bom receipt, a parts list): not one
    if (err instanceof InputError && err.code === 'SBOM_UNKNOWN_FORMAT') {
      ctx.warn(`not an SBOM document (${err.message}); skipped`, file.location);
      return { packages: [] };
    }
    throw err;
  }
  const { sbom, format } = decoded;
  const listed = sbom.packages;
  if (listed.length > MAX_PACKAGES) ctx.incomplete(`${listed.length} packages, more than ${MAX_PACKAGES}; the rest not read`);
  const newId = new Map<string, string>();
  const packages: Package[] = [];
  let nameless = 0;
  for (const d of listed.slice(0, MAX_PACKAGES)) {
    // an entry the document gives no name (a misspelt key: SPDX `packageName`) identifies nothing: not read
    if (d.name.trim() === '') {
      nameless++;
      continue;
    }
    const p: Package = {
      ...d,
      licenses: [...d.licenses],
      locations: [{ ...file.location }],
      foundBy: [CATALOGER],
      metadata: { ...(d.metadata ?? {}), sbomFormat: format.version ? `${format.id} ${format.version}` : format.id },
    };
    p.id = packageId(p);
    newId.set(d.id, p.id);
    packages.push(p);
  }
  if (nameless > 0) ctx.incomplete(`${nameless} package${nameless === 1 ? '' : 's'} without a name, not reported`, file.location);
  const relationships: Relationship[] = [];
  for (const r of sbom.relationships) {
    const from = newId.get(r.from);
    const to = newId.get(r.to);
    if (from !== undefined && to !== undefined && from !== to) relationships.push({ from, to, type: r.type });
  }
  return { packages, relationships };
}
