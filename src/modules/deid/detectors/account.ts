/**
 * BANK_ACCOUNT: Korean account numbers have no check digit anyone publishes and bank-specific
 * groupings (국민 6-2-6, 신한 3-3-6, 우리 4-3-6, 하나 3-6-5, 농협 3-4-4-2, 기업 3-6-2-3, 카카오뱅크
 * 4-2-7, 토스뱅크 4-4-4 …), so a number is only trusted near a word such as 계좌, 입금 or a bank's
 * name; elsewhere its score stays under the default threshold.
 */
import { followedByUnit, isNumberedReference, scoreInContext } from '../context.js';
import type { Entity } from '../entities.js';
import { type DigitRuns, digitRuns, execAt } from './digit-runs.js';

const ACCOUNT_SHAPE = /(?<![\dA-Za-z-])(?:\d{2,6}(?:-\d{1,7}){1,3}|\d{10,14})(?![\dA-Za-z]|-\d)/y;

/** A number that opens with a date (2024-05-01-12, 20240501-123456) is a document or order number. */
const STARTS_WITH_DATE = /^(?:19|20)\d{2}-?(?:0[1-9]|1[0-2])-?(?:0[1-9]|[12]\d|3[01])-/;

/** Groupings the big banks print (group lengths joined by '-'). */
const KNOWN_GROUPINGS = new Set([
  '6-2-6',
  '3-3-6',
  '4-3-6',
  '3-6-5',
  '3-4-4-2',
  '3-6-2-3',
  '4-2-7',
  '4-4-4',
  '3-2-6',
  '3-6-3',
  '3-2-4-3',
  '4-4-4-1',
  '3-2-6-1',
  '3-4-4-3',
  '3-3-5',
  '3-2-5-1',
]);

/** The group lengths of a hyphenated number joined by '-' (110-123-456789 → '3-3-6'). */
function groupingOf(s: string): string {
  let key = '';
  let length = 0;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) === 45) {
      key += `${length}-`;
      length = 0;
    } else length++;
  }
  return key + String(length);
}

/** How many digits the run of digits and hyphens starting at `at` holds. */
function digitsInGroups(text: string, at: number): number {
  let digits = 0;
  for (let i = at; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c !== 45) break;
  }
  return digits;
}

/**
 * Finds bank account numbers in normalised text (10–14 digits, bare or in groups).
 *
 * @example findAccounts('입금 계좌 110-123-456789 (신한)') // [{ type: 'BANK_ACCOUNT', start: 6, end: 20, score: 0.82 }]
 */
export function findAccounts(text: string, runs: DigitRuns = digitRuns(text)): Entity[] {
  const found: Entity[] = [];
  let resume = 0;
  for (let r = 0; r < runs.count; r++) {
    const at = runs.starts[r]!;
    const length = runs.lengths[r]!;
    // Grouped: 2–6 digits then a hyphen; bare: 10–14 digits.
    if (at < resume || !((length >= 2 && length <= 6 && text.charCodeAt(at + length) === 45) || (length >= 10 && length <= 14))) continue;
    // Grouped numbers with fewer than 10 digits in all (dates: 2024-05-01) are never accounts.
    if (length < 10 && digitsInGroups(text, at) < 10) continue;
    const m = execAt(ACCOUNT_SHAPE, text, at);
    if (m === null) continue;
    const s = m[0];
    const start = m.index;
    const end = start + s.length;
    resume = end;
    let digits = 0;
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== 45) digits++;
    if (digits < 10 || digits > 14) continue;
    if (isNumberedReference(text, start, end) || followedByUnit(text, end) || STARTS_WITH_DATE.test(s)) continue;
    const grouped = digits !== s.length;
    const mobileLike = s.startsWith('01');
    const base = !grouped || mobileLike ? 0.15 : KNOWN_GROUPINGS.has(groupingOf(s)) ? 0.4 : 0.3;
    found.push({ type: 'BANK_ACCOUNT', start, end, score: scoreInContext(text, start, end, 'BANK_ACCOUNT', base) });
  }
  return found;
}
