/**
 * pacman's local database (libalpm's `be_local.c`): one
 * directory per installed package, `/var/lib/pacman/local/<name>-<version>/`, whose `desc` holds
 * blank-line separated sections, each a `%KEY%` line and its value lines (%NAME%, %VERSION%, %BASE%,
 * %ARCH%, %LICENSE% one per line, %DEPENDS% and %PROVIDES% one spec per line, ...). The `files` file
 * beside it (a %FILES% section, paths relative to the root, directories with a trailing slash) says
 * which files the package installed: read as a companion for the runner's ownership rules.
 */
import { buildPurl } from '../../core/ecosystem.js';
import { normalizeLicense } from '../../core/license.js';
import { packageId } from '../../sbom/ids.js';
import type { Package } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { distroQualifier } from '../os-release.js';

export const ALPM_DESC_GLOB = '/var/lib/pacman/local/*/desc';
export const ALPM_FILES_GLOB = '/var/lib/pacman/local/*/files';

/** A desc file is a few kilobytes; the files list of a big package some megabytes. */
const MAX_SECTIONS = 1_000;
const MAX_VALUES = 500_000;

/** Sections of an alpm db file: KEY (without the %) → its value lines; `bad` counts lines outside any section. */
export function parseAlpmSections(text: string): { sections: Map<string, string[]>; bad: string[] } {
  const sections = new Map<string, string[]>();
  const bad: string[] = [];
  let cur: string[] | undefined;
  let count = 0;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') {
      cur = undefined;
      continue;
    }
    if (cur === undefined) {
      const m = /^%([A-Z0-9_]+)%$/.exec(line);
      if (m === null) {
        if (bad.length < 10) bad.push(line.slice(0, 80));
        continue;
      }
      if (sections.size >= MAX_SECTIONS) break;
      cur = [];
      sections.set(m[1]!, cur);
      continue;
    }
    if (count++ >= MAX_VALUES) break;
    cur.push(line);
  }
  return { sections, bad };
}

/** The files a `files` companion lists, as absolute paths (directories, which end in `/`, left out). */
async function ownedFilesOf(descPath: string, ctx: CatalogContext): Promise<string[] | undefined> {
  if (ctx.read === undefined) return undefined;
  const path = `${descPath.slice(0, descPath.lastIndexOf('/'))}/files`;
  const bytes = await ctx.read(path);
  if (bytes === undefined) return undefined;
  const files = parseAlpmSections(bytes.toString('utf8')).sections.get('FILES') ?? [];
  return files.filter((f) => f !== '' && !f.endsWith('/')).map((f) => `/${f.replace(/^\/+/, '')}`);
}

export async function parseAlpmDesc(file: CatalogFile, ctx: CatalogContext): Promise<ParseResult> {
  const { sections, bad } = parseAlpmSections(file.contents.toString('utf8'));
  if (bad.length > 0) ctx.incomplete(`${bad.length} line(s) outside any %KEY% section (${JSON.stringify(bad[0])})`);
  const one = (key: string): string | undefined => {
    const v = sections.get(key)?.[0]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const name = one('NAME');
  const version = one('VERSION');
  if (name === undefined || /\s/.test(name)) {
    ctx.incomplete('no valid %NAME% section');
    return { packages: [] };
  }
  if (version === undefined) {
    ctx.incomplete(`package ${name} has no %VERSION% section`);
    return { packages: [] };
  }
  const arch = one('ARCH') ?? '';
  const base = one('BASE');
  const distro = distroQualifier(ctx.distro);
  const purl = buildPurl({
    type: 'alpm',
    namespace: ctx.distro?.id ?? 'arch',
    name,
    version,
    qualifiers: { arch, ...(distro ? { distro } : {}), ...(base && base !== name ? { upstream: base } : {}) },
  });
  const metadata: Record<string, unknown> = { basePackage: base ?? name };
  if (arch) metadata.architecture = arch;
  const url = one('URL');
  if (url) metadata.url = url;
  const depends = (sections.get('DEPENDS') ?? []).map((s) => s.trim()).filter((s) => s !== '');
  const provides = (sections.get('PROVIDES') ?? []).map((s) => s.trim()).filter((s) => s !== '');
  if (depends.length > 0) metadata.depends = depends;
  if (provides.length > 0) metadata.provides = provides;
  const pkg: Package = {
    id: '',
    name,
    version,
    type: 'alpm',
    purl,
    licenses: [...new Set((sections.get('LICENSE') ?? []).map((l) => l.trim()).filter((l) => l !== '').map((l) => normalizeLicense(l)))],
    locations: [{ ...file.location }],
    foundBy: ['alpm-db-cataloger'],
    metadata,
  };
  const description = one('DESC');
  if (description) pkg.description = description;
  const packager = one('PACKAGER');
  if (packager) pkg.supplier = packager;
  pkg.id = packageId(pkg);
  const owned = await ownedFilesOf(file.location.path, ctx);
  return { packages: [pkg], ...(owned !== undefined ? { ownedFiles: new Map([[pkg, owned]]) } : {}) };
}
