import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectAddresses } from './address.js';

/** The texts of the ADDRESS spans found in `text`. */
const spans = (text: string) => detectAddresses(text).map((e) => text.slice(e.start, e.end));

describe('detectAddresses: road-name and lot-number addresses', () => {
  it.each([
    ['주소: 서울특별시 강남구 테헤란로 152, 101동 1203호로 보내 주세요.', '서울특별시 강남구 테헤란로 152, 101동 1203호'],
    ['서울 강남구 테헤란로 152', '서울 강남구 테헤란로 152'],
    ['경기도 성남시 분당구 판교역로 166 (백현동) 3층에서 만나요', '경기도 성남시 분당구 판교역로 166 (백현동) 3층'],
    ['부산광역시 해운대구 우동 1408-3번지에서 사고가 났다', '부산광역시 해운대구 우동 1408-3번지'],
    ['세종특별자치시 한누리대로 2130', '세종특별자치시 한누리대로 2130'],
    ['강원특별자치도 춘천시 중앙로 1', '강원특별자치도 춘천시 중앙로 1'],
    ['전북특별자치도 전주시 완산구 노송광장로 10', '전북특별자치도 전주시 완산구 노송광장로 10'],
    ['서울 종로구 세종대로 지하 172', '서울 종로구 세종대로 지하 172'],
    ['테헤란로12길 34 래미안아파트 101동 1203호', '테헤란로12길 34 래미안아파트 101동 1203호'],
    ['충청남도 공주시 유구읍 석남리 산12-3', '충청남도 공주시 유구읍 석남리 산12-3'],
    [
      '경기 수원시 장안구 정자로 123번길 45 (정자동, 한신아파트) 2동 304호',
      '경기 수원시 장안구 정자로 123번길 45 (정자동, 한신아파트) 2동 304호',
    ],
    ['역삼동 123-45 거주', '역삼동 123-45'],
    ['서울 강남구 역삼동에 삽니다', '서울 강남구 역삼동'],
    ['경기 부천시 원미구 중동 1151 소재', '경기 부천시 원미구 중동 1151'],
    ['Address: 152 Teheran-ro, Gangnam-gu, Seoul', '152 Teheran-ro, Gangnam-gu, Seoul'],
  ])('%s', (text, expected) => {
    expect(spans(text)).toEqual([expected]);
  });
});

describe('detectAddresses: not addresses', () => {
  it.each([
    '서울',
    '강남구',
    '서울 강남구에 삽니다',
    '테헤란로로 가세요',
    'OO로 가세요',
    '역삼역에서 내려서 강남대로 방향으로 가세요',
    '도로 3개를 건너면 보여요',
    '학교로 2시까지 오세요',
    '서울로 3명이 이동했다',
    '이상 없음. 정도로 심하지 않다. 김치찌개 1인분',
    '조사 결과 이동 2회, 활동 3건',
    '개인정보 보호법 제23조에 따라',
    '도로교통법 제32조 및 같은 법 시행령 제10조',
    '2024년 강남구 인구는 53만 명',
  ])('%s', (text) => {
    expect(spans(text)).toEqual([]);
  });
});

describe('detectAddresses: laws', () => {
  const addresses = [
    '서울특별시 강남구 테헤란로 152',
    '서울 강남구 테헤란로 152, 101동 1203호',
    '부산광역시 해운대구 우동 1408-3번지',
    '대구광역시 수성구 달구벌대로 2450',
    '경기도 성남시 분당구 판교역로 166 3층',
    '충청남도 공주시 유구읍 석남리 산12-3',
  ];
  const particles = ['', '로', '으로', '에', '에서', '의', '까지', '이', '가', '는', '을'];

  it('leaves a trailing particle outside the span', () => {
    fc.assert(
      fc.property(fc.constantFrom(...addresses), fc.constantFrom(...particles), (address, particle) => {
        const text = `주소는 ${address}${particle} 보내 주세요.`;
        expect(spans(text)).toEqual([address]);
      }),
    );
  });

  it('returns ordered, non-overlapping spans within the text', () => {
    const alphabet = fc.constantFrom(...'서울특별시 강남구 테헤란로 역삼동 123-45 번지 산 지하 ,()동호층로길0123456789');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 80 }), (chars) => {
        const text = chars.join('');
        let last = 0;
        for (const e of detectAddresses(text)) {
          expect(e.type).toBe('ADDRESS');
          expect(e.start).toBeGreaterThanOrEqual(last);
          expect(e.end).toBeGreaterThan(e.start);
          expect(e.end).toBeLessThanOrEqual(text.length);
          last = e.end;
        }
      }),
    );
  });
});

describe('detectAddresses: details and endings people write', () => {
  it.each([
    ['이사한 곳은 전라남도 순천시 연향로 123, 105동 1203호 (낙안면)이에요.', '전라남도 순천시 연향로 123, 105동 1203호 (낙안면)'],
    ['배송지: 경상남도 거제시 옥포로 45 (옥포동, 대우)', '경상남도 거제시 옥포로 45 (옥포동, 대우)'],
    ['경기 용인시 수지구 풍덕천로 77 자이 103동 1402호로 보내 주세요', '경기 용인시 수지구 풍덕천로 77 자이 103동 1402호'],
    ['충남 아산시 배방읍 장재리 1750 현대 108동 302호 앞입니다', '충남 아산시 배방읍 장재리 1750 현대 108동 302호'],
    ['네, 충청북도 청주시 상당구 상당로 82로요.', '충청북도 청주시 상당구 상당로 82'],
    ['주소는 강원 속초시 중앙로 20, 3층 301호요', '강원 속초시 중앙로 20, 3층 301호'],
    ['경기 성남시분당구 황새울로 200에 있습니다', '경기 성남시분당구 황새울로 200'],
  ])('%s', (text, expected) => {
    expect(spans(text)).toEqual([expected]);
  });

  it('does not read a job title before a phone number, or an old number plate, as an address', () => {
    expect(spans('배송 기사 김민수 대리 010-1234-5678')).toEqual([]);
    expect(spans('차량 소지: 예 (대전95로1059)')).toEqual([]);
  });
});

describe('detectAddresses: a parenthesised 법정동 named like a road', () => {
  it('keeps (시장북로), a 법정동 of 대구 중구, as the reference part of the address', () => {
    expect(spans('현 거주지: 대구광역시 중구 명덕로 253 14층 (시장북로)\n차량 소지: 아니오')).toEqual([
      '대구광역시 중구 명덕로 253 14층 (시장북로)',
    ]);
  });
});
