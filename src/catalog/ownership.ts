/**
 * File ownership by OS packages (issue 17 item 2, issue 19 "Packages a distro owns"). The OS package
 * databases report the files each package installed (`ParseResult.ownedFiles`: dpkg's info/*.list,
 * apk's F:/R: lines, rpm's file lists); the runner applies two rules once, here:
 *
 * - a runtime binary (type `binary`) found in a file an OS package lists, or in the directory a package
 *   installed everything under (Bitnami components: `ParseResult.ownedDirs`), is not reported again: the
 *   package already is, with its own version and advisories (syft: "exclude binaries by file ownership
 *   overlap");
 * - any other non-OS package (python, npm, gem, java-archive, go-module, ...) whose file an OS package
 *   lists stays, with an `owns` relationship from that OS package (syft's ownership-by-file-overlap):
 *   matching then goes through the distro's advisories, not the language ecosystem's.
 *
 * Listed paths are taken through the symlinks of their directories inside the root (Debian's merged
 * /usr lists `/bin/busybox`, the file is `/usr/bin/busybox`); each directory is resolved once.
 */
import { packageId } from '../sbom/ids.js';
import type { Package, PackageType, Relationship } from '../sbom/model.js';
import type { FileResolver } from '../source/types.js';

/** Package types of OS package databases: they own files, they are never owned. */
const OS_TYPES: ReadonlySet<PackageType> = new Set(['deb', 'apk', 'rpm', 'alpm', 'portage']);

/** The id a package has (or will get from finalizePackages). */
function idOf(p: Package): string {
  return p.id !== '' ? p.id : packageId(p);
}

/**
 * Who installed which file. The file lists are kept as the parsers gave them (tens of thousands of paths
 * on a big image) and looked at only for the paths someone asks about (a few hundred package locations and
 * runtime candidates): {@link resolve} passes over the lists once per batch of new paths, and only a
 * listed path whose last segment is one of theirs is taken through the symlinks of its directory.
 */
export class OwnershipIndex {
  private readonly lists: [Package, readonly string[]][] = [];
  /** Real path → its owners, for every path resolved so far (empty list: nobody lists it). */
  private readonly answers = new Map<string, Package[]>();
  private readonly dirs = new Map<string, string>();

  constructor(private readonly resolver: Pick<FileResolver, 'resolve'>) {}

  /** Directories a package installed everything under (runtime binaries only), as real paths ending in '/'. */
  private readonly dirOwners: [Package, string][] = [];

  /** True when some OS package reported a file list, or some package a directory. */
  get hasLists(): boolean {
    return this.lists.length > 0 || this.dirOwners.length > 0;
  }

  /** Record a directory `owner` installed everything under (ParseResult.ownedDirs). */
  addDirectory(owner: Package, dir: string): void {
    const real = this.realDir(dir.replace(/\/+$/, '') || '/');
    this.dirOwners.push([owner, real === '/' ? '/' : `${real}/`]);
  }

  /** The package whose directory holds the file at this real path, if any. */
  directoryOwnerOf(path: string): Package | undefined {
    for (const [owner, dir] of this.dirOwners) if (path.startsWith(dir)) return owner;
    return undefined;
  }

  private realDir(dir: string): string {
    let real = this.dirs.get(dir);
    if (real === undefined) {
      real = (dir === '' ? undefined : this.resolver.resolve(dir)) ?? dir;
      this.dirs.set(dir, real);
    }
    return real;
  }

  /** Record the files `owner` lists (absolute paths; directories among them are harmless). */
  add(owner: Package, files: readonly string[]): void {
    if (files.length === 0) return;
    this.lists.push([owner, files]);
    // Paths answered before this list came count again.
    this.answers.clear();
  }

  /** Find the owners of these real paths (one pass over the lists for those not yet asked about). */
  resolve(paths: Iterable<string>): void {
    const wanted = new Set<string>();
    for (const p of paths) if (!this.answers.has(p)) wanted.add(p);
    if (wanted.size === 0) return;
    const bases = new Set<string>();
    const lengths = new Set<number>();
    for (const p of wanted) {
      this.answers.set(p, []);
      const base = p.slice(p.lastIndexOf('/') + 1);
      bases.add(base);
      lengths.add(base.length);
    }
    for (const [owner, files] of this.lists) {
      for (const path of files) {
        const slash = path.lastIndexOf('/');
        // most listed paths are rejected by the length of their last segment, without a copy of it
        if (slash < 0 || !lengths.has(path.length - slash - 1) || !bases.has(path.slice(slash + 1))) continue;
        const dir = this.realDir(path.slice(0, slash));
        const real = `${dir === '/' ? '' : dir}${path.slice(slash)}`;
        const owners = wanted.has(real) ? this.answers.get(real) : undefined;
        if (owners !== undefined && !owners.includes(owner)) owners.push(owner);
      }
    }
  }

