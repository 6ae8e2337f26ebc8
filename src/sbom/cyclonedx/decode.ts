/**
 * CycloneDX 1.2–1.7 JSON (and XML, converted to the same object shape by decode-xml.ts) → Sbom.
 * All components are taken recursively; metadata.component is the subject, not a package, and an
 * `operating-system` component is the distro, not a package. trivy's aggregate components (a lock file or
 * binary as an `application` with an `aquasecurity:trivy:Class` property and no purl) are not packages
 * either: their path is the location of the packages they depend on that name none of their own.
 * Locations are read from every convention in use: `evidence.occurrences[].location` (the spec's place,
 * 1.5+), custody's `custody:location:<i>:path|layer`, syft's `syft:location:<i>:path|layerID` and trivy's
 * `aquasecurity:trivy:FilePath` (with `LayerDigest`). syft's `layerID` is the layer's diff ID, kept as written.
 */
import type { LayerDescription, LinuxRelease, Location, Package, Platform, Relationship, Sbom, SourceDescription, ToolInfo } from '../model.js';
import { cycloneDxCompleteness } from './completeness.js';
import { arr, custodyType, dedupe, DECODE_LIMITS, isObj, locationPath, mergeLocations, modularityLabelOf, obj, packageTypeOf, stableId, str, uniqueIds, validPurl, type DecodeContext } from '../decode.js';

function propertyList(c: Record<string, unknown>): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const p of arr(c.properties)) {
    const o = obj(p);
    const name = str(o.name);
    const value = str(o.value);
    if (name !== undefined && value !== undefined) out.push({ name, value });
  }
  return out;
}

function licensesOf(c: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const l of arr(c.licenses)) {
    const o = obj(l);
    const expr = str(o.expression);
    if (expr) out.push(expr);
    const lic = obj(o.license);
    const v = str(lic.id) ?? str(lic.name) ?? str(lic.expression);
    if (v) out.push(v);
  }
  return dedupe(out);
}

function hashesOf(c: Record<string, unknown>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const h of arr(c.hashes)) {
    const o = obj(h);
    const alg = str(o.alg);
    const content = str(o.content);
    if (alg && content) out[alg] = content;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Values of the properties named `name`, in document order (the subject's and the distro's: once per document). */
function values(props: readonly { name: string; value: string }[], name: string): string[] {
  return props.filter((p) => p.name === name).map((p) => p.value);
}

/** `<prefix><i>:<field>` properties grouped by index i, in index order. */
function indexed(props: readonly { name: string; value: string }[], prefix: string): Map<string, string>[] {
  const byIndex = new Map<number, Map<string, string>>();
  for (const p of props) if (p.name.startsWith(prefix)) addIndexed(byIndex, p.name.slice(prefix.length), p.value);
  return ordered(byIndex);
}

/** `<i>:<field>` → the fields of entry i. */
function addIndexed(byIndex: Map<number, Map<string, string>>, rest: string, value: string): void {
  const colon = rest.indexOf(':');
  if (colon <= 0) return;
  const i = Number(rest.slice(0, colon));
  if (!Number.isSafeInteger(i) || i < 0) return;
  const fields = byIndex.get(i) ?? new Map<string, string>();
  fields.set(rest.slice(colon + 1), value);
  byIndex.set(i, fields);
}

function ordered(byIndex: Map<number, Map<string, string>>): Map<string, string>[] {
  return byIndex.size === 0 ? [] : [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, f]) => f);
}

/** Everything a component's properties say, in one pass over them (a document has thousands of components). */
interface ComponentProps {
  custodyLocations: Map<number, Map<string, string>>;
  syftLocations: Map<number, Map<string, string>>;
  trivyPaths: string[];
  trivyLayer?: string;
  cpes: string[];
  foundBy: string[];
  toolType?: string;
  custodyType?: string;
  deleted: boolean;
  metadata: Record<string, unknown>;
  srcName?: string;
  srcVersion?: string;
  modularity: string[];
  owners: string[];
}

