import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectEntities } from '../detect.js';
import { findPhones } from './phone.js';

function phones(text: string): string[] {
  return detectEntities(text, { types: ['PHONE'] }).map((e) => text.slice(e.start, e.end));
}

describe('PHONE', () => {
  it('finds mobiles, Seoul and regional numbers, 070, safe numbers, with particles after', () => {
    expect(phones('연락처 010-1234-5678로 연락 주세요')).toEqual(['010-1234-5678']);
    expect(phones('휴대폰 011-123-4567, 016 1234 5678, 019.123.4567')).toEqual(['011-123-4567', '016 1234 5678', '019.123.4567']);
    expect(phones('사무실 02-123-4567이나 02-1234-5678으로')).toEqual(['02-123-4567', '02-1234-5678']);
    expect(phones('본점 031-123-4567, 지점 064-1234-5678')).toEqual(['031-123-4567', '064-1234-5678']);
    expect(phones('인터넷전화 070-1234-5678, 안심번호 0504-1234-5678')).toEqual(['070-1234-5678', '0504-1234-5678']);
    expect(phones('H.P:01012345678 / 전화 0212345678')).toEqual(['01012345678', '0212345678']);
  });

  it('finds parenthesised area codes, +82 forms and company numbers', () => {
    expect(phones('대표 (02) 123-4567, 팩스 02)123-4568')).toEqual(['(02) 123-4567', '02)123-4568']);
    expect(phones('Tel +82-10-1234-5678 or +82 (0)2 123 4567')).toEqual(['+82-10-1234-5678', '+82 (0)2 123 4567']);
    expect(phones('고객센터 1588-1234로 문의')).toEqual(['1588-1234']);
  });

  it('finds mobiles spelled in Korean digit words, and not ordinary words', () => {
    expect(phones('번호는 공일공-일이삼사-오육칠팔이에요')).toEqual(['공일공-일이삼사-오육칠팔']);
    expect(phones('연락 공일공 구팔칠육 오사삼이로')).toEqual(['공일공 구팔칠육 오사삼이']);
    expect(phones('공일이 삼사오 육칠팔 구일이삼 모임, 이사 오일 삼일')).toEqual([]);
  });

  it('maps full-width digits and odd dashes back to the original', () => {
    const text = '전화：０１０‐１２３４‐５６７８번';
    expect(phones(text)).toEqual(['０１０‐１２３４‐５６７８']);
    const zw = '010\u200b-1234-5678';
    expect(phones(zw)).toEqual([zw]);
  });

  it('checks lengths per prefix', () => {
    expect(findPhones('010-123-4567')).toEqual([]); // 010 always has four digits in the middle
    expect(findPhones('070-123-4567')).toEqual([]);
    expect(findPhones('010-1234-56789')).toEqual([]);
    expect(findPhones('1010-1234-5678')).toEqual([]);
    expect(findPhones('099-1234-5678')).toEqual([]); // no such area code
  });

  it('keeps separated numbers next to commercial words, drops bare digits there', () => {
    expect(phones('가격 문의 010-1234-5678')).toEqual(['010-1234-5678']);
    expect(phones('주문번호 0212345678')).toEqual([]);
  });

  it('ignores dates, amounts, year ranges and versions', () => {
    expect(phones('2024-05-01 02:30, 금액 1,588,000원, 1800-1900년대, v10.0.1234, 02.12.2024')).toEqual([]);
  });

  it('law: every well-formed mobile number is found whole, in any separator style', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('010', '011', '016', '017', '018', '019'),
        fc.stringMatching(/^[1-9]\d{3}$/),
        fc.stringMatching(/^\d{4}$/),
        fc.constantFrom('-', ' ', '.', ''),
        fc.constantFrom('로', '입니다', ',', ''),
        (prefix, middle, last, sep, after) => {
          const number = `${prefix}${sep}${middle}${sep}${last}`;
          expect(phones(`연락처는 ${number}${after} 부탁`)).toEqual([number]);
        },
      ),
    );
  });
});

describe('PHONE in delivery notes and old contact lists', () => {
  it('keeps a number whose next line begins with 배 (배송지) or another unit-like syllable', () => {
    const note = '받는 분 이서연 010-2345-6789\n배송지: 서울 마포구 월드컵북로 12\n주문자 / 02.555.1234\n배송 희망일 모레';
    expect(phones(note)).toEqual(['010-2345-6789', '02.555.1234']);
    expect(phones('기사님 070 4123 5678\n명절 전 도착 부탁')).toEqual(['070 4123 5678']);
  });

  it('takes +82 mobiles with a three-digit middle part (numbers moved from 011-123-4567)', () => {
    expect(phones('연락은 +82 10-123-4567 또는 메일로')).toEqual(['+82 10-123-4567']);
  });

  it('still drops a number followed by a unit on the same line', () => {
    expect(phones('할인가 1588-1234 원, 1600-1700년대 유물')).toEqual([]);
  });
});

describe('PHONE: a bare 010 number', () => {
  it('stays a phone next to words that lower other numbers (금액, 주문번호)', () => {
    expect(phones('결제 금액 79,400원\n\n보내는 분 손주원 01069981488')).toEqual(['01069981488']);
  });
});

describe('PHONE: safe numbers and internet phones', () => {
  it('reads 0507-… after 운송장번호 as the tracking number it is, and 070 with eight digits as a phone anywhere', () => {
    expect(phones('운송장번호 0507-1234-5678 / 주문번호 20240101-12')).toEqual([]);
    expect(phones('안심번호 0507-1234-5678로 연락 주세요')).toEqual(['0507-1234-5678']);
    expect(phones('잔금 금 300,000원정\n\n보내는 분 박서준 07045065631')).toEqual(['07045065631']);
  });
});
