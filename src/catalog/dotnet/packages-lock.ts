/**
 * NuGet lock files (`packages.lock.json`, written with `RestorePackagesWithLockFile`,
 * https://learn.microsoft.com/en-us/nuget/consume-packages/package-references-in-project-files#locking-dependencies):
 * `dependencies.<target framework>.<package id>` with `type` Direct, Transitive or CentralTransitive
 * and the `resolved` version; `Project` entries are other projects of the solution, not packages.
 * A package resolved for several target frameworks is reported once.
 */
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { isRecord, langPackage, parseJsonText, purlOrUndefined, str } from '../lang-common.js';

export function parsePackagesLock(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const doc = parseJsonText(file.contents, 'packages.lock.json');
  if (!isRecord(doc) || !isRecord(doc.dependencies)) throw new Error('packages.lock.json has no dependencies object');
  const packages: Package[] = [];
  const byKey = new Map<string, Package>();
  const edges: [Package, Record<string, unknown>][] = [];
  for (const [tfm, deps] of Object.entries(doc.dependencies)) {
    if (!isRecord(deps)) continue;
    for (const [name, e] of Object.entries(deps)) {
      if (!isRecord(e)) continue;
      const type = str(e, 'type') ?? '';
      if (type.toLowerCase() === 'project') continue;
      const version = str(e, 'resolved');
      if (!version) {
        ctx.incomplete(`packages.lock.json ${tfm} entry ${JSON.stringify(name)} has no resolved version; skipped`, file.location);
        continue;
      }
      const key = `${name}/${version}`.toLowerCase();
      let p = byKey.get(key);
      if (!p) {
        const purl = purlOrUndefined({ type: 'nuget', name, version });
        const metadata: Record<string, unknown> = { dependencyType: type };
        const hash = str(e, 'contentHash');
        if (hash) metadata.contentHash = hash;
        p = langPackage({ name, version, type: 'dotnet', purl, location: file.location, foundBy: 'dotnet-packages-lock-cataloger', metadata });
        byKey.set(key, p);
        packages.push(p);
      }
      if (isRecord(e.dependencies)) edges.push([p, e.dependencies]);
    }
  }
  // a dependency names a version range or version; the lock resolves it to the one entry of that id
  const byName = new Map<string, Package[]>();
  for (const p of packages) byName.set(p.name.toLowerCase(), [...(byName.get(p.name.toLowerCase()) ?? []), p]);
  const relationships: Relationship[] = [];
  for (const [from, deps] of edges) {
    for (const n of Object.keys(deps)) {
      const candidates = byName.get(n.toLowerCase()) ?? [];
      if (candidates.length === 1 && candidates[0] !== from) relationships.push({ from: from.id, to: candidates[0]!.id, type: 'depends-on' });
    }
  }
  return { packages, relationships };
}