function readProps(props: readonly { name: string; value: string }[]): ComponentProps {
  const r: ComponentProps = { custodyLocations: new Map(), syftLocations: new Map(), trivyPaths: [], cpes: [], foundBy: [], deleted: false, metadata: {}, modularity: [], owners: [] };
  for (const { name, value } of props) {
    if (name.startsWith('custody:')) {
      if (name.startsWith('custody:location:')) addIndexed(r.custodyLocations, name.slice('custody:location:'.length), value);
      else if (name.startsWith('custody:metadata:')) {
        const k = name.slice('custody:metadata:'.length);
        // A list is written as one property per item: repeated keys become a list again.
        // custody writes scalars as text: its booleans (dev, indirect, optional, ...) come back as booleans
        const v: unknown = value === 'true' ? true : value === 'false' ? false : value;
        const have = r.metadata[k];
        r.metadata[k] = have === undefined ? v : Array.isArray(have) ? [...(have as unknown[]), v] : [have, v];
        if (k === 'modularityLabel') r.modularity.push(value);
      } else if (name === 'custody:cpe') r.cpes.push(value);
      else if (name === 'custody:foundBy') r.foundBy.push(value);
      else if (name === 'custody:type') {
        r.custodyType ??= value;
        r.toolType ??= value;
      } else if (name === 'custody:deleted') r.deleted ||= value === 'true';
      else if (name === 'custody:ownedBy') r.owners.push(value);
    } else if (name.startsWith('syft:')) {
      if (name.startsWith('syft:location:')) addIndexed(r.syftLocations, name.slice('syft:location:'.length), value);
      else if (name === 'syft:cpe23') r.cpes.push(value);
      else if (name === 'syft:package:foundBy') r.foundBy.push(value);
      else if (name === 'syft:package:type') r.toolType ??= value;
      else if (name === 'syft:metadata:modularityLabel') r.modularity.push(value);
      // syft's source package of a distro package (deb `source`, apk `originPackage`): distro advisories are per source package.
      else if (name === 'syft:metadata:source' || name === 'syft:metadata:originPackage') r.srcName ??= value;
    } else if (name.startsWith('aquasecurity:trivy:')) {
      const k = name.slice('aquasecurity:trivy:'.length);
      if (k === 'FilePath') r.trivyPaths.push(value);
      // trivy's LayerDigest is the layer's blob digest, as custody records it (its LayerDiffID is another digest of it).
      else if (k === 'LayerDigest') r.trivyLayer ??= value;
      else if (k === 'PkgType') r.toolType ??= value;
      else if (k === 'SrcName') r.srcName ??= value;
      else if (k === 'SrcVersion') r.srcVersion ??= value;
    }
  }
  return r;
}

function locationsOf(c: Record<string, unknown>, pr: ComponentProps, kind: SourceDescription['kind']): Location[] {
  const out: Location[] = [];
  const add = (path: string | undefined, layer: string | undefined): void => {
    if (path === undefined || path === '') return;
    const p = locationPath(path, kind);
    out.push(layer ? { path: p, layer } : { path: p });
  };
  for (const f of ordered(pr.custodyLocations)) add(f.get('path'), f.get('layer'));
  for (const f of ordered(pr.syftLocations)) add(f.get('path'), f.get('layerID'));
  for (const path of pr.trivyPaths) add(path, pr.trivyLayer);
  const evidence = c.evidence;
  if (evidence !== undefined) for (const occ of arr(obj(evidence).occurrences)) add(str(obj(occ).location), undefined);
  return out.length <= 1 ? out : mergeLocations(out);
}

function toolsOf(metadata: Record<string, unknown>): ToolInfo[] {
  const tools: ToolInfo[] = [];
  const t = metadata.tools;
  const list = isObj(t) ? [...arr(t.components), ...arr(t.services)] : arr(t);
  for (const x of list) {
    const o = obj(x);
    const name = str(o.name);
    if (!name) continue;
    const vendor = str(o.vendor) ?? str(o.group) ?? str(obj(o.manufacturer).name) ?? str(obj(o.supplier).name);
    tools.push(vendor ? { name, version: str(o.version) ?? '', vendor } : { name, version: str(o.version) ?? '' });
  }
  return tools;
}

