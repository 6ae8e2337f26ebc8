import { defineCataloger } from '../cataloger.js';
import { ALPM_DESC_GLOB, ALPM_FILES_GLOB, parseAlpmDesc } from './alpm-db.js';

/** Installed Arch Linux packages: pacman's /var/lib/pacman/local/<pkg>/desc, with its `files` for the ownership rules. */
export const alpmDbCataloger = defineCataloger({
  name: 'alpm-db-cataloger',
  ecosystem: 'alpm',
  tags: ['os', 'installed', 'image', 'directory', 'alpm', 'arch', 'pacman'],
  parsers: [{ globs: [ALPM_DESC_GLOB], companions: [ALPM_FILES_GLOB], usesDistro: true, parse: parseAlpmDesc }],
});
