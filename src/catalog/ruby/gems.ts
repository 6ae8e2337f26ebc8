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

/** A Ruby string literal: "…", '…', or %q{…} (%q(…), %q[…], %q<…>), as older RubyGems wrote installed specs. */
const STRING = String.raw`(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|%[qQ]\{([^{}]*)\}|%[qQ]\(([^()]*)\)|%[qQ]\[([^\[\]]*)\]|%[qQ]<([^<>]*)>)`;

const literal = (m: RegExpExecArray | RegExpMatchArray, from: number): string | undefined => m.slice(from, from + 6).find((g) => g !== undefined);

/**
 * The receiver of the spec's attributes: the variable of `Gem::Specification.new do |s|` (a gemspec that
 * assigns through another name raises in Ruby and installs nothing); any word when the block is not found.
 */
function receiverOf(text: string): string {
  const m = /Gem::Specification\.new\s*(?:\([^)]*\)\s*)?(?:do|\{)\s*\|\s*(\w+)\s*\|/.exec(text);
  return m ? m[1]! : String.raw`\w+`;
}

function assigned(text: string, field: string, receiver = String.raw`\w+`): string | undefined {
  const re = new RegExp(String.raw`^\s*${receiver}\.${field}\s*=\s*(?:Gem::Version\.new\(\s*)?${STRING}`, 'm');
  const m = re.exec(text);
  return m ? literal(m, 1) : undefined;
}

function stringList(text: string, field: string, receiver = String.raw`\w+`): string[] {
  const re = new RegExp(String.raw`^\s*${receiver}\.${field}\s*=\s*\[([^\]]*)\]`, 'm');
  const m = re.exec(text);
  if (!m) return [];
  return [...m[1]!.matchAll(new RegExp(STRING, 'g'))].map((x) => literal(x, 1) ?? '');
}

export function parseGemspec(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const text = textOf(file.contents);
  const r = receiverOf(text);
  const name = assigned(text, 'name', r);
  const version = assigned(text, 'version', r);
  if (!name || !version) {
    ctx.incomplete(`gemspec without a literal ${!name ? 'name' : 'version'}`);
    return { packages: [] };
  }
  const single = assigned(text, 'license', r);
  const licenses = [...stringList(text, 'licenses', r), ...(single ? [single] : [])];
  const summary = assigned(text, 'summary', r);
  const authors = stringList(text, 'authors', r);
  const homepage = assigned(text, 'homepage', r);
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
  const text = textOf(file.contents);
  if (text.trim() === '') ctx.warn('empty Gemfile.lock', file.location);
  // bundler writes these section headers (`BUNDLED WITH` even when no gem is locked)
  else if (!/^(?:GEM|PATH|GIT|PLUGIN SOURCE|PLATFORMS|DEPENDENCIES|RUBY VERSION|BUNDLED WITH|CHECKSUMS)\r?$/m.test(text)) ctx.incomplete('no Gemfile.lock section (GEM, PATH, GIT, PLATFORMS, DEPENDENCIES, …): not a Gemfile.lock');
  else if (packages.length === 0 && !/^GEM\r?$/m.test(text)) ctx.warn('no GEM section: not a Gemfile.lock?', file.location);
  const relationships: Relationship[] = [];
  for (const [p, ds] of deps) {
    for (const d of ds) {
      const t = byName.get(d);
      if (t && t !== p) relationships.push({ from: p.id, to: t.id, type: 'depends-on' });
    }
  }
  return { packages, relationships };
}
