/**
 * Helpers shared by the SBOM decoders: lenient field access, package types from purls,
 * stable ids, and the warnings sink. Decoders never throw on odd fields; they warn and go on.
 */
import { createHash } from 'node:crypto';
import { parsePurl } from '../core/ecosystem.js';
import type { Location, Package, PackageType, SourceDescription } from './model.js';

export interface DecodeContext {
  /** Name of the input, for messages. */
  source: string;
  warn(message: string): void;
  /** Build only the packages this accepts (see `PackageFilter`); every package when absent. */
  keep?: PackageFilter | undefined;
  /**
   * A CycloneDX `metadata.component` that is software (an application, library, framework, platform…, not
   * an image, a file or an OS) is a package too, not only the subject: an SBOM found inside a scanned tree
   * describes software that is there (syft's and trivy's sbom catalogers report it).
   */
  subjectAsPackage?: boolean;
}

/**
 * A cheap look at a package before it is built: its raw name, raw purl text (several joined by spaces when a
 * format lists more than one) and group. `sbom query` passes one that keeps only packages whose raw strings
 * can hold the name it looks for, so a big SBOM with one match does not build thousands of packages.
 * Decoders still read every document-level field (subject, tools) and every package an SPDX document describes.
 */
export type PackageFilter = (name: string, purl: string | undefined, group: string | undefined) => boolean;

const PURL_TYPES: Record<string, PackageType> = {
  deb: 'deb',
  apk: 'apk',
  alpm: 'alpm',
  rpm: 'rpm',
  maven: 'java-archive',
  npm: 'npm',
  pypi: 'python',
  golang: 'go-module',
  cargo: 'rust-crate',
  gem: 'gem',
  composer: 'php-composer',
  pear: 'php-pear',
  nuget: 'dotnet',
  generic: 'unknown',
  conda: 'conda',
  cran: 'r-package',
  conan: 'conan',
  pub: 'dart-pub',
  hex: 'hex',
  swift: 'swift',
  cocoapods: 'cocoapods',
  bitnami: 'bitnami',
  ebuild: 'portage',
  github: 'github-action',
  terraform: 'terraform',
  luarocks: 'lua-rocks',
  julia: 'julia',
  hackage: 'hackage',
  opam: 'opam',
  wordpress: 'wordpress',
  // syft's purl type word for its plugins (type.go PackageURLType)
  'wordpress-plugin': 'wordpress',
  swiplpack: 'swiplpack',
  brew: 'homebrew',
  nix: 'nix',
  vcpkg: 'vcpkg',
};

/**
 * Syft's and trivy's package type words that are not custody's own (`toolTypeOf` takes custody's own words as
 * they are) → custody's PackageType.
 */
const TOOL_TYPE_ALIASES: Record<string, PackageType> = {
  'jenkins-plugin': 'java-archive',
  jar: 'java-archive',
  pom: 'java-archive',
  'node-pkg': 'npm',
  'python-pkg': 'python',
  gomod: 'go-module',
  gobinary: 'go-module',
  cargo: 'rust-crate',
  gemspec: 'gem',
  composer: 'php-composer',
  'php-pecl': 'php-pear',
  pear: 'php-pear',
  nuget: 'dotnet',
  'conda-pkg': 'conda',
  'conda-environment': 'conda',
  'conan-lock': 'conan',
  pub: 'dart-pub',
  pod: 'cocoapods',
  'github-action-workflow': 'github-action',
  luarocks: 'lua-rocks',
  'wordpress-plugin': 'wordpress',
  brew: 'homebrew',
};

/** A tool's package type word as custody's PackageType: custody's own words, and syft's and trivy's. */
function toolTypeOf(word: string): PackageType | undefined {
  const w = word.toLowerCase();
  return TOOL_TYPE_ALIASES[w] ?? custodyType(w);
}

export function packageTypeOf(purl: string | undefined, toolType?: string): PackageType {
  if (purl) {
    const p = parsePurl(purl);
    if (p) {
      const t = PURL_TYPES[p.type];
      // pkg:generic says nothing about the kind of package: the tool's own word does (syft/custody `binary`).
      if (t && !(t === 'unknown' && toolType !== undefined && toolTypeOf(toolType) !== undefined)) return t;
    }
  }
  if (toolType) return toolTypeOf(toolType) ?? 'unknown';
  return 'unknown';
}

