/**
 * SPDX 2.2/2.3 JSON (and tag-value, parsed to the same shape by tag-value.ts) → Sbom.
 * Every package counts, including the described root package. Lenient: missing required
 * fields (syft 0.57 has no copyrightText) are tolerated; `sbom validate` is where strictness lives.
 */
import type { Location, Package, Relationship, RelationshipType, Sbom, SourceDescription, ToolInfo } from '../model.js';
import { arr, assertion, dedupe, obj, packageTypeOf, splitToolString, stableId, str, uniqueIds, validPurl, type DecodeContext } from '../decode.js';

const RELATIONSHIPS: Record<string, { type: RelationshipType; reverse: boolean }> = {
  DEPENDS_ON: { type: 'depends-on', reverse: false },
  DEPENDENCY_OF: { type: 'depends-on', reverse: true },
  DEV_DEPENDENCY_OF: { type: 'dev-depends-on', reverse: true },
  CONTAINS: { type: 'contains', reverse: false },
  CONTAINED_BY: { type: 'contains', reverse: true },
  DESCRIBES: { type: 'describes', reverse: false },
  DESCRIBED_BY: { type: 'describes', reverse: true },
};

/** syft: 'acquired package info from installed java archive: /a.jar, /b.jar'. */
function locationsFromSourceInfo(sourceInfo: string | undefined): Location[] {
  if (!sourceInfo) return [];
  const idx = sourceInfo.indexOf(': ');
  if (!/^acquired package info from/i.test(sourceInfo) || idx === -1) return [];
  return sourceInfo
    .slice(idx + 2)
    .split(/,\s*/)
    .map((p) => p.trim())
    .filter((p) => p.startsWith('/'))
    .map((path) => ({ path }));
}

function toolsOf(creationInfo: Record<string, unknown>): ToolInfo[] {
  const tools: ToolInfo[] = [];
  for (const c of arr(creationInfo.creators)) {
    const s = str(c);
    if (!s) continue;
    const m = /^Tool:\s*(.+)$/.exec(s);
    if (m) tools.push(splitToolString(m[1]!));
  }
  return tools;
}

function packageOf(p: Record<string, unknown>, ctx: DecodeContext): Package | undefined {
  const name = str(p.name) ?? '';
  if (name === '') ctx.warn(`${ctx.source}: package ${str(p.SPDXID) ?? ''} has no name`);
  const version = str(p.versionInfo) ?? '';
  let purl: string | undefined;
  const cpes: string[] = [];
  for (const r of arr(p.externalRefs)) {
    const o = obj(r);
    const type = str(o.referenceType)?.toLowerCase();
    const loc = str(o.referenceLocator);
    if (!loc) continue;
    if (type === 'purl') {
      const v = validPurl(loc);
      if (v) purl ??= v;
      else ctx.warn(`${ctx.source}: invalid purl ${JSON.stringify(loc.slice(0, 200))} of ${name} ignored`);
    } else if (type === 'cpe23type' || type === 'cpe22type') cpes.push(loc);
  }
  const licenses = dedupe([assertion(p.licenseConcluded), assertion(p.licenseDeclared)].filter((x): x is string => !!x));
  const hashes: Record<string, string> = {};
  for (const c of arr(p.checksums)) {
    const o = obj(c);
    const alg = str(o.algorithm);
    const value = str(o.checksumValue);
    if (alg && value) hashes[alg.replace(/^SHA(\d)/, 'SHA-$1')] = value;
  }
  const pkg: Package = {
    id: str(p.SPDXID) ?? stableId([purl, name, version]),
    name,
    version,
    type: packageTypeOf(purl),
    licenses,
    locations: locationsFromSourceInfo(str(p.sourceInfo)),
    foundBy: [],
  };
  if (purl) pkg.purl = purl;
  if (cpes.length > 0) pkg.cpes = dedupe(cpes);
  if (Object.keys(hashes).length > 0) pkg.hashes = hashes;
  const supplier = assertion(p.supplier);
  if (supplier) pkg.supplier = supplier.replace(/^(Organization|Person):\s*/, '');
  const description = str(p.description) ?? str(p.summary);
  if (description) pkg.description = description;
  const fileName = assertion(p.packageFileName);
  if (fileName && pkg.locations.length === 0 && fileName.startsWith('/')) pkg.locations.push({ path: fileName });
  const purpose = str(p.primaryPackagePurpose);
  if (purpose) pkg.metadata = { primaryPackagePurpose: purpose };
  return pkg;
}

