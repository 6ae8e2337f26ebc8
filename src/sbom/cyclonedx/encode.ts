/**
 * CycloneDX writer through @cyclonedx/cyclonedx-library (its models, normalizers and serializers for
 * spec 1.6, 1.5 and 1.4; JSON and XML). The image identity is `metadata.component` (type container)
 * with `custody:image:*` properties; what CycloneDX has no field for is a `custody:*` property.
 * Package locations are written where the spec puts them, `evidence.occurrences[].location` (1.5+,
 * https://cyclonedx.org/docs/1.6/json/#components_items_evidence_occurrences), which other tools read,
 * and as `custody:location:<i>:path|layer` properties, which also carry the layer and serve 1.4.
 * Everything is deterministic: serial number derived from content, lists sorted, time from the clock.
 */
// Sub-path imports: the package root also loads its validators (ajv) at start-up, which writing never needs.
import * as Enums from '@cyclonedx/cyclonedx-library/Enums';
import * as Models from '@cyclonedx/cyclonedx-library/Models';
import * as Serialize from '@cyclonedx/cyclonedx-library/Serialize';
import * as SPDX from '@cyclonedx/cyclonedx-library/SPDX';
import * as Spec from '@cyclonedx/cyclonedx-library/Spec';
import * as Types from '@cyclonedx/cyclonedx-library/Types';
import type { Clock } from '../../core/clock.js';
import { buildPurl } from '../../core/ecosystem.js';
import { isSpdxExpression } from '../../core/license.js';
import { contentHash, contentUuid } from '../ids.js';
import { aggregateOf, completenessToWrite, incompleteProperties } from '../completeness.js';
import type { Location, Package, Sbom, SourceDescription } from '../model.js';
import { stableStringify } from '../native/encode.js';
import { isFullReference, repositoryOf, repositoryShortName } from '../subject.js';

export type CycloneDxVersion = '1.6' | '1.5' | '1.4';

export interface CycloneDxEncodeOptions {
  clock: Clock;
  specVersion?: CycloneDxVersion;
  /** Indentation (default 2). */
  space?: number;
}

const SPECS = {
  '1.6': Spec.Spec1dot6,
  '1.5': Spec.Spec1dot5,
  '1.4': Spec.Spec1dot4,
} as const;

const HASHES: Readonly<Record<string, Enums.HashAlgorithm>> = Object.fromEntries(
  Object.values(Enums.HashAlgorithm).map((a) => [a.toUpperCase().replace(/[^A-Z0-9]/g, ''), a]),
);

function hashAlgorithm(name: string): Enums.HashAlgorithm | undefined {
  return HASHES[name.toUpperCase().replace(/[^A-Z0-9]/g, '')];
}

/**
 * CycloneDX licence choice: a list of `license` objects (SPDX id when the library's schema knows it,
 * else a name) or exactly one `expression`. Compound expressions among several licences are joined
 * with AND into one expression when all are SPDX; otherwise they are written as names.
 */
function licenses(list: readonly string[]): Models.License[] {
  const distinct = [...new Set(list.filter((l) => l.trim() !== ''))];
  if (distinct.length === 0) return [];
  const simple = (l: string): boolean => SPDX.isSupportedSpdxId(l);
  const compound = (l: string): boolean => !simple(l) && isSpdxExpression(l) && /\s|\+$/.test(l);
  if (distinct.some(compound)) {
    if (distinct.length === 1) return [new Models.LicenseExpression(distinct[0]!)];
    if (distinct.every((l) => simple(l) || compound(l))) {
      return [new Models.LicenseExpression(distinct.map((l) => (compound(l) ? `(${l})` : l)).join(' AND '))];
    }
  }
  return distinct.map((l) => (simple(l) ? new Models.SpdxLicense(l) : new Models.NamedLicense(l)));
}

function scalarProperties(prefix: string, metadata: Record<string, unknown> | undefined): Models.Property[] {
  const out: Models.Property[] = [];
  for (const [k, v] of Object.entries(metadata ?? {})) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) {
      for (const item of v) out.push(new Models.Property(`${prefix}${k}`, typeof item === 'string' ? item : stableStringify(item, 0)));
    } else out.push(new Models.Property(`${prefix}${k}`, typeof v === 'string' ? v : stableStringify(v, 0)));
  }
  return out;
}

