import { defineCataloger } from '../cataloger.js';
import { parseCabalFreeze } from './cabal-freeze.js';
import { parseStackLock, parseStackYaml } from './stack.js';

/** Haskell packages pinned by Stack (`stack.yaml.lock`, `stack.yaml` extra-deps) and cabal (`cabal.project.freeze`). */
export const haskellCataloger = defineCataloger({
  name: 'haskell-cataloger',
  ecosystem: 'hackage',
  tags: ['language', 'declared', 'directory', 'haskell', 'hackage', 'stack', 'cabal'],
  parsers: [
    { globs: ['**/stack.yaml.lock'], parse: parseStackLock },
    { globs: ['**/stack.yaml'], parse: parseStackYaml },
    { globs: ['**/cabal.project.freeze'], parse: parseCabalFreeze },
  ],
});
