/**
 * .NET *.deps.json (https://github.com/dotnet/sdk/blob/main/documentation/specs/runtime-configuration-file.md):
 * `libraries` keyed "Name/Version" with type package|project|reference|runtimepack. `project`
 * libraries are the app and the other projects of its solution: reported marked `project: root` (the
 * one the file is named after, else the only one no other project depends on) or `project: workspace`.
 * Relationships from `targets.<tfm>.<lib>.dependencies`.
 *
 * - `runtimepack` libraries are the .NET and ASP.NET Core runtimes a self-contained app carries
 *   (`runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.14`): reported as the NuGet packages
 *   they are (`pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@8.0.14`, the prefix removed as trivy
 *   does) with the runtime's CPE (`cpe:2.3:a:microsoft:.net:8.0.14`, `asp.net_core`, `.net_core`
 *   before 5.0, as syft writes it) so CPE-matching scanners see the runtime.
 * - a package whose entry in the runtime target has no `runtime`, `runtimeTargets` or `native` assets
 *   ships nothing: the shared framework provides it (e.g. `System.Diagnostics.DiagnosticSource` on
 *   net6.0), so it is not reported (trivy and syft skip it too).
 */
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { baseOf, dirOf, isRecord, langPackage, parseJsonText, projectMetadata, purlOrUndefined, str } from '../lang-common.js';

const RUNTIME_PACK_PREFIX = 'runtimepack.';

/** The CPE of a .NET or ASP.NET Core runtime package; undefined for other packages. */
export function dotnetRuntimeCpe(name: string, version: string): string | undefined {
  const n = name.toLowerCase().replace(/^runtimepack\./, '');
  const asp = n === 'microsoft.aspnetcore.app' || n.startsWith('microsoft.aspnetcore.app.runtime');
  const net = n === 'microsoft.netcore.app' || n.startsWith('microsoft.netcore.app.runtime');
  if (!asp && !net) return undefined;
  const parts = version.split('.');
  if (parts.length === 0 || !parts.every((p) => /^\d+$/.test(p))) return undefined;
  const fields = parts.map((p) => String(Number(p)));
  if (fields.length === 1) fields.push('0');
  const product = asp ? 'asp.net_core' : Number(fields[0]) < 5 ? '.net_core' : '.net';
  return `cpe:2.3:a:microsoft:${product}:${fields.join('.')}:*:*:*:*:*:*:*`;
}

/** True when a target entry ships assets of its own. */
function shipsAssets(t: Record<string, unknown>): boolean {
  return ['runtime', 'runtimeTargets', 'native'].some((k) => isRecord(t[k]) && Object.keys(t[k]).length > 0);
}

