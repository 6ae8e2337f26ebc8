import { defineCataloger } from '../cataloger.js';
import { parseKernelSnapChangelog, parseSnapcraftYaml, parseSnapDpkgYaml, parseSnapManifest } from './snap.js';

/** Snaps: the Debian packages a base, gadget, application or kernel snap was built from, as syft reads them. */
export const snapCataloger = defineCataloger({
  name: 'snap-cataloger',
  ecosystem: 'deb',
  tags: ['installed', 'image', 'directory', 'snap'],
  parsers: [
    { globs: ['**/usr/share/snappy/dpkg.yaml'], companions: ['/var/lib/dpkg/status'], parse: parseSnapDpkgYaml },
    { globs: ['**/snap/manifest.yaml'], parse: parseSnapManifest },
    { globs: ['**/snap/snapcraft.yaml'], parse: parseSnapcraftYaml },
    { globs: ['**/doc/linux-modules-*/changelog.Debian.gz'], onlyUnowned: true, parse: parseKernelSnapChangelog },
  ],
});
