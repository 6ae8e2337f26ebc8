/**
 * The distro of a root filesystem from os-release(5): /etc/os-release, else /usr/lib/os-release
 * (https://www.freedesktop.org/software/systemd/man/os-release.html).
 */
import type { LinuxRelease } from '../sbom/model.js';
import type { FileResolver } from '../source/types.js';

export const OS_RELEASE_PATHS = ['/etc/os-release', '/usr/lib/os-release'] as const;

/** Parse os-release text (shell-like KEY=value lines, values optionally quoted). Undefined without ID. */
export function parseOsRelease(text: string): LinuxRelease | undefined {
  const vars = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2]!.trim();
    const q = v[0];
    if ((q === '"' || q === "'") && v.endsWith(q) && v.length >= 2) v = v.slice(1, -1);
    if (q === '"') v = v.replace(/\\(["\\$`])/g, '$1');
    vars.set(m[1]!, v);
  }
  const id = vars.get('ID')?.toLowerCase();
  if (id === undefined || id === '') return undefined;
  const out: LinuxRelease = { id };
  const versionId = vars.get('VERSION_ID');
  if (versionId) out.versionId = versionId;
  const codename = vars.get('VERSION_CODENAME');
  if (codename) out.versionCodename = codename;
  const pretty = vars.get('PRETTY_NAME');
  if (pretty) out.prettyName = pretty;
  const like = vars.get('ID_LIKE');
  if (like) out.idLike = like.split(/\s+/).filter((s) => s !== '');
  return out;
}

/** The distro of the resolver's root, or undefined when neither file exists or has an ID. */
export async function detectDistro(resolver: FileResolver): Promise<LinuxRelease | undefined> {
  for (const path of OS_RELEASE_PATHS) {
    if (resolver.resolve(path) === undefined) continue;
    let buf: Buffer;
    try {
      buf = await resolver.read(path);
    } catch {
      continue;
    }
    const release = parseOsRelease(buf.subarray(0, 64 * 1024).toString('utf8'));
    if (release) return release;
  }
  return undefined;
}

/** The purl `distro` qualifier: 'debian-12', 'alpine-3.19.1'; the id alone without a version. */
export function distroQualifier(d: LinuxRelease | undefined): string | undefined {
  if (d === undefined) return undefined;
  return d.versionId ? `${d.id}-${d.versionId}` : d.id;
}
