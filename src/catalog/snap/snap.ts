/**
 * Snaps (https://snapcraft.io/docs): the Debian packages a snap was built from, as syft's snap cataloger
 * reads them from an unpacked or mounted snap (`/snap/<name>/<revision>/…`; a `.snap` squashfs file is not
 * opened):
 * - a base snap's `usr/share/snappy/dpkg.yaml`: `packages:` entries `name[:arch]=version`; when the base
 *   snap's tree is the root scanned and holds a dpkg database (`/var/lib/dpkg/status`, which base snaps
 *   carry), that database is the record and dpkg-db-cataloger reports the packages, so the list is not read
 *   a second time (under `/snap/<base>/<revision>/` dpkg-db-cataloger does not look, so the list is read);
 * - a snap's `snap/manifest.yaml` (snapcraft writes it into gadget, system and application snaps):
 *   `primed-stage-packages` entries `name[:arch]=version`, the snap's name, version, base and first
 *   architecture in metadata (a `gadget` in the name makes it a gadget snap, as syft tells them apart);
 * - a snap's `snap/snapcraft.yaml`: `parts.*.stage-packages` pinned as `name=version` (what the snap
 *   ships); build packages and build snaps (build time only) are not packages, a stage package or stage snap
 *   that pins no version is a warning (syft reports them at version `unknown`);
 * - a kernel snap's `…/doc/linux-modules-*\/changelog.Debian.gz`: its first entry, `linux (5.4.0-195.215) …`,
 *   is the kernel `linux-image-5.4.0-195-generic` at `5.4.0-195.215`. Read only when no OS package lists the
 *   file (onlyUnowned): on an Ubuntu system the same changelog belongs to the installed linux-modules
 *   package, which dpkg reports.
 * Every package is a Debian one, `pkg:deb/ubuntu/<name>@<version>[?arch=…]` as syft writes it (snaps are
 * built from Ubuntu's archive; the purl names no release). A file that is not YAML, not a mapping, or a
 * changelog that does not inflate or does not start with a kernel entry, is incomplete; an entry that is
 * no `name=version` is a warning.
 */
import { createGunzip } from 'node:zlib';
import { lazyRequire } from '../../core/lazy.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { isRecord, langPackage, nameSome, purlOrUndefined, str, textOf } from '../lang-common.js';
import type { Package } from '../../sbom/model.js';

const yaml = lazyRequire<typeof import('yaml')>('yaml');

const CATALOGER = 'snap-cataloger';
/** Real manifests list a few hundred packages in a few tens of KB. */
const MAX_BYTES = 16 * 1024 * 1024;
const MAX_ENTRIES = 100_000;
const MAX_ALIASES = 100;
/** The changelog's first line is all that is read; inflating stops here. */
const MAX_CHANGELOG = 1024 * 1024;
/** Debian package names (Policy 5.6.1), optionally `:arch`. */
const DEB_NAME = /^([a-z0-9][a-z0-9+.-]+)(?::([a-z0-9-]+))?$/;

export type SnapType = 'base' | 'gadget' | 'app' | 'snapd' | 'kernel';

interface SnapInfo {
  snapType: SnapType;
  snapName?: string | undefined;
  snapVersion?: string | undefined;
  base?: string | undefined;
  architecture?: string | undefined;
}

function debPackage(name: string, version: string, arch: string | undefined, info: SnapInfo, file: CatalogFile): Package {
  const metadata: Record<string, unknown> = { snapType: info.snapType };
  if (info.snapName) metadata.snapName = info.snapName;
  if (info.snapVersion) metadata.snapVersion = info.snapVersion;
  if (info.base) metadata.base = info.base;
  if (arch) metadata.architecture = arch;
  return langPackage({
    name,
    version,
    type: 'deb',
    purl: purlOrUndefined({ type: 'deb', namespace: 'ubuntu', name, version, qualifiers: arch ? { arch } : undefined }),
    location: file.location,
    foundBy: CATALOGER,
    metadata,
  });
}

