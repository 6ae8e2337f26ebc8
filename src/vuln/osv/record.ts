/**
 * OSV records (https://ossf.github.io/osv-schema/) validated into a typed shape at the boundary.
 * Unknown fields are dropped; anything malformed makes the record invalid rather than half-read.
 */
import { parsePurl } from '../../core/ecosystem.js';
import { cvssScore } from '../cvss.js';
import { arr, isRecord, rec, str, strings, type Rec } from '../data.js';
import type { CvssScore } from '../model.js';

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvRange {
  type: 'ECOSYSTEM' | 'SEMVER' | 'GIT';
  events: OsvEvent[];
}

/** A `severity[]` entry of a record: a CVSS vector and who published it. */
export interface OsvSeverity {
  vector: string;
  source: string;
}

export interface OsvAffected {
  /** Full ecosystem string, e.g. 'Maven', 'Debian:10', 'Alpine:v3.18'. */
  ecosystem: string;
  name: string;
  purl?: string;
  ranges: OsvRange[];
  versions: string[];
  severity: OsvSeverity[];
  /**
   * RPM modularity stream the entry is about ('nodejs:18'), from the package purl's `rpmmod`
   * qualifier (Red Hat, Rocky Linux) or `ecosystem_specific.rpm_modularity` (AlmaLinux).
   */
  module?: string;
}

export interface OsvRecord {
  id: string;
  aliases: string[];
  related: string[];
  modified?: string;
  withdrawn?: string;
  summary?: string;
  details?: string;
  severity: OsvSeverity[];
  /** database_specific.severity (GHSA: LOW/MODERATE/HIGH/CRITICAL). */
  databaseSeverity?: string;
  affected: OsvAffected[];
  references: string[];
}

const MAX_AFFECTED = 10_000;
const MAX_EVENTS = 10_000;
const MAX_VERSIONS = 100_000;

/** Validate one OSV record; undefined (with the reason) when it is not one. */
export function parseOsvRecord(doc: unknown): { record: OsvRecord } | { error: string } {
  if (!isRecord(doc)) return { error: 'not a JSON object' };
  const id = str(doc.id);
  if (!id || id.length > 200) return { error: 'no "id"' };
  if (doc.affected !== undefined && !Array.isArray(doc.affected)) return { error: `${id}: "affected" is not an array` };
  const affectedIn = arr(doc.affected);
  if (affectedIn.length > MAX_AFFECTED) return { error: `${id}: more than ${MAX_AFFECTED} affected entries` };
  const affected: OsvAffected[] = [];
  for (const a of affectedIn) {
    const parsed = parseAffected(a);
    if ('error' in parsed) return { error: `${id}: ${parsed.error}` };
    if (parsed.affected) affected.push(parsed.affected);
  }
  const record: OsvRecord = {
    id,
    aliases: strings(doc.aliases).filter((x) => x !== id),
    related: strings(doc.related),
    severity: severityList(doc.severity, id),
    affected,
    references: arr(doc.references).flatMap((r) => (str(rec(r).url) ? [str(rec(r).url)!] : [])),
  };
  for (const k of ['modified', 'withdrawn', 'summary', 'details'] as const) {
    const v = str(doc[k]);
    if (v !== undefined) record[k] = v;
  }
  const dbSeverity = str(rec(doc.database_specific).severity);
  if (dbSeverity) record.databaseSeverity = dbSeverity;
  inferModuleStreams(record);
  return { record };
}

/**
 * RPM advisories whose versions are module builds ('1:20.11.1-1.module_el8.9.0+3775+d8460d35') but
 * whose entries name no stream (AlmaLinux's current export) still say it in their title, as Red Hat
 * writes them: 'Important: nodejs:20 security update'. Without it a nodejs:18 package would be
 * compared with nodejs:20's fixed versions. A module build with no stream anywhere gets '?'.
 */
function inferModuleStreams(record: OsvRecord): void {
  const fromTitle = /^(?:(?:Low|Moderate|Important|Critical):\s+)?([A-Za-z0-9_.+-]+):([A-Za-z0-9_.+-]+)\s/.exec(record.summary ?? '');
  for (const a of record.affected) {
    if (a.module !== undefined) continue;
    const versions = [...a.versions, ...a.ranges.flatMap((r) => r.events.map((e) => e.introduced ?? e.fixed ?? e.last_affected ?? ''))];
    if (!versions.some((v) => /\.module[+_]/.test(v))) continue;
    a.module = fromTitle ? `${fromTitle[1]}:${fromTitle[2]}` : '?';
  }
}

/** Vectors as found; scored only when a record matches (scoring every record of a database is slow). */
function severityList(v: unknown, source: string): OsvSeverity[] {
  return arr(v).flatMap((s) => {
    const r = rec(s);
    const type = str(r.type) ?? '';
    const score = str(r.score);
    if (!score || !/^CVSS_V[234]$/.test(type)) return [];
    return [{ vector: score, source }];
  });
}

/** Score an OSV severity list (ae-cvss-calculator). */
export function scoreOsvSeverity(list: readonly OsvSeverity[]): CvssScore[] {
  return list.map((s) => cvssScore(s.vector, s.source));
}

function parseAffected(a: unknown): { affected?: OsvAffected } | { error: string } {
  if (!isRecord(a)) return { error: 'an affected entry is not an object' };
  const p = rec(a.package);
  const ecosystem = str(p.ecosystem);
  const name = str(p.name);
  // Entries without a package (GIT-only ranges) cannot be matched against an SBOM; skip, not an error.
  if (!ecosystem || !name) return {};
  const ranges: OsvRange[] = [];
  for (const r of arr(a.ranges)) {
    const range = parseRange(r);
    if (typeof range === 'string') return { error: range };
    ranges.push(range);
  }
  const versions = strings(a.versions);
  if (versions.length > MAX_VERSIONS) return { error: `more than ${MAX_VERSIONS} versions for ${name}` };
  const out: OsvAffected = { ecosystem, name, ranges, versions, severity: severityList(a.severity, ecosystem) };
  if (str(p.purl)) out.purl = str(p.purl)!;
  const module = moduleStream(str(rec(a.ecosystem_specific).rpm_modularity) ?? (out.purl ? parsePurl(out.purl)?.qualifiers?.rpmmod : undefined));
  if (module) out.module = module;
  return { affected: out };
}

/**
 * 'name:stream' of an RPM module label ('nodejs:18:8090020240105095425:a75119d5' -> 'nodejs:18');
 * undefined for anything without both parts.
 */
export function moduleStream(label: string | undefined): string | undefined {
  if (!label) return undefined;
  const [name, stream] = label.split(':');
  return name && stream ? `${name}:${stream}` : undefined;
}

function parseRange(r: unknown): OsvRange | string {
  if (!isRecord(r)) return 'a range is not an object';
  const type = str(r.type);
  if (type !== 'ECOSYSTEM' && type !== 'SEMVER' && type !== 'GIT') return `unknown range type ${JSON.stringify(type ?? null)}`;
  const eventsIn = arr((r as Rec).events);
  if (eventsIn.length === 0) return 'a range has no events';
  if (eventsIn.length > MAX_EVENTS) return 'a range has too many events';
  const events: OsvEvent[] = [];
  for (const e of eventsIn) {
    const er = rec(e);
    const keys = (['introduced', 'fixed', 'last_affected', 'limit'] as const).filter((k) => str(er[k]) !== undefined);
    if (keys.length !== 1) return 'an event must have exactly one of introduced/fixed/last_affected/limit';
    const k = keys[0]!;
    events.push({ [k]: str(er[k])! });
  }
  return { type, events };
}
