import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { affectsVersion, evaluateRange, fixedAbove } from '../../../src/vuln/osv/range.js';
import type { OsvAffected, OsvRange } from '../../../src/vuln/osv/record.js';
import { numericCompare } from './helpers.js';

const eco = (events: OsvRange['events']): OsvRange => ({ type: 'ECOSYSTEM', events });
const cmp = () => numericCompare;

describe('OSV range evaluation', () => {
  // GHSA-jfh8-c2jp-5v3q-shaped: three intervals in separate affected entries.
  const entries: OsvAffected[] = [
    [{ introduced: '2.13.0' }, { fixed: '2.15.0' }],
    [{ introduced: '0' }, { fixed: '2.3.1' }],
    [{ introduced: '2.4' }, { fixed: '2.12.2' }],
  ].map((events) => ({ ecosystem: 'Maven', name: 'x', ranges: [eco(events)], versions: [], severity: [] }));
  const hit = (v: string) => entries.map((e) => affectsVersion(e, v, cmp)).find((h) => h !== undefined);

  it.each([
    ['2.8.1', '>=2.4, <2.12.2'],
    ['2.13.2', '>=2.13.0, <2.15.0'],
    ['2.0', '<2.3.1'],
    ['2.4', '>=2.4, <2.12.2'],
  ])('%s is affected (%s)', (v, constraint) => {
    expect(hit(v)).toMatchObject({ via: 'range', constraint });
  });

  it.each(['2.17.1', '2.12.2', '2.15.0', '2.3.1', '2.3.2'])('%s is not affected', (v) => {
    expect(hit(v)).toBeUndefined();
  });

  it('handles several intervals in one range (GO-2022-0969 shape) and last_affected', () => {
    const r = eco([{ introduced: '0' }, { fixed: '1.18.6' }, { introduced: '1.19.0' }, { fixed: '1.19.1' }]);
    expect(evaluateRange(r, '1.18.5', numericCompare)?.fixed).toBe('1.18.6');
    expect(evaluateRange(r, '1.18.7', numericCompare)).toBeUndefined();
    expect(evaluateRange(r, '1.19.0', numericCompare)?.fixed).toBe('1.19.1');
    expect(evaluateRange(r, '1.20', numericCompare)).toBeUndefined();
    const la = eco([{ introduced: '1.0' }, { last_affected: '1.5' }]);
    expect(evaluateRange(la, '1.5', numericCompare)?.constraint).toBe('>=1.0, <=1.5');
    expect(evaluateRange(la, '1.5.1', numericCompare)).toBeUndefined();
    expect(evaluateRange(eco([{ introduced: '0' }]), '99', numericCompare)?.constraint).toBe('all versions');
  });

  it('events in any order give the same answer (the walk sorts them)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 50 }), { minLength: 2, maxLength: 8 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer(),
        (points, v, seed) => {
          const sorted = [...points].sort((a, b) => a - b);
          const events = sorted.map((p, i) => (i % 2 === 0 ? { introduced: String(p) } : { fixed: String(p) }));
          const shuffled = [...events].sort((a, b) => ((JSON.stringify(a).length * seed) % 7) - ((JSON.stringify(b).length * seed) % 7));
          const expected = sorted.some((p, i) => i % 2 === 0 && v >= p && (sorted[i + 1] === undefined || v < sorted[i + 1]!));
          expect(evaluateRange(eco(shuffled), String(v), numericCompare) !== undefined).toBe(expected);
        },
      ),
    );
  });

  it('explicit versions lists match exactly, GIT ranges are skipped', () => {
    const a: OsvAffected = { ecosystem: 'PyPI', name: 'x', ranges: [{ type: 'GIT', events: [{ introduced: '0' }] }], versions: ['2.30.0'], severity: [] };
    expect(affectsVersion(a, '2.30.0', cmp)).toEqual({ via: 'versions', constraint: '=2.30.0' });
    expect(affectsVersion(a, '2.30.1', cmp)).toBeUndefined();
  });

  it('lists the fixed versions above the installed one', () => {
    const a: OsvAffected = { ecosystem: 'Go', name: 'x', ranges: [eco([{ introduced: '0' }, { fixed: '1.18.6' }, { introduced: '1.19.0' }, { fixed: '1.19.1' }])], versions: [], severity: [] };
    expect(fixedAbove(a, '1.18.0', cmp)).toEqual(['1.18.6', '1.19.1']);
    expect(fixedAbove(a, '1.19.0', cmp)).toEqual(['1.19.1']);
  });
});
