/**
 * Korean structured identifiers: 주민등록번호 (KR_RRN), 외국인등록번호 (KR_FRN), 법인등록번호
 * (KR_CRN), 사업자등록번호 (KR_BRN), 여권번호 (KR_PASSPORT), 운전면허번호 (KR_DRIVER_LICENSE) and
 * 건강보험증번호 (KR_HEALTH_INSURANCE).
 *
 * Every finder works on normalised text (see ../normalize.ts) and returns offsets into it. Digit
 * lookarounds (never `\b`, which sees no boundary between a digit and Hangul) keep a match from
 * starting or ending inside a longer number, and particles right after (…1234568입니다) are fine.
 */
import { ACCOUNT_WORDS, followedByUnit, isNumberedReference, nearestWordDistance, scoreInContext } from '../context.js';
import type { Entity } from '../entities.js';
import { type DigitRuns, digitRuns, execAt } from './digit-runs.js';

// ---------------------------------------------------------------------------------------------
// Check digits
// ---------------------------------------------------------------------------------------------

const RESIDENT_WEIGHTS = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5] as const;

function residentSum(digits: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (digits.charCodeAt(i) - 48) * RESIDENT_WEIGHTS[i]!;
  return sum;
}

/**
 * True when the 13th digit of an RRN is its check digit: (11 − Σ dᵢwᵢ mod 11) mod 10 with weights
 * 2,3,4,5,6,7,8,9,2,3,4,5. Numbers issued from October 2020 have a random tail and fail this.
 *
 * @example isValidRrnChecksum('9001011234568') // true
 */
export function isValidRrnChecksum(digits: string): boolean {
  return (11 - (residentSum(digits) % 11)) % 10 === digits.charCodeAt(12) - 48;
}

/**
 * True when the 13th digit of an FRN (외국인등록번호) is its check digit: (13 − Σ dᵢwᵢ mod 11) mod 10,
 * same weights as the RRN. This is the rule of the validators in public use, written either that
 * way (e.g. github.com/YooGenie/validate-registration-number, foreigner_registration_number.go:
 * `13 - sum%11`, minus 10 when ≥ 10) or as the RRN check plus 2 mod 10 (the classic
 * `checkForeignerNo` script: ((11 − r) mod 10 + 2) mod 10, which is algebraically the same). Like
 * RRNs, FRNs issued from October 2020 carry a random tail.
 *
 * @example isValidFrnChecksum('9001015123452') // true
 */
export function isValidFrnChecksum(digits: string): boolean {
  return (13 - (residentSum(digits) % 11)) % 10 === digits.charCodeAt(12) - 48;
}

/**
 * True when a 13-digit 법인등록번호 has a valid check digit: weights 1,2,1,2,… over the first 12
 * digits, check = (10 − sum mod 10) mod 10.
 *
 * @example isValidCrnChecksum('1101110012346') // true
 */
export function isValidCrnChecksum(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (digits.charCodeAt(i) - 48) * (i % 2 === 0 ? 1 : 2);
  return (10 - (sum % 10)) % 10 === digits.charCodeAt(12) - 48;
}

/**
 * True when a 13-digit string is a valid EAN-13 barcode (weights 1,3,1,3,… ; check makes the sum a multiple of 10).
 *
 * @example isValidEan13('8801234567893') // true
 */
export function isValidEan13(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < 13; i++) sum += (digits.charCodeAt(i) - 48) * (i % 2 === 0 ? 1 : 3);
  return sum % 10 === 0;
}

const BRN_WEIGHTS = [1, 3, 7, 1, 3, 7, 1, 3, 5] as const;

/**
 * True when a 10-digit 사업자등록번호 has a valid check digit: Σ dᵢwᵢ with weights 1,3,7,1,3,7,1,3,5
 * plus ⌊d₉·5 / 10⌋, check = (10 − sum mod 10) mod 10.
 *
 * @example isValidBrnChecksum('1208147521') // true
 */
export function isValidBrnChecksum(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (digits.charCodeAt(i) - 48) * BRN_WEIGHTS[i]!;
  sum += Math.floor(((digits.charCodeAt(8) - 48) * 5) / 10);
  return (10 - (sum % 10)) % 10 === digits.charCodeAt(9) - 48;
}

// ---------------------------------------------------------------------------------------------
// 주민등록번호 / 외국인등록번호 / 법인등록번호: one shape (6-7), three readings
// ---------------------------------------------------------------------------------------------

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * True when year/month/day is a real calendar date (leap years included).
 *
 * @example isValidDate(2000, 2, 29) // true
 */
export function isValidDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const days = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
  return day <= days;
}

/** The century the 7th digit (gender digit) gives: 9/0 → 1800s, 1/2/5/6 → 1900s, 3/4/7/8 → 2000s. */
const CENTURY_BY_GENDER_DIGIT = [1800, 1900, 1900, 2000, 2000, 1900, 1900, 2000, 2000, 1800] as const;

