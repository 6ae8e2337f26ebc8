import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../../src/core/errors.js';
import { compareVersions, inRange, parseRange, satisfies, type VersionScheme } from '../../../src/query/versions/index.js';

/** Each list is strictly ascending; every pair is checked both ways. */
const ORDERINGS: Record<string, { scheme: VersionScheme; list: string[] }[]> = {
  maven: [
    { scheme: 'maven', list: ['2.0-alpha1', '2.0-beta9', '2.0-rc1', '2.0-SNAPSHOT', '2.0', '2.0-sp1', '2.0.1', '2.1', '2.10', '10.0'] },
    { scheme: 'maven', list: ['1.0-alpha-1', '1.0-a2', '1.0-beta', '1.0-m1', '1.0-rc', '1.0', '1.0-abc', '1.0.1', '1.1'] },
    { scheme: 'maven', list: ['2.14.1', '2.15.0', '2.16.0', '2.17.0', '2.17.1', '2.17.2'] },
  ],
  npm: [{ scheme: 'npm', list: ['0.0.1', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-beta', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.10.0', '2.0.0'] }],
  pypi: [
    {
      scheme: 'pypi',
      list: ['1.0.dev0', '1.0a1', '1.0a2.dev1', '1.0a2', '1.0b1', '1.0rc1', '1.0', '1.0+local.1', '1.0.post1.dev0', '1.0.post1', '1.1', '1!0.1'],
    },
  ],
  deb: [
    { scheme: 'deb', list: ['1.0~rc1', '1.0', '1.0-1', '1.0-1+deb10u1', '1.0-2', '1.0a', '1.1', '1:0.1'] },
    { scheme: 'deb', list: ['2.28-10', '2.28-10+deb10u1', '2.31-13+deb11u5', '2.36-9'] },
  ],
  apk: [{ scheme: 'apk', list: ['1.2_alpha1', '1.2_beta', '1.2_rc2', '1.2', '1.2-r1', '1.2_p1', '1.2a', '1.2.1', '1.10', '2.0'] }],
  rpm: [
    { scheme: 'rpm', list: ['1.0~rc1', '1.0', '1.0^git1', '1.0a', '1.0.1', '1.1', '1:0.5'] },
    { scheme: 'rpm', list: ['1.0-1.el8', '1.0-2.el8', '1.0-10.el8'] },
  ],
  golang: [{ scheme: 'golang', list: ['v0.0.0-20191109021931-daa7c04131f5', 'v0.1.0', 'v1.2.3-pre', 'v1.2.3', 'v1.10.0', 'v2.0.0+incompatible'] }],
  gem: [{ scheme: 'gem', list: ['1.0.a', '1.0.b1', '1.0.rc1', '1.0', '1.0.1', '1.1', '1.10'] }],
  cargo: [{ scheme: 'cargo', list: ['0.1.0', '1.0.0-alpha', '1.0.0', '1.0.1'] }],
  nuget: [{ scheme: 'nuget', list: ['1.0.0-alpha', '1.0.0-Beta', '1.0.0', '1.0.0.1', '1.0.1', '1.10'] }],
  composer: [{ scheme: 'composer', list: ['1.0.0-dev', '1.0.0-alpha1', '1.0.0-beta2', '1.0.0-RC1', '1.0.0', '1.0.0-p1', '1.0.1', 'v1.1.0'] }],
  // PMS 3.3 (Gentoo): 1.01 < 1.1 (leading-zero components as strings), suffix order alpha < beta < pre < rc < none < p
  ebuild: [
    { scheme: 'ebuild', list: ['1.0_alpha', '1.0_alpha1', '1.0_beta2', '1.0_pre', '1.0_rc1', '1.0_rc1_p1', '1.0', '1.0-r1', '1.0-r10', '1.0_p1', '1.0a', '1.0.1', '1.01', '1.1', '1.10', '2'] },
    { scheme: 'ebuild', list: ['2.36-r7', '2.36-r9', '2.37', '2.37_p20230526'] },
  ],
};

