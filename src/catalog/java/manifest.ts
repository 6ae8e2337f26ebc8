/**
 * JAR manifests (https://docs.oracle.com/en/java/javase/17/docs/specs/jar/jar.html#jar-manifest):
 * `Name: value` lines, a line starting with one space continues the previous value, sections are
 * separated by blank lines. Only the main section is used for identity.
 */

/** Main-section attributes of a MANIFEST.MF, keys as written (first occurrence wins). */
export function parseManifest(text: string): Map<string, string> {
  return parseManifestSections(text)[0] ?? new Map<string, string>();
}

/** Every section of a MANIFEST.MF (main first, then the per-entry `Name:` sections). */
export function parseManifestSections(text: string): Map<string, string>[] {
  const sections: Map<string, string>[] = [];
  let out = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') {
      if (out.size > 0) {
        sections.push(out);
        out = new Map();
        last = undefined;
        if (sections.length >= 10_000) return sections;
      }
      continue;
    }
    if (line.startsWith(' ')) {
      if (last !== undefined) out.set(last, `${out.get(last) ?? ''}${line.slice(1)}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      last = undefined;
      continue;
    }
    const key = line.slice(0, colon).trim();
    if (out.has(key)) {
      last = undefined;
      continue;
    }
    out.set(key, line.slice(colon + 1).trim());
    last = key;
  }
  if (out.size > 0) sections.push(out);
  return sections;
}
