/**
 * SWI-Prolog packs: `pack.pl` (https://www.swi-prolog.org/howto/PackInfo.md), Prolog facts that describe one pack:
 *
 *     name(hdt).
 *     version('0.5.2').
 *     title('Access RDF HDT files').
 *     author( 'Jan Wielemaker', 'J.Wielemaker@vu.nl' ).
 *     home( 'https://github.com/JanWielemaker/hdt' ).
 *     requires(prolog >= 9.1.22).
 *
 * Read by a bounded reader of Prolog terms (atoms, quoted atoms and strings, numbers, variables, lists, compound
 * terms, operators kept as text; `%` and block comments), never consulted. A pack's source tree (a project with
 * pack.pl at its root) is the project itself (`metadata.project: 'root'`); an installed pack
 * (`…/pack/<name>/pack.pl`, where `pack_install` puts them) is a package. `pkg:swiplpack/<name>@<version>` as syft
 * writes it. OSV has no SWI-Prolog ecosystem: a scan reports these as not covered.
 */
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { baseOf, dirOf, langPackage, projectMetadata, purlOrUndefined, textOf } from '../lang-common.js';

const CATALOGER = 'swipl-pack-cataloger';
/** Real pack.pl files are under 2 KB. */
const MAX_BYTES = 1024 * 1024;
const MAX_DEPTH = 64;
const MAX_CLAUSES = 10_000;
const MAX_LIST = 10_000;

/** A term: an atom, string or number as its text; a compound (lists are `'[|]'`-free arrays); an operator expression as its text. */
export type Term = string | { functor: string; args: Term[] } | Term[];

export class PrologError extends Error {}

type Token = { kind: 'atom' | 'qatom' | 'string' | 'number' | 'var' | 'punct' | 'end'; text: string; at: number; end?: number; open?: boolean };

const SYMBOL_CHARS = '+-*/\\^<>=~:.?@#&$';
const SOLO = new Set(['!', ',', '|', ';']);

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new PrologError(`${why} at offset ${i}`);
  };
  const quoted = (q: string): string => {
    let s = '';
    i++;
    for (;;) {
      if (i >= text.length) fail(`unterminated ${q}…${q}`);
      const c = text[i]!;
      if (c === q) {
        if (text[i + 1] === q) {
          s += q;
          i += 2;
          continue;
        }
        i++;
        return s;
      }
      if (c === '\\') {
        const n = text[i + 1];
        if (n === undefined) fail('escape at end of text');
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0', e: '\x1b', s: ' ', '\\': '\\', "'": "'", '"': '"', '`': '`', '\n': '' };
        if (n! in simple) {
          s += simple[n!];
          i += 2;
          continue;
        }
        const m = /^x([0-9a-fA-F]+)\\?|^([0-7]+)\\?/.exec(text.slice(i + 1, i + 12));
        if (m) {
          const code = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2]!, 8);
          s += code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
          i += 1 + m[0].length;
          continue;
        }
        fail(`unknown escape \\${n}`);
      }
      s += c;
      i++;
    }
  };
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '%') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl + 1;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) fail('unterminated comment');
      i = end + 2;
      continue;
    }
    const at = i;
    // a `(` right after a name opens its arguments (functional notation); after a space it is a parenthesis
    const opens = (): boolean => text[i] === '(';
    if (/[a-z]/.test(c)) {
      const m = /[A-Za-z0-9_]*/y;
      m.lastIndex = i;
      const name = m.exec(text)![0];
      i += name.length;
      out.push({ kind: 'atom', text: name, at, end: i, open: opens() });
    } else if (/[A-Z_]/.test(c)) {
      const m = /[A-Za-z0-9_]*/y;
      m.lastIndex = i;
      const name = m.exec(text)![0];
      i += name.length;
      out.push({ kind: 'var', text: name, at, end: i });
    } else if (/[0-9]/.test(c)) {
      const m = /0'(?:\\.|.)|0x[0-9a-fA-F]+|0o[0-7]+|0b[01]+|\d+(?:_\d+)*(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
      m.lastIndex = i;
      const n = m.exec(text)![0];
      i += n.length;
      out.push({ kind: 'number', text: n, at, end: i });
    } else if (c === "'") {
      const s = quoted("'");
      out.push({ kind: 'qatom', text: s, at, end: i, open: opens() });
    } else if (c === '"' || c === '`') {
      out.push({ kind: 'string', text: quoted(c), at, end: i });
    } else if ('()[]{},|'.includes(c) || SOLO.has(c)) {
      i++;
      out.push({ kind: 'punct', text: c, at, end: i });
    } else if (SYMBOL_CHARS.includes(c)) {
      let j = i;
      while (j < text.length && SYMBOL_CHARS.includes(text[j]!)) j++;
      const sym = text.slice(i, j);
      // the end of a clause: a lone `.` followed by layout, `%` or the end of the text
      if (sym === '.' && (j >= text.length || /\s|%/.test(text[j]!))) {
        i = j;
        out.push({ kind: 'end', text: '.', at, end: i });
        continue;
      }
      i = j;
      out.push({ kind: 'atom', text: sym, at, end: i, open: opens() });
    } else {
      fail(`unexpected character ${JSON.stringify(c)}`);
    }
  }
  return out;
}

