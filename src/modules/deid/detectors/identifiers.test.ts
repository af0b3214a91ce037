import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectEntities } from '../detect.js';
import type { EntityType } from '../entities.js';
import {
  findBusinessNumbers,
  findDriverLicenses,
  findHealthInsuranceNumbers,
  findPassports,
  findResidentAndCorporateNumbers,
  isValidBrnChecksum,
  isValidCrnChecksum,
  isValidDate,
  isValidEan13,
  isValidFrnChecksum,
  isValidRrnChecksum,
  readResidentNumber,
} from './identifiers.js';

const STRUCTURED: EntityType[] = ['KR_RRN', 'KR_FRN', 'KR_CRN', 'KR_BRN', 'KR_PASSPORT', 'KR_DRIVER_LICENSE', 'KR_HEALTH_INSURANCE'];

/** [type, covered original text] for every entity detected, the structured identifiers only. */
function found(text: string, types: EntityType[] = STRUCTURED): Array<[string, string]> {
  return detectEntities(text, { types }).map((e) => [e.type, text.slice(e.start, e.end)]);
}

/** Appends the RRN/FRN check digit (weights 2..9,2..5; (base − sum mod 11) mod 10). */
function withResidentCheck(first12: string, base: 11 | 13): string {
  const w = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * w[i]!;
  return `${first12}${(base - (sum % 11)) % 10}`;
}

describe('check digits', () => {
  it('accepts valid and rejects every other last digit (RRN, FRN, CRN, BRN)', () => {
    const cases: Array<[(d: string) => boolean, string]> = [
      [isValidRrnChecksum, '9001011234568'],
      [isValidRrnChecksum, '8503152345678'],
      [isValidFrnChecksum, '9001015123452'],
      [isValidCrnChecksum, '1101110012346'],
      [isValidBrnChecksum, '1208147521'],
    ];
    for (const [check, valid] of cases) {
      expect(check(valid), valid).toBe(true);
      const prefix = valid.slice(0, -1);
      for (let d = 0; d < 10; d++) if (`${prefix}${d}` !== valid) expect(check(`${prefix}${d}`), `${prefix}${d}`).toBe(false);
    }
  });

  it('FRN check is the RRN check plus 2 (mod 10), as the classic validator computes it', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{12}$/), (first12) => {
        const rrn = withResidentCheck(first12, 11);
        const frn = withResidentCheck(first12, 13);
        expect(Number(frn[12])).toBe((Number(rrn[12]) + 2) % 10);
        expect(isValidFrnChecksum(frn)).toBe(true);
        expect(isValidRrnChecksum(rrn)).toBe(true);
      }),
    );
  });

  it('knows the calendar: month lengths and leap years', () => {
    expect(isValidDate(2000, 2, 29)).toBe(true);
    expect(isValidDate(1900, 2, 29)).toBe(false);
    expect(isValidDate(2024, 2, 29)).toBe(true);
    expect(isValidDate(2023, 2, 29)).toBe(false);
    expect(isValidDate(1990, 4, 31)).toBe(false);
    expect(isValidDate(1990, 13, 1)).toBe(false);
    expect(isValidDate(1990, 0, 1)).toBe(false);
  });
});