/** custody's own subject properties (`custody:source:*`, `custody:image:*`), when the document has them. */
function custodySubject(props: readonly { name: string; value: string }[]): SourceDescription | undefined {
  const name = values(props, 'custody:source:name')[0];
  const kind = values(props, 'custody:source:kind')[0];
  if (name === undefined || (kind !== 'image' && kind !== 'directory' && kind !== 'file' && kind !== 'unknown')) return undefined;
  const s: SourceDescription = { kind, name };
  const transport = values(props, 'custody:source:transport')[0];
  if (transport) s.transport = transport;
  const manifestDigest = values(props, 'custody:image:manifestDigest')[0];
  if (manifestDigest) s.manifestDigest = manifestDigest;
  const configDigest = values(props, 'custody:image:configDigest')[0];
  if (configDigest) s.configDigest = configDigest;
  const tags = values(props, 'custody:image:repoTag');
  if (tags.length > 0) s.repoTags = tags;
  const repoDigests = values(props, 'custody:image:repoDigest');
  if (repoDigests.length > 0) s.repoDigests = repoDigests;
  const refName = values(props, 'custody:image:refName')[0];
  if (refName) s.refName = refName;
  const platform = values(props, 'custody:image:platform')[0]?.split('/');
  if (platform && platform.length >= 2 && platform[0] && platform[1]) {
    const pl: Platform = { os: platform[0], architecture: platform[1] };
    if (platform[2]) pl.variant = platform[2];
    s.platform = pl;
  }
  const layers: LayerDescription[] = [];
  for (const f of indexed(props, 'custody:image:layer:')) {
    const digest = f.get('digest');
    if (!digest) continue;
    const l: LayerDescription = { digest };
    if (f.get('mediaType')) l.mediaType = f.get('mediaType')!;
    if (f.get('diffId')) l.diffId = f.get('diffId')!;
    const size = Number(f.get('size'));
    if (f.get('size') !== undefined && Number.isSafeInteger(size) && size >= 0) l.size = size;
    layers.push(l);
  }
  if (layers.length > 0) s.layers = layers;
  return s;
}

function subjectOf(metadata: Record<string, unknown>, fallback: string): SourceDescription {
  const c = obj(metadata.component);
  const name = str(c.name);
  if (!name) return { kind: 'unknown', name: fallback, transport: 'sbom' };
  const type = str(c.type);
  const version = str(c.version);
  const props = propertyList(c);
  const own = custodySubject(props);
  if (own) return own;
  const subject: SourceDescription = {
    kind: type === 'container' ? 'image' : type === 'file' ? 'file' : 'unknown',
    name: str(c.group) ? `${str(c.group)}/${name}` : name,
    transport: 'sbom',
  };
  const tags = values(props, 'aquasecurity:trivy:RepoTag');
  const repoDigests = values(props, 'aquasecurity:trivy:RepoDigest');
  if (tags.length > 0) subject.repoTags = tags;
  if (repoDigests.length > 0) subject.repoDigests = repoDigests;
  const imageId = values(props, 'aquasecurity:trivy:ImageID')[0];
  if (imageId) subject.configDigest = imageId;
  if (version && /^sha256:[0-9a-f]{64}$/.test(version)) {
    // syft puts the image's manifest (or config) digest in the version.
    subject.manifestDigest = version;
  } else if (version && subject.kind !== 'image') {
    subject.name = `${subject.name}@${version}`;
  } else if (version) {
    subject.name = name.includes(':') || name.includes('@') ? subject.name : `${subject.name}:${version}`;
  }
  return subject;
}

/** An `operating-system` component as the distro (custody's, syft's and trivy's spellings). */
function distroOf(c: Record<string, unknown>): LinuxRelease | undefined {
  const props = propertyList(c);
  const id = values(props, 'syft:distro:id')[0] ?? str(c.name);
  if (!id) return undefined;
  const r: LinuxRelease = { id: id.toLowerCase() };
  const versionId = str(c.version) ?? values(props, 'syft:distro:versionID')[0];
  if (versionId) r.versionId = versionId;
  const codename = values(props, 'custody:distro:codename')[0] ?? values(props, 'syft:distro:versionCodename')[0];
  if (codename) r.versionCodename = codename;
  const pretty = str(c.description) ?? values(props, 'syft:distro:prettyName')[0];
  if (pretty) r.prettyName = pretty;
  const idLike = [...values(props, 'custody:distro:idLike'), ...values(props, 'syft:distro:idLike').flatMap((v) => v.split(/\s+/))].filter(Boolean);
  if (idLike.length > 0) r.idLike = dedupe(idLike);
  return r;
}

