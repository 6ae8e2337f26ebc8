/**
 * The ignore file (YAML), docs/readme/scan.md "Ignore file":
 *
 *   ignore:
 *     - id: CVE-2021-44228          # or any alias (GHSA-…)
 *       package: log4j-core         # optional: name, name@version or a purl (version optional)
 *       reason: not reachable, see ticket 123
 *       expires: 2026-03-31         # optional; a date is valid through that day (UTC)
 *
 * Expired entries stop applying and are reported. Unknown keys and missing reasons are errors.
 */
import { parse as parseYaml } from 'yaml';
import { InputError } from '../core/errors.js';
import { arr, isRecord } from './data.js';
import { idMatches, refMatchesPackage } from './finding.js';
import type { ExpiredIgnore, Finding } from './model.js';

export interface IgnoreRule {
  id: string;
  package?: string;
  reason: string;
  /** As written. */
  expires?: string;
  /** The instant it stops applying (ms since epoch). */
  expiresAt?: number;
}

const KEYS = new Set(['id', 'package', 'reason', 'expires']);

/**
 * Parse an ignore file.
 * @throws InputError VULN_BAD_IGNORE_FILE naming the entry at fault.
 */
export function parseIgnoreFile(text: string, source: string): IgnoreRule[] {
  if (text.length > 4 * 1024 * 1024) throw bad(source, 'is over 4 MiB');
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100, logLevel: 'error' });
  } catch (err) {
    throw new InputError('VULN_BAD_IGNORE_FILE', `${source} is not valid YAML`, { cause: err, hint: 'see docs: custody scan --help' });
  }
  if (doc === null || doc === undefined) return [];
  const list = Array.isArray(doc) ? doc : isRecord(doc) && 'ignore' in doc ? doc.ignore : undefined;
  if (!Array.isArray(list)) throw bad(source, 'must be a list, or a mapping with an "ignore" list');
  return arr(list).map((e, i) => {
    if (!isRecord(e)) throw bad(source, `entry #${i + 1} is not a mapping`);
    for (const k of Object.keys(e)) if (!KEYS.has(k)) throw bad(source, `entry #${i + 1} has an unknown key "${k}"`);
    const id = e.id;
    if (typeof id !== 'string' || id.trim() === '') throw bad(source, `entry #${i + 1} has no "id"`);
    const reason = e.reason;
    if (typeof reason !== 'string' || reason.trim() === '') throw bad(source, `entry #${i + 1} (${id}) has no "reason"`);
    const rule: IgnoreRule = { id: id.trim(), reason: reason.trim() };
    if (e.package !== undefined) {
      if (typeof e.package !== 'string' || e.package === '') throw bad(source, `entry #${i + 1} (${id}): "package" must be a string`);
      rule.package = e.package;
    }
    if (e.expires !== undefined) {
      const raw = e.expires instanceof Date ? e.expires.toISOString().slice(0, 10) : e.expires;
      if (typeof raw !== 'string') throw bad(source, `entry #${i + 1} (${id}): "expires" must be a date (YYYY-MM-DD)`);
      const at = expiryInstant(raw);
      if (at === undefined) throw bad(source, `entry #${i + 1} (${id}): "expires" ${JSON.stringify(raw)} is not a date (YYYY-MM-DD or RFC 3339)`);
      rule.expires = raw;
      rule.expiresAt = at;
    }
    return rule;
  });
}

function bad(source: string, what: string): InputError {
  return new InputError('VULN_BAD_IGNORE_FILE', `ignore file ${source} ${what}`, {
    hint: 'entries are {id, reason, package?, expires?}; see docs/readme/scan.md',
  });
}

/** A date-only value is valid through the end of that day (UTC); a timestamp until that instant. */
function expiryInstant(raw: string): number | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
    const t = Date.parse(`${raw}T00:00:00Z`);
    return Number.isNaN(t) ? undefined : t + 24 * 3600 * 1000;
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(raw)) return undefined;
  const t = Date.parse(raw);
  return Number.isNaN(t) ? undefined : t;
}

export function isExpired(rule: IgnoreRule, now: Date): boolean {
  return rule.expiresAt !== undefined && now.getTime() >= rule.expiresAt;
}

export function ruleMatches(rule: IgnoreRule, f: Finding): boolean {
  return idMatches(rule.id, f) && (rule.package === undefined || refMatchesPackage(rule.package, f.package));
}

export function expiredOf(rule: IgnoreRule): ExpiredIgnore {
  const e: ExpiredIgnore = { id: rule.id, reason: rule.reason, expires: rule.expires ?? '' };
  if (rule.package !== undefined) e.package = rule.package;
  return e;
}
