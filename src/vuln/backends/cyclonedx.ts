/**
 * CycloneDX `vulnerabilities[]` (grype `-o cyclonedx-json`, trivy `--format cyclonedx --scanners vuln`)
 * as a report: one finding per vulnerability × `affects` ref, the package resolved through the BOM's
 * components (nested) by bom-ref, or from the ref itself when it is a purl.
 */
import { InputError } from '../../core/errors.js';
import { parsePurl } from '../../core/ecosystem.js';
import { cvssScore, resolveSeverity } from '../cvss.js';
import { arr, isRecord, num, rec, str, uniqSorted, type Rec } from '../data.js';
import { findingKey } from '../finding.js';
import type { CvssScore, EngineName, Finding, ScanResult } from '../model.js';
import { firstLine } from './grype.js';

/** A CycloneDX document with at least one vulnerability that names what it affects. */
export function isCycloneDxVulnReport(doc: unknown): boolean {
  return (
    isRecord(doc) &&
    doc.bomFormat === 'CycloneDX' &&
    Array.isArray(doc.vulnerabilities) &&
    doc.vulnerabilities.some((v) => isRecord(v) && Array.isArray(v.affects) && v.affects.length > 0)
  );
}

interface Component {
  name: string;
  version: string;
  purl?: string;
  type?: string;
}

function indexComponents(list: unknown, out: Map<string, Component>, depth = 0): void {
  if (depth > 32) return;
  for (const c of arr(list)) {
    const r = rec(c);
    const ref = str(r['bom-ref']);
    const name = str(r.name);
    if (ref && name) {
      // npm scopes live in `group` ('@babel'); other groups (Maven groupId, distro vendor) are not part of the name.
      const group = str(r.group);
      const comp: Component = { name: group?.startsWith('@') ? `${group}/${name}` : name, version: str(r.version) ?? '' };
      if (str(r.purl)) comp.purl = str(r.purl)!;
      if (str(r.type)) comp.type = str(r.type)!;
      out.set(ref, comp);
    }
    indexComponents(r.components, out, depth + 1);
  }
}

function toolsOf(metadata: Rec): { name: string; version: string }[] {
  const tools = metadata.tools;
  const list = Array.isArray(tools) ? tools : arr(rec(tools).components);
  return list.flatMap((t) => (str(rec(t).name) ? [{ name: str(rec(t).name)!, version: str(rec(t).version) ?? 'unknown' }] : []));
}

/**
 * @throws InputError VULN_BAD_REPORT when `doc` has no vulnerabilities with affects.
 */
export function parseCycloneDxVulnReport(doc: unknown, name: string): ScanResult {
  if (!isCycloneDxVulnReport(doc)) {
    throw new InputError('VULN_BAD_REPORT', `${name} has no CycloneDX vulnerabilities`, { hint: 'produce it with grype -o cyclonedx-json or trivy --format cyclonedx --scanners vuln' });
  }
  const d = rec(doc);
  const components = new Map<string, Component>();
  indexComponents(d.components, components);
  const metaComponent = rec(rec(d.metadata).component);
  indexComponents([metaComponent], components);
  const tools = toolsOf(rec(d.metadata));
  const engine: EngineName = tools.some((t) => t.name === 'grype') ? 'grype' : tools.some((t) => t.name === 'trivy') ? 'trivy' : 'cyclonedx';
  const findings: Finding[] = [];
  const warnings: string[] = [];
  for (const v of arr(d.vulnerabilities)) {
    const r = rec(v);
    const id = str(r.id);
    if (!id) continue;
    const sourceName = str(rec(r.source).name);
    const own: CvssScore[] = [];
    const related: CvssScore[] = [];
    let vendor: string | undefined;
    for (const rating of arr(r.ratings)) {
      const rt = rec(rating);
      const src = str(rec(rt.source).name);
      const vector = str(rt.vector);
      const isOwn = src === undefined || src === sourceName;
      if (vector) (isOwn ? own : related).push(cvssScore(vector, src ?? sourceName));
      else if (isOwn && vendor === undefined && str(rt.severity)) vendor = str(rt.severity);
    }
    const aliases = uniqSorted(arr(r.references).flatMap((x) => (str(rec(x).id) && str(rec(x).id) !== id ? [str(rec(x).id)!] : [])));
    const urls = uniqSorted(arr(r.advisories).flatMap((a) => (str(rec(a).url) ? [str(rec(a).url)!] : []))).slice(0, 20);
    for (const a of arr(r.affects)) {
      const ref = str(rec(a).ref);
      if (!ref) continue;
      const hash = ref.startsWith('urn:cdx:') ? ref.indexOf('#') : -1;
      const bomRef = hash >= 0 ? decodeURIComponent(ref.slice(hash + 1)) : ref;
      let comp = components.get(bomRef);
      if (!comp && bomRef.startsWith('pkg:')) {
        const p = parsePurl(bomRef);
        if (p) comp = { name: p.namespace && p.type !== 'maven' ? `${p.namespace}/${p.name}` : p.name, version: p.version ?? '', purl: bomRef };
      }
      if (!comp) {
        warnings.push(`${name}: ${id} affects ${ref}, which names no component; skipped`);
        continue;
      }
      const pkg: Finding['package'] = { name: comp.name, version: comp.version, locations: [] };
      if (comp.purl) pkg.purl = comp.purl;
      if (comp.type) pkg.type = comp.type;
      const f: Finding = {
        key: findingKey(id, pkg),
        id,
        aliases,
        package: pkg,
        fixedVersions: [],
        fixState: 'unknown',
        severity: resolveSeverity(own, vendor, related),
        engine,
        evidence: [{ kind: 'unknown', ...(sourceName ? { namespace: sourceName } : {}) }],
        urls,
        properties: { bomRef: ref, ...(num(r.cwes) !== undefined || Array.isArray(r.cwes) ? { cwe: r.cwes } : {}), ...(str(r.recommendation) ? { recommendation: str(r.recommendation) } : {}) },
      };
      const desc = str(r.description);
      if (desc) f.title = firstLine(desc);
      findings.push(f);
    }
  }
  const subject = str(metaComponent.name);
  return { target: { kind: 'report', name: subject ?? name, format: 'cyclonedx-json' }, engine, tools, findings, warnings };
}
