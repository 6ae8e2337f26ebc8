/**
 * Conan (C/C++) dependencies: `conan.lock` of Conan 1 (lock version 0.4: `graph_lock.nodes`, an id → node
 * map whose node "0" is the consumer, each node a `ref` and the ids it `requires`/`build_requires`;
 * `context: build` for tools) and of Conan 2 (lock version 0.5: `requires`, `build_requires`,
 * `python_requires` lists of references), and the pinned references of a `conanfile.txt`
 * (`[requires]`, `[tool_requires]`, `[build_requires]`, `[test_requires]`).
 * A reference is `name/version[@user[/channel]][#rrev][:package_id[#prev]][%timestamp]`.
 */
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { isRecord, langPackage, parseJsonText, purlOrUndefined, textOf } from '../lang-common.js';

/** A lock of a big project has a few hundred nodes. */
const MAX_ENTRIES = 100_000;
const MAX_REQUIRES = 10_000;

export interface ConanRef {
  name: string;
  version: string;
  user?: string;
  channel?: string;
  recipeRevision?: string;
}

/** A Conan reference, or a reason it is none (a version range is no pinned version). */
export function parseConanRef(text: string): ConanRef | { error: string } {
  let t = text.trim();
  const pct = t.indexOf('%');
  if (pct >= 0) t = t.slice(0, pct);
  const colon = t.indexOf(':');
  if (colon >= 0) t = t.slice(0, colon);
  let recipeRevision: string | undefined;
  const hash = t.indexOf('#');
  if (hash >= 0) {
    recipeRevision = t.slice(hash + 1);
    t = t.slice(0, hash);
  }
  let user: string | undefined;
  let channel: string | undefined;
  const at = t.indexOf('@');
  if (at >= 0) {
    const uc = t.slice(at + 1).split('/');
    t = t.slice(0, at);
    if (uc.length > 2) return { error: 'more than user/channel after "@"' };
    user = uc[0] || undefined;
    channel = uc[1] || undefined;
  }
  const parts = t.split('/');
  if (parts.length !== 2) return { error: 'not name/version' };
  const [name, version] = parts as [string, string];
  if (!/^[A-Za-z0-9_][A-Za-z0-9_+.-]*$/.test(name)) return { error: `bad name ${JSON.stringify(name)}` };
  if (version.startsWith('[')) return { error: `version range ${version}, not one version` };
  if (!/^[A-Za-z0-9_][A-Za-z0-9_+.-]*$/.test(version)) return { error: `bad version ${JSON.stringify(version)}` };
  return { name, version, ...(user ? { user } : {}), ...(channel ? { channel } : {}), ...(recipeRevision ? { recipeRevision } : {}) };
}

export function conanPackage(ref: ConanRef, file: CatalogFile, foundBy: string, dev: boolean): Package {
  const metadata: Record<string, unknown> = {};
  if (ref.recipeRevision) metadata.recipeRevision = ref.recipeRevision;
  if (ref.user) metadata.user = ref.user;
  if (ref.channel) metadata.channel = ref.channel;
  if (dev) metadata.dev = true;
  return langPackage({
    name: ref.name,
    version: ref.version,
    type: 'conan',
    // as syft writes it: the user is the namespace, the channel a qualifier
    purl: purlOrUndefined({ type: 'conan', namespace: ref.user, name: ref.name, version: ref.version, qualifiers: ref.channel ? { channel: ref.channel } : {} }),
    location: file.location,
    foundBy,
    metadata,
  });
}

const stringList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, MAX_REQUIRES) : []);

