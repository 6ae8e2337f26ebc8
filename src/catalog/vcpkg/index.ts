import { defineCataloger } from '../cataloger.js';
import { parseVcpkgManifest } from './manifest.js';

/** vcpkg manifests (`vcpkg.json`, manifest mode): the project itself, or a port of a registry. */
export const vcpkgManifestCataloger = defineCataloger({
  name: 'vcpkg-manifest-cataloger',
  ecosystem: 'vcpkg',
  tags: ['language', 'declared', 'directory', 'vcpkg', 'cpp', 'c++'],
  parsers: [{ globs: ['**/vcpkg.json'], companions: ['**/vcpkg-configuration.json'], parse: parseVcpkgManifest }],
});
