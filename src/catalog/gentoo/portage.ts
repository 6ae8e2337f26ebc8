/**
 * Gentoo's installed-package database (Portage's VDB, https://wiki.gentoo.org/wiki/Portage#Package_database):
 * one directory per installed package, `/var/db/pkg/<category>/<name>-<version>/`, holding `CONTENTS`
 * (what it installed: `dir <path>`, `obj <path> <md5> <mtime>`, `sym <path> -> <target> <mtime>`; paths
 * may hold spaces), `LICENSE` (the ebuild's LICENSE expression) and `SIZE` (bytes installed).
 *
 * - Name and version from the directory name as Portage spells versions (PMS §3.2: `1.2.3`, a letter,
 *   `_alpha|_beta|_pre|_rc|_p` suffixes, `-rN` revision): name `category/name` and purl
 *   `pkg:ebuild/<category>%2F<name>@<version>`, as syft writes them (no purl type is registered yet).
 * - Licences: the licence names of the expression, `||` choices and `use?` conditionals included (the
 *   expression is kept in metadata); a `@GROUP` is expanded from `/etc/portage/license_groups` when that
 *   file is there (groups of groups, cycles stop), else kept as written.
 * - The `obj` and `sym` paths are the files the package owns (the runner's ownership rules).
 * A CONTENTS file outside such a directory, or whose directory name is no name-version, is incomplete.
 */
import { buildPurl } from '../../core/ecosystem.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { baseOf, dirOf, langPackage, textOf } from '../lang-common.js';

const CATALOGER = 'portage-cataloger';
export const LICENSE_GROUPS = '/etc/portage/license_groups';
/** Group expansion depth (Gentoo's groups nest two or three levels). */
const MAX_GROUP_DEPTH = 16;
/** Licence names kept per package. */
const MAX_LICENSES = 200;

/** PMS version syntax after the last `-` that starts one: `1.5.1`, `2.36-r9`, `1.0_rc1_p2`, `3.2a`. */
const PF = /^(.+?)-(\d+(?:\.\d+)*[a-z]?(?:_(?:alpha|beta|pre|rc|p)\d*)*(?:-r\d+)?)$/;

/** `name-version` of a package directory → [name, version]; undefined when it is no Portage version. */
export function splitPortageName(dir: string): [string, string] | undefined {
  const m = PF.exec(dir);
  return m ? [m[1]!, m[2]!] : undefined;
}

/** The paths CONTENTS says the package installed (obj and sym entries). */
export function portageOwnedFiles(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('obj ')) {
      // obj <path> <md5> <mtime>: the path is what is left once the last two fields are off
      const m = /^obj (.+) [0-9a-f]{32} \d+$/.exec(line);
      if (m) out.push(m[1]!);
    } else if (line.startsWith('sym ')) {
      const i = line.indexOf(' -> ');
      if (i > 4) out.push(line.slice(4, i));
    }
  }
  return out;
}

/** `name member member @group` lines → group name → members (as written). */
export function parseLicenseGroups(text: string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [name, ...members] = line.split(/\s+/);
    if (name) groups.set(name, members);
  }
  return groups;
}

/** The licence names of a LICENSE expression, groups expanded where known. */
export function portageLicenses(expression: string, groups: Map<string, string[]> | undefined): string[] {
  const out: string[] = [];
  const add = (token: string, depth: number, seen: Set<string>): void => {
    if (out.length >= MAX_LICENSES) return;
    if (token.startsWith('@') && groups !== undefined) {
      const name = token.slice(1);
      const members = groups.get(name);
      if (members !== undefined && depth < MAX_GROUP_DEPTH && !seen.has(name)) {
        const next = new Set(seen).add(name);
        for (const m of members) add(m, depth + 1, next);
        return;
      }
    }
    if (!out.includes(token)) out.push(token);
  };
  for (const token of expression.split(/\s+/)) {
    if (token === '' || token === '||' || token === '(' || token === ')' || token.endsWith('?')) continue;
    add(token, 0, new Set());
  }
  return out;
}

export async function parsePortageContents(file: CatalogFile, ctx: CatalogContext): Promise<ParseResult> {
  const dir = dirOf(file.location.path);
  const category = baseOf(dirOf(dir));
  const nv = splitPortageName(baseOf(dir));
  if (!nv || category === '' || !/\/db\/pkg\/[^/]+\/[^/]+$/.test(dir)) {
    throw new Error(`${baseOf(dir)} is not a Portage name-version directory (/var/db/pkg/<category>/<name>-<version>)`);
  }
  const name = `${category}/${nv[0]}`;
  const version = nv[1];
  const read = async (path: string): Promise<string | undefined> => {
    const bytes = ctx.read ? await ctx.read(path) : undefined;
    return bytes === undefined ? undefined : textOf(bytes).trim();
  };
  const expression = await read(`${dir}/LICENSE`);
  const groupsText = expression?.includes('@') ? await read(LICENSE_GROUPS) : undefined;
  const size = await read(`${dir}/SIZE`);
  const metadata: Record<string, unknown> = {};
  if (expression) metadata.license = expression;
  if (size && /^\d+$/.test(size)) metadata.installedSize = Number(size);
  let purl: string | undefined;
  try {
    purl = buildPurl({ type: 'ebuild', name, version });
  } catch {
    purl = undefined;
  }
  const p = langPackage({
    name,
    version,
    type: 'portage',
    purl,
    location: file.location,
    foundBy: CATALOGER,
    licenses: expression ? portageLicenses(expression, groupsText === undefined ? undefined : parseLicenseGroups(groupsText)) : [],
    metadata,
  });
  return { packages: [p], ownedFiles: new Map([[p, portageOwnedFiles(textOf(file.contents))]]) };
}
