import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attributeSpread, countAttributes, imbalanceRatio, labelBalance, normalizedEntropy } from './diversity.js';

describe('normalizedEntropy', () => {
  it('is 1 for a uniform distribution (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 50 }), fc.integer({ min: 1, max: 10_000 }), (classes, each) => {
        expect(normalizedEntropy(Array(classes).fill(each))).toBeCloseTo(1, 12);
      }),
    );
  });

  it('is 0 when one class has everything (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 1e6 }), fc.nat(), (classes, count, at) => {
        const counts = Array(classes).fill(0);
        counts[at % classes] = count;
        expect(normalizedEntropy(counts)).toBe(0);
      }),
    );
  });

  it('does not depend on the order of the classes and stays within 0..1 (property)', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.nat({ max: 1000 }), { minLength: 2, maxLength: 30 })
          .filter((c) => c.some((x) => x > 0))
          .chain((c) => fc.tuple(fc.constant(c), fc.shuffledSubarray(c, { minLength: c.length, maxLength: c.length }))),
        ([counts, shuffled]) => {
          const h = normalizedEntropy(counts)!;
          expect(normalizedEntropy(shuffled)).toBeCloseTo(h, 12);
          expect(h).toBeGreaterThanOrEqual(0);
          expect(h).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('matches a hand computation and refuses negative counts', () => {
    // 70/30: −(0.7 ln 0.7 + 0.3 ln 0.3) / ln 2 = 0.8812908992
    expect(normalizedEntropy([70, 30])).toBeCloseTo(0.8812908992, 9);
    expect(normalizedEntropy([])).toBeNull();
    expect(normalizedEntropy([0, 0])).toBeNull();
    expect(() => normalizedEntropy([1, -1])).toThrow(/negative/);
  });
});

describe('label balance', () => {
  it('reports the ratio, the majority and the minority, counting expected labels never seen', () => {
    expect(imbalanceRatio([900, 100])).toBe(9);
    const balance = labelBalance({ 긍정: 700, 부정: 300 });
    expect(balance).toMatchObject({ classes: 2, total: 1000, imbalanceRatio: 700 / 300, majority: { label: '긍정', count: 700 } });
    expect(balance.entropy).toBeCloseTo(0.8812908992, 9);
    const withMissing = labelBalance({ 긍정: 700, 부정: 300 }, ['긍정', '부정', '중립']);
    expect(withMissing.classes).toBe(3);
    expect(withMissing.imbalanceRatio).toBe(Infinity);
    expect(withMissing.minority).toEqual({ label: '중립', count: 0 });
    expect(withMissing.entropy!).toBeLessThan(balance.entropy!);
  });
});

describe('attribute spread', () => {
  it('measures coverage of declared values and lists the missing and unexpected ones', () => {
    const records = [
      { 지역: '서울특별시', 성별: '남', 연령대: '20대' },
      { 지역: '부산광역시', 성별: '여', 연령대: '30대' },
      { 지역: '서울', 성별: '여', 연령대: '' },
      { 지역: '서울특별시', 성별: null, 연령대: '20대' },
    ];
    const counts = countAttributes(records, ['지역', '성별', '연령대']);
    expect(counts).toEqual({ 지역: { 서울특별시: 2, 부산광역시: 1, 서울: 1 }, 성별: { 남: 1, 여: 2 }, 연령대: { '20대': 2, '30대': 1 } });
    const spread = attributeSpread(counts, { 지역: ['서울특별시', '부산광역시', '대구광역시'], 성별: ['남', '여'] });
    const region = spread.find((s) => s.attribute === '지역')!;
    expect(region.coverage).toBeCloseTo(2 / 3, 12);
    expect(region.missing).toEqual(['대구광역시']);
    expect(region.unexpected).toEqual(['서울']);
    // Entropy over the three declared regions with counts 2, 1, 0.
    expect(region.entropy).toBeCloseTo(normalizedEntropy([2, 1, 0])!, 12);
    const sex = spread.find((s) => s.attribute === '성별')!;
    expect(sex.coverage).toBe(1);
    expect(sex.entropy).toBeCloseTo(normalizedEntropy([1, 2])!, 12);
    const age = spread.find((s) => s.attribute === '연령대')!;
    expect(age.coverage).toBeNull();
    expect(age.entropy).toBeCloseTo(normalizedEntropy([2, 1])!, 12);
  });
});