describe('compareVersions orderings', () => {
  for (const [name, cases] of Object.entries(ORDERINGS)) {
    it(`${name}: ascending lists order strictly`, () => {
      for (const { scheme, list } of cases) {
        for (let i = 0; i < list.length; i++) {
          for (let j = 0; j < list.length; j++) {
            const expected = Math.sign(i - j);
            expect([list[i], list[j], compareVersions(scheme, list[i]!, list[j]!)]).toEqual([list[i], list[j], expected]);
          }
        }
      }
    });
  }

  it('treats equivalent spellings as equal', () => {
    expect(compareVersions('maven', '1.0', '1.0.0')).toBe(0);
    expect(compareVersions('maven', '1.0-ga', '1')).toBe(0);
    expect(compareVersions('maven', '1.0-final', '1.0')).toBe(0);
    expect(compareVersions('maven', '1.0-cr1', '1.0-rc1')).toBe(0);
    expect(compareVersions('pypi', '1.0', '1.0.0')).toBe(0);
    expect(compareVersions('pypi', '1.0-alpha1', '1.0a1')).toBe(0);
    expect(compareVersions('pypi', 'v1.0.post2', '1.0-2')).toBe(0);
    expect(compareVersions('deb', '0:1.0', '1.0')).toBe(0);
    expect(compareVersions('gem', '1.0.0', '1')).toBe(0);
    expect(compareVersions('nuget', '1.0', '1.0.0.0')).toBe(0);
    expect(compareVersions('golang', 'v1.2.3', '1.2.3')).toBe(0);
    expect(compareVersions('semver', '1.2.3+build', '1.2.3')).toBe(0);
    expect(compareVersions('rpm', '1.0', '1.0-5')).toBe(0);
    expect(compareVersions('ebuild', '1.0-r0', '1.0')).toBe(0);
    expect(compareVersions('ebuild', '1.010', '1.01')).toBe(0);
  });

  it('throws InputError for versions a scheme cannot read', () => {
    expect(() => compareVersions('pypi', 'not a version', '1.0')).toThrow(InputError);
    expect(() => compareVersions('npm', '1.2', '1.0.0')).toThrow(InputError);
    expect(() => compareVersions('deb', 'abc', '1.0')).toThrow(InputError);
    expect(() => compareVersions('apk', '1.0-foo', '1.0')).toThrow(InputError);
    expect(() => compareVersions('golang', '(devel)', 'v1.0.0')).toThrow(InputError);
    expect(() => compareVersions('ebuild', '1.0_gamma', '1.0')).toThrow(InputError);
  });

  it('is antisymmetric and reflexive on arbitrary digit-dot versions (property)', () => {
    const ver = fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 4 }).map((a) => a.join('.'));
    for (const scheme of ['maven', 'pypi', 'deb', 'apk', 'rpm', 'gem', 'nuget', 'composer', 'generic'] as const) {
      fc.assert(
        fc.property(ver, ver, (a, b) => {
          expect(compareVersions(scheme, a, a)).toBe(0);
          expect(compareVersions(scheme, a, b) + compareVersions(scheme, b, a)).toBe(0);
        }),
        { numRuns: 200 },
      );
    }
  });

  it('never throws anything but InputError on hostile strings (property)', () => {
    for (const scheme of ['maven', 'npm', 'pypi', 'deb', 'apk', 'rpm', 'golang', 'gem', 'nuget', 'composer', 'generic'] as const) {
      fc.assert(
        fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (a, b) => {
          try {
            const r = compareVersions(scheme, a, b);
            expect([-1, 0, 1]).toContain(r);
          } catch (err) {
            expect(err).toBeInstanceOf(InputError);
          }
        }),
        { numRuns: 300 },
      );
    }
  });
});

