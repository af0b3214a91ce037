import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectEntities, resolveOverlaps } from './detect.js';
import { ENTITY_TYPES, type Entity, type EntityType } from './entities.js';

/** The structured types this engine's own detectors find (PERSON and ADDRESS come from elsewhere). */
const STRUCTURED = ENTITY_TYPES.filter((t) => t !== 'PERSON' && t !== 'ADDRESS');

function found(text: string, types: readonly EntityType[] = STRUCTURED): Array<[string, string]> {
  return detectEntities(text, { types }).map((e) => [e.type, text.slice(e.start, e.end)]);
}

describe('detectEntities', () => {
  it('finds every type in one realistic record, sorted by start, with offsets into the original', () => {
    const text =
      '신청인 주민번호 900101-1234568, 휴대폰 ０１０‐１２３４‐５６７８로 연락, 메일 hong@example.go.kr, ' +
      '환불 계좌 국민은행 123456-01-123456, 카드 4111-1111-1111-1111, 차량 12가3456, 접속 IP 192.168.0.1, ' +
      '여권 M123A4567, 운전면허 11-12-345678-90, 사업자 120-81-47521, 건강보험증 12345678901';
    expect(found(text)).toEqual([
      ['KR_RRN', '900101-1234568'],
      ['PHONE', '０１０‐１２３４‐５６７８'],
      ['EMAIL', 'hong@example.go.kr'],
      ['BANK_ACCOUNT', '123456-01-123456'],
      ['CREDIT_CARD', '4111-1111-1111-1111'],
      ['VEHICLE_PLATE', '12가3456'],
      ['IP_ADDRESS', '192.168.0.1'],
      ['KR_PASSPORT', 'M123A4567'],
      ['KR_DRIVER_LICENSE', '11-12-345678-90'],
      ['KR_BRN', '120-81-47521'],
      ['KR_HEALTH_INSURANCE', '12345678901'],
    ]);
  });

  it('reports only the asked types, and drops candidates under the threshold', () => {
    const text = '주민번호 900101-1234568, 전화 010-1234-5678, 번호 110-123-456789';
    expect(found(text, ['PHONE'])).toEqual([['PHONE', '010-1234-5678']]);
    expect(detectEntities(text, { types: [] })).toEqual([]);
    const all = detectEntities(text, { types: STRUCTURED, threshold: 0 });
    expect(all.map((e) => e.type)).toContain('BANK_ACCOUNT');
    const strict = detectEntities(text, { types: STRUCTURED, threshold: 0.97 });
    expect(strict.every((e) => e.score >= 0.97)).toBe(true);
    expect(strict.length).toBeLessThan(all.length);
  });

  it('keeps the stronger reading where shapes overlap (a phone is not also an account)', () => {
    expect(found('계좌 말고 전화 010-1234-5678로')).toEqual([['PHONE', '010-1234-5678']]);
    expect(found('법인등록번호 110111-0012346')).toEqual([['KR_CRN', '110111-0012346']]);
  });

  it('stays clean on hard negatives', () => {
    const text =
      '주문번호 2024050112345678 결제 금액 1,234,000원 (2024-05-01 14:30, 2024.05.01) 버전 v1.2.3 / 10.0.19045, ' +
      '법률 제12345호 제3조 제1항, 운송장 6012-3456-7890, 우편번호 06236, 상품코드 AB-1234-5678, 1800-1900년대';
    expect(found(text)).toEqual([]);
  });

  it('returns nothing for empty text', () => {
    expect(detectEntities('')).toEqual([]);
  });
});

