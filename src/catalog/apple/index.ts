import { defineCataloger } from '../cataloger.js';
import { parseInfoPlist } from './bundle.js';

/** Apple application bundles (`*.app/Contents/Info.plist`): the application, without a purl (none exists). */
export const appleAppBundleCataloger = defineCataloger({
  name: 'apple-app-bundle-cataloger',
  ecosystem: 'generic',
  tags: ['installed', 'directory', 'image', 'apple', 'macos'],
  parsers: [{ globs: ['**/*.app/Contents/Info.plist'], parse: parseInfoPlist }],
});
