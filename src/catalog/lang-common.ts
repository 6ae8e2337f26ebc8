/**
 * Small helpers shared by the language-ecosystem catalogers (java, npm, python, go, rust, ruby, php,
 * dotnet): building a Package with a stable id, reading JSON/text defensively, licence lists.
 */
import { buildPurl, type PurlParts } from '../core/ecosystem.js';
import { normalizeLicense } from '../core/license.js';
import { packageId } from '../sbom/ids.js';
import type { Location, Package, PackageType } from '../sbom/model.js';

export interface LangPackageInput {
  name: string;
  version: string;
  type: PackageType;
  purl?: string | undefined;
  location: Location;
  foundBy: string;
  licenses?: readonly string[] | undefined;
  hashes?: Record<string, string> | undefined;
  group?: string | undefined;
  description?: string | undefined;
  supplier?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
}

/** The purl of these parts, or undefined where packageurl-js refuses them (the package is still reported, by name). */
export function purlOrUndefined(parts: PurlParts): string | undefined {
  try {
    return buildPurl(parts);
  } catch {
    return undefined;
  }
}

/** A Package with its stable id (sbom/ids.ts) and normalised, de-duplicated licences. */
export function langPackage(i: LangPackageInput): Package {
  const p: Package = {
    id: '',
    name: i.name,
    version: i.version,
    type: i.type,
    licenses: licenseList(i.licenses ?? []),
    locations: [{ ...i.location }],
    foundBy: [i.foundBy],
  };
  if (i.purl !== undefined) p.purl = i.purl;
  if (i.hashes !== undefined && Object.keys(i.hashes).length > 0) p.hashes = i.hashes;
  if (i.group) p.group = i.group;
  if (i.description) p.description = i.description;
  if (i.supplier) p.supplier = i.supplier;
  if (i.metadata !== undefined && Object.keys(i.metadata).length > 0) p.metadata = i.metadata;
  p.id = packageId(p);
  return p;
}

/** Licence texts → SPDX where certain (core/license.ts), else kept as found; empty dropped, distinct. */
export function licenseList(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (const r of raw) {
    if (typeof r !== 'string') continue;
    const n = normalizeLicense(r);
    if (n !== '' && !out.includes(n)) out.push(n);
  }
  return out;
}

/** Bytes → text, without a UTF-8 BOM. */
export function textOf(contents: Buffer): string {
  const s = contents.toString('utf8');
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

/** Parse JSON; throws an Error naming the problem (the runner turns it into a warning naming the file). */
export function parseJsonText(contents: Buffer, what: string): unknown {
  try {
    return JSON.parse(textOf(contents)) as unknown;
  } catch (err) {
    throw new Error(`invalid JSON in ${what}: ${(err as Error).message}`, { cause: err });
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A string field, or undefined when absent or not a string. */
export function str(o: unknown, key: string): string | undefined {
  if (!isRecord(o)) return undefined;
  const v = o[key];
  return typeof v === 'string' ? v : undefined;
}

/** Directory part of an absolute path ('/a/b/c' → '/a/b'). */
export function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** Last path segment. */
export function baseOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * The first `max` items of a list for a warning or an incomplete entry, and how many more there are:
 * `a, b, c and 7 more` (with `'; '`: `a; b; c; and 7 more`). Messages stay short on hostile files with
 * thousands of bad entries.
 */
export function nameSome(items: readonly string[], max: number, separator = ', '): string {
  const named = items.slice(0, max).join(separator);
  return items.length > max ? `${named}${separator === ', ' ? '' : separator.trimEnd()} and ${items.length - max} more` : named;
}

/**
 * What a lock file or manifest says about the project it belongs to: `root` is the project itself (a
 * package-lock's root, a go.mod's main module, a pom's own coordinates, a uv root, a `.deps.json`
 * project), `workspace` a member of it (npm/yarn/bun workspaces, the other projects of a solution).
 * They are reported as packages, marked `metadata.project`, so the SBOM names what is first-party and
 * `sbom query` can find the images that run a given project; the version is empty when the file names
 * none (go.mod, an unversioned workspace member), and such a package is never matched (no version).
 */
export type ProjectRole = 'root' | 'workspace';

/** `metadata` marked as the project's root or a workspace member (README "Language catalogers"). */
export function projectMetadata(role: ProjectRole, metadata: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...metadata, project: role };
}
