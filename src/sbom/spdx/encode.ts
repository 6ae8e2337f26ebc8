/**
 * SPDX 2.3 JSON, written natively (spdx-tools-ts is not on the npm registry) from our own types
 * (https://spdx.github.io/spdx-spec/v2.3/). The document DESCRIBES the subject package (the image,
 * primaryPackagePurpose CONTAINER, named by its reference, with its digest), which CONTAINS every package.
 * Identifiers derive from package ids, the namespace from content, the creation time from the clock: the
 * same input gives the same bytes.
 *
 * Locations go in each package's `sourceInfo` ('found by <cataloger> at <path> (layer <digest>), …'), which
 * SPDX 2.3 defines as free text about where the package information came from
 * (https://spdx.github.io/spdx-spec/v2.3/package-information/#719-source-information-field), and which custody
 * reads back with the layers. Not as File elements with CONTAINS relationships: SPDX 2.3 requires a SHA1
 * checksum of every File, which custody does not have for most locations (a dpkg status file, a METADATA
 * file, a package.json), and CONTAINS from a package to files is what syft uses for the files a package
 * installed, a different fact.
 */
import type { Clock } from '../../core/clock.js';
import { buildPurl } from '../../core/ecosystem.js';
import { isSpdxExpression } from '../../core/license.js';
import { contentHash, contentUuid } from '../ids.js';
import { spdxCompletenessComments } from '../completeness.js';
import type { Package, Relationship, Sbom } from '../model.js';
import { stableStringify } from '../native/encode.js';
import { repositoryShortName, subjectLabel } from '../subject.js';

export interface SpdxEncodeOptions {
  clock: Clock;
  /** The version string written in creators ('Tool: custody-<version>'). */
  toolName?: string;
  space?: number;
}

export interface SpdxChecksum {
  algorithm: string;
  checksumValue: string;
}

export interface SpdxExternalRef {
  referenceCategory: 'PACKAGE-MANAGER' | 'SECURITY' | 'OTHER' | 'PERSISTENT-ID';
  referenceType: string;
  referenceLocator: string;
  comment?: string;
}

export interface SpdxAnnotation {
  annotationDate: string;
  annotationType: 'OTHER' | 'REVIEW';
  annotator: string;
  comment: string;
}

export interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  supplier?: string;
  downloadLocation: string;
  filesAnalyzed: boolean;
  checksums?: SpdxChecksum[];
  sourceInfo?: string;
  licenseConcluded: string;
  licenseDeclared: string;
  copyrightText: string;
  description?: string;
  comment?: string;
  externalRefs?: SpdxExternalRef[];
  primaryPackagePurpose?: string;
  annotations?: SpdxAnnotation[];
}

export interface SpdxRelationship {
  spdxElementId: string;
  relationshipType: string;
  relatedSpdxElement: string;
  comment?: string;
}

/**
 * SPDX 2.3 has no ownership relationship type: syft writes OTHER with a comment that starts with its
 * relationship name (syft/format/common/spdxhelpers), and reads it back by that prefix. custody does both the same way.
 */
export const OWNERSHIP_COMMENT =
  'ownership-by-file-overlap: indicates that the parent package claims ownership of a child package since the parent metadata indicates overlap with a location that a cataloger found the child package by';

export interface SpdxExtractedLicense {
  licenseId: string;
  extractedText: string;
  name: string;
}

export interface SpdxDocument {
  spdxVersion: 'SPDX-2.3';
  dataLicense: 'CC0-1.0';
  SPDXID: 'SPDXRef-DOCUMENT';
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[]; licenseListVersion?: string; comment?: string };
  packages: SpdxPackage[];
  relationships: SpdxRelationship[];
  hasExtractedLicensingInfos?: SpdxExtractedLicense[];
  /** Document-level: custody's completeness declaration (`custody:completeness=…`, `custody:incomplete:<i>={…}`). */
  annotations?: SpdxAnnotation[];
}

/** SPDX ids allow [A-Za-z0-9.-] after 'SPDXRef-'. */
function spdxId(kind: string, id: string): string {
  return `SPDXRef-${kind}-${id.replace(/[^A-Za-z0-9.-]+/g, '-')}`;
}

