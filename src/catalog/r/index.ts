import { defineCataloger } from '../cataloger.js';
import { parseRDescription } from './description.js';

/** Installed R packages: `<library>/<pkg>/DESCRIPTION` under an R library directory (`library`, `site-library`). */
export const rPackageCataloger = defineCataloger({
  name: 'r-package-cataloger',
  ecosystem: 'cran',
  tags: ['language', 'installed', 'image', 'directory', 'r', 'cran'],
  parsers: [{ globs: ['**/library/*/DESCRIPTION', '**/site-library/*/DESCRIPTION'], parse: parseRDescription }],
});
