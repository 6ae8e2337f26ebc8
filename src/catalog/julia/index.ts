import { defineCataloger } from '../cataloger.js';
import { parseJuliaManifest } from './manifest.js';

/** Julia packages resolved by Pkg: `Manifest.toml` (v1 and v2 formats), dev marking from the `Project.toml` beside it. */
export const juliaManifestCataloger = defineCataloger({
  name: 'julia-manifest-cataloger',
  ecosystem: 'julia',
  tags: ['language', 'declared', 'directory', 'julia'],
  parsers: [{ globs: ['**/Manifest.toml', '**/JuliaManifest.toml'], companions: ['**/Project.toml', '**/JuliaProject.toml'], parse: parseJuliaManifest }],
});
