/**
 * SPDX 2.2/2.3 JSON (and tag-value, parsed to the same shape by tag-value.ts) → Sbom.
 * The described root package is the subject, not a package, when it is an image (`primaryPackagePurpose`
 * CONTAINER, an oci/docker purl, trivy's ContainerImage), the file or directory scanned (`primaryPackagePurpose`
 * FILE: syft's `DocumentRoot-File-…`/`DocumentRoot-Directory-…`, whose version is the file's digest; syft and
 * trivy read it as the source too; trivy's Filesystem) or custody's own root; any other described package counts.
 * trivy's structure elements without version or purl (ContainerImage, Filesystem, Application: the lock file or
 * binary its packages came from, whose path locates them) are no packages wherever they stand. An OPERATING_SYSTEM package is the distro. Lenient: missing required fields (syft 0.57 has no
 * copyrightText) are tolerated; `sbom validate` is where strictness lives.
 * Locations come from `sourceInfo` in the sentences custody, syft and trivy write, else from the files a
 * package CONTAINS (or `hasFiles`), with syft's `layerID:` file comments and trivy's `LayerDigest:` notes.
 */
import { completenessFromSpdxComments } from '../completeness.js';
import type { LayerDescription, LinuxRelease, Location, Package, Platform, Relationship, RelationshipType, Sbom, SourceDescription, ToolInfo } from '../model.js';
import { arr, assertion, dedupe, locationPath, mergeLocations, modularityLabelOf, obj, packageTypeOf, splitToolString, stableId, str, uniqueIds, validPurl, type DecodeContext } from '../decode.js';

const RELATIONSHIPS: Record<string, { type: RelationshipType; reverse: boolean }> = {
  DEPENDS_ON: { type: 'depends-on', reverse: false },
  DEPENDENCY_OF: { type: 'depends-on', reverse: true },
  DEV_DEPENDENCY_OF: { type: 'dev-depends-on', reverse: true },
  CONTAINS: { type: 'contains', reverse: false },
  CONTAINED_BY: { type: 'contains', reverse: true },
  DESCRIBES: { type: 'describes', reverse: false },
  DESCRIBED_BY: { type: 'describes', reverse: true },
};

const OWNS = { type: 'owns', reverse: false } as const;

/** What a package's `sourceInfo` says, in the conventions known. */
interface SourceInfo {
  locations: Location[];
  foundBy: string[];
  deleted: boolean;
  /** trivy: 'built package from: openssl-libs 1:1.0.2k-16.el7' (the source package). */
  source?: { name: string; version?: string };
}

/**
 * custody: 'found by java-archive-cataloger at /a.war!/WEB-INF/lib/x.jar (layer sha256:…), /b.jar; deleted by a later layer'
 * ('found at …' when no cataloger is known).
 * syft: 'acquired package info from installed java archive: /a.jar, /b.jar'.
 * trivy: 'package found in: Manifest.toml'; 'built package from: bash 4.2.46-31.el7'.
 */
export function parseSourceInfo(sourceInfo: string | undefined): SourceInfo {
  const out: SourceInfo = { locations: [], foundBy: [], deleted: false };
  if (!sourceInfo) return out;
  let text = sourceInfo.trim();
  const custody = text.startsWith('found') ? /^found(?: by (.*?))?(?: at (.+?))?(; deleted by a later layer)?$/s.exec(text) : null;
  if (custody) {
    out.foundBy = (custody[1] ?? '').split(/,\s*/).filter((x) => x !== '');
    out.deleted = custody[3] !== undefined;
    // Locations are absolute paths joined by ', ' (a comma followed by a new path starts the next one).
    for (const part of (custody[2] ?? '').split(/, (?=\/)/)) {
      const m = /^(.*?)(?: \(layer ([^)\s]+)\))?$/s.exec(part.trim());
      if (m && m[1]) out.locations.push(m[2] ? { path: m[1], layer: m[2] } : { path: m[1] });
    }
    return out;
  }
  const built = /^built package from:\s*(\S+)(?:\s+(\S+))?$/.exec(text);
  if (built) {
    out.source = built[2] ? { name: built[1]!, version: built[2] } : { name: built[1]! };
    return out;
  }
  const found = /^package found in:\s*(.+)$/.exec(text);
  if (found) {
    out.locations.push({ path: found[1]!.trim() });
    return out;
  }
  const idx = text.indexOf(': ');
  if (!/^acquired package info from/i.test(text) || idx === -1) return out;
  text = text.slice(idx + 2);
  out.locations = text
    .split(/,\s*/)
    .map((p) => p.trim())
    .filter((p) => p.startsWith('/'))
    .map((path) => ({ path }));
  return out;
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

