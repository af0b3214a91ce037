import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunks } from './collections.js';

describe('chunks', () => {
  it('splits in order, the last slice holding the rest', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 3)).toEqual([]);
  });

  it('refuses a size below one', () => {
    expect(() => chunks([1], 0)).toThrow(RangeError);
  });

  it('concatenates back to the list, every slice full but the last', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.integer({ min: 1, max: 20 }), (items, size) => {
        const parts = chunks(items, size);
        expect(parts.flat()).toEqual(items);
        parts.slice(0, -1).forEach((part) => expect(part).toHaveLength(size));
        parts.forEach((part) => expect(part.length).toBeGreaterThan(0));
      }),
    );
  });
});
