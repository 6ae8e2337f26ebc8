/**
 * The catalog runner: one glob walk per parser over the resolver, parsers called on each matching
 * file, a bad file turned into a warning (never a stopped run), then the ownership rules (OS packages'
 * file lists: catalog/ownership.ts), dedup, stable ids and sorting.
 */
import { normalizeIncomplete, type Incomplete } from '../core/incomplete.js';
import type { Logger } from '../core/log.js';
import { packageId } from '../sbom/ids.js';
import type { LinuxRelease, Location, Package, Relationship } from '../sbom/model.js';
import type { FileEntry, FileResolver, Scope } from '../source/types.js';
import { DEFAULT_LIMITS, type Cataloger, type CatalogLimits, type ParserSpec } from './cataloger.js';
import { detectDistro, DISTRO_PATHS } from './os-release.js';
import { applyOwnershipRules, mergeRuntimeBinaries, outerPath, OwnershipIndex } from './ownership.js';
import { compilePathMatcher } from './path-match.js';
import { parseOne, recordError, type ParseEnv, type StreamedParses } from './stream.js';

export interface RunContext {
  log: Logger;
  /** Known distro; detected from os-release when absent. */
  distro?: LinuxRelease;
  limits?: CatalogLimits;
  signal?: AbortSignal;
  /**
   * The resolver's scope. With 'all-layers' the same package found in several layers' copies of a file
   * is reported once with every location, and marked `deleted` when no location is still visible.
   */
  scope?: Scope;
  /** Called with a short status line per parser/file count (TTY progress). */
  onProgress?: (message: string) => void;
  /**
   * What was parsed while the source streamed its layers (catalog/stream.ts `planStreaming`): those
   * files' records are replayed instead of reading them again.
   */
  streamed?: StreamedParses;
}

export interface CatalogResult {
  distro?: LinuxRelease;
  packages: Package[];
  relationships: Relationship[];
  /** Every warning raised, also sent to `log.warn`. */
  warnings: string[];
  /**
   * What a cataloger claimed and could not read (whole files a parser failed on, parts of files it
   * reported with `ctx.incomplete`, files over the size limit), plus what the source could not read.
   */
  incomplete: Incomplete[];
}

/** Every glob the catalogers read (their parsers' globs and companions, plus os-release and the distro release files). */
export function globsFor(catalogers: readonly Cataloger[]): string[] {
  const globs = new Set<string>(DISTRO_PATHS);
  for (const c of catalogers) for (const p of c.parsers) for (const g of [...(p.pathsOnly === true ? [] : p.globs), ...(p.companions ?? [])]) globs.add(g);
  return [...globs].sort();
}

/**
 * The `wants` predicate for a source: true for paths whose contents some cataloger will read, so a
 * streaming source keeps only those bytes.
 */
export function wantsFor(catalogers: readonly Cataloger[]): (path: string) => boolean {
  return compilePathMatcher(globsFor(catalogers));
}

