import { defineCataloger } from '../cataloger.js';
import { parseRDescription } from './description.js';

/**
 * R packages from `DESCRIPTION` files: installed ones under an R library directory (`library`, `site-library`),
 * and, as syft (which reads every DESCRIPTION file), any other DESCRIPTION that is a clean DCF with `Package:`
 * and `Version:` (a package copied elsewhere, a source tree).
 */
export const rPackageCataloger = defineCataloger({
  name: 'r-package-cataloger',
  ecosystem: 'cran',
  tags: ['language', 'installed', 'image', 'directory', 'r', 'cran'],
  parsers: [{ globs: ['**/DESCRIPTION'], parse: parseRDescription }],
});
