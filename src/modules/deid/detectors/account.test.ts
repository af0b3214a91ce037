import { describe, expect, it } from 'vitest';
import { detectEntities } from '../detect.js';
import { findAccounts } from './account.js';

function accounts(text: string): string[] {
  return detectEntities(text, { types: ['BANK_ACCOUNT'] }).map((e) => text.slice(e.start, e.end));
}

describe('BANK_ACCOUNT', () => {
  it('finds bank formats near account words and bank names', () => {
    expect(accounts('입금 계좌 110-123-456789 (신한)')).toEqual(['110-123-456789']);
    expect(accounts('국민은행 123456-01-123456으로 송금')).toEqual(['123456-01-123456']);
    expect(accounts('카카오뱅크 3333-01-1234567 예금주 홍길동')).toEqual(['3333-01-1234567']);
    expect(accounts('농협 301-1234-5678-11로 이체')).toEqual(['301-1234-5678-11']);
    expect(accounts('계좌번호: 1002123456789')).toEqual(['1002123456789']);
  });

  it('maps odd dashes back to the original', () => {
    const text = '입금계좌 110—123—456789';
    expect(accounts(text)).toEqual(['110—123—456789']);
  });

  it('stays under the threshold without context, and lists the candidate with a low score', () => {
    expect(accounts('번호 110-123-456789 참고')).toEqual([]);
    const [weak] = findAccounts('번호 110-123-456789 참고');
    expect(weak!.score).toBeLessThan(0.5);
  });

  it('ignores dates, short numbers, tracking numbers and amounts', () => {
    expect(accounts('계좌 개설일 2024-05-01, 입금액 1,234,000원')).toEqual([]);
    expect(accounts('운송장번호 6012-3456-7890 배송 조회, 입금 확인은 별도')).toEqual([]);
    expect(findAccounts('12-345 2024-05-01-12')).toEqual([]);
  });
});

describe('BANK_ACCOUNT next to other fields', () => {
  it('keeps the account when the next field is labelled with a word that names something else', () => {
    expect(accounts('환불 계좌 새마을금고 9002-1234-5678-9. 운송장번호 123456789012 확인 바람')).toEqual(['9002-1234-5678-9']);
    // 명 of the holder's name after a space is not the counter 명.
    expect(accounts('판매자: 하나 계좌 123-456789-01234 명하준입니다')).toEqual(['123-456789-01234']);
  });
});
