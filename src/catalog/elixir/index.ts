import { defineCataloger } from '../cataloger.js';
import { parseMixLock } from './mix-lock.js';

/** Declared Elixir (Hex) packages from mix.lock, with depends-on relationships. */
export const elixirMixLockCataloger = defineCataloger({
  name: 'elixir-mix-lock-cataloger',
  ecosystem: 'hex',
  tags: ['language', 'declared', 'directory', 'elixir', 'hex', 'mix'],
  parsers: [{ globs: ['**/mix.lock'], parse: parseMixLock }],
});
