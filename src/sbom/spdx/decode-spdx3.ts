/** SPDX 3.0 JSON-LD: software_Package elements of the @graph → packages (minimal mapping). */
import type { Package, Sbom } from '../model.js';
import { arr, dedupe, obj, packageTypeOf, stableId, str, uniqueIds, validPurl, type DecodeContext } from '../decode.js';

export function decodeSpdx3Object(doc: Record<string, unknown>, ctx: DecodeContext, specVersion?: string): Sbom {
  const graph = arr(doc['@graph']);
  const packages: Package[] = [];
  let docName: string | undefined;
  const tools: { name: string; version: string }[] = [];
  for (const e of graph) {
    const o = obj(e);
    const type = str(o.type) ?? str(o['@type']);
    if (type === 'SpdxDocument') docName ??= str(o.name);
    if (type === 'Tool' && str(o.name)) tools.push({ name: str(o.name)!, version: '' });
    if (type !== 'software_Package') continue;
    const name = str(o.name);
    if (!name) continue;
    if (ctx.keep && !ctx.keep(name, str(o.software_packageUrl), undefined)) continue;
    const version = str(o.software_packageVersion) ?? '';
    const purl = validPurl(o.software_packageUrl);
    const cpes: string[] = [];
    for (const x of arr(o.externalIdentifier)) {
      const xi = obj(x);
      const t = str(xi.externalIdentifierType);
      const id = str(xi.identifier);
      if (id && (t === 'cpe23' || t === 'cpe22')) cpes.push(id);
    }
    const pkg: Package = {
      id: str(o.spdxId) ?? str(o['@id']) ?? stableId([purl, name, version]),
      name,
      version,
      type: packageTypeOf(purl),
      licenses: [],
      locations: [],
      foundBy: [],
    };
    if (purl) pkg.purl = purl;
    if (cpes.length > 0) pkg.cpes = dedupe(cpes);
    packages.push(pkg);
  }
  uniqueIds(packages);
  if (graph.length === 0) ctx.warn(`${ctx.source}: SPDX 3 document has no @graph elements`);
  return {
    subject: { kind: 'unknown', name: docName ?? ctx.source, transport: 'sbom' },
    packages,
    relationships: [],
    tools,
    document: { format: 'spdx3-json', specVersion, ...(docName ? { name: docName } : {}) },
  };
}
