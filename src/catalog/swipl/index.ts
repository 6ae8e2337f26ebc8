import { defineCataloger } from '../cataloger.js';
import { parsePackPl } from './pack.js';

/** A SWI-Prolog pack's `pack.pl`: the pack (the project itself in its source tree). */
export const swiplPackCataloger = defineCataloger({
  name: 'swipl-pack-cataloger',
  ecosystem: 'swiplpack',
  tags: ['language', 'declared', 'directory', 'swipl', 'pack', 'prolog'],
  parsers: [{ globs: ['**/pack.pl'], parse: parsePackPl }],
});
