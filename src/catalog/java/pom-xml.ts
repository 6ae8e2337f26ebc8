/**
 * Maven `pom.xml` files, read offline (https://maven.apache.org/pom.html): the project's own declared
 * `<dependencies>`, each version taken from the dependency, else from a `<dependencyManagement>` entry of
 * the same groupId:artifactId, with `${property}` references resolved from `<properties>` and the
 * `project.*` values. The parent pom is followed when it is present beside the file (`<relativePath>`,
 * by default `../pom.xml`) and is the parent the pom names: its properties and dependencyManagement
 * apply, child over parent, up to MAX_PARENTS levels. Never the network or a local Maven repository,
 * so a version that only an imported BOM or a parent not present gives is unknown: a warning, not a
 * package (as in Gradle lock files), as is a range or an `@placeholder@`. The project itself is reported
 * marked `project: root` (its version empty when only an absent parent names it); a `test`-scope
 * dependency is marked dev. Dependencies a parent declares are reported at the
 * parent's pom.xml.
 */
import { posix } from 'node:path';
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { parseMsbuildXml } from '../dotnet/msbuild-xml.js';
import { dirOf, isRecord, langPackage, nameSome, projectMetadata, purlOrUndefined } from '../lang-common.js';

const CATALOGER = 'java-pom-cataloger';
const ARRAYS = new Set(['dependency']);
/** Parent poms followed; Maven projects rarely nest more than three or four. */
const MAX_PARENTS = 10;
/** Rounds of `${…}` substitution (a property may name another); cycles stop here unresolved. */
const MAX_ROUNDS = 10;
/** Dependencies named per warning; the rest are counted. */
const MAX_NAMED = 10;

interface Coordinates {
  groupId?: string;
  artifactId?: string;
  version?: string;
}

interface Dependency extends Coordinates {
  scope?: string;
  optional?: string;
  type?: string;
}

interface Pom extends Coordinates {
  parent?: Coordinates & { relativePath?: string };
  properties: Map<string, string>;
  managed: Dependency[];
  dependencies: Dependency[];
}

/** An element's text: a string, or the `#text` of an element that also has attributes. */
function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim();
  if (isRecord(v) && typeof v['#text'] === 'string') return v['#text'].trim();
  return undefined;
}

function dependencyList(v: unknown): Dependency[] {
  if (!isRecord(v) || !Array.isArray(v.dependency)) return [];
  return v.dependency.filter(isRecord).map((d) => ({
    groupId: text(d.groupId),
    artifactId: text(d.artifactId),
    version: text(d.version),
    scope: text(d.scope),
    optional: text(d.optional),
    type: text(d.type),
  }));
}

export function readPom(contents: Buffer, what: string): Pom {
  const doc = parseMsbuildXml(contents, what, ARRAYS);
  const project = doc.project;
  if (!isRecord(project)) throw new Error(`${what} has no <project> element`);
  const properties = new Map<string, string>();
  if (isRecord(project.properties)) {
    for (const [k, v] of Object.entries(project.properties)) {
      const t = text(v);
      if (t !== undefined && !k.startsWith('@_')) properties.set(k, t);
    }
  }
  const pom: Pom = {
    groupId: text(project.groupId),
    artifactId: text(project.artifactId),
    version: text(project.version),
    properties,
    managed: isRecord(project.dependencyManagement) ? dependencyList(project.dependencyManagement.dependencies) : [],
    dependencies: dependencyList(project.dependencies),
  };
  if (isRecord(project.parent)) {
    const p = project.parent;
    pom.parent = { groupId: text(p.groupId), artifactId: text(p.artifactId), version: text(p.version), relativePath: 'relativePath' in p ? (text(p.relativePath) ?? '') : undefined };
  }
  return pom;
}