/** The package a component is (and custody's `custody:ownedBy`: the bom-refs of the OS packages that installed it). */
function componentToPackage(c: Record<string, unknown>, ctx: DecodeContext, kind: SourceDescription['kind']): { pkg: Package; owners: string[] } | undefined {
  // The query's package filter first: a big document has thousands of components and one match.
  if (ctx.keep && !ctx.keep(str(c.name) ?? '', str(c.purl), str(c.group))) return undefined;
  const pr = readProps(propertyList(c));
  const name = str(c.name) ?? '';
  if (name === '') ctx.warn(`${ctx.source}: component ${str(c['bom-ref']) ?? ''} has no name`);
  const version = str(c.version) ?? '';
  const rawPurl = str(c.purl);
  const purl = validPurl(rawPurl);
  if (rawPurl && !purl) ctx.warn(`${ctx.source}: invalid purl ${JSON.stringify(rawPurl.slice(0, 200))} of ${name} ignored`);
  const cpe = str(c.cpe);
  const cpes = pr.cpes.length === 0 ? (cpe ? [cpe] : []) : dedupe([cpe, ...pr.cpes].filter((x): x is string => !!x));
  const group = str(c.group);
  const pkg: Package = {
    id: str(c['bom-ref']) ?? stableId([purl, group, name, version]),
    name,
    version,
    type: custodyType(pr.custodyType) ?? packageTypeOf(purl, pr.toolType),
    licenses: licensesOf(c),
    locations: locationsOf(c, pr, kind),
    foundBy: pr.foundBy.length > 1 ? dedupe(pr.foundBy) : pr.foundBy,
  };
  if (purl) pkg.purl = purl;
  if (cpes.length > 0) pkg.cpes = cpes;
  if (group) pkg.group = group;
  const hashes = hashesOf(c);
  if (hashes) pkg.hashes = hashes;
  const supplier = str(obj(c.supplier).name) ?? str(c.publisher);
  if (supplier) pkg.supplier = supplier;
  const description = str(c.description);
  if (description) pkg.description = description;
  if (pr.deleted) pkg.deleted = true;
  const metadata = pr.metadata;
  // trivy names the source package of a distro package in properties (the OSV matcher looks advisories up by it).
  if (pr.srcName && metadata.source === undefined) metadata.source = pr.srcName;
  if (pr.srcVersion && metadata.sourceVersion === undefined) metadata.sourceVersion = pr.srcVersion;
  const ctype = str(c.type);
  if (ctype && ctype !== 'library') metadata.componentType = ctype;
  // An rpm's module stream (RHEL 8): custody's or syft's metadata property, or trivy's purl qualifier.
  const label = modularityLabelOf(purl, pr.modularity);
  if (label) metadata.modularityLabel = label;
  for (const _ in metadata) {
    pkg.metadata = metadata;
    break;
  }
  return { pkg, owners: pr.owners };
}


/** `metadata.component` types that name what the document is about, never a package of it. */
const SUBJECT_ONLY = new Set(['container', 'file', 'operating-system', 'device', 'firmware', 'data', 'machine-learning-model', 'cryptographic-asset']);

/** trivy's aggregate of the packages found in one file (`aquasecurity:trivy:Class` lang-pkgs, …): not a package itself. */
function isTrivyAggregate(c: Record<string, unknown>): boolean {
  return str(c.purl) === undefined && str(c.version) === undefined && propertyList(c).some((p) => p.name === 'aquasecurity:trivy:Class');
}

