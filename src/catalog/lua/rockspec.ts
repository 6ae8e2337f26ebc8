/**
 * LuaRocks: `*.rockspec` (https://github.com/luarocks/luarocks/blob/main/docs/rockspec_format.md), a Lua file of
 * assignments that describes one rock:
 *
 *     local v = "2.0.1"
 *     package = "luasyslog"
 *     version = v .. "-1"
 *     description = { summary = "…", license = "MIT/X11", homepage = "…" }
 *     dependencies = { "lua >= 5.1", "lualogging >= 1.4.0, < 2.0.0" }
 *
 * It describes the rock itself, which is reported as the project (`metadata.project: 'root'`, README "The project
 * itself") with a `pkg:luarocks` purl as syft writes it. Read by a bounded reader of the Lua subset rockspecs use
 * (assignments, `local` strings, `..` concatenation, tables, long strings and comments), never run: an expression
 * it cannot evaluate (`(v == "dev") and "main" or nil`, a call) has no value, and a statement in another form
 * (`if`, `function`) makes the file incomplete. Dependencies are constraints, kept in metadata, not packages.
 * OSV has no LuaRocks ecosystem: a scan reports these as not covered.
 */
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { langPackage, projectMetadata, purlOrUndefined, textOf } from '../lang-common.js';

const CATALOGER = 'lua-rock-cataloger';
/** Real rockspecs are a few KB; Kong's, with hundreds of modules, 30 KB. */
const MAX_BYTES = 4 * 1024 * 1024;
const MAX_DEPTH = 64;
const MAX_TOKENS = 1_000_000;
const MAX_DEPENDENCIES = 10_000;

/** A value the reader could work out: a string (numbers too), a table, or `undefined` for anything else. */
export type LuaValue = string | LuaTable | undefined;
export interface LuaTable {
  fields: Map<string, LuaValue>;
  items: LuaValue[];
}

export class LuaError extends Error {}