function looksLikeImage(name: string): boolean {
  return /^(?:[a-z0-9-]+\.[a-z0-9.-]+|localhost)(?::\d+)?\/[a-z0-9._\/-]+(?:[:@][\w.:-]+)?$/i.test(name);
}

function subjectOf(doc: Record<string, unknown>, packages: Package[], relationships: Relationship[], source: string): SourceDescription {
  const docName = str(doc.name);
  const described = new Set<string>([
    ...arr(doc.documentDescribes).map((x) => str(x)).filter((x): x is string => !!x),
    ...relationships.filter((r) => r.type === 'describes' && r.from === 'SPDXRef-DOCUMENT').map((r) => r.to),
  ]);
  const root = packages.find((p) => described.has(p.id));
  if (root?.purl?.startsWith('pkg:oci/') || root?.purl?.startsWith('pkg:docker/')) {
    const subject: SourceDescription = { kind: 'image', name: docName ?? root.name, transport: 'sbom' };
    if (/^sha256:[0-9a-f]{64}$/.test(root.version)) subject.manifestDigest = root.version;
    const repo = /[?&]repository_url=([^&]+)/.exec(root.purl)?.[1];
    if (repo) subject.repoTags = [decodeURIComponent(repo)];
    return subject;
  }
  const name = docName ?? root?.name ?? source;
  const ns = str(doc.documentNamespace) ?? '';
  const kind: SourceDescription['kind'] = /\/(image|container_image)\//.test(ns) || (!/\/filesystem\//.test(ns) && looksLikeImage(name)) ? 'image' : /\/(dir|directory)\//.test(ns) ? 'directory' : 'unknown';
  return { kind, name, transport: 'sbom' };
}

/** `ctx.keep` for raw SPDX packages; packages the document describes are always kept (they name the subject). */
function keepFilter(doc: Record<string, unknown>, keep: NonNullable<DecodeContext['keep']>): (p: Record<string, unknown>) => boolean {
  const described = new Set(arr(doc.documentDescribes).map((x) => str(x)));
  for (const r of arr(doc.relationships)) {
    const o = obj(r);
    const t = str(o.relationshipType);
    if (t === 'DESCRIBES' || t === 'DESCRIBED_BY') described.add(str(o.spdxElementId)).add(str(o.relatedSpdxElement));
  }
  return (p) => {
    if (described.has(str(p.SPDXID))) return true;
    const purls = arr(p.externalRefs)
      .map((r) => obj(r))
      .filter((o) => str(o.referenceType)?.toLowerCase() === 'purl')
      .map((o) => str(o.referenceLocator) ?? '');
    return keep(str(p.name) ?? '', purls.length > 0 ? purls.join(' ') : undefined, undefined);
  };
}

/** Decode an SPDX 2.x document object (JSON shape). */
export function decodeSpdxObject(doc: Record<string, unknown>, ctx: DecodeContext, format: string): Sbom {
  const packages: Package[] = [];
  const keep = ctx.keep ? keepFilter(doc, ctx.keep) : undefined;
  for (const p of arr(doc.packages)) {
    if (keep && !keep(obj(p))) continue;
    const pkg = packageOf(obj(p), ctx);
    if (pkg) packages.push(pkg);
  }
  uniqueIds(packages);
  const ids = new Set(packages.map((p) => p.id));
  const relationships: Relationship[] = [];
  for (const r of arr(doc.relationships)) {
    const o = obj(r);
    const a = str(o.spdxElementId);
    const b = str(o.relatedSpdxElement);
    const rel = RELATIONSHIPS[str(o.relationshipType) ?? ''];
    if (!a || !b || !rel) continue;
    const [from, to] = rel.reverse ? [b, a] : [a, b];
    if (rel.type === 'describes' ? ids.has(to) : ids.has(from) && ids.has(to)) relationships.push({ from, to, type: rel.type });
  }
  const creationInfo = obj(doc.creationInfo);
  const sbom: Sbom = {
    subject: subjectOf(doc, packages, relationships, ctx.source),
    packages,
    relationships,
    tools: toolsOf(creationInfo),
    document: { format, specVersion: str(doc.spdxVersion)?.replace(/^SPDX-/, '') },
  };
  const name = str(doc.name);
  if (name) sbom.document!.name = name;
  const ns = str(doc.documentNamespace);
  if (ns) sbom.document!.serialNumber = ns;
  const created = str(creationInfo.created);
  if (created) sbom.document!.created = created;
  return sbom;
}
