/**
 * CycloneDX writer through @cyclonedx/cyclonedx-library (its models, normalizers and serializers for
 * spec 1.6, 1.5 and 1.4; JSON and XML). The image identity is `metadata.component` (type container)
 * with `custody:image:*` properties; what CycloneDX has no field for is a `custody:*` property.
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
import type { Package, Sbom, SourceDescription } from '../model.js';
import { stableStringify } from '../native/encode.js';

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

/** The last path segment of a repository ('127.0.0.1:5000/sbomtest/app:1.0' → 'app'). */
function imageShortName(subject: SourceDescription): string {
  const ref = subject.repoTags?.[0] ?? subject.name;
  const noDigest = ref.split('@')[0]!;
  const last = noDigest.split('/').pop() ?? noDigest;
  return last.replace(/:[^:]*$/, '') || last;
}

function subjectComponent(subject: SourceDescription): Models.Component {
  const isImage = subject.kind === 'image';
  const type = isImage ? Enums.ComponentType.Container : subject.kind === 'file' ? Enums.ComponentType.File : Enums.ComponentType.Application;
  const name = isImage ? imageShortName(subject) : subject.name;
  const c = new Models.Component(type, name, {
    bomRef: `subject-${contentHash([subject.kind, subject.name, subject.manifestDigest ?? ''])}`,
    ...(subject.manifestDigest ? { version: subject.manifestDigest } : {}),
  });
  if (isImage && subject.manifestDigest) {
    const repo = subject.repoTags?.[0]?.split('@')[0]?.replace(/:[^:/]*$/, '');
    const slash = repo?.lastIndexOf('/') ?? -1;
    c.purl = buildPurl({
      type: 'oci',
      name: name.toLowerCase(),
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
  }
  return bom;
}

/** Serialise an Sbom as CycloneDX JSON. */
export function encodeCycloneDxJson(sbom: Sbom, options: CycloneDxEncodeOptions): string {
  const spec = SPECS[options.specVersion ?? '1.6'];
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(spec));
  return `${serializer.serialize(toCycloneDxBom(sbom, options.clock), { sortLists: true, space: options.space ?? 2 })}\n`;
}

/** Serialise an Sbom as CycloneDX XML. */
export function encodeCycloneDxXml(sbom: Sbom, options: CycloneDxEncodeOptions): string {
  const spec = SPECS[options.specVersion ?? '1.6'];
  const serializer = new Serialize.XmlSerializer(new Serialize.XML.Normalize.Factory(spec));
  return `${serializer.serialize(toCycloneDxBom(sbom, options.clock), { sortLists: true, space: options.space ?? 2 })}\n`;
}
