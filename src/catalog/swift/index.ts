import { defineCataloger } from '../cataloger.js';
import { parsePackageResolved } from './package-resolved.js';
import { parsePodfileLock } from './podfile-lock.js';

/** Declared Swift packages from Swift Package Manager's Package.resolved (v1, v2, v3). */
export const swiftPackageResolvedCataloger = defineCataloger({
  name: 'swift-package-resolved-cataloger',
  ecosystem: 'swift',
  tags: ['language', 'declared', 'directory', 'swift', 'swiftpm'],
  parsers: [{ globs: ['**/Package.resolved', '**/.package.resolved'], parse: parsePackageResolved }],
});

/** Declared CocoaPods pods (and subspecs) from Podfile.lock, with depends-on relationships. */
export const cocoapodsPodfileLockCataloger = defineCataloger({
  name: 'cocoapods-podfile-lock-cataloger',
  ecosystem: 'cocoapods',
  tags: ['language', 'declared', 'directory', 'swift', 'objective-c', 'cocoapods'],
  parsers: [{ globs: ['**/Podfile.lock'], parse: parsePodfileLock }],
});
