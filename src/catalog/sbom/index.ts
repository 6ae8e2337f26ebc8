import { defineCataloger } from '../cataloger.js';
import { parseEmbeddedSbom, SBOM_GLOBS } from './embedded.js';

/** SBOM documents inside the scanned tree: the packages they list. Runs only when selected (`--select +sbom`). */
export const sbomCataloger = defineCataloger({
  name: 'sbom-cataloger',
  ecosystem: 'generic',
  tags: ['sbom', 'directory', 'image'],
  optIn: true,
  parsers: [{ globs: SBOM_GLOBS, parse: parseEmbeddedSbom }],
});
