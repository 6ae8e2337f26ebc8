/**
 * The distro of a root filesystem: os-release(5) (/etc/os-release, else /usr/lib/os-release;
 * https://www.freedesktop.org/software/systemd/man/os-release.html), and, when that is missing or has
 * no VERSION_ID (CentOS 6-era images, stripped images), the distro's own release file:
 * redhat-release and its siblings (RHEL, CentOS, Rocky, Alma, Oracle Linux, Fedora, Amazon Linux),
 * system-release-cpe, alpine-release, SuSE-release, photon-release, mariner-release,
 * azurelinux-release, Ubuntu's lsb-release and debian_version (distroless Debian images ship an
 * os-release without VERSION_ID). Ids and versions follow what each family writes in its own os-release, so the
 * purl `distro` qualifier is the same whichever file it came from.
 */
import type { LinuxRelease } from '../sbom/model.js';
import type { FileResolver } from '../source/types.js';

export const OS_RELEASE_PATHS = ['/etc/os-release', '/usr/lib/os-release'] as const;

/** Release files, in the order they are tried after os-release. */
export const RELEASE_FILE_PATHS = [
  // The distro's own file before redhat-release: Oracle Linux's redhat-release names Red Hat.
  '/etc/oracle-release',
  '/etc/centos-release',
  '/etc/rocky-release',
  '/etc/almalinux-release',
  '/etc/fedora-release',
  '/etc/redhat-release',
  '/etc/system-release',
  '/etc/system-release-cpe',
  '/etc/alpine-release',
  '/etc/SuSE-release',
  '/etc/photon-release',
  '/etc/mariner-release',
  '/etc/azurelinux-release',
  '/etc/lsb-release',
  '/etc/debian_version',
] as const;

/** Every file distro detection may read (a streaming source keeps their bytes). */
export const DISTRO_PATHS: readonly string[] = [...OS_RELEASE_PATHS, ...RELEASE_FILE_PATHS];

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

/** Product names of the RHEL family's release files → os-release ID. */
const RELEASE_NAMES: ReadonlyArray<[RegExp, string]> = [
  [/^Red Hat Enterprise Linux/i, 'rhel'],
  [/^CentOS/i, 'centos'],
  [/^Rocky Linux/i, 'rocky'],
  [/^AlmaLinux/i, 'almalinux'],
  [/^Oracle Linux/i, 'ol'],
  [/^Fedora/i, 'fedora'],
  [/^Amazon Linux/i, 'amzn'],
  [/^Scientific Linux/i, 'scientific'],
];

/** system-release-cpe vendors → os-release ID. */
const CPE_VENDORS: ReadonlyMap<string, string> = new Map([
  ['redhat', 'rhel'],
  ['centos', 'centos'],
  ['rocky', 'rocky'],
  ['almalinux', 'almalinux'],
  ['oracle', 'ol'],
  ['fedoraproject', 'fedora'],
  ['amazon', 'amzn'],
  ['scientificlinux', 'scientific'],
]);

/**
 * The VERSION_ID each family writes: CentOS and Fedora the major release ("CentOS Linux release
 * 7.9.2009" → "7"), Amazon Linux 2 and 2023 their generation ("2023.3.20240108" → "2023", the 2018.03
 * AMI as is), Photon/Mariner/Azure Linux major.minor, the others the release as found.
 */
function familyVersion(id: string, version: string): string {
  if (id === 'centos' || id === 'fedora') return version.split('.')[0]!;
  if (id === 'amzn') return /^(2|20[2-9]\d)(\.|$)/.test(version) ? version.split('.')[0]! : version;
  if (id === 'photon' || id === 'mariner' || id === 'azurelinux') return version.split('.').slice(0, 2).join('.');
  return version;
}

const firstLine = (text: string): string => text.split(/\r?\n/, 1)[0]!.trim();

