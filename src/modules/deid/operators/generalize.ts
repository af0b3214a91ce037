/**
 * `generalize`: a value made coarser instead of hidden, so it keeps its statistical use. Dates
 * become a month or a year, ages a band (30대, or 30-39), addresses their 시도 + 시군구.
 * Each function returns undefined for a value it cannot read: the caller decides what to write
 * then (the run falls back to the type's `replace` token, never to the value itself).
 */
import { SIDO_LIST, SIGUNGU_LIST } from '../detectors/korean/places.js';

/** A calendar date read from text, with how it was written so it can be written back alike. */
export interface ParsedDate {
  year: number;
  month: number;
  day: number;
  style: 'dash' | 'dot' | 'slash' | 'compact' | 'korean';
  /** Whether month and day were written with two digits (03 rather than 3). */
  padded: boolean;
  /** What followed the date (a time such as ` 14:20` or `T09:00:00Z`), kept as written. */
  rest: string;
}

const SEPARATED = /^(\d{4})([-./])(\d{1,2})\2(\d{1,2})\.?((?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const KOREAN = /^(\d{4})년\s*(\d{1,2})월\s*(\d{1,2})일((?:\s.*)?)$/;
const STYLE_OF: Record<string, ParsedDate['style']> = { '-': 'dash', '.': 'dot', '/': 'slash' };

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * Reads a date written as 2024-03-05, 2024.3.5., 2024/03/05, 20240305 or 2024년 3월 5일 (a time
 * after it is kept aside); undefined for anything else or a day that does not exist.
 *
 * @example parseDate('2024.3.5.')?.month // 3
 */
export function parseDate(value: string): ParsedDate | undefined {
  const text = value.trim();
  let parsed: ParsedDate | undefined;
  let m = SEPARATED.exec(text);
  if (m) {
    parsed = {
      year: Number(m[1]),
      month: Number(m[3]),
      day: Number(m[4]),
      style: STYLE_OF[m[2]!]!,
      padded: m[3]!.length === 2 && m[4]!.length === 2,
      rest: m[5] ?? '',
    };
  } else if ((m = COMPACT.exec(text))) {
    parsed = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), style: 'compact', padded: true, rest: '' };
  } else if ((m = KOREAN.exec(text))) {
    parsed = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), style: 'korean', padded: m[2]!.length === 2, rest: m[4] ?? '' };
  }
  return parsed && isRealDate(parsed.year, parsed.month, parsed.day) ? parsed : undefined;
}

const pad = (n: number, padded: boolean) => (padded ? String(n).padStart(2, '0') : String(n));

/**
 * Writes a date back in the style it was read in.
 *
 * @example formatDate({ year: 2024, month: 3, day: 5, style: 'dot', padded: false, rest: '' }) // '2024.3.5'
 */
export function formatDate(date: ParsedDate): string {
  const { year, month, day, padded } = date;
  switch (date.style) {
    case 'dash':
      return `${year}-${pad(month, padded)}-${pad(day, padded)}${date.rest}`;
    case 'dot':
      return `${year}.${pad(month, padded)}.${pad(day, padded)}${date.rest}`;
    case 'slash':
      return `${year}/${pad(month, padded)}/${pad(day, padded)}${date.rest}`;
    case 'compact':
      return `${year}${pad(month, true)}${pad(day, true)}`;
    case 'korean':
      return `${year}년 ${pad(month, padded)}월 ${pad(day, padded)}일${date.rest}`;
  }
}

/**
 * A date reduced to its month or its year, in the style it was written in; the time goes too.
 *
 * @example generalizeDate('1987-06-15', 'month') // '1987-06'
 * @example generalizeDate('1987년 6월 15일', 'year') // '1987년'
 */
export function generalizeDate(value: string, to: 'month' | 'year'): string | undefined {
  const date = parseDate(value);
  if (!date) return undefined;
  const korean = date.style === 'korean';
  if (to === 'year') return korean ? `${date.year}년` : String(date.year);
  switch (date.style) {
    case 'dash':
      return `${date.year}-${pad(date.month, true)}`;
    case 'dot':
      return `${date.year}.${pad(date.month, true)}`;
    case 'slash':
      return `${date.year}/${pad(date.month, true)}`;
    case 'compact':
      return `${date.year}${pad(date.month, true)}`;
    case 'korean':
      return `${date.year}년 ${date.month}월`;
  }
}

