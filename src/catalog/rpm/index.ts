import { defineCataloger } from '../cataloger.js';
import { BOTTLEROCKET_INVENTORY_GLOBS, parseBottlerocketInventory } from './bottlerocket.js';
import { parseRpmManifest, RPM_MANIFEST_GLOB } from './manifest.js';
import { parseRpmDb } from './rpmdb.js';

/**
 * Installed RPM packages from rpm's package database under /var/lib/rpm, /usr/lib/sysimage/rpm or (rpm-ostree)
 * /usr/share/rpm, in
 * any of its three back ends: SQLite (`rpmdb.sqlite`), BerkeleyDB hash (`Packages`) and ndb
 * (`Packages.db`), told apart by their content; and the rpm manifest that CBL-Mariner / Azure Linux
 * distroless images carry instead of a database (`/var/lib/rpmmanifest/container-manifest-2`); and
 * Bottlerocket's application inventory (the RPMs its image was built from).
 */
export const rpmDbCataloger = defineCataloger({
  name: 'rpm-db-cataloger',
  ecosystem: 'rpm',
  tags: ['os', 'installed', 'image', 'directory', 'rpm', 'redhat'],
  parsers: [
    {
      globs: [
        '/var/lib/rpm/rpmdb.sqlite',
        '/var/lib/rpm/Packages',
        '/var/lib/rpm/Packages.db',
        '/usr/lib/sysimage/rpm/rpmdb.sqlite',
        '/usr/lib/sysimage/rpm/Packages',
        '/usr/lib/sysimage/rpm/Packages.db',
        // rpm-ostree systems (Fedora CoreOS, Silverblue, RHEL for Edge) keep the database here
        '/usr/share/rpm/rpmdb.sqlite',
        '/usr/share/rpm/Packages',
        '/usr/share/rpm/Packages.db',
      ],
      usesDistro: true,
      parse: parseRpmDb,
    },
    { globs: [RPM_MANIFEST_GLOB], usesDistro: true, parse: parseRpmManifest },
    { globs: BOTTLEROCKET_INVENTORY_GLOBS, usesDistro: true, parse: parseBottlerocketInventory },
  ],
});
