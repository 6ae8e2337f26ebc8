/**
 * META-INF/maven/<groupId>/<artifactId>/pom.properties, written by maven-archiver: Java properties
 * (`key=value` or `key: value`, `#`/`!` comments). Backslash escapes are rare here; line
 * continuations are handled, unicode escapes are decoded.
 */
export interface PomProperties {
  groupId: string;
  artifactId: string;
  version: string;
  /** Path inside the archive ('META-INF/maven/g/a/pom.properties'). */
  path: string;
}

/** Pattern of the entries we read; the two folder names are groupId and artifactId. */
export const POM_PROPERTIES = /^META-INF\/maven\/([^/]+)\/([^/]+)\/pom\.properties$/;

export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!.replace(/^\s+/, '');
    const m = /^((?:[^=:\s\\]|\\.)+)\s*[=:\s]\s*(.*)$/.exec(line);
    const key = m ? m[1]! : line;
    const value = m ? m[2]! : '';
    out.set(unescape(key), unescape(value).trim());
  }
  return out;
}

function unescape(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return e === 't' ? '\t' : e === 'n' ? '\n' : e === 'r' ? '\r' : e === 'f' ? '\f' : e;
  });
}

/** pom.properties → coordinates; the folder names fill in a missing groupId/artifactId. Undefined when no version. */
export function parsePomProperties(text: string, path: string): PomProperties | undefined {
  const m = POM_PROPERTIES.exec(path);
  const props = parseProperties(text);
  const groupId = props.get('groupId') || m?.[1] || '';
  const artifactId = props.get('artifactId') || m?.[2] || '';
  const version = props.get('version') ?? '';
  if (artifactId === '' || groupId === '' || version === '') return undefined;
  return { groupId, artifactId, version, path };
}
