import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attributeSpread } from './diversity.js';
import {
  completeness,
  formatValidity,
  redundantRecords,
  ruleConformance,
  semanticAccuracy,
  statisticalDiversity,
  syntacticAccuracy,
  uniqueness,
} from './indicators.js';
import { clopperPearsonInterval, singleSamplingPlan } from './sampling.js';

describe('quality indicators', () => {
  it('completeness counts missing cells and missing referenced files', () => {
    const indicator = completeness({ cells: 1000, missingCells: 20, referencedFiles: 100, missingFiles: 2 });
    expect(indicator.value).toBeCloseTo(1 - 22 / 1100, 12);
    expect(indicator.name).toEqual({ ko: '완전성', en: 'Completeness' });
    expect(indicator.formula).toMatch(/1 − \(missing cells \+ missing referenced files\)/);
    expect(indicator.inputs).toEqual({ cells: 1000, missingCells: 20, referencedFiles: 100, missingFiles: 2 });
    expect(completeness({ cells: 0, missingCells: 0 }).value).toBeNull();
    expect(() => completeness({ cells: 10, missingCells: 11 })).toThrow(/cannot exceed/);
    expect(() => completeness({ cells: -1, missingCells: 0 })).toThrow(/≥ 0/);
  });

  it('format validity and syntactic accuracy are plain shares', () => {
    expect(formatValidity({ files: 200, parsedFiles: 198 }).value).toBe(0.99);
    expect(syntacticAccuracy({ records: 5000, validRecords: 4990 }).value).toBe(0.998);
    expect(syntacticAccuracy({ records: 0, validRecords: 0 }).value).toBeNull();
  });

  it('uniqueness keeps one record of each duplicate group', () => {
    const nearTexts = redundantRecords([
      [0, 4, 9],
      [2, 3],
    ]);
    expect(nearTexts).toBe(3);
    const indicator = uniqueness({ records: 100, exactDuplicates: 5, nearDuplicateTexts: nearTexts, nearDuplicateImages: 2 });
    expect(indicator.value).toBeCloseTo(0.9, 12);
    expect(() => uniqueness({ records: 3, exactDuplicates: 4 })).toThrow(/cannot exceed/);
  });

  it('statistical diversity averages label and attribute entropies', () => {
    const attributes = attributeSpread({ 성별: { 남: 50, 여: 50 }, 지역: { 서울: 100 } }, { 지역: ['서울', '부산'] });
    const indicator = statisticalDiversity({ labelCounts: { 긍정: 500, 부정: 500 }, attributes });
    // labels 1, 성별 1, 지역 0 (everything in one of two declared regions).
    expect(indicator.value).toBeCloseTo(2 / 3, 12);
    expect(indicator.inputs.attributes).toContainEqual({ attribute: '지역', entropy: 0, coverage: 0.5, missing: ['부산'] });
    expect(statisticalDiversity({}).value).toBeNull();
  });

  it('semantic accuracy carries the interval and the lot decision', () => {
    const plan = singleSamplingPlan({ lotSize: 1000, aql: 1.0 });
    const indicator = semanticAccuracy({ passed: 77, failed: 3, plan });
    expect(indicator.value).toBeCloseTo(77 / 80, 12);
    expect(indicator.inputs).toMatchObject({
      inspected: 80,
      lower: clopperPearsonInterval(77, 80).lower,
      lotAccepted: false,
      plan: { sampleSize: 80, acceptance: 2 },
    });
    expect(semanticAccuracy({ passed: 78, failed: 2, plan }).inputs.lotAccepted).toBe(true);
    expect(semanticAccuracy({ passed: 0, failed: 0 }).value).toBeNull();
  });

  it('rule conformance is the share of rule checks passed', () => {
    expect(ruleConformance({ results: [{ passed: true }, { passed: false }, { passed: true }, { passed: true }] })).toMatchObject({
      value: 0.75,
      inputs: { checks: 4, passed: 3, failed: 1 },
    });
    expect(ruleConformance({ results: [] }).value).toBeNull();
  });

  it('every share lies in 0..1 (property)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1e6 }), fc.nat({ max: 1e6 }), (a, b) => {
        const whole = Math.max(a, b);
        const part = Math.min(a, b);
        for (const indicator of [
          completeness({ cells: whole, missingCells: part }),
          formatValidity({ files: whole, parsedFiles: part }),
          syntacticAccuracy({ records: whole, validRecords: part }),
          uniqueness({ records: whole, exactDuplicates: part }),
        ]) {
          if (whole === 0) expect(indicator.value).toBeNull();
          else {
            expect(indicator.value).toBeGreaterThanOrEqual(0);
            expect(indicator.value).toBeLessThanOrEqual(1);
          }
        }
      }),
    );
  });
});
