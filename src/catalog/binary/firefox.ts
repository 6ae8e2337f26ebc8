/**
 * Firefox, as syft's firefox-binary classifier reads it: the binary's own bytes do not say the version,
 * the `application.ini` beside it does (`[App]` … `Name=Firefox` … `Version=151.0`).
 */
import type { CatalogContext, ParseResult, RandomAccessCatalogFile } from '../cataloger.js';
import { goRe } from './classifiers-syft.js';
import { runtimePackage, type RuntimeProduct } from './runtime-package.js';

const FIREFOX: RuntimeProduct = { name: 'firefox', cpes: [['mozilla', 'firefox']] };
/** syft's pattern, as written there. */
const VERSION = goRe(String.raw`(?ms)^Name=Firefox\r?$.*?^Version=(?P<version>[0-9]+(?:\.[0-9]+)+(?:[A-Za-z][0-9A-Za-z.-]*)?)\r?$`);
/** An application.ini is a few hundred bytes; more than this is not one. */
const MAX_INI_BYTES = 64 * 1024;

/** Wherever Firefox is unpacked, as syft's `**\/{firefox,firefox.exe}` (its application.ini is read from beside it). */
export const FIREFOX_GLOBS = ['**/firefox', '**/firefox.exe'];
export const FIREFOX_COMPANIONS = ['**/application.ini'];

export async function parseFirefox(file: RandomAccessCatalogFile, ctx: CatalogContext): Promise<ParseResult> {
  const path = file.location.path;
  const ini = ctx.read === undefined ? undefined : await ctx.read(`${path.slice(0, path.lastIndexOf('/'))}/application.ini`);
  if (ini === undefined || ini.length > MAX_INI_BYTES) return { packages: [] };
  const version = VERSION.exec(ini.toString('latin1'))?.groups?.version;
  return { packages: version === undefined ? [] : [runtimePackage(FIREFOX, version, file.location, 'firefox-binary')] };
}
