/**
 * opam version ordering: the Debian algorithm (dpkg's verrevcmp) over the whole version string, with
 * no epoch and no revision (https://opam.ocaml.org/doc/Manual.html#Version-ordering): `~` sorts before
 * everything, letters before other characters, digit runs numerically (`1.0~beta` < `1.0` < `1.0.1`).
 */
import { verrevcmp } from './dpkg.js';
import { invalidVersion } from './util.js';

/** opam's version characters: letters, digits, `-_+.~`. */
const OPAM_VERSION = /^[A-Za-z0-9_+.~-]+$/;

export function compareOpam(a: string, b: string): number {
  if (!OPAM_VERSION.test(a)) throw invalidVersion('opam', a);
  if (!OPAM_VERSION.test(b)) throw invalidVersion('opam', b);
  return Math.sign(verrevcmp(a, b));
}