export function parseConanLock(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const doc = parseJsonText(file.contents, 'conan.lock');
  if (!isRecord(doc)) {
    ctx.incomplete('conan.lock is no JSON object');
    return { packages: [] };
  }
  const graph = isRecord(doc.graph_lock) ? doc.graph_lock : undefined;
  if (graph !== undefined && isRecord(graph.nodes)) return lockV1(graph.nodes, file, ctx);
  if (!['requires', 'build_requires', 'python_requires'].some((k) => Array.isArray(doc[k]))) {
    ctx.incomplete('conan.lock has neither graph_lock.nodes (Conan 1) nor requires lists (Conan 2)');
    return { packages: [] };
  }
  const packages: Package[] = [];
  const seen = new Set<string>();
  for (const [key, dev] of [['requires', false], ['build_requires', true], ['python_requires', true]] as const) {
    for (const entry of stringList(doc[key])) {
      const ref = parseConanRef(entry);
      if ('error' in ref) {
        ctx.warn(`${key} entry ${JSON.stringify(entry.slice(0, 120))} skipped: ${ref.error}`, file.location);
        continue;
      }
      const k = `${ref.user ?? ''}/${ref.name}@${ref.version}/${ref.channel ?? ''}`;
      if (seen.has(k) || packages.length >= MAX_ENTRIES) continue;
      seen.add(k);
      packages.push(conanPackage(ref, file, 'conan-cataloger', dev));
    }
  }
  return { packages };
}

function lockV1(nodes: Record<string, unknown>, file: CatalogFile, ctx: CatalogContext): ParseResult {
  const byId = new Map<string, Package>();
  const requires = new Map<string, string[]>();
  let count = 0;
  for (const [id, node] of Object.entries(nodes)) {
    if (count++ >= MAX_ENTRIES) {
      ctx.incomplete(`conan.lock has more than ${MAX_ENTRIES} nodes; the rest are not read`);
      break;
    }
    if (!isRecord(node)) {
      ctx.incomplete(`node ${JSON.stringify(id)} is no object`);
      continue;
    }
    const refText = typeof node.ref === 'string' ? node.ref : undefined;
    // node "0" is the consumer (a conanfile): the project itself, not a package
    if (id === '0' || refText === undefined) continue;
    const ref = parseConanRef(refText);
    if ('error' in ref) {
      ctx.warn(`node ${id} ref ${JSON.stringify(refText.slice(0, 120))} skipped: ${ref.error}`, file.location);
      continue;
    }
    byId.set(id, conanPackage(ref, file, 'conan-cataloger', node.context === 'build'));
    requires.set(id, [...stringList(node.requires), ...stringList(node.build_requires)]);
  }
  const relationships: Relationship[] = [];
  for (const [id, reqs] of requires) {
    const from = byId.get(id)!;
    for (const r of reqs) {
      const to = byId.get(r);
      if (to !== undefined && to !== from) relationships.push({ from: from.id, to: to.id, type: 'depends-on' });
    }
  }
  return { packages: [...byId.values()], relationships };
}

const CONANFILE_SECTIONS: Readonly<Record<string, boolean>> = { requires: false, tool_requires: true, build_requires: true, test_requires: true };

export function parseConanfileTxt(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const packages: Package[] = [];
  let section: string | undefined;
  let lineNo = 0;
  for (const raw of textOf(file.contents).split('\n')) {
    lineNo++;
    const line = raw.replace(/\s#.*$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const head = /^\[([^\]]*)\]$/.exec(line);
    if (head !== null) {
      section = head[1]!.trim();
      continue;
    }
    if (section === undefined || !Object.hasOwn(CONANFILE_SECTIONS, section)) continue;
    const ref = parseConanRef(line);
    if ('error' in ref) {
      ctx.warn(`line ${lineNo} ${JSON.stringify(line.slice(0, 120))} in [${section}] not reported: ${ref.error}`, file.location);
      continue;
    }
    if (packages.length >= MAX_ENTRIES) {
      ctx.incomplete(`conanfile.txt has more than ${MAX_ENTRIES} requirements; the rest are not read`);
      break;
    }
    packages.push(conanPackage(ref, file, 'conan-cataloger', CONANFILE_SECTIONS[section]!));
  }
  return { packages };
}