/** The clauses of a Prolog text, each a term. */
export function readPrologClauses(text: string): Term[] {
  const tokens = tokenize(text);
  let p = 0;
  const fail = (why: string): never => {
    throw new PrologError(`${why} at offset ${tokens[p]?.at ?? text.length}`);
  };
  const peek = (): Token | undefined => tokens[p];
  const isPunct = (t: Token | undefined, s: string): boolean => t !== undefined && t.kind === 'punct' && t.text === s;
  const expect = (s: string): void => {
    if (!isPunct(peek(), s)) fail(`expected "${s}"`);
    p++;
  };

  /** One argument: primaries joined by operators up to a `,`, `|` or closing bracket (arg) or the clause's end. */
  const term = (depth: number, stopAtComma: boolean): Term => {
    if (depth > MAX_DEPTH) fail(`terms nested deeper than ${MAX_DEPTH}`);
    const parts: Term[] = [];
    const from = peek()?.at ?? 0;
    for (;;) {
      const t = peek();
      if (t === undefined || t.kind === 'end') break;
      if (t.kind === 'punct' && (t.text === ')' || t.text === ']' || t.text === '}' || (stopAtComma && (t.text === ',' || t.text === '|')))) break;
      parts.push(primary(depth));
    }
    if (parts.length === 0) fail('expected a term');
    // an operator expression (`prolog >= 9.1.22`, `a:b`): its text as written
    return parts.length === 1 ? parts[0]! : text.slice(from, tokens[p - 1]!.end ?? from).trim();
  };
  const args = (depth: number, close: string): Term[] => {
    const out: Term[] = [];
    if (isPunct(peek(), close)) return out;
    for (;;) {
      out.push(term(depth + 1, true));
      if (out.length > MAX_LIST) fail(`more than ${MAX_LIST} items`);
      if (isPunct(peek(), ',')) {
        p++;
        continue;
      }
      if (close === ']' && isPunct(peek(), '|')) {
        p++;
        term(depth + 1, true);
      }
      return out;
    }
  };
  const primary = (depth: number): Term => {
    const t = tokens[p++]!;
    switch (t.kind) {
      case 'atom':
      case 'qatom':
        if (t.open) {
          p++;
          const a = args(depth, ')');
          expect(')');
          return { functor: t.text, args: a };
        }
        return t.text;
      case 'string':
      case 'number':
        return t.text;
      case 'var':
        // a variable is not a value: `name(X)` names no pack
        return { functor: '$VAR', args: [t.text] };
      case 'punct':
        if (t.text === '(') {
          const inner = term(depth + 1, false);
          expect(')');
          return inner;
        }
        if (t.text === '[') {
          const items = args(depth, ']');
          expect(']');
          return items;
        }
        if (t.text === '{') {
          const inner = isPunct(peek(), '}') ? '' : term(depth + 1, false);
          expect('}');
          return { functor: '{}', args: [inner] };
        }
        // `,`, `|`, `;`, `!` between primaries: an operator, kept as text
        return t.text;
      default:
        return fail('unexpected end of clause');
    }
  };

  const clauses: Term[] = [];
  while (p < tokens.length) {
    if (clauses.length >= MAX_CLAUSES) fail(`more than ${MAX_CLAUSES} clauses`);
    const c = term(0, false);
    if (peek()?.kind !== 'end') fail('a clause without its closing "."');
    p++;
    clauses.push(c);
  }
  return clauses;
}

