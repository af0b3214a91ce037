import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandBox, mergeOverlapping, overlapOfSmaller, planTiles, type Box, type ScoredBox } from './geometry.js';

const size = fc.record({ width: fc.integer({ min: 1, max: 5000 }), height: fc.integer({ min: 1, max: 5000 }) });
const boxIn = (w: number, h: number) =>
  fc
    .record({
      x: fc.double({ min: 0, max: w - 1, noNaN: true }),
      y: fc.double({ min: 0, max: h - 1, noNaN: true }),
      fw: fc.double({ min: 0.5, max: 1, noNaN: true }),
      fh: fc.double({ min: 0.5, max: 1, noNaN: true }),
    })
    .map(({ x, y, fw, fh }) => ({ x, y, width: Math.max(1, (w - x) * fw), height: Math.max(1, (h - y) * fh) }));
const scored = fc
  .record({
    x: fc.integer({ min: 0, max: 500 }),
    y: fc.integer({ min: 0, max: 500 }),
    width: fc.integer({ min: 1, max: 200 }),
    height: fc.integer({ min: 1, max: 200 }),
    score: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map((b): ScoredBox => b);

const contains = (outer: Box, inner: Box) =>
  outer.x <= inner.x &&
  outer.y <= inner.y &&
  outer.x + outer.width >= inner.x + inner.width &&
  outer.y + outer.height >= inner.y + inner.height;

describe('expandBox', () => {
  it('covers the original box (clipped to the image), stays inside the image, and uses whole pixels', () => {
    fc.assert(
      fc.property(
        size.chain((s) => fc.tuple(fc.constant(s), boxIn(s.width, s.height), fc.double({ min: 0, max: 1, noNaN: true }))),
        ([image, box, margin]) => {
          const grown = expandBox(box, margin, image);
          const clipped = {
            x: box.x,
            y: box.y,
            width: Math.min(box.width, image.width - box.x),
            height: Math.min(box.height, image.height - box.y),
          };
          expect(contains(grown, clipped)).toBe(true);
          expect(contains({ x: 0, y: 0, ...image }, grown)).toBe(true);
          expect([grown.x, grown.y, grown.width, grown.height].every(Number.isInteger)).toBe(true);
        },
      ),
    );
  });

  it('grows by the margin on every side when there is room', () => {
    expect(expandBox({ x: 100, y: 100, width: 40, height: 50 }, 0.25, { width: 640, height: 480 })).toEqual({
      x: 90,
      y: 87,
      width: 60,
      height: 76,
    });
  });
});

describe('overlapOfSmaller', () => {
  it('is symmetric, between 0 and 1, and 1 for a box inside another', () => {
    fc.assert(
      fc.property(scored, scored, (a, b) => {
        const ab = overlapOfSmaller(a, b);
        expect(ab).toBeCloseTo(overlapOfSmaller(b, a), 12);
        expect(ab).toBeGreaterThanOrEqual(0);
        expect(ab).toBeLessThanOrEqual(1 + 1e-12);
        if (contains(a, b)) expect(ab).toBeCloseTo(1, 12);
      }),
    );
  });
});

describe('mergeOverlapping', () => {
  it('every input box lies inside some output box, outputs overlap less than the threshold, the best score survives', () => {
    fc.assert(
      fc.property(fc.array(scored, { maxLength: 12 }), fc.double({ min: 0.1, max: 1, noNaN: true }), (boxes, threshold) => {
        const merged = mergeOverlapping(boxes, threshold);
        for (const b of boxes) expect(merged.some((m) => contains(m, b))).toBe(true);
        for (const [i, a] of merged.entries()) for (const b of merged.slice(i + 1)) expect(overlapOfSmaller(a, b)).toBeLessThan(threshold);
        expect(merged.length).toBeLessThanOrEqual(boxes.length);
        if (boxes.length) expect(merged[0]!.score).toBe(Math.max(...boxes.map((b) => b.score)));
      }),
    );
  });

  it('keeps apart faces that do not touch', () => {
    const a = { x: 0, y: 0, width: 10, height: 10, score: 0.9 };
    const b = { x: 20, y: 0, width: 10, height: 10, score: 0.8 };
    expect(mergeOverlapping([b, a], 0.5)).toEqual([a, b]);
  });
});

describe('planTiles', () => {
  it('tiles cover the image, stay inside it, and every square of side `overlap` lies whole inside one tile', () => {
    fc.assert(
      fc.property(
        size,
        fc.integer({ min: 256, max: 2048 }),
        fc.double({ min: 0.05, max: 0.45, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (image, tileSize, overlapShare, fx, fy) => {
          const overlap = Math.floor(tileSize * overlapShare);
          const tiles = planTiles(image, tileSize, overlap);
          if (image.width <= tileSize && image.height <= tileSize) {
            expect(tiles).toEqual([]);
            return;
          }
          for (const t of tiles) {
            expect(contains({ x: 0, y: 0, ...image }, t)).toBe(true);
            expect(Math.max(t.width, t.height)).toBeLessThanOrEqual(tileSize);
          }
          // A face-sized square anywhere in the image is whole in at least one tile.
          const side = Math.min(overlap, image.width, image.height);
          const face = { x: Math.floor(fx * (image.width - side)), y: Math.floor(fy * (image.height - side)), width: side, height: side };
          expect(tiles.some((t) => contains(t, face))).toBe(true);
        },
      ),
    );
  });
});