/** What a 13-digit resident number says about its holder. */
export interface ResidentNumberReading {
  /** KR_RRN for gender digits 1–4, 9, 0; KR_FRN for 5–8. */
  type: 'KR_RRN' | 'KR_FRN';
  birth: { year: number; month: number; day: number };
  /** null when the tail is masked. */
  checksumValid: boolean | null;
  /** Born from October 2020: the tail is random, so no checksum is expected. */
  randomTail: boolean;
}

/**
 * Reads a 13-digit resident number (or 6 digits + gender digit + a masked tail): its type, birth
 * date and checksum, or null when the date is impossible.
 *
 * `currentYear` bounds the birth year (default: this year by the clock).
 *
 * @example readResidentNumber('9001011234568') // { type: 'KR_RRN', birth: { year: 1990, month: 1, day: 1 }, checksumValid: true, randomTail: false }
 */
export function readResidentNumber(digits: string, currentYear = new Date().getFullYear()): ResidentNumberReading | null {
  const g = digits.charCodeAt(6) - 48;
  if (g < 0 || g > 9) return null;
  const year = CENTURY_BY_GENDER_DIGIT[g]! + (digits.charCodeAt(0) - 48) * 10 + (digits.charCodeAt(1) - 48);
  const month = (digits.charCodeAt(2) - 48) * 10 + (digits.charCodeAt(3) - 48);
  const day = (digits.charCodeAt(4) - 48) * 10 + (digits.charCodeAt(5) - 48);
  // Nobody is born in the future: 880… barcodes read as 2088 births are not RRNs.
  if (year > currentYear || !isValidDate(year, month, day)) return null;
  const type = g >= 5 && g <= 8 ? 'KR_FRN' : 'KR_RRN';
  const masked = digits.length < 13 || digits.charCodeAt(7) < 48 || digits.charCodeAt(7) > 57;
  const randomTail = year > 2020 || (year === 2020 && month >= 10);
  const checksumValid = masked ? null : type === 'KR_RRN' ? isValidRrnChecksum(digits) : isValidFrnChecksum(digits);
  return { type, birth: { year, month, day }, checksumValid, randomTail };
}

/** Words that make a 13-digit number a company's (법인등록번호, 등기번호) rather than a person's. */
const CORPORATE_WORDS = /법인|등기|corporat/gi;
/** Words that make it a person's (주민등록번호, 외국인등록번호, 생년월일). */
const PERSONAL_WORDS = /주민|외국인|생년월일|alien|foreigner|resident/gi;

/** YYMMDD, an optional separator (hyphen, spaced hyphen or a space), the gender digit, 6 digits or a mask. */
const RESIDENT_SHAPE = /(?<!\d-?)(\d{6})( ?- ?| )?(\d)(\d{6}|[*xX●]{6})(?!-?\d)/y;

function residentBase(reading: ResidentNumberReading, separated: boolean): number {
  // Gender digits 9 and 0 mean born in the 1800s: possible, but such a number is far more often a CRN or a code.
  if (reading.birth.year < 1900) return 0.6 * residentBaseByChecksum(reading, separated);
  return residentBaseByChecksum(reading, separated);
}

function residentBaseByChecksum(reading: ResidentNumberReading, separated: boolean): number {
  if (reading.checksumValid === null) return separated ? 0.7 : 0.5; // masked tail: birth date and sex still leak
  if (reading.checksumValid) return separated ? 0.95 : 0.85;
  if (reading.randomTail) return separated ? 0.85 : 0.6;
  // A failed checksum lowers the score but keeps the number: re-issued numbers and typos exist.
  return separated ? 0.65 : 0.4;
}

/**
 * Finds 6-7 numbers and reads each as an RRN, an FRN or a CRN, keeping the best reading.
 *
 * @example findResidentAndCorporateNumbers('주민번호는 900101-1234568입니다') // [{ type: 'KR_RRN', start: 6, end: 20, score: 0.985 }]
 */
