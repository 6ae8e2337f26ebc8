import { defineCataloger } from '../cataloger.js';
import { DPKG_COPYRIGHT_GLOB, parseDpkgStatus } from './dpkg-status.js';

/** Installed Debian packages: /var/lib/dpkg/status and distroless /var/lib/dpkg/status.d/*. */
export const dpkgDbCataloger = defineCataloger({
  name: 'dpkg-db-cataloger',
  ecosystem: 'deb',
  tags: ['os', 'installed', 'image', 'directory', 'deb', 'dpkg', 'debian'],
  parsers: [
    {
      globs: ['/var/lib/dpkg/status', '/var/lib/dpkg/status.d/*'],
      companions: [DPKG_COPYRIGHT_GLOB],
      parse: parseDpkgStatus,
    },
  ],
});
