/**
 * Runtime executables and libraries (`python3.11`, `libpython3.12.so.1.0`, `node`, `libnode.so.108`,
 * `redis-server`, `busybox`, `httpd`, `postgres`, `nginx`, `openssl`, `libcrypto.so.3`, `curl`,
 * `libcurl.so.4`, the Go toolchain's `go`, and syft's other classifiers): the classifiers for the file
 * name search the file's string sections for their versions, all in one pass (scan.ts: bounded, random
 * access, never the whole file in memory). A file whose name matches but which shows no version gives
 * nothing; if the search stopped at its byte cap first, the file is reported incomplete.
 */
import { readGoBuildInfo } from '../go/buildinfo.js';
import { baseOf } from '../lang-common.js';
import type { CatalogContext, ParseResult, RandomAccessCatalogFile } from '../cataloger.js';
import type { Package } from '../../sbom/model.js';
import { classifiersFor, type Classifier, type ClassifierPattern } from './classifiers.js';
import { runtimePackage, type RuntimeProduct } from './runtime-package.js';
import { MAX_SCAN_BYTES, scanForPatterns } from './scan.js';

export const GO: RuntimeProduct = { name: 'go', cpes: [['golang', 'go']] };

/** syft's go-binary text match (`runtime.buildVersion`, NUL-terminated), for a `go` without build information. */
const GO_TEXT: Classifier = {
  class: 'go-binary',
  file: /^go$/,
  patterns: () => [{ anchor: 'go1.', re: /go(?<version>1\.\d+(?:\.\d+|beta\d+|alpha\d+|rc\d+)?)\x00/ }],
  product: GO,
};

/** `go1.21.5`, `go1.22rc2` → the version syft and the Go vulnerability data use (`1.21.5`, `1.22rc2`). */
export function goToolchainVersion(goVersion: string): string | undefined {
  return /^go(\d+\.\d+(?:\.\d+|beta\d+|alpha\d+|rc\d+)?)(?:\s|$|[-+ ])/.exec(goVersion)?.[1];
}

export function parseRuntimeExecutable(file: RandomAccessCatalogFile, ctx: CatalogContext): ParseResult {
  const name = baseOf(file.location.path);
  if (name === 'go') {
    const info = readGoBuildInfo(file.file);
    if (info !== undefined) {
      // The toolchain's own command: its build info says `path cmd/go` and the Go version it is (one built
      // before Go 1.18 has no module information for the standard library's commands: the version alone).
      // Another Go program named `go` is not the toolchain (its modules are the go-binary cataloger's).
      const version = info.path === 'cmd/go' || info.path === undefined ? goToolchainVersion(info.goVersion) : undefined;
      return { packages: version === undefined ? [] : [runtimePackage(GO, version, file.location, 'go-binary')] };
    }
    // No Go build information to read (not a whole executable, or one stripped of it): the version string
    // the Go runtime keeps (`go1.21.3\0`), as syft's go-binary classifier reads it.
    return classifyFile(file, ctx, [{ classifier: GO_TEXT, match: GO_TEXT.file.exec(name)! }]);
  }
  return classifyFile(file, ctx, classifiersFor(name));
}

/** The classifiers' packages for one file: one pass over it for all of them (scan.ts), the first matching pattern of each. */
export function classifyFile(file: RandomAccessCatalogFile, ctx: CatalogContext, found: readonly { classifier: Classifier; match: RegExpExecArray }[]): ParseResult {
  if (found.length === 0) return { packages: [] };
  // Their patterns, then the literals (or expressions) some of them require.
  const lists = found.map((f) => f.classifier.patterns(f.match).filter((p) => p.path === undefined || p.path.test(file.location.path)));
  const all: ClassifierPattern[] = lists.flat();
  const required = new Map<string, number>();
  for (const p of all) {
    const req = p.requires;
    if (req === undefined) continue;
    const key = requirementKey(req);
    if (required.has(key)) continue;
    required.set(key, all.length);
    all.push(typeof req === 'string' ? { anchor: req, re: new RegExp(req.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), presence: true } : { re: req, presence: true });
  }
  // Done early once every classifier's first pattern (what it would pick anyway) and every requirement matched.
  const firsts: number[] = [];
  lists.reduce((at, l) => (firsts.push(at), at + l.length), 0);
  const r = scanForPatterns(file.file, all, (hits) => firsts.every((i, c) => lists[c]!.length === 0 || hits[i] !== undefined) && [...required.values()].every((i) => hits[i] !== undefined));
  const packages: Package[] = [];
  const seen = new Set<string>();
  lists.forEach((list, c) => {
    const base = firsts[c]!;
    for (let i = 0; i < list.length; i++) {
      const pat = list[i]!;
      const hit = r.hits[base + i];
      if (hit === undefined || hit.version === '') continue;
      if (pat.requires !== undefined && r.hits[required.get(requirementKey(pat.requires))!] === undefined) continue;
      const classifier = found[c]!.classifier;
      const cpe = pat.cpeVersion?.(hit.groups);
      const pkg = runtimePackage(pat.product ?? classifier.product, hit.version, file.location, pat.class ?? classifier.class, ...(cpe ? [cpe] : []));
      if (!seen.has(pkg.purl ?? pkg.name)) packages.push(pkg);
      seen.add(pkg.purl ?? pkg.name);
      return;
    }
  });
  if (packages.length === 0 && r.truncated) {
    ctx.incomplete(`searched the first ${MAX_SCAN_BYTES} bytes of its string sections for a ${found[0]!.classifier.product.name} version; none found there`);
  }
  return { packages };
}

const requirementKey = (req: string | RegExp): string => (typeof req === 'string' ? `=${req}` : `/${req.source}/${req.flags}`);