function loadYaml(file: CatalogFile, what: string): Record<string, unknown> {
  if (file.contents.length > MAX_BYTES) throw new Error(`${what} is ${file.contents.length} bytes, over the ${MAX_BYTES} read`);
  let doc: unknown;
  try {
    const y = yaml();
    const d = y.parseDocument(textOf(file.contents), { logLevel: 'error', prettyErrors: false });
    if (d.errors.length > 0) throw d.errors[0]!;
    // the yaml library takes minutes to expand an anchor that holds aliases of itself: refused before toJS
    let aliases = 0;
    y.visit(d, {
      Alias(_key, node, path) {
        if (++aliases > MAX_ALIASES) throw new Error(`more than ${MAX_ALIASES} aliases`);
        if (path.some((p) => y.isNode(p) && p.anchor === node.source)) throw new Error(`alias *${node.source.slice(0, 40)} inside its own anchor`);
      },
    });
    doc = d.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    throw new Error(`invalid YAML in ${what}: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  if (!isRecord(doc)) throw new Error(`${what} is not a YAML mapping`);
  return doc;
}

/** `name[:arch]=version` entries → packages; the others named in one warning. */
function pinnedEntries(entries: unknown, info: SnapInfo, file: CatalogFile, ctx: CatalogContext, what: string): Package[] {
  if (entries === undefined || entries === null) return [];
  if (!Array.isArray(entries)) throw new Error(`${what} is not a list`);
  const out: Package[] = [];
  const bad: string[] = [];
  for (const e of entries.slice(0, MAX_ENTRIES)) {
    const s = typeof e === 'string' ? e : typeof e === 'number' ? String(e) : undefined;
    const eq = s?.indexOf('=') ?? -1;
    const m = s !== undefined && eq > 0 ? DEB_NAME.exec(s.slice(0, eq).trim()) : null;
    const version = s !== undefined && eq > 0 ? s.slice(eq + 1).trim() : '';
    if (!m || version === '') {
      bad.push(typeof e === 'string' ? JSON.stringify(e.slice(0, 120)) : typeof e);
      continue;
    }
    out.push(debPackage(m[1]!, version, m[2] ?? info.architecture, info, file));
  }
  if (entries.length > MAX_ENTRIES) ctx.incomplete(`${what} lists ${entries.length} entries; the first ${MAX_ENTRIES} were read`);
  if (bad.length > 0) ctx.warn(`${what}: ${bad.length} ${bad.length === 1 ? 'entry is' : 'entries are'} not name=version, not reported: ${nameSome(bad, 5)}`, file.location);
  return out;
}

/** A base snap's `usr/share/snappy/dpkg.yaml`. */
export async function parseSnapDpkgYaml(file: CatalogFile, ctx: CatalogContext): Promise<ParseResult> {
  // a base snap's own tree scanned as the root: dpkg-db-cataloger reads its /var/lib/dpkg/status
  if (file.location.path === '/usr/share/snappy/dpkg.yaml' && ctx.read && (await ctx.read('/var/lib/dpkg/status')) !== undefined) return { packages: [] };
  const doc = loadYaml(file, 'dpkg.yaml');
  return { packages: pinnedEntries(doc.packages, { snapType: 'base' }, file, ctx, 'dpkg.yaml packages') };
}

function firstArchitecture(doc: Record<string, unknown>): string | undefined {
  const a = doc.architectures;
  if (!Array.isArray(a)) return undefined;
  const first: unknown = a[0];
  // snapcraft also accepts `- build-on: […]` / `build-for` mappings
  if (isRecord(first)) {
    const f = first['build-for'] ?? first['run-on'] ?? first['build-on'];
    const v: unknown = Array.isArray(f) ? f[0] : f;
    return typeof v === 'string' ? v : undefined;
  }
  return typeof first === 'string' ? first : undefined;
}

const versionOf = (doc: Record<string, unknown>): string | undefined => (typeof doc.version === 'number' ? String(doc.version) : str(doc, 'version'));

/** A snap's `snap/manifest.yaml`. */
export function parseSnapManifest(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const doc = loadYaml(file, 'snap manifest.yaml');
  const name = str(doc, 'name');
  const info: SnapInfo = {
    snapType: str(doc, 'type') === 'gadget' || name?.toLowerCase().includes('gadget') === true ? 'gadget' : 'app',
    snapName: name,
    snapVersion: versionOf(doc),
    base: str(doc, 'base'),
    architecture: firstArchitecture(doc),
  };
  return { packages: pinnedEntries(doc['primed-stage-packages'], info, file, ctx, 'primed-stage-packages') };
}

/** A snap's `snap/snapcraft.yaml`: the stage packages it pins. */
export function parseSnapcraftYaml(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const doc = loadYaml(file, 'snapcraft.yaml');
  const info: SnapInfo = { snapType: 'snapd', snapName: str(doc, 'name'), snapVersion: versionOf(doc), base: str(doc, 'base'), architecture: firstArchitecture(doc) };
  const parts = isRecord(doc.parts) ? doc.parts : {};
  const packages: Package[] = [];
  const unpinned: string[] = [];
  for (const [partName, part] of Object.entries(parts)) {
    if (!isRecord(part)) continue;
    const stage = Array.isArray(part['stage-packages']) ? part['stage-packages'] : [];
    // `name=version` pins one version; `name>=1` and plain names pin none
    const isPin = (e: unknown): e is string => typeof e === 'string' && e.includes('=') && !/[<>!]/.test(e);
    const pinned = stage.filter(isPin);
    for (const e of stage) if (typeof e === 'string' && !isPin(e)) unpinned.push(e);
    packages.push(...pinnedEntries(pinned, info, file, ctx, `part ${partName} stage-packages`));
    for (const s of Array.isArray(part['stage-snaps']) ? part['stage-snaps'] : []) if (typeof s === 'string') unpinned.push(`snap ${s}`);
  }
  if (unpinned.length > 0) ctx.warn(`snapcraft.yaml: ${unpinned.length} stage package(s) or snap(s) pin no version, not reported: ${nameSome(unpinned, 5)}`, file.location);
  return { packages };
}

/** `linux (5.4.0-195.215) focal; urgency=medium` → [base version, full version]. */
export function kernelChangelogVersion(firstLine: string): [string, string] | undefined {
  const m = /^linux(?:-[a-z0-9.-]+)? \((\d+\.\d+\.\d+-\d+)\.(\d+)\)/.exec(firstLine);
  return m ? [m[1]!, `${m[1]}.${m[2]}`] : undefined;
}

/** The first line of a gzip stream, inflating no more than MAX_CHANGELOG bytes (kernel changelogs inflate to megabytes). */
function firstLineOf(gz: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const g = createGunzip();
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      const all = Buffer.concat(chunks);
      const nl = all.indexOf(10);
      resolve(all.subarray(0, nl < 0 ? Math.min(all.length, MAX_CHANGELOG) : nl).toString('utf8'));
    };
    g.on('data', (c: Buffer) => {
      chunks.push(c);
      size += c.length;
      if (c.includes(10) || size >= MAX_CHANGELOG) {
        finish();
        g.destroy();
      }
    });
    g.on('end', finish);
    g.on('error', (err) => {
      if (!done) {
        done = true;
        reject(new Error(`changelog does not inflate: ${err.message}`, { cause: err }));
      }
    });
    g.end(gz);
  });
}

/** A kernel snap's `doc/linux-modules-*\/changelog.Debian.gz`. */
export async function parseKernelSnapChangelog(file: CatalogFile, _ctx: CatalogContext): Promise<ParseResult> {
  const first = await firstLineOf(file.contents);
  const v = kernelChangelogVersion(first);
  if (v === undefined) throw new Error(`the changelog does not start with a kernel entry: ${JSON.stringify(first.slice(0, 120))}`);
  return { packages: [debPackage(`linux-image-${v[0]}-generic`, v[1], undefined, { snapType: 'kernel' }, file)] };
}
