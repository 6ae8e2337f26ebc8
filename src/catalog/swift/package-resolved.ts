/**
 * Swift Package Manager: Package.resolved (Xcode keeps it under `*.xcworkspace/xcshareddata/swiftpm/`),
 * JSON in three versions:
 * - v1: `{object: {pins: [{package, repositoryURL, state: {branch, revision, version}}]}, version: 1}`;
 * - v2 and v3 (v3 adds `originHash`): `{pins: [{identity, kind, location, state}], version: 2|3}`.
 *
 * The purl is syft's: `pkg:swift/<host>/<path>/<name>@<version>`, the namespace being the repository URL
 * without scheme, user, `.git` and the last segment when it is the package's name (`git@host:owner/repo`
 * is read as `host/owner/repo`). A pin resolved by branch or revision only is reported at the locked
 * revision, the branch kept in metadata (syft reports it without a version, trivy at the branch name).
 * A `localSourceControl` pin is a checkout on the building machine: a warning, not a package. A registry
 * pin (`scope.name`, SE-0292) has the scope as its purl namespace.
 */
import type { Package } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { isRecord, langPackage, nameSome, parseJsonText, purlOrUndefined, str } from '../lang-common.js';

const CATALOGER = 'swift-package-resolved-cataloger';
const MAX_BYTES = 32 * 1024 * 1024;
const MAX_PINS = 100_000;
const MAX_NAMED = 20;

/** The repository a Swift package comes from, as `host/path` without scheme, user and `.git`; '' when there is none. */
export function swiftSource(location: string): string {
  let s = location.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(s);
  if (scheme) s = s.slice(scheme[0].length);
  s = s.replace(/^[^@/]+@/, '');
  // scp-like `host:owner/repo` (never a port: that has digits and a slash after them)
  if (!scheme) s = s.replace(/^([^/:]+):(?!\d+\/)/, '$1/');
  let end = s.length;
  while (end > 0 && s[end - 1] === '/') end--;
  return s.slice(0, end).replace(/\.git$/i, '');
}

/** The purl namespace for a package `name` from `location`: its source without a last segment that is the name. */
export function swiftNamespace(location: string, name: string): string {
  const src = swiftSource(location);
  const slash = src.lastIndexOf('/');
  return slash >= 0 && src.slice(slash + 1).toLowerCase() === name.toLowerCase() ? src.slice(0, slash) : src;
}

interface Pin {
  name: string;
  location: string;
  kind: string;
  state: unknown;
}

function pinsOf(doc: Record<string, unknown>): Pin[] | undefined {
  const version = doc.version;
  if (version === 1) {
    const pins = isRecord(doc.object) ? doc.object.pins : undefined;
    if (!Array.isArray(pins)) return undefined;
    return pins.map((p) => ({ name: str(p, 'package') ?? '', location: str(p, 'repositoryURL') ?? '', kind: 'remoteSourceControl', state: isRecord(p) ? p.state : undefined }));
  }
  if (version === 2 || version === 3) {
    if (doc.pins === undefined) return [];
    if (!Array.isArray(doc.pins)) return undefined;
    return doc.pins.map((p) => ({ name: str(p, 'identity') ?? '', location: str(p, 'location') ?? '', kind: str(p, 'kind') ?? '', state: isRecord(p) ? p.state : undefined }));
  }
  return undefined;
}

export function parsePackageResolved(file: CatalogFile, ctx: CatalogContext): ParseResult {
  if (file.contents.length > MAX_BYTES) {
    ctx.incomplete(`Package.resolved is ${file.contents.length} bytes, over the ${MAX_BYTES} read`);
    return { packages: [] };
  }
  const doc = parseJsonText(file.contents, 'Package.resolved');
  if (!isRecord(doc)) throw new Error('Package.resolved is not a JSON object');
  if (Object.keys(doc).length === 0) {
    ctx.warn('empty Package.resolved', file.location);
    return { packages: [] };
  }
  const pins = pinsOf(doc);
  if (!pins) throw new Error(`Package.resolved version ${JSON.stringify(doc.version ?? null)} is not one custody reads (1, 2, 3), or its pins are not a list`);
  if (pins.length > MAX_PINS) ctx.incomplete(`Package.resolved lists ${pins.length} pins; only the first ${MAX_PINS} are read`);
  const packages: Package[] = [];
  const unread: string[] = [];
  const local: string[] = [];
  for (const [n, pin] of pins.slice(0, MAX_PINS).entries()) {
    const version = str(pin.state, 'version') ?? '';
    const revision = str(pin.state, 'revision') ?? '';
    const branch = str(pin.state, 'branch') ?? '';
    if (pin.kind === 'localSourceControl' || pin.kind === 'fileSystem') {
      local.push(pin.name || pin.location);
      continue;
    }
    const v = version || revision;
    if (pin.name === '' || v === '') {
      unread.push(pin.name ? JSON.stringify(pin.name) : `#${n + 1}`);
      continue;
    }
    let namespace = pin.location ? swiftNamespace(pin.location, pin.name) : '';
    let purlName = pin.name;
    // a registry package's identity is `scope.name`: the scope is its namespace (a swift purl needs one)
    const dot = pin.name.indexOf('.');
    if (namespace === '' && pin.kind === 'registry' && dot > 0) [namespace, purlName] = [pin.name.slice(0, dot), pin.name.slice(dot + 1)];
    const metadata: Record<string, unknown> = {};
    if (revision) metadata.revision = revision;
    if (branch) metadata.branch = branch;
    if (pin.location) metadata.repositoryUrl = pin.location;
    if (pin.kind && pin.kind !== 'remoteSourceControl') metadata.kind = pin.kind;
    packages.push(
      langPackage({
        name: pin.name,
        version: v,
        type: 'swift',
        purl: purlOrUndefined({ type: 'swift', namespace: namespace || undefined, name: purlName, version: v }),
        location: file.location,
        foundBy: CATALOGER,
        metadata,
      }),
    );
  }
  const list = (xs: string[]): string => nameSome(xs, MAX_NAMED);
  if (local.length > 0) ctx.warn(`Package.resolved pins of local checkouts are not reported: ${list(local)}`, file.location);
  if (unread.length > 0) ctx.incomplete(`Package.resolved pins without a name or a version and revision: ${list(unread)}`);
  return { packages };
}
