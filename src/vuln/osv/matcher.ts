/**
 * The native matcher: every package of an SBOM against a local OSV store.
 * Ecosystem ranges use the same per-ecosystem ordering as `sbom query` (injected as `compare`);
 * distro packages are also looked up by their source package; aliases (GHSA ⇄ CVE) are merged.
 */
import type { Ecosystem } from '../../core/ecosystem.js';
import type { Package, Sbom } from '../../sbom/model.js';
import { ownersOf } from '../../sbom/ownership.js';
import { subjectLabel } from '../../sbom/subject.js';
import { resolveSeverity } from '../cvss.js';
import { uniqSorted } from '../data.js';
import { compareFindings, findingKey } from '../finding.js';
import type { CoverageEntry, Finding, MatchEvidence, OwnedPackage, ScanResult } from '../model.js';
import { severityRank } from '../model.js';
import { ecosystemFamily, moduleMatches, osvQueryOf, releaseMatches, type OsvQuery } from './ecosystems.js';
import { affectsVersion, fixedAbove, type Compare } from './range.js';
import { scoreOsvSeverity } from './record.js';
import type { OsvHit, OsvStore } from './store.js';

/** Version comparison by ecosystem; 'semver' is SemVer 2.0 (OSV SEMVER ranges). Throws on unreadable input. */
export type CompareVersions = (ordering: Ecosystem | 'semver', a: string, b: string) => number;

export interface MatchOptions {
  compare: CompareVersions;
  /**
   * Match language packages that an OS package installed (an `owns` relationship) against their
   * language ecosystem too. Off by default: the distro's advisories (matched through the owning
   * package) are the ones that apply to a distro build (`python3-requests` 2.28.1 carries Debian's
   * backported fixes; PyPI's advisories for 2.28.1 are false positives there).
   */
  matchOwned?: boolean;
}

export interface MatchResult {
  findings: Finding[];
  packagesScanned: number;
  /** Packages with no ecosystem OSV covers. */
  packagesSkipped: number;
  /** Per ecosystem (or distro release, or package kind without one): how much of the SBOM the data covers. */
  coverage: CoverageEntry[];
  /** Language packages not matched on their own because an OS package owns them. */
  owned: OwnedPackage[];
  warnings: string[];
}

/** Language packages owned by an OS package, with their owner: from the SBOM's `owns` relationships. */
export const ownedPackages = ownersOf;