export interface AgeBandOptions {
  /** Width of a band in years (default 10). */
  width?: number;
  /** Ages from this one up share one open band (default 90): the very old are few and easy to find. */
  top?: number;
  /** `korean`: 30대, 90세 이상; `range`: 30-39, 90+ (default korean). */
  style?: 'korean' | 'range';
}

const AGE = /^(?:만\s*)?(\d{1,3})(?:\s*(?:세|살))?$/;

/**
 * An age (34, '34세', '만 34세') as a band.
 *
 * @example generalizeAge('34세') // '30대'
 * @example generalizeAge(34, { style: 'range' }) // '30-39'
 * @example generalizeAge(93) // '90세 이상'
 */
export function generalizeAge(value: string | number, options: AgeBandOptions = {}): string | undefined {
  const width = options.width ?? 10;
  const top = options.top ?? 90;
  const style = options.style ?? 'korean';
  const m = AGE.exec(String(value).trim());
  if (!m) return undefined;
  const age = Number(m[1]);
  if (age > 130) return undefined;
  if (age >= top) return style === 'korean' ? `${top}세 이상` : `${top}+`;
  const low = Math.floor(age / width) * width;
  const high = Math.min(low + width - 1, top - 1);
  if (style === 'range') return `${low}-${high}`;
  if (width === 10) return low === 0 ? '10세 미만' : `${low}대`;
  return `${low}~${high}세`;
}

const SIDO = new Set(SIDO_LIST.split(' '));
const SIGUNGU = new Set(SIGUNGU_LIST.split(' '));
/** Short and renamed forms of 시도 that addresses use, beside the names of the code table. */
const SIDO_ALIASES = new Set([
  ...'서울 서울시 부산 부산시 대구 대구시 인천 인천시 광주 광주시 대전 대전시 울산 울산시 세종 세종시 경기 강원 충북 충남 전북 전남 경북 경남 제주 제주도'.split(
    ' ',
  ),
  '강원특별자치도',
  '전북특별자치도',
]);
/** A 시, 군 or 구 by its ending, for names the table does not hold (a new district, a typo'd table). */
const SIGUNGU_SHAPE = /^[가-힣]{1,5}[시군구]$/;

/**
 * An address cut to its 시도 and 시군구 (`sigungu`, a 시 with 구 keeps both) or to its 시도 alone
 * (`sido`): everything after — 읍면동, road, number, floor — is dropped.
 *
 * @example generalizeAddress('서울특별시 강남구 테헤란로 123, 4층') // '서울특별시 강남구'
 * @example generalizeAddress('경기도 수원시 영통구 매탄동 123') // '경기도 수원시 영통구'
 * @example generalizeAddress('부산 해운대구 우동 1', 'sido') // '부산'
 */
export function generalizeAddress(value: string, to: 'sigungu' | 'sido' = 'sigungu'): string | undefined {
  const tokens = value
    .trim()
    .split(/[\s,]+/)
    .filter(Boolean);
  const kept: string[] = [];
  let index = 0;
  const first = tokens[0];
  if (first && (SIDO.has(first) || SIDO_ALIASES.has(first))) {
    kept.push(first);
    index = 1;
  }
  if (to === 'sido') return kept[0];
  // Up to two names: 수원시 영통구. A known name, or a 시/군/구-shaped one right after a 시도.
  const limit = kept.length + 2;
  while (kept.length < limit) {
    const token = tokens[index];
    if (!token || !(SIGUNGU.has(token) || SIGUNGU_SHAPE.test(token))) break;
    // 세종시 is the 시도 itself: a second one would repeat it.
    if (kept.length === 1 && index === 1 && /^세종/.test(kept[0]!) && token === '세종시') {
      index++;
      continue;
    }
    kept.push(token);
    index++;
  }
  return kept.length ? kept.join(' ') : undefined;
}