  /** True when an OS package lists the file at this real path (after {@link resolve} was asked about it), or it is in a package's directory. */
  isOwned(path: string): boolean {
    return (this.answers.get(path)?.length ?? 0) > 0 || this.directoryOwnerOf(path) !== undefined;
  }

  /** The OS packages that list the file at this real path (the outer archive of a nested location). */
  ownersOf(path: string): Package[] {
    const real = outerPath(path);
    if (!this.answers.has(real)) this.resolve([real]);
    return this.answers.get(real) ?? [];
  }
}

/** The file a location is in: `/a/app.war!/WEB-INF/lib/x.jar` → `/a/app.war`. */
export function outerPath(path: string): string {
  const bang = path.indexOf('!/');
  return bang >= 0 ? path.slice(0, bang) : path;
}

/**
 * Apply the two ownership rules to the packages of one catalog run: drop runtime binaries an OS
 * package lists; give every other owned non-OS package an `owns` relationship from its owners.
 * Returns the packages kept, the new relationships and the number of runtime binaries dropped.
 */
export function applyOwnershipRules(packages: readonly Package[], index: OwnershipIndex): { packages: Package[]; relationships: Relationship[]; dropped: number } {
  const kept: Package[] = [];
  const relationships: Relationship[] = [];
  let dropped = 0;
  if (!index.hasLists) return { packages: [...packages], relationships, dropped };
  // One pass over the file lists for every location asked about.
  index.resolve(packages.filter((p) => !OS_TYPES.has(p.type)).flatMap((p) => p.locations.map((l) => outerPath(l.path))));
  for (const p of packages) {
    if (OS_TYPES.has(p.type)) {
      kept.push(p);
      continue;
    }
    const owners = new Set<Package>();
    for (const l of p.locations) for (const o of index.ownersOf(l.path)) owners.add(o);
    if (p.type === 'binary' && (owners.size > 0 || p.locations.some((l) => index.directoryOwnerOf(outerPath(l.path)) !== undefined))) {
      dropped++;
      continue;
    }
    kept.push(p);
    if (owners.size === 0) continue;
    const to = idOf(p);
    for (const o of owners) relationships.push({ from: idOf(o), to, type: 'owns' });
  }
  return { packages: kept, relationships, dropped };
}

/**
 * The same runtime (same purl, or name and version) found in several files of one root is one
 * package with every file as a location, as syft merges its binary classifier's findings: a
 * `python3.12` launcher and its `libpython3.12.so.1.0`, `go/VERSION` and `go/bin/go`. Only packages of
 * type `binary`; the others pass through unchanged.
 */
export function mergeRuntimeBinaries(packages: readonly Package[]): Package[] {
  const out: Package[] = [];
  const byKey = new Map<string, Package>();
  for (const p of packages) {
    if (p.type !== 'binary') {
      out.push(p);
      continue;
    }
    const key = JSON.stringify([p.purl ?? '', p.name, p.version, p.deleted === true]);
    const seen = byKey.get(key);
    if (seen === undefined) {
      const copy: Package = { ...p, locations: [...p.locations], foundBy: [...p.foundBy] };
      byKey.set(key, copy);
      out.push(copy);
      continue;
    }
    const have = new Set(seen.locations.map((l) => `${l.path}\u0000${l.layer ?? ''}`));
    for (const l of p.locations) if (!have.has(`${l.path}\u0000${l.layer ?? ''}`)) seen.locations.push(l);
    seen.foundBy = [...new Set([...seen.foundBy, ...p.foundBy])];
    seen.cpes = [...new Set([...(seen.cpes ?? []), ...(p.cpes ?? [])])];
    if (seen.cpes.length === 0) delete seen.cpes;
    seen.locations.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    // The id derives from the first location: let finalizePackages compute it for the merged list.
    seen.id = '';
  }
  return out;
}
