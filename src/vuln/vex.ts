/**
 * VEX: OpenVEX (https://github.com/openvex/spec) and CycloneDX VEX (`vulnerabilities[].analysis`).
 * `not_affected` and `fixed` statements suppress matching findings (CycloneDX: not_affected,
 * false_positive, resolved, resolved_with_pedigree). For one finding the latest statement wins
 * (OpenVEX §"Statement ordering"); statements that matched no finding are reported.
 */
import { InputError } from '../core/errors.js';
import { arr, isRecord, parseJsonBounded, rec, str, strings, type Rec } from './data.js';
import { idMatches, refMatchesPackage } from './finding.js';
import type { Finding } from './model.js';

export type VexStatus = 'not_affected' | 'affected' | 'fixed' | 'under_investigation';

export interface VexStatement {
  /** The VEX file. */
  source: string;
  /** Position in the file (document order breaks timestamp ties). */
  index: number;
  vulnerability: string;
  aliases: string[];
  status: VexStatus;
  justification?: string;
  /** Package refs (purls); a finding must match one. */
  packages: string[];
  /** True when the statement names the product itself (image, metadata.component), i.e. every package. */
  productWide: boolean;
  /** Refs we could not tie to a package or the product (reported, never matched). */
  unresolved: string[];
  timestamp?: string;
}

export interface VexDocument {
  source: string;
  format: 'openvex' | 'cyclonedx-vex';
  statements: VexStatement[];
}

const PRODUCT_PURL_TYPES = new Set(['oci', 'docker']);

function classifyRef(ref: string, st: { packages: string[]; productWide: boolean; unresolved: string[] }): void {
  if (ref.startsWith('pkg:')) {
    const type = ref.slice(4).split('/')[0] ?? '';
    if (PRODUCT_PURL_TYPES.has(type)) st.productWide = true;
    else st.packages.push(ref);
  } else st.unresolved.push(ref);
}

/**
 * Parse an OpenVEX or CycloneDX VEX document.
 * @throws InputError VULN_BAD_VEX when it is neither.
 */
export function parseVex(bytes: Buffer, source: string): VexDocument {
  const doc = parseJsonBounded(bytes, source, 64 * 1024 * 1024);
  if (isRecord(doc) && Array.isArray(doc.statements)) return parseOpenVex(doc, source);
  // A CycloneDX BOM without `vulnerabilities` is a valid, empty VEX (the gate warns that it says nothing).
  if (isRecord(doc) && doc.bomFormat === 'CycloneDX' && (doc.vulnerabilities === undefined || Array.isArray(doc.vulnerabilities))) return parseCycloneDxVex(doc, source);
  throw new InputError('VULN_BAD_VEX', `${source} is neither an OpenVEX nor a CycloneDX VEX document`, {
    hint: 'OpenVEX documents have "statements"; CycloneDX VEX has "vulnerabilities" with "analysis"',
  });
}

const OPENVEX_STATUS = new Set<VexStatus>(['not_affected', 'affected', 'fixed', 'under_investigation']);

function parseOpenVex(doc: Rec, source: string): VexDocument {
  const docTime = str(doc.timestamp);
  const statements: VexStatement[] = [];
  arr(doc.statements).forEach((s, index) => {
    const r = rec(s);
    const v = r.vulnerability;
    // v0.2: { name | @id, aliases }; v0.0.x: a plain string.
    const vulnerability = typeof v === 'string' ? v : (str(rec(v).name) ?? str(rec(v)['@id']));
    const status = str(r.status) as VexStatus | undefined;
    if (!vulnerability || !status || !OPENVEX_STATUS.has(status)) {
      throw new InputError('VULN_BAD_VEX', `${source}: statement #${index} has no vulnerability or an unknown status`, {
        hint: 'each OpenVEX statement needs vulnerability.name and status',
      });
    }
    const st: VexStatement = {
      source,
      index,
      vulnerability,
      aliases: strings(rec(v).aliases),
      status,
      packages: [],
      productWide: false,
      unresolved: [],
    };
    const justification = str(r.justification);
    if (justification) st.justification = justification;
    const ts = str(r.timestamp) ?? docTime;
    if (ts) st.timestamp = ts;
    for (const p of arr(r.products)) {
      if (typeof p === 'string') {
        classifyRef(p, st);
        continue;
      }
      const pr = rec(p);
      const subs = arr(pr.subcomponents).flatMap((c) => {
        const id = typeof c === 'string' ? c : (str(rec(c)['@id']) ?? str(rec(rec(c).identifiers).purl));
        return id ? [id] : [];
      });
      if (subs.length > 0) for (const sub of subs) classifyRef(sub, st);
      else {
        const id = str(pr['@id']) ?? str(rec(pr.identifiers).purl);
        if (id) classifyRef(id, st);
      }
    }
    statements.push(st);
  });
  return { source, format: 'openvex', statements };
}

