/**
 * Hackage (Haskell) version ordering: the Package Versioning Policy's versions are dot-separated
 * non-negative integers compared component by component, numerically; a version that is a prefix
 * of another is lower (`1.0` < `1.0.0`), as Cabal's `Version` orders them.
 */
import { compareDigits, invalidVersion } from './util.js';

const PVP = /^\d+(?:\.\d+)*$/;

export function compareHackage(a: string, b: string): number {
  const x = a.trim();
  const y = b.trim();
  if (!PVP.test(x)) throw invalidVersion('Hackage', a);
  if (!PVP.test(y)) throw invalidVersion('Hackage', b);
  const xs = x.split('.');
  const ys = y.split('.');
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    const c = compareDigits(xs[i]!, ys[i]!);
    if (c !== 0) return c;
  }
  return Math.sign(xs.length - ys.length);
}
