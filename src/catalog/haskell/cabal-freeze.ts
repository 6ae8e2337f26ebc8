/**
 * cabal's `cabal.project.freeze` (https://cabal.readthedocs.io/en/stable/cabal-commands.html#cabal-freeze):
 * a cabal project file whose `constraints:` field pins every package of the build plan, comma-separated
 * over indented continuation lines: `any.aeson ==2.1.2.1` (`pkg:hackage/aeson@2.1.2.1`). Besides them:
 * `any.base installed` (a package that comes with GHC, with no version written: a warning naming them),
 * flag settings `aeson +ordered-keymap -cffi` (nothing to report). A constraint of another form is a
 * warning; a file with no `constraints:` field at all is incomplete.
 */
import type { Package } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { nameSome, textOf } from '../lang-common.js';
import { hackagePackage, PACKAGE_NAME, PVP_VERSION } from './common.js';

const MAX_BYTES = 8 * 1024 * 1024;
const MAX_CONSTRAINTS = 50_000;

/** The text of every `constraints:` field (a field's value runs on over lines indented deeper than its name). */
function constraintFields(text: string): string[] | undefined {
  const out: string[] = [];
  let current: string[] | undefined;
  let found = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)--.*$/, '');
    if (line.trim() === '') continue;
    if (/^\S/.test(line)) {
      if (current) out.push(current.join('\n'));
      const m = /^constraints\s*:(.*)$/i.exec(line);
      current = m ? [m[1]!] : undefined;
      if (m) found = true;
    } else if (current) current.push(line);
  }
  if (current) out.push(current.join('\n'));
  return found ? out : undefined;
}

export function parseCabalFreeze(file: CatalogFile, ctx: CatalogContext): ParseResult {
  if (file.contents.length > MAX_BYTES) {
    ctx.incomplete(`cabal.project.freeze is ${file.contents.length} bytes, over the ${MAX_BYTES} read`);
    return { packages: [] };
  }
  const fields = constraintFields(textOf(file.contents));
  if (fields === undefined) throw new Error('cabal.project.freeze has no constraints: field');
  const constraints = fields.flatMap((f) => f.split(',')).map((c) => c.trim().replace(/\s+/g, ' ')).filter((c) => c !== '');
  if (constraints.length > MAX_CONSTRAINTS) ctx.incomplete(`cabal.project.freeze has ${constraints.length} constraints; only the first ${MAX_CONSTRAINTS} are read`);
  const packages: Package[] = [];
  const seen = new Set<string>();
  const installed: string[] = [];
  const other: string[] = [];
  for (const c of constraints.slice(0, MAX_CONSTRAINTS)) {
    // qualifiers: any.<pkg>, setup.<pkg>, <pkg>:setup.<dep>
    const m = /^(?:(?:[A-Za-z0-9-]+:)?(?:any|setup)\.)?([A-Za-z0-9-]+) ?(.*)$/.exec(c);
    const name = m?.[1];
    const rest = m?.[2] ?? '';
    if (!m || !name || !PACKAGE_NAME.test(name)) {
      other.push(JSON.stringify(c.slice(0, 100)));
      continue;
    }
    const pinned = /^== ?(\S+)$/.exec(rest);
    if (pinned && PVP_VERSION.test(pinned[1]!)) {
      const key = `${name}@${pinned[1]}`;
      if (!seen.has(key)) {
        seen.add(key);
        packages.push(hackagePackage(name, pinned[1]!, file.location));
      }
    } else if (rest === 'installed') installed.push(name);
    else if (/^([+-][A-Za-z0-9_-]+ ?)+$/.test(rest)) continue;
    else other.push(JSON.stringify(c.slice(0, 100)));
  }
  if (installed.length > 0) ctx.warn(`cabal.project.freeze: ${nameSome(installed, 8)} come with GHC ("installed", no version written); not reported`, file.location);
  if (other.length > 0) ctx.warn(`cabal.project.freeze constraints that pin no single version: ${nameSome(other, 5)}; not reported`, file.location);
  return { packages };
}
