import { defineCataloger } from '../cataloger.js';
import { parsePubspecLock } from './pubspec-lock.js';

/** Declared Dart and Flutter packages from pubspec.lock. */
export const dartPubspecLockCataloger = defineCataloger({
  name: 'dart-pubspec-lock-cataloger',
  ecosystem: 'pub',
  tags: ['language', 'declared', 'directory', 'dart', 'pub'],
  parsers: [{ globs: ['**/pubspec.lock'], parse: parsePubspecLock }],
});
