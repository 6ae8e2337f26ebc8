/**
 * dpkg's database of installed packages (deb-control(5) stanzas; dpkg(1) "INFORMATION ABOUT
 * PACKAGES"): /var/lib/dpkg/status, or one file per package in distroless images'
 * /var/lib/dpkg/status.d/ (the same under /usr/lib/dpkg in some minimal images); and opkg's (OpenWrt, Yocto), the same stanzas in /usr/lib/opkg/status
 * or /var/lib/opkg/status with the licence inline (`License:`). Licences come from
 * /usr/share/doc/<pkg>/copyright when it is machine-readable (DEP-5).
 */
import { buildPurl } from '../../core/ecosystem.js';
import { licensesFromDebianCopyright } from '../../core/license.js';
import { packageId } from '../../sbom/ids.js';
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { apkLicenses } from '../alpine/apk-installed.js';
import { distroQualifier } from '../os-release.js';

export const DPKG_COPYRIGHT_GLOB = '/usr/share/doc/*/copyright';
/** The file lists dpkg keeps per installed package (`<pkg>.list`, `<pkg>:<arch>.list` for Multi-Arch: same). */
export const DPKG_FILE_LIST_GLOB = '/var/lib/dpkg/info/*.list';
/** The checksums of each package's regular files: its file list when an image dropped the `.list` files. */
export const DPKG_MD5SUMS_GLOB = '/var/lib/dpkg/info/*.md5sums';
/** dpkg's database where some minimal images keep it (/usr/lib/dpkg: syft reads any `lib/dpkg/status`). */
export const DPKG_USR_GLOBS = ['/usr/lib/dpkg/status', '/usr/lib/dpkg/status.d/*'];
/** Its info files, beside it. */
export const DPKG_USR_INFO_GLOBS = ['/usr/lib/dpkg/info/*.list', '/usr/lib/dpkg/info/*.md5sums'];
/** opkg's status files (OpenWrt keeps them under /usr/lib, Yocto and older OpenWrt under /var/lib). */
export const OPKG_STATUS_GLOBS = ['/usr/lib/opkg/status', '/var/lib/opkg/status'];
/** opkg's per-package file lists, beside the status file (`info/<pkg>.list`). */
export const OPKG_FILE_LIST_GLOBS = ['/usr/lib/opkg/info/*.list', '/var/lib/opkg/info/*.list'];

/** At most this many paths per package's file list (the biggest Debian packages list ~30,000). */
const MAX_OWNED_FILES = 500_000;

/** At most this many stanzas per file: a status file of a huge image has ~5,000. */
const MAX_STANZAS = 200_000;

export type Stanza = Map<string, string>;

/**
 * Split deb-control text into stanzas of field → value (keys lower-cased; continuation lines joined
 * with '\n'). Comment lines and lines that are not fields are ignored.
 */
