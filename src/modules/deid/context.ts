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

/**
 * Words naming a bank account. A bare 13-digit number near one is an account even when it also
 * reads as a card (Luhn) or a resident number (a date and a check digit), so detectors of those
 * compare distances with `nearestWordDistance`.
 */
export const ACCOUNT_WORDS = /계좌|통장|은행|예금주|입금|송금|이체|뱅크|새마을금고|account|bank/gi;

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
  // Four dotted numbers after these are a software version (앱 업데이트 12.8.173.38), not a host.
  IP_ADDRESS: ['펌웨어', '업데이트', '패치', '릴리스', 'firmware', 'update', 'patch', 'release'],
};

function wordsPattern(words: readonly string[]): RegExp | null {
  if (words.length === 0) return null;
  // Longest first so alternation prefers '주민등록' over '주민' (only matters for the match end).
  const sorted = [...words].sort((a, b) => b.length - a.length);
  // Case-insensitive for Latin letters only, spelled out ([tT][eE][lL]): the i flag would make
  // every Hangul character go through case folding too, a quarter slower on these short windows.
  const escaped = sorted.map((w) =>
    w.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace(/[A-Za-z]/g, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`),
  );
  return new RegExp(escaped.join('|'), 'g');
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

/** Distance in characters from the candidate to the nearest match of `pattern` in the window (after it: doubled), or Infinity. */
function nearest(pattern: RegExp, text: string, start: number, end: number, before: number, after: number): number {
  return nearestIn(pattern, leftWindow(text, start, before), rightWindow(text, end, after));
}

/** The text within `before` characters before `start`. */
function leftWindow(text: string, start: number, before: number): string {
  return text.slice(Math.max(0, start - before), start);
}

/** The text within `after` characters after `end`, up to a line break: the next line is another field or item. */
function rightWindow(text: string, end: number, after: number): string {
  let to = Math.min(text.length, end + after);
  for (let i = end; i < to; i++)
    if (text.charCodeAt(i) === 10) {
      to = i;
      break;
    }
  return text.slice(end, to);
}

/** Distance from the candidate between `left` and `right` to the nearest match of `pattern`. */
function nearestIn(pattern: RegExp, left: string, right: string): number {
  let best = Infinity;
  if (left.length > 0) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(left); m !== null; m = pattern.exec(left)) {
      best = Math.min(best, left.length - (m.index + m[0].length));
      if (m[0].length === 0) pattern.lastIndex++;
    }
  }
  if (right.length > 0) {
    pattern.lastIndex = 0;
    const m = pattern.exec(right);
    // A word after the number counts half as near: Korean names a thing before it, so a word after
    // is as often the label of the next field (새마을금고 9002-…. 운송장번호 …) as a comment on this one.
    if (m !== null) best = Math.min(best, 2 * m.index + 1);
  }
  return best;
}

/**
 * Distance in characters from `[start, end)` to the nearest match of a global `pattern` within the
 * context window (a match after the candidate counts double), or Infinity: for detectors that
 * weigh two readings of one number against each other (법인 vs 주민 for a 13-digit number).
 *
 * @example nearestWordDistance('법인등록번호 110111-0012346', 7, 21, /법인/g) // 5
 */
export function nearestWordDistance(text: string, start: number, end: number, pattern: RegExp): number {
  return nearest(pattern, text, start, end, CONTEXT_BEFORE, CONTEXT_AFTER);
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
  const left = leftWindow(text, start, before);
  const right = rightWindow(text, end, after);
  const p = positive ? nearestIn(positive, left, right) : Infinity;
  const n = negative ? nearestIn(negative, left, right) : Infinity;
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

/**
 * Units written after a number that make it an amount, a year, a count (never an identifier):
 * glued to it (1588-1234원, 1800-1900년대), or after one space when the unit is a word of its own
 * (1588-1234 원.). After a space or a line break a unit syllable usually begins the next word
 * (…1234568⏎건강보험증번호, 010-1234-5678⏎배송지, 계좌 123-456-789 명의), so it does not count there.
 */
const UNIT_AFTER =
  /^(?:(?:원|년|개|명|건|회|%|만|억|천|배|위|kg|km|달러|세|살|시간|분|초)| (?:원|년|개|명|건|회|%|만|억|천|배|위|kg|km|달러|세|살|시간|분|초)(?![가-힣A-Za-z]))/;

/**
 * True when a number is followed by a unit (1588-1234원, 1800-1900년대): an amount or a year
 * range, not an identifier.
 *
 * @example
 * followedByUnit('1600-1700년대', 9) // true
 * followedByUnit('010-1234-5678로', 13) // false
 * followedByUnit('900101-1234568\n건강보험증', 14) // false
 */
export function followedByUnit(text: string, end: number): boolean {
  // Most numbers are followed by neither a unit's first character nor a space: no substring then.
  const next = text.charCodeAt(end);
  if (next !== 32 && !UNIT_FIRST.has(next)) return false;
  return UNIT_AFTER.test(text.slice(end, end + 6));
}

/** First code units of the units in UNIT_AFTER. */
const UNIT_FIRST: ReadonlySet<number> = new Set([...'원년개명건회%만억천배위k달세살시분초'].map((c) => c.charCodeAt(0)));
const JE = '제'.charCodeAt(0);

function isWhitespaceCode(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    c === 0x3000 ||
    c === 0xfeff ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x1680
  );
}

/**
 * True when a number sits in a statute or document reference: 제12345호, 제 2024-17 호, 제3조.
 *
 * @example
 * isNumberedReference('법률 제12345호', 4, 9) // true
 */
export function isNumberedReference(text: string, start: number, end: number): boolean {
  // 제 right before, or before one whitespace character: checked on code units, no substring.
  const last = text.charCodeAt(start - 1);
  if (last !== JE && !(isWhitespaceCode(last) && text.charCodeAt(start - 2) === JE)) return false;
  return /^\s?(?:호|조|항|차|회|기|편|장|절)/.test(text.slice(end, end + 3));
}