/** Decode a CycloneDX document (already parsed JSON, or XML converted to the JSON shape). */
export function decodeCycloneDxObject(doc: Record<string, unknown>, ctx: DecodeContext, format: 'cyclonedx-json' | 'cyclonedx-xml', specVersion?: string): Sbom {
  const metadata = obj(doc.metadata);
  const subject = subjectOf(metadata, str(doc.serialNumber) ?? ctx.source);
  const packages: Package[] = [];
  let distro: LinuxRelease | undefined;
  const owned: [Package, string[]][] = [];
  /** trivy's aggregate components by bom-ref: the file path they name. */
  const aggregates = new Map<string, string>();
  const walk = (list: unknown, depth: number): void => {
    if (depth > DECODE_LIMITS.maxNesting) {
      ctx.warn(`${ctx.source}: components nested deeper than ${DECODE_LIMITS.maxNesting} levels ignored`);
      return;
    }
    for (const c of arr(list)) {
      if (!isObj(c)) continue;
      if (str(c.type) === 'operating-system') {
        // The first one is the distro (custody, syft and trivy write one); more are unusual and kept as packages.
        const d = distro === undefined ? distroOf(c) : undefined;
        if (d) distro = d;
        else {
          const r = componentToPackage(c, ctx, subject.kind);
          if (r) packages.push(r.pkg);
        }
      } else if (isTrivyAggregate(c)) {
        const ref = str(c['bom-ref']);
        if (ref !== undefined) aggregates.set(ref, str(c.name) ?? '');
      } else {
        const r = componentToPackage(c, ctx, subject.kind);
        if (r) {
          packages.push(r.pkg);
          if (r.owners.length > 0) owned.push([r.pkg, r.owners]);
        }
      }
      if (c.components !== undefined) walk(c.components, depth + 1);
    }
  };
  walk(doc.components, 0);
  const mc = obj(metadata.component);
  // with a version or a purl: trivy's filesystem subject (`application` named by the scanned path) has neither
  if (ctx.subjectAsPackage === true && str(mc.name) && (str(mc.version) || str(mc.purl)) && !SUBJECT_ONLY.has(str(mc.type) ?? '') && custodySubject(propertyList(mc)) === undefined && !isTrivyAggregate(mc)) {
    const r = componentToPackage(mc, ctx, subject.kind);
    if (r) {
      r.pkg.metadata = { ...(r.pkg.metadata ?? {}), sbomSubject: true };
      packages.unshift(r.pkg);
    }
  }
  uniqueIds(packages);
  const ids = new Set(packages.map((p) => p.id));
  const byId = new Map(packages.map((p) => [p.id, p]));
  const relationships: Relationship[] = [];
  for (const [p, owners] of owned) for (const o of owners) if (ids.has(o) && o !== p.id) relationships.push({ from: o, to: p.id, type: 'owns' });
  for (const d of arr(doc.dependencies)) {
    const o = obj(d);
    const from = str(o.ref);
    if (!from) continue;
    const aggregate = aggregates.get(from);
    for (const t of arr(o.dependsOn ?? o.dependency)) {
      const to = typeof t === 'string' ? t : str(obj(t).ref);
      if (!to || aggregates.has(to)) continue;
      if (aggregate !== undefined) {
        // the packages trivy found in that file: it is where they are, when they name no place themselves
        const p = aggregate !== '' ? byId.get(to) : undefined;
        if (p && p.locations.length === 0) p.locations = [{ path: locationPath(aggregate, subject.kind) }];
        continue;
      }
      if (ids.has(from) || ids.has(to)) relationships.push({ from, to, type: 'depends-on' });
    }
  }
  const sbom: Sbom = {
    subject,
    packages,
    relationships,
    tools: toolsOf(metadata),
    document: { format, specVersion: specVersion ?? str(doc.specVersion) },
  };
  if (distro) sbom.distro = distro;
  const serial = str(doc.serialNumber);
  if (serial) sbom.document!.serialNumber = serial;
  const created = str(metadata.timestamp);
  if (created) sbom.document!.created = created;
  if (str(mc.name)) sbom.document!.name = str(mc.name);
  const { completeness, incomplete } = cycloneDxCompleteness(doc);
  sbom.completeness = completeness;
  if (incomplete.length > 0) sbom.incomplete = incomplete;
  return sbom;
}
