/**
 * Homebrew formulae (https://docs.brew.sh/Formula-Cookbook), read as syft reads them:
 * - an installed keg's copy of its formula, `<prefix>/Cellar/<name>/<version>/.brew/<name>.rb`: name and
 *   version from the keg's directories (the version directory carries Homebrew's `_N` revision: `1.2.3_1`);
 * - a tap's formula, `<prefix>/Library/Taps/<org>/<tap>/Formula/<name>.rb`: name from a `name` line, else
 *   the file name; version from a `version` line (a tap formula that names none is a warning, not a package:
 *   its version is computed from its `url` by Homebrew, and it is available, not installed).
 * The formula is Ruby and never run: the top-level `desc`, `homepage`, `license`, `name` and `version` calls
 * with a quoted string are read, the first of each after the `class … < Formula` line (what precedes the
 * class is not the formula's); a file that is not UTF-8 text is incomplete. Purl `pkg:brew/<name>@<version>` as syft writes it; the tap (`org/tap`),
 * homepage and description in metadata. No OSV ecosystem covers Homebrew.
 */
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { baseOf, langPackage, purlOrUndefined, textOf } from '../lang-common.js';

const CATALOGER = 'homebrew-cataloger';
/** Longest formula line read (Homebrew's longest real lines are a few hundred characters). */
const MAX_LINE = 64 * 1024;
/** Licences kept from one `license` call (`any_of: [...]`, `all_of: [...]`). */
const MAX_LICENSES = 64;

export interface FormulaFields {
  name?: string;
  version?: string;
  desc?: string;
  homepage?: string;
  licenses: string[];
}

/** The quoted strings of a Ruby line ("…" or '…', backslash escapes kept as the character), up to `max`. */
function quoted(line: string, max: number): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'/g)) {
    if (out.length >= max) break;
    out.push((m[1] ?? m[2] ?? '').replace(/\\(.)/g, '$1'));
  }
  return out;
}

/** The part of a Ruby line before a `#` comment outside quotes. */
function withoutComment(line: string): string {
  let q = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q !== '') {
      if (c === '\\') i++;
      else if (c === q) q = '';
    } else if (c === '"' || c === "'") q = c;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
}

const KEYS = ['desc', 'homepage', 'license', 'name', 'version'] as const;

/** The formula's top-level fields as syft reads them (first `key "value"` line of each after the class line). */
export function parseFormulaText(text: string): FormulaFields {
  let f: FormulaFields = { licenses: [] };
  let seen = new Set<string>();
  for (const raw of text.split('\n')) {
    if (raw.length > MAX_LINE) continue;
    const line = withoutComment(raw).trim();
    if (line === '__END__') break;
    if (/^class\s+\S+\s*<\s*Formula\b/.test(line)) {
      // what precedes the class is not the formula's
      f = { licenses: [] };
      seen = new Set();
      continue;
    }
    const key = KEYS.find((k) => line.startsWith(`${k} `) || line.startsWith(`${k}\t`) || line.startsWith(`${k}(`));
    if (key === undefined || seen.has(key)) continue;
    const rest = line.slice(key.length).trimStart();
    // `name = "x"` is a Ruby local variable, not the formula's name
    if (rest.startsWith('=')) continue;
    const values = quoted(rest, key === 'license' ? MAX_LICENSES : 1);
    if (values.length === 0) continue;
    seen.add(key);
    if (key === 'license') f.licenses = values;
    else f[key] = values[0]!;
  }
  return f;
}

/** `…/Cellar/<name>/<version>/.brew/<file>.rb` → [name, version]; undefined elsewhere. */
function kegOf(path: string): [string, string] | undefined {
  const m = /(?:^|\/)Cellar\/([^/]+)\/([^/]+)\/\.brew\/[^/]+\.rb$/.exec(path);
  return m ? [m[1]!, m[2]!] : undefined;
}

/** `…/Library/Taps/<org>/<tap>/…` → `org/tap`. */
function tapOf(path: string): string | undefined {
  const m = /(?:^|\/)Library\/Taps\/([^/]+)\/([^/]+)\//.exec(path);
  return m ? `${m[1]}/${m[2]}` : undefined;
}

export function parseHomebrewFormula(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const path = file.location.path;
  const text = textOf(file.contents);
  if (text.includes('\u0000') || text.includes('\ufffd')) throw new Error('not a Ruby formula (binary or not UTF-8)');
  const f = parseFormulaText(text);
  const keg = kegOf(path);
  const tap = tapOf(path);
  let name: string;
  let version: string;
  if (keg) {
    [name, version] = keg;
  } else {
    name = f.name ?? baseOf(path).replace(/\.rb$/, '');
    if (f.version === undefined) {
      ctx.warn(`Homebrew formula ${name}: no version line (a tap formula's version comes from its url); not reported`, file.location);
      return { packages: [] };
    }
    version = f.version;
  }
  const metadata: Record<string, unknown> = {};
  if (tap) metadata.tap = tap;
  if (f.homepage) metadata.homepage = f.homepage;
  return {
    packages: [
      langPackage({
        name,
        version,
        type: 'homebrew',
        purl: purlOrUndefined({ type: 'brew', name, version }),
        location: file.location,
        foundBy: CATALOGER,
        licenses: f.licenses,
        description: f.desc,
        metadata,
      }),
    ],
  };
}