/** 'YYYY-MM-DDThh:mm:ssZ' (the spec's format, no fractional seconds). */
function spdxTime(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

const CHECKSUM_ALGS = new Set(['SHA1', 'SHA224', 'SHA256', 'SHA384', 'SHA512', 'SHA3-256', 'SHA3-384', 'SHA3-512', 'BLAKE2b-256', 'BLAKE2b-384', 'BLAKE2b-512', 'BLAKE3', 'MD2', 'MD4', 'MD5', 'MD6', 'ADLER32']);

function checksumAlg(name: string): string | undefined {
  const n = name.toUpperCase().replace(/^SHA-(\d)/, 'SHA$1').replace(/^BLAKE2B/, 'BLAKE2b');
  return CHECKSUM_ALGS.has(n) ? n : undefined;
}

/** "Name <mail@x>" → "Person: Name (mail@x)"; any other text → "Organization: text". */
function supplierOf(s: string | undefined): string | undefined {
  if (s === undefined || s.trim() === '') return undefined;
  const m = /^\s*([^<]*?)\s*<([^>]*)>\s*$/.exec(s);
  if (m) return `Person: ${m[1] || m[2]} (${m[2]})`;
  return `Organization: ${s.trim().replace(/\n/g, ' ')}`;
}

/** Licences → one declared expression; non-SPDX text becomes a LicenseRef with its text kept. */
function declaredLicense(list: readonly string[], extracted: Map<string, SpdxExtractedLicense>): string {
  const parts: string[] = [];
  for (const l of [...new Set(list.filter((x) => x.trim() !== ''))]) {
    if (isSpdxExpression(l)) {
      parts.push(/\s/.test(l) && list.length > 1 ? `(${l})` : l);
      continue;
    }
    const id = `LicenseRef-${l.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48) || 'x'}-${contentHash([l], 8)}`;
    if (!extracted.has(id)) extracted.set(id, { licenseId: id, extractedText: l, name: l });
    parts.push(id);
  }
  if (parts.length === 0) return 'NOASSERTION';
  return parts.join(' AND ');
}

function packageOf(p: Package, extracted: Map<string, SpdxExtractedLicense>, note: (comment: string) => SpdxAnnotation): SpdxPackage {
  const externalRefs: SpdxExternalRef[] = [];
  if (p.purl) externalRefs.push({ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: p.purl });
  for (const cpe of p.cpes ?? []) {
    externalRefs.push({ referenceCategory: 'SECURITY', referenceType: cpe.startsWith('cpe:2.3:') ? 'cpe23Type' : 'cpe22Type', referenceLocator: cpe });
  }
  const checksums: SpdxChecksum[] = [];
  for (const [alg, value] of Object.entries(p.hashes ?? {})) {
    const a = checksumAlg(alg);
    if (a && /^[0-9a-f]+$/i.test(value)) checksums.push({ algorithm: a, checksumValue: value.toLowerCase() });
  }
  const where = p.locations.map((l) => `${l.path}${l.layer ? ` (layer ${l.layer})` : ''}`).join(', ');
  const out: SpdxPackage = {
    SPDXID: spdxId('Package', p.id),
    name: p.name,
    ...(p.version ? { versionInfo: p.version } : {}),
    supplier: supplierOf(p.supplier) ?? 'NOASSERTION',
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    ...(checksums.length > 0 ? { checksums } : {}),
    sourceInfo: `found${p.foundBy.length > 0 ? ` by ${p.foundBy.join(', ')}` : ''}${where ? ` at ${where}` : ''}${p.deleted ? '; deleted by a later layer' : ''}`,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: declaredLicense(p.licenses, extracted),
    copyrightText: 'NOASSERTION',
    ...(p.description ? { description: p.description } : {}),
    ...(externalRefs.length > 0 ? { externalRefs } : {}),
    primaryPackagePurpose: p.type === 'binary' ? 'APPLICATION' : 'LIBRARY',
  };
  // SPDX 2.3 has no field for an rpm's module stream (RHEL 8 modularity), which the matcher needs:
  // an annotation in the same `custody:<key>=<value>` form as the subject's, read back by the decoder.
  const label = p.metadata?.modularityLabel;
  const annotations: SpdxAnnotation[] = [];
  if (typeof label === 'string' && label !== '') annotations.push(note(`custody:metadata:modularityLabel=${label}`));
  // nor for "this package is the project itself" (README "The project itself"): the same form
  const project = p.metadata?.project;
  if (project === 'root' || project === 'workspace') annotations.push(note(`custody:metadata:project=${project}`));
  if (annotations.length > 0) out.annotations = annotations;
  return out;
}

function relationshipOf(r: Relationship, ids: Map<string, string>): SpdxRelationship | undefined {
  const from = ids.get(r.from);
  const to = ids.get(r.to);
  if (from === undefined || to === undefined) return undefined;
  switch (r.type) {
    case 'depends-on':
      return { spdxElementId: from, relationshipType: 'DEPENDS_ON', relatedSpdxElement: to };
    case 'dev-depends-on':
      return { spdxElementId: to, relationshipType: 'DEV_DEPENDENCY_OF', relatedSpdxElement: from };
    case 'contains':
      return { spdxElementId: from, relationshipType: 'CONTAINS', relatedSpdxElement: to };
    case 'describes':
      return { spdxElementId: from, relationshipType: 'DESCRIBES', relatedSpdxElement: to };
    case 'owns':
      return { spdxElementId: from, relationshipType: 'OTHER', relatedSpdxElement: to, comment: OWNERSHIP_COMMENT };
  }
}

/** Build the SPDX 2.3 document for an Sbom. */
export function toSpdxDocument(sbom: Sbom, options: SpdxEncodeOptions): SpdxDocument {
  const created = spdxTime(options.clock.now());
  const s = sbom.subject;
  const extracted = new Map<string, SpdxExtractedLicense>();
  const rootId = spdxId(s.kind === 'image' ? 'Image' : 'Source', contentHash([s.kind, s.name, s.manifestDigest ?? '']));
  const annotations: SpdxAnnotation[] = [];
  const note = (comment: string): void => {
    annotations.push({ annotationDate: created, annotationType: 'OTHER', annotator: `Tool: ${options.toolName ?? 'custody'}`, comment });
  };
  note(`custody:source:kind=${s.kind}`);
  note(`custody:source:name=${s.name}`);
  if (s.transport) note(`custody:source:transport=${s.transport}`);
  if (s.manifestDigest) note(`custody:image:manifestDigest=${s.manifestDigest}`);
  if (s.configDigest) note(`custody:image:configDigest=${s.configDigest}`);
  for (const t of s.repoTags ?? []) note(`custody:image:repoTag=${t}`);
  for (const d of s.repoDigests ?? []) note(`custody:image:repoDigest=${d}`);
  if (s.refName) note(`custody:image:refName=${s.refName}`);
  if (s.platform) note(`custody:image:platform=${s.platform.os}/${s.platform.architecture}${s.platform.variant ? `/${s.platform.variant}` : ''}`);
  (s.layers ?? []).forEach((l, i) => note(`custody:image:layer:${i}=${l.digest}${l.diffId ? ` diffId=${l.diffId}` : ''}`));
  const rootChecksums: SpdxChecksum[] = [];
  const digest = /^sha256:([0-9a-f]{64})$/.exec(s.manifestDigest ?? '');
  if (digest) rootChecksums.push({ algorithm: 'SHA256', checksumValue: digest[1]! });
  // An image is named as a responder reads it (registry reference or repo tag; a layout's path and ref
  // name), never by a bare ref name; what the user typed is the custody:source:name annotation.
  const rootName = s.kind === 'image' ? subjectLabel(s) : s.name;
  const root: SpdxPackage = {
    SPDXID: rootId,
    name: rootName,
    // The image's digest: the manifest's, else (a pre-25 `docker save` archive has no manifest blob) the config's, its image ID.
    ...(s.manifestDigest || s.configDigest ? { versionInfo: (s.manifestDigest ?? s.configDigest)! } : {}),
    supplier: 'NOASSERTION',
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    ...(rootChecksums.length > 0 ? { checksums: rootChecksums } : {}),
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: 'NOASSERTION',
    copyrightText: 'NOASSERTION',
    primaryPackagePurpose: s.kind === 'image' ? 'CONTAINER' : s.kind === 'file' ? 'FILE' : 'SOURCE',
    ...(s.kind === 'image' && s.manifestDigest
      ? {
          externalRefs: [
            {
              referenceCategory: 'PACKAGE-MANAGER' as const,
              referenceType: 'purl',
              referenceLocator: buildPurl({ type: 'oci', name: repositoryShortName(s).toLowerCase(), version: s.manifestDigest }),
            },
          ],
        }
      : {}),
    annotations,
  };
  const ids = new Map<string, string>();
  const packages: SpdxPackage[] = [root];
  for (const p of sbom.packages) {
    const sp = packageOf(p, extracted, (comment) => ({ annotationDate: created, annotationType: 'OTHER', annotator: `Tool: ${options.toolName ?? 'custody'}`, comment }));
    ids.set(p.id, sp.SPDXID);
    packages.push(sp);
  }
  if (sbom.distro) {
    const d = sbom.distro;
    const osId = spdxId('OperatingSystem', `${d.id}-${d.versionId ?? ''}`);
    packages.push({
      SPDXID: osId,
      name: d.id,
      ...(d.versionId ? { versionInfo: d.versionId } : {}),
      supplier: 'NOASSERTION',
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      ...(d.prettyName ? { description: d.prettyName } : {}),
      primaryPackagePurpose: 'OPERATING_SYSTEM',
      ...(d.versionCodename || (d.idLike ?? []).length > 0
        ? {
            annotations: [
              ...(d.versionCodename ? [`custody:distro:codename=${d.versionCodename}`] : []),
              ...(d.idLike ?? []).map((l) => `custody:distro:idLike=${l}`),
            ].map((comment) => ({ annotationDate: created, annotationType: 'OTHER' as const, annotator: `Tool: ${options.toolName ?? 'custody'}`, comment })),
          }
        : {}),
    });
    ids.set(`os:${d.id}`, osId);
  }
  const relationships: SpdxRelationship[] = [{ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: rootId }];
  for (const p of packages.slice(1)) relationships.push({ spdxElementId: rootId, relationshipType: 'CONTAINS', relatedSpdxElement: p.SPDXID });
  for (const r of sbom.relationships) {
    const x = relationshipOf(r, ids);
    if (x) relationships.push(x);
  }
  const tools = [...sbom.tools].sort((a, b) => a.name.localeCompare(b.name)).map((t) => `Tool: ${t.name}-${t.version}`);
  const name = rootName;
  const doc: SpdxDocument = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name,
    documentNamespace: `https://spdx.org/spdxdocs/custody/${encodeURIComponent(name.replace(/[^A-Za-z0-9._-]+/g, '-'))}-${contentUuid(stableStringify({ ...sbom, document: undefined }, 0))}`,
    creationInfo: { created, creators: tools.length > 0 ? tools : ['Tool: custody'] },
    packages,
    relationships,
  };
  if (extracted.size > 0) doc.hasExtractedLicensingInfos = [...extracted.values()].sort((a, b) => (a.licenseId < b.licenseId ? -1 : 1));
  // What could not be read travels inside the document (README "Completeness"): parseable annotations,
  // written last (readers that rule a file out by its bytes look for the declaration at its end).
  doc.annotations = spdxCompletenessComments(sbom).map((comment) => ({ annotationDate: created, annotationType: 'OTHER', annotator: `Tool: ${options.toolName ?? 'custody'}`, comment }));
  return doc;
}

/** Serialise an Sbom as SPDX 2.3 JSON. */
export function encodeSpdxJson(sbom: Sbom, options: SpdxEncodeOptions): string {
  return `${JSON.stringify(toSpdxDocument(sbom, options), null, options.space ?? 2)}\n`;
}
