import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cvssVersionOf, resolveSeverity, scoreVector, severityOfLabel, severityOfScore, cvssScore } from '../../../src/vuln/cvss.js';

describe('CVSS scoring (ae-cvss-calculator)', () => {
  it.each([
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', '3.1', 10],
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H', '3.1', 9],
    ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', '3.0', 9.8],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N', '3.1', 5.3],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', '4.0', 9.3],
    ['AV:N/AC:M/Au:N/C:P/I:N/A:N', '2.0', 4.3],
  ])('%s scores %s / %d', (vector, version, score) => {
    expect(scoreVector(vector)).toEqual({ version, score });
  });

  it('rejects partial and garbage vectors instead of scoring them 0', () => {
    expect(scoreVector('CVSS:3.1/AV:N')).toBeUndefined();
    expect(scoreVector('CVSS:3.1/garbage')).toBeUndefined();
    expect(cvssVersionOf('CVSS:9.9/AV:N')).toBeUndefined();
    expect(cvssScore('nope', 'nvd')).toEqual({ version: 'unknown', vector: 'nope', source: 'nvd' });
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const r = scoreVector(s);
        if (r) expect(r.score).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('maps scores and labels to buckets', () => {
    expect(severityOfScore(9.0, '3.1')).toBe('critical');
    expect(severityOfScore(8.9, '3.1')).toBe('high');
    expect(severityOfScore(4.0, '3.1')).toBe('medium');
    expect(severityOfScore(0.1, '3.1')).toBe('low');
    expect(severityOfScore(10, '2.0')).toBe('high');
    expect(severityOfLabel('MODERATE')).toBe('medium');
    expect(severityOfLabel('Negligible')).toBe('negligible');
    expect(severityOfLabel('Unknown')).toBeUndefined();
  });

  it('own vector beats vendor label, vendor label beats related vectors, nothing is unscored', () => {
    const crit = cvssScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 'ghsa');
    const med = cvssScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N', 'nvd');
    expect(resolveSeverity([crit], 'Low')).toMatchObject({ level: 'critical', basis: 'cvss', score: 10, vendor: 'Low' });
    expect(resolveSeverity([], 'Low', [crit])).toMatchObject({ level: 'low', basis: 'vendor' });
    expect(resolveSeverity([], undefined, [med])).toMatchObject({ level: 'medium', basis: 'cvss', score: 5.3 });
    expect(resolveSeverity([], 'Unknown', [])).toMatchObject({ level: 'unknown', basis: 'none' });
    expect(resolveSeverity([], undefined, []).cvss).toEqual([]);
  });
});
