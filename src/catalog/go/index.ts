import { defineCataloger } from '../cataloger.js';
import { EXECUTABLE_GLOBS, parseGoBinary } from './binary.js';
import { parseGoMod, parseLoneGoSum } from './go-mod.js';

/** Go module build info in ELF, PE and Mach-O executables (Go 1.13+ pointer and 1.18+ inline formats). */
export const goBinaryCataloger = defineCataloger({
  name: 'go-binary-cataloger',
  ecosystem: 'golang',
  tags: ['language', 'installed', 'image', 'directory', 'binary', 'go', 'golang'],
  parsers: [{ globs: EXECUTABLE_GLOBS, randomAccess: true, parse: parseGoBinary }],
});

/** Declared Go modules: go.mod requires (replace applied), h1: sums from the go.sum beside it; before Go 1.17 its modules too (and a go.sum with no go.mod beside it). */
export const goModCataloger = defineCataloger({
  name: 'go-mod-cataloger',
  ecosystem: 'golang',
  tags: ['language', 'declared', 'directory', 'go', 'golang'],
  parsers: [
    { globs: ['**/go.mod'], companions: ['**/go.sum'], parse: parseGoMod },
    { globs: ['**/go.sum'], companions: ['**/go.mod'], parse: parseLoneGoSum },
  ],
});
