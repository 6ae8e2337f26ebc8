import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { parseDenoKey, parseDenoLock, parseDenoRemote } from '../../../../src/catalog/npm/deno-lock.js';
import { npmLockCataloger } from '../../../../src/catalog/npm/index.js';
import { catalogFiles, find } from '../lang-support.js';

const V2 = {
  version: '2',
  remote: { 'https://deno.land/std@0.177.0/fmt/colors.ts': 'h1', 'https://deno.land/std@0.177.0/path/mod.ts': 'h2', 'https://example.com/mod.ts': 'h3' },
  npm: {
    specifiers: { 'react@18': 'react@18.2.0' },
    packages: {
      'react@18.2.0': { integrity: 'sha512-r', dependencies: { 'loose-envify': 'loose-envify@1.4.0' } },
      'loose-envify@1.4.0': { integrity: 'sha512-l', dependencies: { 'js-tokens': 'js-tokens@4.0.0' } },
      'js-tokens@4.0.0': { integrity: 'sha512-j', dependencies: {} },
    },
  },
};
const V3 = {
  version: '3',
  packages: {
    specifiers: { 'jsr:@std/assert@^0.221.0': 'jsr:@std/assert@0.221.0', 'jsr:@std/fmt@^0.221.0': 'jsr:@std/fmt@0.221.0', 'npm:chalk@5': 'npm:chalk@5.3.0' },
    jsr: { '@std/assert@0.221.0': { integrity: 'a', dependencies: ['jsr:@std/fmt@^0.221.0'] }, '@std/fmt@0.221.0': { integrity: 'f' } },
    npm: { 'chalk@5.3.0': { integrity: 'sha512-c', dependencies: {} } },
  },
  remote: {},
  workspace: { dependencies: ['jsr:@std/assert@^0.221.0', 'npm:chalk@5'] },
};
const V4 = {
  version: '4',
  specifiers: { 'jsr:@std/encoding@^1.0.0': '1.0.5', 'jsr:@std/bytes@^1.0.0': '1.0.2', 'npm:typedoc@0.28': '0.28.19_typescript@6.0.3' },
  jsr: { '@std/bytes@1.0.2': { integrity: 'b' }, '@std/encoding@1.0.5': { integrity: 'e', dependencies: ['jsr:@std/bytes@^1.0.0'] } },
  npm: {
    'typedoc@0.28.19_typescript@6.0.3': { integrity: 'sha512-t', dependencies: ['typescript', 'lunr@2.3.9'] },
    'typescript@6.0.3': { integrity: 'sha512-ts' },
    'lunr@2.3.9': { integrity: 'sha512-lu' },
  },
};

const run = (lock: unknown) => catalogFiles([npmLockCataloger], [{ path: '/p/deno.lock', content: Buffer.from(typeof lock === 'string' ? lock : JSON.stringify(lock)) }]);
const rels = (r: Awaited<ReturnType<typeof run>>) => {
  const label = new Map(r.packages.map((p) => [p.id, `${p.name}@${p.version}`]));
  return r.relationships.map((x) => `${label.get(x.from)} -> ${label.get(x.to)}`).sort();
};

