/**
 * WordPress plugins: the header comment of a plugin's main file, `wp-content/plugins/<slug>/<file>.php` (or a
 * single-file plugin `wp-content/plugins/<slug>.php`), read as WordPress itself reads it (`get_file_data()`:
 * the first 8 KB, one `Name: value` per line, comment decoration before the name allowed, a closing `*\/` or
 * `?>` dropped):
 *
 *     /**
 *      * Plugin Name: Akismet Anti-spam: Spam Protection
 *      * Version: 5.3
 *      * License: GPLv2 or later
 *      *\/
 *
 * A file without a `Plugin Name` header is another file of the plugin (or `index.php`'s "Silence is golden"):
 * nothing. The plugin's slug (its directory, or the file's name for a single-file plugin) is its identity on
 * wordpress.org and in WordPress vulnerability databases: `pkg:wordpress/plugin/<slug>@<version>` (see
 * ./index.ts for the purl form). OSV has no WordPress ecosystem: a scan reports these as not covered.
 */
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { baseOf, dirOf, langPackage, purlOrUndefined, textOf } from '../lang-common.js';

const CATALOGER = 'wordpress-plugins-cataloger';
/** WordPress reads only this much of a plugin file for its headers (get_file_data(), 8 KB). */
export const HEADER_BYTES = 8 * 1024;
/** A header value longer than this is not a header (a line of minified code); kept to this many characters. */
const MAX_VALUE = 1024;

const HEADERS = {
  name: 'Plugin Name',
  pluginUri: 'Plugin URI',
  version: 'Version',
  description: 'Description',
  author: 'Author',
  authorUri: 'Author URI',
  license: 'License',
  licenseUri: 'License URI',
  requiresWp: 'Requires at least',
  requiresPhp: 'Requires PHP',
  requiresPlugins: 'Requires Plugins',
  textDomain: 'Text Domain',
} as const;
type HeaderKey = keyof typeof HEADERS;

/** WordPress's _cleanup_header_comment(): trimmed, a trailing `*\/` or `?>` and what follows dropped. */
function cleanup(value: string): string {
  return value.replace(/\s*(?:\*\/|\?>).*$/s, '').trim();
}

/** The header fields of a file's first 8 KB, as get_file_data() finds them (first match of each wins). */
export function readPluginHeaders(contents: Buffer): Partial<Record<HeaderKey, string>> {
  const text = textOf(contents.subarray(0, HEADER_BYTES)).replace(/\r\n?/g, '\n');
  const out: Partial<Record<HeaderKey, string>> = {};
  for (const line of text.split('\n')) {
    // `^(?:[ \t]*<?php)?[ \t/*#@]*Name:(.*)$`, case-insensitive
    const m = /^(?:[ \t]*<\?php)?[ \t/*#@]*([A-Za-z][A-Za-z ]*):(.*)$/.exec(line);
    if (!m) continue;
    const label = m[1]!.toLowerCase();
    for (const [key, header] of Object.entries(HEADERS) as [HeaderKey, string][]) {
      if (out[key] === undefined && header.toLowerCase() === label) {
        const v = cleanup(m[2]!);
        if (v !== '') out[key] = v.slice(0, MAX_VALUE);
      }
    }
  }
  return out;
}

/** The slug of a plugin file: its directory under `plugins/`, or its own name for a single-file plugin. */
export function pluginSlug(path: string): string {
  const dir = dirOf(path);
  return baseOf(dir) === 'plugins' ? baseOf(path).replace(/\.php$/i, '') : baseOf(dir);
}

export function parseWordpressPlugin(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const h = readPluginHeaders(file.contents);
  if (h.name === undefined) return { packages: [] };
  const slug = pluginSlug(file.location.path);
  const version = h.version ?? '';
  if (version === '') ctx.warn(`WordPress plugin ${slug}: no Version header; reported without a version`, file.location);
  const metadata: Record<string, unknown> = { slug };
  for (const key of ['pluginUri', 'author', 'authorUri', 'licenseUri', 'requiresWp', 'requiresPhp', 'textDomain'] as const) {
    if (h[key] !== undefined) metadata[key] = h[key];
  }
  if (h.requiresPlugins !== undefined) metadata['requiresPlugins'] = h.requiresPlugins.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return {
    packages: [
      langPackage({
        name: h.name,
        version,
        type: 'wordpress',
        purl: purlOrUndefined({ type: 'wordpress', namespace: 'plugin', name: slug, version }),
        location: file.location,
        foundBy: CATALOGER,
        licenses: h.license !== undefined ? [h.license] : [],
        description: h.description,
        supplier: h.author,
        metadata,
      }),
    ],
  };
}