/** A distro from one release file's text (`path` says which kind); undefined when it is not recognised. */
export function parseReleaseFile(path: string, text: string): LinuxRelease | undefined {
  const line = firstLine(text);
  if (line === '') return undefined;
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name === 'alpine-release') {
    return /^\d+\.\d+/.test(line) ? { id: 'alpine', versionId: line } : undefined;
  }
  if (name === 'debian_version') {
    // "12.5", "10.8", "6.0.10": Debian's os-release VERSION_ID is the major release; "trixie/sid" names none
    return /^\d+(\.\d+)*$/.test(line) ? { id: 'debian', versionId: line.split('.')[0]! } : undefined;
  }
  if (name === 'lsb-release') {
    // DISTRIB_ID=Ubuntu / DISTRIB_RELEASE=18.04: Ubuntu's only (other distros' DISTRIB_IDs are no os-release IDs)
    const id = /^DISTRIB_ID=["']?([^"'\n]*)/m.exec(text)?.[1]?.trim();
    const version = /^DISTRIB_RELEASE=["']?(\d+\.\d+)["']?\s*$/m.exec(text)?.[1];
    return id?.toLowerCase() === 'ubuntu' && version !== undefined ? { id: 'ubuntu', versionId: version } : undefined;
  }
  if (name === 'system-release-cpe') {
    // cpe:/o:centos:linux:6:GA, cpe:/o:redhat:enterprise_linux:7.9:GA:server, cpe:2.3:o:amazon:amazon_linux:2
    const m = /^cpe:(?:2\.3:|\/)o:([^:]+):[^:]+:([^:]+)/.exec(line);
    const id = m ? CPE_VENDORS.get(m[1]!.toLowerCase()) : undefined;
    return id && /^\d/.test(m![2]!) ? { id, versionId: familyVersion(id, m![2]!) } : undefined;
  }
  if (name === 'SuSE-release') {
    // "SUSE Linux Enterprise Server 12 (x86_64)\nVERSION = 12\nPATCHLEVEL = 5"; "openSUSE 42.3 (x86_64)\nVERSION = 42.3"
    const id = /^SUSE Linux Enterprise Server/i.test(line) ? 'sles' : /^openSUSE/i.test(line) ? 'opensuse' : undefined;
    const version = /^VERSION\s*=\s*([\d.]+)/m.exec(text)?.[1];
    if (id === undefined || version === undefined) return undefined;
    const patch = /^PATCHLEVEL\s*=\s*(\d+)/m.exec(text)?.[1];
    return { id, versionId: patch !== undefined && patch !== '0' && !version.includes('.') ? `${version}.${patch}` : version, prettyName: line };
  }
  if (name === 'photon-release') {
    const v = /^VMware Photon (?:OS|Linux)\s+(\d+\.\d+)/i.exec(line)?.[1];
    return v ? { id: 'photon', versionId: v, prettyName: line } : undefined;
  }
  if (name === 'mariner-release' || name === 'azurelinux-release') {
    const m = /^(CBL-Mariner|(?:Microsoft )?Azure Linux)\s+(\d+\.\d+)/i.exec(line);
    if (!m) return undefined;
    const id = /mariner/i.test(m[1]!) ? 'mariner' : 'azurelinux';
    return { id, versionId: familyVersion(id, m[2]!), prettyName: line };
  }
  // redhat-release and its siblings: "<product> release <version> (<codename>)".
  const m = /^(.*?)\s+release\s+(\d[\w.]*)/i.exec(line);
  if (!m) return undefined;
  const id = RELEASE_NAMES.find(([re]) => re.test(m[1]!))?.[1];
  return id ? { id, versionId: familyVersion(id, m[2]!), prettyName: line } : undefined;
}

async function readText(resolver: FileResolver, path: string): Promise<string | undefined> {
  if (resolver.resolve(path) === undefined) return undefined;
  try {
    return (await resolver.read(path)).subarray(0, 64 * 1024).toString('utf8');
  } catch {
    return undefined;
  }
}

/**
 * The distro of the resolver's root, or undefined when nothing identifies it. os-release wins; a
 * release file fills in a missing VERSION_ID (same family only) or stands in for a missing os-release.
 */
export async function detectDistro(resolver: FileResolver): Promise<LinuxRelease | undefined> {
  let fromOsRelease: LinuxRelease | undefined;
  for (const path of OS_RELEASE_PATHS) {
    const text = await readText(resolver, path);
    fromOsRelease = text === undefined ? undefined : parseOsRelease(text);
    if (fromOsRelease) break;
  }
  if (fromOsRelease?.versionId !== undefined) return fromOsRelease;
  for (const path of RELEASE_FILE_PATHS) {
    const text = await readText(resolver, path);
    const found = text === undefined ? undefined : parseReleaseFile(path, text);
    if (found === undefined) continue;
    if (fromOsRelease === undefined) return found;
    if (found.id === fromOsRelease.id && found.versionId !== undefined) return { ...fromOsRelease, versionId: found.versionId };
  }
  return fromOsRelease;
}

/** The purl `distro` qualifier: 'debian-12', 'alpine-3.19.1', 'rhel-8.9'; the id alone without a version. */
export function distroQualifier(d: LinuxRelease | undefined): string | undefined {
  if (d === undefined) return undefined;
  return d.versionId ? `${d.id}-${d.versionId}` : d.id;
}
