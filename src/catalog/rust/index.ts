import { defineCataloger } from '../cataloger.js';
import { EXECUTABLE_GLOBS } from '../go/binary.js';
import { parseCargoAuditable, parseCargoLock } from './cargo.js';

/** Declared Rust crates from Cargo.lock, with depends-on relationships; the Cargo.toml files beside it tell dev-only crates. */
export const rustCargoLockCataloger = defineCataloger({
  name: 'rust-cargo-lock-cataloger',
  ecosystem: 'cargo',
  tags: ['language', 'declared', 'directory', 'rust', 'cargo'],
  parsers: [{ globs: ['**/Cargo.lock'], companions: ['**/Cargo.toml'], parse: parseCargoLock }],
});

/** Crates compiled into binaries built with cargo-auditable (.dep-v0 ELF section). */
export const rustBinaryCataloger = defineCataloger({
  name: 'rust-binary-cataloger',
  ecosystem: 'cargo',
  tags: ['language', 'installed', 'image', 'directory', 'binary', 'rust', 'cargo'],
  parsers: [{ globs: EXECUTABLE_GLOBS, randomAccess: true, parse: parseCargoAuditable }],
});
