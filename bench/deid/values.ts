/**
 * Value generators for the labelled de-identification corpus: realistic Korean personal data whose
 * formats and check digits are right (and, for post-2020 resident numbers, deliberately random), and
 * the look-alike numbers that are not personal data (hard negatives). Everything draws from one
 * seeded generator, so a seed gives the same corpus on every machine.
 */
import type { EntityType } from '../../src/modules/deid/entities.js';
import type { Places, Road } from './places.js';
import { seededRandom } from '../../src/core/random.js';

/** Kinds of hard negatives: text a detector must leave alone. */
export const NEGATIVE_KINDS = [
  'order-number',
  'tracking-number',
  'amount',
  'date',
  'time',
  'version',
  'statute',
  'product-code',
  'postal-code',
  'case-number',
] as const;
export type NegativeKind = (typeof NEGATIVE_KINDS)[number];

/** A piece of a document: plain text, a labelled entity, or a marked hard negative. */
export type Piece = string | { text: string; type: EntityType } | { text: string; negative: NegativeKind } | readonly Piece[];

export const ent = (type: EntityType, text: string): Piece => ({ text, type });
export const neg = (negative: NegativeKind, text: string): Piece => ({ text, negative });

// Surnames weighted roughly by frequency (김, 이, 박 first), then the rarer and two-syllable ones.
const SURNAMES_COMMON = ['김', '이', '박', '최', '정', '강', '조', '윤', '장', '임'];
const SURNAMES_OTHER = [
  '한',
  '오',
  '서',
  '신',
  '권',
  '황',
  '안',
  '송',
  '류',
  '전',
  '홍',
  '고',
  '문',
  '양',
  '손',
  '배',
  '백',
  '허',
  '유',
  '남',
  '심',
  '노',
  '하',
  '곽',
  '성',
  '차',
  '주',
  '우',
  '구',
  '민',
  '진',
  '나',
  '지',
  '엄',
  '채',
  '원',
  '천',
  '방',
  '공',
  '현',
  '함',
  '변',
  '염',
  '여',
  '추',
  '도',
  '소',
  '석',
  '선',
  '설',
  '마',
  '길',
  '연',
  '위',
  '표',
  '명',
  '기',
  '반',
  '왕',
  '금',
  '옥',
  '육',
  '인',
  '맹',
  '제',
  '모',
  '탁',
  '국',
  '어',
  '은',
  '편',
  '용',
  '예',
  '경',
  '봉',
  '사',
  '부',
  '가',
  '복',
  '태',
];
const SURNAMES_DOUBLE = ['남궁', '제갈', '황보', '선우', '독고', '사공', '서문'];
const GIVEN = [
  '민준',
  '서준',
  '도윤',
  '예준',
  '시우',
  '하준',
  '주원',
  '지호',
  '지후',
  '준우',
  '준서',
  '건우',
  '도현',
  '현우',
  '지훈',
  '우진',
  '선우',
  '서진',
  '민재',
  '현준',
  '연우',
  '유준',
  '정우',
  '승우',
  '승현',
  '시윤',
  '준혁',
  '은우',
  '지환',
  '승민',
  '지우',
  '유찬',
  '윤우',
  '민성',
  '준영',
  '시후',
  '진우',
  '지원',
  '수현',
  '재윤',
  '서연',
  '서윤',
  '지유',
  '서현',
  '하은',
  '하윤',
  '민서',
  '지민',
  '윤서',
  '채원',
  '지아',
  '수아',
  '다은',
  '예은',
  '수빈',
  '소율',
  '예린',
  '지안',
  '하린',
  '서아',
  '영수',
  '영호',
  '영철',
  '정호',
  '성수',
  '상철',
  '광수',
  '영식',
  '순자',
  '영숙',
  '정숙',
  '영희',
  '명숙',
  '경숙',
  '미경',
  '은정',
  '미영',
  '혜진',
  '지혜',
  '은영',
  '현정',
  '수진',
  '미정',
  '선영',
  '은주',
  '정희',
  '동현',
  '성민',
  '재훈',
  '상우',
  '태현',
  '성진',
  '동욱',
  '경민',
  '병철',
  '종민',
  '기현',
  '승철',
  '혜원',
  '유나',
  '보람',
  '슬기',
  '아름',
  '하늘',
  '나래',
  '민',
  '훈',
  '결',
  '솔',
  '율',
  '찬',
  '별',
  '혁',
  '준',
  '윤',
];
const FIRST_NAMES_ROMAN: Record<string, string> = {
  김: 'kim',
  이: 'lee',
  박: 'park',
  최: 'choi',
  정: 'jung',
  강: 'kang',
  조: 'cho',
  윤: 'yoon',
  장: 'jang',
  임: 'lim',
};

