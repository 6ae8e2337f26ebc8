import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type CatalogContext } from '../../../../src/catalog/cataloger.js';
import { phpPearCataloger } from '../../../../src/catalog/php/index.js';
import { parsePearRegistry, phpUnserialize } from '../../../../src/catalog/php/pear.js';
import { catalogFiles } from '../lang-support.js';

/** PHP's serialize() of the few shapes a registry holds (strings by their UTF-8 byte length). */
function ser(v: unknown): string {
  if (typeof v === 'string') return `s:${Buffer.byteLength(v)}:"${v}";`;
  if (typeof v === 'number') return `i:${v};`;
  const e = Object.entries(v as Record<string, unknown>);
  return `a:${e.length}:{${e.map(([k, x]) => ser(k) + ser(x)).join('')}}`;
}

// the layout of syft's memcached-v6-format.reg and of the official PHP images' registry files
const PECL = ser({ name: 'memcached', channel: 'pecl.php.net', date: '2022-01-11', version: { release: '3.2.0', api: '3.2.0' }, license: { attribs: { uri: 'http://www.php.net/license' }, _content: 'PHP License' } });
const ARCHIVE_TAR = ser({ attribs: { version: '2.0' }, name: 'Archive_Tar', channel: 'pear.php.net', summary: 'Tar file management class with compression support (gzip, bzip2, lzma2)', version: { release: '1.4.14', api: '1.4.0' }, license: { attribs: { uri: 'http://www.opensource.org/licenses/bsd-license.php' }, _content: 'New BSD License' } });

describe('php-pear-cataloger (PEAR and PECL registry)', () => {
  it('reads PEAR (.registry/*.reg) and PECL (.registry/.channel.pecl.php.net/*.reg) packages', async () => {
    const r = await catalogFiles([phpPearCataloger], [
      { path: '/usr/local/lib/php/.registry/archive_tar.reg', content: ARCHIVE_TAR },
      { path: '/usr/local/lib/php/.registry/.channel.pecl.php.net/memcached.reg', content: PECL },
      // the older (v5) layout has no channel: the directory names it
      { path: '/usr/share/php/.registry/.channel.pecl.php.net/redis.reg', content: ser({ name: 'redis', version: { release: '6.0.2', api: '6.0.0' } }) },
      // package.xml 1.0 registries keep the version as a string
      { path: '/usr/share/php/.registry/xml_util.reg', content: ser({ name: 'XML_Util', version: '1.2.1', license: 'BSD License' }) },
    ]);
    expect(r.warnings).toEqual([]);
    expect(r.packages.map((p) => [p.purl, p.type, p.licenses, p.metadata?.channel])).toEqual([
      ['pkg:pear/pear.php.net/Archive_Tar@1.4.14', 'php-pear', ['New BSD License'], 'pear.php.net'],
      ['pkg:pear/pear.php.net/XML_Util@1.2.1', 'php-pear', ['BSD License'], 'pear.php.net'],
      ['pkg:pear/pecl.php.net/memcached@3.2.0', 'php-pear', ['PHP License'], 'pecl.php.net'],
      ['pkg:pear/pecl.php.net/redis@6.0.2', 'php-pear', [], 'pecl.php.net'],
    ]);
  });

  it('a file that is not serialized PHP, or names no package version, is incomplete', async () => {
    const r = await catalogFiles([phpPearCataloger], [
      { path: '/usr/local/lib/php/.registry/a.reg', content: 'bogus' },
      { path: '/usr/local/lib/php/.registry/b.reg', content: ser({ name: 'NoVersion' }) },
      { path: '/usr/local/lib/php/.registry/c.reg', content: `${PECL}x` },
    ]);
    expect(r.packages).toEqual([]);
    expect(r.incomplete.map((i) => i.path).sort()).toEqual(['/usr/local/lib/php/.registry/a.reg', '/usr/local/lib/php/.registry/b.reg', '/usr/local/lib/php/.registry/c.reg']);
  });

  it('unserializes every value type; byte lengths for UTF-8 strings; objects as maps', () => {
    const v = phpUnserialize(Buffer.from('a:7:{i:0;N;s:1:"b";b:1;s:1:"i";i:-42;s:1:"d";d:0.5;s:1:"u";s:2:"é";s:1:"o";O:8:"stdClass":1:{s:1:"x";s:1:"y";}s:1:"e";a:0:{}}'));
    expect(v).toEqual(new Map<string, unknown>([['0', null], ['b', true], ['i', -42], ['d', 0.5], ['u', 'é'], ['o', new Map([['x', 'y']])], ['e', new Map()]]));
    for (const bad of ['s:5:"ab";', 'a:2:{i:0;i:1;}', 'x:1;', 'a:1:{a:0:{}i:1;}', `${'a:1:{i:0;'.repeat(100)}N;${'}'.repeat(100)}`]) expect(() => phpUnserialize(Buffer.from(bad))).toThrow(/not PHP-serialized data/);
  });

  it('never throws anything but its own error on hostile bytes, in bounded time (property)', () => {
    const ctx: CatalogContext = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    fc.assert(
      fc.property(fc.nat(PECL.length), fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 200 }), (cut, s, bytes) => {
        for (const input of [Buffer.from(PECL.slice(0, cut) + s), Buffer.from(bytes)]) {
          try {
            parsePearRegistry({ location: { path: '/usr/local/lib/php/.registry/x.reg' }, contents: input }, ctx);
          } catch (err) {
            expect((err as Error).message).toMatch(/not PHP-serialized data|no serialized array/);
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});
