import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFoldedCode, normalizeText } from './normalize.js';

/** Characters normalisation touches, mixed with ones it keeps. */
const TOUCHED = [
  '０',
  '９',
  'Ａ',
  'ｚ',
  '－',
  '＠',
  '—',
  '‐',
  '−',
  '․',
  '·',
  'ㆍ',
  '\u200b',
  '\u200d',
  '\ufeff',
  '\u00ad',
  '\u00a0',
  '\u3000',
];
const KEPT = ['0', '5', '9', '-', '.', ' ', '가', '힣', 'a', 'Z', '@', '😀'];
const mixedText = fc.array(fc.constantFrom(...TOUCHED, ...KEPT), { maxLength: 60 }).map((parts) => parts.join(''));

describe('normalizeText', () => {
  it('folds full-width digits and letters, odd dashes and dots, odd spaces; removes zero-width characters', () => {
    const n = normalizeText('０１０—１２３４\u200b－５６７８ Ｍ１２３ ９００１０１‐１２３４５６８ 서울ㆍ경기\u00a0a＠b．kr');
    expect(n.text).toBe('010-1234-5678 M123 900101-1234568 서울.경기 a@b.kr');
  });

  it('returns the same string and identity offsets when nothing needs folding', () => {
    const original = '연락처 010-1234-5678로';
    const n = normalizeText(original);
    expect(n.text).toBe(original);
    expect(n.toOriginalSpan(4, 17)).toEqual([4, 17]);
  });

  it('maps spans across removed zero-width characters back to the original', () => {
    const original = '전화\u200b 0\u200b10-1234-5678\u200b로';
    const n = normalizeText(original);
    const start = n.text.indexOf('010');
    const [s, e] = n.toOriginalSpan(start, start + 13);
    expect(original.slice(s, e)).toBe('0\u200b10-1234-5678');
    expect(n.toOriginal(n.text.length)).toBe(original.length);
  });

  it('law: a mapped span covers exactly the characters that normalise to the span', () => {
    fc.assert(
      fc.property(mixedText, fc.nat(), fc.nat(), (original, a, b) => {
        const n = normalizeText(original);
        const len = n.text.length;
        const start = len === 0 ? 0 : a % (len + 1);
        const end = start + (len - start === 0 ? 0 : b % (len - start + 1));
        const [s, e] = n.toOriginalSpan(start, end);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(e).toBeLessThanOrEqual(original.length);
        expect(normalizeText(original.slice(s, e)).text).toBe(n.text.slice(start, end));
      }),
    );
  });

  it('law: normalising is idempotent and never lengthens the text', () => {
    fc.assert(
      fc.property(mixedText, (original) => {
        const once = normalizeText(original).text;
        expect(normalizeText(once).text).toBe(once);
        expect(once.length).toBeLessThanOrEqual(original.length);
      }),
    );
  });
});

describe('isFoldedCode', () => {
  it('agrees with normalizeText on every character it is asked about', () => {
    for (const c of [...TOUCHED, ...KEPT]) {
      const code = c.charCodeAt(0);
      expect(isFoldedCode(code), c).toBe(normalizeText(c).text !== c);
    }
  });
});