export function parseControlStanzas(text: string): Stanza[] {
  const out: Stanza[] = [];
  let cur: Stanza = new Map();
  let last: string | undefined;
  const flush = (): void => {
    if (cur.size > 0) out.push(cur);
    cur = new Map();
    last = undefined;
  };
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      flush();
      if (out.length >= MAX_STANZAS) break;
      continue;
    }
    if (line.startsWith('#')) continue;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (last !== undefined) cur.set(last, `${cur.get(last) ?? ''}\n${line.slice(1)}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    cur.set(last, line.slice(colon + 1).trim());
  }
  flush();
  return out;
}

/** Names a package depends on, from a Depends/Pre-Depends value ("a (>= 1) | b, c:any"): alternatives included. */
export function dependencyNames(value: string | undefined): string[][] {
  if (value === undefined || value.trim() === '') return [];
  return value
    .split(',')
    .map((group) =>
      group
        .split('|')
        .map((alt) => alt.trim().split(/[\s(\[<]/)[0]!.replace(/:[a-z0-9-]+$/, ''))
        .filter((n) => n !== ''),
    )
    .filter((g) => g.length > 0);
}

/** "glibc (2.36-9+deb12u10)" → name and optional version. */
function parseSource(value: string | undefined): { name?: string; version?: string } {
  if (value === undefined || value.trim() === '') return {};
  const m = /^(\S+)(?:\s+\(([^)]+)\))?/.exec(value.trim());
  if (!m) return {};
  return m[2] === undefined ? { name: m[1]! } : { name: m[1]!, version: m[2].trim() };
}

/**
 * A version as deb-version(5) allows: `[epoch:]upstream[-revision]`, the epoch digits, upstream and
 * revision of letters, digits and `. + ~` (upstream also `-` and `:` when a revision / epoch is
 * there). dpkg refuses to write anything else, so a record holding something else is not read.
 */
export function isDebianVersion(v: string): boolean {
  const m = /^(?:(\d+):)?(.+)$/.exec(v);
  if (!m) return false;
  const rest = m[2]!;
  const dash = rest.lastIndexOf('-');
  const upstream = dash >= 0 ? rest.slice(0, dash) : rest;
  const revision = dash >= 0 ? rest.slice(dash + 1) : undefined;
  const upChars = m[1] !== undefined ? /^[A-Za-z0-9.+~:-]+$/ : /^[A-Za-z0-9.+~-]+$/;
  if (upstream === '' || !upChars.test(upstream)) return false;
  if (m[1] === undefined && upstream.includes(':')) return false;
  return revision === undefined || /^[A-Za-z0-9.+~]+$/.test(revision);
}

/** Installed unless dpkg's Status says it is gone or only config files are left. */
function isInstalled(status: string | undefined): boolean {
  if (status === undefined) return true; // distroless status.d files may omit it
  const state = status.trim().split(/\s+/)[2];
  return state !== 'not-installed' && state !== 'config-files';
}

/**
 * The files a package installed, for the runner's ownership rules: dpkg's `info/<pkg>[:<arch>].list`
 * (absolute paths, directories included), else `info/<pkg>[:<arch>].md5sums`; for a distroless
 * `status.d/<pkg>` file the `<pkg>.md5sums` beside it (`<md5>  usr/bin/x`, relative to the root).
 * Undefined when none is there.
 */
async function dpkgOwnedFiles(statusPath: string, name: string, arch: string, ctx: CatalogContext): Promise<string[] | undefined> {
  if (ctx.read === undefined) return undefined;
  const distroless = /^\/(?:var|usr)\/lib\/dpkg\/status\.d\//.test(statusPath);
  const info = isOpkg(statusPath) || statusPath === '/usr/lib/dpkg/status' ? statusPath.replace(/status$/, 'info') : '/var/lib/dpkg/info';
  // `.list` (every path, directories included) first; `.md5sums` (regular files only, relative) when an
  // image kept only those (trivy reads md5sums alone)
  const names = [name, ...(arch !== '' ? [`${name}:${arch}`] : [])];
  const candidates = distroless
    ? [`${statusPath.replace(/\.md5sums$/, '')}.md5sums`]
    : [...names.map((n) => `${info}/${n}.list`), ...(isOpkg(statusPath) ? [] : names.map((n) => `${info}/${n}.md5sums`))];
  for (const path of candidates) {
    const bytes = await ctx.read(path);
    if (bytes === undefined) continue;
    const md5sums = path.endsWith('.md5sums');
    const files: string[] = [];
    for (const raw of bytes.toString('utf8').split('\n')) {
      let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (md5sums) line = `/${line.replace(/^[0-9a-f]+\s+/, '').replace(/^\.?\/+/, '')}`;
      if (!line.startsWith('/') || line === '/' || line === '/.') continue;
      if (files.length >= MAX_OWNED_FILES) {
        ctx.warn(`the file list of ${name} has more than ${MAX_OWNED_FILES} paths; the rest are not used for ownership`, { path });
        break;
      }
      files.push(line);
    }
    return files;
  }
  return undefined;
}

const isOpkg = (path: string): boolean => OPKG_STATUS_GLOBS.includes(path);

/** dpkg's per-package info files (deb-control(5) and dpkg's info directory), found beside status.d stanzas. */
const DPKG_INFO_FILE = /\/status\.d\/[^/]+\.(?:conffiles|config|list|md5sums|postinst|postrm|preinst|prerm|shlibs|symbols|templates|triggers)$/;

/** Parse a dpkg status file (or one status.d file, or an opkg status file) into packages and their depends-on relationships. */
export async function parseDpkgStatus(file: CatalogFile, ctx: CatalogContext): Promise<ParseResult> {
  if (/\.md5sums$/.test(file.location.path)) return { packages: [] };
  const text = file.contents.toString('utf8');
  const stanzas = parseControlStanzas(text);
  // A distroless status.d may also hold a package's other dpkg info files (`<pkg>.preinst`, `.conffiles`):
  // no package database, unless it does hold a stanza (a package whose name ends so).
  if (DPKG_INFO_FILE.test(file.location.path) && !stanzas.some((s) => s.has('package'))) return { packages: [] };
  // text without one `Field: value` line is no package database at all
  if (stanzas.length === 0 && text.trim() !== '') {
    ctx.incomplete('no deb-control stanza (Package:, Version:, …) in the file');
    return { packages: [] };
  }
  const distro = distroQualifier(ctx.distro);
  const opkg = isOpkg(file.location.path);
  // opkg systems are no Debian: without an os-release the purl names no distro namespace
  const namespace = ctx.distro?.id ?? (opkg ? undefined : 'debian');
  const packages: Package[] = [];
  const depends = new Map<Package, string[][]>();
  const ownedFiles = new Map<Package, readonly string[]>();
  for (const s of stanzas) {
    const name = s.get('package');
    const version = s.get('version') ?? '';
    if (name === undefined || name === '' || /\s/.test(name)) {
      // A record of the package database that cannot be read: a package may be missing.
      ctx.incomplete('a stanza without a valid Package field');
      continue;
    }
    if (!isInstalled(s.get('status'))) continue;
    if (version === '') {
      // Reported by name, as syft does (distroless status.d files, hand-written stanzas): the package is
      // there, only its version is unknown, so the file stays incomplete and nothing is matched against it.
      ctx.incomplete(`installed package ${name} has no Version: reported without one`);
    } else if (!isDebianVersion(version)) {
      ctx.incomplete(`installed package ${name} has a version that is not a Debian version: ${JSON.stringify(version.slice(0, 100))}`);
      continue;
    }
    const arch = s.get('architecture') ?? '';
    const source = parseSource(s.get('source'));
    const upstream =
      source.name === undefined || (source.name === name && source.version === undefined)
        ? undefined
        : source.version !== undefined && source.version !== version && source.version !== version.replace(/^\d+:/, '')
          ? `${source.name}@${source.version}`
          : source.name;
    const purl = buildPurl({
      type: 'deb',
      namespace,
      name,
      version,
      qualifiers: { arch, ...(distro ? { distro } : {}), ...(upstream ? { upstream } : {}) },
    });
    let licenses: string[] = [];
    if (ctx.read) {
      const copyright = await ctx.read(`/usr/share/doc/${name}/copyright`);
      if (copyright) licenses = licensesFromDebianCopyright(copyright.subarray(0, 4 * 1024 * 1024).toString('utf8'));
    }
    // opkg writes the package's licence into its status stanza (`License: GPL-2.0 BSD-3-Clause`)
    const inline = s.get('license')?.trim();
    if (licenses.length === 0 && inline) licenses = apkLicenses(inline);
    const metadata: Record<string, unknown> = {
      source: source.name ?? name,
      sourceVersion: source.version ?? version,
    };
    const maintainer = s.get('maintainer');
    if (maintainer) metadata.maintainer = maintainer;
    const installedSize = Number(s.get('installed-size'));
    if (Number.isFinite(installedSize) && installedSize > 0) metadata.installedSizeKiB = installedSize;
    const provides = dependencyNames(s.get('provides')).flat();
    if (provides.length > 0) metadata.provides = provides;
    const pkg: Package = {
      id: '',
      name,
      version,
      type: 'deb',
      purl,
      licenses,
      locations: [{ ...file.location }],
      foundBy: ['dpkg-db-cataloger'],
      metadata: { ...metadata, ...(arch ? { architecture: arch } : {}) },
    };
    const description = s.get('description')?.split('\n')[0]?.trim();
    if (description) pkg.description = description;
    if (maintainer) pkg.supplier = maintainer;
    pkg.id = packageId(pkg);
    packages.push(pkg);
    depends.set(pkg, [...dependencyNames(s.get('pre-depends')), ...dependencyNames(s.get('depends'))]);
    const owned = await dpkgOwnedFiles(file.location.path, name, arch, ctx);
    if (owned !== undefined) ownedFiles.set(pkg, owned);
  }
  // depends-on edges to the installed package (or provider) that satisfies each group.
  const byName = new Map<string, Package>();
  for (const p of packages) byName.set(p.name, p);
  for (const p of packages) for (const v of (p.metadata?.provides as string[] | undefined) ?? []) if (!byName.has(v)) byName.set(v, p);
  const relationships: Relationship[] = [];
  for (const [p, groups] of depends) {
    for (const group of groups) {
      const target = group.map((n) => byName.get(n)).find((t) => t !== undefined);
      if (target && target !== p) relationships.push({ from: p.id, to: target.id, type: 'depends-on' });
    }
  }
  return { packages, relationships, ownedFiles };
}