/** Match every package of `sbom` against `store`. Pure: no I/O. */
export function matchSbom(sbom: Sbom, store: OsvStore, opts: MatchOptions): MatchResult {
  const warnings: string[] = [];
  const unreadable = new Set<string>();
  let packagesScanned = 0;
  let packagesSkipped = 0;
  let unknownRelease = 0;
  const findings: Finding[] = [];
  const coverage = new CoverageCounter(store);
  const owners = opts.matchOwned === true ? new Map<string, Package>() : ownedPackages(sbom);
  const owned: OwnedPackage[] = [];
  for (const pkg of sbom.packages) {
    const owner = owners.get(pkg.id);
    if (owner) {
      owned.push({ name: pkg.name, version: pkg.version, ...(pkg.purl ? { purl: pkg.purl } : {}), owner: `${owner.name} ${owner.version}`, ...(owner.purl ? { ownerPurl: owner.purl } : {}) });
      continue;
    }
    const q = osvQueryOf(pkg, sbom.distro);
    coverage.add(pkg, q);
    if (!q) {
      packagesSkipped++;
      continue;
    }
    packagesScanned++;
    const compareFor = (type: 'ECOSYSTEM' | 'SEMVER'): Compare => {
      const ordering: Ecosystem | 'semver' = type === 'SEMVER' ? 'semver' : q.ordering;
      return (a, b) => opts.compare(ordering, a, b);
    };
    const perPackage: Finding[] = [];
    const lookups: { hit: OsvHit; via: 'name' | 'source' }[] = [
      ...store.lookup(q.family, q.name).map((hit) => ({ hit, via: 'name' as const })),
      ...(q.sourceName ? store.lookup(q.family, q.sourceName).map((hit) => ({ hit, via: 'source' as const })) : []),
    ];
    for (const { hit, via } of lookups) {
      const rel = releaseMatches(hit.affected.ecosystem, q.release, q.version);
      if (rel === false) continue;
      if (!moduleMatches(hit.affected.module, q.module)) continue;
      if (rel === undefined) unknownRelease++;
      let range;
      try {
        range = affectsVersion(hit.affected, q.version, compareFor);
      } catch (err) {
        const k = `${q.family} ${q.name}@${q.version}`;
        if (!unreadable.has(k)) {
          unreadable.add(k);
          warnings.push(`cannot compare version ${q.version} of ${q.name} (${q.family}) with ${hit.record.id}: ${err instanceof Error ? err.message : String(err)}`);
        }
        continue;
      }
      if (!range) continue;
      const locations = pkg.locations.map((l) => l.path);
      const fp: Finding['package'] = { name: pkg.name, version: pkg.version, type: pkg.type, locations };
      if (pkg.locations.some((l) => l.layer)) fp.layers = pkg.locations.map((l) => l.layer ?? '');
      if (pkg.purl) fp.purl = pkg.purl;
      if (pkg.deleted === true) fp.deleted = true;
      const ev: MatchEvidence = {
        kind: via === 'source' || q.ordering === 'deb' || q.ordering === 'apk' || q.ordering === 'rpm' ? 'distro-package' : range.via === 'versions' ? 'explicit-version' : 'purl-range',
        constraint: range.rangeType ? `${range.constraint} (${range.rangeType})` : range.constraint,
        namespace: hit.affected.ecosystem,
        matcher: 'osv',
      };
      if (via === 'source') ev.sourcePackage = q.sourceName!;
      if (rel === undefined) ev.matcher = 'osv (package distro release unknown; matched every release)';
      else if (hit.affected.module !== undefined && q.module === '?') ev.matcher = `osv (module stream of the package unknown; matched stream ${hit.affected.module})`;
      let fixed: string[] = [];
      try {
        fixed = fixedAbove(hit.affected, q.version, compareFor);
      } catch {
        fixed = range.fixed ? [range.fixed] : [];
      }
      const record = hit.record;
      const f: Finding = {
        key: findingKey(record.id, fp),
        id: record.id,
        aliases: uniqSorted(record.aliases),
        package: fp,
        fixedVersions: uniqSorted(fixed),
        fixState: fixed.length > 0 ? 'fixed' : 'not-fixed',
        severity: resolveSeverity(scoreOsvSeverity([...record.severity, ...hit.affected.severity]), record.databaseSeverity),
        engine: 'osv',
        evidence: [ev],
        urls: record.references.slice(0, 20),
        properties: { ecosystem: hit.affected.ecosystem, ...(record.modified ? { modified: record.modified } : {}) },
      };
      if (record.summary) f.title = record.summary;
      perPackage.push(f);
    }
    findings.push(...mergeAliases(perPackage));
  }
  if (unknownRelease > 0) {
    warnings.push(`${unknownRelease} distro advisory entries matched packages whose distro release is unknown; they were matched against every release`);
  }
  return { findings: findings.sort(compareFindings), packagesScanned, packagesSkipped, coverage: coverage.entries(), owned, warnings };
}

/** How many packages not covered are named per coverage entry (the count is always complete). */
const NOT_COVERED_NAMED = 50;

/**
 * Coverage per ecosystem: a language ecosystem is covered when the data has records of its family;
 * a distro package when the data has records for its release; packages OSV has no ecosystem for
 * (binaries, jars without a Maven groupId, distros OSV does not publish) are never covered.
 */
