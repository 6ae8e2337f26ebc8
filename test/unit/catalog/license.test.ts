import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSpdxExpression, licensesFromDebianCopyright, normalizeLicense } from '../../../src/core/license.js';
import { fixture } from './helpers.js';

describe('normalizeLicense', () => {
  it.each([
    ['MIT', 'MIT'],
    ['Apache-2.0 OR MIT', 'Apache-2.0 OR MIT'],
    ['GPL-2+', 'GPL-2.0-or-later'],
    ['GPL-2', 'GPL-2.0-only'],
    ['LGPL-2.1+', 'LGPL-2.1-or-later'],
    ['GPL-2.0+', 'GPL-2.0-or-later'],
    ['BSD-3-clause', 'BSD-3-Clause'],
    ['Expat', 'MIT'],
    ['Apache 2.0', 'Apache-2.0'],
    ['GPL-2+ or Artistic-1.0', 'GPL-2.0-or-later OR Artistic-1.0'],
    ['MIT, BSD-2-clause', 'MIT AND BSD-2-Clause'],
    ['  Zlib  ', 'Zlib'],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeLicense(input)).toBe(expected);
  });

  it.each(['+', '__proto__', 'constructor', 'public-domain', 'Artistic', 'GPL-3+ with autoconf exception', 'permissive', 'MIT-like', 'GPL-2+ or custom'])(
    'keeps %j as found (never guessed)',
    (input) => {
      expect(normalizeLicense(input)).toBe(input);
    },
  );

  it('returns either a valid SPDX expression or the trimmed input (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.array(fc.constantFrom('GPL', '-2', '+', 'or', ' ', 'MIT', ',', 'and', 'BSD', '(', ')', '__proto__', 'WITH', '.0', 'Apache'), { maxLength: 8 }).map((a) => a.join('')),
        ),
        (s) => {
        const out = normalizeLicense(s);
        const trimmed = s.trim().replace(/\s+/g, ' ');
        expect(out === trimmed || isSpdxExpression(out)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('licensesFromDebianCopyright', () => {
  it('reads every License: short name of a DEP-5 file, split and normalised, distinct', () => {
    expect(licensesFromDebianCopyright(fixture('dpkg/doc/apt/copyright').toString())).toEqual(['GPL-2.0-or-later', 'GPL-2.0-only', 'BSD-3-Clause', 'MIT']);
    expect(licensesFromDebianCopyright(fixture('dpkg/doc/adduser/copyright').toString())).toEqual(['GPL-2.0-or-later']);
  });

  it('returns nothing for a free-form copyright file', () => {
    expect(licensesFromDebianCopyright(fixture('dpkg/doc/gcc-12-base/copyright').toString())).toEqual([]);
  });

  it('handles or/and lists in one field', () => {
    const text = 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: GPL-1+ or Artistic\n\nFiles: x\nLicense: BSD-2-clause and Expat\n';
    expect(licensesFromDebianCopyright(text)).toEqual(['GPL-1.0-or-later', 'Artistic', 'BSD-2-Clause', 'MIT']);
  });
});