/** The parent pom named by `pom`, when present beside it (its relativePath) and it is that parent. */
async function loadParent(pom: Pom, path: string, ctx: CatalogContext): Promise<{ pom: Pom; path: string } | undefined> {
  const parent = pom.parent;
  if (!parent || !ctx.read) return undefined;
  // an empty <relativePath/> tells Maven to skip the file system and look the parent up in repositories
  if (parent.relativePath === '') return undefined;
  let rel = parent.relativePath ?? '../pom.xml';
  if (!rel.endsWith('.xml')) rel = `${rel.replace(/\/+$/, '')}/pom.xml`;
  const at = posix.normalize(posix.join(dirOf(path), rel));
  if (at === path) return undefined;
  const bytes = await ctx.read(at);
  if (!bytes) return undefined;
  let found: Pom;
  try {
    found = readPom(bytes, at);
  } catch {
    return undefined; // that pom.xml is catalogued (and reported incomplete) on its own
  }
  const group = found.groupId ?? found.parent?.groupId;
  if (found.artifactId !== parent.artifactId || (parent.groupId !== undefined && group !== parent.groupId)) return undefined;
  return { pom: found, path: at };
}

export async function parsePomXml(file: CatalogFile, ctx: CatalogContext): Promise<ParseResult> {
  const pom = readPom(file.contents, 'pom.xml');
  // the pom and its ancestors present beside it, nearest first
  const chain: Pom[] = [pom];
  const seen = new Set([file.location.path]);
  let at = file.location.path;
  let missingParent = pom.parent !== undefined;
  while (chain.length <= MAX_PARENTS) {
    const next = await loadParent(chain[chain.length - 1]!, at, ctx);
    if (!next || seen.has(next.path)) break;
    seen.add(next.path);
    chain.push(next.pom);
    at = next.path;
    missingParent = next.pom.parent !== undefined;
  }

  const props = new Map<string, string>();
  for (const p of [...chain].reverse()) for (const [k, v] of p.properties) props.set(k, v);
  const groupId = pom.groupId ?? pom.parent?.groupId;
  // a pom without <version> inherits its parent's: the version that parent pom gives itself when it is here
  // (`${revision}${changelist}`, resolved below), else what the <parent> reference names
  const parentPom = chain[1];
  const version = pom.version ?? (parentPom ? (parentPom.version ?? parentPom.parent?.version) : undefined) ?? pom.parent?.version;
  // Maven resolves `project.*` / `pom.*` from the model before any <properties> entry of the same name
  // (a `<project.version>` property does not change ${project.version}); plain `version` comes after them
  const modelValues: [string, string | undefined][] = [
    ['project.groupId', groupId],
    ['project.artifactId', pom.artifactId],
    ['project.version', version],
    ['pom.groupId', groupId],
    ['pom.artifactId', pom.artifactId],
    ['pom.version', version],
    ['project.parent.groupId', pom.parent?.groupId],
    ['project.parent.artifactId', pom.parent?.artifactId],
    ['project.parent.version', pom.parent?.version],
  ];
  for (const [k, v] of modelValues) if (v !== undefined) props.set(k, v);
  const builtins: [string, string | undefined][] = [
    ['version', version],
    ['parent.version', pom.parent?.version],
  ];
  for (const [k, v] of builtins) if (v !== undefined && !props.has(k)) props.set(k, v);
  const resolve = (s: string | undefined): string | undefined => {
    if (s === undefined) return undefined;
    let out = s;
    for (let i = 0; i < MAX_ROUNDS && out.includes('${'); i++) out = out.replace(/\$\{([^}]*)\}/g, (m, k: string) => props.get(k.trim()) ?? m);
    return out.trim();
  };

  // dependencyManagement, child over parent; BOM imports (scope import) are not followed
  const managed = new Map<string, Dependency>();
  for (const p of chain) {
    for (const d of p.managed) {
      if (d.scope === 'import') continue;
      const key = `${resolve(d.groupId)}:${resolve(d.artifactId)}`;
      if (!managed.has(key)) managed.set(key, d);
    }
  }

  const packages: Package[] = [];
  const byKey = new Map<string, Package>();
  const unversioned: string[] = [];
  const unnamed: string[] = [];
  pom.dependencies.forEach((d, i) => {
    const group = resolve(d.groupId);
    const artifact = resolve(d.artifactId);
    if (!group || !artifact) {
      unnamed.push(`dependencies[${i}]${artifact ? ` ${JSON.stringify(artifact.slice(0, 120))}` : ''}`);
      return;
    }
    if (group.includes('${') || artifact.includes('${')) {
      unversioned.push(JSON.stringify(`${group}:${artifact}`.slice(0, 120)));
      return;
    }
    const m = managed.get(`${group}:${artifact}`);
    const raw = resolve(d.version ?? m?.version);
    // `[1.2.3]` pins exactly that version; other ranges, and what nothing here resolves, name no single version
    const pinned = raw ? /^\[\s*([^,[\]()\s]+)\s*\]$/.exec(raw)?.[1] : undefined;
    const v = pinned ?? raw;
    // `@name@` is a placeholder resource filtering fills in (poms under src/it), not a version
    // The dependency is still reported, by name without a version (as syft and trivy report it): nothing is
    // matched against it, and the warning says which ones
    const known = !(!v || v.includes('${') || /[[\](),]/.test(v) || /^@[^@\s]+@$/.test(v));
    if (!known) unversioned.push(`${group}:${artifact}${raw ? ` ${JSON.stringify(raw.slice(0, 120))}` : ''}`);
    const version = known ? v! : '';
    const scope = resolve(d.scope ?? m?.scope);
    const key = `${group}:${artifact}@${version}`;
    const dev = scope === 'test';
    const prior = byKey.get(key);
    if (prior) {
      if (!dev && prior.metadata?.dev === true) delete prior.metadata.dev;
      return;
    }
    const metadata: Record<string, unknown> = {};
    if (scope) metadata.scope = scope;
    if (resolve(d.optional) === 'true') metadata.optional = true;
    if (dev) metadata.dev = true;
    if (d.version === undefined && known) metadata.versionFrom = 'dependencyManagement';
    const p = langPackage({
      name: artifact,
      version,
      type: 'java-archive',
      group,
      purl: purlOrUndefined({ type: 'maven', namespace: group, name: artifact, version }),
      location: file.location,
      foundBy: CATALOGER,
      metadata,
    });
    byKey.set(key, p);
    packages.push(p);
  });
  const list = (xs: string[]): string => nameSome(xs, MAX_NAMED);
  if (unversioned.length > 0) {
    const why = missingParent ? 'a parent pom or BOM that is not beside it' : 'an imported BOM';
    ctx.warn(`pom.xml dependencies that name no single version here (a range, a property defined nowhere custody can read, or a version managed by ${why}, which custody does not fetch); reported without a version: ${list(unversioned)}`, file.location);
  }
  if (unnamed.length > 0) ctx.incomplete(`pom.xml dependencies without a groupId and artifactId: ${list(unnamed)}`, file.location);
  const relationships: Relationship[] = [];
  const rootArtifact = resolve(pom.artifactId);
  // a pom naming no groupId (none of its own, no <parent>) is still the project; its group is the
  // artifact id, as syft writes it and as custody names a jar that gives no group
  const rootGroup = groupId === undefined ? rootArtifact : resolve(groupId);
  if (rootGroup && rootArtifact && !rootGroup.includes('${') && !rootArtifact.includes('${')) {
    const rv = resolve(version);
    const rootVersion = rv && !rv.includes('${') ? rv : '';
    const root = langPackage({
      name: rootArtifact,
      version: rootVersion,
      type: 'java-archive',
      group: rootGroup,
      purl: purlOrUndefined({ type: 'maven', namespace: rootGroup, name: rootArtifact, version: rootVersion }),
      location: file.location,
      foundBy: CATALOGER,
      metadata: projectMetadata('root'),
    });
    for (const p of packages) relationships.push({ from: root.id, to: p.id, type: p.metadata?.dev === true ? 'dev-depends-on' : 'depends-on' });
    packages.unshift(root);
  }
  return { packages, relationships };
}
