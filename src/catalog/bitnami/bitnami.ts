/**
 * Bitnami images install their software under `/opt/bitnami/<app>` from their own tarballs, without a
 * package manager, and ship what each holds as an SBOM beside it: `/opt/bitnami/<app>/.spdx-<app>.spdx`
 * (SPDX 2.3; JSON in the images, tag-value read too) and, in older images, one
 * `/opt/bitnami/.bitnami_components.json` ({ name: { version, arch, distro, digest, type } }).
 * https://github.com/bitnami/containers (each image's `prebuildfs/opt/bitnami/.bitnami_components.json`).
 *
 * Reported: the `pkg:bitnami` packages of those documents (as syft does; packages of other types an SPDX
 * file lists, such as the Go modules of a binary, are left to the catalogers that read the binary), with
 * their purl (`?arch=…&distro=…`: OSV's Bitnami ecosystem matches them), CPEs and licences, and the
 * `contains`/`depends-on` relationships among them. The document's main package (the one no other one
 * contains) owns the directory the file is in: a runtime binary found there (`redis-server`) is that
 * package, not reported again. A file that does not decode is incomplete.
 */
import { buildPurl, parsePurl } from '../../core/ecosystem.js';
import { decodeSbomBytes } from '../../sbom/index.js';
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { dirOf, isRecord, langPackage, nameSome, parseJsonText, str } from '../lang-common.js';

const CATALOGER = 'bitnami-cataloger';
/** Components named in one `.bitnami_components.json`; past this, the rest is incomplete. */
const MAX_COMPONENTS = 10_000;

export function parseBitnamiSpdx(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const { sbom } = decodeSbomBytes(file.contents, file.location.path);
  const byId = new Map<string, Package>();
  const packages: Package[] = [];
  for (const d of sbom.packages) {
    const purl = d.purl ? parsePurl(d.purl) : undefined;
    if (purl?.type !== 'bitnami') continue;
    const p = langPackage({
      name: d.name,
      version: d.version || purl.version || '',
      type: 'bitnami',
      purl: d.purl,
      location: file.location,
      foundBy: CATALOGER,
      licenses: d.licenses,
      metadata: { path: dirOf(file.location.path), ...(purl.qualifiers?.arch ? { arch: purl.qualifiers.arch } : {}), ...(purl.qualifiers?.distro ? { distro: purl.qualifiers.distro } : {}) },
    });
    if (d.cpes && d.cpes.length > 0) p.cpes = [...d.cpes];
    byId.set(d.id, p);
    packages.push(p);
  }
  if (packages.length === 0 && sbom.packages.length > 0) ctx.warn(`no pkg:bitnami package among the ${sbom.packages.length} the document lists`, file.location);
  const relationships: Relationship[] = [];
  const contained = new Set<Package>();
  for (const r of sbom.relationships) {
    const from = byId.get(r.from);
    const to = byId.get(r.to);
    if (!from || !to || from === to || (r.type !== 'contains' && r.type !== 'depends-on')) continue;
    relationships.push({ from: from.id, to: to.id, type: r.type });
    if (r.type === 'contains') contained.add(to);
  }
  const top = packages.filter((p) => !contained.has(p));
  const main = top.length === 1 ? top[0] : undefined;
  const result: ParseResult = { packages, relationships };
  if (main) result.ownedDirs = new Map([[main, dirOf(file.location.path)]]);
  return result;
}

export function parseBitnamiComponents(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const doc = parseJsonText(file.contents, '.bitnami_components.json');
  if (!isRecord(doc)) throw new Error('.bitnami_components.json is not a JSON object');
  const packages: Package[] = [];
  const bad: string[] = [];
  const entries = Object.entries(doc);
  if (entries.length > MAX_COMPONENTS) ctx.incomplete(`${entries.length} components, more than ${MAX_COMPONENTS}; the rest not read`, file.location);
  for (const [name, c] of entries.slice(0, MAX_COMPONENTS)) {
    const version = str(c, 'version');
    if (!version) {
      bad.push(name);
      continue;
    }
    const arch = str(c, 'arch');
    const distro = str(c, 'distro');
    const digest = str(c, 'digest');
    const qualifiers: Record<string, string> = {};
    if (arch) qualifiers.arch = arch;
    if (distro) qualifiers.distro = distro;
    let purl: string | undefined;
    try {
      purl = buildPurl({ type: 'bitnami', name, version, qualifiers });
    } catch {
      purl = undefined;
    }
    packages.push(
      langPackage({
        name,
        version,
        type: 'bitnami',
        purl,
        location: file.location,
        foundBy: CATALOGER,
        hashes: digest && /^[0-9a-f]{64}$/i.test(digest) ? { 'SHA-256': digest.toLowerCase() } : undefined,
        metadata: { ...(arch ? { arch } : {}), ...(distro ? { distro } : {}), ...(str(c, 'type') ? { componentType: str(c, 'type') } : {}) },
      }),
    );
  }
  if (bad.length > 0) ctx.incomplete(`.bitnami_components.json components without a version: ${nameSome(bad, 20)}`, file.location);
  return { packages };
}
