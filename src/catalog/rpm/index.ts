import { defineCataloger } from '../cataloger.js';
import { parseRpmLegacyDb, parseRpmSqlite } from './rpmdb.js';

/**
 * Installed RPM packages: /var/lib/rpm/rpmdb.sqlite (and /usr/lib/sysimage/rpm/rpmdb.sqlite).
 * BerkeleyDB (`Packages`) and ndb (`Packages.db`) databases are recognised and reported as unread.
 */
export const rpmDbCataloger = defineCataloger({
  name: 'rpm-db-cataloger',
  ecosystem: 'rpm',
  tags: ['os', 'installed', 'image', 'directory', 'rpm', 'redhat'],
  parsers: [
    { globs: ['/var/lib/rpm/rpmdb.sqlite', '/usr/lib/sysimage/rpm/rpmdb.sqlite'], parse: parseRpmSqlite },
    {
      globs: ['/var/lib/rpm/Packages', '/var/lib/rpm/Packages.db', '/usr/lib/sysimage/rpm/Packages', '/usr/lib/sysimage/rpm/Packages.db'],
      parse: parseRpmLegacyDb,
    },
  ],
});
