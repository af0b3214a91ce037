import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32, seededRandom } from './random.js';

describe('seeded random numbers', () => {
  it("keep mulberry32's outputs, which every seeded corpus and hash parameter depends on", () => {
    const next = mulberry32(42);
    expect([next(), next()]).toEqual([2581720956, 1925393290]);
  });

  it('repeat for a seed, stay within their ranges (property)', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const [a, b] = [seededRandom(seed), seededRandom(seed)];
        for (let i = 0; i < 20; i++) {
          const x = a();
          expect(x).toBe(b());
          expect(x >= 0 && x < 1).toBe(true);
        }
        const u = mulberry32(seed)();
        expect(Number.isInteger(u) && u >= 0 && u < 2 ** 32).toBe(true);
      }),
    );
  });
});