const BANKS: ReadonlyArray<{ names: string[]; layout: number[]; prefix?: string }> = [
  { names: ['국민은행', 'KB국민은행', '국민'], layout: [6, 2, 6] },
  { names: ['신한은행', '신한'], layout: [3, 3, 6], prefix: '110' },
  { names: ['우리은행', '우리'], layout: [4, 3, 6], prefix: '1002' },
  { names: ['하나은행', '하나'], layout: [3, 6, 5] },
  { names: ['농협', 'NH농협은행', '농협은행'], layout: [3, 4, 4, 2], prefix: '302' },
  { names: ['IBK기업은행', '기업은행'], layout: [3, 6, 2, 3] },
  { names: ['카카오뱅크'], layout: [4, 2, 7], prefix: '3333' },
  { names: ['토스뱅크'], layout: [4, 4, 4], prefix: '1000' },
  { names: ['케이뱅크'], layout: [3, 3, 6], prefix: '100' },
  { names: ['SC제일은행'], layout: [3, 2, 6] },
  { names: ['새마을금고'], layout: [4, 4, 4, 1], prefix: '9002' },
  { names: ['우체국'], layout: [6, 2, 6] },
  { names: ['부산은행'], layout: [3, 4, 4, 2] },
];
const EMAIL_DOMAINS = [
  'naver.com',
  'gmail.com',
  'daum.net',
  'hanmail.net',
  'kakao.com',
  'nate.com',
  'hotmail.com',
  'korea.kr',
  'snu.ac.kr',
  'samsung.com',
  'kt.com',
  'hanmail.net',
];
const PLATE_LETTERS = '가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주아바사자배하허호'.split('');
const PLATE_REGIONS = [
  '서울',
  '부산',
  '대구',
  '인천',
  '광주',
  '대전',
  '울산',
  '경기',
  '강원',
  '충북',
  '충남',
  '전북',
  '전남',
  '경북',
  '경남',
  '제주',
];
const LICENCE_REGIONS = [
  '서울',
  '부산',
  '경기',
  '강원',
  '충북',
  '충남',
  '전남',
  '경북',
  '경남',
  '제주',
  '대구',
  '인천',
  '광주',
  '대전',
  '울산',
];
/** Licence region codes: 11 서울 … 26 울산, 28 경기북부 (27 is not used). */
const LICENCE_CODES = ['11', '12', '13', '14', '15', '16', '17', '18', '19', '20', '21', '22', '23', '24', '25', '26', '28'];
const APARTMENTS = [
  '래미안',
  '자이',
  '힐스테이트',
  '푸르지오',
  '아이파크',
  'e편한세상',
  '롯데캐슬',
  '더샵',
  '주공',
  '현대',
  '한신',
  '삼성쉐르빌',
  '우성',
  '한양수자인',
];
const SIDO_SHORT: Record<string, string> = {
  서울특별시: '서울',
  부산광역시: '부산',
  대구광역시: '대구',
  인천광역시: '인천',
  광주광역시: '광주',
  대전광역시: '대전',
  울산광역시: '울산',
  세종특별자치시: '세종',
  경기도: '경기',
  강원도: '강원',
  충청북도: '충북',
  충청남도: '충남',
  전라북도: '전북',
  전라남도: '전남',
  경상북도: '경북',
  경상남도: '경남',
  제주특별자치도: '제주',
};

