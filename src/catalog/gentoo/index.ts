import { defineCataloger } from '../cataloger.js';
import { LICENSE_GROUPS, parsePortageContents } from './portage.js';

/** Installed Gentoo packages: Portage's /var/db/pkg/<category>/<name>-<version>/CONTENTS, with LICENSE and SIZE beside it. */
export const portageCataloger = defineCataloger({
  name: 'portage-cataloger',
  ecosystem: 'ebuild',
  tags: ['os', 'installed', 'image', 'directory', 'portage', 'gentoo'],
  parsers: [{ globs: ['**/var/db/pkg/*/*/CONTENTS'], companions: ['**/var/db/pkg/*/*/LICENSE', '**/var/db/pkg/*/*/SIZE', LICENSE_GROUPS], parse: parsePortageContents }],
});
