/**
 * Catalogers: pure parsers over the squashed filesystem (STYLE.md §6).
 * The runner walks the resolver once and calls each parser whose globs match.
 */
import type { Ecosystem } from '../core/ecosystem.js';
import type { Incomplete } from '../core/incomplete.js';
import type { LinuxRelease, Location, Package, Relationship } from '../sbom/model.js';
import type { RandomAccessFile } from '../source/types.js';

export type CatalogerTag = 'os' | 'language' | 'installed' | 'declared' | 'directory' | 'image' | 'binary' | string;

/** What a parser gets: one file's bytes and where it was found. */
export interface CatalogFile {
  location: Location;
  contents: Buffer;
}

/** What a random-access parser gets: one file to read parts of (the runner closes it afterwards). */
export interface RandomAccessCatalogFile {
  location: Location;
  file: Omit<RandomAccessFile, 'close'>;
}

export interface CatalogContext {
  /** Distro from /etc/os-release, when the image has one. */
  distro?: LinuxRelease;
  /** Something worth knowing that loses no package (a field custody ignores, a lenient read that recovered). */
  warn(message: string, location?: Location): void;
  /**
   * Part of a claimed file could not be read, so packages may be missing (a corrupt page of a
   * package database, an entry that cannot be parsed, a nested archive over the limits). Also
   * printed as a warning. A parser that throws marks its whole file incomplete; call this for
   * partial reads. `location` defaults to the file being parsed.
   */
  incomplete(reason: string, location?: Location): void;
  /** Limits for nested archives and big files (issue #3, "Bounds"). */
  limits: CatalogLimits;
  /**
   * Contents of another file of the same root, for files a parser declared in its `companions`
   * globs (e.g. dpkg reads /usr/share/doc/<pkg>/copyright); undefined when absent or not retained.
   * Set by the runner; parsers stay pure (no fs), the bytes are injected.
   */
  read?: (path: string) => Promise<Buffer | undefined>;
  /**
   * Paths of the regular files matching the parser's `companions` globs, listed once per run (a yarn
   * classic project names its workspace members by globs, `packages/*`); set by the runner with `read`.
   */
  companionPaths?: () => readonly string[];
}

export interface CatalogLimits {
  maxNestingDepth: number;
  maxFileBytes: number;
  maxTotalBytes: number;
  maxCompressionRatio: number;
}

export const DEFAULT_LIMITS: CatalogLimits = {
  maxNestingDepth: 8,
  maxFileBytes: 256 * 1024 * 1024,
  maxTotalBytes: 2 * 1024 * 1024 * 1024,
  maxCompressionRatio: 200,
};

export interface ParseResult {
  packages: Package[];
  relationships?: Relationship[];
  /**
   * OS package databases only: the files each package installed (absolute paths in the root), keyed
   * by the package objects of `packages`. The runner uses them once for two rules: a runtime binary
   * a package lists is not reported again, and a language package whose files a distro package
   * lists gets an `owns` relationship from it. Not written to any output.
   */
  ownedFiles?: Map<Package, readonly string[]>;
  /**
   * A directory a package installed everything under (a Bitnami component's `/opt/bitnami/<app>`): a
   * runtime binary inside it is that package, not reported again. Unlike `ownedFiles` it gives no `owns`
   * relationships: other packages bundled there keep their own ecosystem's advisories.
   */
  ownedDirs?: Map<Package, string>;
  /**
   * Files this result already describes (a `.deps.json`: the assemblies it deploys, as absolute paths):
   * what a `yieldsToDescribed` parser finds at one of these paths is not reported again. Not written to any output.
   */
  describedFiles?: readonly string[];
}

export type { Incomplete };

interface ParserBase {
  globs: readonly string[];
  /** Extra files this parser reads through `ctx.read` (their contents are retained, they are not parsed on their own). */
  companions?: readonly string[];
  /**
   * The parser reads `ctx.distro` (OS package databases: the purl's namespace and `distro` qualifier).
   * Such parsers, and those with `companions`, run once the whole image has been walked, on kept
   * bytes; every other parser gets each file as its bytes stream past (catalog/stream.ts), with a
   * context that has neither `distro` nor `read`.
   */
  usesDistro?: boolean;
  /**
   * Runtime-binary parsers: the runner runs them after every other parser (so the OS package
   * databases have been read) and hands them only files that no OS package lists: whatever they
   * would find in such a file is dropped by the ownership rule anyway (catalog/ownership.ts).
   */
  onlyUnowned?: boolean;
  /**
   * The parser learns what it needs from paths alone (a Nix store path names its package): its globs
   * also match directories (and symlinks), its files' bytes are never read nor kept (`contents` is
   * empty), and it runs after the walk.
   */
  pathsOnly?: boolean;
  /** Its packages are dropped where another parser's `describedFiles` names their file (a .NET assembly a .deps.json lists). */
  yieldsToDescribed?: boolean;
}

/** A parser of whole files (nearly all of them). */
export interface ContentParserSpec extends ParserBase {
  randomAccess?: false;
  parse(file: CatalogFile, ctx: CatalogContext): ParseResult | Promise<ParseResult>;
}

/** A parser that reads only parts of its files (executables: header, section table, one section). */
export interface RandomAccessParserSpec extends ParserBase {
  randomAccess: true;
  /**
   * It reads a bounded header and nothing else, so files over `limits.maxFileBytes` are parsed too (an ML
   * model of many GB: its GGUF header is at the start). Others skip such files as incomplete.
   */
  anySize?: boolean;
  parse(file: RandomAccessCatalogFile, ctx: CatalogContext): ParseResult | Promise<ParseResult>;
}

export type ParserSpec = ContentParserSpec | RandomAccessParserSpec;

export interface Cataloger {
  name: string;
  ecosystem: Ecosystem;
  tags: readonly CatalogerTag[];
  parsers: readonly ParserSpec[];
  /**
   * Not run unless `--select` names it (its name or first word, not a tag): what it reports is a claim, not
   * evidence found in the tree (the sbom-cataloger, as syft leaves it out of its defaults). `+name` adds it
   * to the default set.
   */
  optIn?: boolean;
  /**
   * Relationships between packages this cataloger found in different files (a kernel and the modules
   * built for it), once all its files are parsed; given every package it reported, by id.
   */
  relate?(packages: readonly Package[]): Relationship[];
}

export function defineCataloger(c: Cataloger): Cataloger {
  return c;
}