const textOfTerm = (t: Term | undefined): string | undefined => (typeof t === 'string' ? t : undefined);

export function parsePackPl(file: CatalogFile, ctx: CatalogContext): ParseResult {
  if (file.contents.length > MAX_BYTES) {
    ctx.incomplete(`pack.pl is ${file.contents.length} bytes, over the ${MAX_BYTES} read`);
    return { packages: [] };
  }
  const text = textOf(file.contents);
  let clauses: Term[];
  try {
    clauses = readPrologClauses(text);
  } catch (err) {
    if (!(err instanceof PrologError)) throw err;
    // other programs name a file pack.pl too: without a name(…) fact it is not a pack description
    if (!/\bname\s*\(/.test(text)) {
      ctx.warn(`pack.pl is not a pack description (${err.message}); skipped`, file.location);
      return { packages: [] };
    }
    throw new Error(`pack.pl is not Prolog custody can read: ${err.message}`, { cause: err });
  }
  const facts = new Map<string, Term[][]>();
  for (const c of clauses) {
    if (typeof c === 'object' && !Array.isArray(c)) facts.set(c.functor, [...(facts.get(c.functor) ?? []), c.args]);
  }
  const one = (key: string): string | undefined => {
    const a = facts.get(key)?.[0];
    return a?.length === 1 ? textOfTerm(a[0]) : undefined;
  };
  if (!facts.has('name')) {
    ctx.warn('pack.pl has no name(…) fact: not a pack description; skipped', file.location);
    return { packages: [] };
  }
  const name = one('name');
  if (name === undefined || name.trim() === '') throw new Error('pack.pl: name(…) is not one atom');
  const version = one('version') ?? '';
  if (version === '') ctx.warn(`pack ${name}: no version(…) fact; reported without a version`, file.location);
  const person = (key: string): { name: string; contact?: string }[] =>
    (facts.get(key) ?? []).flatMap((a) => {
      const n = textOfTerm(a[0]);
      const contact = textOfTerm(a[1]);
      return n === undefined ? [] : [{ name: n, ...(contact ? { contact } : {}) }];
    });
  const all = (key: string): string[] => (facts.get(key) ?? []).map((a) => (a.length === 1 ? textOfTerm(a[0]) : undefined)).filter((s): s is string => s !== undefined);
  const metadata: Record<string, unknown> = {};
  const home = one('home');
  const download = one('download');
  const authors = person('author');
  const packagers = person('packager');
  const maintainers = person('maintainer');
  const requires = all('requires');
  if (home) metadata['homepage'] = home;
  if (download) metadata['download'] = download;
  if (authors.length > 0) metadata['authors'] = authors;
  if (maintainers.length > 0) metadata['maintainers'] = maintainers;
  if (packagers.length > 0) metadata['packagers'] = packagers;
  if (requires.length > 0) metadata['requires'] = requires;
  // installed by pack_install: <pack directory>/pack/<name>/pack.pl; anywhere else it is a pack's source tree
  const installed = baseOf(dirOf(dirOf(file.location.path))) === 'pack';
  const license = one('license');
  return {
    packages: [
      langPackage({
        name,
        version,
        type: 'swiplpack',
        purl: purlOrUndefined({ type: 'swiplpack', name, version }),
        location: file.location,
        foundBy: CATALOGER,
        licenses: license ? [license] : [],
        description: one('title'),
        supplier: authors[0]?.name,
        metadata: installed ? metadata : projectMetadata('root', metadata),
      }),
    ],
  };
}
