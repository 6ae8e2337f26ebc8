/**
 * The native matcher: every package of an SBOM against a local OSV store.
 * Ecosystem ranges use the same per-ecosystem ordering as `sbom query` (injected as `compare`);
 * distro packages are also looked up by their source package; aliases (GHSA ⇄ CVE) are merged.
 */
import type { Ecosystem } from '../../core/ecosystem.js';
import type { Sbom } from '../../sbom/model.js';
import { resolveSeverity } from '../cvss.js';
import { uniqSorted } from '../data.js';
import { compareFindings, findingKey } from '../finding.js';
import type { Finding, MatchEvidence, ScanResult } from '../model.js';
import { severityRank } from '../model.js';
import { osvQueryOf, releaseMatches, type OsvQuery } from './ecosystems.js';
import { affectsVersion, fixedAbove, type Compare } from './range.js';
import { scoreOsvSeverity } from './record.js';
import type { OsvHit, OsvStore } from './store.js';

/** Version comparison by ecosystem; 'semver' is SemVer 2.0 (OSV SEMVER ranges). Throws on unreadable input. */
export type CompareVersions = (ordering: Ecosystem | 'semver', a: string, b: string) => number;

export interface MatchOptions {
  compare: CompareVersions;
}

export interface MatchResult {
  findings: Finding[];
  packagesScanned: number;
  /** Packages with no ecosystem OSV covers. */
  packagesSkipped: number;
  warnings: string[];
}

/** Match every package of `sbom` against `store`. Pure: no I/O. */
export function matchSbom(sbom: Sbom, store: OsvStore, opts: MatchOptions): MatchResult {
  const warnings: string[] = [];
  const unreadable = new Set<string>();
  let packagesScanned = 0;
  let packagesSkipped = 0;
  let unknownRelease = 0;
  const findings: Finding[] = [];
  for (const pkg of sbom.packages) {
    const q = osvQueryOf(pkg, sbom.distro);
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
      const rel = releaseMatches(hit.affected.ecosystem, q.release);
      if (rel === false) continue;
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
      if (pkg.purl) fp.purl = pkg.purl;
      const ev: MatchEvidence = {
        kind: via === 'source' || q.ordering === 'deb' || q.ordering === 'apk' || q.ordering === 'rpm' ? 'distro-package' : range.via === 'versions' ? 'explicit-version' : 'purl-range',
        constraint: range.rangeType ? `${range.constraint} (${range.rangeType})` : range.constraint,
        namespace: hit.affected.ecosystem,
        matcher: 'osv',
      };
      if (via === 'source') ev.sourcePackage = q.sourceName!;
      if (rel === undefined) ev.matcher = 'osv (package distro release unknown; matched every release)';
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
  return { findings: findings.sort(compareFindings), packagesScanned, packagesSkipped, warnings };
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
  if (sbom.document?.format) target.format = sbom.document.format;
  if (sbom.distro) target.distro = `${sbom.distro.id} ${sbom.distro.versionId ?? ''}`.trim();
  return {
    target,
    engine: 'osv',
    tools: [{ name: 'osv-db', version: `${store.records} records` }],
    findings: m.findings,
    packagesScanned: m.packagesScanned,
    warnings: m.warnings,
  };
}

export type { OsvQuery };
