/**
 * trivy JSON (`trivy image|fs|sbom -f json`: SchemaVersion 2, the pre-0.20 top-level list, and
 * `trivy k8s` reports with Resources) → findings. One finding per reported vulnerability.
 */
import { InputError } from '../../core/errors.js';
import type { Incomplete } from '../../core/incomplete.js';
import { cvssScore, resolveSeverity } from '../cvss.js';
import { arr, isRecord, rec, str, strings, uniqSorted, type Rec } from '../data.js';
import { findingKey, fixStateOf } from '../finding.js';
import type { CvssScore, Finding, MatchEvidence, ScanResult } from '../model.js';
import { firstLine } from './grype.js';

/** True when `doc` looks like a trivy JSON report (any of its three shapes). */
export function isTrivyReport(doc: unknown): boolean {
  if (Array.isArray(doc)) return doc.length > 0 && doc.every((r) => isRecord(r) && 'Target' in r);
  if (!isRecord(doc)) return false;
  if (Array.isArray(doc.Resources) && 'ClusterName' in doc) return true;
  return 'SchemaVersion' in doc && ('ArtifactName' in doc || 'Results' in doc);
}

/** Every Result object of the three report shapes. */
function resultsOf(doc: unknown): Rec[] {
  if (Array.isArray(doc)) return doc.filter(isRecord);
  const d = rec(doc);
  if (Array.isArray(d.Resources)) return d.Resources.filter(isRecord).flatMap((r) => arr(r.Results).filter(isRecord));
  return arr(d.Results).filter(isRecord);
}

/**
 * Map a parsed trivy report to a ScanResult.
 * @throws InputError VULN_BAD_REPORT when `doc` is not a trivy report.
 */
export function parseTrivyReport(doc: unknown, name: string): ScanResult {
  if (!isTrivyReport(doc)) {
    throw new InputError('VULN_BAD_REPORT', `${name} is not a trivy JSON report`, { hint: 'produce it with trivy ... -f json' });
  }
  const d = rec(doc);
  const findings: Finding[] = [];
  const warnings: string[] = [];
  const incomplete: Incomplete[] = [];
  for (const result of resultsOf(doc)) {
    const target = str(result.Target) ?? '';
    for (const v of arr(result.Vulnerabilities)) {
      if (!isRecord(v)) continue;
      const f = trivyFinding(v, result, target);
      if (f) findings.push(f);
      else incomplete.push({ kind: 'report', path: name, reason: `a vulnerability in "${target}" has no VulnerabilityID or PkgName` });
    }
  }
  const os = rec(rec(d.Metadata).OS);
  const tools: ScanResult['tools'] = [];
  const trivyVersion = str(rec(d.Trivy).Version);
  tools.push({ name: 'trivy', version: trivyVersion ?? 'unknown' });
  const t: ScanResult['target'] = {
    kind: 'report',
    name: str(d.ArtifactName) ?? (str(d.ClusterName) !== undefined ? `cluster ${str(d.ClusterName) || '(unnamed)'}` : name),
    format: 'trivy-json',
  };
  if (str(os.Family)) t.distro = `${str(os.Family)} ${str(os.Name) ?? ''}`.trim();
  // trivy's own word that its detection for this OS may be insufficient (no more security updates in its data).
  if (os.EOSL === true) incomplete.push({ kind: 'vulndb', path: t.distro ?? 'the image OS', reason: 'trivy reports the OS as end of service life: its vulnerability detection may be insufficient (Metadata.OS.EOSL)' });
  return { target: t, engine: 'trivy', tools, findings, warnings, ...(incomplete.length > 0 ? { incomplete } : {}) };
}

function trivyCvss(cvss: unknown): { bySource: Map<string, CvssScore[]> } {
  const bySource = new Map<string, CvssScore[]>();
  for (const [source, entry] of Object.entries(rec(cvss))) {
    const e = rec(entry);
    const list: CvssScore[] = [];
    for (const key of ['V40Vector', 'V3Vector', 'V2Vector']) {
      const vector = str(e[key]);
      if (vector) list.push(cvssScore(vector, source));
    }
    bySource.set(source, list);
  }
  return { bySource };
}

function trivyFinding(v: Rec, result: Rec, target: string): Finding | undefined {
  const id = str(v.VulnerabilityID);
  const pkgName = str(v.PkgName);
  if (!id || !pkgName) return undefined;
  const identifier = rec(v.PkgIdentifier);
  const locations = [str(v.PkgPath) ?? target].filter((x) => x !== '');
  const pkg: Finding['package'] = { name: pkgName, version: str(v.InstalledVersion) ?? '', locations };
  const type = str(result.Type);
  if (type) pkg.type = type;
  const purl = str(identifier.PURL);
  if (purl) pkg.purl = purl;
  const fixedVersions = uniqSorted(
    (str(v.FixedVersion) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  );
  const { bySource } = trivyCvss(v.CVSS);
  const severitySource = str(v.SeveritySource);
  const own = severitySource ? (bySource.get(severitySource) ?? []) : [];
  const related = [...bySource.entries()].filter(([s]) => s !== severitySource).flatMap(([, l]) => l);
  const isOs = str(result.Class) === 'os-pkgs';
  const evidence: MatchEvidence[] = [
    {
      kind: isOs ? 'distro-package' : 'purl-range',
      ...(str(rec(v.DataSource).ID) ? { namespace: str(rec(v.DataSource).ID)! } : {}),
      ...(str(v.PkgID) && str(v.PkgID) !== `${pkgName}@${pkg.version}` ? { matcher: `trivy ${type ?? ''} (${str(v.PkgID)})`.replace(' ()', '') } : {}),
    },
  ];
  const properties: Record<string, unknown> = { target };
  for (const key of ['Fingerprint', 'PkgID', 'SeveritySource', 'Status']) if (str(v[key])) properties[key] = str(v[key]);
  if (isRecord(v.VendorSeverity)) properties.VendorSeverity = v.VendorSeverity;
  const layer = rec(v.Layer);
  if (str(layer.DiffID) || str(layer.Digest)) properties.layer = str(layer.DiffID) ?? str(layer.Digest);
  if (strings(v.CweIDs).length > 0) properties.cwe = strings(v.CweIDs);
  const urls = uniqSorted([...(str(v.PrimaryURL) ? [str(v.PrimaryURL)!] : []), ...strings(v.References)]).slice(0, 50);
  const finding: Finding = {
    key: findingKey(id, pkg),
    id,
    aliases: uniqSorted(strings(v.VendorIDs).filter((x) => x !== id)),
    package: pkg,
    fixedVersions,
    fixState: fixStateOf(str(v.Status), fixedVersions),
    severity: resolveSeverity(own, str(v.Severity), related),
    engine: 'trivy',
    evidence,
    urls,
    properties,
  };
  const title = str(v.Title) ?? (str(v.Description) ? firstLine(str(v.Description)!) : undefined);
  if (title) finding.title = title;
  return finding;
}
