import { defineCataloger } from '../cataloger.js';
import { parseHomebrewFormula } from './formula.js';

/** Homebrew: the formula an installed keg keeps (`Cellar/<name>/<version>/.brew/<name>.rb`) and tap formulae, as syft reads them. */
export const homebrewCataloger = defineCataloger({
  name: 'homebrew-cataloger',
  ecosystem: 'brew',
  tags: ['installed', 'image', 'directory', 'homebrew', 'brew'],
  parsers: [{ globs: ['**/Cellar/*/*/.brew/*.rb', '**/Library/Taps/*/*/Formula/*.rb'], parse: parseHomebrewFormula }],
});