const CDX_STATE: Record<string, VexStatus> = {
  not_affected: 'not_affected',
  false_positive: 'not_affected',
  resolved: 'fixed',
  resolved_with_pedigree: 'fixed',
  exploitable: 'affected',
  in_triage: 'under_investigation',
};

function cdxComponents(list: unknown, out: Map<string, string | undefined>, depth = 0): void {
  if (depth > 32) return;
  for (const c of arr(list)) {
    const r = rec(c);
    const ref = str(r['bom-ref']);
    if (ref) out.set(ref, str(r.purl));
    cdxComponents(r.components, out, depth + 1);
  }
}

function parseCycloneDxVex(doc: Rec, source: string): VexDocument {
  const components = new Map<string, string | undefined>();
  cdxComponents(doc.components, components);
  const productRef = str(rec(rec(doc.metadata).component)['bom-ref']);
  const docTime = str(rec(doc.metadata).timestamp);
  const statements: VexStatement[] = [];
  arr(doc.vulnerabilities).forEach((v, index) => {
    const r = rec(v);
    const id = str(r.id);
    const state = str(rec(r.analysis).state);
    if (!id || !state) return; // not a VEX statement (a plain vulnerability listing)
    const status = CDX_STATE[state];
    if (!status) throw new InputError('VULN_BAD_VEX', `${source}: vulnerability ${id} has an unknown analysis state "${state}"`, { hint: 'see CycloneDX impactAnalysisState' });
    const st: VexStatement = {
      source,
      index,
      vulnerability: id,
      aliases: arr(r.references).flatMap((x) => (str(rec(x).id) ? [str(rec(x).id)!] : [])),
      status,
      packages: [],
      productWide: false,
      unresolved: [],
    };
    const justification = str(rec(r.analysis).justification);
    if (justification) st.justification = justification;
    const ts = str(rec(r.analysis).lastUpdated) ?? str(r.updated) ?? docTime;
    if (ts) st.timestamp = ts;
    for (const a of arr(r.affects)) {
      const ref = str(rec(a).ref);
      if (!ref) continue;
      // BOM-Link 'urn:cdx:<serial>/<version>#<bom-ref>' points into a BOM; the fragment is the bom-ref.
      const hash = ref.startsWith('urn:cdx:') ? ref.indexOf('#') : -1;
      const bomRef = hash >= 0 ? decodeURIComponent(ref.slice(hash + 1)) : ref;
      if (productRef !== undefined && bomRef === productRef) st.productWide = true;
      else if (bomRef.startsWith('pkg:')) classifyRef(bomRef, st);
      else if (components.get(bomRef)) classifyRef(components.get(bomRef)!, st);
      else st.unresolved.push(ref);
    }
    statements.push(st);
  });
  return { source, format: 'cyclonedx-vex', statements };
}

/** Does a statement speak about this finding? */
export function statementMatches(st: VexStatement, f: Finding): boolean {
  if (!idMatches(st.vulnerability, f) && !st.aliases.some((a) => idMatches(a, f))) return false;
  if (st.productWide) return true;
  return st.packages.some((p) => refMatchesPackage(p, f.package));
}

export interface VexDecision {
  statement: VexStatement;
  suppresses: boolean;
}

/** The statement that decides a finding: latest timestamp, then latest in document order. */
export function decideVex(statements: readonly VexStatement[], f: Finding): VexDecision | undefined {
  let best: VexStatement | undefined;
  for (const st of statements) {
    if (!statementMatches(st, f)) continue;
    if (best === undefined || later(st, best)) best = st;
  }
  if (!best) return undefined;
  return { statement: best, suppresses: best.status === 'not_affected' || best.status === 'fixed' };
}

function later(a: VexStatement, b: VexStatement): boolean {
  const ta = a.timestamp ? Date.parse(a.timestamp) : NaN;
  const tb = b.timestamp ? Date.parse(b.timestamp) : NaN;
  if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return ta > tb;
  if (a.source === b.source) return a.index > b.index;
  return true; // a later --vex file overrides an earlier one on ties
}