type Token = { kind: 'name' | 'string' | 'number' | 'symbol'; text: string; at: number };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new LuaError(`${why} at offset ${i}`);
  };
  /** `[[…]]` / `[==[…]==]` at i: its text, or undefined when i is not at a long bracket. */
  const longBracket = (): string | undefined => {
    const m = /\[(=*)\[/y;
    m.lastIndex = i;
    const open = m.exec(text);
    if (!open) return undefined;
    const close = `]${open[1]}]`;
    const end = text.indexOf(close, m.lastIndex);
    if (end < 0) fail('unterminated long string');
    const body = text.slice(m.lastIndex, end).replace(/^\r?\n/, '');
    i = end + close.length;
    return body;
  };
  const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
  const NUMBER = /0[xX][0-9A-Fa-f]+|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?/y;
  while (i < text.length) {
    if (out.length > MAX_TOKENS) fail(`more than ${MAX_TOKENS} tokens`);
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    if (c === '-' && text[i + 1] === '-') {
      i += 2;
      if (longBracket() === undefined) {
        const nl = text.indexOf('\n', i);
        i = nl < 0 ? text.length : nl + 1;
      }
      continue;
    }
    // a first line `#!/usr/bin/env lua` is skipped by Lua itself
    if (c === '#' && i === 0 && text[1] === '!') {
      const nl = text.indexOf('\n');
      i = nl < 0 ? text.length : nl + 1;
      continue;
    }
    const at = i;
    if (c === '"' || c === "'") {
      let s = '';
      for (i++; ; i++) {
        const d = text[i];
        if (d === undefined || d === '\n') fail('unterminated string');
        if (d === c) break;
        if (d === '\\') {
          const e = text[++i];
          const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', '"': '"', "'": "'", '\n': '\n' };
          if (e !== undefined && Object.hasOwn(map, e)) s += map[e];
          else if (e !== undefined && /\d/.test(e)) {
            const m = /\d{1,3}/y;
            m.lastIndex = i;
            const digits = m.exec(text)![0];
            s += String.fromCharCode(Number(digits) & 0xff);
            i += digits.length - 1;
          } else fail('unknown escape in a string');
        } else s += d;
      }
      i++;
      out.push({ kind: 'string', text: s, at });
      continue;
    }
    if (c === '[' && (text[i + 1] === '[' || text[i + 1] === '=')) {
      const s = longBracket();
      if (s !== undefined) {
        out.push({ kind: 'string', text: s, at });
        continue;
      }
    }
    NAME.lastIndex = i;
    const name = NAME.exec(text);
    if (name) {
      i = NAME.lastIndex;
      out.push({ kind: 'name', text: name[0], at });
      continue;
    }
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(text);
    if (num) {
      i = NUMBER.lastIndex;
      out.push({ kind: 'number', text: num[0], at });
      continue;
    }
    const sym = /\.\.\.|\.\.|==|~=|<=|>=|::|\/\/|<<|>>|[{}()[\]=,;.<>+\-*/%^#:&|~]/y;
    sym.lastIndex = i;
    const s = sym.exec(text);
    if (!s) fail(`unexpected ${JSON.stringify(c)}`);
    i = sym.lastIndex;
    out.push({ kind: 'symbol', text: s![0], at });
  }
  return out;
}

const BINARY = new Set(['..', '==', '~=', '<=', '>=', '<', '>', '+', '-', '*', '/', '//', '%', '^', '&', '|', '~', '<<', '>>', 'and', 'or']);
const STATEMENT_WORDS = new Set(['if', 'for', 'while', 'repeat', 'function', 'return', 'do', 'goto', 'break']);

/** The global assignments of a rockspec, evaluated as far as strings, tables, locals and `..` go. */
export function parseRockspecText(text: string): Map<string, LuaValue> {
  const tokens = tokenize(text);
  let p = 0;
  const globals = new Map<string, LuaValue>();
  const locals = new Map<string, LuaValue>();
  const peek = (): Token | undefined => tokens[p];
  const fail = (why: string): never => {
    const t = tokens[p];
    throw new LuaError(`${why} at offset ${t?.at ?? text.length}`);
  };
  const is = (t: Token | undefined, kind: Token['kind'], s?: string): boolean => t !== undefined && t.kind === kind && (s === undefined || t.text === s);
  const expect = (s: string): void => {
    if (!is(peek(), 'symbol', s)) fail(`expected ${JSON.stringify(s)}`);
    p++;
  };
  /** Skip a balanced `(…)`, `[…]` or `{…}` starting at p. */
  const skipBalanced = (): void => {
    const open = peek()!.text;
    const close = open === '(' ? ')' : open === '[' ? ']' : '}';
    let depth = 0;
    for (; p < tokens.length; p++) {
      const t = tokens[p]!;
      if (t.kind !== 'symbol') continue;
      if (t.text === open) depth++;
      else if (t.text === close && --depth === 0) {
        p++;
        return;
      }
    }
    fail(`unbalanced ${JSON.stringify(open)}`);
  };
  const table = (depth: number): LuaTable => {
    expect('{');
    const t: LuaTable = { fields: new Map(), items: [] };
    for (;;) {
      if (is(peek(), 'symbol', '}')) {
        p++;
        return t;
      }
      if (is(peek(), 'name') && is(tokens[p + 1], 'symbol', '=')) {
        const key = peek()!.text;
        p += 2;
        t.fields.set(key, expr(depth + 1));
      } else if (is(peek(), 'symbol', '[')) {
        p++;
        const key = expr(depth + 1);
        expect(']');
        expect('=');
        const v = expr(depth + 1);
        if (typeof key === 'string') t.fields.set(key, v);
      } else t.items.push(expr(depth + 1));
      if (is(peek(), 'symbol', ',') || is(peek(), 'symbol', ';')) p++;
      else if (!is(peek(), 'symbol', '}')) fail('expected "," or "}" in a table');
    }
  };
  const primary = (depth: number): LuaValue => {
    if (depth > MAX_DEPTH) fail(`expressions nested deeper than ${MAX_DEPTH}`);
    const t = peek();
    if (t === undefined) return fail('unexpected end of file');
    let v: LuaValue;
    if (t.kind === 'string' || t.kind === 'number') {
      p++;
      v = t.text;
    } else if (is(t, 'symbol', '{')) v = table(depth + 1);
    else if (is(t, 'symbol', '(')) {
      skipBalanced();
      v = undefined;
    } else if (is(t, 'symbol', '-') || is(t, 'symbol', '#') || is(t, 'name', 'not')) {
      p++;
      primary(depth + 1);
      v = undefined;
    } else if (t.kind === 'name' && !STATEMENT_WORDS.has(t.text)) {
      p++;
      v = locals.has(t.text) ? locals.get(t.text) : globals.get(t.text);
      if (t.text === 'nil' || t.text === 'true' || t.text === 'false') v = undefined;
    } else return fail(`unexpected ${JSON.stringify(t.text)}`);
    // field access, indexing and calls: not evaluated
    for (;;) {
      const n = peek();
      if (is(n, 'symbol', '.') || is(n, 'symbol', ':')) {
        p++;
        if (!is(peek(), 'name')) fail('expected a name after "."');
        p++;
        v = undefined;
      } else if (is(n, 'symbol', '(') || is(n, 'symbol', '[')) {
        skipBalanced();
        v = undefined;
      } else if (n?.kind === 'string' || is(n, 'symbol', '{')) {
        // f"…" / f{…}: a call
        if (n!.kind === 'string') p++;
        else table(depth + 1);
        v = undefined;
      } else return v;
    }
  };
  const expr = (depth: number): LuaValue => {
    let v = primary(depth);
    while (peek() !== undefined && BINARY.has(peek()!.text) && (peek()!.kind === 'symbol' || peek()!.kind === 'name')) {
      const op = tokens[p++]!.text;
      const w = primary(depth + 1);
      v = op === '..' && typeof v === 'string' && typeof w === 'string' ? v + w : undefined;
    }
    return v;
  };
  while (p < tokens.length) {
    const t = peek()!;
    if (is(t, 'symbol', ';')) {
      p++;
      continue;
    }
    if (is(t, 'name', 'local')) {
      p++;
      const names: string[] = [];
      do {
        if (!is(peek(), 'name')) fail('expected a name after "local"');
        names.push(tokens[p++]!.text);
      } while (is(peek(), 'symbol', ',') && ++p);
      const values: LuaValue[] = [];
      if (is(peek(), 'symbol', '=')) {
        p++;
        values.push(expr(0));
        while (is(peek(), 'symbol', ',')) {
          p++;
          values.push(expr(0));
        }
      }
      names.forEach((n, k) => locals.set(n, values[k]));
      continue;
    }
    if (t.kind !== 'name' || STATEMENT_WORDS.has(t.text)) fail(`a statement custody does not read (${JSON.stringify(t.text)})`);
    p++;
    let target: string | undefined = t.text;
    while (is(peek(), 'symbol', '.') || is(peek(), 'symbol', '[')) {
      // `build.platforms.linux = …`: an assignment into a table, not read
      if (is(peek(), 'symbol', '.')) p += 2;
      else skipBalanced();
      target = undefined;
    }
    expect('=');
    const v = expr(0);
    if (target !== undefined) {
      if (locals.has(target)) locals.set(target, v);
      else globals.set(target, v);
    }
  }
  return globals;
}

const str = (v: LuaValue): string | undefined => (typeof v === 'string' ? v : undefined);
const field = (v: LuaValue, key: string): LuaValue => (typeof v === 'object' ? v.fields.get(key) : undefined);

export function parseRockspec(file: CatalogFile, ctx: CatalogContext): ParseResult {
  if (file.contents.length > MAX_BYTES) {
    ctx.incomplete(`rockspec is ${file.contents.length} bytes, over the ${MAX_BYTES} read`);
    return { packages: [] };
  }
  const text = textOf(file.contents);
  if (text.trim() === '') {
    ctx.warn('empty rockspec', file.location);
    return { packages: [] };
  }
  let g: Map<string, LuaValue>;
  try {
    g = parseRockspecText(text);
  } catch (err) {
    if (err instanceof LuaError) throw new Error(`rockspec is not Lua custody can read: ${err.message}`, { cause: err });
    throw err;
  }
  const name = str(g.get('package'));
  if (name === undefined || name.trim() === '') throw new Error('rockspec has no package name');
  const version = str(g.get('version')) ?? '';
  if (version === '') ctx.warn(`rockspec of ${name}: no version it can read; reported without one`, file.location);
  const description = g.get('description');
  const license = str(field(description, 'license'));
  const deps = g.get('dependencies');
  const dependencies = typeof deps === 'object' ? deps.items.map(str).filter((d): d is string => d !== undefined).slice(0, MAX_DEPENDENCIES) : [];
  const homepage = str(field(description, 'homepage'));
  const sourceUrl = str(field(g.get('source'), 'url'));
  return {
    packages: [
      langPackage({
        name,
        version,
        type: 'lua-rocks',
        purl: purlOrUndefined({ type: 'luarocks', name, version }),
        location: file.location,
        foundBy: CATALOGER,
        licenses: license ? [license] : [],
        description: str(field(description, 'summary'))?.trim(),
        metadata: projectMetadata('root', {
          ...(homepage ? { homepage } : {}),
          ...(sourceUrl ? { sourceUrl } : {}),
          ...(dependencies.length > 0 ? { dependencies } : {}),
        }),
      }),
    ],
  };
}
