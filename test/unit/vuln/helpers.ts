import { join } from 'node:path';
import { GENERATED } from '../../helpers/paths.js';

/** fixtures/generated/vuln (written by scripts/fixtures/vuln.mjs). */
export const VULN = join(GENERATED, 'vuln');

/** A plain dotted-numeric ordering for tests of the range walk itself (not an ecosystem's ordering). */
export function numericCompare(a: string, b: string): number {
  const pa = a.split('.').map((x) => {
    const n = Number(x);
    if (!Number.isInteger(n)) throw new Error(`not numeric: ${a}`);
    return n;
  });
  const pb = b.split('.').map((x) => {
    const n = Number(x);
    if (!Number.isInteger(n)) throw new Error(`not numeric: ${b}`);
    return n;
  });
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}
