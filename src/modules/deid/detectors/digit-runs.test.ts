import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeText } from '../normalize.js';
import { digitRuns, digitRunsOfPlainText, execAt } from './digit-runs.js';

const PIECES = ['0', '7', '12', '345', '-', '.', ' ', '가', '번', 'a', '０', '·', '\u200b', '\n'];
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((p) => p.join(''));

describe('digitRuns', () => {
  it('lists every maximal run of ASCII digits with its length', () => {
    const runs = digitRuns('전화 010-1234-5678, 12가3456');
    expect([...runs.starts.slice(0, runs.count)]).toEqual([3, 7, 12, 18, 21]);
    expect([...runs.lengths.slice(0, runs.count)]).toEqual([3, 4, 4, 2, 4]);
    expect(runs.longest).toBe(4);
    expect(digitRuns('숫자 없음').count).toBe(0);
  });

  it('law: the runs are exactly the matches of /[0-9]+/g', () => {
    fc.assert(
      fc.property(text, (t) => {
        const runs = digitRuns(t);
        const expected = [...t.matchAll(/[0-9]+/g)].map((m) => [m.index, m[0].length]);
        const actual = Array.from({ length: runs.count }, (_, i) => [runs.starts[i], runs.lengths[i]]);
        expect(actual).toEqual(expected);
        expect(runs.longest).toBe(Math.max(0, ...expected.map(([, l]) => l!)));
      }),
    );
  });

  it('law: the plain-text scan gives up exactly when normalising would change the text', () => {
    fc.assert(
      fc.property(text, (t) => {
        const plain = digitRunsOfPlainText(t);
        expect(plain === null).toBe(normalizeText(t).text !== t);
        if (plain !== null) expect(plain).toEqual(digitRuns(t));
      }),
    );
  });

  it('tries a sticky pattern exactly at a position', () => {
    expect(execAt(/\d{3}/y, 'ab123', 2)?.[0]).toBe('123');
    expect(execAt(/\d{3}/y, 'ab123', 1)).toBeNull();
    expect(execAt(/\d{3}/y, 'ab123', -1)).toBeNull();
  });
});
