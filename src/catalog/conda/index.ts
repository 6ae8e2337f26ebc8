import { defineCataloger } from '../cataloger.js';
import { parseCondaMeta } from './conda-meta.js';

/** Installed conda packages: the `conda-meta/*.json` records of an environment (conda, mamba, pixi). */
export const condaMetaCataloger = defineCataloger({
  name: 'conda-meta-cataloger',
  ecosystem: 'conda',
  tags: ['language', 'installed', 'image', 'directory', 'conda'],
  parsers: [{ globs: ['**/conda-meta/*.json'], parse: parseCondaMeta }],
});