function component(p: Package): Models.Component {
  const c = new Models.Component(Enums.ComponentType.Library, p.name, {
    bomRef: p.id,
    version: p.version,
    ...(p.group ? { group: p.group } : {}),
    ...(p.purl ? { purl: p.purl } : {}),
    ...(p.description ? { description: p.description } : {}),
    ...(p.supplier ? { supplier: new Models.OrganizationalEntity({ name: p.supplier }) } : {}),
  });
  const cpe = p.cpes?.find((x) => Types.isCPE(x));
  if (cpe) c.cpe = cpe;
  for (const l of licenses(p.licenses)) c.licenses.add(l);
  for (const [alg, value] of Object.entries(p.hashes ?? {})) {
    const a = hashAlgorithm(alg);
    if (a && /^[0-9a-f]+$/i.test(value)) c.hashes.set(a, value.toLowerCase());
  }
  const props = c.properties;
  props.add(new Models.Property('custody:type', p.type));
  for (const f of p.foundBy) props.add(new Models.Property('custody:foundBy', f));
  p.locations.forEach((l, i) => {
    props.add(new Models.Property(`custody:location:${i}:path`, l.path));
    if (l.layer) props.add(new Models.Property(`custody:location:${i}:layer`, l.layer));
  });
  for (const cpeExtra of (p.cpes ?? []).filter((x) => x !== cpe)) props.add(new Models.Property('custody:cpe', cpeExtra));
  if (p.deleted) props.add(new Models.Property('custody:deleted', 'true'));
  for (const prop of scalarProperties('custody:metadata:', p.metadata)) props.add(prop);
  return c;
}

/** The CycloneDX name of the subject: its full reference when it has one, else the name the user gave without its transport. */
function subjectName(subject: SourceDescription): string {
  return subject.repoTags?.find(isFullReference) ?? subject.name.replace(/^(?:oci-dir|oci-archive|docker-archive|registry|dir):/, '');
}

function subjectComponent(subject: SourceDescription): Models.Component {
  const isImage = subject.kind === 'image';
  const type = isImage ? Enums.ComponentType.Container : subject.kind === 'file' ? Enums.ComponentType.File : Enums.ComponentType.Application;
  const c = new Models.Component(type, isImage ? subjectName(subject) : subject.name, {
    bomRef: `subject-${contentHash([subject.kind, subject.name, subject.manifestDigest ?? ''])}`,
    ...(subject.manifestDigest ? { version: subject.manifestDigest } : {}),
  });
  if (isImage && subject.manifestDigest) {
    const repo = repositoryOf(subject);
    const slash = repo?.lastIndexOf('/') ?? -1;
    c.purl = buildPurl({
      type: 'oci',
      name: repositoryShortName(subject).toLowerCase(),
      version: subject.manifestDigest,
      qualifiers: repo && slash > 0 ? { repository_url: repo } : {},
    });
  }
  const p = c.properties;
  p.add(new Models.Property('custody:source:kind', subject.kind));
  p.add(new Models.Property('custody:source:name', subject.name));
  if (subject.transport) p.add(new Models.Property('custody:source:transport', subject.transport));
  if (subject.manifestDigest) p.add(new Models.Property('custody:image:manifestDigest', subject.manifestDigest));
  if (subject.configDigest) p.add(new Models.Property('custody:image:configDigest', subject.configDigest));
  for (const t of subject.repoTags ?? []) p.add(new Models.Property('custody:image:repoTag', t));
  for (const d of subject.repoDigests ?? []) p.add(new Models.Property('custody:image:repoDigest', d));
  if (subject.refName) p.add(new Models.Property('custody:image:refName', subject.refName));
  if (subject.platform) {
    const pl = subject.platform;
    p.add(new Models.Property('custody:image:platform', `${pl.os}/${pl.architecture}${pl.variant ? `/${pl.variant}` : ''}`));
  }
  (subject.layers ?? []).forEach((l, i) => {
    p.add(new Models.Property(`custody:image:layer:${i}:digest`, l.digest));
    if (l.diffId) p.add(new Models.Property(`custody:image:layer:${i}:diffId`, l.diffId));
    if (l.mediaType) p.add(new Models.Property(`custody:image:layer:${i}:mediaType`, l.mediaType));
    if (l.size !== undefined) p.add(new Models.Property(`custody:image:layer:${i}:size`, String(l.size)));
  });
  return c;
}

