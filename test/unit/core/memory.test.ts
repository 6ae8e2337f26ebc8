import { expect, it } from 'vitest';
import { collectGarbage } from '../../../src/core/memory.js';

it('collectGarbage runs a full collection: 50 MB of dropped objects leave the heap at once', () => {
  let held: { i: number; s: string }[] | undefined = Array.from({ length: 500_000 }, (_, i) => ({ i, s: `item ${i}` }));
  collectGarbage();
  const withIt = process.memoryUsage().heapUsed;
  expect(held.length).toBe(500_000);
  held = undefined;
  collectGarbage();
  expect(withIt - process.memoryUsage().heapUsed).toBeGreaterThan(20 * 1024 * 1024);
  // gc stays out of the global scope
  expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
});
