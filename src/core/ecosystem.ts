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
  | 'generic';

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

/** Parse a purl; undefined when it is not a valid purl (never throws). */
export function parsePurl(purl: string): PurlParts | undefined {
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
