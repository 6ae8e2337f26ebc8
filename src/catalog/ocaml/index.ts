import { defineCataloger } from '../cataloger.js';
import { parseOpamFile } from './opam.js';

/** OCaml: opam package files, a project's `<name>.opam` (the project itself) and opam's `<name>.<version>/opam`. */
export const ocamlOpamCataloger = defineCataloger({
  name: 'ocaml-opam-cataloger',
  ecosystem: 'opam',
  tags: ['language', 'declared', 'directory', 'ocaml', 'opam'],
  parsers: [{ globs: ['**/*.opam', '**/opam'], parse: parseOpamFile }],
});
