/**
 * WordPress itself: `wp-includes/version.php`, where the release sets its version (as trivy reads it):
 *
 *     $wp_version = '6.4.2';
 *     $wp_db_version = 56657;
 *     $required_php_version = '7.0.0';
 *
 * Comments (`//`, `#`, `/* … *\/`) are skipped, so a commented-out assignment is not the version. The package is
 * `pkg:wordpress/core/wordpress@<version>` (./index.ts). A version.php without a `$wp_version` string is
 * incomplete (trivy refuses it too).
 */
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { langPackage, purlOrUndefined, textOf } from '../lang-common.js';

const CATALOGER = 'wordpress-core-cataloger';
/** WordPress's own version.php is 1-2 KB. */
const MAX_BYTES = 1024 * 1024;

/** The PHP text without its comments (strings kept as they are: version.php quotes no comment markers). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?(?:\*\/|$)|(?:\/\/|#)[^\n]*/g, ' ');
}

/** The string values of the top-level `$name = '…';` / `$name = 123;` assignments, first of each. */
export function readVersionPhp(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /\$([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:'([^'\\\n]*)'|"([^"\\$\n]*)"|(\d[\d.]*))\s*;/g;
  for (const m of withoutComments(text).matchAll(re)) {
    const v = m[2] ?? m[3] ?? m[4] ?? '';
    if (!out.has(m[1]!)) out.set(m[1]!, v.trim());
  }
  return out;
}

export function parseWordpressVersionPhp(file: CatalogFile, ctx: CatalogContext): ParseResult {
  if (file.contents.length > MAX_BYTES) {
    ctx.incomplete(`version.php is ${file.contents.length} bytes, over the ${MAX_BYTES} read`);
    return { packages: [] };
  }
  const vars = readVersionPhp(textOf(file.contents));
  const version = vars.get('wp_version') ?? '';
  if (version === '') throw new Error('wp-includes/version.php sets no $wp_version');
  const metadata: Record<string, unknown> = {};
  const db = vars.get('wp_db_version');
  const php = vars.get('required_php_version');
  if (db) metadata['dbVersion'] = db;
  if (php) metadata['requiresPhp'] = php;
  return {
    packages: [
      langPackage({
        name: 'wordpress',
        version,
        type: 'wordpress',
        purl: purlOrUndefined({ type: 'wordpress', namespace: 'core', name: 'wordpress', version }),
        location: file.location,
        foundBy: CATALOGER,
        licenses: ['GPL-2.0-or-later'],
        metadata,
      }),
    ],
  };
}
