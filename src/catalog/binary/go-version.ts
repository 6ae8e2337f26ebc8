/**
 * The Go toolchain's `VERSION` file at the root of a Go installation (`/usr/local/go/VERSION` in the
 * golang images, `/usr/lib/go-1.19/VERSION` on Debian): its first line is the release (`go1.22.1`;
 * since Go 1.21 further lines say `time ...`).
 */
import type { CatalogContext, ParseResult, RandomAccessCatalogFile } from '../cataloger.js';
import { GO, goToolchainVersion } from './executable.js';
import { runtimePackage } from './runtime-package.js';

const MAX_VERSION_BYTES = 4096;

export function parseGoVersionFile(file: RandomAccessCatalogFile, _ctx: CatalogContext): ParseResult {
  if (file.file.size > MAX_VERSION_BYTES) return { packages: [] };
  const first = file.file.read(0, MAX_VERSION_BYTES).toString('utf8').split(/\r?\n/)[0]!.trim();
  const version = goToolchainVersion(first);
  return { packages: version === undefined ? [] : [runtimePackage(GO, version, file.location, 'go-version-file')] };
}
