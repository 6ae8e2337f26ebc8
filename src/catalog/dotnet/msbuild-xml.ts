/**
 * The small XML files of NuGet and MSBuild (`packages.config`, `Directory.Packages.props`), read with
 * fast-xml-parser under the same rules as custody's other XML reader (sbom/cyclonedx/decode-xml.ts):
 * a document with a DOCTYPE (where entities would be declared) is refused, so no entity is ever
 * expanded (only XML's five predefined ones and character references are decoded); the document must
 * be well-formed; and it is bounded in size. Every refusal throws, which makes the file incomplete.
 */
import { XMLValidator } from 'fast-xml-parser';
import { untrustedXmlParser } from '../../core/xml.js';
import { textOf } from '../lang-common.js';

/** Far above any real packages.config or props file (a few KiB); bigger files are not parsed. */
export const MAX_MSBUILD_XML_BYTES = 8 * 1024 * 1024;

/** Attributes are kept as `@_name` strings; `arrays` are the element names always read as lists. */
export function parseMsbuildXml(contents: Buffer, what: string, arrays: ReadonlySet<string>): Record<string, unknown> {
  if (contents.length > MAX_MSBUILD_XML_BYTES) throw new Error(`${what} is ${contents.length} bytes, over the ${MAX_MSBUILD_XML_BYTES}-byte limit for XML files; not read`);
  const xml = textOf(contents);
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new Error(`${what} declares a DOCTYPE or XML entities, which custody refuses to expand; not read`);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`${what} is not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const parser = untrustedXmlParser(arrays);
  try {
    return parser.parse(xml) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${what} is not well-formed XML: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
