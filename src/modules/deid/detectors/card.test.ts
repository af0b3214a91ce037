import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectEntities } from '../detect.js';
import { findCards, isKnownIssuer, isLuhnValid } from './card.js';

function cards(text: string): string[] {
  return detectEntities(text, { types: ['CREDIT_CARD'] }).map((e) => text.slice(e.start, e.end));
}

/** Appends the Luhn check digit to a digit string. */
function withLuhn(body: string): string {
  for (let d = 0; d < 10; d++) if (isLuhnValid(`${body}${d}`)) return `${body}${d}`;
  throw new Error('unreachable');
}

describe('CREDIT_CARD', () => {
  it('checks Luhn and issuer ranges', () => {
    expect(isLuhnValid('4111111111111111')).toBe(true);
    expect(isLuhnValid('4111111111111112')).toBe(false);
    expect(isKnownIssuer('4111111111111111')).toBe(true);
    expect(isKnownIssuer('378282246310005')).toBe(true);
    expect(isKnownIssuer('2221000000000009')).toBe(true);
    expect(isKnownIssuer('1234567812345670')).toBe(false);
  });

  it('finds grouped and contiguous card numbers in sentences', () => {
    expect(cards('카드번호 4111-1111-1111-1111로 결제')).toEqual(['4111-1111-1111-1111']);
    expect(cards('카드 5500 0000 0000 0004 (마스터)')).toEqual(['5500 0000 0000 0004']);
    expect(cards('AMEX 3782-822463-10005 사용')).toEqual(['3782-822463-10005']);
    expect(cards('결제카드 4111111111111111입니다')).toEqual(['4111111111111111']);
    const wide = '카드 ４１１１－１１１１－１１１１－１１１１';
    expect(cards(wide)).toEqual(['４１１１－１１１１－１１１１－１１１１']);
  });

  it('drops Luhn failures, unknown issuers without context, and order numbers', () => {
    expect(findCards('4111-1111-1111-1112')).toEqual([]);
    expect(cards('번호 1234567812345670')).toEqual([]);
    expect(cards('주문번호 4111111111111111')).toEqual([]);
    expect(cards('4111-1111 1111-1111')).toEqual([]); // mixed separators are not a printed card
  });

  it('law: every Luhn-valid number of a known network is found, grouped or not', () => {
    const card = fc
      .tuple(fc.constantFrom('4', '51', '52', '53', '54', '55', '2221', '2720', '62', '6011', '3528', '94'), fc.stringMatching(/^\d{14}$/))
      .map(([iin, rest]) => withLuhn(`${iin}${rest}`.slice(0, 15)));
    fc.assert(
      fc.property(card, fc.constantFrom('-', ' ', ''), fc.constantFrom('로', '입니다', ' 결제', ''), (digits, sep, after) => {
        const printed = sep === '' ? digits : digits.match(/\d{4}/g)!.join(sep);
        expect(cards(`결제 카드 ${printed}${after}`)).toEqual([printed]);
        expect(cards(`${printed}${after}`)).toEqual([printed]);
      }),
    );
  });
});

describe('CREDIT_CARD beside a bank account', () => {
  it('leaves 13 bare digits after an account word to BANK_ACCOUNT, even with 카드 on the next line', () => {
    // 4222222222222 is a Luhn-valid 13-digit Visa number.
    const text = '자동이체 출금 계좌: 부산은행 4222222222222\n카드 결제는 다음 달부터 가능합니다';
    expect(cards(text)).toEqual([]);
    expect(detectEntities(text, { types: ['CREDIT_CARD', 'BANK_ACCOUNT'] }).map((e) => e.type)).toEqual(['BANK_ACCOUNT']);
    expect(cards('결제 카드 4222222222222로 승인')).toEqual(['4222222222222']);
  });
});
