/**
 * Runtime executables and libraries (`python3.11`, `libpython3.12.so.1.0`, `node`, `libnode.so.108`,
 * `redis-server`, `busybox`, `httpd`, `postgres`, `nginx`, `openssl`, `libcrypto.so.3`, `curl`,
 * `libcurl.so.4`, the Go toolchain's `go`): the classifier for the file name searches the file's
 * string sections for its version (scan.ts: bounded, random access, never the whole file in memory).
 * A file whose name matches but which shows no version gives nothing; if the search stopped at its
 * byte cap first, the file is reported incomplete.
 */
import { readGoBuildInfo } from '../go/buildinfo.js';
import { baseOf } from '../lang-common.js';
import type { CatalogContext, ParseResult, RandomAccessCatalogFile } from '../cataloger.js';
import { classifierFor } from './classifiers.js';
import { runtimePackage, type RuntimeProduct } from './runtime-package.js';
import { MAX_SCAN_BYTES, scanForVersion } from './scan.js';

export const GO: RuntimeProduct = { name: 'go', cpes: [['golang', 'go']] };

/** `go1.21.5`, `go1.22rc2` → the version syft and the Go vulnerability data use (`1.21.5`, `1.22rc2`). */
export function goToolchainVersion(goVersion: string): string | undefined {
  return /^go(\d+\.\d+(?:\.\d+|beta\d+|alpha\d+|rc\d+)?)(?:\s|$|[-+ ])/.exec(goVersion)?.[1];
}

export function parseRuntimeExecutable(file: RandomAccessCatalogFile, ctx: CatalogContext): ParseResult {
  const name = baseOf(file.location.path);
  if (name === 'go') {
    // The toolchain's own command: its build info says `path cmd/go` and the Go version it is.
    const info = readGoBuildInfo(file.file);
    const version = info?.path === 'cmd/go' ? goToolchainVersion(info.goVersion) : undefined;
    return { packages: version === undefined ? [] : [runtimePackage(GO, version, file.location, 'go-binary')] };
  }
  const found = classifierFor(name);
  if (found === undefined) return { packages: [] };
  const patterns = found.classifier.patterns(found.match);
  const r = scanForVersion(file.file, patterns);
  if (r.hit === undefined) {
    if (r.truncated) ctx.incomplete(`searched the first ${MAX_SCAN_BYTES} bytes of its string sections for a ${found.classifier.product.name} version; none found there`);
    return { packages: [] };
  }
  const product = patterns[r.hit.pattern]!.product ?? found.classifier.product;
  return { packages: [runtimePackage(product, r.hit.version, file.location, found.classifier.class)] };
}
