import { defineCataloger } from '../cataloger.js';
import { parseNixStoreEntry } from './store.js';

/** Nix: the store objects under `/nix/store/`, named `<hash>-<name>-<version>[-<output>]` (read from their paths alone). */
export const nixStoreCataloger = defineCataloger({
  name: 'nix-store-cataloger',
  ecosystem: 'nix',
  tags: ['os', 'installed', 'image', 'directory', 'nix'],
  parsers: [{ globs: ['**/nix/store/*'], pathsOnly: true, parse: parseNixStoreEntry }],
});
