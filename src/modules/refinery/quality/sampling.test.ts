import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AQLS,
  accuracyEstimate,
  binomialCdf,
  clopperPearsonInterval,
  codeLetter,
  lotAccepted,
  normalQuantile,
  sampleSizeForAccuracy,
  singleSamplingPlan,
  wilsonInterval,
} from './sampling.js';

describe('ISO 2859-1 code letters (Table 1, general inspection level II)', () => {
  it.each([
    [2, 'A'],
    [8, 'A'],
    [9, 'B'],
    [25, 'C'],
    [50, 'D'],
    [90, 'E'],
    [150, 'F'],
    [280, 'G'],
    [281, 'H'],
    [500, 'H'],
    [501, 'J'],
    [1000, 'J'],
    [1200, 'J'],
    [3200, 'K'],
    [10_000, 'L'],
    [35_000, 'M'],
    [150_000, 'N'],
    [500_000, 'P'],
    [500_001, 'Q'],
  ])('lot %i → %s', (lot, letter) => expect(codeLetter(lot)).toBe(letter));

  it('refuses lots of fewer than two', () => expect(() => codeLetter(1)).toThrow(/at least 2/));
});

describe('ISO 2859-1 single sampling, normal inspection (Table 2-A)', () => {
  // Values as printed in the standard's master table (and reproduced by every AQL chart).
  it.each([
    // lot, AQL, n, Ac, Re, plan letter
    [1000, 0.65, 80, 1, 2, 'J'],
    [1000, 1.0, 80, 2, 3, 'J'],
    [1000, 1.5, 80, 3, 4, 'J'],
    [1000, 2.5, 80, 5, 6, 'J'],
    [1000, 4.0, 80, 7, 8, 'J'],
    [1000, 6.5, 80, 10, 11, 'J'],
    [500, 2.5, 50, 3, 4, 'H'],
    [500, 6.5, 50, 7, 8, 'H'],
    [2000, 1.0, 125, 3, 4, 'K'],
    [2000, 6.5, 125, 14, 15, 'K'],
    [5000, 6.5, 200, 21, 22, 'L'],
    [200, 2.5, 32, 2, 3, 'G'],
    [10_000, 0.65, 200, 3, 4, 'L'],
  ] as const)('lot %i, AQL %f → n %i, Ac %i, Re %i', (lotSize, aql, n, ac, re, letter) => {
    const plan = singleSamplingPlan({ lotSize, aql });
    expect(plan).toMatchObject({ sampleSize: n, acceptance: ac, rejection: re, planLetter: letter, arrow: 'none', fullInspection: false });
  });

  it('follows a down arrow to the first plan below (AQL 0.40 at J → K, 125, Ac 1)', () => {
    expect(singleSamplingPlan({ lotSize: 1000, aql: 0.4 })).toMatchObject({
      codeLetter: 'J',
      planLetter: 'K',
      arrow: 'down',
      sampleSize: 125,
      acceptance: 1,
      rejection: 2,
    });
    // AQL 2.5 at E (lot 51–90): ↓ to F, 20, Ac 1.
    expect(singleSamplingPlan({ lotSize: 80, aql: 2.5 })).toMatchObject({
      codeLetter: 'E',
      planLetter: 'F',
      sampleSize: 20,
      acceptance: 1,
    });
    // Far above the 0/1 cell: AQL 0.065 at K goes down to L (200, Ac 0).
    expect(singleSamplingPlan({ lotSize: 2000, aql: 0.065 })).toMatchObject({
      codeLetter: 'K',
      planLetter: 'L',
      sampleSize: 200,
      acceptance: 0,
      rejection: 1,
    });
  });

  it('follows an up arrow to the first plan above (AQL 0.25 at J → H, 50, Ac 0)', () => {
    expect(singleSamplingPlan({ lotSize: 1000, aql: 0.25 })).toMatchObject({
      planLetter: 'H',
      arrow: 'up',
      sampleSize: 50,
      acceptance: 0,
      rejection: 1,
    });
    // AQL 6.5 at M (lot 10,001–35,000): ↑ to L, 200, Ac 21.
    expect(singleSamplingPlan({ lotSize: 20_000, aql: 6.5 })).toMatchObject({
      codeLetter: 'M',
      planLetter: 'L',
      sampleSize: 200,
      acceptance: 21,
      rejection: 22,
    });
  });

  it('inspects the whole lot when the plan sample would be as large', () => {
    // Lot 10 (B) at AQL 0.65: the arrow leads to F (20 ≥ 10).
    expect(singleSamplingPlan({ lotSize: 10, aql: 0.65 })).toMatchObject({
      planLetter: 'F',
      sampleSize: 10,
      acceptance: 0,
      fullInspection: true,
    });
  });

  it('always gives Re = Ac + 1 and a sample no larger than the lot (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 2_000_000 }), fc.constantFrom(...AQLS), (lotSize, aql) => {
        const plan = singleSamplingPlan({ lotSize, aql });
        expect(plan.rejection).toBe(plan.acceptance + 1);
        expect(plan.sampleSize).toBeLessThanOrEqual(lotSize);
        expect(lotAccepted(plan, plan.acceptance)).toBe(true);
        expect(lotAccepted(plan, plan.rejection)).toBe(false);
      }),
    );
  });

  it('refuses AQLs that are not in the table', () =>
    expect(() => singleSamplingPlan({ lotSize: 1000, aql: 3 })).toThrow(/not in the table/));
});