/** Hangul syllable ends in a final consonant (받침): picks 은/는, 이/가, 을/를, 아/야. */
export function hasFinal(word: string): boolean {
  const code = word.charCodeAt(word.length - 1) - 0xac00;
  return code >= 0 && code < 11172 && code % 28 !== 0;
}

export class Values {
  readonly random: () => number;
  private readonly districtsBySigungu = new Map<string, string[]>();

  constructor(
    seed: number,
    private readonly places: Places,
  ) {
    this.random = seededRandom(seed);
    for (const d of places.districts) {
      const key = `${d.sido}|${d.sigungu}`;
      const list = this.districtsBySigungu.get(key) ?? [];
      if (!list.includes(d.dong)) list.push(d.dong);
      this.districtsBySigungu.set(key, list);
    }
  }

  // ---- primitives -------------------------------------------------------------------------------
  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
  pad(n: number, width: number): string {
    return String(n).padStart(width, '0');
  }
  /** 0–3 items of a list, in order: optional sentences. */
  some<T>(items: readonly T[], p = 0.5): T[] {
    return items.filter(() => this.chance(p));
  }

  // ---- persons ----------------------------------------------------------------------------------
  surname(): string {
    const r = this.random();
    if (r < 0.6) return this.pick(SURNAMES_COMMON);
    if (r < 0.93) return this.pick(SURNAMES_OTHER);
    return this.pick(SURNAMES_DOUBLE);
  }
  given(): string {
    return this.pick(GIVEN);
  }
  fullName(): string {
    const surname = this.surname();
    let given = this.given();
    // Single-syllable given names mostly go with two-syllable surnames or stand out (김훈).
    if (given.length === 1 && this.chance(0.5)) given = this.pick(GIVEN.slice(0, 105));
    return surname + given;
  }
  /** A name as a labelled piece followed by an honorific or particle that is not part of the label. */
  person(name = this.fullName(), role: 'subject' | 'topic' | 'object' | 'possessive' | 'label' | 'any' = 'any'): Piece {
    const f = hasFinal(name);
    const tails: Record<string, string[]> = {
      subject: [f ? '이' : '가', '님이', '씨가', '님께서', ' 고객님께서', '께서'],
      topic: [f ? '은' : '는', '님은', '씨는', ' 님은'],
      object: [f ? '을' : '를', '님을', '씨를', '에게', '님께', ' 씨에게'],
      possessive: ['의', '님의', ' 씨의', ' 고객의'],
      label: ['', '', '님', '씨', ' 님', ' 씨', ' 고객님', ' 선생님'],
      any: ['', '', '님', '씨', ' 님', ' 씨', ' 고객님', ' 과장님', ' 대리', ' 선생님', ' 환자', '('],
    };
    const tail = this.pick(tails[role]!);
    if (tail === '(') return [ent('PERSON', name), '(', String(this.int(21, 78)), '세)'];
    return [ent('PERSON', name), tail];
  }

