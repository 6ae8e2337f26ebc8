/**
 * syft's native JSON (schema 1.x–16.x) → Sbom: artifacts, artifactRelationships, source
 * (`target` in old schemas, `metadata` in new ones), distro, descriptor.
 */
import type { LayerDescription, LinuxRelease, Location, Package, Relationship, RelationshipType, Sbom, SourceDescription } from '../model.js';
import { arr, dedupe, isObj, obj, packageTypeOf, stableId, str, uniqueIds, validPurl, type DecodeContext } from '../decode.js';

function licensesOf(a: Record<string, unknown>): string[] {
  return dedupe(
    arr(a.licenses)
      .map((l) => (typeof l === 'string' ? l : (str(obj(l).spdxExpression) || str(obj(l).value))))
      .filter((x): x is string => !!x),
  );
}

function locationsOf(a: Record<string, unknown>): Location[] {
  const out: Location[] = [];
  for (const l of arr(a.locations)) {
    const o = obj(l);
    const path = str(o.path) ?? str(o.accessPath);
    if (!path) continue;
    const layer = str(o.layerID);
    out.push(layer ? { path, layer } : { path });
  }
  return out;
}

function subjectOf(doc: Record<string, unknown>, fallback: string): SourceDescription {
  const source = obj(doc.source);
  const target = isObj(source.target) ? source.target : obj(source.metadata);
  const type = str(source.type);
  const kind: SourceDescription['kind'] = type === 'image' ? 'image' : type === 'directory' || type === 'dir' ? 'directory' : type === 'file' ? 'file' : 'unknown';
  const name =
    str(target.userInput) ??
    (str(source.name) ? `${str(source.name)}${str(source.version) ? `:${str(source.version)}` : ''}` : undefined) ??
    (typeof source.target === 'string' ? source.target : undefined) ??
    str(target.path) ??
    fallback;
  const subject: SourceDescription = { kind, name, transport: 'sbom' };
  const manifestDigest = str(target.manifestDigest);
  if (manifestDigest) subject.manifestDigest = manifestDigest;
  const configDigest = str(target.imageID);
  if (configDigest) subject.configDigest = configDigest;
  const tags = arr(target.tags).map(str).filter((x): x is string => !!x);
  if (tags.length > 0) subject.repoTags = tags;
  const repoDigests = arr(target.repoDigests).map(str).filter((x): x is string => !!x);
  if (repoDigests.length > 0) subject.repoDigests = repoDigests;
  const layers: LayerDescription[] = arr(target.layers)
    .map((l) => obj(l))
    .filter((l) => str(l.digest))
    .map((l) => {
      const layer: LayerDescription = { digest: str(l.digest)! };
      if (str(l.mediaType)) layer.mediaType = str(l.mediaType)!;
      if (typeof l.size === 'number') layer.size = l.size;
      return layer;
    });
  if (layers.length > 0) subject.layers = layers;
  const arch = str(target.architecture);
  const os = str(target.os);
  if (arch && os) subject.platform = { os, architecture: arch };
  return subject;
}

function distroOf(doc: Record<string, unknown>): LinuxRelease | undefined {
  const d = obj(doc.distro ?? doc.distribution);
  const id = str(d.id) ?? str(d.name);
  if (!id) return undefined;
  const r: LinuxRelease = { id };
  const versionId = str(d.versionID) ?? str(d.version);
  if (versionId) r.versionId = versionId;
  const codename = str(d.versionCodename);
  if (codename) r.versionCodename = codename;
  const pretty = str(d.prettyName);
  if (pretty) r.prettyName = pretty;
  const idLike = arr(d.idLike).map(str).filter((x): x is string => !!x);
  if (idLike.length > 0) r.idLike = idLike;
  return r;
}

const REL: Record<string, RelationshipType> = {
  'dependency-of': 'depends-on',
  'dev-dependency-of': 'dev-depends-on',
  contains: 'contains',
  // parent: the OS package whose file list holds the child's files
  'ownership-by-file-overlap': 'owns',
};

export function decodeSyftObject(doc: Record<string, unknown>, ctx: DecodeContext): Sbom {
  const packages: Package[] = [];
  for (const x of arr(doc.artifacts)) {
    const a = obj(x);
    const name = str(a.name);
    if (!name) {
      ctx.warn(`${ctx.source}: artifact without a name skipped`);
      continue;
    }
    if (ctx.keep && !ctx.keep(name, str(a.purl), undefined)) continue;
    const version = str(a.version) ?? '';
    const rawPurl = str(a.purl);
    const purl = validPurl(rawPurl);
    if (rawPurl && !purl) ctx.warn(`${ctx.source}: invalid purl ${JSON.stringify(rawPurl.slice(0, 200))} of ${name} ignored`);
    const cpes = arr(a.cpes)
      .map((c) => (typeof c === 'string' ? c : str(obj(c).cpe)))
      .filter((c): c is string => !!c);
    const foundBy = str(a.foundBy);
    const pkg: Package = {
      id: str(a.id) ?? stableId([purl, name, version]),
      name,
      version,
      type: packageTypeOf(purl, str(a.type)),
      licenses: licensesOf(a),
      locations: locationsOf(a),
      foundBy: foundBy ? [foundBy] : [],
    };
    if (purl) pkg.purl = purl;
    if (cpes.length > 0) pkg.cpes = dedupe(cpes);
    if (isObj(a.metadata)) pkg.metadata = { ...(str(a.metadataType) ? { metadataType: str(a.metadataType) } : {}), ...a.metadata };
    packages.push(pkg);
  }
  uniqueIds(packages);
  const ids = new Set(packages.map((p) => p.id));
  const relationships: Relationship[] = [];
  for (const r of arr(doc.artifactRelationships)) {
    const o = obj(r);
    const parent = str(o.parent);
    const child = str(o.child);
    const type = REL[str(o.type) ?? ''];
    if (!parent || !child || !type || !ids.has(parent) || !ids.has(child)) continue;
    // syft: child is a dependency of parent? No: 'dependency-of' means parent is a dependency of child.
    relationships.push(type === 'contains' || type === 'owns' ? { from: parent, to: child, type } : { from: child, to: parent, type });
  }
  const descriptor = obj(doc.descriptor);
  const sbom: Sbom = {
    subject: subjectOf(doc, ctx.source),
    packages,
    relationships,
    tools: str(descriptor.name) ? [{ name: str(descriptor.name)!, version: str(descriptor.version) ?? '' }] : [],
    document: { format: 'syft-json', specVersion: str(obj(doc.schema).version) },
  };
  const distro = distroOf(doc);
  if (distro) sbom.distro = distro;
  return sbom;
}
