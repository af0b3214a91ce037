/**
 * Context: the words around a candidate that make it more or less likely to be what its shape
 * says. "주민번호는 900101-1234568" is an RRN; "주문번호 900101-1234568" is an order. The nearest
 * word wins when both kinds are near, so "금액 50,000원 입금계좌 123-456-789012" is still an account.
 */
import type { EntityType } from './entities.js';

/** How many characters before a candidate are searched for context words. */
export const CONTEXT_BEFORE = 30;
/** How many characters after a candidate are searched (Korean usually names the thing first). */
export const CONTEXT_AFTER = 15;

/** Words that name a type, in Korean and English (matched case-insensitively, anywhere in the window). */
export const POSITIVE_CONTEXT: Readonly<Record<EntityType, readonly string[]>> = {
  PERSON: [],
  ADDRESS: [],
  KR_RRN: ['주민번호', '주민등록', '주민 등록', '주민 번호', '주민No', '생년월일', '실명번호', 'RRN', 'resident registration', '주민'],
  KR_FRN: ['외국인등록', '외국인 등록', '외국인번호', '등록번호', '외국인', 'alien registration', 'foreigner', 'ARC'],
  KR_PASSPORT: ['여권', '패스포트', 'passport'],
  KR_DRIVER_LICENSE: ['면허', 'driver', 'license', 'licence'],
  KR_BRN: ['사업자', '등록번호', '대표자', '상호', 'business registration', 'BRN', 'tax id'],
  KR_CRN: ['법인', '등기', 'corporate registration', 'corporation', 'CRN'],
  PHONE: [
    '연락처',
    '전화',
    '휴대폰',
    '핸드폰',
    '휴대전화',
    '휴대 전화',
    '핸펀',
    '폰번호',
    '폰 번호',
    'H.P',
    'HP',
    'H/P',
    '팩스',
    '문자',
    '연락',
    'tel',
    'phone',
    'mobile',
    'fax',
    'cell',
  ],
  EMAIL: ['이메일', '메일', '전자우편', 'email', 'e-mail', 'mail'],
  CREDIT_CARD: ['카드', '결제', 'card', 'visa', 'master', 'amex'],
  BANK_ACCOUNT: [
    '계좌',
    '입금',
    '송금',
    '이체',
    '예금주',
    '예금',
    '은행',
    '통장',
    '뱅크',
    '국민',
    '신한',
    '우리',
    '하나',
    '농협',
    '기업',
    '우체국',
    '새마을',
    '신협',
    '수협',
    '카카오',
    '토스',
    '씨티',
    'SC제일',
    'account',
    'bank',
    'acct',
  ],
  KR_HEALTH_INSURANCE: ['건강보험', '건보', '보험증', '피보험자', '의료보험', '보험자', 'health insurance', 'NHIS'],
  VEHICLE_PLATE: ['차량', '번호판', '차번호', '차 번호', '자동차', '주차', '승용차', '화물차', 'vehicle', 'plate', 'car'],
  IP_ADDRESS: ['IP', '아이피', '접속', '서버', '로그', '호스트', 'host', 'server', 'addr', 'client'],
};

/** Words that say a number is something else: orders, shipments, products, versions, money, documents. */
export const NEGATIVE_CONTEXT: readonly string[] = [
  '주문번호',
  '주문 번호',
  '송장',
  '운송장',
  '택배',
  '모델',
  '버전',
  '빌드',
  '금액',
  '가격',
  '품번',
  '품목',
  '상품번호',
  '제품번호',
  '코드',
  '일련번호',
  '시리얼',
  '접수번호',
  '관리번호',
  '문서번호',
  '사건번호',
  '특허',
  '바코드',
  'ISBN',
  'model',
  'version',
  'build',
  'order',
  'tracking',
  'invoice',
  'serial',
  'SKU',
];

/** Extra words that lower a type only (a positive word of one type can be a negative of another). */
const TYPE_NEGATIVE: Partial<Record<EntityType, readonly string[]>> = {
  KR_CRN: ['주민'],
  KR_RRN: ['법인', '사업자'],
  BANK_ACCOUNT: ['전화', '휴대폰', '연락처'],
};

