/**
 * PHP Composer: vendor/composer/installed.json (Composer 1: an array; Composer 2:
 * {packages:[...], dev, dev-package-names}) and composer.lock ({packages, packages-dev}).
 */
import { buildPurl } from '../../core/ecosystem.js';
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { isRecord, langPackage, parseJsonText, str } from '../lang-common.js';

function composerPurl(name: string, version: string): string | undefined {
  const [vendor, pkg] = name.split('/');
  if (!vendor || !pkg) return undefined;
  try {
    return buildPurl({ type: 'composer', namespace: vendor, name: pkg, version });
  } catch {
    return undefined;
  }
}

function fromEntries(list: unknown[], file: CatalogFile, ctx: CatalogContext, foundBy: string, dev: Set<string>): ParseResult {
  const packages: Package[] = [];
  const byName = new Map<string, Package>();
  const requires: [Package, string[]][] = [];
  for (const e of list) {
    const name = str(e, 'name');
    const version = str(e, 'version');
    if (!name || !version || !isRecord(e)) {
      ctx.incomplete(`composer entry ${JSON.stringify(name ?? '?')} has no name or version`);
      continue;
    }
    const licenses = Array.isArray(e.license) ? e.license.filter((l): l is string => typeof l === 'string') : typeof e.license === 'string' ? [e.license] : [];
    const metadata: Record<string, unknown> = {};
    const ref = isRecord(e.dist) ? str(e.dist, 'reference') : undefined;
    if (ref) metadata.distReference = ref;
    if (dev.has(name)) metadata.dev = true;
    const p = langPackage({
      name,
      version,
      type: 'php-composer',
      purl: composerPurl(name, version),
      location: file.location,
      foundBy,
      licenses,
      description: str(e, 'description'),
      metadata,
    });
    packages.push(p);
    byName.set(name.toLowerCase(), p);
    requires.push([p, isRecord(e.require) ? Object.keys(e.require) : []]);
  }
  const relationships: Relationship[] = [];
  for (const [p, rs] of requires) {
    for (const r of rs) {
      const t = byName.get(r.toLowerCase());
      if (t && t !== p) relationships.push({ from: p.id, to: t.id, type: 'depends-on' });
    }
  }
  return { packages, relationships };
}

export function parseComposerInstalled(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const doc = parseJsonText(file.contents, 'installed.json');
  const list = Array.isArray(doc) ? doc : isRecord(doc) && Array.isArray(doc.packages) ? doc.packages : undefined;
  if (!list) throw new Error('installed.json has neither a package array nor {packages}');
  const devNames = isRecord(doc) && Array.isArray(doc['dev-package-names']) ? doc['dev-package-names'].filter((n): n is string => typeof n === 'string') : [];
  return fromEntries(list, file, ctx, 'php-composer-installed-cataloger', new Set(devNames));
}

export function parseComposerLock(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const doc = parseJsonText(file.contents, 'composer.lock');
  if (!isRecord(doc)) throw new Error('composer.lock is not a JSON object');
  const prod = Array.isArray(doc.packages) ? doc.packages : [];
  const dev = Array.isArray(doc['packages-dev']) ? doc['packages-dev'] : [];
  const devNames = new Set(dev.map((d) => str(d, 'name')).filter((n): n is string => n !== undefined));
  return fromEntries([...prod, ...dev], file, ctx, 'php-composer-lock-cataloger', devNames);
}