const PACKAGE_TYPES: ReadonlySet<string> = new Set<PackageType>(['deb', 'apk', 'rpm', 'java-archive', 'npm', 'python', 'go-module', 'rust-crate', 'gem', 'php-composer', 'php-pear', 'dotnet', 'binary', 'unknown', 'alpm', 'conda', 'r-package', 'conan', 'dart-pub', 'hex', 'swift', 'cocoapods', 'bitnami', 'portage', 'github-action', 'terraform', 'lua-rocks', 'julia', 'hackage', 'opam', 'wordpress', 'swiplpack', 'apple-app-bundle', 'model', 'homebrew', 'nix', 'linux-kernel', 'linux-kernel-module', 'vcpkg']);

/** custody's own type word as written in its documents (`custody:type`), if it is one. */
export function custodyType(s: string | undefined): PackageType | undefined {
  return s !== undefined && PACKAGE_TYPES.has(s) ? (s as PackageType) : undefined;
}

/**
 * A location path as custody reports it: tools that write paths relative to the image root (trivy's
 * `FilePath`, `opt/app/x.jar`) get the leading slash custody's own paths have, so the same file has one
 * spelling whoever found it. Paths of directory and file subjects stay as written.
 */
export function locationPath(path: string, subjectKind: SourceDescription['kind']): string {
  return subjectKind === 'image' && !path.startsWith('/') ? `/${path}` : path;
}

/**
 * Locations without duplicates, in first-seen order: the same file named by two conventions of one
 * document (a CycloneDX occurrence and a custody or syft property) is one location, with its layer when
 * any convention names it. The same path in two layers (a file replaced by a later layer) stays two.
 */
export function mergeLocations(list: readonly Location[]): Location[] {
  const layered = new Set(list.filter((l) => l.layer).map((l) => l.path));
  const seen = new Set<string>();
  const out: Location[] = [];
  for (const l of list) {
    if (!l.layer && layered.has(l.path)) continue;
    const k = `${l.path}\u0000${l.layer ?? ''}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(l.layer ? { path: l.path, layer: l.layer } : { path: l.path });
  }
  return out;
}

/** A purl if `s` parses as one, else undefined. */
export function validPurl(s: unknown): string | undefined {
  if (typeof s !== 'string' || !s.startsWith('pkg:')) return undefined;
  return parsePurl(s) ? s : undefined;
}

export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function arr(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (v === undefined || v === null) return [];
  return [v];
}

export function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** 'NOASSERTION' / 'NONE' / empty → undefined. */
export function assertion(v: unknown): string | undefined {
  const s = str(v)?.trim();
  if (!s || s === 'NOASSERTION' || s === 'NONE') return undefined;
  return s;
}

/** Derive a stable id when the document gives none (never random). */
export function stableId(parts: (string | undefined)[]): string {
  return createHash('sha256').update(parts.map((p) => p ?? '').join('\u0000')).digest('hex').slice(0, 16);
}

/** Make ids unique within a document (duplicates get a '#n' suffix) and return the package list. */
export function uniqueIds(packages: Package[]): Package[] {
  const seen = new Map<string, number>();
  for (const p of packages) {
    const n = seen.get(p.id) ?? 0;
    seen.set(p.id, n + 1);
    if (n > 0) p.id = `${p.id}#${n}`;
  }
  return packages;
}

export function dedupe<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/**
 * The RHEL 8 module stream (`name:stream:version:context`) of an rpm package, which the vulnerability
 * matcher needs: custody's and syft's metadata (`modularityLabel`, given here as the candidate values
 * a format carries) or trivy's purl qualifier `modularitylabel`.
 */
export function modularityLabelOf(purl: string | undefined, candidates: readonly (string | undefined)[]): string | undefined {
  for (const c of candidates) if (c !== undefined && c.trim() !== '') return c.trim();
  const q = purl === undefined ? undefined : parsePurl(purl)?.qualifiers?.modularitylabel;
  return q !== undefined && q !== '' ? q : undefined;
}

/** 'syft-0.57.0' → { name: 'syft', version: '0.57.0' } (SPDX creator tool strings). */
export function splitToolString(s: string): { name: string; version: string } {
  const m = /^(.*?)[-@ ]v?(\d[\w.+~-]*)$/.exec(s.trim());
  return m ? { name: m[1]!, version: m[2]! } : { name: s.trim(), version: '' };
}

/** Limits on what a decoder accepts (memory stays bounded). */
export const DECODE_LIMITS = {
  maxBytes: 1024 * 1024 * 1024,
  /** `sbom query` reads JSON files from this size on as a token stream (sbom/json-stream.ts), not as one string. */
  streamFrom: 64 * 1024 * 1024,
  maxNesting: 64,
  maxPackages: 2_000_000,
};