const NO_NOTES: readonly string[] = [];

/** Notes a tool attached to an element as annotation comments or attribution texts ('LayerDigest: sha256:…'). */
function notesOf(e: Record<string, unknown>): string[] {
  return [...arr(e.annotations).map((a) => str(obj(a).comment)), ...arr(e.attributionTexts).map(str)].filter((x): x is string => x !== undefined);
}

/** The value of the first note `Key: value` (trivy) or `key=value` (custody). */
function note(notes: readonly string[], key: string, sep: ': ' | '='): string | undefined {
  return notesAll(notes, key, sep)[0];
}

function notesAll(notes: readonly string[], key: string, sep: ': ' | '='): string[] {
  const prefix = `${key}${sep}`;
  return notes.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length).trim());
}

/** The files a package CONTAINS (relationship or `hasFiles`), as locations with syft's `layerID:` comment. */
interface FileIndex {
  files: Map<string, Location>;
  contains: Map<string, string[]>;
}

function fileIndex(doc: Record<string, unknown>): FileIndex {
  const files = new Map<string, Location>();
  for (const f of arr(doc.files)) {
    const o = obj(f);
    const id = str(o.SPDXID);
    const path = str(o.fileName);
    if (!id || !path) continue;
    const layer = /^layerID:\s*(\S+)/.exec(str(o.comment) ?? '')?.[1];
    files.set(id, layer ? { path, layer } : { path });
  }
  const contains = new Map<string, string[]>();
  const add = (pkg: string, file: string): void => {
    if (!files.has(file)) return;
    const list = contains.get(pkg) ?? [];
    list.push(file);
    contains.set(pkg, list);
  };
  if (files.size > 0) {
    for (const r of arr(doc.relationships)) {
      const o = obj(r);
      const a = str(o.spdxElementId);
      const b = str(o.relatedSpdxElement);
      const t = str(o.relationshipType);
      if (!a || !b) continue;
      if (t === 'CONTAINS') add(a, b);
      else if (t === 'CONTAINED_BY') add(b, a);
    }
    for (const p of arr(doc.packages)) {
      const o = obj(p);
      const id = str(o.SPDXID);
      if (id) for (const f of arr(o.hasFiles)) if (typeof f === 'string') add(id, f);
    }
  }
  return { files, contains };
}

