import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENTITY_TYPES } from './entities.js';
import { addMatching, emptyCounts, matchEntities, normalizeSpan, scoreAll, scoreCounts, scoreEntities, type Span } from './evaluation.js';

const span = (type: Span['type'], start: number, end: number): Span => ({ type, start, end });

const spans = fc.array(
  fc
    .tuple(fc.constantFrom(...ENTITY_TYPES.slice(0, 4)), fc.nat(40), fc.integer({ min: 1, max: 8 }))
    .map(([type, start, length]) => span(type, start, start + length)),
  { maxLength: 12 },
);
const text = fc.string({ unit: fc.constantFrom('가', '나', ' ', '님', '은', '1', '-', '(', ')', '씨'), minLength: 60, maxLength: 60 });
const modes = fc.constantFrom('exact' as const, 'lenient' as const, 'overlap' as const);

describe('scoreCounts', () => {
  it('computes precision, recall and F1, and 1 for a ratio with nothing to count', () => {
    expect(scoreCounts({ tp: 8, fp: 2, fn: 8 })).toEqual({ tp: 8, fp: 2, fn: 8, precision: 0.8, recall: 0.5, f1: 2 * (0.4 / 1.3) });
    expect(scoreCounts({ tp: 0, fp: 0, fn: 0 })).toMatchObject({ precision: 1, recall: 1, f1: 1 });
    expect(scoreCounts({ tp: 0, fp: 3, fn: 2 })).toMatchObject({ precision: 0, recall: 0, f1: 0 });
  });
});

describe('matchEntities', () => {
  it('exact needs the same type and the same offsets', () => {
    const gold = [span('PHONE', 4, 17), span('EMAIL', 20, 30)];
    const predicted = [span('PHONE', 4, 17), span('EMAIL', 20, 29), span('PERSON', 0, 3)];
    const m = matchEntities(gold, predicted);
    expect(m.matched).toEqual([{ gold: gold[0], predicted: predicted[0] }]);
    expect(m.missed).toEqual([gold[1]]);
    expect(m.spurious).toEqual([predicted[1], predicted[2]]);
  });

  it('lenient forgives particles, honorifics, whitespace and brackets but not a missing part', () => {
    const t = '담당 김민수님께서 (010-1234-5678) 확인';
    const name = span('PERSON', 3, 6);
    const phone = span('PHONE', 11, 24);
    expect(t.slice(name.start, name.end)).toBe('김민수');
    expect(t.slice(phone.start, phone.end)).toBe('010-1234-5678');
    const predicted = [span('PERSON', 3, 9), span('PHONE', 10, 25)];
    expect(matchEntities([name, phone], predicted, { match: 'lenient', text: t }).matched).toHaveLength(2);
    expect(matchEntities([name, phone], predicted, { match: 'exact', text: t }).matched).toHaveLength(0);
    const cut = [span('PHONE', 11, 19)];
    expect(matchEntities([phone], cut, { match: 'lenient', text: t }).matched).toHaveLength(0);
    expect(matchEntities([phone], cut, { match: 'overlap' }).matched).toHaveLength(1);
  });

  it('never pairs one span twice', () => {
    const gold = [span('PERSON', 0, 3), span('PERSON', 0, 3)];
    const m = matchEntities(gold, [span('PERSON', 0, 3)], { match: 'overlap' });
    expect(m.matched).toHaveLength(1);
    expect(m.missed).toHaveLength(1);
  });
});

describe('normalizeSpan', () => {
  it('cuts a trailing honorific and particle but keeps at least two characters', () => {
    const t = '이은 님은';
    expect(normalizeSpan('김민수 고객님께서', span('PERSON', 0, 9))).toMatchObject({ start: 0, end: 3 });
    expect(normalizeSpan(t, span('PERSON', 0, 2))).toMatchObject({ start: 0, end: 2 });
  });
});

describe('laws', () => {
  it('counts add up: tp + fn = gold and tp + fp = predicted, per type', () => {
    fc.assert(
      fc.property(spans, spans, modes, text, (gold, predicted, match, t) => {
        const score = scoreEntities(gold, predicted, { match, text: t });
        for (const type of ENTITY_TYPES) {
          const s = score.byType[type];
          expect(s.tp + s.fn).toBe(gold.filter((g) => g.type === type).length);
          expect(s.tp + s.fp).toBe(predicted.filter((p) => p.type === type).length);
        }
      }),
    );
  });

  it('a prediction equal to the labels scores 1 in every mode', () => {
    fc.assert(
      fc.property(spans, modes, text, (gold, match, t) => {
        const score = scoreEntities(gold, [...gold].reverse(), { match, text: t });
        expect(score.micro.precision).toBe(1);
        expect(score.micro.recall).toBe(1);
      }),
    );
  });

  it('exact ≤ lenient ≤ overlap in true positives', () => {
    fc.assert(
      fc.property(spans, spans, text, (gold, predicted, t) => {
        const tp = (match: 'exact' | 'lenient' | 'overlap') => scoreEntities(gold, predicted, { match, text: t }).micro.tp;
        expect(tp('exact')).toBeLessThanOrEqual(tp('lenient'));
        // Lenient can pair spans that touch only through trimmed characters; overlap pairs by
        // shared characters, so the law holds for spans that survive normalisation unchanged.
        if (gold.every((g) => normalizeSpan(t, g) === g) && predicted.every((p) => normalizeSpan(t, p) === p))
          expect(tp('lenient')).toBeLessThanOrEqual(tp('overlap'));
      }),
    );
  });

  it('swapping labels and predictions swaps precision and recall', () => {
    fc.assert(
      fc.property(spans, spans, modes, text, (gold, predicted, match, t) => {
        const a = scoreEntities(gold, predicted, { match, text: t }).micro;
        const b = scoreEntities(predicted, gold, { match, text: t }).micro;
        expect(b.precision).toBeCloseTo(a.recall, 12);
        expect(b.recall).toBeCloseTo(a.precision, 12);
      }),
    );
  });

  it('summing documents one by one gives the counts of scoring each and adding', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(spans, spans), { maxLength: 5 }), (docs) => {
        const counts = emptyCounts();
        let tp = 0;
        for (const [g, p] of docs) {
          addMatching(counts, matchEntities(g, p));
          tp += scoreEntities(g, p).micro.tp;
        }
        expect(scoreAll(counts).micro.tp).toBe(tp);
      }),
    );
  });
});
