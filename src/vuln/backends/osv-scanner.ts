/**
 * osv-scanner JSON (`osv-scanner --format json`) → findings: one per package × vulnerability record,
 * with the record's aliases and osv-scanner's alias groups kept.
 */
import { InputError } from '../../core/errors.js';
import { buildPurl } from '../../core/ecosystem.js';
import { resolveSeverity } from '../cvss.js';
import { arr, isRecord, rec, str, strings, uniqSorted } from '../data.js';
import { findingKey } from '../finding.js';
import type { Finding, ScanResult } from '../model.js';
import { ecosystemFamily, normaliseOsvName } from '../osv/ecosystems.js';
import { parseOsvRecord, scoreOsvSeverity } from '../osv/record.js';

export function isOsvScannerReport(doc: unknown): boolean {
  return isRecord(doc) && Array.isArray(doc.results) && doc.results.every((r) => isRecord(r) && ('packages' in r || 'source' in r));
}

const PURL_TYPE: Record<string, string> = {
  npm: 'npm',
  PyPI: 'pypi',
  Maven: 'maven',
  Go: 'golang',
  'crates.io': 'cargo',
  RubyGems: 'gem',
  NuGet: 'nuget',
  Packagist: 'composer',
  Pub: 'pub',
  Hex: 'hex',
  SwiftURL: 'swift',
  'GitHub Actions': 'github',
  Julia: 'julia',
  Hackage: 'hackage',
  opam: 'opam',
};

function purlOf(ecosystem: string, name: string, version: string): string | undefined {
  const type = PURL_TYPE[ecosystem];
  if (!type) return undefined;
  const sep = type === 'maven' ? name.lastIndexOf(':') : name.lastIndexOf('/');
  try {
    if (sep > 0 && (type === 'maven' || type === 'npm' || type === 'golang' || type === 'composer' || type === 'swift' || type === 'github')) {
      return buildPurl({ type, namespace: name.slice(0, sep), name: name.slice(sep + 1), version });
    }
    return buildPurl({ type, name, version });
  } catch {
    return undefined;
  }
}

/**
 * @throws InputError VULN_BAD_REPORT when `doc` is not an osv-scanner report.
 */
export function parseOsvScannerReport(doc: unknown, name: string): ScanResult {
  if (!isOsvScannerReport(doc)) {
    throw new InputError('VULN_BAD_REPORT', `${name} is not an osv-scanner JSON report`, { hint: 'produce it with osv-scanner --format json' });
  }
  const findings: Finding[] = [];
  const warnings: string[] = [];
  for (const result of arr(rec(doc).results)) {
    const sourcePath = str(rec(rec(result).source).path) ?? '';
    for (const p of arr(rec(result).packages)) {
      const pk = rec(rec(p).package);
      // Packages found by commit (GIT ranges, vendored C code) have no name: name them by the commit.
      const commit = str(pk.commit);
      const pkgName = str(pk.name) || (commit ? `git:${commit}` : undefined);
      const version = str(pk.version) || commit || '';
      const ecosystem = str(pk.ecosystem) ?? '';
      if (!pkgName) continue;
      const groups = arr(rec(p).groups).map((g) => ({ ids: strings(rec(g).ids), aliases: strings(rec(g).aliases), max: str(rec(g).max_severity) }));
      for (const v of arr(rec(p).vulnerabilities)) {
        const parsed = parseOsvRecord(v);
        if ('error' in parsed) {
          warnings.push(`${name}: skipping a vulnerability of ${pkgName}: ${parsed.error}`);
          continue;
        }
        const r = parsed.record;
        const group = groups.find((g) => g.ids.includes(r.id) || g.aliases.includes(r.id));
        const family = ecosystemFamily(ecosystem);
        const entries = r.affected.filter((a) => ecosystemFamily(a.ecosystem) === family && normaliseOsvName(family, a.name) === normaliseOsvName(family, pkgName));
        const fixed = uniqSorted(entries.flatMap((a) => a.ranges.flatMap((rg) => rg.events.flatMap((e) => (e.fixed ? [e.fixed] : [])))));
        const fp: Finding['package'] = { name: pkgName, version, type: ecosystem, locations: sourcePath ? [sourcePath] : [] };
        const purl = str(pk.purl) ?? purlOf(family, pkgName, version);
        if (purl) fp.purl = purl;
        const properties: Record<string, unknown> = { ecosystem, source: sourcePath };
        if (group?.max) properties.maxSeverity = group.max;
        if (group) properties.group = uniqSorted([...group.ids, ...group.aliases]);
        const f: Finding = {
          key: findingKey(r.id, fp),
          id: r.id,
          aliases: uniqSorted([...r.aliases, ...(group?.aliases ?? [])].filter((x) => x !== r.id)),
          package: fp,
          fixedVersions: fixed,
          fixState: fixed.length > 0 ? 'fixed' : 'unknown',
          severity: resolveSeverity(scoreOsvSeverity([...r.severity, ...entries.flatMap((a) => a.severity)]), r.databaseSeverity),
          engine: 'osv-scanner',
          evidence: [{ kind: 'purl-range', namespace: ecosystem, matcher: 'osv-scanner' }],
          urls: r.references.slice(0, 20),
          properties,
        };
        if (r.summary) f.title = r.summary;
        findings.push(f);
      }
    }
  }
  return { target: { kind: 'report', name, format: 'osv-scanner-json' }, engine: 'osv-scanner', tools: [{ name: 'osv-scanner', version: 'unknown' }], findings, warnings };
}
