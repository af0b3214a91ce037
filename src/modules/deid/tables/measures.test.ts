import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  distinctLDiversity,
  earthMoversDistance,
  entropyLDiversity,
  equivalenceClasses,
  kAnonymity,
  measureRisk,
  prosecutorRisk,
  sensitiveScale,
  tCloseness,
} from './measures.js';

const ROWS = [
  ['30', '남', '감기'],
  ['30', '남', '당뇨'],
  ['30', '남', '감기'],
  ['40', '여', '암'],
  ['40', '여', '암'],
];

/** Random small tables: 2 quasi-identifier columns and a sensitive one, with few values so classes form. */
const tables = fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.constantFrom('x', 'y'), fc.constantFrom('1', '2', '3', '7')), {
  minLength: 1,
  maxLength: 60,
});

describe('equivalence classes and k', () => {
  it('groups rows by the quasi-identifiers and counts sensitive values', () => {
    const classes = equivalenceClasses(ROWS, [0, 1], 2);
    expect(classes).toHaveLength(2);
    expect(classes[0]).toEqual({
      key: ['30', '남'],
      size: 3,
      sensitive: new Map([
        ['감기', 2],
        ['당뇨', 1],
      ]),
    });
    expect(kAnonymity(classes)).toBe(2);
    expect(kAnonymity([])).toBe(0);
  });

  it('k equals the smallest count of identical tuples, counted another way (property)', () => {
    fc.assert(
      fc.property(tables, (rows) => {
        const sorted = rows.map((r) => `${r[0]}|${r[1]}`).sort();
        let smallest = Infinity;
        for (let i = 0; i < sorted.length;) {
          let j = i;
          while (j < sorted.length && sorted[j] === sorted[i]) j++;
          smallest = Math.min(smallest, j - i);
          i = j;
        }
        expect(kAnonymity(equivalenceClasses(rows, [0, 1]))).toBe(smallest);
      }),
    );
  });

  it('dropping a quasi-identifier (the coarsest generalisation of it) never lowers k (property)', () => {
    fc.assert(
      fc.property(tables, (rows) => {
        expect(kAnonymity(equivalenceClasses(rows, [0]))).toBeGreaterThanOrEqual(kAnonymity(equivalenceClasses(rows, [0, 1])));
      }),
    );
  });
});

describe('l-diversity', () => {
  it('distinct l is the fewest distinct values; entropy l is exp(H)', () => {
    const classes = equivalenceClasses(ROWS, [0, 1], 2);
    expect(distinctLDiversity(classes)).toBe(1);
    expect(entropyLDiversity(classes)).toBeCloseTo(1, 12);
    const even = equivalenceClasses(
      [
        ['a', 'x'],
        ['a', 'y'],
        ['a', 'z'],
      ],
      [0],
      1,
    );
    expect(entropyLDiversity(even)).toBeCloseTo(3, 12);
    const skewed = equivalenceClasses(
      [
        ['a', 'x'],
        ['a', 'x'],
        ['a', 'x'],
        ['a', 'y'],
      ],
      [0],
      1,
    );
    // H = −(¾ ln ¾ + ¼ ln ¼)
    expect(entropyLDiversity(skewed)).toBeCloseTo(Math.exp(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25))), 12);
    expect(distinctLDiversity(skewed)).toBe(2);
  });

  it('1 ≤ entropy l ≤ distinct l (property)', () => {
    fc.assert(
      fc.property(tables, (rows) => {
        const classes = equivalenceClasses(rows, [0, 1], 2);
        const e = entropyLDiversity(classes);
        expect(e).toBeGreaterThanOrEqual(1 - 1e-9);
        expect(e).toBeLessThanOrEqual(distinctLDiversity(classes) + 1e-9);
      }),
    );
  });
});

