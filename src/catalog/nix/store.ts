/**
 * Nix store paths (https://nix.dev/manual/nix/latest/store/store-path): every entry directly under
 * `/nix/store/` is one store object named `<hash>-<name>`, and nixpkgs names a package's outputs
 * `<pname>-<version>[-<output>]` (https://nixos.org/manual/nixpkgs/stable/#sec-package-naming). Read as
 * syft's store cataloger reads them, from the path alone (pathsOnly: no file is opened):
 * - the version is the first `-` followed by a digit and what a version is made of from there
 *   (`2.34-210`, `1.1.1q`, `5.1-p16`, `20210910-3.1`), or a trailing `unstable-YYYY-MM-DD`; a last
 *   `-word` without a digit is the output (`-bin`, `-lib`, `-man`); the name is what precedes it;
 * - `.drv` derivations are not packages, nor are store objects without a version (sources, patches,
 *   hooks, wrappers: `…-source`, `…-fix-x64-abi.patch`), which are skipped silently; an entry that is no
 *   `<hash>-<name>` store object (other than Nix's own `.links`) is a warning.
 * Purl `pkg:nix/<name>@<version>?output=<output>&outputhash=<hash>` as syft writes it (no purl type is
 * registered for Nix yet); the store path, hash and output in metadata. No OSV ecosystem covers Nix.
 */
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { baseOf, langPackage, purlOrUndefined } from '../lang-common.js';

const CATALOGER = 'nix-store-cataloger';
/** Longest store object name read (Nix's own limit is 211 characters). */
const MAX_NAME = 1024;

/** Nix's base-32 alphabet (no e, o, u, t), 32 characters: the store path's hash part. */
const HASH = /^[0-9abcdfghijklmnpqrsvwxyz]{32}$/;
const UNSTABLE = /-(unstable-\d{4}-\d{2}-\d{2})$/;
/** syft's version pattern: major[.minor][.patch]{0,3}[-prerelease…][+metadata] after a `-`; group 1 the version, 7 the last prerelease run. */
const VERSIONISH = /-(([0-9][a-zA-Z0-9]*)(\.([0-9][a-zA-Z0-9]*))?(\.(0|[1-9][a-zA-Z0-9]*)){0,3}(?:-(\d*[.0-9a-zA-Z-]*)*)?(?:\+([.0-9a-zA-Z-]+(?:\.[.0-9a-zA-Z-]+)*))?)/;

export interface NixStorePath {
  hash: string;
  name: string;
  version: string;
  /** The output (`bin`, `lib`, `man`, …); '' for the default `out`. */
  output: string;
}

/** Where the version starts in a store object's base name, the version as found, and its last prerelease run. */
export function findVersionIsh(base: string): { index: number; version: string; prerelease: string } | undefined {
  const u = UNSTABLE.exec(base);
  if (u) return { index: u.index + 1, version: u[1]!, prerelease: '' };
  const m = VERSIONISH.exec(base);
  return m ? { index: m.index + 1, version: m[1]!, prerelease: m[7] ?? '' } : undefined;
}

/** A store object's base name (`<hash>-<name>-<version>[-<output>]`) → its parts; undefined when it names no versioned package. */
export function parseNixStoreName(base: string): NixStorePath | undefined {
  if (base.endsWith('.drv')) return undefined;
  const v = findVersionIsh(base);
  if (v === undefined) return undefined;
  const head = base.slice(0, v.index).replace(/-$/, '');
  const dash = head.indexOf('-');
  if (dash <= 0 || dash === head.length - 1) return undefined;
  const last = v.prerelease.split('-').pop() ?? '';
  // a last run without a digit is the output: `-bin`, `-lib`, `-p16-man`
  const isOutput = last !== '' && !/\d/.test(last);
  return {
    hash: head.slice(0, dash),
    name: head.slice(dash + 1),
    version: isOutput ? v.version.slice(0, -(last.length + 1)) : v.version,
    output: isOutput ? last : '',
  };
}

export function parseNixStoreEntry(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const path = file.location.path;
  const base = baseOf(path);
  if (base.startsWith('.')) return { packages: [] }; // .links (hard-link deduplication), lock files
  const dash = base.indexOf('-');
  // Nix refuses store names over 211 characters
  if (dash < 0 || !HASH.test(base.slice(0, dash)) || base.length > MAX_NAME) {
    ctx.warn(`${base} is not a Nix store object (<hash>-<name>); not read`, file.location);
    return { packages: [] };
  }
  const p = parseNixStoreName(base);
  if (p === undefined || p.version === '') return { packages: [] };
  const qualifiers: Record<string, string> = { outputhash: p.hash };
  if (p.output !== '') qualifiers.output = p.output;
  const metadata: Record<string, unknown> = { path, outputHash: p.hash };
  if (p.output !== '') metadata.output = p.output;
  return {
    packages: [
      langPackage({
        name: p.name,
        version: p.version,
        type: 'nix',
        purl: purlOrUndefined({ type: 'nix', name: p.name, version: p.version, qualifiers }),
        location: file.location,
        foundBy: CATALOGER,
        metadata,
      }),
    ],
  };
}
