/**
 * Stack (https://docs.haskellstack.org/en/stable/topics/lock_files/):
 * - `stack.yaml.lock`: `packages[].completed` is what each extra-dep resolved to: a Hackage package
 *   `hackage: name-version@sha256:<cabal file hash>,<size>` (`pkg:hackage`, the cabal file's hash in
 *   metadata: it is the hash of the package description revision, not of the package), or a git/hg
 *   repository or archive URL with its `name` and `version` (reported without a purl: not from Hackage,
 *   at the version its cabal file names; syft skips them). `snapshots[].completed.url` is kept in
 *   metadata. The snapshot's own packages (the resolver's hundreds) are not listed in the file.
 * - `stack.yaml`: `extra-deps` given as package identifiers (`name-version[@sha256:…,size|@rev:N]`);
 *   a local path, an archive URL or a repository (no version until the lock resolves it) is a warning.
 * An entry in no known form is incomplete; so is a file that is not YAML or not a mapping.
 */
import { lazyRequire } from '../../core/lazy.js';
import type { Package } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { isRecord, langPackage, nameSome, str, textOf } from '../lang-common.js';
import { CATALOGER, hackagePackage, PACKAGE_NAME, PVP_VERSION, splitPackageId } from './common.js';

const yaml = lazyRequire<typeof import('yaml')>('yaml');

const MAX_BYTES = 16 * 1024 * 1024;
const MAX_ENTRIES = 50_000;

function readYaml(file: CatalogFile, what: string): Record<string, unknown> | undefined {
  if (file.contents.length > MAX_BYTES) throw new Error(`${what} is ${file.contents.length} bytes, over the ${MAX_BYTES} read`);
  let doc: unknown;
  try {
    doc = yaml().parse(textOf(file.contents), { maxAliasCount: 100, logLevel: 'error' });
  } catch (err) {
    throw new Error(`invalid YAML in ${what}: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  if (doc === null || doc === undefined) return undefined;
  if (!isRecord(doc)) throw new Error(`${what} is not a YAML mapping`);
  return doc;
}

/** `name-version[@sha256:<hash>,<size>|@rev:<n>]` → a package, or undefined when it is not one. */
function fromHackageId(text: string, file: CatalogFile, metadata: Record<string, unknown>): Package | undefined {
  const at = text.indexOf('@');
  const id = splitPackageId((at < 0 ? text : text.slice(0, at)).trim());
  if (!id) return undefined;
  const suffix = at < 0 ? '' : text.slice(at + 1).trim();
  const sha = /^sha256:([0-9a-f]{64})(?:,(\d+))?$/i.exec(suffix);
  const rev = /^rev:(\d+)$/.exec(suffix);
  const m: Record<string, unknown> = { ...metadata };
  if (sha) m.cabalFileSha256 = sha[1]!.toLowerCase();
  if (rev) m.cabalRevision = Number(rev[1]);
  return hackagePackage(id.name, id.version, file.location, m);
}

const shown = (v: unknown): string => {
  const s = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  return JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}…` : s);
};

export function parseStackLock(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const doc = readYaml(file, 'stack.yaml.lock');
  if (doc === undefined) return { packages: [] };
  const snapshots = Array.isArray(doc.snapshots) ? doc.snapshots : [];
  const snapshotUrls = snapshots.map((s) => (isRecord(s) ? str(s.completed, 'url') : undefined)).filter((u): u is string => u !== undefined);
  const common: Record<string, unknown> = snapshotUrls.length > 0 ? { snapshots: snapshotUrls.slice(0, 16) } : {};
  if (doc.packages !== undefined && doc.packages !== null && !Array.isArray(doc.packages)) throw new Error('stack.yaml.lock `packages` is not a list');
  const entries = Array.isArray(doc.packages) ? doc.packages : [];
  if (entries.length > MAX_ENTRIES) ctx.incomplete(`stack.yaml.lock lists ${entries.length} packages; only the first ${MAX_ENTRIES} are read`);
  const packages: Package[] = [];
  const bad: string[] = [];
  for (const e of entries.slice(0, MAX_ENTRIES)) {
    const completed = isRecord(e) ? e.completed : undefined;
    const hackage = typeof completed === 'string' ? completed : str(completed, 'hackage');
    if (hackage !== undefined) {
      const p = fromHackageId(hackage, file, common);
      if (p) packages.push(p);
      else bad.push(shown(hackage));
      continue;
    }
    const name = str(completed, 'name');
    const version = str(completed, 'version');
    const repo = str(completed, 'git') ?? str(completed, 'hg') ?? str(completed, 'url');
    if (name && version && PACKAGE_NAME.test(name) && PVP_VERSION.test(version) && repo) {
      const metadata: Record<string, unknown> = { ...common };
      for (const k of ['git', 'hg', 'url', 'commit', 'subdir', 'sha256'] as const) {
        const v = str(completed, k);
        if (v) metadata[k] = v;
      }
      // not from Hackage: no pkg:hackage purl (its name may be taken there by another package)
      packages.push(langPackage({ name, version, type: 'hackage', location: file.location, foundBy: CATALOGER, metadata }));
      continue;
    }
    bad.push(shown(isRecord(e) ? (e.completed ?? e) : e));
  }
  if (bad.length > 0) ctx.incomplete(`stack.yaml.lock packages in no known form: ${nameSome(bad, 5)}`);
  return { packages };
}

export function parseStackYaml(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const doc = readYaml(file, 'stack.yaml');
  if (doc === undefined || doc['extra-deps'] === undefined || doc['extra-deps'] === null) return { packages: [] };
  if (!Array.isArray(doc['extra-deps'])) throw new Error('stack.yaml `extra-deps` is not a list');
  const deps = doc['extra-deps'];
  if (deps.length > MAX_ENTRIES) ctx.incomplete(`stack.yaml lists ${deps.length} extra-deps; only the first ${MAX_ENTRIES} are read`);
  const packages: Package[] = [];
  const unversioned: string[] = [];
  const bad: string[] = [];
  for (const d of deps.slice(0, MAX_ENTRIES)) {
    const text = typeof d === 'string' ? d : str(d, 'hackage');
    if (text !== undefined) {
      const p = fromHackageId(text, file, {});
      if (p) packages.push(p);
      // a local package directory or an archive: no Hackage version to report
      else if (/^(\.{0,2}\/|~|[a-z][a-z0-9+.-]*:\/\/)/i.test(text) || /\.(tar\.gz|tgz|zip)$/i.test(text) || !/\d/.test(text)) unversioned.push(shown(text));
      else bad.push(shown(text));
    } else if (isRecord(d) && (d.git !== undefined || d.github !== undefined || d.hg !== undefined || d.url !== undefined || d.archive !== undefined)) {
      unversioned.push(shown(d.git ?? d.github ?? d.hg ?? d.url ?? d.archive));
    } else bad.push(shown(d));
  }
  if (unversioned.length > 0) ctx.warn(`stack.yaml extra-deps ${nameSome(unversioned, 5)} name no Hackage version (stack.yaml.lock has what they resolve to); not reported`, file.location);
  if (bad.length > 0) ctx.incomplete(`stack.yaml extra-deps in no known form: ${nameSome(bad, 5)}`);
  return { packages };
}
