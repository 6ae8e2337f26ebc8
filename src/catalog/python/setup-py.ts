/**
 * setup.py, read statically as syft reads it (never executed): every Python string literal that is a
 * requirement pinned to one version (`"requests==2.31.0"`, `'pathlib3==2.2.0;python_version<"3.6"'`,
 * `" mypy == v0.770"`), and every line of a multi-line string that is one (the
 * `"""\ndjango==4.2.23\n""".split()` idiom). Ranges and unpinned names declare no installed version and
 * are skipped silently, like anything the file computes at run time (variables, `%`/`{}` templates).
 * Comments are skipped; a string that never ends makes the file incomplete.
 */
import type { Package } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { textOf } from '../lang-common.js';
import { normalizePythonName, pythonPackage } from './common.js';
import { classifyRequirement } from './requirements.js';

const CATALOGER = 'python-lock-cataloger';

/** The string literals of Python source, with the line each starts on (escapes left as written). */
export function pythonStringLiterals(src: string): { line: number; value: string; multiline: boolean }[] {
  const out: { line: number; value: string; multiline: boolean }[] = [];
  let line = 1;
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (c === '#') {
      const j = src.indexOf('\n', i);
      i = j < 0 ? n : j;
    } else if (c === '"' || c === "'") {
      // a prefix (r, b, u, f, rb, …) is part of the identifier run before the quote: the value is the same
      const triple = src.startsWith(c.repeat(3), i);
      const q = triple ? c.repeat(3) : c;
      let j = i + q.length;
      const start = j;
      const startLine = line;
      for (;;) {
        if (j >= n) throw new Error(`string starting on line ${startLine} never ends`);
        const d = src[j]!;
        if (d === '\\') {
          if (src[j + 1] === '\n') line++;
          j += 2;
          continue;
        }
        if (d === '\n') {
          if (!triple) throw new Error(`string starting on line ${startLine} never ends`);
          line++;
        }
        if (src.startsWith(q, j)) break;
        j++;
      }
      out.push({ line: startLine, value: src.slice(start, j), multiline: triple });
      i = j + q.length;
    } else i++;
  }
  return out;
}

/** A pinned requirement (`name[extras]==version[; markers]`) or undefined. */
function pinned(text: string): { name: string; version: string; markers?: string } | undefined {
  const t = text.trim();
  if (!t.includes('==') || /[%{}]/.test(t)) return undefined;
  const o = classifyRequirement(t);
  if (o.kind !== 'package' || o.url !== undefined || !/^v?\d/.test(o.version)) return undefined;
  return { name: o.name, version: o.version, ...(o.markers ? { markers: o.markers } : {}) };
}

export function parseSetupPy(file: CatalogFile, ctx: CatalogContext): ParseResult {
  let literals: ReturnType<typeof pythonStringLiterals>;
  try {
    literals = pythonStringLiterals(textOf(file.contents));
  } catch (err) {
    ctx.incomplete(`setup.py is not readable Python: ${(err as Error).message}`, file.location);
    return { packages: [] };
  }
  const packages: Package[] = [];
  const seen = new Set<string>();
  for (const lit of literals) {
    const candidates = lit.multiline ? lit.value.split('\n').map((text, k) => ({ text, line: lit.line + k })) : [{ text: lit.value, line: lit.line }];
    for (const { text, line } of candidates) {
      const r = pinned(text);
      if (!r) continue;
      const key = `${normalizePythonName(r.name)}@${r.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const metadata: Record<string, unknown> = { line };
      if (r.markers) metadata.markers = r.markers;
      packages.push(pythonPackage({ name: r.name, version: r.version, location: file.location, foundBy: CATALOGER, metadata }));
    }
  }
  return { packages };
}