/** Build the library's Bom for an Sbom (exported for tests and for callers that validate it). */
export function toCycloneDxBom(sbom: Sbom, clock: Clock): Models.Bom {
  const bom = new Models.Bom();
  // Serial number: a UUID from the content (everything but the time), so reruns give the same document.
  bom.serialNumber = `urn:uuid:${contentUuid(stableStringify({ ...sbom, document: undefined }, 0))}`;
  bom.metadata.timestamp = clock.now();
  for (const t of [...sbom.tools].sort((a, b) => a.name.localeCompare(b.name))) {
    bom.metadata.tools.components.add(
      new Models.Component(Enums.ComponentType.Application, t.name, {
        version: t.version,
        ...(t.vendor ? { group: t.vendor } : {}),
        bomRef: `tool-${t.name}`,
      }),
    );
  }
  const root = subjectComponent(sbom.subject);
  bom.metadata.component = root;
  // What could not be read, one entry per input (README "Completeness"); the aggregate is in `compositions`.
  for (const p of incompleteProperties(sbom.incomplete ?? [])) bom.metadata.properties.add(new Models.Property(p.name, p.value));
  const byId = new Map<string, Models.Component>();
  for (const p of sbom.packages) {
    const c = component(p);
    byId.set(p.id, c);
    bom.components.add(c);
  }
  if (sbom.distro) {
    const d = sbom.distro;
    const os = new Models.Component(Enums.ComponentType.OperatingSystem, d.id, {
      bomRef: `os-${d.id}-${d.versionId ?? ''}`,
      ...(d.versionId ? { version: d.versionId } : {}),
      ...(d.prettyName ? { description: d.prettyName } : {}),
    });
    if (d.versionCodename) os.properties.add(new Models.Property('custody:distro:codename', d.versionCodename));
    for (const like of d.idLike ?? []) os.properties.add(new Models.Property('custody:distro:idLike', like));
    bom.components.add(os);
  }
  for (const r of sbom.relationships) {
    const from = byId.get(r.from);
    const to = byId.get(r.to);
    if (!from || !to) continue;
    if (r.type === 'depends-on' || r.type === 'dev-depends-on') from.dependencies.add(to.bomRef);
    else if (r.type === 'contains') from.properties.add(new Models.Property('custody:contains', r.to));
    // CycloneDX has no ownership field (syft drops ownership-by-file-overlap from CycloneDX): a property on the
    // owned component naming the OS package that installed it.
    else if (r.type === 'owns') to.properties.add(new Models.Property('custody:ownedBy', r.from));
  }
  return bom;
}

/** Locations by bom-ref, for the occurrences written after normalisation (the library has no model for them). */
function occurrencesByRef(sbom: Sbom): Map<string, Location[]> {
  return new Map(sbom.packages.filter((p) => p.locations.length > 0).map((p) => [p.id, p.locations]));
}

/** `evidence.occurrences` exists from spec 1.5 on. */
const hasOccurrences = (v: CycloneDxVersion): boolean => v !== '1.4';

/**
 * The library's JSON serializer, adding what it has no model for:
 * - `evidence.occurrences[].location` on each component with locations (spec 1.5+; `locations` undefined for 1.4);
 * - `compositions` (1.3+): the completeness of the inventory of the subject (`metadata.component`), which is how a
 *   CycloneDX BOM states that it is complete, incomplete or unknown as a whole
 *   (https://cyclonedx.org/use-cases/compositions-components).
 */
class CustodyJsonSerializer extends Serialize.JsonSerializer {
  constructor(
    factory: Serialize.JSON.Normalize.Factory,
    private readonly aggregate: string,
    private readonly locations: Map<string, Location[]> | undefined,
  ) {
    super(factory);
  }

  protected override _normalize(bom: Models.Bom, options?: Serialize.Types.NormalizerOptions): Serialize.JSON.Types.Normalized.Bom {
    const out = super._normalize(bom, options);
    if (this.locations === undefined) return out;
    for (const c of out.components ?? []) {
      const locs = c['bom-ref'] !== undefined ? this.locations.get(c['bom-ref']) : undefined;
      if (locs === undefined) continue;
      const evidence = (c.evidence ?? {}) as Record<string, unknown>;
      evidence.occurrences = locs.map((l) => ({ location: l.path }));
      (c as { evidence?: unknown }).evidence = evidence;
    }
    return out;
  }

  protected override _serialize(bom: Serialize.JSON.Types.Normalized.Bom, options?: Serialize.Types.SerializerOptions): string {
    const root = bom.metadata?.component?.['bom-ref'];
    const compositions = [{ aggregate: this.aggregate, ...(root ? { assemblies: [root] } : {}) }];
    return super._serialize({ ...bom, compositions } as Serialize.JSON.Types.Normalized.Bom, options);
  }
}

