/** Fallback ordering for ecosystems without a scheme: runs of digits numerically, letters lexically. */
import { rpmvercmp } from './rpm.js';

export function compareGeneric(a: string, b: string): number {
  return rpmvercmp(a.trim().replace(/^v(?=\d)/, ''), b.trim().replace(/^v(?=\d)/, ''));
}