describe('parseRange / satisfies', () => {
  it('reads space-separated and comma-separated AND constraints', () => {
    const r = parseRange('>=2.0.0 <2.17.1', 'maven');
    expect(satisfies('2.14.1', r)).toBe(true);
    expect(satisfies('2.17.1', r)).toBe(false);
    expect(satisfies('2.0-beta9', r)).toBe(false);
    expect(satisfies('1.2.17', r)).toBe(false);
    expect(satisfies('2.0', parseRange('>= 2.0, < 3', 'pypi'))).toBe(true);
    expect(satisfies('3.0rc1', parseRange('>=2.0,<3', 'pypi'))).toBe(true);
  });

  it('reads || alternatives and bare versions', () => {
    const r = parseRange('<1.0 || >=2.0 <2.1 || =3.0', 'npm');
    expect(['0.9.0', '2.0.5', '3.0.0'].map((v) => satisfies(v, r))).toEqual([true, true, true]);
    expect(['1.5.0', '2.1.0', '3.1.0'].map((v) => satisfies(v, r))).toEqual([false, false, false]);
    expect(satisfies('1.2.3', parseRange('1.2.3', 'npm'))).toBe(true);
    expect(satisfies('1.2.4', parseRange('1.2.3', 'npm'))).toBe(false);
  });

  it('reads npm caret/tilde ranges with the semver package', () => {
    expect(satisfies('1.4.0', parseRange('^1.2.3', 'npm'))).toBe(true);
    expect(satisfies('2.0.0', parseRange('^1.2.3', 'npm'))).toBe(false);
    expect(satisfies('1.2.9', parseRange('~1.2.3', 'npm'))).toBe(true);
  });

  it('reads vers: strings with their own scheme', () => {
    const r = parseRange('vers:maven/>=2.0-beta9|<2.15.0');
    expect(r.kind).toBe('vers');
    expect(satisfies('2.0-beta9', r)).toBe(true);
    expect(satisfies('2.0-rc1', r)).toBe(true);
    expect(satisfies('2.14.1', r)).toBe(true);
    expect(satisfies('2.0-beta8', r)).toBe(false);
    expect(satisfies('2.15.0', r)).toBe(false);
    const multi = parseRange('vers:npm/1.2.3|>=2.0.0|<5.0.0|!=3.0.0');
    expect(satisfies('1.2.3', multi)).toBe(true);
    expect(satisfies('1.5.0', multi)).toBe(false);
    expect(satisfies('3.0.0', multi)).toBe(false);
    expect(satisfies('4.1.0', multi)).toBe(true);
    expect(satisfies('7.0.0', parseRange('vers:deb/*'))).toBe(true);
    expect(satisfies('1:1.0', parseRange('vers:deb/>=1.0|<2.0'))).toBe(false);
    expect(satisfies('1.0.1-r0', parseRange('vers:alpine/<1.0.1-r1'))).toBe(true);
  });

  it('reads Maven interval notation', () => {
    const r = parseRange('[2.0,2.15.0),[2.16.0]', 'maven');
    expect(satisfies('2.0', r)).toBe(true);
    expect(satisfies('2.14.9', r)).toBe(true);
    expect(satisfies('2.15.0', r)).toBe(false);
    expect(satisfies('2.16.0', r)).toBe(true);
    expect(satisfies('1.0', parseRange('(,1.0]'))).toBe(true);
  });

  it('rejects malformed ranges with UsageError', () => {
    for (const bad of ['', '>=', '>=1 <', 'vers:maven/', 'vers:maven/>=1||<2', '[1.0', '>>1', 'vers:npm/>=abc']) {
      expect(() => parseRange(bad, 'maven'), bad).toThrow(UsageError);
    }
  });

  it('never throws anything but UsageError on hostile ranges (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        try {
          parseRange(s, 'maven');
        } catch (err) {
          expect(err).toBeInstanceOf(UsageError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('inRange (OSV bounds)', () => {
  it('evaluates introduced/fixed/lastAffected/limit', () => {
    expect(inRange('2.14.1', { introduced: '2.0-beta9', fixed: '2.15.0' }, 'maven')).toBe(true);
    expect(inRange('2.15.0', { introduced: '2.0-beta9', fixed: '2.15.0' }, 'maven')).toBe(false);
    expect(inRange('1.0', { introduced: '0', fixed: '1.1' }, 'deb')).toBe(true);
    expect(inRange('1.1', { introduced: '0', lastAffected: '1.1' }, 'pypi')).toBe(true);
    expect(inRange('1.2', { introduced: '0', lastAffected: '1.1' }, 'pypi')).toBe(false);
    expect(inRange('5.0.0', { introduced: '1.0.0', limit: '4.0.0' }, 'semver')).toBe(false);
  });
});
