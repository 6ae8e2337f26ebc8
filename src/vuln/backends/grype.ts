/**
 * grype JSON (`grype -o json`, every schema seen from 0.7 to 0.96) → findings.
 * One finding per match, as grype reports it; the raw shape never leaves this file.
 */
import { InputError } from '../../core/errors.js';
import type { Incomplete } from '../../core/incomplete.js';
import { cvssScore, resolveSeverity } from '../cvss.js';
import { arr, isRecord, num, rec, str, strings, uniqSorted, type Rec } from '../data.js';
import { findingKey, fixStateOf } from '../finding.js';
import type { CvssScore, Finding, MatchEvidence, ScanResult } from '../model.js';

/** True when `doc` looks like a grype JSON report. */
export function isGrypeReport(doc: unknown): boolean {
  return isRecord(doc) && Array.isArray(doc.matches) && (isRecord(doc.descriptor) || isRecord(doc.source) || 'distro' in doc);
}

/**
 * Map a parsed grype report to a ScanResult.
 * @throws InputError VULN_BAD_REPORT when `doc` is not a grype report.
 */
export function parseGrypeReport(doc: unknown, name: string): ScanResult {
  if (!isRecord(doc) || !Array.isArray(doc.matches)) {
    throw new InputError('VULN_BAD_REPORT', `${name} is not a grype JSON report (no "matches" array)`, {
      hint: 'produce it with grype -o json',
    });
  }
  const descriptor = rec(doc.descriptor);
  const distro = rec(doc.distro);
  const findings: Finding[] = [];
  const warnings: string[] = [];
  // A match that cannot be read may be a finding that is missed: incomplete input, not a warning.
  const incomplete: Incomplete[] = [];
  doc.matches.forEach((m, i) => {
    if (!isRecord(m)) {
      incomplete.push({ kind: 'report', path: name, reason: `match #${i} is not an object` });
      return;
    }
    const f = grypeFinding(m);
    if (f === undefined) incomplete.push({ kind: 'report', path: name, reason: `match #${i} has no vulnerability id or artifact` });
    else findings.push(f);
  });
  // grype's own word that its vulnerability database could not be used.
  const db = rec(descriptor.db);
  const dbError = str(db.error) ?? str(rec(db.status).error);
  if (dbError !== undefined && dbError !== '') incomplete.push({ kind: 'vulndb', path: 'grype vulnerability database', reason: `grype reports a database error: ${dbError}` });
  else if (rec(db.status).valid === false) incomplete.push({ kind: 'vulndb', path: 'grype vulnerability database', reason: 'grype reports its database as not valid' });
  const tools = str(descriptor.name) && str(descriptor.version) ? [{ name: str(descriptor.name)!, version: str(descriptor.version)! }] : [];
  const dbBuilt = str(rec(rec(descriptor.db).status).built) ?? str(rec(descriptor.db).built);
  if (dbBuilt) tools.push({ name: 'grype-db', version: dbBuilt });
  const distroName = str(distro.name) ? `${str(distro.name)} ${str(distro.version) ?? ''}`.trim() : undefined;
  const target: ScanResult['target'] = { kind: 'report', name: grypeTargetName(doc.source) ?? name, format: 'grype-json' };
  if (distroName) target.distro = distroName;
  return { target, engine: 'grype', tools, findings, warnings, ...(incomplete.length > 0 ? { incomplete } : {}) };
}

function grypeTargetName(source: unknown): string | undefined {
  const s = rec(source);
  const target = s.target;
  if (typeof target === 'string') return target;
  const t = rec(target);
  return str(t.userInput) ?? str(t.name) ?? str(t.path);
}

function grypeCvss(v: Rec, source: string | undefined): CvssScore[] {
  const out: CvssScore[] = [];
  for (const c of arr(v.cvss)) {
    const vector = str(rec(c).vector);
    if (vector) out.push(cvssScore(vector, str(rec(c).source) ?? source));
  }
  // grype 0.7-era: cvssV2 / cvssV3 objects.
  for (const key of ['cvssV3', 'cvssV2']) {
    const vector = str(rec(v[key]).vector);
    if (vector) out.push(cvssScore(vector.startsWith('CVSS:') || key === 'cvssV2' ? vector : `CVSS:3.0/${vector}`, source));
  }
  return out;
}

