import { defineCataloger } from '../cataloger.js';
import { parsePackageResolved } from './package-resolved.js';

/** Declared Swift packages from Swift Package Manager's Package.resolved (v1, v2, v3). */
export const swiftPackageResolvedCataloger = defineCataloger({
  name: 'swift-package-resolved-cataloger',
  ecosystem: 'swift',
  tags: ['language', 'declared', 'directory', 'swift', 'swiftpm'],
  parsers: [{ globs: ['**/Package.resolved', '**/.package.resolved'], parse: parsePackageResolved }],
});
