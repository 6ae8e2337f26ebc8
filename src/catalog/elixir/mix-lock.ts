/**
 * Elixir: mix.lock, the Elixir map mix writes, one entry per line (https://hexdocs.pm/mix/Mix.Tasks.Deps.html):
 *
 *     %{
 *       "cowboy": {:hex, :cowboy, "2.9.0", "<inner sha256>", [:make, :rebar3], [{:cowlib, "2.11.0", [hex: :cowlib, …]}], "hexpm", "<outer sha256>"},
 *       "enacl": {:git, "https://github.com/aeternity/enacl.git", "2f50ba62…", [ref: "2f50ba6"]},
 *       "local_dep": {:path, "../local_dep", []},
 *     }
 *
 * - `:hex` entries are Hex packages: the name is the package's (the atom after `:hex`, which an aliased
 *   dependency's key does not repeat), the repository `"hexpm:<org>"` of a private organisation is the purl's
 *   namespace, the outer checksum (of the tarball) is the SHA-256; the tuples of the dependency list give
 *   `depends-on` relationships.
 * - `:git` entries are reported at their locked commit with no purl, as syft does: they are not on hex.pm and
 *   a `pkg:hex` purl would match hex.pm's advisories (trivy skips them).
 * - `:path` entries are the project's own code: reported without a version or purl, marked `project: workspace`
 *   (syft reports them without a version).
 */
import { buildPurl } from '../../core/ecosystem.js';
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { langPackage, nameSome, projectMetadata, textOf } from '../lang-common.js';

const CATALOGER = 'elixir-mix-lock-cataloger';
const MAX_BYTES = 32 * 1024 * 1024;
const MAX_ENTRIES = 100_000;
/** Issues named one by one; past this, counted. */
const MAX_NAMED = 20;

/** A trimmed entry line; the body runs to the last `}` (every pattern here is linear: no two unbounded repeats meet). */
const ENTRY = /^"([^"\\]+)"\s*:\s*\{\s*:(\w+)\s*,(.*)\},?$/;
/** `:name, "version", "inner checksum", [build tools],` then the dependency list. */
const HEX_HEAD = /^\s*:"?([\w.-]+)"?\s*,\s*"([^"\\]+)"\s*,\s*"([^"\\]*)"\s*,\s*\[[^\]]*\]\s*,/;
/** After the dependency list: `, "hexpm", "outer checksum"` (mix 1.6+), `, "hexpm"`, or nothing (older mix). */
const HEX_TAIL = /^\s*(?:,\s*"([^"\\]*)"\s*(?:,\s*"([^"\\]*)"\s*)?)?$/;
const GIT = /^\s*"([^"\\]+)"\s*,\s*"([^"\\]+)"/;
const DEP = /\{\s*:(\w+)\s*,/g;

function hexPurl(name: string, version: string, repo: string): string | undefined {
  const org = /^hexpm:(.+)$/.exec(repo)?.[1];
  try {
    return buildPurl({ type: 'hex', namespace: org, name, version });
  } catch {
    return undefined;
  }
}

export function parseMixLock(file: CatalogFile, ctx: CatalogContext): ParseResult {
  if (file.contents.length > MAX_BYTES) {
    ctx.incomplete(`mix.lock is ${file.contents.length} bytes, over the ${MAX_BYTES} read`);
    return { packages: [] };
  }
  const text = textOf(file.contents);
  if (text.trim() === '') {
    ctx.warn('empty mix.lock', file.location);
    return { packages: [] };
  }
  if (!text.trimStart().startsWith('%{')) throw new Error('not a mix.lock: it does not start with an Elixir map (%{)');
  const packages: Package[] = [];
  const byKey = new Map<string, Package>();
  const deps: [Package, string[]][] = [];
  const unread: string[] = [];
  let entries = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const t = line.trim();
    if (t === '' || t === '%{' || t === '}' || t.startsWith('#')) continue;
    if (++entries > MAX_ENTRIES) {
      ctx.incomplete(`mix.lock has more than ${MAX_ENTRIES} entries; the rest are not read`);
      break;
    }
    const m = ENTRY.exec(t);
    const [key, source, body] = m ? [m[1]!, m[2]!, m[3]!] : ['', '', ''];
    if (source === 'hex') {
      const head = HEX_HEAD.exec(body);
      const close = body.lastIndexOf(']');
      const tail = head && close >= head[0].length ? HEX_TAIL.exec(body.slice(close + 1)) : null;
      if (head && tail) {
        const [, name, version] = head as unknown as [string, string, string];
        const repo = tail[1] ?? 'hexpm';
        const outer = tail[2] ?? '';
        const depList = body.slice(head[0].length, close);
        const p = langPackage({
          name,
          version,
          type: 'hex',
          purl: hexPurl(name, version, repo),
          location: file.location,
          foundBy: CATALOGER,
          hashes: /^[0-9a-f]{64}$/i.test(outer) ? { 'SHA-256': outer.toLowerCase() } : undefined,
          metadata: { source: 'hex', repo, ...(key !== name ? { app: key } : {}) },
        });
        packages.push(p);
        byKey.set(key, p);
        deps.push([p, [...depList.matchAll(DEP)].map((d) => d[1]!)]);
        continue;
      }
    } else if (source === 'git') {
      const g = GIT.exec(body);
      if (g) {
        const p = langPackage({ name: key, version: g[2]!, type: 'hex', location: file.location, foundBy: CATALOGER, metadata: { source: 'git', vcsUrl: g[1]! } });
        packages.push(p);
        byKey.set(key, p);
        deps.push([p, []]);
        continue;
      }
    } else if (source === 'path') {
      // local code of the project (an umbrella sibling, a vendored app): a member of it, without a version
      // or a purl (it is not on hex.pm), as git entries are reported without one
      const at = /^\s*"([^"]*)"/.exec(body)?.[1];
      const p = langPackage({ name: key, version: '', type: 'hex', location: file.location, foundBy: CATALOGER, metadata: projectMetadata('workspace', { source: 'path', ...(at !== undefined ? { path: at } : {}) }) });
      packages.push(p);
      byKey.set(key, p);
      deps.push([p, []]);
      continue;
    }
    unread.push(`line ${i + 1}${key ? ` (${JSON.stringify(key)})` : ''}`);
  }
  if (unread.length > 0) ctx.incomplete(`mix.lock entries not read: ${nameSome(unread, MAX_NAMED)}`);
  const relationships: Relationship[] = [];
  for (const [p, ds] of deps) {
    for (const d of ds) {
      const to = byKey.get(d);
      if (to && to !== p) relationships.push({ from: p.id, to: to.id, type: 'depends-on' });
    }
  }
  return { packages, relationships };
}
