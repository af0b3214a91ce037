/** Pure parts of the search service: choosing the first hits of an order without sorting them all. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstInOrder } from './catalog.service.js';

describe('firstInOrder', () => {
  it('gives what sorting everything and taking k gives, ties kept in a total order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ score: fc.integer({ min: 0, max: 20 }), id: fc.string({ maxLength: 3 }) }), { maxLength: 400 }),
        fc.integer({ min: 0, max: 60 }),
        (rows, k) => {
          const compare = (a: (typeof rows)[number], b: (typeof rows)[number]) =>
            b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
          expect(firstInOrder(rows, compare, k)).toEqual([...rows].sort(compare).slice(0, k));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('takes nothing for k = 0 and everything for k beyond the rows', () => {
    const byValue = (a: number, b: number) => a - b;
    expect(firstInOrder([3, 1, 2], byValue, 0)).toEqual([]);
    expect(firstInOrder([3, 1, 2], byValue, 10)).toEqual([1, 2, 3]);
    expect(
      firstInOrder(
        Array.from({ length: 100 }, (_, i) => 99 - i),
        byValue,
        2,
      ),
    ).toEqual([0, 1]);
  });
});
