/**
 * PEAR and PECL packages installed with the `pear` / `pecl` tools: their registry, one PHP-serialized
 * array per package in `<php dir>/.registry/<name>.reg` (channel pear.php.net) or
 * `.registry/.channel.<channel>/<name>.reg` (pecl.php.net, __uri, …), as the official PHP images and
 * Debian's php-pear keep them (`/usr/local/lib/php/.registry`, `/usr/share/php/.registry`).
 * The array holds `name`, `channel`, `version` ({release, api}, or a string in the old format) and
 * `license` ({_content, attribs}, or a string). Read with a bounded subset of PHP's unserialize
 * (null, bool, int, float, string, array, object): never evaluated.
 */
import { buildPurl } from '../../core/ecosystem.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { langPackage } from '../lang-common.js';

export type PhpValue = null | boolean | number | string | Map<string, PhpValue>;

const MAX_DEPTH = 64;
const MAX_NODES = 1_000_000;

/**
 * PHP's serialize() format (https://www.php.net/manual/en/function.serialize.php), strings as bytes
 * decoded as UTF-8, array and object keys as strings. Throws on anything else or trailing bytes.
 */
export function phpUnserialize(buf: Buffer): PhpValue {
  let pos = 0;
  let nodes = 0;
  const fail = (what: string): never => {
    throw new Error(`not PHP-serialized data: ${what} at byte ${pos}`);
  };
  const expect = (s: string): void => {
    if (buf.toString('latin1', pos, pos + s.length) !== s) fail(`expected ${JSON.stringify(s)}`);
    pos += s.length;
  };
  const until = (end: string, max: number): string => {
    const i = buf.indexOf(end, pos, 'latin1');
    if (i < 0 || i - pos > max) fail(`no ${JSON.stringify(end)}`);
    const s = buf.toString('latin1', pos, i);
    pos = i + 1;
    return s;
  };
  const count = (end: string): number => {
    const s = until(end, 10);
    if (!/^\d+$/.test(s)) fail('a bad length');
    return Number(s);
  };
  const value = (depth: number): PhpValue => {
    if (++nodes > MAX_NODES) fail('too many values');
    if (depth > MAX_DEPTH) fail('nesting too deep');
    const tag = buf.toString('latin1', pos, pos + 2);
    pos += 2;
    switch (tag) {
      case 'N;':
        return null;
      case 'b:': {
        const s = until(';', 1);
        if (s !== '0' && s !== '1') fail('a bad boolean');
        return s === '1';
      }
      case 'i:': {
        const s = until(';', 24);
        if (!/^[+-]?\d+$/.test(s)) fail('a bad integer');
        return Number(s);
      }
      case 'd:': {
        const s = until(';', 64);
        const n = s === 'INF' ? Infinity : s === '-INF' ? -Infinity : s === 'NAN' ? NaN : Number(s);
        if (s === '' || (Number.isNaN(n) && s !== 'NAN')) fail('a bad float');
        return n;
      }
      case 's:': {
        const len = count(':');
        expect('"');
        if (pos + len > buf.length) fail('a string longer than the data');
        const s = buf.toString('utf8', pos, pos + len);
        pos += len;
        expect('";');
        return s;
      }
      case 'a:':
      case 'O:': {
        if (tag === 'O:') {
          const len = count(':');
          pos += len + 3; // "Class":
          if (pos > buf.length || buf[pos - 1] !== 0x3a) fail('a bad class name');
        }
        const n = count(':');
        if (n > buf.length - pos) fail('more entries than bytes');
        expect('{');
        const map = new Map<string, PhpValue>();
        for (let i = 0; i < n; i++) {
          const k = value(depth + 1);
          if (typeof k !== 'string' && typeof k !== 'number') fail('a key that is no string or integer');
          map.set(String(k), value(depth + 1));
        }
        expect('}');
        return map;
      }
      default:
        return fail(`unknown type ${JSON.stringify(tag)}`);
    }
  };
  const v = value(0);
  while (pos < buf.length && /\s/.test(String.fromCharCode(buf[pos]!))) pos++;
  if (pos !== buf.length) fail('trailing bytes');
  return v;
}

const field = (v: PhpValue | undefined, ...path: string[]): PhpValue | undefined => {
  let cur = v;
  for (const k of path) cur = cur instanceof Map ? cur.get(k) : undefined;
  return cur;
};
const text = (v: PhpValue | undefined): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** The channel of a registry file: its `channel`, else the `.channel.<name>` directory it is in, else PEAR's own. */
function channelOf(doc: PhpValue, path: string): string {
  return text(field(doc, 'channel')) ?? /\/\.channel\.([^/]+)\/[^/]+$/.exec(path)?.[1] ?? 'pear.php.net';
}

export function parsePearRegistry(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const doc = phpUnserialize(file.contents);
  if (!(doc instanceof Map)) throw new Error('a PEAR registry file that is no serialized array');
  const name = text(field(doc, 'name'));
  const version = text(field(doc, 'version', 'release')) ?? text(field(doc, 'version'));
  if (!name || !version) {
    ctx.incomplete(`PEAR registry entry ${JSON.stringify(name ?? '?')} without a ${name ? 'version' : 'name'}`);
    return { packages: [] };
  }
  const channel = channelOf(doc, file.location.path);
  const license = text(field(doc, 'license', '_content')) ?? text(field(doc, 'license'));
  let purl: string | undefined;
  try {
    purl = buildPurl({ type: 'pear', namespace: channel, name, version });
  } catch {
    purl = undefined;
  }
  return {
    packages: [
      langPackage({
        name,
        version,
        type: 'php-pear',
        purl,
        location: file.location,
        foundBy: 'php-pear-cataloger',
        licenses: license ? [license] : [],
        description: text(field(doc, 'summary')),
        metadata: { channel },
      }),
    ],
  };
}