class CoverageCounter {
  private readonly groups = new Map<string, { ecosystem: string; packages: number; records: number; covered: boolean; reason?: string; names: string[]; project?: true }>();
  private readonly families = new Map<string, [string, number][]>();

  constructor(store: OsvStore) {
    for (const [eco, n] of store.ecosystems()) {
      const fam = ecosystemFamily(eco);
      let list = this.families.get(fam);
      if (!list) this.families.set(fam, (list = []));
      list.push([eco, n]);
    }
  }

  add(pkg: Package, q: OsvQuery | undefined): void {
    const key = q ? (q.release !== undefined ? `${q.family} ${q.release}` : q.family) : unmatchedKind(pkg);
    let g = this.groups.get(key);
    if (!g) {
      g = q ? { ecosystem: key, packages: 0, ...this.recordsFor(q) } : { ecosystem: key, packages: 0, records: 0, covered: false, reason: unmatchedReason(pkg), names: [], ...(pkg.version === '' && isProject(pkg) ? { project: true as const } : {}) };
      this.groups.set(key, g);
    }
    g.packages++;
    if (!g.covered && g.names.length < NOT_COVERED_NAMED) g.names.push(`${pkg.name}@${pkg.version}`);
  }

  private recordsFor(q: OsvQuery): { records: number; covered: boolean; reason?: string; names: string[] } {
    const list = this.families.get(q.family) ?? [];
    const records = list.filter(([eco]) => q.release === undefined || releaseMatches(eco, q.release) !== false).reduce((n, [, c]) => n + c, 0);
    if (records > 0) return { records, covered: true, names: [] };
    const reason = list.length === 0 ? `the data has no ${q.family} records` : `the data has ${q.family} records, none for release ${q.release}`;
    return { records: 0, covered: false, reason, names: [] };
  }

  entries(): CoverageEntry[] {
    return [...this.groups.values()]
      .sort((a, b) => (a.ecosystem < b.ecosystem ? -1 : a.ecosystem > b.ecosystem ? 1 : 0))
      .map((g) => ({
        ecosystem: g.ecosystem,
        packages: g.packages,
        records: g.records,
        covered: g.covered,
        ...(g.reason !== undefined ? { reason: g.reason } : {}),
        ...(g.covered ? {} : { notCovered: g.names.sort() }),
        ...(g.project ? { project: true as const } : {}),
      }));
  }
}

const isProject = (pkg: Package): boolean => pkg.metadata?.project === 'root' || pkg.metadata?.project === 'workspace';