export function parseDepsJson(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const doc = parseJsonText(file.contents, 'deps.json');
  if (!isRecord(doc) || !isRecord(doc.libraries)) throw new Error('deps.json has no libraries object');
  const targets = isRecord(doc.targets) ? doc.targets : {};
  const runtimeTargetName = str(doc.runtimeTarget, 'name');
  const runtimeTarget = runtimeTargetName !== undefined && isRecord(targets[runtimeTargetName]) ? targets[runtimeTargetName] : undefined;
  const runtimeEntries = new Map<string, Record<string, unknown>>();
  if (runtimeTarget) for (const [k, v] of Object.entries(runtimeTarget)) if (isRecord(v)) runtimeEntries.set(k.toLowerCase(), v);
  const packages: Package[] = [];
  const byKey = new Map<string, Package>();
  const projects: Package[] = [];
  for (const [key, lib] of Object.entries(doc.libraries)) {
    if (!isRecord(lib)) continue;
    const type = str(lib, 'type')?.toLowerCase();
    if (type === 'project') {
      const slash = key.lastIndexOf('/');
      const name = slash > 0 ? key.slice(0, slash) : key;
      const version = slash > 0 ? key.slice(slash + 1) : '';
      const p = langPackage({ name, version, type: 'dotnet', purl: purlOrUndefined({ type: 'nuget', name, version }), location: file.location, foundBy: 'dotnet-deps-cataloger', metadata: projectMetadata('workspace') });
      projects.push(p);
      packages.push(p);
      byKey.set(key.toLowerCase(), p);
      continue;
    }
    if (type !== 'package' && type !== 'runtimepack') continue;
    const slash = key.lastIndexOf('/');
    if (slash <= 0 || slash === key.length - 1) {
      ctx.incomplete(`library key ${JSON.stringify(key)} is not Name/Version; skipped`, file.location);
      continue;
    }
    const declared = key.slice(0, slash);
    const version = key.slice(slash + 1);
    const entry = runtimeEntries.get(key.toLowerCase());
    if (type === 'package' && entry !== undefined && !shipsAssets(entry)) continue;
    const isPack = type === 'runtimepack';
    const name = isPack && declared.toLowerCase().startsWith(RUNTIME_PACK_PREFIX) ? declared.slice(RUNTIME_PACK_PREFIX.length) : declared;
    const purl = purlOrUndefined({ type: 'nuget', name, version });
    const sha512 = str(lib, 'sha512');
    const metadata: Record<string, unknown> = {};
    const path = str(lib, 'path');
    if (path) metadata.path = path;
    if (isPack) metadata.runtimePack = declared;
    const p = langPackage({ name, version, type: 'dotnet', purl, location: file.location, foundBy: 'dotnet-deps-cataloger', metadata });
    if (sha512?.startsWith('sha512-')) p.hashes = { 'SHA-512': Buffer.from(sha512.slice(7), 'base64').toString('hex') };
    const cpe = dotnetRuntimeCpe(name, version);
    if (cpe) p.cpes = [cpe];
    packages.push(p);
    byKey.set(key.toLowerCase(), p);
  }
  const relationships: Relationship[] = [];
  for (const target of Object.values(targets)) {
    if (!isRecord(target)) continue;
    for (const [key, t] of Object.entries(target)) {
      const from = byKey.get(key.toLowerCase());
      if (!from || !isRecord(t) || !isRecord(t.dependencies)) continue;
      for (const [n, v] of Object.entries(t.dependencies)) {
        const to = byKey.get(`${n}/${String(v)}`.toLowerCase());
        if (to && to !== from) relationships.push({ from: from.id, to: to.id, type: 'depends-on' });
      }
    }
  }
  const root = rootProject(projects, relationships, baseOf(file.location.path).replace(/\.deps\.json$/i, ''));
  if (root?.metadata) root.metadata.project = 'root';
  return { packages, relationships, describedFiles: deployedAssemblies(runtimeTarget, dirOf(file.location.path)) };
}

/** Most assembly paths one deps.json is believed to deploy (the claim is for dropping duplicates only). */
const MAX_DESCRIBED = 100_000;

/**
 * The assemblies the app deploys, where they land beside the deps.json: each entry's `runtime` assets in the
 * app's directory (`lib/net8.0/Foo.dll` → `<dir>/Foo.dll`), its `runtimeTargets` under their own path
 * (`runtimes/win/lib/net8.0/Foo.dll`). The portable-executable cataloger's finds at these paths are these
 * packages (README `dotnet-portable-executable-cataloger`).
 */
function deployedAssemblies(runtimeTarget: Record<string, unknown> | undefined, dir: string): string[] {
  const out: string[] = [];
  if (runtimeTarget === undefined) return out;
  const prefix = dir === '/' ? '' : dir;
  for (const t of Object.values(runtimeTarget)) {
    if (!isRecord(t)) continue;
    if (isRecord(t.runtime)) for (const k of Object.keys(t.runtime)) out.push(`${prefix}/${baseOf(k)}`);
    if (isRecord(t.runtimeTargets)) for (const k of Object.keys(t.runtimeTargets)) if (!k.startsWith('/') && !k.split('/').includes('..')) out.push(`${prefix}/${k}`);
    if (out.length > MAX_DESCRIBED) return out.slice(0, MAX_DESCRIBED);
  }
  return out;
}

/** The app among a solution's projects: the one the file is named after, else the only one no other project depends on. */
function rootProject(projects: readonly Package[], relationships: readonly Relationship[], fileName: string): Package | undefined {
  const named = projects.filter((p) => p.name.toLowerCase() === fileName.toLowerCase());
  if (named.length === 1) return named[0];
  const ids = new Set(projects.map((p) => p.id));
  const depended = new Set(relationships.filter((r) => ids.has(r.from) && ids.has(r.to)).map((r) => r.to));
  const top = projects.filter((p) => !depended.has(p.id));
  return top.length === 1 ? top[0] : undefined;
}
