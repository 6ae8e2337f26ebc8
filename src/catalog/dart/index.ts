import { defineCataloger } from '../cataloger.js';
import { parsePubspec } from './pubspec.js';
import { parsePubspecLock } from './pubspec-lock.js';

/** Declared Dart and Flutter packages from pubspec.lock. */
export const dartPubspecLockCataloger = defineCataloger({
  name: 'dart-pubspec-lock-cataloger',
  ecosystem: 'pub',
  tags: ['language', 'declared', 'directory', 'dart', 'pub'],
  parsers: [{ globs: ['**/pubspec.lock'], parse: parsePubspecLock }],
});

/** A Dart or Flutter package's manifest (`pubspec.yaml`): the package itself, as the project. */
export const dartPubspecCataloger = defineCataloger({
  name: 'dart-pubspec-cataloger',
  ecosystem: 'pub',
  tags: ['language', 'declared', 'directory', 'dart', 'pub'],
  parsers: [{ globs: ['**/pubspec.yaml', '**/pubspec.yml'], parse: parsePubspec }],
});
