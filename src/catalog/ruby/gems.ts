/**
 * Ruby gems: installed specifications (`specifications/*.gemspec`, the Ruby that RubyGems writes:
 * `s.name = "rake".freeze`, `s.version = "13.0.6"`, `s.licenses = ["MIT".freeze]`), read with
 * patterns, never evaluated; and Gemfile.lock (GEM/PATH/GIT sections, `    name (version)` specs with
 * `      dep (constraint)` lines below them).
 */
import { buildPurl } from '../../core/ecosystem.js';
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { langPackage, textOf } from '../lang-common.js';

function gemPurl(name: string, version: string, platform?: string): string | undefined {
  try {
    return buildPurl({ type: 'gem', name, version, qualifiers: platform ? { platform } : {} });
  } catch {
    return undefined;
  }
}

const STRING = String.raw`(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')`;

function assigned(text: string, field: string): string | undefined {
  const re = new RegExp(String.raw`^\s*\w+\.${field}\s*=\s*(?:Gem::Version\.new\(\s*)?${STRING}`, 'm');
  const m = re.exec(text);
  return m ? (m[1] ?? m[2]) : undefined;
}

function stringList(text: string, field: string): string[] {
  const re = new RegExp(String.raw`^\s*\w+\.${field}\s*=\s*\[([^\]]*)\]`, 'm');
  const m = re.exec(text);
  if (!m) return [];
  return [...m[1]!.matchAll(new RegExp(STRING, 'g'))].map((x) => x[1] ?? x[2] ?? '');
}

export function parseGemspec(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const text = textOf(file.contents);
  const name = assigned(text, 'name');
  const version = assigned(text, 'version');
  if (!name || !version) {
    ctx.incomplete(`gemspec without a literal ${!name ? 'name' : 'version'}`);
    return { packages: [] };
  }
  const single = assigned(text, 'license');
  const licenses = [...stringList(text, 'licenses'), ...(single ? [single] : [])];
  const summary = assigned(text, 'summary');
  const authors = stringList(text, 'authors');
  const homepage = assigned(text, 'homepage');
  return {
    packages: [
      langPackage({
        name,
        version,
        type: 'gem',
        purl: gemPurl(name, version),
        location: file.location,
        foundBy: 'ruby-gemspec-cataloger',
        licenses,
        description: summary,
        supplier: authors.join(', ') || undefined,
        metadata: homepage ? { homepage } : {},
      }),
    ],
  };
}

export function parseGemfileLock(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const packages: Package[] = [];
  const byName = new Map<string, Package>();
  const deps: [Package, string[]][] = [];
  let section = '';
  let inSpecs = false;
  let cur: [Package, string[]] | undefined;
  for (const raw of textOf(file.contents).split(/\r?\n/)) {
    if (raw.trim() === '') continue;
    if (!raw.startsWith(' ')) {
      section = raw.trim();
      inSpecs = false;
      cur = undefined;
      continue;
    }
    if (!['GEM', 'PATH', 'GIT'].includes(section)) continue;
    if (/^  specs:\s*$/.test(raw)) {
      inSpecs = true;
      continue;
    }
    if (!inSpecs) continue;
    const spec = /^ {4}([^\s(]+) \(([^)]+)\)\s*$/.exec(raw);
    if (spec) {
      const name = spec[1]!;
      const full = spec[2]!;
      // platform-specific gems: "1.13.10-x86_64-linux"
      const pm = /^(\d[^-]*)-(.+)$/.exec(full);
      const version = pm ? pm[1]! : full;
      const platform = pm ? pm[2] : undefined;
      const p = langPackage({
        name,
        version,
        type: 'gem',
        purl: gemPurl(name, version, platform),
        location: file.location,
        foundBy: 'ruby-gemfile-lock-cataloger',
        metadata: { source: section, ...(platform ? { platform } : {}) },
      });
      packages.push(p);
      if (!byName.has(name)) byName.set(name, p);
      cur = [p, []];
      deps.push(cur);
      continue;
    }
    const dep = /^ {6}([^\s(]+)/.exec(raw);
    if (dep && cur) cur[1].push(dep[1]!);
  }
  if (packages.length === 0 && !/^GEM$/m.test(textOf(file.contents))) ctx.warn('no GEM section: not a Gemfile.lock?', file.location);
  const relationships: Relationship[] = [];
  for (const [p, ds] of deps) {
    for (const d of ds) {
      const t = byName.get(d);
      if (t && t !== p) relationships.push({ from: p.id, to: t.id, type: 'depends-on' });
    }
  }
  return { packages, relationships };
}
