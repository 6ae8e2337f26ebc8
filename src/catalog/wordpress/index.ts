/**
 * WordPress: the core release (`wp-includes/version.php`, as trivy) and plugins (their main file's header
 * comment, as syft). Neither peer writes a purl (syft's type word is `wordpress-plugin`, trivy names the core
 * `wordpress`) and the purl spec has no WordPress type yet; custody writes the form proposed for it
 * (package-url/purl-spec issue 347), one type for the whole ecosystem with the kind as namespace:
 * `pkg:wordpress/core/wordpress@<version>` and `pkg:wordpress/plugin/<slug>@<version>`, the slug being the
 * plugin's wordpress.org identity (what WordPress vulnerability databases key on), not its display name.
 */
import { defineCataloger } from '../cataloger.js';
import { parseWordpressVersionPhp } from './core.js';
import { parseWordpressPlugin } from './plugin.js';

export const wordpressPluginsCataloger = defineCataloger({
  name: 'wordpress-plugins-cataloger',
  ecosystem: 'wordpress',
  tags: ['language', 'installed', 'directory', 'image', 'wordpress', 'php'],
  parsers: [{ globs: ['**/wp-content/plugins/*/*.php', '**/wp-content/plugins/*.php'], parse: parseWordpressPlugin }],
});

export const wordpressCoreCataloger = defineCataloger({
  name: 'wordpress-core-cataloger',
  ecosystem: 'wordpress',
  tags: ['language', 'installed', 'directory', 'image', 'wordpress', 'php'],
  parsers: [{ globs: ['**/wp-includes/version.php'], parse: parseWordpressVersionPhp }],
});
