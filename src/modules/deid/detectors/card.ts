/**
 * CREDIT_CARD: 13–19 digits, contiguous or in the printed groups (4-4-4-4, 4-4-4-4-3, 4-6-5 Amex,
 * 4-6-4 Diners), with a valid Luhn digit; known issuer ranges (IIN) score higher.
 */
import { scoreInContext } from '../context.js';
import type { Entity } from '../entities.js';

const CARD_SHAPE = /(?<!\d[- ]?)(?:\d{4}([- ])\d{4}\1\d{4}\1\d{4}(?:\1\d{3})?|\d{4}([- ])\d{6}\2\d{4,5}|\d{13,19})(?!\d|-\d)/g;

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
export function findCards(text: string): Entity[] {
  const found: Entity[] = [];
  CARD_SHAPE.lastIndex = 0;
  for (let m = CARD_SHAPE.exec(text); m !== null; m = CARD_SHAPE.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    const grouped = m[1] !== undefined || m[2] !== undefined;
    const digits = grouped ? m[0].replace(/[- ]/g, '') : m[0];
    if (!isLuhnValid(digits)) continue;
    const base = isKnownIssuer(digits) ? (grouped ? 0.95 : 0.8) : grouped ? 0.5 : 0.3;
    found.push({ type: 'CREDIT_CARD', start, end, score: scoreInContext(text, start, end, 'CREDIT_CARD', base) });
  }
  return found;
}
