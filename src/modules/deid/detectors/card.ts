/**
 * CREDIT_CARD: 13–19 digits, contiguous or in the printed groups (4-4-4-4, 4-4-4-4-3, 4-6-5 Amex,
 * 4-6-4 Diners), with a valid Luhn digit; known issuer ranges (IIN) score higher.
 */
import { ACCOUNT_WORDS, nearestWordDistance, scoreInContext } from '../context.js';
import type { Entity } from '../entities.js';
import { type DigitRuns, digitRuns, execAt } from './digit-runs.js';

const CARD_SHAPE = /(?<!\d[- ]?)(?:\d{4}([- ])\d{4}\1\d{4}\1\d{4}(?:\1\d{3})?|\d{4}([- ])\d{6}\2\d{4,5}|\d{13,19})(?!\d|-\d)/y;

/** Words naming a card. */
const CARD_WORDS = /카드|card|visa|master|amex|결제/gi;

/**
 * True when a digit string passes the Luhn (mod 10) check.
 *
 * @example isLuhnValid('4111111111111111') // true
 */
export function isLuhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * True when the number's prefix and length belong to a card network: Visa, Mastercard (51–55,
 * 2221–2720), Amex, Diners, Discover, JCB, UnionPay, or a Korean domestic-only card (9xxx, 16 digits).
 *
 * @example isKnownIssuer('5500000000000004') // true
 */
export function isKnownIssuer(digits: string): boolean {
  const n = digits.length;
  const two = Number(digits.slice(0, 2));
  const three = Number(digits.slice(0, 3));
  const four = Number(digits.slice(0, 4));
  if (digits[0] === '4') return n === 13 || n === 16 || n === 19;
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return n === 16;
  if (two === 34 || two === 37) return n === 15;
  if ((three >= 300 && three <= 305) || two === 36 || two === 38 || two === 39) return n >= 14 && n <= 16;
  if (four === 6011 || two === 65 || (three >= 644 && three <= 649)) return n >= 16 && n <= 19;
  if (four >= 3528 && four <= 3589) return n >= 16 && n <= 19;
  if (two === 62) return n >= 16 && n <= 19;
  if (digits[0] === '9') return n === 16;
  return false;
}

/**
 * Finds card numbers in normalised text.
 *
 * @example findCards('카드번호 4111-1111-1111-1111로 결제') // [{ type: 'CREDIT_CARD', start: 5, end: 24, score: 0.985 }]
 */
export function findCards(text: string, runs: DigitRuns = digitRuns(text)): Entity[] {
  const found: Entity[] = [];
  let resume = 0;
  for (let r = 0; r < runs.count; r++) {
    const length = runs.lengths[r]!;
    // Printed groups open with 4 digits; a bare card number has 13 to 19.
    if (runs.starts[r]! < resume || !(length === 4 || (length >= 13 && length <= 19))) continue;
    const m = execAt(CARD_SHAPE, text, runs.starts[r]!);
    if (m === null) continue;
    const start = m.index;
    const end = start + m[0].length;
    resume = end;
    const grouped = m[1] !== undefined || m[2] !== undefined;
    const digits = grouped ? m[0].replace(/[- ]/g, '') : m[0];
    if (!isLuhnValid(digits)) continue;
    let base = isKnownIssuer(digits) ? (grouped ? 0.95 : 0.8) : grouped ? 0.5 : 0.3;
    // 13–14 bare digits are an account number as often as a card (우리은행 1002…, 부산은행 …):
    // when an account word is nearer than a card word, the account reading is the one to believe.
    if (!grouped && nearestWordDistance(text, start, end, ACCOUNT_WORDS) < nearestWordDistance(text, start, end, CARD_WORDS)) base *= 0.4;
    found.push({ type: 'CREDIT_CARD', start, end, score: scoreInContext(text, start, end, 'CREDIT_CARD', base) });
  }
  return found;
}