function locKey(l: Location): string {
  return `${l.path}\u0000${l.layer ?? ''}`;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Deterministic package order: type, name, version, first location, id. */
export function comparePackages(a: Package, b: Package): number {
  return (
    compareStrings(a.type, b.type) ||
    compareStrings(a.name, b.name) ||
    compareStrings(a.version, b.version) ||
    compareStrings(a.locations[0]?.path ?? '', b.locations[0]?.path ?? '') ||
    compareStrings(a.id, b.id)
  );
}

function mergeInto(into: Package, p: Package): void {
  const locs = new Map(into.locations.map((l) => [locKey(l), l]));
  for (const l of p.locations) if (!locs.has(locKey(l))) locs.set(locKey(l), l);
  into.locations = [...locs.values()];
  into.foundBy = [...new Set([...into.foundBy, ...p.foundBy])].sort();
  into.licenses = [...new Set([...into.licenses, ...p.licenses])];
  if (into.deleted === true && p.deleted !== true) delete into.deleted;
}

/** Normalise, give stable ids, merge duplicates (same id), sort. Relationships are remapped and deduplicated. */
export function finalizePackages(packages: readonly Package[], relationships: readonly Relationship[]): { packages: Package[]; relationships: Relationship[] } {
  const byId = new Map<string, Package>();
  const remap = new Map<string, string>();
  for (const raw of packages) {
    const p: Package = { ...raw, licenses: [...raw.licenses], locations: [...raw.locations], foundBy: [...raw.foundBy].sort() };
    const id = packageId(p);
    if (raw.id !== '' && raw.id !== id) remap.set(raw.id, id);
    p.id = id;
    const existing = byId.get(id);
    if (existing) mergeInto(existing, p);
    else byId.set(id, p);
  }
  const out = [...byId.values()].sort(comparePackages);
  const seen = new Set<string>();
  const rels: Relationship[] = [];
  for (const r of relationships) {
    const from = remap.get(r.from) ?? r.from;
    const to = remap.get(r.to) ?? r.to;
    if (!byId.has(from) || !byId.has(to) || from === to) continue;
    const key = `${from}\u0000${to}\u0000${r.type}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rels.push({ from, to, type: r.type });
  }
  rels.sort((a, b) => compareStrings(a.from, b.from) || compareStrings(a.to, b.to) || compareStrings(a.type, b.type));
  return { packages: out, relationships: rels };
}

/** What a pathsOnly parser gets instead of the file: no bytes. */
const PATH_ONLY_INPUT = {
  read: (): Promise<Buffer> => Promise.resolve(Buffer.alloc(0)),
  open: (): never => {
    throw new Error('a pathsOnly parser reads no file');
  },
};

/** True when the file at this location is the one still visible in the squashed image. */
function isLive(resolver: FileResolver, l: Location): boolean {
  const e = resolver.stat(l.path);
  if (e === undefined || e.deleted === true) return false;
  return l.layer === undefined || e.layer === undefined || e.layer === l.layer;
}

/**
 * all-layers: merge packages with the same identity found in different layers' copies of a file
 * (dpkg's status is rewritten by every layer that installs something) and mark the ones that no
 * visible file reports any more as deleted.
 */
export function mergeAcrossLayers(
  packages: readonly Package[],
  relationships: readonly Relationship[],
  resolver: FileResolver,
): [Package[], Relationship[]] {
  const groups = new Map<string, Package>();
  const remap = new Map<string, string>();
  for (const p of packages) {
    const key = JSON.stringify([p.type, p.purl ?? '', p.name, p.version, p.locations[0]?.path ?? '']);
    const live = p.locations.some((l) => isLive(resolver, l));
    const existing = groups.get(key);
    if (existing === undefined) {
      const copy: Package = { ...p, locations: [...p.locations] };
      if (live) delete copy.deleted;
      else copy.deleted = true;
      groups.set(key, copy);
      continue;
    }
    if (p.id !== '') remap.set(p.id, existing.id);
    const wasDeleted = existing.deleted === true;
    mergeInto(existing, p);
    if (wasDeleted && !live) existing.deleted = true;
    else delete existing.deleted;
  }
  const merged = [...groups.values()];
  const rels = relationships.map((r) => ({ ...r, from: remap.get(r.from) ?? r.from, to: remap.get(r.to) ?? r.to }));
  return [merged, rels];
}

/**
 * Run catalogers over a resolver. Parser exceptions mark their file incomplete (and warn); files over
 * `limits.maxFileBytes` are skipped and marked incomplete. Runtime binaries an OS package lists are
 * dropped, other packages an OS package lists get an `owns` relationship from it (catalog/ownership.ts).
 * Never throws for bad file contents; throws only when `signal` aborts.
 */
export async function runCatalogers(resolver: FileResolver, catalogers: readonly Cataloger[], rctx: RunContext): Promise<CatalogResult> {
  const limits = rctx.limits ?? DEFAULT_LIMITS;
  const warnings: string[] = [];
  const incomplete: Incomplete[] = [...(resolver.incomplete?.() ?? [])];
  const warn = (message: string, location?: Location): void => {
    const where = location ? `${location.path}${location.layer ? ` (layer ${location.layer.slice(0, 19)})` : ''}: ` : '';
    const line = `${where}${message}`;
    warnings.push(line);
    rctx.log.warn(line);
  };
  // The file being parsed: `ctx.incomplete` without a location means this one.
  let current: { location: Location; by: string } | undefined;
  const markIncomplete = (reason: string, location: Location | undefined, by: string | undefined, warning = `not read completely: ${reason}`): void => {
    const at = location ?? current?.location;
    if (at === undefined) return;
    const claimedBy = by ?? current?.by;
    incomplete.push({ kind: 'file', path: at.path, reason, ...(at.layer ? { layer: at.layer } : {}), ...(claimedBy ? { by: claimedBy } : {}) });
    warn(warning, at);
  };
  const distro = rctx.distro ?? (await detectDistro(resolver));
  const read = async (path: string): Promise<Buffer | undefined> => {
    if (resolver.resolve(path) === undefined) return undefined;
    try {
      return await resolver.read(path);
    } catch {
      return undefined;
    }
  };
  const env: ParseEnv = { limits, read, ...(distro ? { distro } : {}), ...(rctx.signal ? { signal: rctx.signal } : {}) };
  // the files matching a parser's companions globs, listed on its first ask (one more walk), per parser
  const companionEnvs = new Map<ParserSpec, ParseEnv>();
  const envFor = (parser: ParserSpec): ParseEnv => {
    if ((parser.companions ?? []).length === 0) return env;
    let e = companionEnvs.get(parser);
    if (e === undefined) {
      let paths: readonly string[] | undefined;
      const companionPaths = (): readonly string[] => {
        if (paths === undefined) {
          const isMatch = compilePathMatcher(parser.companions ?? []);
          const found = new Set<string>();
          for (const entry of resolver.entries()) if (entry.kind === 'file' && isMatch(entry.path)) found.add(entry.path);
          paths = [...found];
        }
        return paths;
      };
      e = { ...env, companionPaths };
      companionEnvs.set(parser, e);
    }
    return e;
  };
  const packages: Package[] = [];
  const relationships: Relationship[] = [];
  // packages of `yieldsToDescribed` parsers, and the files other results describe (dropped after the walk)
  const yielding = new Set<Package>();
  const described = new Set<string>();
  let files = 0;
  // One walk over the entries: one matcher over every parser's globs rejects the (vast majority of)
  // files no parser wants; the rest are matched per parser. Parsers then run in registry order over their files in path
  // order, exactly as one resolver.glob per parser would give them, without N walks; parsers that only take
  // files no OS package lists (`onlyUnowned`) run last, once the OS databases have been read.
  const allJobs = catalogers.flatMap((cataloger) => cataloger.parsers.map((parser) => ({ cataloger, parser, isMatch: compilePathMatcher(parser.globs), files: [] as FileEntry[] })));
  const jobs = [...allJobs.filter((j) => j.parser.onlyUnowned !== true), ...allJobs.filter((j) => j.parser.onlyUnowned === true)];
  const ownership = new OwnershipIndex(resolver);
  const union = compilePathMatcher(jobs.flatMap((j) => j.parser.globs));
  for (const entry of resolver.entries()) {
    if (!union(entry.path)) continue;
    // directories and symlinks only for the parsers that read paths alone (pathsOnly)
    for (const job of jobs) if ((entry.kind === 'file' || job.parser.pathsOnly === true) && job.isMatch(entry.path)) job.files.push(entry);
  }
  let resolved = false;
  for (const { cataloger, parser, files: matched } of jobs) {
    if (parser.onlyUnowned === true && !resolved && ownership.hasLists) {
      // The OS databases have been read: one pass over their file lists for every file the onlyUnowned
      // parsers would read and every location of the packages found so far (the ownership rules need those).
      resolved = true;
      const paths = jobs.filter((j) => j.parser.onlyUnowned === true).flatMap((j) => j.files.map((e) => e.path));
      for (const p of packages) for (const l of p.locations) paths.push(outerPath(l.path));
      ownership.resolve(paths);
    }
    for (const entry of matched) {
      rctx.signal?.throwIfAborted();
      const location: Location = entry.layer === undefined ? { path: entry.path } : { path: entry.path, layer: entry.layer };
      if (parser.onlyUnowned === true && ownership.isOwned(entry.path)) continue;
      if (parser.pathsOnly !== true && entry.size > limits.maxFileBytes && !(parser.randomAccess === true && parser.anySize === true)) {
        const reason = `${entry.size} bytes is over the ${limits.maxFileBytes}-byte limit`;
        markIncomplete(reason, location, cataloger.name, `skipped by ${cataloger.name}: ${reason}`);
        continue;
      }
      current = { location, by: cataloger.name };
      files++;
      rctx.onProgress?.(`cataloging: ${files} files, ${packages.length} packages (${cataloger.name})`);
      // Parsed while the layers streamed, or now from the bytes the source kept (or reads in place).
      const record =
        rctx.streamed?.get(cataloger.name, parser, location) ??
        (parser.pathsOnly === true
          ? await parseOne(parser, location, PATH_ONLY_INPUT, env)
          : await parseOne(parser, location, { read: () => resolver.read(location), open: () => resolver.openRandomAccess(location) }, envFor(parser)));
      for (const note of record.notes) {
        if (note.kind === 'warn') warn(note.message, note.location);
        else markIncomplete(note.reason, note.location, undefined);
      }
      if (record.result !== undefined) {
        const result = record.result;
        for (const f of result.describedFiles ?? []) described.add(f);
        for (const p of result.packages) {
          const copy = { ...p, foundBy: p.foundBy.length > 0 ? p.foundBy : [cataloger.name] };
          packages.push(copy);
          if (parser.yieldsToDescribed === true) yielding.add(copy);
          const owned = result.ownedFiles?.get(p);
          if (owned !== undefined) ownership.add(copy, owned);
          const dir = result.ownedDirs?.get(p);
          if (dir !== undefined) ownership.addDirectory(copy, dir);
        }
        if (result.relationships) relationships.push(...result.relationships);
      } else {
        const reason = recordError(record);
        markIncomplete(reason, location, cataloger.name, `${cataloger.name} could not read it: ${reason}`);
      }
      current = undefined;
    }
  }
  const undescribed = yielding.size === 0 || described.size === 0 ? packages : packages.filter((p) => !yielding.has(p) || !p.locations.some((l) => described.has(l.path)));
  // relationships across files (Cataloger.relate), among the packages each cataloger reported
  for (const c of catalogers) if (c.relate) relationships.push(...c.relate(undescribed.filter((p) => p.foundBy.includes(c.name))));
  const owned = applyOwnershipRules(undescribed, ownership);
  const kept = mergeRuntimeBinaries(owned.packages);
  relationships.push(...owned.relationships);
  const final = rctx.scope === 'all-layers' ? finalizePackages(...mergeAcrossLayers(kept, relationships, resolver)) : finalizePackages(kept, relationships);
  return { ...(distro ? { distro } : {}), packages: final.packages, relationships: final.relationships, warnings, incomplete: normalizeIncomplete(incomplete) };
}
