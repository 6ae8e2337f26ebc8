/**
 * The rpm version order against rpm's own test vectors: tests/rpmvercmp.at of
 * https://github.com/rpm-software-management/rpm (GPL-2.0-or-later; the pairs and their expected
 * result are data, transcribed in full, the commented-out "oddities" left out as upstream does).
 * The real tier also checks custody against the installed rpm's rpm.vercmp (test/real/rpm-corpus.test.ts),
 * including caret versions, which this file of rpm does not cover.
 */
import { describe, expect, it } from 'vitest';
import { compareVersions } from '../../../src/query/versions/index.js';

const RPMVERCMP: [string, string, number][] = [
  ['1.0', '1.0', 0], ['1.0', '2.0', -1], ['2.0', '1.0', 1],
  ['2.0.1', '2.0.1', 0], ['2.0', '2.0.1', -1], ['2.0.1', '2.0', 1],
  ['2.0.1a', '2.0.1a', 0], ['2.0.1a', '2.0.1', 1], ['2.0.1', '2.0.1a', -1],
  ['5.5p1', '5.5p1', 0], ['5.5p1', '5.5p2', -1], ['5.5p2', '5.5p1', 1],
  ['5.5p10', '5.5p10', 0], ['5.5p1', '5.5p10', -1], ['5.5p10', '5.5p1', 1],
  ['10xyz', '10.1xyz', -1], ['10.1xyz', '10xyz', 1],
  ['xyz10', 'xyz10', 0], ['xyz10', 'xyz10.1', -1], ['xyz10.1', 'xyz10', 1],
  ['xyz.4', 'xyz.4', 0], ['xyz.4', '8', -1], ['8', 'xyz.4', 1], ['xyz.4', '2', -1], ['2', 'xyz.4', 1],
  ['5.5p2', '5.6p1', -1], ['5.6p1', '5.5p2', 1],
  ['5.6p1', '6.5p1', -1], ['6.5p1', '5.6p1', 1],
  ['6.0.rc1', '6.0', 1], ['6.0', '6.0.rc1', -1],
  ['10b2', '10a1', 1], ['10a2', '10b2', -1],
  ['1.0aa', '1.0aa', 0], ['1.0a', '1.0aa', -1], ['1.0aa', '1.0a', 1],
  ['10.0001', '10.0001', 0], ['10.0001', '10.1', 0], ['10.1', '10.0001', 0], ['10.0001', '10.0039', -1], ['10.0039', '10.0001', 1],
  ['4.999.9', '5.0', -1], ['5.0', '4.999.9', 1],
  ['20101121', '20101121', 0], ['20101121', '20101122', -1], ['20101122', '20101121', 1],
  ['2_0', '2_0', 0], ['2.0', '2_0', 0], ['2_0', '2.0', 0],
  ['a', 'a', 0], ['a+', 'a+', 0], ['a+', 'a_', 0], ['a_', 'a+', 0], ['+a', '+a', 0], ['+a', '_a', 0], ['_a', '+a', 0],
  ['+_', '+_', 0], ['_+', '+_', 0], ['_+', '_+', 0], ['+', '_', 0], ['_', '+', 0],
  ['1.0~rc1', '1.0~rc1', 0], ['1.0~rc1', '1.0', -1], ['1.0', '1.0~rc1', 1], ['1.0~rc1', '1.0~rc2', -1], ['1.0~rc2', '1.0~rc1', 1],
  ['1.0~rc1~git123', '1.0~rc1~git123', 0], ['1.0~rc1~git123', '1.0~rc1', -1], ['1.0~rc1', '1.0~rc1~git123', 1],
];

describe("rpm version order: rpm's own rpmvercmp test vectors", () => {
  it.each(RPMVERCMP)('rpmvercmp(%s, %s) = %i', (a, b, want) => {
    expect(Math.sign(compareVersions('rpm', a, b))).toBe(want);
  });

  it('epochs order before versions, a missing epoch is 0, and an explicit 0 equals none', () => {
    expect(compareVersions('rpm', '1:1.0-1.el8', '2.0-1.el8')).toBeGreaterThan(0);
    expect(compareVersions('rpm', '0:1.0-1.el8', '1.0-1.el8')).toBe(0);
    expect(compareVersions('rpm', '2:4.6-22.el8', '10:1.0-1')).toBeLessThan(0);
  });
});