describe('resolveOverlaps', () => {
  const e = (type: EntityType, start: number, end: number, score: number): Entity => ({ type, start, end, score });

  it('keeps the higher score, then the longer span, then the more sensitive type', () => {
    expect(resolveOverlaps([e('BANK_ACCOUNT', 0, 13, 0.8), e('PHONE', 0, 13, 0.9)])).toEqual([e('PHONE', 0, 13, 0.9)]);
    expect(resolveOverlaps([e('PHONE', 2, 10, 0.9), e('CREDIT_CARD', 0, 12, 0.9)])).toEqual([e('CREDIT_CARD', 0, 12, 0.9)]);
    expect(resolveOverlaps([e('KR_CRN', 0, 14, 0.9), e('KR_RRN', 0, 14, 0.9)])).toEqual([e('KR_RRN', 0, 14, 0.9)]);
    expect(resolveOverlaps([e('PHONE', 10, 20, 0.9), e('EMAIL', 0, 5, 0.9)])).toEqual([e('EMAIL', 0, 5, 0.9), e('PHONE', 10, 20, 0.9)]);
  });

  it('drops what is part of an address, keeps a phone next to it, and cuts an address that swallowed a phone', () => {
    const text = '서울특별시 강남구 테헤란로 123-45 12가3456동, 010-1234-5678';
    const at = (needle: string) => text.indexOf(needle);
    const address = e('ADDRESS', 0, at('동,') + 1, 0.9);
    const inside = e('VEHICLE_PLATE', at('12가'), at('동,'), 0.95); // the building's name, read as a plate
    const phone = e('PHONE', at('010'), text.length, 0.9);
    const straddling = e('VEHICLE_PLATE', at('56동'), at('010') + 2, 0.9);
    expect(resolveOverlaps([address, inside, phone], text)).toEqual([address, phone]);
    expect(resolveOverlaps([address, straddling], text)).toEqual([address]);
    const greedy = e('ADDRESS', 0, text.length, 0.9);
    expect(resolveOverlaps([greedy, phone], text)).toEqual([address, phone]);
  });

  it('law: the result is disjoint, sorted, and drawn from the candidates', () => {
    const entity = fc
      .record({
        type: fc.constantFrom(...ENTITY_TYPES),
        start: fc.nat(60),
        length: fc.integer({ min: 1, max: 20 }),
        score: fc.double({ min: 0, max: 1, noNaN: true }),
      })
      .map(({ type, start, length, score }) => e(type, start, start + length, score));
    fc.assert(
      fc.property(fc.array(entity, { maxLength: 25 }), (candidates) => {
        const result = resolveOverlaps(candidates);
        for (let i = 1; i < result.length; i++) expect(result[i]!.start).toBeGreaterThanOrEqual(result[i - 1]!.end);
        for (const r of result) {
          if (r.type === 'ADDRESS') expect(candidates.some((c) => c.type === 'ADDRESS' && c.start <= r.start && r.end <= c.end)).toBe(true);
          else expect(candidates).toContainEqual(r);
        }
        // Something survives from every cluster: no candidate is dropped without a kept overlapping one.
        if (candidates.some((c) => c.type !== 'ADDRESS')) expect(result.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('laws over text', () => {
  const alphabet = [
    '0',
    '1',
    '2',
    '5',
    '9',
    '-',
    '.',
    ' ',
    ':',
    '@',
    'a',
    'M',
    '가',
    '번',
    '호',
    '원',
    '０',
    '—',
    '\u200b',
    '전화',
    '계좌',
    '주민번호',
  ];
  const noisyText = fc.array(fc.constantFrom(...alphabet), { maxLength: 80 }).map((parts) => parts.join(''));

  it('law: offsets are always inside the text, entities disjoint and sorted by start', () => {
    fc.assert(
      fc.property(noisyText, (text) => {
        const entities = detectEntities(text, { threshold: 0 });
        let last = 0;
        for (const e of entities) {
          expect(e.start).toBeGreaterThanOrEqual(last);
          expect(e.end).toBeGreaterThan(e.start);
          expect(e.end).toBeLessThanOrEqual(text.length);
          expect(e.score).toBeGreaterThanOrEqual(0);
          expect(e.score).toBeLessThanOrEqual(1);
          last = e.end;
        }
      }),
      { numRuns: 300 },
    );
  });

  const samples = fc.constantFrom(
    '010-1234-5678',
    '02-123-4567',
    '+82 10-9876-5432',
    '900101-1234568',
    '850315-2345678',
    '900101-5123452',
    'hong.gildong@example.co.kr',
    '4111-1111-1111-1111',
    '5500000000000004',
    '192.168.10.20',
    '2001:db8::8a2e:370:7334',
    '12가3456',
    '서울12가3456',
    '120-81-47521',
    'M123A4567',
    '11-12-345678-90',
  );
  const frames = fc.constantFrom<[string, string]>(
    ['', ''],
    ['자료: ', '입니다.'],
    ['(', ')'],
    ['"', '"로 확인'],
    ['가나다 ', '를 보냈다'],
    ['X ', ', 그리고'],
  );

  it('law: every span found in one sentence is found again, with the same type, in another', () => {
    fc.assert(
      fc.property(samples, frames, frames, (sample, [a1, a2], [b1, b2]) => {
        const first = `${a1}${sample}${a2}`;
        const [hit, ...rest] = detectEntities(first, { types: STRUCTURED });
        expect(rest).toEqual([]);
        const span = first.slice(hit!.start, hit!.end);
        const second = `${b1}${span}${b2}`;
        expect(found(second)).toEqual([[hit!.type, span]]);
      }),
    );
  });
});
