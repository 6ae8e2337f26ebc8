/**
 * The DESCRIPTION file of an installed R package (https://cran.r-project.org/doc/manuals/r-release/R-exts.html#The-DESCRIPTION-file):
 * Debian-control-like `Field: value` lines, continuation lines indented. `R CMD INSTALL` adds `Built:`;
 * the package directory under a library (`<lib>/<pkg>/DESCRIPTION`) is named after `Package:`.
 */
import { normalizeLicense } from '../../core/license.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { baseOf, dirOf, langPackage, purlOrUndefined, textOf } from '../lang-common.js';

/** A DESCRIPTION has some twenty fields; more than this is no DESCRIPTION. */
const MAX_FIELDS = 1_000;

/** Fields of a DCF text (first occurrence wins) and the lines that are neither a field nor a continuation. */
export function parseDcf(text: string): { fields: Map<string, string>; bad: string[] } {
  const fields = new Map<string, string>();
  const bad: string[] = [];
  let key: string | undefined;
  let value: string[] = [];
  const flush = (): void => {
    if (key !== undefined && !fields.has(key)) fields.set(key, value.join('\n').trim());
    key = undefined;
    value = [];
  };
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    if (line[0] === ' ' || line[0] === '\t') {
      if (key !== undefined) value.push(line.trim());
      else if (bad.length < 10) bad.push(line.slice(0, 80));
      continue;
    }
    flush();
    const m = /^([^\s:]+):(.*)$/.exec(line);
    if (m === null) {
      if (bad.length < 10) bad.push(line.slice(0, 80));
      continue;
    }
    if (fields.size >= MAX_FIELDS) break;
    key = m[1]!;
    value = [m[2]!.trim()];
  }
  flush();
  return { fields, bad };
}

/**
 * R's License field (R-exts "Licensing"): alternatives joined by `|`, each a licence name, possibly
 * `(>= 2)`-restricted, possibly `+ file LICENSE` (the file adds terms) or only `file LICENSE`.
 */
export function rLicenses(field: string | undefined): string[] {
  if (field === undefined) return [];
  const out: string[] = [];
  for (const alt of field.split('|')) {
    const t = alt.replace(/\+?\s*file\s+LICEN[CS]E\s*$/i, '').trim();
    if (t === '' || /^file\s/i.test(t)) continue;
    const m = /^([A-Za-z][A-Za-z0-9.-]*?)(?:-(\d+(?:\.\d+)?))?\s*\(\s*>=\s*(\d+(?:\.\d+)?)\s*\)$/.exec(t);
    const n = m ? normalizeLicense(`${m[1]}-${m[3]}+`) : normalizeLicense(t);
    if (n !== '' && !out.includes(n)) out.push(n);
  }
  return out;
}

const list = (v: string | undefined): string[] => (v === undefined ? [] : v.split(',').map((s) => s.replace(/\s+/g, ' ').trim()).filter((s) => s !== ''));

/** `<…>/library/<pkg>/DESCRIPTION` or `<…>/site-library/<pkg>/DESCRIPTION`: an R library's installed package. */
const IN_LIBRARY = /\/(?:site-)?library\/[^/]+\/DESCRIPTION$/;

export function parseRDescription(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const { fields, bad } = parseDcf(textOf(file.contents));
  // Outside an R library a DESCRIPTION (read anywhere, as syft's **/DESCRIPTION) is R's only when it is a clean DCF
  // with Package and Version: other projects' files of that name give nothing, and no incompleteness.
  if (!IN_LIBRARY.test(file.location.path)) {
    const name = fields.get('Package');
    const version = fields.get('Version');
    if (bad.length > 0 || !name || /\s/.test(name) || !version || /\s/.test(version)) return { packages: [] };
  }
  if (bad.length > 0) ctx.incomplete(`${bad.length} line(s) that are no "Field: value" line or continuation (${JSON.stringify(bad[0])})`);
  const name = fields.get('Package');
  const version = fields.get('Version');
  if (!name || /\s/.test(name)) {
    ctx.incomplete('no valid Package: field');
    return { packages: [] };
  }
  if (!version || /\s/.test(version)) {
    ctx.incomplete(`package ${name} has no valid Version: field`);
    return { packages: [] };
  }
  const dir = baseOf(dirOf(file.location.path));
  if (dir !== name) ctx.warn(`the DESCRIPTION of R package ${name} is in a directory named ${dir}`, file.location);
  const metadata: Record<string, unknown> = {};
  for (const [k, key] of [['Title', 'title'], ['Repository', 'repository'], ['Built', 'built'], ['Priority', 'priority']] as const) {
    const v = fields.get(k);
    if (v) metadata[key] = v.replace(/\s+/g, ' ');
  }
  for (const [k, key] of [['URL', 'url'], ['Depends', 'depends'], ['Imports', 'imports'], ['LinkingTo', 'linkingTo']] as const) {
    const v = list(fields.get(k));
    if (v.length > 0) metadata[key] = v;
  }
  const description = fields.get('Description')?.replace(/\s+/g, ' ');
  return {
    packages: [
      langPackage({
        name,
        version,
        type: 'r-package',
        purl: purlOrUndefined({ type: 'cran', name, version }),
        location: file.location,
        foundBy: 'r-package-cataloger',
        licenses: rLicenses(fields.get('License')),
        description,
        supplier: fields.get('Maintainer')?.replace(/\s+/g, ' '),
        metadata,
      }),
    ],
  };
}
