/**
 * Erlang: rebar.lock, the Erlang terms rebar3 writes (https://rebar3.org/docs/configuration/dependencies/#lock-files):
 *
 *     {"1.2.0",
 *     [{<<"certifi">>,{pkg,<<"certifi">>,<<"2.9.0">>},0},
 *      {<<"swc">>,{git,"https://github.com/vernemq/ServerWideClocks.git",{ref,"4835239d…"}},0}]}.
 *     [{pkg_hash,[{<<"certifi">>,<<"6F2A…">>}]},{pkg_hash_ext,[{<<"certifi">>,<<"266D…">>}]}].
 *
 * and, before rebar3 3.5, the bare list of locks. `pkg` locks are Hex packages (the name is the package's,
 * the key is the application, which an aliased dependency names differently); the outer checksum
 * (`pkg_hash_ext`, of the tarball) is the SHA-256. `git` locks are reported at their commit without a purl,
 * as for mix.lock (syft gives them a `pkg:hex` purl; they are not on hex.pm). The integer is the depth:
 * 0 for a direct dependency.
 */
import { buildPurl } from '../../core/ecosystem.js';
import type { Package } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { langPackage, nameSome, textOf } from '../lang-common.js';
import { itemsOf, parseTerms, TermError, textOfTerm, type Term } from './term.js';

const CATALOGER = 'erlang-rebar-lock-cataloger';
const MAX_BYTES = 32 * 1024 * 1024;
const MAX_NAMED = 20;

function hexPurl(name: string, version: string): string | undefined {
  try {
    return buildPurl({ type: 'hex', name, version });
  } catch {
    return undefined;
  }
}

/** The lock list and the hash sections, from either layout. */
function sections(terms: Term[]): { locks: Term[]; hashes: Term[] } | undefined {
  const first = terms[0];
  if (first?.kind === 'list') return { locks: first.items, hashes: [] };
  if (first?.kind === 'tuple' && first.items.length === 2 && first.items[1]!.kind === 'list') {
    return { locks: first.items[1]!.items, hashes: terms[1]?.kind === 'list' ? terms[1].items : [] };
  }
  return undefined;
}

export function parseRebarLock(file: CatalogFile, ctx: CatalogContext): ParseResult {
  if (file.contents.length > MAX_BYTES) {
    ctx.incomplete(`rebar.lock is ${file.contents.length} bytes, over the ${MAX_BYTES} read`);
    return { packages: [] };
  }
  const text = textOf(file.contents);
  if (text.trim() === '') {
    ctx.warn('empty rebar.lock', file.location);
    return { packages: [] };
  }
  let terms: Term[];
  try {
    terms = parseTerms(text);
  } catch (err) {
    if (err instanceof TermError) throw new Error(`rebar.lock is not readable Erlang terms: ${err.message}`, { cause: err });
    throw err;
  }
  const s = sections(terms);
  if (!s) throw new Error('rebar.lock holds neither {Version, Locks} nor a list of locks');
  const outer = new Map<string, string>();
  for (const section of s.hashes) {
    const [kind, list] = itemsOf(section);
    if (textOfTerm(kind) !== 'pkg_hash_ext') continue;
    for (const pair of itemsOf(list)) {
      const [app, hash] = itemsOf(pair).map(textOfTerm);
      if (app && hash && /^[0-9a-f]{64}$/i.test(hash)) outer.set(app, hash.toLowerCase());
    }
  }
  const packages: Package[] = [];
  const unread: string[] = [];
  s.locks.forEach((lock, n) => {
    const [appTerm, source, depth] = itemsOf(lock);
    const app = textOfTerm(appTerm);
    const [kind, a, b] = itemsOf(source);
    const how = textOfTerm(kind);
    const level = depth?.kind === 'number' ? Number(depth.value) : undefined;
    if (app && how === 'pkg' && textOfTerm(a) && textOfTerm(b)) {
      const name = textOfTerm(a)!;
      const version = textOfTerm(b)!;
      const sha = outer.get(app);
      packages.push(
        langPackage({
          name,
          version,
          type: 'hex',
          purl: hexPurl(name, version),
          location: file.location,
          foundBy: CATALOGER,
          hashes: sha ? { 'SHA-256': sha } : undefined,
          metadata: { source: 'hex', ...(app !== name ? { app } : {}), ...(level !== undefined ? { depth: level } : {}) },
        }),
      );
      return;
    }
    const ref = textOfTerm(itemsOf(b)[1]);
    if (app && how === 'git' && textOfTerm(a) && ref) {
      packages.push(
        langPackage({
          name: app,
          version: ref,
          type: 'hex',
          location: file.location,
          foundBy: CATALOGER,
          metadata: { source: 'git', vcsUrl: textOfTerm(a), ...(level !== undefined ? { depth: level } : {}) },
        }),
      );
      return;
    }
    unread.push(app ? JSON.stringify(app) : `#${n + 1}`);
  });
  if (unread.length > 0) ctx.incomplete(`rebar.lock locks not read: ${nameSome(unread, MAX_NAMED)}`);
  return { packages };
}