function wordsPattern(words: readonly string[]): RegExp | null {
  if (words.length === 0) return null;
  // Longest first so alternation prefers '주민등록' over '주민' (only matters for the match end).
  const sorted = [...words].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map((w) => w.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'), 'gi');
}

/** Compiled once: one alternation per type for each direction of evidence. */
const POSITIVE_PATTERNS = new Map<EntityType, RegExp | null>();
const NEGATIVE_PATTERNS = new Map<EntityType, RegExp | null>();
for (const type of Object.keys(POSITIVE_CONTEXT) as EntityType[]) {
  POSITIVE_PATTERNS.set(type, wordsPattern(POSITIVE_CONTEXT[type]));
  NEGATIVE_PATTERNS.set(type, wordsPattern([...NEGATIVE_CONTEXT, ...(TYPE_NEGATIVE[type] ?? [])]));
}

/** What the neighbourhood of a candidate says about it. */
export type ContextEvidence = 'positive' | 'negative' | 'none';

/** Distance in characters from the candidate to the nearest match of `pattern` in the window, or Infinity. */
function nearest(pattern: RegExp, text: string, start: number, end: number, before: number, after: number): number {
  let best = Infinity;
  const from = Math.max(0, start - before);
  if (from < start) {
    const left = text.slice(from, start);
    pattern.lastIndex = 0;
    for (let m = pattern.exec(left); m !== null; m = pattern.exec(left)) {
      best = Math.min(best, left.length - (m.index + m[0].length));
      if (m[0].length === 0) pattern.lastIndex++;
    }
  }
  const to = Math.min(text.length, end + after);
  if (end < to) {
    const right = text.slice(end, to);
    pattern.lastIndex = 0;
    const m = pattern.exec(right);
    if (m !== null) best = Math.min(best, m.index);
  }
  return best;
}

/**
 * The context evidence for a candidate of `type` at `[start, end)`: the nearest positive or
 * negative word within the window decides (a tie goes to positive: naming the type is stronger).
 *
 * @example
 * contextEvidence('주민번호: 900101-1234568', 6, 20, 'KR_RRN') // 'positive'
 * contextEvidence('주문번호 900101-1234568', 5, 19, 'KR_RRN') // 'negative'
 */
export function contextEvidence(
  text: string,
  start: number,
  end: number,
  type: EntityType,
  window: { before?: number; after?: number } = {},
): ContextEvidence {
  const before = window.before ?? CONTEXT_BEFORE;
  const after = window.after ?? CONTEXT_AFTER;
  const positive = POSITIVE_PATTERNS.get(type);
  const negative = NEGATIVE_PATTERNS.get(type);
  const p = positive ? nearest(positive, text, start, end, before, after) : Infinity;
  const n = negative ? nearest(negative, text, start, end, before, after) : Infinity;
  if (p === Infinity && n === Infinity) return 'none';
  return p <= n ? 'positive' : 'negative';
}

/**
 * A base score moved by context: a positive word closes 70% of the gap to 1, a negative word
 * takes away 55% of the score.
 *
 * @example
 * applyContext(0.3, 'positive') // 0.79
 * applyContext(0.9, 'negative') // 0.405
 */
export function applyContext(base: number, evidence: ContextEvidence): number {
  if (evidence === 'positive') return round(base + (1 - base) * 0.7);
  if (evidence === 'negative') return round(base * 0.45);
  return base;
}

/**
 * A base score adjusted by the context around `[start, end)`.
 *
 * @example
 * scoreInContext('계좌 110-123-456789', 3, 17, 'BANK_ACCOUNT', 0.3) // 0.79
 */
export function scoreInContext(
  text: string,
  start: number,
  end: number,
  type: EntityType,
  base: number,
  options: { ignoreNegative?: boolean } = {},
): number {
  const evidence = contextEvidence(text, start, end, type);
  // A shape that is unambiguous on its own (010-1234-5678) stays what it is next to '가격 문의'.
  return applyContext(base, options.ignoreNegative && evidence === 'negative' ? 'none' : evidence);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Units written right after a number that make it an amount, a year, a count (never an identifier). */
const UNIT_AFTER = /^\s?(?:원|년|개|명|건|회|%|만|억|천|배|위|kg|km|달러|세|살|시간|분|초)/;

/**
 * True when a number is followed by a unit (1588-1234원, 1800-1900년대): an amount or a year
 * range, not an identifier.
 *
 * @example
 * followedByUnit('1600-1700년대', 9) // true
 * followedByUnit('010-1234-5678로', 13) // false
 */
export function followedByUnit(text: string, end: number): boolean {
  return UNIT_AFTER.test(text.slice(end, end + 5));
}

/**
 * True when a number sits in a statute or document reference: 제12345호, 제 2024-17 호, 제3조.
 *
 * @example
 * isNumberedReference('법률 제12345호', 4, 9) // true
 */
export function isNumberedReference(text: string, start: number, end: number): boolean {
  const before = text.slice(Math.max(0, start - 2), start);
  if (!/제\s?$/.test(before)) return false;
  return /^\s?(?:호|조|항|차|회|기|편|장|절)/.test(text.slice(end, end + 3));
}