describe('sample size for a target accuracy', () => {
  it('gives the classic zero-failure and one-failure sample sizes', () => {
    expect(sampleSizeForAccuracy({ targetAccuracy: 0.95, confidence: 0.95 })).toBe(59);
    expect(sampleSizeForAccuracy({ targetAccuracy: 0.99, confidence: 0.95 })).toBe(299);
    expect(sampleSizeForAccuracy({ targetAccuracy: 0.95, confidence: 0.95, acceptanceNumber: 1 })).toBe(93);
    expect(sampleSizeForAccuracy({ targetAccuracy: 0.99, confidence: 0.95, lotSize: 100 })).toBe(100);
  });

  it('is the smallest n that works (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 0.995, noNaN: true }),
        fc.double({ min: 0.5, max: 0.99, noNaN: true }),
        fc.nat({ max: 5 }),
        (target, confidence, c) => {
          const n = sampleSizeForAccuracy({ targetAccuracy: target, confidence, acceptanceNumber: c });
          expect(binomialCdf(c, n, 1 - target)).toBeLessThanOrEqual(1 - confidence + 1e-12);
          if (n > c + 1) expect(binomialCdf(c, n - 1, 1 - target)).toBeGreaterThan(1 - confidence);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('confidence intervals', () => {
  it('normal quantiles', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829304, 8);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306, 7);
  });

  it('binomial tails', () => {
    expect(binomialCdf(0, 10, 0.5)).toBeCloseTo(1 / 1024, 15);
    expect(binomialCdf(5, 10, 0.5)).toBeCloseTo(638 / 1024, 12);
    expect(binomialCdf(3, 1000, 0.001)).toBeCloseTo(0.9810731665, 8);
  });

  it('Wilson matches published values', () => {
    const none = wilsonInterval(0, 10);
    expect(none.lower).toBe(0);
    expect(none.upper).toBeCloseTo(0.27753, 4);
    const half = wilsonInterval(5, 10);
    expect(half.lower).toBeCloseTo(0.23659, 4);
    expect(half.upper).toBeCloseTo(0.76341, 4);
  });

  it('Clopper–Pearson matches the closed forms and scipy', () => {
    // 0 of n: upper = 1 − 0.025^(1/n); n of n: lower = 0.025^(1/n); 1 of n: lower = 1 − 0.975^(1/n).
    expect(clopperPearsonInterval(0, 10).upper).toBeCloseTo(1 - Math.pow(0.025, 1 / 10), 10);
    expect(clopperPearsonInterval(10, 10).lower).toBeCloseTo(Math.pow(0.025, 1 / 10), 10);
    expect(clopperPearsonInterval(1, 10).lower).toBeCloseTo(1 - Math.pow(0.975, 1 / 10), 10);
    expect(clopperPearsonInterval(0, 80).upper).toBeCloseTo(1 - Math.pow(0.025, 1 / 80), 10);
    // scipy.stats.binomtest(5, 10).proportion_ci(method='exact'): (0.187086, 0.812914); (1, 10): upper 0.445016.
    const half = clopperPearsonInterval(5, 10);
    expect(half.lower).toBeCloseTo(0.187086, 5);
    expect(half.upper).toBeCloseTo(0.812914, 5);
    expect(clopperPearsonInterval(1, 10).upper).toBeCloseTo(0.445016, 5);
  });

  it('contain the estimate, stay within [0, 1], both symmetric under success ↔ failure (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.nat(), (n, k) => {
        const x = k % (n + 1);
        const cp = clopperPearsonInterval(x, n);
        const w = wilsonInterval(x, n);
        expect(cp.lower).toBeLessThanOrEqual(x / n + 1e-12);
        expect(cp.upper).toBeGreaterThanOrEqual(x / n - 1e-12);
        // Not "Clopper–Pearson is wider than Wilson": at x = 0 (n = 46) the exact upper bound is the lower one.
        expect(w.lower).toBeLessThanOrEqual(x / n + 1e-12);
        expect(w.upper).toBeGreaterThanOrEqual(x / n - 1e-12);
        for (const bound of [cp.lower, cp.upper, w.lower, w.upper]) expect(bound >= 0 && bound <= 1).toBe(true);
        const mirror = clopperPearsonInterval(n - x, n);
        expect(mirror.lower).toBeCloseTo(1 - cp.upper, 9);
        expect(wilsonInterval(n - x, n).lower).toBeCloseTo(1 - w.upper, 9);
      }),
      { numRuns: 60 },
    );
  });

  it('accuracy from an inspection', () => {
    const estimate = accuracyEstimate({ passed: 78, failed: 2 });
    expect(estimate.accuracy).toBe(0.975);
    expect(estimate.method).toBe('clopper-pearson');
    // scipy.stats.binomtest(78, 80).proportion_ci(method='exact'): (0.9125928, 0.9969579); wilson: (0.9133557, 0.9931171).
    expect(estimate.lower).toBeCloseTo(0.9125928, 6);
    expect(estimate.upper).toBeCloseTo(0.9969579, 6);
    expect(accuracyEstimate({ passed: 78, failed: 2, method: 'wilson' }).lower).toBeCloseTo(0.9133557, 6);
    expect(accuracyEstimate({ passed: 78, failed: 2, method: 'wilson' }).upper).toBeCloseTo(wilsonInterval(78, 80).upper, 12);
  });
});
