/**
 * custody's one configuration of fast-xml-parser for untrusted XML (CycloneDX XML, NuGet/MSBuild files):
 * attributes kept as `@_name` strings, namespace prefixes dropped, no value coercion, and entity handling
 * limited to XML's five predefined entities and character references. Callers refuse documents that declare
 * entities (a DOCTYPE/ENTITY) before parsing, so nothing user-defined is ever expanded.
 */
import { XMLParser } from 'fast-xml-parser';

/**
 * A parser whose `arrays` elements are always lists. `preserveOrder` keeps siblings in document order (each
 * node `{ tag: children[], ':@': attributes }`), for formats where order carries meaning (a plist's key/value).
 */
export function untrustedXmlParser(arrays: ReadonlySet<string>, options: { preserveOrder?: boolean } = {}): XMLParser {
  return new XMLParser({
    ...(options.preserveOrder === true ? { preserveOrder: true } : {}),
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    processEntities: true,
    isArray: (name) => arrays.has(name),
  });
}
