/**
 * MSBuild props files that pin NuGet versions: `Directory.Packages.props` of central package
 * management (https://learn.microsoft.com/en-us/nuget/consume-packages/central-package-management:
 * `<PackageVersion Include="X" Version="Y"/>`, `<GlobalPackageReference …/>`) and the older
 * `packages.props` of Microsoft.Build.CentralPackageVersions (`<PackageReference Update="X" Version="Y"/>`),
 * as trivy reads them (pkg/dependency/parser/nuget/packagesprops). Items are read inside
 * `<Project><ItemGroup>`; the name is `Include`, else `Update`; the version the `Version` attribute or
 * element (`[1.2.3]` is 1.2.3). What names no single version is a warning: an MSBuild property
 * (`$(Version)`, never evaluated), a range or floating version, no version at all, no name.
 * A file that is not a `<Project>` document is incomplete.
 */
import type { Package } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { baseOf, isRecord, langPackage, nameSome, purlOrUndefined, str } from '../lang-common.js';
import { parseMsbuildXml } from './msbuild-xml.js';

const CATALOGER = 'dotnet-packages-props-cataloger';
const ITEMS = ['PackageVersion', 'GlobalPackageReference', 'PackageReference'] as const;
const ARRAYS = new Set<string>(['ItemGroup', ...ITEMS]);
/** Warnings named per file; the rest are counted. */
const MAX_NAMED = 10;

const hasProperty = (s: string): boolean => s.includes('$(') || s.includes('@(') || s.includes('%(');

/** Element text, or the `#text` of an element that also has attributes. */
function textOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (isRecord(v)) return str(v, '#text');
  return undefined;
}

/** One version, or why the text is not one. */
function oneVersion(raw: string): { version: string } | { why: string } {
  if (raw === '') return { why: 'has no version' };
  if (hasProperty(raw)) return { why: `version ${JSON.stringify(raw)} is an MSBuild property custody does not evaluate` };
  const exact = /^\[\s*([^,\s[\]()]+)\s*\]$/.exec(raw);
  if (exact) return { version: exact[1]! };
  if (/[[\](),*\s]/.test(raw)) return { why: `version ${JSON.stringify(raw)} is a range or floating version, not one version` };
  return { version: raw };
}

export function parsePackagesProps(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const what = baseOf(file.location.path);
  const doc = parseMsbuildXml(file.contents, what, ARRAYS);
  const project = doc.Project;
  if (project === '') return { packages: [] };
  if (!isRecord(project)) throw new Error(`${what} has no <Project> root element`);
  const packages: Package[] = [];
  const byKey = new Map<string, Package>();
  const skipped: string[] = [];
  const loose = ITEMS.filter((k) => project[k] !== undefined);
  if (loose.length > 0) skipped.push(`<${loose.join('>, <')}> outside an <ItemGroup> (MSBuild does not read them there)`);
  const groups = Array.isArray(project.ItemGroup) ? (project.ItemGroup as unknown[]) : [];
  for (const g of groups) {
    if (!isRecord(g)) continue;
    for (const kind of ITEMS) {
      const items = Array.isArray(g[kind]) ? (g[kind] as unknown[]) : [];
      for (const e of items) {
        const include = str(e, '@_Include')?.trim() ?? '';
        const name = include !== '' ? include : (str(e, '@_Update')?.trim() ?? '');
        const rawVersion = (str(e, '@_Version') ?? (isRecord(e) ? textOf(e.Version) : undefined) ?? '').trim();
        if (name === '') {
          skipped.push(`<${kind}> without Include or Update`);
          continue;
        }
        if (hasProperty(name)) {
          skipped.push(`<${kind}> ${JSON.stringify(name)}: the name is an MSBuild property custody does not evaluate`);
          continue;
        }
        const v = oneVersion(rawVersion);
        if ('why' in v) {
          skipped.push(`<${kind}> ${JSON.stringify(name)} ${v.why}`);
          continue;
        }
        const key = `${name}/${v.version}`.toLowerCase();
        if (byKey.has(key)) continue;
        const purl = purlOrUndefined({ type: 'nuget', name, version: v.version });
        const p = langPackage({ name, version: v.version, type: 'dotnet', purl, location: file.location, foundBy: CATALOGER, metadata: { item: kind } });
        byKey.set(key, p);
        packages.push(p);
      }
    }
  }
  if (skipped.length > 0) {
    ctx.warn(`${what}: not reported: ${nameSome(skipped, MAX_NAMED, '; ')}`, file.location);
  }
  return { packages };
}
