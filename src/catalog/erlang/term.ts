/**
 * A bounded reader of Erlang terms as `file:consult/1` reads them (rebar.lock, OTP `.app` files): tuples `{…}`,
 * lists `[…]`, maps `#{K => V}` (read as a tuple of keys and values), binaries `<<"…">>`, strings `"…"`, atoms
 * (`pkg`, `'quoted atom'`), numbers and characters (`$a`); each term ends with `.`; `%` starts a comment.
 * Enough for the data files rebar3 and OTP applications hold, never an evaluator.
 */

export type Term =
  | { kind: 'tuple'; items: Term[] }
  | { kind: 'list'; items: Term[] }
  | { kind: 'binary'; value: string }
  | { kind: 'string'; value: string }
  | { kind: 'atom'; value: string }
  | { kind: 'number'; value: string };

const MAX_DEPTH = 64;
const MAX_TERMS = 2_000_000;

export class TermError extends Error {}

/** Every term of the text (each ended by `.`); throws TermError naming the offset of the first fault. */
export function parseTerms(text: string): Term[] {
  let i = 0;
  let count = 0;
  const fail = (why: string): never => {
    throw new TermError(`${why} at offset ${i}`);
  };
  const skip = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x25 /* % */) {
        const nl = text.indexOf('\n', i);
        i = nl < 0 ? text.length : nl + 1;
      } else if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const quoted = (q: string): string => {
    // i is at the opening quote; one pass, an escape keeps the character after the backslash
    const parts: string[] = [];
    let from = ++i;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === '\\') {
        parts.push(text.slice(from, i), text[i + 1] ?? '');
        from = ++i + 1;
      } else if (c === q) {
        parts.push(text.slice(from, i));
        i++;
        return parts.join('');
      }
    }
    return fail(`unterminated ${q === '"' ? 'string' : 'atom'}`);
  };
  const items = (close: string, depth: number): Term[] => {
    const out: Term[] = [];
    skip();
    if (text[i] === close) {
      i++;
      return out;
    }
    for (;;) {
      out.push(term(depth + 1));
      skip();
      const c = text[i];
      if (c === ',') {
        i++;
        continue;
      }
      if (c === close) {
        i++;
        return out;
      }
      // an improper list tail `[H | T]` is not something rebar writes
      return fail(`expected "," or "${close}"`);
    }
  };
  const term = (depth: number): Term => {
    if (depth > MAX_DEPTH) fail(`terms nested deeper than ${MAX_DEPTH}`);
    if (++count > MAX_TERMS) fail(`more than ${MAX_TERMS} terms`);
    skip();
    const c = text[i];
    if (c === '{') {
      i++;
      return { kind: 'tuple', items: items('}', depth) };
    }
    if (c === '[') {
      i++;
      return { kind: 'list', items: items(']', depth) };
    }
    if (c === '<' && text[i + 1] === '<') {
      i += 2;
      skip();
      let value = '';
      if (text[i] === '"') {
        value = quoted('"');
        skip();
      }
      if (text[i] !== '>' || text[i + 1] !== '>') fail('expected ">>"');
      i += 2;
      return { kind: 'binary', value };
    }
    if (c === '#' && text[i + 1] === '{') {
      // a map (an application's env may hold one): its keys and values in order; `=>` and `:=` separate them
      i += 2;
      const out: Term[] = [];
      skip();
      if (text[i] === '}') {
        i++;
        return { kind: 'tuple', items: out };
      }
      for (;;) {
        out.push(term(depth + 1));
        skip();
        if (!(text.startsWith('=>', i) || text.startsWith(':=', i))) fail('expected "=>" in a map');
        i += 2;
        out.push(term(depth + 1));
        skip();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return { kind: 'tuple', items: out };
        } else fail('expected "," or "}" in a map');
      }
    }
    if (c === '$' && i + 1 < text.length) {
      // a character: `$a`, `$\n`
      const ch = text[i + 1] === '\\' ? text.slice(i + 1, i + 3) : text[i + 1]!;
      i += 1 + ch.length;
      return { kind: 'number', value: String(ch.codePointAt(ch.length - 1)) };
    }
    if (c === '"') return { kind: 'string', value: quoted('"') };
    if (c === "'") return { kind: 'atom', value: quoted("'") };
    const m = /[a-z][A-Za-z0-9_@]*|-?\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = i;
    const word = m.exec(text);
    if (!word) return fail(c === undefined ? 'unexpected end of file' : `unexpected ${JSON.stringify(c)}`);
    i = m.lastIndex;
    return /^[a-z]/.test(word[0]) ? { kind: 'atom', value: word[0] } : { kind: 'number', value: word[0] };
  };
  const out: Term[] = [];
  for (;;) {
    skip();
    if (i >= text.length) return out;
    out.push(term(0));
    skip();
    if (text[i] !== '.') fail('expected "." after a term');
    i++;
  }
}

/** The text of a binary, string or atom term; undefined for anything else. */
export function textOfTerm(t: Term | undefined): string | undefined {
  return t && (t.kind === 'binary' || t.kind === 'string' || t.kind === 'atom') ? t.value : undefined;
}

/** The items of a tuple or list term; [] for anything else. */
export function itemsOf(t: Term | undefined): Term[] {
  return t && (t.kind === 'tuple' || t.kind === 'list') ? t.items : [];
}
