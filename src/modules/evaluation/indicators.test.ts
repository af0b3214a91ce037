import { describe, expect, it } from 'vitest';
import { aggregateDemand, statementWeight } from './demand.js';
import {
  entryIndicators,
  estimateCost,
  expertToPercent,
  personalInfoScore,
  qualityScore,
  volumeScore,
  weightedTotal,
} from './indicators.js';

describe('automatic indicators', () => {
  it('scores volume on a log scale, the largest measure counting, capped at 100', () => {
    expect(volumeScore({})).toBe(0);
    expect(volumeScore({ volumeRecords: 1_000_000 })).toBeCloseTo(66.67, 2);
    expect(volumeScore({ volumeRecords: 1e9 })).toBeCloseTo(100, 2);
    expect(volumeScore({ volumeRecords: 1e12 })).toBe(100);
    expect(volumeScore({ volumeBytes: 1e13 })).toBeCloseTo(100, 2);
    expect(volumeScore({ volumeRecords: 10, volumeFiles: 1e7 })).toBeCloseTo(100, 2);
    expect(volumeScore({ volumeHours: 1000 })).toBeCloseTo(60.01, 2);
  });

  it('maps readiness, scope of provision and personal information onto 0–100, higher better', () => {
    expect(entryIndicators({ readiness: 'ai_ready', provisionScope: 'open', personalInfo: 'none' }, null)).toEqual({
      volume: 0,
      readiness: 100,
      provision_scope: 100,
      personal_info_risk: 100,
      quality: null,
    });
    expect(entryIndicators({ readiness: 'raw', provisionScope: 'not_providable', personalInfo: 'identifiable' }, null)).toMatchObject({
      readiness: 30,
      provision_scope: 0,
      personal_info_risk: 20,
    });
    expect(personalInfoScore({ personalInfo: 'pseudonymised', sensitiveCategories: ['health', 'location'] })).toBe(40);
    expect(personalInfoScore({ personalInfo: 'identifiable', sensitiveCategories: ['a', 'b', 'c'] })).toBe(0);
    expect(personalInfoScore({})).toBe(0);
  });

  it('takes the mean of the measured refinery indicators as quality', () => {
    expect(qualityScore({ indicators: [{ value: 0.9 }, { value: 0.7 }, { value: null }] })).toBe(80);
    expect(qualityScore({ indicators: [{ value: null }] })).toBeNull();
    expect(qualityScore({})).toBeNull();
    expect(entryIndicators({}, { indicators: [{ value: 1 }] }).quality).toBe(100);
  });

  it('estimates a cost from volume, readiness and personal information, to the million won', () => {
    expect(estimateCost({})).toBe(50_000_000);
    expect(estimateCost({ volumeRecords: 1_000_000, readiness: 'raw', personalInfo: 'none' })).toBe(525_000_000);
    expect(estimateCost({ volumeRecords: 1e9, readiness: 'processed', personalInfo: 'identifiable' })).toBe(650_000_000);
  });

  it('maps expert scores 1–5 to 0–100 and weights values, missing ones as 0', () => {
    expect([1, 2, 3, 4, 5].map(expertToPercent)).toEqual([0, 25, 50, 75, 100]);
    expect(weightedTotal({ a: 80, b: null }, { a: 0.5, b: 0.5 })).toBe(40);
    expect(weightedTotal({ a: 80 }, { a: 0.25, c: 0.75 })).toBe(20);
  });
});

describe('demand aggregation', () => {
  it('weighs statements by urgency, ×1.5 with co-investment, shares a need among its matches, scales by the maximum', () => {
    expect(statementWeight({ urgency: 'low', coInvestKrw: 0 })).toBe(1);
    expect(statementWeight({ urgency: 'medium', coInvestKrw: 0 })).toBe(2);
    expect(statementWeight({ urgency: 'high', coInvestKrw: 5 })).toBe(4.5);
    const agg = aggregateDemand(
      ['a', 'b', 'c', 'd'],
      [
        { entryId: 'a', matched: [], urgency: 'high', coInvestKrw: 1 },
        { entryId: 'b', matched: [], urgency: 'medium', coInvestKrw: 0 },
        { entryId: null, matched: ['b', 'c'], urgency: 'medium', coInvestKrw: 0 },
        { entryId: 'zz', matched: [], urgency: 'high', coInvestKrw: 0 },
      ],
    );
    expect(agg.get('a')).toEqual({ raw: 4.5, statements: 1, score: 100 });
    expect(agg.get('b')).toEqual({ raw: 3, statements: 2, score: 66.67 });
    expect(agg.get('c')).toEqual({ raw: 1, statements: 1, score: 22.22 });
    expect(agg.get('d')).toEqual({ raw: 0, statements: 0, score: 0 });
    expect(aggregateDemand(['a'], []).get('a')!.score).toBe(0);
  });
});