describe('deno.lock (npm-lock-cataloger)', () => {
  it('v2: npm packages, remote modules with a version once per module, relationships', async () => {
    const r = await run(V2);
    expect(r.packages.map((p) => p.purl).sort()).toEqual([
      'pkg:generic/deno.land/std@0.177.0?download_url=https%3A%2F%2Fdeno.land%2Fstd%400.177.0',
      'pkg:npm/js-tokens@4.0.0',
      'pkg:npm/loose-envify@1.4.0',
      'pkg:npm/react@18.2.0',
    ]);
    expect(find(r, 'deno.land/std')[0]!.version).toBe('0.177.0');
    expect(r.warnings.join('\n')).toMatch(/1 remote module URL without a version/);
    expect(rels(r)).toEqual(['loose-envify@1.4.0 -> js-tokens@4.0.0', 'react@18.2.0 -> loose-envify@1.4.0']);
    expect(r.incomplete).toEqual([]);
  });

  it('v3: jsr and npm under packages; jsr purls carry repository_url as syft writes them; the workspace is not a package', async () => {
    const r = await run(V3);
    expect(r.packages.map((p) => p.purl).sort()).toEqual([
      'pkg:npm/%40std/assert@0.221.0?repository_url=https%3A%2F%2Fjsr.io',
      'pkg:npm/%40std/fmt@0.221.0?repository_url=https%3A%2F%2Fjsr.io',
      'pkg:npm/chalk@5.3.0',
    ]);
    expect(rels(r)).toEqual(['@std/assert@0.221.0 -> @std/fmt@0.221.0']);
  });

  it('v4: top-level sections, peer suffixes dropped, specifiers and bare names resolved', async () => {
    const r = await run(V4);
    expect(r.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(['@std/bytes@1.0.2', '@std/encoding@1.0.5', 'lunr@2.3.9', 'typedoc@0.28.19', 'typescript@6.0.3']);
    expect(rels(r)).toEqual(['@std/encoding@1.0.5 -> @std/bytes@1.0.2', 'typedoc@0.28.19 -> lunr@2.3.9', 'typedoc@0.28.19 -> typescript@6.0.3']);
  });

  it('v1: a bare map of remote URLs', async () => {
    const r = await run({ 'https://deno.land/std@0.100.0/fs/mod.ts': 'h1', 'https://deno.land/x/oak@v7.7.0/mod.ts': 'h2' });
    expect(r.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(['deno.land/std@0.100.0', 'deno.land/x/oak@v7.7.0']);
    expect(r.incomplete).toEqual([]);
  });

  it('unreadable files and entries are incomplete', async () => {
    for (const bad of ['{ "version": "4",\n  this is not valid json\n}', '[]', '{"npm": {}}', '{"version": "4", "npm": []}']) {
      const r = await run(bad);
      expect(r.packages).toEqual([]);
      expect(r.incomplete).toHaveLength(1);
    }
    const r = await run({ version: '4', npm: { 'ok@1.0.0': {}, nover: {} }, jsr: { 'unscoped@1.0.0': {} } });
    expect(r.packages.map((p) => p.name)).toEqual(['ok']);
    expect(r.incomplete.map((i) => i.reason)).toEqual(['deno.lock entries not readable: npm entry "nover", jsr entry "unscoped@1.0.0"']);
  });

  it('keys and remote URLs', () => {
    expect(parseDenoKey('@algolia/autocomplete-preset-algolia@1.17.9_@algolia+client-search@5.50.0')).toEqual({ name: '@algolia/autocomplete-preset-algolia', version: '1.17.9' });
    expect(parseDenoKey('chalk')).toBeUndefined();
    expect(parseDenoRemote('https://deno.land/x/oak@v12.6.1/mod.ts')).toEqual({ name: 'deno.land/x/oak', version: 'v12.6.1', root: 'https://deno.land/x/oak@v12.6.1' });
    expect(parseDenoRemote('https://esm.sh/@preact/signals@1.2.1?target=deno')).toEqual({ name: 'esm.sh/@preact/signals', version: '1.2.1', root: 'https://esm.sh/@preact/signals@1.2.1' });
    expect(parseDenoRemote('https://example.com/mod.ts')).toBeUndefined();
  });

  it('hostile bytes (fast-check): a package list or an Error, never a crash', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const seeds = [V2, V3, V4].map((x) => JSON.stringify(x));
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.constantFrom(...seeds).chain((s) => fc.tuple(fc.nat(s.length), fc.string()).map(([i, x]) => s.slice(0, i) + x + s.slice(i)))), (text) => {
        try {
          const r = parseDenoLock({ location: { path: '/x/deno.lock' }, contents: Buffer.from(text) }, ctx);
          expect(Array.isArray(r.packages)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 300 },
    );
  });
});