export function findResidentAndCorporateNumbers(text: string, runs: DigitRuns = digitRuns(text)): Entity[] {
  const found: Entity[] = [];
  let resume = 0;
  for (let r = 0; r < runs.count; r++) {
    const length = runs.lengths[r]!;
    // 6 digits before a separator, 7 before a mask (9001011******), or 13 bare.
    if (runs.starts[r]! < resume || (length !== 6 && length !== 7 && length !== 13)) continue;
    const m = execAt(RESIDENT_SHAPE, text, runs.starts[r]!);
    if (m === null) continue;
    const start = m.index;
    const end = start + m[0].length;
    resume = end;
    if (isNumberedReference(text, start, end) || followedByUnit(text, end)) continue;
    const separated = m[2] !== undefined && m[2].includes('-');
    const digits = m[1]! + m[3]! + m[4]!;
    let best: Entity | null = null;
    const reading = readResidentNumber(digits);
    if (reading) {
      // Korean products carry EAN-13 barcodes starting 880; bare, check-digit-valid ones are goods.
      const barcode = !separated && digits.startsWith('880') && isValidEan13(digits);
      // 13 bare digits right after 계좌 or a bank's name are an account that happens to start like a date.
      const account =
        !separated && nearestWordDistance(text, start, end, ACCOUNT_WORDS) < nearestWordDistance(text, start, end, PERSONAL_WORDS);
      const base = residentBase(reading, separated) * (barcode || account ? 0.5 : 1);
      // The account word is nearer than any personal one, so a 생년월일 further back does not vouch for it.
      const score = account ? base : scoreInContext(text, start, end, reading.type, base);
      best = { type: reading.type, start, end, score };
    }
    if (digits.length === 13 && /^\d+$/.test(m[4]!) && isValidCrnChecksum(digits)) {
      const score = scoreInContext(text, start, end, 'KR_CRN', separated ? 0.8 : 0.45);
      // A 법인등록번호 whose 7th digit is 5–8 also reads as an FRN (often with a fitting check
      // digit, and 등록번호 names both): the nearer of a corporate and a personal word decides.
      const corporate = nearestWordDistance(text, start, end, CORPORATE_WORDS) < nearestWordDistance(text, start, end, PERSONAL_WORDS);
      if (!best || score > best.score || corporate) best = { type: 'KR_CRN', start, end, score };
    }
    if (best) found.push(best);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// 사업자등록번호 (NNN-NN-NNNNN)
// ---------------------------------------------------------------------------------------------

const BRN_SHAPE = /(?<!\d-?)(\d{3})( ?- ?| )?(\d{2})\2(\d{5})(?!-?\d)/y;

/**
 * Finds 사업자등록번호: 3-2-5 digits with a valid check digit (a failed one only near a context word).
 *
 * @example findBusinessNumbers('사업자등록번호 120-81-47521') // [{ type: 'KR_BRN', start: 8, end: 20, score: 0.97 }]
 */
export function findBusinessNumbers(text: string, runs: DigitRuns = digitRuns(text)): Entity[] {
  const found: Entity[] = [];
  let resume = 0;
  for (let r = 0; r < runs.count; r++) {
    const length = runs.lengths[r]!;
    if (runs.starts[r]! < resume || (length !== 3 && length !== 10)) continue;
    const m = execAt(BRN_SHAPE, text, runs.starts[r]!);
    if (m === null) continue;
    const start = m.index;
    const end = start + m[0].length;
    resume = end;
    if (isNumberedReference(text, start, end) || followedByUnit(text, end)) continue;
    const separated = m[2] !== undefined;
    const valid = isValidBrnChecksum(m[1]! + m[3]! + m[4]!);
    if (!valid && !separated) continue;
    const base = valid ? (separated ? 0.9 : 0.45) : 0.3;
    found.push({ type: 'KR_BRN', start, end, score: scoreInContext(text, start, end, 'KR_BRN', base) });
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// 여권번호
// ---------------------------------------------------------------------------------------------

/**
 * The letter that opens a Korean passport number says its kind: M (일반 복수), S (일반 단수), R
 * (거주), G (관용, official passports — "G" for government; the MRZ type code of the same passport
 * is PO, so O is kept as people copy it from there), D (외교관). Then 8 digits (before 2021) or, in
 * the 2021 차세대 전자여권 format, 3 digits, a letter and 4 digits (M123A4567, G513N4807).
 */
const PASSPORT_SHAPE = /(?<![A-Za-z0-9])([MSRGOD])(?:(\d{8})|\d{3}[A-Z]\d{4})(?![A-Za-z0-9])/y;

/**
 * Finds Korean passport numbers, old (M12345678) and new (M123A4567) formats.
 *
 * @example findPassports('여권번호 M123A4567') // [{ type: 'KR_PASSPORT', start: 5, end: 14, score: 0.91 }]
 */
export function findPassports(text: string, runs: DigitRuns = digitRuns(text)): Entity[] {
  const found: Entity[] = [];
  for (let r = 0; r < runs.count; r++) {
    const length = runs.lengths[r]!;
    // The letter sits right before a run of 8 digits (old) or 3 (2021 format).
    if (length !== 8 && length !== 3) continue;
    const m = execAt(PASSPORT_SHAPE, text, runs.starts[r]! - 1);
    if (m === null) continue;
    const start = m.index;
    const end = start + m[0].length;
    // The new format is distinctive; the old one is also a common product-code shape.
    const base = m[2] === undefined ? 0.7 : m[1] === 'M' || m[1] === 'S' ? 0.55 : 0.45;
    found.push({ type: 'KR_PASSPORT', start, end, score: scoreInContext(text, start, end, 'KR_PASSPORT', base) });
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// 운전면허번호 (region-year-serial-check: 11-12-345678-90 or 서울 12-345678-90)
// ---------------------------------------------------------------------------------------------

/** Region codes 11–26 and 28 (경기북부); 27 is not issued. */
const LICENSE_NUMERIC = /(?<!\d-?)(?:1[1-9]|2[0-68])( ?- ?| )?\d{2}\1\d{6}\1\d{2}(?!-?\d)/y;
/** The digits of a regional licence (12-345678-90), tried where a region name ends right before them. */
const LICENSE_REGIONAL_DIGITS = /\d{2}( ?- ?| )?\d{6}\1\d{2}(?!-?\d)/y;
const LICENSE_REGION_BEFORE =
  /(?:서울|부산|경기(?:남부|북부)?|강원|충북|충남|전북|전남|경북|경남|제주|대구|인천|광주|대전|울산|세종)(?: ?- ?| )?$/;

/**
 * Finds 운전면허번호 in the numeric (11-12-345678-90) and regional (서울 12-345678-90) forms.
 *
 * @example findDriverLicenses('운전면허 서울 12-345678-90') // [{ type: 'KR_DRIVER_LICENSE', start: 5, end: 20, score: 0.97 }]
 */
export function findDriverLicenses(text: string, runs: DigitRuns = digitRuns(text)): Entity[] {
  const found: Entity[] = [];
  let resume = 0;
  for (let r = 0; r < runs.count; r++) {
    const length = runs.lengths[r]!;
    if (runs.starts[r]! < resume || (length !== 2 && length !== 12)) continue;
    const m = execAt(LICENSE_NUMERIC, text, runs.starts[r]!);
    if (m === null) continue;
    const start = m.index;
    const end = start + m[0].length;
    resume = end;
    if (isNumberedReference(text, start, end) || followedByUnit(text, end)) continue;
    const sep = m[1];
    const base = sep === undefined ? 0.35 : sep.includes('-') ? 0.75 : 0.6;
    found.push({ type: 'KR_DRIVER_LICENSE', start, end, score: scoreInContext(text, start, end, 'KR_DRIVER_LICENSE', base) });
  }
  resume = 0;
  for (let r = 0; r < runs.count; r++) {
    const at = runs.starts[r]!;
    const length = runs.lengths[r]!;
    if (at < resume || (length !== 2 && length !== 10)) continue;
    const region = LICENSE_REGION_BEFORE.exec(text.slice(Math.max(0, at - 7), at));
    if (region === null) continue;
    const m = execAt(LICENSE_REGIONAL_DIGITS, text, at);
    if (m === null) continue;
    const start = at - region[0].length;
    const end = at + m[0].length;
    resume = end;
    const base = m[1] === undefined ? 0.75 : 0.9;
    found.push({ type: 'KR_DRIVER_LICENSE', start, end, score: scoreInContext(text, start, end, 'KR_DRIVER_LICENSE', base) });
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// 건강보험증번호 (11 digits; only trusted near a context word)
// ---------------------------------------------------------------------------------------------

const HEALTH_SHAPE = /(?<!\d-?)(?:\d{11}|\d-\d{10}|\d{2}-\d{9})(?!-?\d)/y;

/**
 * Finds 건강보험증번호: 11 digits, which look like many other things, so the score stays low unless
 * a word such as 건강보험 or 보험증 is near.
 *
 * @example findHealthInsuranceNumbers('건강보험증번호 12345678901') // [{ type: 'KR_HEALTH_INSURANCE', start: 8, end: 19, score: 0.76 }]
 */
export function findHealthInsuranceNumbers(text: string, runs: DigitRuns = digitRuns(text)): Entity[] {
  const found: Entity[] = [];
  let resume = 0;
  for (let r = 0; r < runs.count; r++) {
    const length = runs.lengths[r]!;
    if (runs.starts[r]! < resume || (length !== 11 && length !== 1 && length !== 2)) continue;
    const m = execAt(HEALTH_SHAPE, text, runs.starts[r]!);
    if (m === null) continue;
    const start = m.index;
    const end = start + m[0].length;
    resume = end;
    if (isNumberedReference(text, start, end) || followedByUnit(text, end)) continue;
    // 01x… is a mobile number far more often than an insurance card.
    const base = text.charCodeAt(start) === 48 && text.charCodeAt(start + 1) === 49 ? 0.1 : 0.2;
    found.push({ type: 'KR_HEALTH_INSURANCE', start, end, score: scoreInContext(text, start, end, 'KR_HEALTH_INSURANCE', base) });
  }
  return found;
}
