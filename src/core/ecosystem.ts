/**
 * Package-URL helpers: every purl in custody is built and parsed here (packageurl-js),
 * never by string concatenation.
 */
import { PackageURL } from 'packageurl-js';

/** Ecosystems custody knows; the purl type is the key. */
export type Ecosystem =
  | 'deb'
  | 'apk'
  | 'rpm'
  | 'maven'
  | 'npm'
  | 'pypi'
  | 'golang'
  | 'cargo'
  | 'gem'
  | 'composer'
  | 'nuget'
  | 'generic'
  | 'alpm'
  | 'conda'
  | 'cran'
  | 'conan'
  | 'pub'
  | 'hex'
  | 'swift'
  | 'cocoapods'
  | 'bitnami'
  | 'ebuild'
  | 'github'
  | 'terraform'
  | 'luarocks'
  | 'julia'
  | 'hackage'
  | 'opam'
  | 'wordpress'
  | 'swiplpack'
  | 'brew'
  | 'nix'
  | 'vcpkg';

export interface PurlParts {
  type: string;
  namespace?: string | undefined;
  name: string;
  version?: string | undefined;
  qualifiers?: Record<string, string> | undefined;
  subpath?: string | undefined;
}

/** Build a canonical purl string. Empty qualifiers are dropped. */
export function buildPurl(p: PurlParts): string {
  const qualifiers: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.qualifiers ?? {})) if (v !== '') qualifiers[k] = v;
  return new PackageURL(
    p.type,
    p.namespace || undefined,
    p.name,
    p.version || undefined,
    Object.keys(qualifiers).length > 0 ? qualifiers : undefined,
    p.subpath || undefined,
  ).toString();
}

// Parsing is the costly part of reading big SBOMs, and fleets repeat the same purls: remember recent ones.
const PURL_MEMO_MAX = 50_000;
const purlMemo = new Map<string, PurlParts | null>();

function parsePurlUncached(purl: string): PurlParts | undefined {
  try {
    const p = PackageURL.fromString(purl);
    return {
      type: p.type,
      namespace: p.namespace ?? undefined,
      name: p.name,
      version: p.version ?? undefined,
      qualifiers: (p.qualifiers as Record<string, string> | undefined) ?? undefined,
      subpath: p.subpath ?? undefined,
    };
  } catch {
    return undefined;
  }
}

/** Parse a purl; undefined when it is not a valid purl (never throws). Each call returns a fresh object. */
export function parsePurl(purl: string): PurlParts | undefined {
  let parts = purlMemo.get(purl);
  if (parts === undefined) {
    parts = parsePurlUncached(purl) ?? null;
    if (purlMemo.size >= PURL_MEMO_MAX) purlMemo.clear();
    purlMemo.set(purl, parts);
  }
  if (parts === null) return undefined;
  return { ...parts, qualifiers: parts.qualifiers ? { ...parts.qualifiers } : undefined };
}

/** Source package from a purl `upstream` qualifier ('krb5', 'krb5@1.17', 'avahi-0.7-20.el8.src.rpm') or metadata. */
export function sourceNameOf(type: string, upstream: string | undefined, metadata: Record<string, unknown> | undefined): string | undefined {
  let src = upstream;
  if (!src && metadata) {
    for (const k of ['source', 'Source', 'sourcePackage', 'origin', 'originPackage', 'sourceRpm']) {
      const v = metadata[k];
      if (typeof v === 'string' && v !== '') {
        src = v;
        break;
      }
    }
  }
  if (!src) return undefined;
  if (type === 'rpm' && src.endsWith('.src.rpm')) {
    // name-version-release.src.rpm: the name is everything before the last two dashes.
    const base = src.slice(0, -'.src.rpm'.length);
    const parts = base.split('-');
    return parts.length >= 3 ? parts.slice(0, -2).join('-') : base;
  }
  return src.split(/[@ (]/)[0] || undefined;
}