describe('t-closeness', () => {
  it('uses equal distance for categories and ordered distance for numbers', () => {
    expect(
      earthMoversDistance(
        new Map([['a', 1]]),
        new Map([
          ['a', 1],
          ['b', 1],
        ]),
        ['a', 'b'],
        'categorical',
      ),
    ).toBeCloseTo(0.5);
    // Li et al.'s example: salaries 3k..11k, a class {3k, 4k, 5k} against all nine: 0.375.
    const all = new Map(['3', '4', '5', '6', '7', '8', '9', '10', '11'].map((v) => [v, 1]));
    const domain = [...all.keys()];
    expect(
      earthMoversDistance(
        new Map([
          ['3', 1],
          ['4', 1],
          ['5', 1],
        ]),
        all,
        domain,
        'ordered',
      ),
    ).toBeCloseTo(0.375, 12);
    expect(
      earthMoversDistance(
        new Map([
          ['6', 1],
          ['8', 1],
          ['11', 1],
        ]),
        all,
        domain,
        'ordered',
      ),
    ).toBeCloseTo(0.167, 3);
    expect(sensitiveScale(['3', '11'])).toBe('ordered');
    expect(sensitiveScale(['감기'])).toBe('categorical');
  });

  it('is 0 for one class, within [0, 1], and symmetric EMD (property)', () => {
    fc.assert(
      fc.property(tables, fc.constantFrom<'categorical' | 'ordered'>('categorical', 'ordered'), (rows, scale) => {
        expect(tCloseness(equivalenceClasses(rows, [], 2), scale)).toBeCloseTo(0, 12);
        const t = tCloseness(equivalenceClasses(rows, [0, 1], 2), scale);
        expect(t).toBeGreaterThanOrEqual(0);
        expect(t).toBeLessThanOrEqual(1 + 1e-12);
        const [p, q] = [equivalenceClasses(rows, [0], 2)[0]!.sensitive!, equivalenceClasses(rows, [], 2)[0]!.sensitive!];
        const domain = ['1', '2', '3', '7'];
        expect(earthMoversDistance(p, q, domain, scale)).toBeCloseTo(earthMoversDistance(q, p, domain, scale), 12);
      }),
    );
  });
});

describe('prosecutor risk', () => {
  it('is 1/|class| per record: highest, average and records above the threshold', () => {
    const risk = prosecutorRisk(equivalenceClasses([...ROWS, ['50', '남', '암']], [0, 1]), 0.2);
    expect(risk).toEqual({ highest: 1, average: 3 / 6, recordsAtRisk: 6, shareAtRisk: 1, threshold: 0.2 });
    expect(prosecutorRisk(equivalenceClasses(ROWS, [0, 1]), 0.4).recordsAtRisk).toBe(2);
  });

  it('highest = 1/k, average = classes/records, at-risk = records in classes smaller than 1/threshold (property)', () => {
    fc.assert(
      fc.property(tables, fc.constantFrom(0.2, 0.34, 0.5), (rows, threshold) => {
        const classes = equivalenceClasses(rows, [0, 1]);
        const risk = prosecutorRisk(classes, threshold);
        expect(risk.highest).toBeCloseTo(1 / kAnonymity(classes), 12);
        expect(risk.average).toBeCloseTo(classes.length / rows.length, 12);
        const atRisk = classes.filter((c) => c.size * threshold < 1).reduce((s, c) => s + c.size, 0);
        expect(risk.recordsAtRisk).toBe(atRisk);
      }),
    );
  });
});

describe('measureRisk', () => {
  it('reports every measure and lists the classes below the target, smallest first', () => {
    const report = measureRisk(equivalenceClasses([...ROWS, ['50', '남', '암']], [0, 1], 2), { targetK: 3 });
    expect(report).toMatchObject({ records: 6, classes: 3, k: 1, smallClassCount: 2, smallClassRecords: 3 });
    expect(report.smallClasses).toEqual([
      { key: ['50', '남'], size: 1 },
      { key: ['40', '여'], size: 2 },
    ]);
    expect(report.lDiversity).toEqual({ distinct: 1, entropy: 1 });
    expect(report.tCloseness?.scale).toBe('categorical');
    expect(measureRisk(equivalenceClasses(ROWS, [0, 1]), { targetK: 2 }).lDiversity).toBeUndefined();
  });
});