function packageOf(p: Record<string, unknown>, ctx: DecodeContext, kind: SourceDescription['kind'], files: FileIndex): Package | undefined {
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
  const info = parseSourceInfo(str(p.sourceInfo));
  let locations = info.locations;
  if (locations.length === 0) {
    const id = str(p.SPDXID);
    locations = (id ? (files.contains.get(id) ?? []) : []).map((f) => files.files.get(f)!);
  }
  // Annotations and attribution texts are rare on packages: read them only when there are some.
  const notes = p.annotations !== undefined || p.attributionTexts !== undefined ? notesOf(p) : NO_NOTES;
  const layer = notes.length > 0 ? note(notes, 'LayerDigest', ': ') : undefined;
  const placed = layer === undefined && (kind !== 'image' || locations.every((l) => l.path.startsWith('/'))) ? locations : locations.map((l) => ({ path: locationPath(l.path, kind), ...(l.layer ?? layer ? { layer: (l.layer ?? layer)! } : {}) }));
  const pkg: Package = {
    id: str(p.SPDXID) ?? stableId([purl, name, version]),
    name,
    version,
    type: packageTypeOf(purl),
    licenses,
    locations: placed.length <= 1 ? placed : mergeLocations(placed),
    foundBy: info.foundBy,
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
  if (info.deleted) pkg.deleted = true;
  const metadata: Record<string, unknown> = {};
  const purpose = str(p.primaryPackagePurpose);
  if (purpose) metadata.primaryPackagePurpose = purpose;
  if (info.source) {
    metadata.source = info.source.name;
    if (info.source.version) metadata.sourceVersion = info.source.version;
  }
  const label = modularityLabelOf(purl, notes.length > 0 ? notesAll(notes, 'custody:metadata:modularityLabel', '=') : NO_NOTES);
  if (label) metadata.modularityLabel = label;
  const project = notes.length > 0 ? notesAll(notes, 'custody:metadata:project', '=')[0] : undefined;
  if (project === 'root' || project === 'workspace') metadata.project = project;
  if (Object.keys(metadata).length > 0) pkg.metadata = metadata;
  return pkg;
}

function looksLikeImage(name: string): boolean {
  return /^(?:[a-z0-9-]+\.[a-z0-9.-]+|localhost)(?::\d+)?\/[a-z0-9._\/-]+(?:[:@][\w.:-]+)?$/i.test(name);
}

/** SPDX ids of the packages the document describes. */
function describedIds(doc: Record<string, unknown>): Set<string> {
  const described = new Set<string>(arr(doc.documentDescribes).map((x) => str(x)).filter((x): x is string => !!x));
  for (const r of arr(doc.relationships)) {
    const o = obj(r);
    const t = str(o.relationshipType);
    const a = str(o.spdxElementId);
    const b = str(o.relatedSpdxElement);
    if (t === 'DESCRIBES' && a === 'SPDXRef-DOCUMENT' && b) described.add(b);
    else if (t === 'DESCRIBED_BY' && b === 'SPDXRef-DOCUMENT' && a) described.add(a);
  }
  return described;
}

function purlOf(p: Record<string, unknown>): string | undefined {
  for (const r of arr(p.externalRefs)) {
    const o = obj(r);
    if (str(o.referenceType)?.toLowerCase() === 'purl') return str(o.referenceLocator);
  }
  return undefined;
}

/** custody's subject annotations (`custody:source:kind=image`, `custody:image:repoTag=…`) on its root package. */
function custodySubject(root: Record<string, unknown>): SourceDescription | undefined {
  const notes = notesOf(root);
  const kind = note(notes, 'custody:source:kind', '=');
  if (kind !== 'image' && kind !== 'directory' && kind !== 'file' && kind !== 'unknown') return undefined;
  const s: SourceDescription = { kind, name: note(notes, 'custody:source:name', '=') ?? str(root.name) ?? '' };
  const transport = note(notes, 'custody:source:transport', '=');
  if (transport) s.transport = transport;
  const manifestDigest = note(notes, 'custody:image:manifestDigest', '=');
  if (manifestDigest) s.manifestDigest = manifestDigest;
  const configDigest = note(notes, 'custody:image:configDigest', '=');
  if (configDigest) s.configDigest = configDigest;
  const tags = notesAll(notes, 'custody:image:repoTag', '=');
  if (tags.length > 0) s.repoTags = tags;
  const repoDigests = notesAll(notes, 'custody:image:repoDigest', '=');
  if (repoDigests.length > 0) s.repoDigests = repoDigests;
  const refName = note(notes, 'custody:image:refName', '=');
  if (refName) s.refName = refName;
  const platform = note(notes, 'custody:image:platform', '=')?.split('/');
  if (platform && platform[0] && platform[1]) {
    const pl: Platform = { os: platform[0], architecture: platform[1] };
    if (platform[2]) pl.variant = platform[2];
    s.platform = pl;
  }
  const layers: { i: number; l: LayerDescription }[] = [];
  for (const n of notes) {
    const m = /^custody:image:layer:(\d+)=(\S+)(?: diffId=(\S+))?$/.exec(n);
    if (m) layers.push({ i: Number(m[1]), l: m[3] ? { digest: m[2]!, diffId: m[3] } : { digest: m[2]! } });
  }
  if (layers.length > 0) s.layers = layers.sort((a, b) => a.i - b.i).map((x) => x.l);
  return s;
}

/** The described root as an image subject, when it is one (CONTAINER purpose, oci/docker purl, trivy's ContainerImage). */
function imageSubject(doc: Record<string, unknown>, root: Record<string, unknown>): SourceDescription | undefined {
  const purl = purlOf(root) ?? '';
  const isImage = str(root.primaryPackagePurpose) === 'CONTAINER' || purl.startsWith('pkg:oci/') || purl.startsWith('pkg:docker/') || (str(root.SPDXID) ?? '').startsWith('SPDXRef-ContainerImage-');
  if (!isImage) return undefined;
  const s: SourceDescription = { kind: 'image', name: str(doc.name) ?? str(root.name) ?? '', transport: 'sbom' };
  const version = str(root.versionInfo) ?? '';
  const sha256 = arr(root.checksums).map((c) => obj(c)).find((c) => str(c.algorithm) === 'SHA256');
  if (/^sha256:[0-9a-f]{64}$/.test(version)) s.manifestDigest = version;
  else if (sha256 && str(sha256.checksumValue)) s.manifestDigest = `sha256:${str(sha256.checksumValue)}`;
  const notes = notesOf(root);
  const tags = notesAll(notes, 'RepoTag', ': ');
  const repo = /[?&]repository_url=([^&]+)/.exec(purl)?.[1];
  if (tags.length > 0) s.repoTags = tags;
  else if (repo) s.repoTags = [decodeURIComponent(repo)];
  const repoDigests = notesAll(notes, 'RepoDigest', ': ');
  if (repoDigests.length > 0) s.repoDigests = repoDigests;
  const imageId = note(notes, 'ImageID', ': ');
  if (imageId) s.configDigest = imageId;
  return s;
}

/**
 * trivy's structure elements, not packages: the image (`SPDXRef-ContainerImage-…`), the directory scanned
 * (`SPDXRef-Filesystem-…`) and the aggregate of the packages found in one file (`SPDXRef-Application-…`, its
 * path in `sourceInfo`), each without a version or purl.
 */
function trivyElement(p: Record<string, unknown>): 'image' | 'directory' | 'application' | undefined {
  const m = /^SPDXRef-(ContainerImage|Filesystem|Application)-/.exec(str(p.SPDXID) ?? '');
  if (!m || str(p.versionInfo) !== undefined || purlOf(p) !== undefined) return undefined;
  return m[1] === 'ContainerImage' ? 'image' : m[1] === 'Filesystem' ? 'directory' : 'application';
}

/** The described root as the file or directory scanned (purpose FILE, as syft writes its file and directory sources; trivy's Filesystem). */
function fileSubject(doc: Record<string, unknown>, root: Record<string, unknown>): SourceDescription | undefined {
  if (trivyElement(root) === 'directory') return { kind: 'directory', name: str(root.name) ?? str(doc.name) ?? '', transport: 'sbom' };
  if (str(root.primaryPackagePurpose) !== 'FILE') return undefined;
  const kind: SourceDescription['kind'] = (str(root.SPDXID) ?? '').startsWith('SPDXRef-DocumentRoot-Directory-') ? 'directory' : 'file';
  return { kind, name: str(root.name) ?? str(doc.name) ?? '', transport: 'sbom' };
}

/** The subject when no described package names it: from the document name and namespace. */
function documentSubject(doc: Record<string, unknown>, root: Package | undefined, source: string): SourceDescription {
  const name = str(doc.name) ?? root?.name ?? source;
  const ns = str(doc.documentNamespace) ?? '';
  const kind: SourceDescription['kind'] = /\/(image|container_image)\//.test(ns) || (!/\/filesystem\//.test(ns) && looksLikeImage(name)) ? 'image' : /\/(dir|directory)\//.test(ns) ? 'directory' : 'unknown';
  return { kind, name, transport: 'sbom' };
}

function isOperatingSystem(p: Record<string, unknown>): boolean {
  return str(p.primaryPackagePurpose) === 'OPERATING_SYSTEM' || (str(p.SPDXID) ?? '').startsWith('SPDXRef-OperatingSystem-');
}

function distroOf(p: Record<string, unknown>): LinuxRelease | undefined {
  const id = str(p.name);
  if (!id) return undefined;
  const r: LinuxRelease = { id: id.toLowerCase() };
  const v = str(p.versionInfo);
  if (v) r.versionId = v;
  const pretty = str(p.description);
  if (pretty) r.prettyName = pretty;
  const notes = notesOf(p);
  const codename = note(notes, 'custody:distro:codename', '=');
  if (codename) r.versionCodename = codename;
  const idLike = notesAll(notes, 'custody:distro:idLike', '=');
  if (idLike.length > 0) r.idLike = idLike;
  return r;
}

/** `ctx.keep` for raw SPDX packages; packages the document describes and the distro's are always kept. */
function keepFilter(described: ReadonlySet<string>, keep: NonNullable<DecodeContext['keep']>): (p: Record<string, unknown>) => boolean {
  return (p) => {
    if (described.has(str(p.SPDXID) ?? '') || isOperatingSystem(p)) return true;
    const purls = arr(p.externalRefs)
      .map((r) => obj(r))
      .filter((o) => str(o.referenceType)?.toLowerCase() === 'purl')
      .map((o) => str(o.referenceLocator) ?? '');
    return keep(str(p.name) ?? '', purls.length > 0 ? purls.join(' ') : undefined, undefined);
  };
}

/** Decode an SPDX 2.x document object (JSON shape). */
export function decodeSpdxObject(doc: Record<string, unknown>, ctx: DecodeContext, format: string): Sbom {
  const described = describedIds(doc);
  const raw = arr(doc.packages).map((p) => obj(p));
  // The root is the subject when it is an image, the file scanned or custody's own root: it is then not a package.
  const roots = raw.filter((p) => described.has(str(p.SPDXID) ?? ''));
  const root = roots.length === 1 ? roots[0]! : undefined;
  let subject = root ? (custodySubject(root) ?? imageSubject(doc, root) ?? fileSubject(doc, root)) : undefined;
  const subjectId = subject ? str(root!.SPDXID) : undefined;
  const kind = subject?.kind ?? documentSubject(doc, undefined, ctx.source).kind;
  const files = fileIndex(doc);
  const packages: Package[] = [];
  let distro: LinuxRelease | undefined;
  const keep = ctx.keep ? keepFilter(described, ctx.keep) : undefined;
  /** trivy's Application elements by SPDX id: the file path its packages were found in. */
  const applications = new Map<string, string>();
  for (const p of raw) {
    if (subjectId !== undefined && str(p.SPDXID) === subjectId) continue;
    const element = trivyElement(p);
    if (element !== undefined) {
      const path = str(p.sourceInfo);
      // older trivy writes the language ("Java", "Node.js") there for aggregate types: no path then
      if (element === 'application' && path !== undefined && path.includes('/')) applications.set(str(p.SPDXID)!, path);
      continue;
    }
    if (keep && !keep(p)) continue;
    if (distro === undefined && isOperatingSystem(p)) {
      distro = distroOf(p);
      if (distro) continue;
    }
    const pkg = packageOf(p, ctx, kind, files);
    if (pkg) packages.push(pkg);
  }
  uniqueIds(packages);
  const ids = new Set(packages.map((p) => p.id));
  const byId = new Map(packages.map((p) => [p.id, p]));
  const relationships: Relationship[] = [];
  for (const r of arr(doc.relationships)) {
    const o = obj(r);
    const a = str(o.spdxElementId);
    const b = str(o.relatedSpdxElement);
    const type = str(o.relationshipType) ?? '';
    const appPath = a !== undefined ? applications.get(a) : undefined;
    if (appPath !== undefined && b !== undefined && (type === 'DEPENDS_ON' || type === 'CONTAINS')) {
      // the packages trivy found in that file: it is where they are, when they name no place themselves
      const p = byId.get(b);
      if (p && p.locations.length === 0) p.locations = [{ path: locationPath(appPath, kind) }];
    }
    // syft's (and custody's) ownership: OTHER with a comment starting "ownership-by-file-overlap", parent → child.
    const rel = type === 'OTHER' && /^ownership-by-file-overlap\b/.test(str(o.comment) ?? '') ? OWNS : RELATIONSHIPS[type];
    if (!a || !b || !rel) continue;
    const [from, to] = rel.reverse ? [b, a] : [a, b];
    if (rel.type === 'describes' ? ids.has(to) : ids.has(from) && ids.has(to)) relationships.push({ from, to, type: rel.type });
  }
  subject ??= documentSubject(doc, packages.find((p) => described.has(p.id)), ctx.source);
  const creationInfo = obj(doc.creationInfo);
  const sbom: Sbom = {
    subject,
    packages,
    relationships,
    tools: toolsOf(creationInfo),
    document: { format, specVersion: str(doc.spdxVersion)?.replace(/^SPDX-/, '') },
  };
  if (distro) sbom.distro = distro;
  const name = str(doc.name);
  if (name) sbom.document!.name = name;
  const ns = str(doc.documentNamespace);
  if (ns) sbom.document!.serialNumber = ns;
  const created = str(creationInfo.created);
  if (created) sbom.document!.created = created;
  // custody's completeness declaration: document-level annotations (README "Completeness").
  const declared = completenessFromSpdxComments(arr(doc.annotations).map((a) => str(obj(a).comment) ?? ''));
  sbom.completeness = declared.completeness ?? 'not-declared';
  if (declared.incomplete.length > 0) sbom.incomplete = declared.incomplete;
  return sbom;
}
