import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectPersons } from './person.js';

/** The texts of the PERSON spans found in `text`. */
const names = (text: string) => detectPersons(text).map((e) => text.slice(e.start, e.end));

describe('detectPersons: Korean names', () => {
  it.each([
    ['담당자 홍길동에게 전화 주세요.', ['홍길동']],
    ['김민지 고객님, 주문하신 상품이 도착했습니다.', ['김민지']],
    ['성명: 홍길동', ['홍길동']],
    ['환자명: 송미경 (여/62)', ['송미경']],
    ['참석자: 홍길동, 김철수, 이영희', ['홍길동', '김철수', '이영희']],
    ['이영희 씨가 말했다.', ['이영희']],
    ['홍길동님 안녕하세요', ['홍길동']],
    ['남궁민수 씨와 통화함', ['남궁민수']],
    ['제갈성훈 대표이사', ['제갈성훈']],
    ['보호자 정재훈 (010-1111-2222)', ['정재훈']],
    ['오준혁(45)은 허리통증으로 내원', ['오준혁']],
    ['박 과장도 왔습니다.', ['박']],
    ['김과장님이 결재했다.', ['김']],
    ['이 과장이 자료를 준비했다.', ['이']],
    ['성명: 이준', ['이준']],
    ['이준 씨 계세요?', ['이준']],
    ['봉준호감독 최고다', ['봉준호']],
    ['신하균 연기 좋았다', ['신하균']],
    ['어제 정민호를 만났다', ['정민호']],
  ])('%s', (text, expected) => {
    expect(names(text)).toEqual(expected);
  });

  it('reports masked names and 김 모씨 (decision: PERSON, score 0.5)', () => {
    const text = '최○○ 환자는 김 모씨와 함께 내원했다. 김모(35)씨. 홍**님';
    expect(names(text)).toEqual(['최○○', '김 모', '김모', '홍**']);
    expect(detectPersons(text).every((e) => e.score === 0.5)).toBe(true);
  });

  it('finds romanised Korean names and titled Latin names', () => {
    expect(names('Dear Mr. John Smith, Kim Min-ji and Gil-dong Hong will call. Name: Sarah Connor')).toEqual([
      'John Smith',
      'Kim Min-ji',
      'Gil-dong Hong',
      'Sarah Connor',
    ]);
  });
});

describe('detectPersons: hard negatives', () => {
  it.each([
    '이상 없음',
    '정도로 심하지 않다',
    '김치찌개 1인분 주세요',
    '조사 결과 이상 소견 없음',
    '이번 전화는 정부 민원 안내입니다',
    '한국 강남 조금 신고 문제 이유 고객 안내 주소 성명 이름 배송 우리 오늘 하지만 서울 부산',
    '최고의 마지막 장면, 이렇게 진정한 이야기는 처음',
    '고객님, 선생님, 사장님, 부장님, 박사님께 안내드립니다',
    '전 대표가 말했다. 이 선생님께 여쭤봐.',
    '진단명: 제2형 당뇨병',
    '주인공 진정한 위대한 연기력 여전히',
    '정말로 제대로 전혀 문제가 없었다',
    '강남구 역삼동에 신청서를 냈다',
    '개인정보 보호법 제15조에 따라 동의를 받아야 한다',
    'OO로 가세요',
  ])('%s', (text) => {
    expect(names(text)).toEqual([]);
  });
});

describe('detectPersons: laws', () => {
  const particles = ['', '이', '은', '을', '의', '에게', '께서', '와', '도', '만', '처럼', '한테', '이랑', '님', ' 씨', ' 고객님', ' 과장'];
  const fullNames = ['홍길동', '김민준', '이서연', '박지훈', '최수진', '정우성', '강지영', '윤서준', '장민호', '임하은', '남궁민수'];

  it('finds a name regardless of which particle or title follows it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...fullNames), fc.constantFrom(...particles), (name, particle) => {
        const text = `어제 ${name}${particle} 만났다.`;
        const found = detectPersons(text);
        expect(found.map((e) => text.slice(e.start, e.end))).toContain(name);
      }),
    );
  });

  it('returns ordered, non-overlapping spans within the text', () => {
    const alphabet = fc.constantFrom(...'김이박최정홍길동민지서연 ,.:\n씨님과장모○O*(35)Mr. Kim Min-ji');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }), (chars) => {
        const text = chars.join('');
        let last = 0;
        for (const e of detectPersons(text)) {
          expect(e.type).toBe('PERSON');
          expect(e.start).toBeGreaterThanOrEqual(last);
          expect(e.end).toBeGreaterThan(e.start);
          expect(e.end).toBeLessThanOrEqual(text.length);
          expect(e.score).toBeGreaterThan(0);
          expect(e.score).toBeLessThanOrEqual(1);
          last = e.end;
        }
      }),
    );
  });
});

describe('detectPersons: words from charts, IT chats and contracts, and vocatives', () => {
  it('never reads these as names', () => {
    expect(names('주호소: 어제부터 기침과 가래가 심함')).toEqual([]);
    expect(names('방화벽 설정을 바꿨으니 다시 접속해 보세요')).toEqual([]);
    expect(names('잔금 금 1,200,000원정은 계약 당일 지급한다')).toEqual([]);
    expect(names('고객: 신한 110-123-456789이에요')).toEqual([]);
  });

  it('takes a common given name called with 아/야 as the given name alone', () => {
    expect(names('엄마: 지민아 저녁은 먹었니?')).toEqual(['지민']);
    expect(names('[14:02] 민수야 내일 몇 시에 와?')).toEqual(['민수']);
    // 서 has no final consonant, so 아 cannot be the vocative here: 김서아 is a full name.
    expect(names('김서아 학생이 발표했다')).toEqual(['김서아']);
  });
});