  // ---- identifiers with check digits ------------------------------------------------------------
  birth(from = 1945, to = 2019): { yy: string; mm: string; dd: string; year: number } {
    const year = this.int(from, to);
    return { year, yy: this.pad(year % 100, 2), mm: this.pad(this.int(1, 12), 2), dd: this.pad(this.int(1, 28), 2) };
  }
  /**
   * 주민등록번호. Numbers issued before October 2020 end in the check digit; numbers issued since
   * (newborns from then on, and people whose number was changed) have six random digits after the
   * gender digit, so no check digit can be relied on.
   */
  rrn(): string {
    const issuedSince2020 = this.chance(0.3);
    const b = issuedSince2020 && this.chance(0.7) ? this.birth(2020, 2025) : this.birth();
    if (b.year === 2020 && Number(b.mm) < 10 && issuedSince2020) b.mm = this.pad(this.int(10, 12), 2);
    const genderBase = b.year >= 2000 ? 3 : 1;
    const front = b.yy + b.mm + b.dd;
    const g = String(genderBase + this.int(0, 1));
    let back: string;
    if (!issuedSince2020) {
      const body = front + g + this.digits(5);
      const weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
      const sum = weights.reduce((s, w, i) => s + w * Number(body[i]), 0);
      back = body.slice(6) + String((11 - (sum % 11)) % 10);
    } else back = g + this.digits(6);
    return this.chance(0.9) ? `${front}-${back}` : this.chance(0.5) ? `${front}${back}` : `${front} - ${back}`;
  }
  /**
   * 외국인등록번호: birth date, gender digit 5–8, registration office (two digits, even sum), serial,
   * registrant kind (7–9), and the foreigner check digit (13 − weighted sum mod 11) mod 10.
   */
  frn(): string {
    const b = this.birth(1950, 2015);
    const g = String((b.year >= 2000 ? 7 : 5) + this.int(0, 1));
    const office = this.pad(this.int(5, 49) * 2, 2);
    const body = b.yy + b.mm + b.dd + g + office + this.digits(2) + this.pick(['7', '8', '9']);
    const weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
    const sum = weights.reduce((s, w, i) => s + w * Number(body[i]), 0);
    const check = (13 - (sum % 11)) % 10;
    return `${body.slice(0, 6)}-${body.slice(6)}${check}`;
  }
  /** 여권번호: M12345678 (before 2021) or M123A4567 (the 2021 format). */
  passport(): string {
    const letter = this.pick(['M', 'M', 'M', 'S', 'R', 'G', 'D']);
    return this.chance(0.6)
      ? letter + this.digits(8)
      : `${letter}${this.digits(3)}${this.pick('ABCDEFGHJKLMNPQRSTUVWXYZ'.split(''))}${this.digits(4)}`;
  }
  /** 운전면허번호: region code or region name, year, serial, check. */
  driverLicence(): string {
    const year = this.pad(this.int(85, 124) % 100, 2);
    const serial = this.digits(6);
    const check = this.digits(2);
    return this.chance(0.6)
      ? `${this.pick(LICENCE_CODES)}-${year}-${serial}-${check}`
      : `${this.pick(LICENCE_REGIONS)} ${year}-${serial}-${check}`;
  }
  /** 사업자등록번호 XXX-XX-XXXXX with the National Tax Service check digit. */
  brn(): string {
    const d = [this.int(1, 9), ...this.digits(8).split('').map(Number)];
    d[3] = this.pick([0, 1, 8, 8, 8, 5]); // 개인·법인 구분 codes: 01–79 individuals, 81–88 corporations
    const weights = [1, 3, 7, 1, 3, 7, 1, 3, 5];
    let sum = weights.reduce((s, w, i) => s + w * d[i]!, 0);
    sum += Math.floor((d[8]! * 5) / 10);
    const check = (10 - (sum % 10)) % 10;
    const s = d.join('') + String(check);
    return this.chance(0.85) ? `${s.slice(0, 3)}-${s.slice(3, 5)}-${s.slice(5)}` : s;
  }
  /** 법인등록번호 XXXXXX-XXXXXXX: registry office, corporation kind, serial, check digit. */
  crn(): string {
    const office = this.pick(['1101', '1101', '1311', '1201', '1801', '1344', '2011', '1601', '1748', '1358']);
    const kind = this.pick(['11', '11', '11', '14', '12', '13', '71', '81']);
    const body = office + kind + this.digits(6);
    let sum = 0;
    for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 2);
    const check = (10 - (sum % 10)) % 10;
    return `${body.slice(0, 6)}-${body.slice(6)}${check}`;
  }
  /** Card numbers with real issuer prefixes and a valid Luhn digit, grouped as printed. */
  creditCard(): string {
    const amex = this.chance(0.1);
    const prefix = amex
      ? this.pick(['34', '37'])
      : this.pick(['4', '4', '51', '52', '53', '54', '55', '2221', '9410', '9430', '6210', '3560']);
    const length = amex ? 15 : 16;
    let body = prefix + this.digits(length - 1 - prefix.length);
    let sum = 0;
    for (let i = 0; i < body.length; i++) {
      let d = Number(body[body.length - 1 - i]);
      if (i % 2 === 0) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
    }
    body += String((10 - (sum % 10)) % 10);
    const sep = this.pick(['-', '-', ' ', '', '-']);
    return amex ? [body.slice(0, 4), body.slice(4, 10), body.slice(10)].join(sep) : (body.match(/\d{4}/gu) ?? []).join(sep);
  }
  /** A bank name (context, not labelled) and an account number in that bank's layout (labelled). */
  bankAccount(): Piece {
    const bank = this.pick(BANKS);
    let raw = (bank.prefix ?? '') + this.digits(bank.layout.reduce((a, b) => a + b, 0) - (bank.prefix?.length ?? 0));
    const groups: string[] = [];
    for (const n of bank.layout) {
      groups.push(raw.slice(0, n));
      raw = raw.slice(n);
    }
    const number = this.chance(0.85) ? groups.join('-') : groups.join('');
    return [this.pick(bank.names), this.pick([' ', ' ', ' 계좌 ', ' ']), ent('BANK_ACCOUNT', number)];
  }
  /** 건강보험증번호: 11 digits, sometimes written with a hyphen after the first. */
  healthInsurance(): string {
    const n = String(this.int(1, 9)) + this.digits(10);
    return this.chance(0.6) ? n : `${n.slice(0, 1)}-${n.slice(1)}`;
  }

  // ---- phones, e-mail, network ------------------------------------------------------------------
  phone(): string {
    const r = this.random();
    let groups: string[];
    let international = false;
    if (r < 0.6) groups = ['010', this.digits(4), this.digits(4)];
    else if (r < 0.65) groups = [this.pick(['011', '016', '017', '019']), this.digits(3), this.digits(4)];
    else if (r < 0.8) {
      const area = this.pick([
        '02',
        '031',
        '032',
        '033',
        '041',
        '042',
        '043',
        '051',
        '052',
        '053',
        '054',
        '055',
        '061',
        '062',
        '063',
        '064',
      ]);
      groups = [area, area === '02' && this.chance(0.3) ? this.digits(3) : String(this.int(2, 9)) + this.digits(3), this.digits(4)];
    } else if (r < 0.9) groups = ['070', String(this.int(2, 8)) + this.digits(3), this.digits(4)];
    else {
      groups = [this.pick(['10', '10', '2', '31']), this.digits(groups2(this)), this.digits(4)];
      international = true;
    }
    const sep = this.pick(['-', '-', '-', '-', '.', ' ', '', '–', '‐', '－']);
    let text = groups.join(sep);
    if (international) text = `+82${this.pick(['-', ' ', ''])}${text}`;
    else if (groups[0]!.length <= 3 && groups[0]!.startsWith('0') && groups[0] !== '010' && this.chance(0.2))
      text = `(${groups[0]}) ${groups.slice(1).join('-')}`;
    if (this.chance(0.05)) text = fullWidth(text);
    return text;
  }
  email(name?: string): string {
    const base = name
      ? (FIRST_NAMES_ROMAN[name[0]!] ?? 'user')
      : this.pick(['hong', 'minji', 'jhkim', 'sy.park', 'dev', 'happy', 'sunny', 'korea']);
    const suffix = this.pick(['', this.digits(2), this.digits(4), this.pick(['min', 'jin', 'hoon', 'ah'])]);
    const local = suffix ? `${base}${this.pick(['', '.', '_', ''])}${suffix}` : base;
    return `${local}@${this.pick(EMAIL_DOMAINS)}`;
  }
  ip(): string {
    if (this.chance(0.75)) {
      const first = this.pick([this.int(1, 223), 192, 10, 172, 211, 121, 58, 175, 222]);
      return [first, this.int(0, 255), this.int(0, 255), this.int(1, 254)].join('.');
    }
    const hex = () => this.int(0, 0xffff).toString(16);
    if (this.chance(0.5)) return ['2001', 'db8', hex(), hex(), hex(), hex(), hex(), hex()].join(':');
    return this.pick([`2001:db8::${hex()}`, `fe80::${hex()}:${hex()}:${hex()}:${hex()}`, `2406:5900:${hex()}::${hex()}`]);
  }
  vehiclePlate(): string {
    const letter = this.pick(PLATE_LETTERS);
    const sp = this.pick(['', '', '', ' ']);
    if (this.chance(0.15))
      return `${this.pick(PLATE_REGIONS)}${this.pick(['', ' '])}${this.pad(this.int(10, 99), 2)}${letter}${sp}${this.digits(4)}`;
    return `${this.chance(0.5) ? this.int(100, 699) : this.int(10, 99)}${letter}${sp}${this.int(1000, 9999)}`;
  }

  // ---- addresses --------------------------------------------------------------------------------
  private sido(full: string): string {
    return this.chance(0.55) ? full : (SIDO_SHORT[full] ?? full);
  }
  private detail(): string {
    const r = this.random();
    if (r < 0.3) return `, ${this.int(101, 120)}동 ${this.int(1, 25)}0${this.int(1, 6)}호`;
    if (r < 0.45) return ` ${this.int(2, 15)}층`;
    if (r < 0.6) return `, ${this.int(1, 5)}층 ${this.int(1, 5)}0${this.int(1, 9)}호`;
    if (r < 0.7) return ` ${this.pick(APARTMENTS)} ${this.int(101, 115)}동 ${this.int(1, 20)}0${this.int(1, 4)}호`;
    return '';
  }
  /** A road-name or lot-number address; the whole written address, details included, is the label. */
  address(): string {
    if (this.chance(0.65)) {
      const road: Road = this.pick(this.places.roads);
      const number = `${this.int(1, 980)}${this.chance(0.2) ? `-${this.int(1, 30)}` : ''}`;
      const head = this.chance(0.9) ? `${this.sido(road.sido)} ${road.sigungu}` : road.sigungu;
      let text = `${head} ${road.road} ${number}${this.detail()}`;
      const dongs = this.districtsBySigungu.get(`${road.sido}|${road.sigungu}`);
      if (dongs && this.chance(0.35)) text += ` (${this.pick(dongs)}${this.chance(0.3) ? `, ${this.pick(APARTMENTS)}` : ''})`;
      return text;
    }
    const d = this.pick(this.places.districts);
    // The 법정동 table writes 창원시성산구; addresses write 창원시 성산구.
    const sigungu = d.sigungu.replace(/^(.+시)(.+구)$/u, '$1 $2');
    const lot = `${this.chance(0.1) ? '산 ' : ''}${this.int(1, 1200)}${this.chance(0.5) ? `-${this.int(1, 40)}` : ''}${this.chance(0.3) ? '번지' : ''}`;
    return `${this.sido(d.sido)} ${sigungu} ${d.dong}${d.ri ? ` ${d.ri}` : ''} ${lot}${this.detail()}`;
  }

  // ---- hard negatives ---------------------------------------------------------------------------
  date(): string {
    const y = this.int(2019, 2026);
    const m = this.int(1, 12);
    const d = this.int(1, 28);
    return this.pick([
      `${y}-${this.pad(m, 2)}-${this.pad(d, 2)}`,
      `${y}.${m}.${d}`,
      `${y}. ${m}. ${d}.`,
      `${y}년 ${m}월 ${d}일`,
      `${String(y).slice(2)}.${this.pad(m, 2)}.${this.pad(d, 2)}`,
      `${y}${this.pad(m, 2)}${this.pad(d, 2)}`,
    ]);
  }
  time(): string {
    const h = this.int(0, 23);
    const m = this.pick([0, 10, 15, 20, 30, 40, 45, 50, this.int(0, 59)]);
    return this.pick([
      `${this.pad(h, 2)}:${this.pad(m, 2)}`,
      `오${h < 12 ? '전' : '후'} ${h % 12 || 12}시${m ? ` ${m}분` : ''}`,
      `${this.pad(h, 2)}:${this.pad(m, 2)}:${this.pad(this.int(0, 59), 2)}`,
    ]);
  }
  amount(): string {
    const won = this.int(1, 5000) * this.pick([100, 1000, 10000]);
    return this.pick([
      `${won.toLocaleString('en-US')}원`,
      `${won}원`,
      `금 ${won.toLocaleString('en-US')}원정`,
      `${Math.max(1, Math.round(won / 10000))}만원`,
      `₩${won.toLocaleString('en-US')}`,
    ]);
  }
  orderNumber(): string {
    const day = `${this.int(2021, 2026)}${this.pad(this.int(1, 12), 2)}${this.pad(this.int(1, 28), 2)}`;
    return this.pick([
      `${day}-${this.digits(7)}`,
      `${day}${this.digits(6)}`,
      `ORD-${day}-${this.digits(5)}`,
      `${this.digits(4)}-${this.digits(4)}-${this.digits(4)}-${this.digits(2)}`,
      `${day.slice(2)}${this.digits(8)}`,
    ]);
  }
  trackingNumber(): string {
    return this.pick([
      `${this.digits(4)}-${this.digits(4)}-${this.digits(4)}`,
      `${this.int(5, 6)}${this.digits(11)}`,
      `${this.digits(3)}-${this.digits(4)}-${this.digits(4)}-${this.digits(2)}`,
      `KR${this.digits(9)}KR`,
    ]);
  }
  version(): string {
    return this.pick([
      `v${this.int(1, 12)}.${this.int(0, 20)}.${this.int(0, 40)}`,
      `${this.int(1, 20)}.${this.int(0, 9)}.${this.int(0, 99)}`,
      `${this.int(1, 12)}.${this.int(0, 30)}.${this.int(0, 300)}.${this.int(0, 9999)}`,
      `${this.int(1, 5)}.${this.int(0, 9)}.${this.int(0, 9)}-beta.${this.int(1, 9)}`,
    ]);
  }
  statute(): string {
    return this.pick([
      `법률 제${this.int(10000, 20500)}호`,
      `대통령령 제${this.int(25000, 34000)}호`,
      `「개인정보 보호법」 제${this.int(15, 39)}조 제${this.int(1, 5)}항`,
      `같은 법 시행령 제${this.int(2, 60)}조의${this.int(2, 4)}`,
      `민법 제${this.int(100, 1100)}조`,
      `「전자상거래 등에서의 소비자보호에 관한 법률」 제17조 제${this.int(1, 6)}항`,
      `고시 제${this.int(2019, 2026)}-${this.int(1, 250)}호`,
    ]);
  }
  productCode(): string {
    return this.pick([
      `SM-${this.pick(['S', 'A', 'G', 'F'])}${this.int(100, 999)}${this.pick(['N', 'K', 'L'])}`,
      `${this.pick(['A', 'B', 'KS', 'PRD'])}-${this.digits(3)}-${this.digits(4)}`,
      `SKU${this.digits(8)}`,
      `${this.pick(['LG', 'HP', 'CJ'])}${this.digits(2)}-${this.pick(['X', 'Z', 'Q'])}${this.digits(3)}`,
      `${this.digits(3)}${this.pick(['가', '나', '다'])}${this.digits(2)}-${this.digits(3)}`,
    ]);
  }
  postalCode(): string {
    return this.pad(this.int(1000, 63644), 5);
  }
  caseNumber(): string {
    return this.pick([
      `${this.int(2018, 2026)}${this.pick(['가단', '가합', '나', '고단', '드단', '타경'])}${this.int(100, 99999)}`,
      `민원 제${this.int(2023, 2026)}-${this.digits(6)}호`,
      `접수번호 ${this.digits(2)}${this.pick(['AA', 'BA'])}-${this.digits(7)}`,
    ]);
  }
  negative(kind: NegativeKind): Piece {
    const make: Record<NegativeKind, () => string> = {
      'order-number': () => this.orderNumber(),
      'tracking-number': () => this.trackingNumber(),
      amount: () => this.amount(),
      date: () => this.date(),
      time: () => this.time(),
      version: () => this.version(),
      statute: () => this.statute(),
      'product-code': () => this.productCode(),
      'postal-code': () => this.postalCode(),
      'case-number': () => this.caseNumber(),
    };
    return neg(kind, make[kind]());
  }
}

function groups2(v: Values): number {
  return v.chance(0.8) ? 4 : 3;
}

/** ASCII digits and dashes as their full-width forms (same length in UTF-16). */
export function fullWidth(text: string): string {
  return text.replace(/[0-9\-+()]/gu, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}
