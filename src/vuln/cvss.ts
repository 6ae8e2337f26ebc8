/**
 * CVSS vectors scored with ae-cvss-calculator, and the one rule that picks a finding's severity.
 *
 * Severity rule (docs/readme/scan.md "Severity"): the advisory's own CVSS v4/v3.x vector, scored;
 * else the advisory's own vendor label; else a v4/v3.x vector from a related record (e.g. NVD), scored;
 * else a CVSS v2 vector; else `unknown` (the unscored bucket).
 */
import calculator from 'ae-cvss-calculator';
import type { CvssScore, FindingSeverity, Severity } from './model.js';

// Full base-metric shapes: the library happily scores partial vectors as 0, so we check first.
const V3_RE = /^CVSS:3\.[01]\/AV:[NALP]\/AC:[LH]\/PR:[NLH]\/UI:[NR]\/S:[UC]\/C:[NLH]\/I:[NLH]\/A:[NLH](\/[A-Za-z]+:[A-Za-z])*$/;
const V4_RE =
  /^CVSS:4\.0\/AV:[NALP]\/AC:[LH]\/AT:[NP]\/PR:[NLH]\/UI:[NPA]\/VC:[HLN]\/VI:[HLN]\/VA:[HLN]\/SC:[HLN]\/SI:[HLN]\/SA:[HLN](\/[A-Za-z]+:[A-Za-z]+)*$/;
const V2_RE = /^(\(?)AV:[LAN]\/AC:[HML]\/Au:[MSN]\/C:[NPC]\/I:[NPC]\/A:[NPC](\/[A-Za-z]+:[A-Za-z]+)*\)?$/;

/** CVSS version of a vector string, or undefined when it is not a recognisable complete base vector. */
export function cvssVersionOf(vector: string): '2.0' | '3.0' | '3.1' | '4.0' | undefined {
  const v = vector.trim();
  if (v.length > 400) return undefined;
  if (V4_RE.test(v)) return '4.0';
  if (V3_RE.test(v)) return v.startsWith('CVSS:3.1') ? '3.1' : '3.0';
  if (V2_RE.test(v)) return '2.0';
  return undefined;
}

/** Score a vector; undefined when malformed. Never throws. */
export function scoreVector(vector: string): { version: string; score: number } | undefined {
  const version = cvssVersionOf(vector);
  if (version === undefined) return undefined;
  const v = vector.trim().replace(/^\((.*)\)$/, '$1');
  try {
    const cvss =
      version === '4.0'
        ? new calculator.Cvss4P0(v)
        : version === '3.1'
          ? new calculator.Cvss3P1(v)
          : version === '3.0'
            ? new calculator.Cvss3P0(v)
            : new calculator.Cvss2(v);
    const base = cvss.calculateScores().base;
    if (typeof base !== 'number' || !Number.isFinite(base) || base < 0 || base > 10) return undefined;
    return { version, score: Math.round(base * 10) / 10 };
  } catch {
    return undefined;
  }
}

/** A CvssScore for a vector as found (score absent when malformed). */
export function cvssScore(vector: string, source?: string): CvssScore {
  const scored = scoreVector(vector);
  const out: CvssScore = { version: scored?.version ?? cvssVersionOf(vector) ?? 'unknown', vector };
  if (scored) out.score = scored.score;
  if (source !== undefined && source !== '') out.source = source;
  return out;
}

/** CVSS v3/v4 qualitative rating (FIRST v3.1 §5, v4.0 §6); v2 has no critical (NVD: high ≥ 7). */
export function severityOfScore(score: number, version: string): Severity {
  if (version === '2.0') return score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'negligible';
}

/** Map a vendor's label to our buckets; undefined for labels we cannot read. */
export function severityOfLabel(label: string | undefined): Severity | undefined {
  if (label === undefined) return undefined;
  switch (label.trim().toLowerCase()) {
    case 'critical':
      return 'critical';
    case 'high':
    case 'important':
      return 'high';
    case 'medium':
    case 'moderate':
      return 'medium';
    case 'low':
      return 'low';
    case 'negligible':
    case 'none':
    case 'info':
    case 'informational':
    case 'unimportant':
      return 'negligible';
    default:
      return undefined;
  }
}

function best(scores: readonly CvssScore[], versions: readonly string[]): CvssScore | undefined {
  // Highest CVSS version first (v4 over v3.1 over v3.0), then the first listed (the publisher's order).
  for (const version of versions) {
    const hit = scores.find((s) => s.version === version && s.score !== undefined);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * Decide a finding's severity from the advisory's own vectors, its vendor label and related vectors.
 * All vectors are kept in `cvss` (own first).
 */
export function resolveSeverity(own: readonly CvssScore[], vendorLabel: string | undefined, related: readonly CvssScore[] = []): FindingSeverity {
  const cvss = dedupeScores([...own, ...related]);
  const out = (level: Severity, basis: FindingSeverity['basis'], score?: number): FindingSeverity => {
    const s: FindingSeverity = { level, basis, cvss };
    if (score !== undefined) s.score = score;
    if (vendorLabel !== undefined && vendorLabel !== '') s.vendor = vendorLabel;
    return s;
  };
  const modern = ['4.0', '3.1', '3.0'];
  const ownBest = best(own, modern);
  if (ownBest?.score !== undefined) return out(severityOfScore(ownBest.score, ownBest.version), 'cvss', ownBest.score);
  const vendor = severityOfLabel(vendorLabel);
  if (vendor !== undefined) return out(vendor, 'vendor');
  const relBest = best(related, modern) ?? best([...own, ...related], ['2.0']);
  if (relBest?.score !== undefined) return out(severityOfScore(relBest.score, relBest.version), 'cvss', relBest.score);
  return out('unknown', 'none');
}

function dedupeScores(scores: CvssScore[]): CvssScore[] {
  const seen = new Set<string>();
  return scores.filter((s) => {
    const k = `${s.source ?? ''}|${s.vector}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
