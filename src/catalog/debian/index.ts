import { defineCataloger } from '../cataloger.js';
import { DPKG_COPYRIGHT_GLOB, DPKG_FILE_LIST_GLOB, DPKG_MD5SUMS_GLOB, DPKG_USR_GLOBS, DPKG_USR_INFO_GLOBS, OPKG_FILE_LIST_GLOBS, OPKG_STATUS_GLOBS, parseDpkgStatus } from './dpkg-status.js';

/**
 * Installed Debian packages: /var/lib/dpkg/status and distroless /var/lib/dpkg/status.d/* (or the same
 * under /usr/lib/dpkg), and opkg's
 * status files (OpenWrt, Yocto), with the files each installed (info/*.list, status.d/*.md5sums) for
 * the runner's ownership rules.
 */
export const dpkgDbCataloger = defineCataloger({
  name: 'dpkg-db-cataloger',
  ecosystem: 'deb',
  tags: ['os', 'installed', 'image', 'directory', 'deb', 'dpkg', 'debian'],
  parsers: [
    {
      globs: ['/var/lib/dpkg/status', '/var/lib/dpkg/status.d/*', ...DPKG_USR_GLOBS, ...OPKG_STATUS_GLOBS],
      companions: [DPKG_COPYRIGHT_GLOB, DPKG_FILE_LIST_GLOB, DPKG_MD5SUMS_GLOB, ...DPKG_USR_INFO_GLOBS, ...OPKG_FILE_LIST_GLOBS],
      usesDistro: true,
      parse: parseDpkgStatus,
    },
  ],
});
