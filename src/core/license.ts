/**
 * Licence text → SPDX expression. A licence is normalised only when the result is certain:
 * exact SPDX expressions, case/punctuation variants that spdx-correct maps to the same words, and
 * Debian's short names (DEP-5 §"License specification": `GPL-2+` means "version 2 or later").
 * Anything else is kept exactly as found: never guessed.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// Both are CommonJS without ESM entry points.
const parseSpdx = require('spdx-expression-parse') as (s: string) => unknown;
const correctSpdx = require('spdx-correct') as (s: string, o?: { upgrade?: boolean }) => string | null;

/** Debian/common short names whose SPDX id is certain but which spdx-correct does not map (or maps too eagerly). */
const KNOWN: ReadonlyMap<string, string> = new Map(Object.entries({
  expat: 'MIT',
  'zlib/libpng': 'Zlib',
  'bsd-2-clause': 'BSD-2-Clause',
  'bsd-3-clause': 'BSD-3-Clause',
  'bsd-4-clause': 'BSD-4-Clause',
  isc: 'ISC',
  'cc0-1.0': 'CC0-1.0',
  cc0: 'CC0-1.0',
  'gfdl-1.2': 'GFDL-1.2-only',
  'gfdl-1.3': 'GFDL-1.3-only',
  'gfdl-1.2+': 'GFDL-1.2-or-later',
  'gfdl-1.3+': 'GFDL-1.3-or-later',
  'psf-2': 'PSF-2.0',
  'python-2.0': 'Python-2.0',
}));

/** GNU family ids that SPDX splits into -only / -or-later. */
const GNU = /^(a?gpl|lgpl|gfdl)-?(\d(?:\.\d)?)(\+)?$/i;

/** True when `text` parses as an SPDX licence expression. */
export function isSpdxExpression(text: string): boolean {
  try {
    parseSpdx(text);
    return true;
  } catch {
    return false;
  }
}

/** Words of a licence name, for "same name, other spelling" checks. */
function words(s: string): string {
  return s
    .toLowerCase()
    .replace(/-only$/, '')
    .replace(/-or-later$/, '+')
    .replace(/[^a-z0-9+]/g, '')
    .replace(/(\d)0(?=\+|$)/, '$1');
}

/** One licence name (no operators) → SPDX id, or undefined when not certain. */
function normalizeOne(name: string): string | undefined {
  const t = name.trim();
  if (t === '') return undefined;
  const known = KNOWN.get(t.toLowerCase());
  if (known !== undefined) return known;
  const gnu = GNU.exec(t);
  if (gnu) {
    const family = gnu[1]!.toUpperCase();
    const version = gnu[2]!.includes('.') ? gnu[2]! : `${gnu[2]!}.0`;
    const id = `${family}-${version}${gnu[3] ? '-or-later' : '-only'}`;
    return isSpdxExpression(id) ? id : undefined;
  }
  if (isSpdxExpression(t) && !/\s/.test(t)) return t;
  let corrected: string | null = null;
  try {
    corrected = correctSpdx(t);
  } catch {
    // spdx-correct throws on some inputs (e.g. '+'): then nothing is certain.
  }
  if (corrected !== null && words(corrected) === words(t)) return corrected;
  return undefined;
}

/**
 * Normalise licence text to an SPDX expression when that is certain; otherwise return the text as
 * found (trimmed, inner whitespace collapsed). Debian-style `or`/`and` and `,` lists are understood
 * when every part normalises.
 */
export function normalizeLicense(text: string): string {
  const cached = memo.get(text);
  if (cached !== undefined) return cached;
  const out = normalizeUncached(text);
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(text, out);
  return out;
}

/**
 * normalizeLicense is pure but spdx-correct costs ~1 ms per unknown name, and images repeat the same
 * few dozen names thousands of times: results are memoised (bounded; `clearLicenseCache` resets).
 */
const memo = new Map<string, string>();
const MEMO_MAX = 8192;

/** Drop memoised normalisations (tests, long-running embedders). */
export function clearLicenseCache(): void {
  memo.clear();
}

function normalizeUncached(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ');
  if (t === '') return t;
  const single = normalizeOne(t);
  if (single !== undefined) return single;
  if (isSpdxExpression(t)) return t;
  // Debian expressions: "GPL-2+ or Artistic-1.0", "LGPL-2.1+ and BSD-3-clause" (DEP-5 §7.2); a comma
  // list "A, B" means both apply, so it joins with AND.
  const parts = t.split(/\s+(or|and)\s+|\s*(,)\s*/i);
  if (parts.length > 1) {
    const out: string[] = [];
    for (let i = 0; i < parts.length; i += 3) {
      const id = normalizeOne(parts[i] ?? '');
      if (id === undefined) return t;
      out.push(id);
      const op = parts[i + 1] ?? parts[i + 2];
      if (op !== undefined) out.push(op === ',' ? 'AND' : op.toUpperCase());
    }
    const expr = out.join(' ');
    if (isSpdxExpression(expr)) return expr;
  }
  return t;
}

/**
 * Licences of a Debian machine-readable copyright file (DEP-5,
 * https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/): the short names of every
 * `License:` field, each split on `or`/`and`/`,` and normalised, distinct, in first-seen order.
 * Returns [] when the file is not machine-readable (no `Format:` header) — free-form copyright
 * files are not guessed at.
 */
export function licensesFromDebianCopyright(text: string): string[] {
  const lines = text.split(/\r?\n/);
  const head = lines.slice(0, 5).some((l) => /^Format:\s*\S/i.test(l));
  if (!head) return [];
  const out: string[] = [];
  const seen = new Set<string>();
  for (const line of lines) {
    const m = /^License:[ \t]*(.*)$/i.exec(line);
    if (!m) continue;
    const short = (m[1] ?? '').trim();
    if (short === '') continue;
    for (const part of short.split(/\s+or\s+|\s+and\s+|\s*,\s*/i)) {
      const p = part.trim();
      if (p === '' || /^(or|and)$/i.test(p)) continue;
      const norm = normalizeLicense(p);
      if (!seen.has(norm)) {
        seen.add(norm);
        out.push(norm);
      }
    }
  }
  return out;
}
