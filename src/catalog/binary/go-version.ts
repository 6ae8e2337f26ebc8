/**
 * The Go toolchain's `VERSION` file at the root of a Go installation (`/usr/local/go/VERSION` in the
 * golang images, `/usr/lib/go-1.19/VERSION` on Debian): its first line is the release (`go1.22.1`;
 * since Go 1.21 further lines say `time ...`). A toolchain built from a development checkout says
 * `devel go1.25-d524e1e <date>`: reported as `1.25-d524e1e` (the release line and the commit), as syft's
 * go-binary-hint classifier reports it.
 */
import type { CatalogContext, ParseResult, RandomAccessCatalogFile } from '../cataloger.js';
import { GO, goToolchainVersion } from './executable.js';
import { runtimePackage } from './runtime-package.js';

const MAX_VERSION_BYTES = 4096;

export function parseGoVersionFile(file: RandomAccessCatalogFile, _ctx: CatalogContext): ParseResult {
  if (file.file.size > MAX_VERSION_BYTES) return { packages: [] };
  const first = file.file.read(0, MAX_VERSION_BYTES).toString('utf8').split(/\r?\n/)[0]!.trim();
  const devel = /^devel go(\d+\.\d+-[0-9a-f]{7,40})(?:\s|$)/.exec(first);
  const version = devel === null ? goToolchainVersion(first) : devel[1];
  return { packages: version === undefined ? [] : [runtimePackage(GO, version, file.location, 'go-version-file')] };
}
