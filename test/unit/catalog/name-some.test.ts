import { describe, expect, it } from 'vitest';
import { nameSome } from '../../../src/catalog/lang-common.js';

describe('nameSome (warnings and incomplete entries name a bounded list)', () => {
  it('names all when few, the first max and a count when many', () => {
    expect(nameSome([], 3)).toBe('');
    expect(nameSome(['a', 'b'], 3)).toBe('a, b');
    expect(nameSome(['a', 'b', 'c'], 3)).toBe('a, b, c');
    expect(nameSome(['a', 'b', 'c', 'd', 'e'], 3)).toBe('a, b, c and 2 more');
    expect(nameSome(['a', 'b', 'c', 'd'], 2, '; ')).toBe('a; b; and 2 more');
  });
  it('stays short on a hostile list of 100,000 names', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => `entry-${i}`);
    expect(nameSome(many, 10).length).toBeLessThan(200);
  });
});
