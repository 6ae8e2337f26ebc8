/**
 * CycloneDX XML (1.0–1.7) → the JSON object shape, then decodeCycloneDxObject.
 * fast-xml-parser; documents declaring entities are refused (no entity expansion attacks).
 */
import { untrustedXmlParser } from '../../core/xml.js';
import { InputError } from '../../core/errors.js';
import { arr, obj, str, type DecodeContext } from '../decode.js';
import type { Sbom } from '../model.js';
import { decodeCycloneDxObject } from './decode.js';

const ARRAYS = new Set(['component', 'license', 'hash', 'tool', 'dependency', 'property', 'reference', 'service', 'occurrence', 'composition', 'assembly']);

function text(v: unknown): string | undefined {
  if (typeof v === 'object' && v !== null && '#text' in v) return str((v as Record<string, unknown>)['#text']);
  return str(v);
}

function toJsonComponent(x: unknown): Record<string, unknown> {
  const c = obj(x);
  const out: Record<string, unknown> = {
    type: str(c['@_type']),
    'bom-ref': str(c['@_bom-ref']),
    group: text(c.group),
    name: text(c.name),
    version: text(c.version),
    description: text(c.description),
    publisher: text(c.publisher),
    purl: text(c.purl),
    cpe: text(c.cpe),
  };
  const supplier = obj(c.supplier);
  if (text(supplier.name)) out.supplier = { name: text(supplier.name) };
  const licenses: unknown[] = [];
  const lic = obj(c.licenses);
  for (const l of arr(lic.license)) {
    const o = obj(l);
    licenses.push({ license: { id: text(o.id), name: text(o.name) } });
  }
  for (const e of arr(lic.expression)) licenses.push({ expression: text(e) });
  out.licenses = licenses;
  out.hashes = arr(obj(c.hashes).hash).map((h) => ({ alg: str(obj(h)['@_alg']), content: text(h) }));
  out.properties = arr(obj(c.properties).property).map((p) => ({ name: str(obj(p)['@_name']), value: text(p) }));
  const occurrences = arr(obj(obj(c.evidence).occurrences).occurrence).map((o) => ({ location: text(obj(o).location) }));
  if (occurrences.length > 0) out.evidence = { occurrences };
  const nested = obj(c.components).component;
  if (nested !== undefined) out.components = arr(nested).map(toJsonComponent);
  return out;
}

export function decodeCycloneDxXml(xml: string, ctx: DecodeContext, specVersion?: string): Sbom {
  if (/<!ENTITY/i.test(xml.slice(0, 1024 * 1024))) {
    throw new InputError('SBOM_XML_ENTITIES', `${ctx.source} declares XML entities, which custody refuses to expand`, {
      hint: 'remove the DOCTYPE/ENTITY declarations; CycloneDX documents do not need them',
    });
  }
  const parser = untrustedXmlParser(ARRAYS);
  let parsed: Record<string, unknown>;
  try {
    parsed = parser.parse(xml) as Record<string, unknown>;
  } catch (err) {
    throw new InputError('SBOM_MALFORMED', `${ctx.source} is not well-formed XML: ${err instanceof Error ? err.message : String(err)}`, {
      hint: 'check that the file is complete and not truncated',
    });
  }
  // the parser accepts a document cut inside a text node (`<location>/var/lib/dpk`): an SBOM must end with its
  // closing root tag, trailing comments and processing instructions aside
  if (!/<\/(?:[\w.-]+:)?bom\s*>(?:\s|<!--[\s\S]*?-->|<\?[\s\S]*?\?>)*$/.test(xml.slice(-4096))) {
    throw new InputError('SBOM_MALFORMED', `${ctx.source} is not well-formed XML: the document does not end with its closing bom tag`, {
      hint: 'check that the file is complete and not truncated',
    });
  }
  const bom = obj(parsed.bom);
  const metadata = obj(bom.metadata);
  const toolsNode = obj(metadata.tools);
  const tools = [
    ...arr(toolsNode.tool).map((t) => ({ vendor: text(obj(t).vendor), name: text(obj(t).name), version: text(obj(t).version) })),
    ...arr(obj(toolsNode.components).component).map((t) => ({ group: text(obj(t).group), name: text(obj(t).name), version: text(obj(t).version) })),
  ];
  const doc: Record<string, unknown> = {
    serialNumber: str(bom['@_serialNumber']),
    specVersion,
    metadata: {
      timestamp: text(metadata.timestamp),
      tools,
      component: metadata.component !== undefined ? toJsonComponent(arr(metadata.component)[0]) : undefined,
      properties: arr(obj(metadata.properties).property).map((p) => ({ name: str(obj(p)['@_name']), value: text(p) })),
    },
    // Completeness declarations (README "Completeness"): the same shape as in JSON.
    compositions: arr(obj(bom.compositions).composition).map((c) => ({
      aggregate: text(obj(c).aggregate),
      assemblies: arr(obj(obj(c).assemblies).assembly).map((a) => str(obj(a)['@_ref'])),
      dependencies: arr(obj(obj(c).dependencies).dependency).map((d) => str(obj(d)['@_ref'])),
    })),
    components: arr(obj(bom.components).component).map(toJsonComponent),
    dependencies: arr(obj(bom.dependencies).dependency).map((d) => ({
      ref: str(obj(d)['@_ref']),
      dependsOn: arr(obj(d).dependency).map((x) => str(obj(x)['@_ref'])),
    })),
  };
  return decodeCycloneDxObject(doc, ctx, 'cyclonedx-xml', specVersion);
}
