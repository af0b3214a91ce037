import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AhpMatrixError, RANDOM_INDEX, ahpWeights, mostInconsistentJudgements, reciprocalMatrix, validateReciprocalMatrix } from './ahp.js';

const rounded = (xs: number[], digits = 3) => xs.map((x) => Number(x.toFixed(digits)));

describe('AHP weights', () => {
  it("uses Saaty's random index table (Saaty 1980, The Analytic Hierarchy Process)", () => {
    expect(RANDOM_INDEX).toEqual([0, 0, 0.58, 0.9, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49]);
  });

  // Wikipedia, "Analytic hierarchy process – leader example": criteria Experience, Education,
  // Charisma, Age; published priorities .547, .127, .270, .056 (the page rounds; the exact
  // eigenvector gives .548 for Experience, within its rounding).
  it('reproduces the published criteria priorities of the leader example', () => {
    const criteria = reciprocalMatrix(4, [4, 3, 7, 1 / 3, 3, 5]);
    const r = ahpWeights(criteria);
    const published = [0.547, 0.127, 0.27, 0.056];
    r.weights.forEach((w, i) => expect(Math.abs(w - published[i]!)).toBeLessThanOrEqual(0.0015));
    expect(r.cr).toBeLessThan(0.1);
    expect(r.consistent).toBe(true);
    expect(r.ci).toBeCloseTo((r.lambdaMax - 4) / 3, 12);
    expect(r.cr).toBeCloseTo(r.ci / 0.9, 12);
  });

  // The same page's candidate comparisons (Tom, Dick, Harry) with their published priorities.
  it.each([
    ['experience', [1 / 4, 4, 9], [0.217, 0.717, 0.066]],
    ['education', [3, 1 / 5, 1 / 7], [0.188, 0.081, 0.731]],
    ['charisma', [5, 9, 4], [0.743, 0.194, 0.063]],
    ['age', [1 / 3, 5, 9], [0.265, 0.672, 0.063]],
  ])('reproduces the published priorities of the candidates on %s', (_name, upper, published) => {
    const r = ahpWeights(reciprocalMatrix(3, upper));
    expect(rounded(r.weights)).toEqual(published);
    expect(r.cr).toBeLessThan(0.1);
  });

  it('gives the published overall priorities of the leader example (Dick .493, Tom .358, Harry .149)', () => {
    const criteria = ahpWeights(reciprocalMatrix(4, [4, 3, 7, 1 / 3, 3, 5])).weights;
    const local = [
      [1 / 4, 4, 9],
      [3, 1 / 5, 1 / 7],
      [5, 9, 4],
      [1 / 3, 5, 9],
    ].map((u) => ahpWeights(reciprocalMatrix(3, u)).weights);
    const overall = [0, 1, 2].map((a) => local.reduce((s, w, c) => s + criteria[c]! * w[a]!, 0));
    expect(rounded(overall)).toEqual([0.358, 0.493, 0.149]);
  });

  it('finds λmax = n and CR = 0 for a consistent matrix, by either method', () => {
    const w = [0.5, 0.25, 0.15, 0.1];
    const m = w.map((wi) => w.map((wj) => wi / wj));
    for (const method of ['eigenvector', 'geometric-mean'] as const) {
      const r = ahpWeights(m, { method });
      expect(r.lambdaMax).toBeCloseTo(4, 10);
      expect(r.cr).toBeCloseTo(0, 10);
      r.weights.forEach((x, i) => expect(x).toBeCloseTo(w[i]!, 10));
    }
  });

  it('gives CR 0 for n = 1 and n = 2', () => {
    expect(ahpWeights([[1]])).toMatchObject({ weights: [1], cr: 0, ci: 0 });
    const two = ahpWeights([
      [1, 9],
      [1 / 9, 1],
    ]);
    expect(two.cr).toBe(0);
    expect(two.weights[0]).toBeCloseTo(0.9, 12);
  });

  it('flags an inconsistent matrix and points at the judgement that breaks it', () => {
    // A > B (3), B > C (3), but C > A (5): a cycle; the C-vs-A judgement is reversed.
    const m = reciprocalMatrix(3, [3, 1 / 5, 3]);
    const r = ahpWeights(m);
    expect(r.cr).toBeGreaterThan(0.1);
    expect(r.consistent).toBe(false);
    const worst = mostInconsistentJudgements(m, 3);
    expect(worst).toHaveLength(3);
    expect(worst[0]!.deviation).toBeGreaterThanOrEqual(worst[1]!.deviation);
    // Replacing the worst judgement by its suggestion makes the matrix acceptable.
    const { i, j, suggestedValue } = worst.find((w) => w.i === 0 && w.j === 2)!;
    const fixed = m.map((row) => [...row]);
    fixed[i]![j] = suggestedValue;
    fixed[j]![i] = 1 / suggestedValue;
    expect(ahpWeights(fixed).cr).toBeLessThan(ahpWeights(m).cr);
  });

  it('ranks a single planted error first', () => {
    const w = [0.4, 0.3, 0.2, 0.1];
    const m = w.map((wi) => w.map((wj) => wi / wj));
    m[1]![3] = 9;
    m[3]![1] = 1 / 9;
    const [top] = mostInconsistentJudgements(m, 1);
    expect([top!.i, top!.j]).toEqual([1, 3]);
    expect(top!.consistentValue).toBeLessThan(9);
  });

  it('rejects matrices that are not positive reciprocal, naming row and column', () => {
    expect(() => validateReciprocalMatrix([])).toThrow(AhpMatrixError);
    expect(() => validateReciprocalMatrix([[1, 2], [0.5]])).toThrow(/Row 2 has 1 values/);
    expect(() =>
      validateReciprocalMatrix([
        [1, -2],
        [0.5, 1],
      ]),
    ).toThrow(/Row 1, column 2: -2 is not a positive number/);
    expect(() =>
      validateReciprocalMatrix([
        [2, 2],
        [0.5, 1],
      ]),
    ).toThrow(/Row 1, column 1: the diagonal must be 1/);
    try {
      validateReciprocalMatrix([
        [1, 3, 1],
        [1 / 3, 1, 2],
        [1, 0.2, 1],
      ]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AhpMatrixError);
      expect((error as AhpMatrixError).message).toMatch(/Row 2, column 3: 2 and its mirror 0.2 .* are not reciprocal/);
      expect([(error as AhpMatrixError).row, (error as AhpMatrixError).column]).toEqual([2, 3]);
    }
    // 0.33 for 1/3 is within the default tolerance.
    expect(() =>
      validateReciprocalMatrix([
        [1, 3],
        [0.333, 1],
      ]),
    ).not.toThrow();
    expect(() => ahpWeights(Array.from({ length: 11 }, () => new Array<number>(11).fill(1)))).toThrow(/stops at 10/);
  });

  it('weights are positive, sum to 1, and CR ≥ 0 for any reciprocal matrix on the 1–9 scale', () => {
    const judgement = fc.constantFrom(1, 2, 3, 4, 5, 6, 7, 8, 9, 1 / 2, 1 / 3, 1 / 4, 1 / 5, 1 / 6, 1 / 7, 1 / 8, 1 / 9);
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 8 })
          .chain((n) => fc.tuple(fc.constant(n), fc.array(judgement, { minLength: (n * (n - 1)) / 2, maxLength: (n * (n - 1)) / 2 }))),
        ([n, upper]) => {
          const r = ahpWeights(reciprocalMatrix(n, upper));
          expect(r.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
          expect(r.weights.every((w) => w > 0)).toBe(true);
          expect(r.lambdaMax).toBeGreaterThanOrEqual(n - 1e-9);
          expect(r.cr).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
