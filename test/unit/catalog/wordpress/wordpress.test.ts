import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { parseWordpressVersionPhp, readVersionPhp } from '../../../../src/catalog/wordpress/core.js';
import { wordpressCoreCataloger, wordpressPluginsCataloger } from '../../../../src/catalog/wordpress/index.js';
import { parseWordpressPlugin, pluginSlug, readPluginHeaders } from '../../../../src/catalog/wordpress/plugin.js';
import { FIXTURES } from '../../../helpers/paths.js';
import { catalogFiles } from '../lang-support.js';

const peer = (f: string): Buffer => readFileSync(join(FIXTURES, 'catalog', 'peers', f));
const WP = [wordpressCoreCataloger, wordpressPluginsCataloger];

describe('wordpress-plugins-cataloger', () => {
  it('a plugin\'s header comment: name, version, licence, author and the slug from its directory', async () => {
    const r = await catalogFiles(WP, [
      { path: '/var/www/html/wp-content/plugins/akismet/akismet.php', content: peer('syft/wordpress/wp-content/plugins/akismet/akismet.php') },
      { path: '/var/www/html/wp-content/plugins/akismet/class.akismet.php', content: Buffer.from('<?php\nclass Akismet {}\n') },
      { path: '/var/www/html/wp-content/plugins/index.php', content: Buffer.from('<?php\n// Silence is golden.\n') },
    ]);
    expect(r.packages).toHaveLength(1);
    expect(r.packages[0]).toMatchObject({
      name: 'Akismet Anti-spam: Spam Protection',
      version: '5.3',
      type: 'wordpress',
      purl: 'pkg:wordpress/plugin/akismet@5.3',
      licenses: ['GPLv2 or later'],
      supplier: 'Automattic - Anti-spam Team',
      metadata: { slug: 'akismet', authorUri: 'https://automattic.com/wordpress-plugins/', requiresWp: '5.8', requiresPhp: '5.6.20', textDomain: 'akismet' },
      foundBy: ['wordpress-plugins-cataloger'],
    });
    expect(r.incomplete).toEqual([]);
  });

  it('reads headers as WordPress does: CRLF, # and @ decoration, a closing */ or ?> on the line dropped, "Author URI" not "Author", first wins', () => {
    const h = readPluginHeaders(Buffer.from('<?php /* Plugin Name: Hello Dolly */ ?>\r\n# Version: 1.7.2 ?>\r\n@ Author URI: https://ma.tt/\r\nAuthor: Matt\r\nVersion: 9\r\nPlugin Name : no\r\n'));
    expect(h).toEqual({ name: 'Hello Dolly', version: '1.7.2', authorUri: 'https://ma.tt/', author: 'Matt' });
    // only the first 8 KB count
    expect(readPluginHeaders(Buffer.from(`<?php\n${' '.repeat(9000)}\n/* Plugin Name: late */`))).toEqual({});
    expect(pluginSlug('/w/wp-content/plugins/hello.php')).toBe('hello');
    expect(pluginSlug('/w/wp-content/plugins/akismet/akismet.php')).toBe('akismet');
  });

  it('a single-file plugin; a plugin without Version is reported without one, with a warning', async () => {
    const r = await catalogFiles(WP, [
      { path: '/w/wp-content/plugins/hello.php', content: Buffer.from('<?php\n/*\nPlugin Name: Hello Dolly\nVersion: 1.7.2\nRequires Plugins: woocommerce, jetpack\n*/\n') },
      { path: '/w/wp-content/plugins/bare/bare.php', content: Buffer.from('<?php\n/* Plugin Name: Bare */\n') },
    ]);
    expect(r.packages.map((p) => [p.purl, p.version]).sort()).toEqual([['pkg:wordpress/plugin/bare', ''], ['pkg:wordpress/plugin/hello@1.7.2', '1.7.2']]);
    expect(r.packages.find((p) => p.name === 'Hello Dolly')?.metadata?.['requiresPlugins']).toEqual(['woocommerce', 'jetpack']);
    expect(r.warnings.join('\n')).toMatch(/WordPress plugin bare: no Version header/);
  });
});

describe('wordpress-core-cataloger', () => {
  it('wp-includes/version.php: $wp_version, commented-out assignments skipped', async () => {
    const r = await catalogFiles(WP, [{ path: '/var/www/html/wp-includes/version.php', content: peer('trivy/wordpress/version.php') }]);
    expect(r.packages).toHaveLength(1);
    expect(r.packages[0]).toMatchObject({
      name: 'wordpress',
      version: '4.9.4-alpha',
      type: 'wordpress',
      purl: 'pkg:wordpress/core/wordpress@4.9.4-alpha',
      licenses: ['GPL-2.0-or-later'],
      metadata: { dbVersion: '47597', requiresPhp: '5.6.20' },
      foundBy: ['wordpress-core-cataloger'],
    });
    expect(readVersionPhp("# $wp_version = '1';\n$wp_version = \"6.4.2\";").get('wp_version')).toBe('6.4.2');
  });

  it('a version.php without $wp_version is incomplete', async () => {
    const r = await catalogFiles(WP, [{ path: '/w/wp-includes/version.php', content: peer('trivy/wordpress/versionFail.php') }]);
    expect(r.packages).toEqual([]);
    expect(r.incomplete.map((i) => i.path)).toEqual(['/w/wp-includes/version.php']);
  });

  it('hostile input (fast-check): a result or a thrown Error, never a hang', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const run = (s: string): void => {
      for (const parse of [parseWordpressVersionPhp, parseWordpressPlugin]) {
        try {
          expect(Array.isArray(parse({ location: { path: '/w/wp-content/plugins/x/wp-includes/version.php' }, contents: Buffer.from(s) }, ctx).packages)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(Error);
        }
      }
    };
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        run(a);
        run(`<?php\n/*\nPlugin Name: ${a}\nVersion: ${b}\n${a}*/\n$wp_version = '${b}';\n`);
        run(`/* ${a}\n$wp_version = "${b}"; // ${a}\n`);
      }),
      { numRuns: 300 },
    );
    const t0 = Date.now();
    run(`<?php\n${'Plugin Name'.repeat(2000)}`);
    run(`${' '.repeat(8000)}x`);
    run(`${'/*'.repeat(100_000)}`);
    run(`$wp_version = '${'1.'.repeat(200_000)}`);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
