/**
 * `sbom query --advisory ID`: which SBOMs (which images, which files) an advisory affects, across a fleet.
 * The advisory's OSV records (found by id or alias) say which package names to look at; `sbom query` finds
 * those candidates in the files or the index; the same OSV matcher `scan` uses (osv/matcher.ts: source
 * packages, `last_affected`, `versions` lists, distro releases) decides which candidates are affected. There is
 * no second implementation of the matching rules here, only the plumbing around them.
 */
import type { Incomplete } from '../core/incomplete.js';
import { InputError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { AdvisoryCandidates } from '../query/match.js';
import type { QueryMatch, QueryResult } from '../query/result.js';
import type { Sbom } from '../sbom/model.js';
import { ecosystemFamily, orderingOf } from './osv/ecosystems.js';
import { matchSbom, type CompareVersions } from './osv/matcher.js';
import type { OsvRecord } from './osv/record.js';
import { openVulnData } from './database.js';
import { resolveVulnDbDir } from './vulndb/layout.js';
import { storeFromRecords, type OsvStore } from './osv/store.js';

/**
 * The OSV database `--advisory` reads: `--osv-db` when given, else the local database (`custody vulndb`),
 * through the one decision `scan` and `audit` use (database.ts `openVulnData`).
 * @throws InputError VULN_NO_DATABASE without either; the loaders' InputErrors for an unreadable one.
 */
export async function openAdvisoryDatabase(
  o: { osvDb?: string | undefined; vulndbDir?: string | undefined; env: Readonly<Record<string, string | undefined>>; cwd: string },
  log: Logger,
): Promise<OsvStore> {
  // --osv-db beats the local database, whose place is then not even looked up.
  const choice = o.osvDb !== undefined ? { osvDb: o.osvDb, vulndbDir: '' } : { vulndbDir: resolveVulnDbDir(o.vulndbDir, o.env, o.cwd) };
  return (await openVulnData(choice, log)).store;
}

/**
 * The records of an advisory, by id or alias (GHSA, CVE, distro advisories).
 * @throws InputError VULN_ADVISORY_NOT_FOUND naming the database searched.
 */
export function advisoryRecords(store: OsvStore, id: string): readonly OsvRecord[] {
  const records = store.advisory(id);
  if (records.length === 0) {
    throw new InputError('VULN_ADVISORY_NOT_FOUND', `advisory ${id} is not in the OSV database ${store.sources.join(', ')} (${store.records} records; no record has it as id or alias)`, {
      hint: 'check the id, or point --osv-db at a database that has it (osv.dev all.zip of the affected ecosystem)',
    });
  }
  return records;
}

/** Families whose packages live in a distro's package database: a binary package is named after its source. */
const DISTRO_ORDERINGS = new Set(['deb', 'apk', 'rpm']);

/** What the records name, for `sbom query` to find the candidates; `unsupported` lists entries no SBOM package can match. */
export function advisoryCandidates(records: readonly OsvRecord[]): { candidates: AdvisoryCandidates; unsupported: Incomplete[] } {
  const names = new Set<string>();
  const pypiNames = new Set<string>();
  const sources = new Set<string>();
  const unsupported: Incomplete[] = [];
  for (const r of records) {
    for (const a of r.affected) {
      const family = ecosystemFamily(a.ecosystem);
      const ordering = orderingOf(family);
      const matchable = a.versions.length > 0 || a.ranges.some((x) => x.type !== 'GIT');
      if (ordering === undefined || !matchable) {
        unsupported.push({
          kind: 'vulndb',
          path: `${r.id} ${a.ecosystem || '(no ecosystem)'} ${a.name}`,
          reason: ordering === undefined ? `custody does not match packages of the ${a.ecosystem || 'unnamed'} ecosystem` : 'only git commit ranges, which no SBOM version can be compared with',
        });
        continue;
      }
      if (family === 'PyPI') pypiNames.add(a.name);
      else names.add(a.name);
      // A distro advisory names the source package: binary packages built from it are candidates too.
      if (DISTRO_ORDERINGS.has(ordering)) sources.add(a.name);
    }
  }
  return { candidates: { names: [...names].sort(), pypiNames: [...pypiNames].sort(), sources: [...sources].sort() }, unsupported };
}

/**
 * Keep the candidates the OSV matcher finds affected by `records`, each with the advisory's id, aliases and
 * fixed versions. Each candidate is matched as a one-package SBOM with its SBOM's distro (what `scan` sees);
 * a language package an OS package installed is left to the distro's advisories as scan leaves it (counted in
 * a warning), unless `matchOwned` (`--match-owned-language-packages`).
 */
export function affectedMatches(records: readonly OsvRecord[], result: QueryResult, compare: CompareVersions, o: { matchOwned?: boolean } = {}): QueryResult {
  const store = storeFromRecords(records, ['advisory']);
  const kept: QueryMatch[] = [];
  const warnings = new Set<string>();
  let owned = 0;
  for (const m of result.matches) {
    if (m.candidate === undefined) continue;
    const sbom: Sbom = { subject: { kind: m.subject.kind, name: m.subject.name }, packages: [m.candidate.pkg], relationships: [], tools: [] };
    if (m.candidate.distro) sbom.distro = m.candidate.distro;
    const r = matchSbom(sbom, store, { compare, matchOwned: true });
    for (const w of r.warnings) warnings.add(`${m.sbom}: ${w}`);
    const f = r.findings[0];
    if (f === undefined) continue;
    if (m.candidate.owner !== undefined && o.matchOwned !== true) {
      owned++;
      continue;
    }
    const { candidate: _c, ...rest } = m;
    kept.push({
      ...rest,
      advisory: {
        id: f.id,
        aliases: f.aliases,
        fixedVersions: f.fixedVersions,
        constraint: f.evidence[0]?.constraint,
        ecosystem: f.evidence[0]?.namespace,
        severity: f.severity.level,
      },
    });
  }
  if (owned > 0) {
    warnings.add(
      `${owned} affected-looking package(s) installed by an OS package (an owns relationship) left to the distro's advisories, as scan does: --match-owned-language-packages matches them`,
    );
  }
  return {
    ...result,
    matches: kept,
    filesMatched: new Set(kept.map((m) => m.sbom)).size,
    warnings: [...result.warnings, ...warnings],
  };
}
