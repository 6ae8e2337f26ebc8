/**
 * NuGet `packages.config` (the pre-PackageReference format,
 * https://learn.microsoft.com/en-us/nuget/reference/packages-config): `<packages>` holding
 * `<package id="X" version="Y" targetFramework="…" developmentDependency="true"/>`. A development
 * dependency is marked `metadata.dev` (trivy leaves it out). A package listed twice is reported once.
 */
import type { Package } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { isRecord, langPackage, purlOrUndefined, str } from '../lang-common.js';
import { parseMsbuildXml } from './msbuild-xml.js';

const CATALOGER = 'dotnet-packages-config-cataloger';
const ARRAYS = new Set(['package']);

export function parsePackagesConfig(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const doc = parseMsbuildXml(file.contents, 'packages.config', ARRAYS);
  const root = doc.packages;
  // `<packages/>` and `<packages></packages>` parse to an empty string: no packages, nothing lost
  if (root === '') return { packages: [] };
  if (!isRecord(root)) throw new Error('packages.config has no <packages> element');
  const packages: Package[] = [];
  const byKey = new Map<string, Package>();
  let unnamed = 0;
  const entries = Array.isArray(root.package) ? (root.package as unknown[]) : [];
  for (const e of entries) {
    const id = str(e, '@_id')?.trim() ?? '';
    const version = str(e, '@_version')?.trim() ?? '';
    if (id === '') {
      unnamed++;
      continue;
    }
    if (version === '') {
      ctx.warn(`packages.config package ${JSON.stringify(id)} has no version; not reported`, file.location);
      continue;
    }
    const dev = str(e, '@_developmentDependency')?.trim().toLowerCase() === 'true';
    const key = `${id}/${version}`.toLowerCase();
    const seen = byKey.get(key);
    if (seen) {
      if (!dev && seen.metadata?.dev === true) delete seen.metadata.dev;
      continue;
    }
    const purl = purlOrUndefined({ type: 'nuget', name: id, version });
    const metadata: Record<string, unknown> = {};
    const tfm = str(e, '@_targetFramework')?.trim();
    if (tfm) metadata.targetFramework = tfm;
    if (dev) metadata.dev = true;
    const p = langPackage({ name: id, version, type: 'dotnet', purl, location: file.location, foundBy: CATALOGER, metadata });
    byKey.set(key, p);
    packages.push(p);
  }
  if (unnamed > 0) ctx.incomplete(`packages.config has ${unnamed} <package> element${unnamed === 1 ? '' : 's'} without an id; not read`, file.location);
  return { packages };
}
