/**
 * CycloneDX 1.2–1.7 JSON (and XML, converted to the same object shape by decode-xml.ts) → Sbom.
 * All components are taken recursively; metadata.component is the subject, not a package.
 */
import type { Location, Package, Relationship, Sbom, SourceDescription, ToolInfo } from '../model.js';
import { arr, dedupe, DECODE_LIMITS, isObj, obj, packageTypeOf, stableId, str, uniqueIds, validPurl, type DecodeContext } from '../decode.js';

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

function locationsOf(c: Record<string, unknown>, props: { name: string; value: string }[]): Location[] {
  const out: Location[] = [];
  const layerByIndex = new Map<string, string>();
  for (const p of props) {
    const m = /^syft:location:(\d+):layerID$/.exec(p.name);
    if (m) layerByIndex.set(m[1]!, p.value);
  }
  for (const p of props) {
    const m = /^syft:location:(\d+):path$/.exec(p.name);
    if (m) {
      const layer = layerByIndex.get(m[1]!);
      out.push(layer ? { path: p.value, layer } : { path: p.value });
    } else if (p.name === 'aquasecurity:trivy:FilePath') out.push({ path: p.value });
  }
  const evidence = obj(c.evidence);
  for (const occ of arr(evidence.occurrences)) {
    const loc = str(obj(occ).location);
    if (loc) out.push({ path: loc });
  }
  const seen = new Set<string>();
  return out.filter((l) => {
    const k = `${l.path}\u0000${l.layer ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
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

function subjectOf(metadata: Record<string, unknown>, fallback: string): SourceDescription {
  const c = obj(metadata.component);
  const name = str(c.name);
  if (!name) return { kind: 'unknown', name: fallback, transport: 'sbom' };
  const type = str(c.type);
  const version = str(c.version);
  const props = propertyList(c);
  const subject: SourceDescription = {
    kind: type === 'container' ? 'image' : type === 'file' ? 'file' : 'unknown',
    name: str(c.group) ? `${str(c.group)}/${name}` : name,
    transport: 'sbom',
  };
  const tags = props.filter((p) => p.name === 'aquasecurity:trivy:RepoTag').map((p) => p.value);
  const repoDigests = props.filter((p) => p.name === 'aquasecurity:trivy:RepoDigest').map((p) => p.value);
  if (tags.length > 0) subject.repoTags = tags;
  if (repoDigests.length > 0) subject.repoDigests = repoDigests;
  const imageId = props.find((p) => p.name === 'aquasecurity:trivy:ImageID')?.value;
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

function componentToPackage(c: Record<string, unknown>, ctx: DecodeContext): Package | undefined {
  if (ctx.keep && !ctx.keep(str(c.name) ?? '', str(c.purl), str(c.group))) return undefined;
  const name = str(c.name) ?? '';
  if (name === '') ctx.warn(`${ctx.source}: component ${str(c['bom-ref']) ?? ''} has no name`);
  const version = str(c.version) ?? '';
  const rawPurl = str(c.purl);
  const purl = validPurl(rawPurl);
  if (rawPurl && !purl) ctx.warn(`${ctx.source}: invalid purl ${JSON.stringify(rawPurl.slice(0, 200))} of ${name} ignored`);
  const props = propertyList(c);
  const cpes = dedupe([str(c.cpe), ...props.filter((p) => p.name === 'syft:cpe23').map((p) => p.value)].filter((x): x is string => !!x));
  const foundBy = props.filter((p) => p.name === 'syft:package:foundBy').map((p) => p.value);
  const toolType = props.find((p) => p.name === 'syft:package:type' || p.name === 'aquasecurity:trivy:PkgType')?.value;
  const group = str(c.group);
  const pkg: Package = {
    id: str(c['bom-ref']) ?? stableId([purl, group, name, version]),
    name,
    version,
    type: packageTypeOf(purl, toolType),
    licenses: licensesOf(c),
    locations: locationsOf(c, props),
    foundBy,
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
  const ctype = str(c.type);
  if (ctype && ctype !== 'library') pkg.metadata = { componentType: ctype };
  return pkg;
}

/** Decode a CycloneDX document (already parsed JSON, or XML converted to the JSON shape). */
export function decodeCycloneDxObject(doc: Record<string, unknown>, ctx: DecodeContext, format: 'cyclonedx-json' | 'cyclonedx-xml', specVersion?: string): Sbom {
  const metadata = obj(doc.metadata);
  const packages: Package[] = [];
  const walk = (list: unknown, depth: number): void => {
    if (depth > DECODE_LIMITS.maxNesting) {
      ctx.warn(`${ctx.source}: components nested deeper than ${DECODE_LIMITS.maxNesting} levels ignored`);
      return;
    }
    for (const c of arr(list)) {
      if (!isObj(c)) continue;
      const p = componentToPackage(c, ctx);
      if (p) packages.push(p);
      if (c.components !== undefined) walk(c.components, depth + 1);
    }
  };
  walk(doc.components, 0);
  uniqueIds(packages);
  const ids = new Set(packages.map((p) => p.id));
  const relationships: Relationship[] = [];
  for (const d of arr(doc.dependencies)) {
    const o = obj(d);
    const from = str(o.ref);
    if (!from) continue;
    for (const t of arr(o.dependsOn ?? o.dependency)) {
      const to = typeof t === 'string' ? t : str(obj(t).ref);
      if (to && (ids.has(from) || ids.has(to))) relationships.push({ from, to, type: 'depends-on' });
    }
  }
  const sbom: Sbom = {
    subject: subjectOf(metadata, str(doc.serialNumber) ?? ctx.source),
    packages,
    relationships,
    tools: toolsOf(metadata),
    document: { format, specVersion: specVersion ?? str(doc.specVersion) },
  };
  const serial = str(doc.serialNumber);
  if (serial) sbom.document!.serialNumber = serial;
  const created = str(metadata.timestamp);
  if (created) sbom.document!.created = created;
  const mc = obj(metadata.component);
  if (str(mc.name)) sbom.document!.name = str(mc.name);
  return sbom;
}