/** A label for packages OSV has no ecosystem for: their type, with the distro for OS packages ('rpm (centos 7)'). */
function unmatchedKind(pkg: Package): string {
  if (pkg.version === '') return isProject(pkg) ? `${pkg.type} (project, no version)` : `${pkg.type} (no version)`;
  if (pkg.type === 'binary') return 'binary (runtime)';
  const purl = pkg.purl ? /^pkg:([a-z0-9.+-]+)\/(?:([^/@?#]+)\/)?/i.exec(pkg.purl) : null;
  if (purl && ['deb', 'rpm', 'apk'].includes(purl[1]!.toLowerCase())) return `${purl[1]!.toLowerCase()} (${purl[2] ?? 'unknown distro'})`;
  if (purl && purl[1]!.toLowerCase() === 'maven') return 'Maven (no groupId)';
  if (purl) return `${purl[1]!.toLowerCase()} (no OSV ecosystem)`;
  return pkg.type === 'java-archive' ? 'java-archive (no Maven coordinates)' : `${pkg.type} (no purl)`;
}

function unmatchedReason(pkg: Package): string {
  // a go.mod's main module, an unversioned workspace member: nothing names the version that was built
  if (pkg.version === '') return isProject(pkg) ? 'the project itself or a member of it, which names no version: nothing to match' : 'a package without a version cannot be matched';
  if (pkg.type === 'binary') return 'runtime binaries have no OSV ecosystem';
  if (pkg.type === 'java-archive') return 'jars without a Maven groupId cannot be matched';
  if (!pkg.purl) return 'no purl and no ecosystem custody can tell';
  if (/^pkg:(deb|rpm|apk)\//i.test(pkg.purl)) return 'OSV publishes no data for this distro';
  return 'OSV has no ecosystem for this package type';
}

/**
 * One finding per vulnerability per package: records whose ids/aliases overlap (GHSA-… aliasing
 * CVE-…, or two entries of one record) are merged. The representative id prefers a non-CVE advisory
 * (it carries the ranges), then the smallest id.
 */
export function mergeAliases(findings: Finding[]): Finding[] {
  const parent = findings.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const owner = new Map<string, number>();
  findings.forEach((f, i) => {
    for (const id of [f.id, ...f.aliases]) {
      const j = owner.get(id);
      if (j === undefined) owner.set(id, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, Finding[]>();
  findings.forEach((f, i) => {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(f);
    else groups.set(r, [f]);
  });
  const out: Finding[] = [];
  for (const group of groups.values()) {
    const sorted = [...group].sort((a, b) => {
      const ca = a.id.startsWith('CVE-') ? 1 : 0;
      const cb = b.id.startsWith('CVE-') ? 1 : 0;
      return ca - cb || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    });
    const rep = sorted[0]!;
    if (group.length === 1) {
      out.push(rep);
      continue;
    }
    const ids = new Set(group.flatMap((f) => [f.id, ...f.aliases]));
    ids.delete(rep.id);
    const severity = [...group].sort((a, b) => severityRank(b.severity.level) - severityRank(a.severity.level))[0]!.severity;
    const fixedVersions = uniqSorted(group.flatMap((f) => f.fixedVersions));
    const evidence = dedupeEvidence([...rep.evidence, ...group.filter((f) => f !== rep).flatMap((f) => f.evidence)]);
    out.push({
      ...rep,
      aliases: uniqSorted(ids),
      severity: rep.severity.level !== 'unknown' ? rep.severity : severity,
      fixedVersions,
      fixState: fixedVersions.length > 0 ? 'fixed' : rep.fixState,
      evidence,
      urls: uniqSorted(group.flatMap((f) => f.urls)).slice(0, 20),
      properties: { ...rep.properties, mergedRecords: uniqSorted(group.map((f) => f.id)) },
    });
  }
  return out;
}

function dedupeEvidence(list: MatchEvidence[]): MatchEvidence[] {
  const seen = new Set<string>();
  return list.filter((e) => {
    const k = JSON.stringify(e);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** A ScanResult for a native OSV match of `sbom`. */
export function osvScanResult(sbom: Sbom, store: OsvStore, opts: MatchOptions, targetName: string, kind: 'image' | 'sbom'): ScanResult {
  const m = matchSbom(sbom, store, opts);
  const target: ScanResult['target'] = { kind, name: targetName };
  const s = sbom.subject;
  target.subject = { kind: s.kind, name: s.name, label: subjectLabel(s) };
  const digest = s.manifestDigest ?? s.repoDigests?.[0] ?? s.configDigest;
  if (digest) target.subject.digest = digest;
  if (s.repoTags && s.repoTags.length > 0) target.subject.tags = s.repoTags;
  if (sbom.document?.format) target.format = sbom.document.format;
  if (sbom.distro) target.distro = `${sbom.distro.id} ${sbom.distro.versionId ?? ''}`.trim();
  return {
    target,
    engine: 'osv',
    tools: [{ name: 'osv-db', version: `${store.records} records` }],
    findings: m.findings,
    packagesScanned: m.packagesScanned,
    coverage: m.coverage,
    ...(m.owned.length > 0 ? { ownedPackages: m.owned } : {}),
    warnings: m.warnings,
  };
}

export type { OsvQuery };
