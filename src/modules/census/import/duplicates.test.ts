import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseTitle } from '../census.form.js';
import { DuplicateIndex, likelyDuplicateTitles, withinEdits } from './duplicates.js';

/** Titles from a small alphabet, so that near-identical ones come up often. */
const title = fc.oneof(
  fc.string({ unit: fc.constantFrom('가', '나', '다', '정', '보', 'a', 'b', '1', ' ', '_', '-'), minLength: 1, maxLength: 14 }),
  fc.constantFrom(
    '서울특별시_응급실 위치 정보',
    '응급실 위치정보',
    '응급실위치 정보(서울)',
    '2021년 교통사고 현황',
    '2022년 교통사고 현황',
  ),
);
const separators = fc.constantFrom(' ', '  ', '\t', '_', '-', '·', '(', ')', '.', ',', '「', '」');

describe('normaliseTitle (laws)', () => {
  it('is idempotent', () => {
    fc.assert(fc.property(fc.string(), (t) => normaliseTitle(normaliseTitle(t)) === normaliseTitle(t)));
  });

  it('ignores spaces and punctuation inserted anywhere', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('가', '나', 'a', 'B', '1', '한', '글'), maxLength: 20 }),
        fc.array(fc.tuple(fc.nat(20), separators)),
        (t, inserts) => {
          let noisy = t;
          for (const [at, sep] of inserts) noisy = noisy.slice(0, at % (noisy.length + 1)) + sep + noisy.slice(at % (noisy.length + 1));
          expect(normaliseTitle(noisy)).toBe(normaliseTitle(t));
        },
      ),
    );
  });

  it('ignores letter case and Unicode normalisation form', () => {
    fc.assert(fc.property(fc.string(), (t) => normaliseTitle(t.toUpperCase().toLowerCase()) === normaliseTitle(t.toLowerCase())));
    expect(normaliseTitle('Open API 한글'.normalize('NFD'))).toBe(normaliseTitle('open api 한글'));
  });

  it("drops the agency's name prefix", () => {
    expect(normaliseTitle('서울특별시_응급실 위치 정보', '서울특별시')).toBe(normaliseTitle('응급실위치정보'));
  });
});

describe('likelyDuplicateTitles', () => {
  it('is symmetric and reflexive', () => {
    fc.assert(
      fc.property(title, title, (a, b) => {
        const na = normaliseTitle(a);
        const nb = normaliseTitle(b);
        expect(likelyDuplicateTitles(na, nb)).toBe(likelyDuplicateTitles(nb, na));
        if (na !== '') expect(likelyDuplicateTitles(na, na)).toBe(true);
      }),
    );
  });

  it('flags the same and near-identical titles, not members of a dated series nor titles a word apart', () => {
    const n = (t: string) => normaliseTitle(t);
    expect(likelyDuplicateTitles(n('응급실 위치 정보 조회 서비스'), n('응급실 위치정보 조회서비스 '))).toBe(true);
    expect(likelyDuplicateTitles(n('전국 사업소 연락처 서비스(신)'), n('전국 사업소 연락처 서비스'))).toBe(true);
    expect(likelyDuplicateTitles(n('2021년 교통사고 현황'), n('2022년 교통사고 현황'))).toBe(false);
    expect(likelyDuplicateTitles(n('유출부하량 조사: 새만금, 골지천 유역(Ⅲ)'), n('유출부하량 조사: 새만금, 골지천 유역(Ⅱ)'))).toBe(false);
    expect(likelyDuplicateTitles(n('대구_지하철_환승정보'), n('부산_지하철_환승정보'))).toBe(false);
    expect(likelyDuplicateTitles(n('서울시 주차장 정보'), n('부산시 관광지 정보'))).toBe(false);
  });

  it('applies the edit-distance rule only when asked, and only to long titles', () => {
    const n = (t: string) => normaliseTitle(t);
    const edits = { maxEdits: 2 };
    expect(likelyDuplicateTitles(n('전국 버스정류장 위치정보'), n('전국 버스정류소 위치정보'))).toBe(false);
    expect(likelyDuplicateTitles(n('전국 버스정류장 위치정보'), n('전국 버스정류소 위치정보'), edits)).toBe(true);
    expect(likelyDuplicateTitles(n('대기오염'), n('수질오염'), edits)).toBe(false);
    expect(likelyDuplicateTitles(n('2021년 교통사고 현황'), n('2022년 교통사고 현황'), edits)).toBe(false);
  });

  it('bounds edit distance correctly (against a full dynamic programme)', () => {
    const distance = (a: string, b: string) => {
      const d = Array.from({ length: a.length + 1 }, (_, i) =>
        Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
      );
      for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++)
          d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
      return d[a.length]![b.length]!;
    };
    const s = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 9 });
    fc.assert(
      fc.property(s, s, fc.nat(3), (a, b, k) => withinEdits(a, b, k) === distance(a, b) <= k),
      { numRuns: 2000 },
    );
  });
});

