/**
 * Gentoo Portage's version ordering (Package Manager Specification, chapter 3.3 "Version Comparison",
 * https://projects.gentoo.org/pms/8/pms.html#version-comparison): `1.2.3[a][_suffix[N]…][-rN]`.
 * The first numeric component compares as an integer; a later one starting with `0` compares as a
 * string with trailing zeros removed (1.01 < 1.1, 1.010 = 1.01), others as integers; then the letter;
 * then the suffixes in order `_alpha < _beta < _pre < _rc < (none) < _p`, each with its number; then
 * the revision.
 */
import { compareDigits, compareStrings, invalidVersion } from './util.js';

const VERSION = /^(\d+(?:\.\d+)*)([a-z]?)((?:_(?:alpha|beta|pre|rc|p)\d*)*)(?:-r(\d+))?$/;
const SUFFIX_RANK: Readonly<Record<string, number>> = { alpha: 0, beta: 1, pre: 2, rc: 3, p: 5 };
/** The rank of "no more suffixes": between _rc and _p. */
const NO_SUFFIX = 4;

interface Parsed {
  numbers: string[];
  letter: string;
  suffixes: [number, string][];
  revision: string;
}

function parse(v: string): Parsed {
  const m = VERSION.exec(v);
  if (!m) throw invalidVersion('Portage', v);
  const suffixes: [number, string][] = [];
  for (const s of m[3]!.split('_').slice(1)) {
    const word = /^[a-z]+/.exec(s)![0];
    suffixes.push([SUFFIX_RANK[word]!, s.slice(word.length) || '0']);
  }
  return { numbers: m[1]!.split('.'), letter: m[2]!, suffixes, revision: m[4] ?? '0' };
}

export function comparePortage(a: string, b: string): number {
  if (a === b) return 0;
  const x = parse(a);
  const y = parse(b);
  let c = compareDigits(x.numbers[0]!, y.numbers[0]!);
  if (c !== 0) return c;
  for (let i = 1; i < Math.min(x.numbers.length, y.numbers.length); i++) {
    const p = x.numbers[i]!;
    const q = y.numbers[i]!;
    c = p.startsWith('0') || q.startsWith('0') ? compareStrings(p.replace(/0+$/, ''), q.replace(/0+$/, '')) : compareDigits(p, q);
    if (c !== 0) return c;
  }
  if (x.numbers.length !== y.numbers.length) return x.numbers.length < y.numbers.length ? -1 : 1;
  c = compareStrings(x.letter, y.letter);
  if (c !== 0) return c;
  for (let i = 0; i < Math.max(x.suffixes.length, y.suffixes.length); i++) {
    const [rx, nx] = x.suffixes[i] ?? [NO_SUFFIX, '0'];
    const [ry, ny] = y.suffixes[i] ?? [NO_SUFFIX, '0'];
    if (rx !== ry) return rx < ry ? -1 : 1;
    c = compareDigits(nx, ny);
    if (c !== 0) return c;
  }
  return compareDigits(x.revision, y.revision);
}
