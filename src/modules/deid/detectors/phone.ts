/**
 * PHONE: Korean telephone numbers — mobiles (010, 011, 016–019), Seoul (02) and regional area
 * codes (031–064), internet telephony (070), personal safe numbers (0502–0508), free and paid
 * calls (080, 060), company numbers (1588-1234 style), international +82 forms and mobiles spelled
 * in digit words (공일공-일이삼사-오육칠팔), with or without separators. Lengths are checked per prefix (010 always has a 4-digit middle part).
 */
import { followedByUnit, isNumberedReference, scoreInContext } from '../context.js';
import type { Entity } from '../entities.js';
import { type DigitRuns, digitRuns, execAt } from './digit-runs.js';

/** Prefixes in a prefix-free alternation, so an unseparated number splits in exactly one way. */
const PREFIX = '01[016789]|02|0(?:3[1-3]|4[1-4]|5[1-5]|6[1-4])|070|050[2-8]|080|060';
const SEP = '( ?[-.] ?| )?';

/** 0XX-XXXX-XXXX, (02) 123-4567, 0212345678. */
const DOMESTIC = new RegExp(`(?<![\\d+])(?<!\\d[-.])(?:\\(?(${PREFIX})\\) ?|(${PREFIX})${SEP})(\\d{3,4})${SEP}(\\d{4})(?![-.]?\\d)`, 'y');

/** +82 10-1234-5678, +82 (0)2 123 4567, +82-010-… (the domestic 0 kept by mistake). */
const INTERNATIONAL = new RegExp(
  `\\+82[- ]?(?:\\(0\\)|0)?[- ]?(1[016789]|2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70)${SEP}(\\d{3,4})${SEP}(\\d{4})(?![-.]?\\d)`,
  'y',
);

/** 1588-1234: company numbers (15xx, 16xx, 18xx) need a hyphen, eight bare digits are anything. */
const COMPANY = /(?<![\d-])1[568]\d{2}-\d{4}(?![-.]?\d)/y;

/**
 * A mobile number spelled in Sino-Korean digit words (공일공 일이삼사 오육칠팔), a common way past
 * naive filters in chats and call transcripts. It must open with 공일+digit, which prose does not.
 */
const SPELLED_DIGIT = '[공영일이삼사오육칠팔구]';
const SPELLED_MOBILE = new RegExp(
  `(?<!${SPELLED_DIGIT})공일[공일육칠팔구]( ?[-.] ?| )?${SPELLED_DIGIT}{3,4}( ?[-.] ?| )?${SPELLED_DIGIT}{4}`,
  'g',
);

/** Middle-part lengths each prefix allows. */
function middleLengthOk(prefix: string, middle: number): boolean {
  if (prefix === '010' || prefix === '070' || prefix.startsWith('050')) return middle === 4;
  return middle === 3 || middle === 4;
}

/**
 * Finds telephone numbers in normalised text.
 *
 * @example findPhones('연락처 010-1234-5678로 주세요') // [{ type: 'PHONE', start: 4, end: 17, score: 0.97 }]
 */
export function findPhones(text: string, runs: DigitRuns = digitRuns(text)): Entity[] {
  const found: Entity[] = [];
  let resume = 0;
  for (let r = 0; r < runs.count; r++) {
    const at = runs.starts[r]!;
    // Every domestic prefix starts with 0; "(02) 123-4567" starts at its parenthesis.
    if (at < resume || text.charCodeAt(at) !== 48) continue;
    const m = (text.charCodeAt(at - 1) === 40 ? execAt(DOMESTIC, text, at - 1) : null) ?? execAt(DOMESTIC, text, at);
    if (m === null) continue;
    const start = m.index;
    const end = start + m[0].length;
    resume = end;
    const prefix = m[1] ?? m[2]!;
    if (!middleLengthOk(prefix, m[4]!.length)) continue;
    if (isNumberedReference(text, start, end) || followedByUnit(text, end)) continue;
    const separated = m[1] !== undefined || m[3] !== undefined || m[5] !== undefined;
    const mobile = prefix.startsWith('01');
    const base = separated ? (mobile ? 0.9 : 0.85) : mobile ? 0.8 : 0.55;
    // A separated number with a real prefix is a phone even next to '가격 문의', and so are 010 and
    // 070 with their eight digits (no other Korean number has that shape); other bare digits are not so sure.
    const bareMobile = (prefix === '010' || prefix === '070') && end - start === 11;
    // 050x personal safe numbers share the 4-4-4 shape of tracking numbers: context still counts.
    const safeNumber = prefix.startsWith('050');
    found.push({
      type: 'PHONE',
      start,
      end,
      score: scoreInContext(text, start, end, 'PHONE', base, { ignoreNegative: (separated && !safeNumber) || bareMobile }),
    });
  }
  resume = 0;
  for (let r = 0; r < runs.count; r++) {
    const at = runs.starts[r]!;
    if (at < resume || text.charCodeAt(at - 1) !== 43) continue;
    const m = execAt(INTERNATIONAL, text, at - 1);
    if (m === null) continue;
    const start = m.index;
    const end = start + m[0].length;
    resume = end;
    // No middle-length rule here: +82 marks a phone number whatever its middle part, and numbers
    // copied from old contact lists (+82 10-123-4567, from 011-123-4567 days) still reach people.
    found.push({ type: 'PHONE', start, end, score: scoreInContext(text, start, end, 'PHONE', 0.95, { ignoreNegative: true }) });
  }
  resume = 0;
  for (let r = 0; r < runs.count; r++) {
    const at = runs.starts[r]!;
    if (at < resume || runs.lengths[r] !== 4 || text.charCodeAt(at) !== 49) continue;
    const m = execAt(COMPANY, text, at);
    if (m === null) continue;
    const start = m.index;
    const end = start + m[0].length;
    resume = end;
    // 1800-1900년대, 1500-2000원: ranges of years or amounts.
    if (followedByUnit(text, end) || isNumberedReference(text, start, end)) continue;
    found.push({ type: 'PHONE', start, end, score: scoreInContext(text, start, end, 'PHONE', 0.7) });
  }
  return found;
}

/**
 * Finds mobile numbers spelled in Korean digit words (공일공-일이삼사-오육칠팔) in normalised text.
 *
 * @example findSpelledPhones('번호는 공일공 일이삼사 오육칠팔이에요') // [{ type: 'PHONE', start: 4, end: 17, score: 0.8 }]
 */
export function findSpelledPhones(text: string): Entity[] {
  const found: Entity[] = [];
  // Every spelled mobile opens with 공일: most texts have none, and indexOf is cheaper than the scan.
  if (!text.includes('공일')) return found;
  SPELLED_MOBILE.lastIndex = 0;
  for (let m = SPELLED_MOBILE.exec(text); m !== null; m = SPELLED_MOBILE.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    const separated = m[1] !== undefined || m[2] !== undefined;
    found.push({ type: 'PHONE', start, end, score: scoreInContext(text, start, end, 'PHONE', separated ? 0.8 : 0.6) });
  }
  return found;
}
