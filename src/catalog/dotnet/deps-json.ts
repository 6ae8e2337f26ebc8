/**
 * .NET *.deps.json (https://github.com/dotnet/sdk/blob/main/documentation/specs/runtime-configuration-file.md):
 * `libraries` keyed "Name/Version" with type package|project|reference; only NuGet packages are
 * packages (the project is the app itself). Relationships from `targets.<tfm>.<lib>.dependencies`.
 */
import { buildPurl } from '../../core/ecosystem.js';
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { isRecord, langPackage, parseJsonText, str } from '../lang-common.js';

export function parseDepsJson(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const doc = parseJsonText(file.contents, 'deps.json');
  if (!isRecord(doc) || !isRecord(doc.libraries)) throw new Error('deps.json has no libraries object');
  const packages: Package[] = [];
  const byKey = new Map<string, Package>();
  for (const [key, lib] of Object.entries(doc.libraries)) {
    if (!isRecord(lib)) continue;
    const type = str(lib, 'type');
    if (type !== 'package') continue;
    const slash = key.lastIndexOf('/');
    if (slash <= 0 || slash === key.length - 1) {
      ctx.warn(`library key ${JSON.stringify(key)} is not Name/Version; skipped`, file.location);
      continue;
    }
    const name = key.slice(0, slash);
    const version = key.slice(slash + 1);
    let purl: string | undefined;
    try {
      purl = buildPurl({ type: 'nuget', name, version });
    } catch {
      purl = undefined;
    }
    const sha512 = str(lib, 'sha512');
    const metadata: Record<string, unknown> = {};
    const path = str(lib, 'path');
    if (path) metadata.path = path;
    const p = langPackage({ name, version, type: 'dotnet', purl, location: file.location, foundBy: 'dotnet-deps-cataloger', metadata });
    if (sha512?.startsWith('sha512-')) p.hashes = { 'SHA-512': Buffer.from(sha512.slice(7), 'base64').toString('hex') };
    packages.push(p);
    byKey.set(key.toLowerCase(), p);
  }
  const relationships: Relationship[] = [];
  if (isRecord(doc.targets)) {
    for (const target of Object.values(doc.targets)) {
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
  }
  return { packages, relationships };
}