describe('KR_RRN / KR_FRN / KR_CRN', () => {
  it('reads the century from the gender digit', () => {
    expect(readResidentNumber('9001011234568')?.birth.year).toBe(1990);
    expect(readResidentNumber('0501013234567')?.birth.year).toBe(2005);
    expect(readResidentNumber('9001019234567')?.birth.year).toBe(1890);
    expect(readResidentNumber('9001015123452')?.type).toBe('KR_FRN');
    expect(readResidentNumber('0002294123456')?.birth).toEqual({ year: 2000, month: 2, day: 29 });
    // 1900 was not a leap year: 000229 with gender digit 1 is no date.
    expect(readResidentNumber('0002291123456')).toBeNull();
  });

  it('finds RRNs in sentences, with particles right after and spacing variants', () => {
    expect(found('주민번호는 900101-1234568입니다')).toEqual([['KR_RRN', '900101-1234568']]);
    expect(found('주민등록번호: 9001011234568, 확인 바랍니다')).toEqual([['KR_RRN', '9001011234568']]);
    expect(found('생년월일 및 번호 900101 - 1234568을 기재')).toEqual([['KR_RRN', '900101 - 1234568']]);
    expect(found('신청인(900101-1234568)이 제출')).toEqual([['KR_RRN', '900101-1234568']]);
  });

  it('maps full-width and odd separators back to the original text', () => {
    const text = '주민번호 ９００１０１－１２３４５６８입니다';
    expect(found(text)).toEqual([['KR_RRN', '９００１０１－１２３４５６８']]);
    const dashed = '주민번호\u200b 900101\u20131234568로';
    expect(found(dashed)).toEqual([['KR_RRN', '900101\u20131234568']]);
  });

  it('keeps a failed checksum (new numbers have random tails) at a lower score', () => {
    const [valid] = detectEntities('번호 900101-1234568 확인', { types: ['KR_RRN'] });
    const [invalid] = detectEntities('번호 900101-1234567 확인', { types: ['KR_RRN'] });
    expect(valid!.score).toBeGreaterThan(invalid!.score);
    expect(invalid!.score).toBeGreaterThanOrEqual(0.5);
    // Born after October 2020: no checksum is expected at all.
    const [young] = detectEntities('번호 211105-3234567 확인', { types: ['KR_RRN'] });
    expect(young!.score).toBeGreaterThan(invalid!.score);
  });

  it('finds masked numbers, whose birth date and sex still identify', () => {
    expect(found('주민번호 900101-1******')).toEqual([['KR_RRN', '900101-1******']]);
    expect(found('번호 900101-1******')).toEqual([['KR_RRN', '900101-1******']]);
  });

  it('rejects impossible dates, future births and product barcodes', () => {
    expect(found('번호 901301-1234568')).toEqual([]);
    expect(found('번호 900230-1234568')).toEqual([]);
    expect(readResidentNumber('3001013234567', 2026)).toBeNull(); // born 2030
    expect(readResidentNumber('2501013234567', 2026)?.birth.year).toBe(2025);
    expect(isValidEan13('8801234567893')).toBe(true);
    expect(found('상품 8801234567893 (EAN-13), 바코드 8801234567893')).toEqual([]);
  });

  it('finds FRNs (gender digits 5–8) and their checksum', () => {
    expect(found('외국인등록번호 900101-5123452를 제출')).toEqual([['KR_FRN', '900101-5123452']]);
    const [valid] = findResidentAndCorporateNumbers('번호 900101-5123452');
    const [invalid] = findResidentAndCorporateNumbers('번호 900101-5123453');
    expect(valid!.type).toBe('KR_FRN');
    expect(valid!.score).toBeGreaterThan(invalid!.score);
  });

  it('reads a 6-7 number as a CRN when its checksum and context say so', () => {
    expect(found('법인등록번호 110111-0012346')).toEqual([['KR_CRN', '110111-0012346']]);
    expect(found('(주)데이터댐 110111-0012346')).toEqual([['KR_CRN', '110111-0012346']]);
  });

  it('law: every valid RRN born 1900–2019 is found, in any of its forms', () => {
    const rrn = fc
      .record({
        year: fc.integer({ min: 1900, max: 2019 }),
        month: fc.integer({ min: 1, max: 12 }),
        day: fc.integer({ min: 1, max: 28 }),
        female: fc.boolean(),
        serial: fc.stringMatching(/^\d{5}$/),
      })
      .map(({ year, month, day, female, serial }) => {
        const gender = (year < 2000 ? 1 : 3) + (female ? 1 : 0);
        const head = `${String(year % 100).padStart(2, '0')}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
        return withResidentCheck(`${head}${gender}${serial}`, 11);
      });
    fc.assert(
      fc.property(rrn, fc.constantFrom('-', ''), fc.constantFrom('는', '입니다', ')', ' '), (digits, sep, after) => {
        const number = `${digits.slice(0, 6)}${sep}${digits.slice(6)}`;
        const text = `신청인 주민번호${after === ')' ? '(' : ' '}${number}${after}`;
        expect(found(text, ['KR_RRN'])).toEqual([['KR_RRN', number]]);
      }),
    );
  });
});

describe('KR_BRN', () => {
  it('finds valid 사업자등록번호, keeps an invalid one only near context', () => {
    expect(found('사업자등록번호 120-81-47521입니다')).toEqual([['KR_BRN', '120-81-47521']]);
    expect(found('거래처 120-81-47521 확인')).toEqual([['KR_BRN', '120-81-47521']]);
    expect(found('거래처 120-81-47522 확인')).toEqual([]);
    expect(found('사업자번호 120-81-47522 확인')).toEqual([['KR_BRN', '120-81-47522']]);
    expect(findBusinessNumbers('1208147522')).toEqual([]);
  });
});

describe('KR_PASSPORT', () => {
  it('finds old and new formats near context, and the new format alone', () => {
    expect(found('여권번호 M12345678로 예약')).toEqual([['KR_PASSPORT', 'M12345678']]);
    expect(found('여권 Ｍ１２３Ａ４５６７ 제출')).toEqual([['KR_PASSPORT', 'Ｍ１２３Ａ４５６７']]);
    expect(found('번호 M123A4567 확인')).toEqual([['KR_PASSPORT', 'M123A4567']]);
  });

  it('leaves product codes alone', () => {
    expect(found('모델명 M12345678 제품')).toEqual([]);
    expect(found('품번 S12345678')).toEqual([]);
    expect(findPassports('XM12345678 M123456789 m12345678')).toEqual([]);
  });
});

describe('KR_DRIVER_LICENSE', () => {
  it('finds numeric and regional forms', () => {
    expect(found('운전면허번호 11-12-345678-90입니다')).toEqual([['KR_DRIVER_LICENSE', '11-12-345678-90']]);
    expect(found('면허: 서울 12-345678-90')).toEqual([['KR_DRIVER_LICENSE', '서울 12-345678-90']]);
    expect(found('경기북부 21-123456-78 면허')).toEqual([['KR_DRIVER_LICENSE', '경기북부 21-123456-78']]);
    expect(found('운전면허증 번호 서울-12-345678-90')).toEqual([['KR_DRIVER_LICENSE', '서울-12-345678-90']]);
  });

  it('needs a real region code and context for bare digits', () => {
    expect(findDriverLicenses('27-12-345678-90')).toEqual([]);
    expect(found('번호 111234567890')).toEqual([]);
    expect(found('운전면허 111234567890')).toEqual([['KR_DRIVER_LICENSE', '111234567890']]);
  });
});

describe('KR_HEALTH_INSURANCE', () => {
  it('is found only near its context words', () => {
    expect(found('건강보험증번호 12345678901 제출')).toEqual([['KR_HEALTH_INSURANCE', '12345678901']]);
    expect(found('피보험자 번호 5-1234567890')).toEqual([['KR_HEALTH_INSURANCE', '5-1234567890']]);
    expect(found('관리 번호 12345678901')).toEqual([]);
    expect(findHealthInsuranceNumbers('123456789012')).toEqual([]);
  });
});

describe('hard negatives', () => {
  it('finds nothing in amounts, dates, times, versions, statutes, postal codes, orders and tracking numbers', () => {
    const texts = [
      '결제 금액 1,234,000원, 부가세 123,400원',
      '2024-05-01, 2024.05.01, 2024/05/01, 24.05.01 14:30:15',
      '버전 v1.2.3, Windows 10.0.19045.3803, build 22631',
      '「개인정보 보호법」 법률 제12345호 제3조 제1항 제2호',
      '우편번호 06236, 03154',
      '주문번호 20240501-0012345, 주문번호 2024050112345678',
      '운송장번호 6012-3456-7890, 송장 601234567890',
      '상품코드 ABC-1234-5678, 품번 KX-900101-1234',
      '행사 기간 1800-1900년대 전시, 1588-1234원 할인',
    ];
    for (const text of texts) expect(found(text), text).toEqual([]);
  });
});

describe('identifiers: readings that depend on the neighbourhood (issue-6 misses)', () => {
  it('keeps a resident number whose next line starts with a word beginning like a unit (건강보험, 배송)', () => {
    // 2021 birth: random tail since October 2020, still an RRN; 건 of 건강보험 is not the counter 건.
    const chart = '환자 정보\n주민등록번호: 210503-4123456\n건강보험증번호: 1-2345678901';
    expect(found(chart, ['KR_RRN'])).toEqual([['KR_RRN', '210503-4123456']]);
    expect(found('주민번호 851203-1234565\n배송 요청 사항 없음', ['KR_RRN'])).toEqual([['KR_RRN', '851203-1234565']]);
  });

  it('reads G (관용, official) passports in both formats', () => {
    expect(found('관용여권 번호 G12345678로 출국 수속을 마쳤습니다', ['KR_PASSPORT'])).toEqual([['KR_PASSPORT', 'G12345678']]);
    expect(found('출장자 여권번호는 G123K4567입니다', ['KR_PASSPORT'])).toEqual([['KR_PASSPORT', 'G123K4567']]);
  });

  it('reads a 법인등록번호 whose 7th digit is 5–8 as a CRN after 법인, as an FRN after 외국인', () => {
    // 110114-7000017 passes the CRN check digit and, as an FRN, is a 2011 birth with a random tail.
    expect(found('(주)한빛물산 법인등록번호 110114-7000017, 대표이사 직인', ['KR_CRN', 'KR_FRN', 'KR_RRN'])).toEqual([
      ['KR_CRN', '110114-7000017'],
    ]);
    expect(found('외국인등록번호 110114-7000017 (2011년생)', ['KR_CRN', 'KR_FRN', 'KR_RRN'])).toEqual([['KR_FRN', '110114-7000017']]);
  });

  it('reads 13 bare digits after a bank name as an account, not a resident number', () => {
    // 9003141000002 is also a valid RRN (1990-03-14, check digit 2).
    const text = '환불 계좌는 새마을금고 9003141000002 (예금주 김하나)로 부탁드립니다. 생년월일은 따로 적었어요';
    expect(found(text, ['KR_RRN', 'KR_FRN', 'BANK_ACCOUNT'])).toEqual([['BANK_ACCOUNT', '9003141000002']]);
  });
});
