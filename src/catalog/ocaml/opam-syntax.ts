/**
 * A bounded reader of opam's file format (https://opam.ocaml.org/doc/Manual.html#Common-file-format):
 * `field: value` items and `section ["name"] { items }`, values made of strings (`"…"`, `"""…"""`),
 * idents, operators, lists `[…]`, option braces `{…}` and parentheses; `#` and nested `(* *)` comments.
 * Nothing is evaluated. Nesting over 64 levels, an unterminated string or comment, or a character the
 * format does not have is an error (the caller marks the file incomplete).
 */

export type OpamToken =
  | { t: 'str'; v: string }
  | { t: 'id'; v: string }
  | { t: 'op'; v: string };

export interface OpamItems {
  /** Top-level fields by name (the first one of each name), as their value's tokens. */
  fields: Map<string, OpamToken[]>;
  /** Sections by kind (`url`, `extra-source`): their own fields. */
  sections: Map<string, Map<string, OpamToken[]>[]>;
}

const MAX_TOKENS = 500_000;
const MAX_DEPTH = 64;

export function tokenizeOpam(text: string): OpamToken[] {
  const out: OpamToken[] = [];
  let i = 0;
  const n = text.length;
  const push = (tok: OpamToken): void => {
    if (out.length >= MAX_TOKENS) throw new Error(`opam file has over ${MAX_TOKENS} tokens`);
    out.push(tok);
  };
  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '(' && text[i + 1] === '*') {
      let depth = 0;
      do {
        if (i >= n) throw new Error('unterminated (* comment');
        if (text[i] === '(' && text[i + 1] === '*') {
          if (++depth > MAX_DEPTH) throw new Error('comments nested too deep');
          i += 2;
        } else if (text[i] === '*' && text[i + 1] === ')') {
          depth--;
          i += 2;
        } else i++;
      } while (depth > 0);
    } else if (c === '"') {
      if (text.startsWith('"""', i)) {
        const end = text.indexOf('"""', i + 3);
        if (end < 0) throw new Error('unterminated """ string');
        push({ t: 'str', v: text.slice(i + 3, end) });
        i = end + 3;
      } else {
        let v = '';
        i++;
        for (;;) {
          if (i >= n) throw new Error('unterminated string');
          const d = text[i]!;
          if (d === '"') break;
          if (d === '\\' && i + 1 < n) {
            const e = text[i + 1]!;
            v += e === 'n' ? '\n' : e === 't' ? '\t' : e === '\n' ? '' : e;
            i += 2;
          } else {
            v += d;
            i++;
          }
        }
        i++;
        push({ t: 'str', v });
      }
    } else if ('[]{}():'.includes(c) && !(c === ':' && text[i + 1] === '=')) {
      push({ t: 'op', v: c });
      i++;
    } else {
      const m = /^(?:[A-Za-z0-9_][A-Za-z0-9_+.-]*(?::[A-Za-z_][A-Za-z0-9_+.-]*)?|!=|<=|>=|\+=|=\+|:=|=:|==|[=<>&|!?+-])/.exec(text.slice(i, i + 256));
      if (!m) throw new Error(`unexpected character ${JSON.stringify(c)} at offset ${i}`);
      push(/^[A-Za-z0-9_]/.test(m[0]) ? { t: 'id', v: m[0] } : { t: 'op', v: m[0] });
      i += m[0].length;
    }
  }
  return out;
}

const isOp = (tok: OpamToken | undefined, v: string): boolean => tok?.t === 'op' && tok.v === v;

/** Items from `start` until a closing `}` (inside a section) or the end; returns the index after them. */
function readItems(tokens: readonly OpamToken[], start: number, inSection: boolean, items: OpamItems, depth: number): number {
  if (depth > MAX_DEPTH) throw new Error('sections nested too deep');
  let i = start;
  while (i < tokens.length) {
    const tok = tokens[i]!;
    if (inSection && isOp(tok, '}')) return i + 1;
    if (tok.t !== 'id') throw new Error(`expected a field name, found ${JSON.stringify(tok.v.slice(0, 40))}`);
    if (isOp(tokens[i + 1], ':')) {
      // the value runs until the next `ident:` / section at bracket depth 0
      let j = i + 2;
      let nest = 0;
      while (j < tokens.length) {
        const t = tokens[j]!;
        if (nest === 0) {
          if (inSection && isOp(t, '}')) break;
          if (t.t === 'id' && (isOp(tokens[j + 1], ':') || isOp(tokens[j + 1], '{') || (tokens[j + 1]?.t === 'str' && isOp(tokens[j + 2], '{')))) break;
        }
        if (isOp(t, '[') || isOp(t, '{') || isOp(t, '(')) {
          if (++nest > MAX_DEPTH) throw new Error(`values nested over ${MAX_DEPTH} levels`);
        } else if (isOp(t, ']') || isOp(t, '}') || isOp(t, ')')) {
          if (--nest < 0) throw new Error(`unbalanced ${JSON.stringify(t.v)}`);
        }
        j++;
      }
      if (nest !== 0) throw new Error('unbalanced brackets');
      if (!items.fields.has(tok.v)) items.fields.set(tok.v, tokens.slice(i + 2, j));
      i = j;
    } else if (isOp(tokens[i + 1], '{') || (tokens[i + 1]?.t === 'str' && isOp(tokens[i + 2], '{'))) {
      const inner: OpamItems = { fields: new Map(), sections: new Map() };
      i = readItems(tokens, i + (isOp(tokens[i + 1], '{') ? 2 : 3), true, inner, depth + 1);
      items.sections.set(tok.v, [...(items.sections.get(tok.v) ?? []), inner.fields]);
    } else throw new Error(`field ${JSON.stringify(tok.v.slice(0, 40))} has no ':'`);
  }
  if (inSection) throw new Error('unterminated section');
  return i;
}

export function parseOpamItems(text: string): OpamItems {
  const items: OpamItems = { fields: new Map(), sections: new Map() };
  readItems(tokenizeOpam(text), 0, false, items, 0);
  return items;
}

/** The strings of a value outside option braces `{…}`: a string field's one string, a list's strings (`depends` names). */
export function opamStrings(value: readonly OpamToken[] | undefined): string[] {
  const out: string[] = [];
  let braces = 0;
  for (const t of value ?? []) {
    if (isOp(t, '{')) braces++;
    else if (isOp(t, '}')) braces--;
    else if (t.t === 'str' && braces === 0) out.push(t.v);
  }
  return out;
}
