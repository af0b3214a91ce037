import { describe, expect, it } from 'vitest';
import {
  applyContext,
  CONTEXT_BEFORE,
  contextEvidence,
  followedByUnit,
  isNumberedReference,
  nearestWordDistance,
  scoreInContext,
} from './context.js';

/** The span of `needle` in `text`, for readable tests. */
function span(text: string, needle: string): [number, number] {
  const start = text.indexOf(needle);
  if (start < 0) throw new Error(`${needle} not in ${text}`);
  return [start, start + needle.length];
}

describe('contextEvidence', () => {
  it('finds Korean and English words naming the type on either side', () => {
    const cases: Array<[string, string, Parameters<typeof contextEvidence>[3]]> = [
      ['주민번호는 900101-1234568입니다', '900101-1234568', 'KR_RRN'],
      ['생년월일 900101-1234568', '900101-1234568', 'KR_RRN'],
      ['H.P 010-1234-5678', '010-1234-5678', 'PHONE'],
      ['010-1234-5678 (핸드폰)', '010-1234-5678', 'PHONE'],
      ['Phone: 010-1234-5678', '010-1234-5678', 'PHONE'],
      ['계좌번호 110-123-456789', '110-123-456789', 'BANK_ACCOUNT'],
      ['110-123-456789 신한은행으로 입금', '110-123-456789', 'BANK_ACCOUNT'],
      ['PASSPORT NO. M12345678', 'M12345678', 'KR_PASSPORT'],
      ['접속 IP 10.0.0.1', '10.0.0.1', 'IP_ADDRESS'],
    ];
    for (const [text, needle, type] of cases) expect(contextEvidence(text, ...span(text, needle), type), text).toBe('positive');
  });

  it('finds words that say the number is something else', () => {
    expect(contextEvidence('주문번호 900101-1234568', 5, 19, 'KR_RRN')).toBe('negative');
    expect(contextEvidence('운송장 1234-5678-9012', 4, 18, 'BANK_ACCOUNT')).toBe('negative');
    expect(contextEvidence('모델명 M12345678', 4, 13, 'KR_PASSPORT')).toBe('negative');
  });

  it('lets the nearest word decide when both kinds are near', () => {
    const text = '주문 금액 50,000원 입금계좌 123-456-789012';
    expect(contextEvidence(text, ...span(text, '123-456-789012'), 'BANK_ACCOUNT')).toBe('positive');
    const other = '계좌 안내와 별개로 주문번호 123-456-789012';
    expect(contextEvidence(other, ...span(other, '123-456-789012'), 'BANK_ACCOUNT')).toBe('negative');
  });

  it('looks only within the window', () => {
    const far = `주민번호 ${'가'.repeat(CONTEXT_BEFORE)} 900101-1234568`;
    expect(contextEvidence(far, ...span(far, '900101-1234568'), 'KR_RRN')).toBe('none');
    const near = `주민번호 ${'가'.repeat(CONTEXT_BEFORE - 10)} 900101-1234568`;
    expect(contextEvidence(near, ...span(near, '900101-1234568'), 'KR_RRN')).toBe('positive');
    expect(contextEvidence('900101-1234568', 0, 14, 'KR_RRN', { before: 0, after: 0 })).toBe('none');
  });
});

describe('scores', () => {
  it('raises with positive context, lowers with negative, keeps otherwise, and stays in [0, 1]', () => {
    for (const base of [0, 0.1, 0.3, 0.5, 0.9, 1]) {
      const up = applyContext(base, 'positive');
      const down = applyContext(base, 'negative');
      expect(up).toBeGreaterThanOrEqual(base);
      expect(up).toBeLessThanOrEqual(1);
      expect(down).toBeLessThanOrEqual(base);
      expect(down).toBeGreaterThanOrEqual(0);
      expect(applyContext(base, 'none')).toBe(base);
    }
    expect(applyContext(0.3, 'positive')).toBeGreaterThan(0.5);
    expect(applyContext(0.95, 'negative')).toBeLessThan(0.5);
  });

  it('can ignore negative words for shapes that need no help', () => {
    const text = '가격 문의 010-1234-5678';
    expect(scoreInContext(text, 6, 19, 'PHONE', 0.9)).toBeLessThan(0.5);
    expect(scoreInContext(text, 6, 19, 'PHONE', 0.9, { ignoreNegative: true })).toBe(0.9);
  });
});

describe('numbers in other roles', () => {
  it('sees units after a number', () => {
    expect(followedByUnit('1600-1700년대', 9)).toBe(true);
    expect(followedByUnit('1588-1234 원', 9)).toBe(true);
    expect(followedByUnit('010-1234-5678로', 13)).toBe(false);
    expect(followedByUnit('900101-1234568입니다', 14)).toBe(false);
  });

  it('sees statute and document references', () => {
    expect(isNumberedReference('법률 제12345호', 4, 9)).toBe(true);
    expect(isNumberedReference('제 2024-17 호', 2, 9)).toBe(true);
    expect(isNumberedReference('제3조 제1항', 1, 2)).toBe(true);
    expect(isNumberedReference('번호 12345호', 3, 8)).toBe(false);
  });
});

describe('context across lines and fields', () => {
  it('does not take the first syllable of the next line or word for a unit', () => {
    expect(followedByUnit('주민등록번호: 851203-1234565\n건강보험 자격 확인', 27)).toBe(false);
    expect(followedByUnit('계좌 123-456789-01234 명의 변경', 18)).toBe(false);
    expect(followedByUnit('할인가 1588-1234 원', 13)).toBe(true);
  });

  it('ends the window after a candidate at the line break', () => {
    const text = '연락처 없음 010-1234-5678\n주문번호 기재';
    expect(contextEvidence(text, ...span(text, '010-1234-5678'), 'PHONE')).toBe('positive');
    const card = '자동이체 4222222222222\n카드 결제 안내';
    expect(contextEvidence(card, ...span(card, '4222222222222'), 'CREDIT_CARD')).toBe('none');
  });

  it('lets a word before the number outweigh a label of the next field after it', () => {
    const text = '환불 계좌 새마을금고 9002-1234-5678-9. 운송장번호 123456789012';
    expect(contextEvidence(text, ...span(text, '9002-1234-5678-9'), 'BANK_ACCOUNT')).toBe('positive');
  });

  it('measures the distance to the nearest word, doubled after the candidate', () => {
    const text = '법인등록번호 110114-7000017 (법인)';
    const [start, end] = span(text, '110114-7000017');
    expect(nearestWordDistance(text, start, end, /법인/g)).toBe(5);
    expect(nearestWordDistance(text, start, end, /주민/g)).toBe(Infinity);
    expect(nearestWordDistance('110114-7000017 (법인)', 0, 14, /법인/g)).toBe(5);
  });
});
