import { defineCataloger } from '../cataloger.js';
import { parseGemfileLock, parseGemspec } from './gems.js';

/** Installed gems: specifications/**\/*.gemspec (RubyGems and Debian's rubygems-integration). */
export const rubyGemspecCataloger = defineCataloger({
  name: 'ruby-gemspec-cataloger',
  ecosystem: 'gem',
  tags: ['language', 'installed', 'image', 'directory', 'ruby', 'gem'],
  parsers: [{ globs: ['**/specifications/*.gemspec', '**/specifications/**/*.gemspec'], parse: parseGemspec }],
});

/** Declared gems from Gemfile.lock (and Gemfile.next.lock, the dual-boot lock of an upgrade), with depends-on relationships. */
export const rubyGemfileLockCataloger = defineCataloger({
  name: 'ruby-gemfile-lock-cataloger',
  ecosystem: 'gem',
  tags: ['language', 'declared', 'directory', 'ruby', 'gem'],
  parsers: [{ globs: ['**/Gemfile.lock', '**/Gemfile.next.lock'], parse: parseGemfileLock }],
});
