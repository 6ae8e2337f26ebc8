import { defineCataloger } from '../cataloger.js';
import { DPKG_COPYRIGHT_GLOB, DPKG_FILE_LIST_GLOB, parseDpkgStatus } from './dpkg-status.js';

/**
 * Installed Debian packages: /var/lib/dpkg/status and distroless /var/lib/dpkg/status.d/*, with the
 * files each installed (info/*.list, status.d/*.md5sums) for the runner's ownership rules.
 */
export const dpkgDbCataloger = defineCataloger({
  name: 'dpkg-db-cataloger',
  ecosystem: 'deb',
  tags: ['os', 'installed', 'image', 'directory', 'deb', 'dpkg', 'debian'],
  parsers: [
    {
      globs: ['/var/lib/dpkg/status', '/var/lib/dpkg/status.d/*'],
      companions: [DPKG_COPYRIGHT_GLOB, DPKG_FILE_LIST_GLOB],
      usesDistro: true,
      parse: parseDpkgStatus,
    },
  ],
});
