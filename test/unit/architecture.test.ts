/**
 * Module boundaries (STYLE.md §2, with the deliberate changes noted in README "Architecture"):
 * reads every import in src/ and fails on a forbidden edge or a third-party import outside its home.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

const SRC = join(PROJECT_ROOT, 'src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Top-level module of a src file: 'cli', 'core', 'source', ... */
function moduleOf(file: string): string {
  return relative(SRC, file).split(sep)[0] ?? '';
}

// Static imports, dynamic import('x'), and core/lazy's lazyRequire<T>('x') (a deferred require is an import too).
const IMPORT_RE = /^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|lazyRequire(?:<[^>]*>)?\(\s*['"]([^'"]+)['"]\s*\)/gm;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT_RE)) out.push((m[1] ?? m[2] ?? m[3] ?? m[4])!);
  return out;
}

/** Which src modules each module may import (besides itself). */
const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  source: ['core', 'sbom'],
  catalog: ['core', 'source', 'sbom'],
  sbom: ['core', 'query', 'tools', 'source'],
  query: ['core', 'sbom'],
  verify: ['core', 'source'],
  provenance: ['core', 'verify', 'source'],
  vuln: ['core', 'sbom', 'tools', 'query', 'source', 'generate', 'catalog'],
  generate: ['core', 'source', 'catalog', 'sbom', 'tools'],
  audit: ['core', 'source', 'sbom', 'catalog', 'verify', 'provenance', 'vuln', 'query', 'generate', 'report'],
  report: ['core', 'sbom', 'vuln', 'verify', 'provenance', 'audit', 'query'],
  tools: ['core'],
  cli: ['*'],
};

/** Third-party packages that may be imported only from the listed src folders (path prefixes). */
const HOMES: Record<string, readonly string[]> = {
  execa: ['tools/exec.ts'],
  '@cyclonedx/cyclonedx-library': ['sbom/cyclonedx/'],
  // vuln/vulndb/ keeps the local vulnerability database's per-ecosystem indexes in SQLite (README "Architecture").
  'better-sqlite3': ['query/index/', 'catalog/rpm/', 'vuln/vulndb/index-db.ts'],
  // The one HTTP client of the vulnerability data path (proxies, CA files): nothing else may reach the network through it.
  undici: ['vuln/vulndb/fetch.ts'],
  sigstore: ['verify/'],
  '@sigstore/': ['verify/'],
  chalk: ['cli/', 'report/'],
};

/** The text without comment lines (TSDoc may mention process.exit). */
function codeOnly(text: string): string {
  return text
    .split('\n')
    .filter((l) => !/^\s*(\*|\/\/|\/\*)/.test(l))
    .join('\n');
}

describe('architecture: module boundaries', () => {
  const files = walk(SRC);

  it('finds the source files', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it('no forbidden edge between src modules, and nothing imports cli/', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = moduleOf(file);
      const allowed = ALLOWED[from];
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = moduleOf(join(file, '..', spec));
        if (target === from) continue;
        if (allowed === undefined) violations.push(`${relative(SRC, file)}: module '${from}' has no boundary rule`);
        else if (!allowed.includes('*') && !allowed.includes(target)) violations.push(`${relative(SRC, file)} -> ${target} (${spec})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('third-party libraries are imported only from their home', () => {
    const violations: string[] = [];
    for (const file of files) {
      const rel = relative(SRC, file).split(sep).join('/');
      for (const spec of importsOf(file)) {
        for (const [pkg, homes] of Object.entries(HOMES)) {
          const hit = pkg.endsWith('/') ? spec.startsWith(pkg) : spec === pkg || spec.startsWith(`${pkg}/`);
          if (hit && !homes.some((h) => rel.startsWith(h))) violations.push(`${rel} imports ${spec}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('sees deferred imports too (lazyRequire, import())', () => {
    const rpm = importsOf(join(SRC, 'catalog', 'rpm', 'rpmdb.ts'));
    expect(rpm).toContain('better-sqlite3');
    expect(importsOf(join(SRC, 'tools', 'exec.ts'))).toContain('execa');
  });

  it('only cli/ touches process', () => {
    const violations = files
      .filter((f) => moduleOf(f) !== 'cli')
      .filter((f) => /\bprocess\.(argv|exit|exitCode|stdout|stderr)\b/.test(codeOnly(readFileSync(f, 'utf8'))))
      .map((f) => relative(SRC, f));
    expect(violations).toEqual([]);
  });
});