describe('DuplicateIndex', () => {
  it('finds exactly what comparing with every earlier title of the agency finds, under any rules', () => {
    const rules = fc.record({
      minJaccard: fc.constantFrom(0.5, 0.75, 0.9, 1, Infinity),
      maxEdits: fc.constantFrom(0, 1, 2),
      minEditLength: fc.constantFrom(1, 4, 8),
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('A', 'B'), title), { maxLength: 40 }), rules, (entries, r) => {
        const index = new DuplicateIndex(r);
        entries.forEach(([agency, t], i) => {
          const expected = entries
            .slice(0, i)
            .map(([a, earlier], j) => ({ a, earlier, id: `e${j}` }))
            .filter(
              ({ a, earlier }) =>
                a === agency &&
                (normaliseTitle(earlier) === '' || normaliseTitle(t) === ''
                  ? earlier.trim() === t.trim()
                  : likelyDuplicateTitles(normaliseTitle(earlier), normaliseTitle(t), r)),
            )
            .map(({ id }) => id);
          expect(index.add(agency, `e${i}`, t).sort()).toEqual(expected.sort());
        });
        expect(index.size).toBe(entries.length);
      }),
      { numRuns: 300 },
    );
  });

  it('flags pairs the same way whichever comes first', () => {
    fc.assert(
      fc.property(title, title, (a, b) => {
        const first = new DuplicateIndex();
        first.add('X', 'a', a);
        const second = new DuplicateIndex();
        second.add('X', 'b', b);
        expect(first.add('X', 'b', b).length).toBe(second.add('X', 'a', a).length);
      }),
    );
  });

  it('never flags titles of different agencies', () => {
    fc.assert(
      fc.property(title, (t) => {
        const index = new DuplicateIndex();
        index.add('X', 'a', t);
        expect(index.add('Y', 'b', t)).toEqual([]);
      }),
    );
  });

  it('strips the agency prefix data.go.kr puts on titles', () => {
    const index = new DuplicateIndex();
    index.add('6110000', '1', '서울특별시_응급실 위치 정보', '서울특별시');
    expect(index.add('6110000', '2', '응급실 위치정보', '서울특별시')).toEqual(['1']);
  });

  it('finds planted duplicates among thousands of similar titles of one agency', () => {
    const index = new DuplicateIndex();
    const words = ['교통', '사고', '현황', '정보', '서비스', '위치', '조회', '통계', '버스', '노선', '주차장', '관광', '환경', '대기'];
    const titles: string[] = [];
    for (let i = 0; titles.length < 3_000; i++) {
      titles.push(Array.from({ length: 4 }, (_, k) => words[Math.floor(i / words.length ** k) % words.length]).join(' ') + ' 자료 목록');
    }
    titles.forEach((t, i) => index.add('X', `t${i}`, t));
    const planted = [10, 999, 2345].map((i) => index.add('X', `copy${i}`, `「${titles[i]!.replace(/ /g, '')}」`));
    expect(planted.map((ids, k) => ids.includes(`t${[10, 999, 2345][k]}`))).toEqual([true, true, true]);
    index.add('X', 'long', '전국 사업소 연락처 안내 서비스');
    expect(index.add('X', 'long2', '전국 사업소 연락처 안내 서비스(신)')).toEqual(['long']);
    expect(index.size).toBe(3_005);
  });
});
