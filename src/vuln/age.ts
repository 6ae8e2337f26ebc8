/**
 * Durations for `--max-vulndb-age` and the policy's `maxVulnDbAge` ('36h', '7d', '1d12h', '90m'),
 * and ages for humans ('2d 3h').
 */
import { UsageError } from '../core/errors.js';

/** The default age over which vulnerability data is stale: a warning, not a failure. */
export const DEFAULT_MAX_VULNDB_AGE_SECONDS = 7 * 24 * 3600;

const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * Seconds in a duration: one or more `<number><unit>` with units s, m, h, d, w.
 * @throws UsageError VULN_BAD_DURATION naming `what` (the flag or policy key).
 */
export function parseDuration(text: string, what: string): number {
  const t = text.trim();
  const re = /(\d+(?:\.\d+)?)([smhdw])/gy;
  let total = 0;
  let matched = 0;
  for (const m of t.matchAll(re)) {
    total += Number(m[1]) * UNIT[m[2]!]!;
    matched += m[0].length;
  }
  if (t === '' || matched !== t.length || !Number.isFinite(total)) {
    throw new UsageError('VULN_BAD_DURATION', `${what}: ${JSON.stringify(text)} is not a duration`, { hint: 'write it as 24h, 7d, 1d12h, 90m or 3600s' });
  }
  return Math.round(total);
}

/** '3d 4h', '5h 2m', '40s'. */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return h > 0 ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  if (m > 0) return `${m}m`;
  return `${s}s`;
}
