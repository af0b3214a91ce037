import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alphaPerCriterion, flagDisagreements, krippendorffAlpha, type AlphaMetric, type Rating } from './krippendorff.js';

// Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. University of Pennsylvania,
// Annenberg School for Communication, Departmental Papers 43. Example C: 4 observers × 12 units
// with missing values ("." below as null). Rows here are observers A–D as in the paper.
const N = null;
const OBSERVERS: Rating[][] = [
  [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
  [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
];
const UNITS = OBSERVERS[0]!.map((_, u) => OBSERVERS.map((o) => o[u]));

describe("Krippendorff's alpha", () => {
  it.each([
    ['nominal', 0.743],
    ['ordinal', 0.815],
    ['interval', 0.849],
    ['ratio', 0.797],
  ] as Array<[AlphaMetric, number]>)('gives the published %s alpha of the 4-observer example (%s)', (metric, published) => {
    expect(krippendorffAlpha(UNITS, metric).alpha).toBeCloseTo(published, 3);
  });

  it('counts only pairable values: unit 12 (one rating) drops out, n = 40', () => {
    const r = krippendorffAlpha(UNITS, 'nominal');
    expect(r.pairableUnits).toBe(11);
    expect(r.pairableValues).toBe(40);
    expect(r.values).toEqual([1, 2, 3, 4, 5]);
    // The coincidence matrix is symmetric and its margins are the value counts.
    for (let c = 0; c < 5; c++) for (let k = 0; k < 5; k++) expect(r.coincidences[c]![k]).toBeCloseTo(r.coincidences[k]![c]!, 12);
  });

  // Same paper, example A: two observers, ten units, binary data: alpha = 0.095.
  it('gives the published alpha of the two-observer binary example (0.095)', () => {
    const a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
    const b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
    expect(
      krippendorffAlpha(
        a.map((v, i) => [v, b[i]!]),
        'nominal',
      ).alpha,
    ).toBeCloseTo(0.095, 3);
  });

  it('is undefined (NaN) when the ratings show no variation', () => {
    expect(
      krippendorffAlpha([
        [3, 3],
        [3, 3],
      ]).alpha,
    ).toBeNaN();
  });

  it('rejects negative values under the ratio metric', () => {
    expect(() =>
      krippendorffAlpha(
        [
          [-1, 2],
          [1, 1],
        ],
        'ratio',
      ),
    ).toThrow(/ratio/);
  });

  const metrics = fc.constantFrom<AlphaMetric>('nominal', 'ordinal', 'interval', 'ratio');

  it('is 1 under perfect agreement, whatever the metric and the missing ratings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 15 }).filter((v) => new Set(v).size > 1),
        fc.integer({ min: 2, max: 5 }),
        metrics,
        fc.integer(),
        (truth, raters, metric, seed) => {
          let s = seed;
          const units = truth.map((v) =>
            Array.from({ length: raters }, (_, r) => (r < 2 || (s = (s * 1103515245 + 12345) | 0) & 4 ? v : null)),
          );
          expect(krippendorffAlpha(units, metric).alpha).toBeCloseTo(1, 12);
        },
      ),
    );
  });

  it('does not change when units or raters are permuted', () => {
    const matrix = fc.array(fc.array(fc.option(fc.integer({ min: 0, max: 6 }), { nil: null, freq: 4 }), { minLength: 3, maxLength: 3 }), {
      minLength: 2,
      maxLength: 12,
    });
    fc.assert(
      fc.property(matrix, metrics, fc.integer(), (units, metric, seed) => {
        const base = krippendorffAlpha(units, metric).alpha;
        const shuffled = [...units].sort((a, b) => (JSON.stringify(a) + seed < JSON.stringify(b) + seed ? -1 : 1));
        const raters = units.map((row) => [row[2], row[0], row[1]]);
        const check = (other: number) => (Number.isNaN(base) ? expect(other).toBeNaN() : expect(other).toBeCloseTo(base, 10));
        check(krippendorffAlpha(shuffled, metric).alpha);
        check(krippendorffAlpha(raters, metric).alpha);
      }),
    );
  });

  it('computes alpha per criterion', () => {
    const result = alphaPerCriterion(
      {
        demand: UNITS,
        quality: [
          [1, 1],
          [2, 2],
          [3, 3],
        ],
      },
      'interval',
    );
    expect(result.demand!.alpha).toBeCloseTo(0.849, 3);
    expect(result.quality!.alpha).toBe(1);
  });

  it('flags units whose ratings spread beyond the threshold for a consensus round', () => {
    expect(flagDisagreements(UNITS, { maxSpread: 1 }).map((f) => f.unit)).toEqual([5]);
    expect(flagDisagreements(UNITS, { maxSpread: 0 }).map((f) => f.unit)).toEqual([1, 5, 7]);
    const nominal = flagDisagreements(UNITS, { nominal: true });
    expect(nominal.map((f) => f.unit)).toEqual([1, 5, 7]);
    expect(nominal[1]).toMatchObject({ unit: 5, ratings: [1, 2, 3, 4], spread: 3, reason: '4 different ratings' });
    // A unit rated once cannot disagree.
    expect(flagDisagreements([[1, N, N]])).toEqual([]);
  });
});