function grypeFinding(m: Rec): Finding | undefined {
  const v = rec(m.vulnerability);
  const a = rec(m.artifact);
  const id = str(v.id);
  const pkgName = str(a.name);
  if (!id || !pkgName) return undefined;
  const related = arr(m.relatedVulnerabilities).filter(isRecord);
  const aliases = uniqSorted(related.flatMap((r) => (str(r.id) && str(r.id) !== id ? [str(r.id)!] : [])));
  const namespace = str(v.namespace);
  const own = grypeCvss(v, namespace);
  const relatedScores = related.flatMap((r) => grypeCvss(r, str(r.namespace)));
  const fix = rec(v.fix);
  const fixedVersions = uniqSorted([...strings(fix.versions), ...(str(v.fixedInVersion) ? [str(v.fixedInVersion)!] : [])]);
  const locations = arr(a.locations).flatMap((l) => {
    if (typeof l === 'string') return [l];
    const path = str(rec(l).path) ?? str(rec(l).RealPath);
    return path ? [path] : [];
  });
  const layers = uniqSorted(arr(a.locations).flatMap((l) => (str(rec(l).layerID) ? [str(rec(l).layerID)!] : [])));
  const pkg: Finding['package'] = { name: pkgName, version: str(a.version) ?? '', locations };
  if (str(a.type)) pkg.type = str(a.type)!;
  if (str(a.purl)) pkg.purl = str(a.purl)!;
  const evidence = grypeEvidence(m.matchDetails, pkgName, namespace);
  const urls = uniqSorted([...strings(v.urls), ...strings(v.links), ...(str(v.dataSource) ? [str(v.dataSource)!] : [])]);
  const properties: Record<string, unknown> = {};
  if (layers.length > 0) properties.layers = layers;
  if (namespace) properties.namespace = namespace;
  if (isRecord(v.epss) || Array.isArray(v.epss)) properties.epss = v.epss;
  if (num(v.risk) !== undefined) properties.risk = num(v.risk);
  const advisories = arr(v.advisories).flatMap((x) => (str(rec(x).id) ? [str(rec(x).id)!] : []));
  if (advisories.length > 0) properties.advisories = advisories;
  const upstreams = arr(a.upstreams).flatMap((u) => (str(rec(u).name) ? [str(rec(u).name)!] : []));
  if (upstreams.length > 0) properties.upstreams = upstreams;
  const description = str(v.description) ?? related.map((r) => str(r.description)).find((d) => d !== undefined);
  const finding: Finding = {
    key: findingKey(id, pkg),
    id,
    aliases,
    package: pkg,
    fixedVersions,
    fixState: fixStateOf(str(fix.state), fixedVersions),
    severity: resolveSeverity(own, str(v.severity), relatedScores),
    engine: 'grype',
    evidence,
    urls,
    properties,
  };
  if (description) finding.title = firstLine(description);
  return finding;
}

function grypeEvidence(details: unknown, artifactName: string, namespace: string | undefined): MatchEvidence[] {
  const list = Array.isArray(details) ? details : isRecord(details) ? [details] : [];
  return list.filter(isRecord).map((d) => {
    const searched = rec(d.searchedBy ?? d.searchKey);
    const found = rec(d.found ?? d.matchedOn);
    const type = str(d.type) ?? '';
    const matcher = str(d.matcher);
    const constraint = str(found.versionConstraint) ?? str(found.constraint);
    const searchedPkg = str(rec(searched.package).name);
    const cpes = strings(searched.cpes).concat(strings(found.cpes));
    const ev: MatchEvidence = { kind: 'unknown' };
    if (type.startsWith('cpe') || cpes.length > 0) {
      ev.kind = 'cpe';
      if (cpes[0]) ev.cpe = cpes[0];
    } else if (isRecord(searched.distro) || (matcher ?? '').match(/dpkg|rpm|apk/)) {
      ev.kind = 'distro-package';
    } else if (searched.language !== undefined || (matcher ?? '').length > 0) {
      ev.kind = 'purl-range';
    }
    if (constraint) ev.constraint = constraint;
    if (searchedPkg && searchedPkg !== artifactName) ev.sourcePackage = searchedPkg;
    const ns = str(searched.namespace) ?? namespace;
    if (ns) ev.namespace = ns;
    if (matcher) ev.matcher = matcher;
    return ev;
  });
}

export function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 200 ? `${line.slice(0, 197)}...` : line.trim();
}