type XmlElement = Serialize.XML.Types.SimpleXml.Element;

/**
 * The library's XML serializer, adding `<evidence><occurrences>` (last child: nothing custody writes follows it in
 * the XSD sequence; 1.5+) and `<compositions>` (see CustodyJsonSerializer).
 */
class CustodyXmlSerializer extends Serialize.XmlSerializer {
  constructor(
    factory: Serialize.XML.Normalize.Factory,
    private readonly aggregate: string,
    private readonly locations: Map<string, Location[]> | undefined,
  ) {
    super(factory);
  }

  protected override _normalize(bom: Models.Bom, options?: Serialize.Types.NormalizerOptions): XmlElement {
    const out = super._normalize(bom, options);
    if (this.locations === undefined) return out;
    const components = childElements(out).find((e) => e.name === 'components');
    for (const c of components ? childElements(components) : []) {
      const ref = c.attributes?.['bom-ref'];
      const locs = typeof ref === 'string' ? this.locations.get(ref) : undefined;
      if (locs === undefined) continue;
      const occurrences: XmlElement = {
        type: 'element',
        name: 'occurrences',
        children: locs.map((l): XmlElement => ({ type: 'element', name: 'occurrence', children: [{ type: 'element', name: 'location', children: l.path }] })),
      };
      const children = childElements(c);
      const evidence = children.find((e) => e.name === 'evidence');
      if (evidence) evidence.children = [...childElements(evidence), occurrences];
      else c.children = [...children, { type: 'element', name: 'evidence', children: [occurrences] }];
    }
    return out;
  }

  protected override _serialize(bom: XmlElement, options?: Serialize.Types.SerializerOptions): string {
    const children = childElements(bom);
    const metadata = children.find((c) => c.name === 'metadata');
    const component = (metadata ? childElements(metadata) : []).find((c) => c.name === 'component');
    const root = component?.attributes?.['bom-ref'];
    const composition: XmlElement = {
      type: 'element',
      name: 'composition',
      children: [
        { type: 'element', name: 'aggregate', children: this.aggregate },
        ...(root ? [{ type: 'element' as const, name: 'assemblies', children: [{ type: 'element' as const, name: 'assembly', attributes: { ref: root } }] }] : []),
      ],
    };
    // XSD sequence: ... dependencies, compositions, properties, vulnerabilities, ...
    const at = children.findIndex((c) => ['properties', 'vulnerabilities', 'annotations', 'formulation'].includes(c.name));
    children.splice(at < 0 ? children.length : at, 0, { type: 'element', name: 'compositions', children: [composition] });
    return super._serialize({ ...bom, children }, options);
  }
}

function childElements(e: XmlElement): XmlElement[] {
  const ch = e.children;
  if (ch === undefined || typeof ch === 'string' || typeof ch === 'number') return [];
  const list = [...ch].filter((x): x is XmlElement => x.type === 'element');
  // Materialise iterables once, so the edits above land in the tree the serializer walks.
  e.children = list;
  return list;
}

/** Serialise an Sbom as CycloneDX JSON. */
export function encodeCycloneDxJson(sbom: Sbom, options: CycloneDxEncodeOptions): string {
  const version = options.specVersion ?? '1.6';
  const factory = new Serialize.JSON.Normalize.Factory(SPECS[version]);
  const serializer = new CustodyJsonSerializer(factory, aggregateOf(completenessToWrite(sbom)), hasOccurrences(version) ? occurrencesByRef(sbom) : undefined);
  return `${serializer.serialize(toCycloneDxBom(sbom, options.clock), { sortLists: true, space: options.space ?? 2 })}\n`;
}

/** Serialise an Sbom as CycloneDX XML. */
export function encodeCycloneDxXml(sbom: Sbom, options: CycloneDxEncodeOptions): string {
  const version = options.specVersion ?? '1.6';
  const factory = new Serialize.XML.Normalize.Factory(SPECS[version]);
  const serializer = new CustodyXmlSerializer(factory, aggregateOf(completenessToWrite(sbom)), hasOccurrences(version) ? occurrencesByRef(sbom) : undefined);
  return `${serializer.serialize(toCycloneDxBom(sbom, options.clock), { sortLists: true, space: options.space ?? 2 })}\n`;
}
