import { defineCataloger } from '../cataloger.js';
import { parseCondaMeta } from './conda-meta.js';
import { parseCondaEnvironment } from './environment.js';

/** Installed conda packages: the `conda-meta/*.json` records of an environment (conda, mamba, pixi). */
export const condaMetaCataloger = defineCataloger({
  name: 'conda-meta-cataloger',
  ecosystem: 'conda',
  tags: ['language', 'installed', 'image', 'directory', 'conda'],
  parsers: [{ globs: ['**/conda-meta/*.json'], parse: parseCondaMeta }],
});

/** Declared conda packages: the pinned dependencies (and pip: requirements) of `environment.yml`. */
export const condaEnvironmentCataloger = defineCataloger({
  name: 'conda-environment-cataloger',
  ecosystem: 'conda',
  tags: ['language', 'declared', 'directory', 'conda'],
  parsers: [{ globs: ['**/environment.yml', '**/environment.yaml'], parse: parseCondaEnvironment }],
});
