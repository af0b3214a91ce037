/**
 * What single values look like, and the defects Korean public spreadsheets are known for: ids that
 * Excel turned into `3.62E+17`, dates typed as `2020.12.31`, a column that mixes `2020-12-31` and
 * `2020.12.31`, counts saved as `"111 "`, numbers mixed with text. Pure functions over strings; the
 * tabular profiler feeds them a sample of each column and reports what they find.
 */

/** The shape of one value. */
export type ValuePattern =
  | 'empty'
  | 'integer'
  | 'decimal'
  | 'formatted_number'
  | 'scientific'
  | 'date'
  | 'datetime'
  | 'time'
  | 'phone'
  | 'postal_code'
  | 'email'
  | 'url'
  | 'id'
  | 'boolean'
  | 'korean_text'
  | 'text';

/** Stable codes of column defects; messages in `DEFECT_MESSAGES`. */
export type DefectCode =
  | 'excel_scientific_number'
  | 'dotted_date'
  | 'mixed_date_formats'
  | 'number_with_spaces'
  | 'leading_trailing_space'
  | 'mixed_types'
  | 'replacement_character'
  | 'all_null'
  | 'constant';

export interface DefectMessage {
  ko: string;
  en: string;
}

/** What each defect code means, in Korean and English. */
export const DEFECT_MESSAGES: Readonly<Record<DefectCode, DefectMessage>> = {
  excel_scientific_number: {
    ko: '지수 표기(예: 3.62E+17)로 바뀐 숫자: 엑셀이 긴 식별번호의 뒷자리를 잃었을 수 있습니다',
    en: 'numbers in scientific notation (e.g. 3.62E+17): Excel may have dropped the last digits of a long identifier',
  },
  dotted_date: {
    ko: '점으로 구분한 날짜(예: 2020.12.31): ISO 형식(2020-12-31)이 아닙니다',
    en: 'dates written with dots (e.g. 2020.12.31) instead of ISO 8601 (2020-12-31)',
  },
  mixed_date_formats: {
    ko: '한 열에 여러 날짜 형식이 섞여 있습니다',
    en: 'more than one date format in the column',
  },
  number_with_spaces: {
    ko: '앞뒤에 공백이 붙은 숫자(예: " 1,234 ")',
    en: 'numbers with stray spaces around them (e.g. " 1,234 ")',
  },
  leading_trailing_space: {
    ko: '값의 앞이나 뒤에 공백이 있습니다',
    en: 'values with leading or trailing whitespace',
  },
  mixed_types: {
    ko: '숫자나 날짜 열에 다른 종류의 값이 섞여 있습니다',
    en: 'a numeric or date column holds values of another kind',
  },
  replacement_character: {
    ko: '깨진 글자(U+FFFD): 인코딩 변환 중 손실이 있었습니다',
    en: 'replacement characters (U+FFFD): text was damaged by a wrong encoding',
  },
  all_null: { ko: '모든 값이 비어 있습니다', en: 'every value is empty' },
  constant: { ko: '모든 값이 같습니다', en: 'every value is the same' },
};

/** A kind of value, coarser than the pattern: a column should hold one kind. */
export type ValueKind = 'number' | 'date' | 'text';

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.\d*|\.\d+)$/;
const FORMATTED_NUMBER = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
const SCIENTIFIC = /^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$/;
const EXCEL_SCIENTIFIC = /^[+-]?(\d)(?:\.(\d+))?[eE]\+(\d{1,3})$/;
/** Six-digit Korean postal codes (before 2015) as 123-456; the five-digit ones read as integers. */
const OLD_POSTAL_CODE = /^\d{3}-\d{3}$/;
const TIME = /^(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?$/;
const EMAIL = /^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$/;
const URL = /^(?:https?|ftp):\/\/\S+$/i;
const BOOLEAN = /^(?:true|false|y|n|yes|no)$/i;
/** Korean numbers: area code 0x(x), exchange, line; 1588-style nationwide numbers; +82 forms; bare mobiles. */
const PHONE = [
  /^\(?0\d{1,2}\)?[-. )]?\d{3,4}[-. ]\d{4}$/,
  /^1[5-9]\d{2}-\d{4}$/,
  /^\+82[- ]?\(?0?\)?\d{1,2}[- ]?\d{3,4}[- ]?\d{4}$/,
  /^01[016789]\d{7,8}$/,
  /^\+?\d{1,3}[- ]\d{2,4}[- ]\d{3,4}[- ]\d{3,4}$/,
];
/** Letters and digits together, no spaces: 관리번호, 기관ID, codes such as BE_LiST27-0164. */
const ID = /^(?=[^\s]*\d)(?=[^\s]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9_\-./:]{2,}$/;
const HANGUL = /[\uAC00-\uD7A3\u1100-\u11FF\u3130-\u318F]/;

interface DateFormat {
  name: string;
  pattern: RegExp;
  kind: 'date' | 'datetime';
}

/** Date layouts found in Korean public data; the groups are year, month, day. */
const DATE_FORMATS: readonly DateFormat[] = [
  { name: 'YYYY-MM-DD', pattern: /^(\d{4})-(\d{1,2})-(\d{1,2})$/, kind: 'date' },
  { name: 'YYYY.MM.DD', pattern: /^(\d{4})\. ?(\d{1,2})\. ?(\d{1,2})\.?$/, kind: 'date' },
  { name: 'YYYY/MM/DD', pattern: /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/, kind: 'date' },
  { name: 'YYYY년 MM월 DD일', pattern: /^(\d{4})년 ?(\d{1,2})월 ?(\d{1,2})일$/, kind: 'date' },
  { name: 'YYYY-MM-DD HH', pattern: /^(\d{4})-(\d{1,2})-(\d{1,2})[ T](?:[01]\d|2[0-3])$/, kind: 'datetime' },
  {
    name: 'YYYY-MM-DD HH:MM[:SS]',
    pattern: /^(\d{4})-(\d{1,2})-(\d{1,2})[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/,
    kind: 'datetime',
  },
  { name: 'YYYY.MM.DD HH:MM[:SS]', pattern: /^(\d{4})\. ?(\d{1,2})\. ?(\d{1,2})\.? \d{1,2}:\d{2}(?::\d{2})?$/, kind: 'datetime' },
  { name: 'YYYY/MM/DD HH:MM[:SS]', pattern: /^(\d{4})\/(\d{1,2})\/(\d{1,2}) \d{1,2}:\d{2}(?::\d{2})?$/, kind: 'datetime' },
];

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1000 || month < 1 || month > 12 || day < 1) return false;
  const leapDay = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 1 : 0;
  return day <= DAYS_IN_MONTH[month - 1]! + leapDay;
}

/** Every date format starts with a four-digit year and one of these; a cheap test before the regexes. */
const AFTER_YEAR = new Set(['-', '.', '/', '년']);
const isDigitAt = (value: string, i: number) => {
  const c = value.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
};

function matchDate(value: string): DateFormat | undefined {
  if (value.length < 8 || !AFTER_YEAR.has(value[4]!)) return undefined;
  if (!isDigitAt(value, 0) || !isDigitAt(value, 1) || !isDigitAt(value, 2) || !isDigitAt(value, 3)) return undefined;
  for (const format of DATE_FORMATS) {
    const m = format.pattern.exec(value);
    if (m && isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) return format;
  }
  return undefined;
}

/**
 * The layout of a date or date-time value (`'YYYY-MM-DD'`, `'YYYY.MM.DD'`, …), or undefined when the
 * value is not a real calendar date. Surrounding whitespace is ignored.
 *
 * @example dateFormatOf('2020.12.31') // 'YYYY.MM.DD'
 * @example dateFormatOf('2021-02-30') // undefined
 */
export function dateFormatOf(value: string): string | undefined {
  return matchDate(value.trim())?.name;
}

/**
 * Whether a value is a number Excel wrote in scientific notation with digits lost: a mantissa of
 * one digit and some decimals, `E+`, and an exponent of 6 or more that exceeds the decimals (so the
 * original was a whole number longer than what survived, e.g. a 18-digit 관리번호 as `2.00146E+18`).
 *
 * @example isExcelScientific('3.62E+17') // true
 * @example isExcelScientific('1.5e-3') // false
 */
export function isExcelScientific(value: string): boolean {
  const m = EXCEL_SCIENTIFIC.exec(value.trim());
  if (!m) return false;
  const exponent = Number(m[3]);
  return exponent >= 6 && exponent > (m[2]?.length ?? 0);
}

/**
 * The pattern of one value (surrounding whitespace ignored; a value of only whitespace is `'empty'`).
 *
 * @example classifyValue('010-1234-5678') // 'phone'
 * @example classifyValue(' 1,234 ') // 'formatted_number'
 * @example classifyValue('2020.12.31') // 'date'
 */
export function classifyValue(value: string): ValuePattern {
  return classifyTrimmed(value.trim());
}

function classifyTrimmed(v: string): ValuePattern {
  if (v === '') return 'empty';
  const first = v.charCodeAt(0);
  const startsNumeric = (first >= 0x30 && first <= 0x39) || first === 0x2b || first === 0x2d || first === 0x2e || first === 0x28;
  if (startsNumeric) {
    const date = matchDate(v);
    if (date) return date.kind;
    if (PHONE.some((p) => p.test(v))) return 'phone';
    if (OLD_POSTAL_CODE.test(v)) return 'postal_code';
    if (INTEGER.test(v)) return 'integer';
    if (DECIMAL.test(v)) return 'decimal';
    if (FORMATTED_NUMBER.test(v)) return 'formatted_number';
    if (SCIENTIFIC.test(v)) return 'scientific';
    if (TIME.test(v)) return 'time';
  }
  if (BOOLEAN.test(v)) return 'boolean';
  if (EMAIL.test(v)) return 'email';
  if (URL.test(v)) return 'url';
  if (v.startsWith('+') && PHONE.some((p) => p.test(v))) return 'phone';
  if (ID.test(v)) return 'id';
  if (HANGUL.test(v)) return 'korean_text';
  return 'text';
}

/**
 * The kind a pattern belongs to; empty values have none.
 *
 * @example kindOf('formatted_number') // 'number'
 */
export function kindOf(pattern: ValuePattern): ValueKind | undefined {
  switch (pattern) {
    case 'empty':
      return undefined;
    case 'integer':
    case 'decimal':
    case 'formatted_number':
    case 'scientific':
      return 'number';
    case 'date':
    case 'datetime':
    case 'time':
      return 'date';
    default:
      return 'text';
  }
}

/** Whether a trimmed value reads as a plain number (digits, one point, thousands commas). */
function isPlainNumber(trimmed: string): boolean {
  return INTEGER.test(trimmed) || DECIMAL.test(trimmed) || FORMATTED_NUMBER.test(trimmed);
}

/** A value with surrounding whitespace (ASCII spaces and tabs, no-break and ideographic spaces). */
/** A defect found in a column: how many values have it and the first few, by 1-based data row. */
export interface ColumnDefect {
  code: DefectCode;
  count: number;
  examples: Array<{ row: number; value: string }>;
  message: DefectMessage;
}

export interface PatternShare {
  pattern: ValuePattern;
  count: number;
  /** Of the non-empty values inspected. */
  share: number;
}

/** What the inspector saw in the values it was given. */
export interface ColumnInspection {
  /** Values inspected, empty ones included. */
  inspected: number;
  empty: number;
  /** Patterns of the non-empty values, most frequent first. */
  patterns: PatternShare[];
  /** Date layouts seen, most frequent first. */
  dateFormats: Array<{ format: string; count: number }>;
  defects: ColumnDefect[];
}

export const MAX_EXAMPLES = 5;

class DefectTally {
  count = 0;
  readonly examples: Array<{ row: number; value: string }> = [];
  add(row: number, value: string): void {
    this.count++;
    if (this.examples.length < MAX_EXAMPLES) this.examples.push({ row, value });
  }
}

/**
 * Looks at the values of one column, one at a time and in bounded memory, and reports their
 * patterns and defects. Rows are the caller's 1-based data row numbers (the header is not a row).
 *
 * @example
 * const inspector = new ColumnInspector();
 * ['2020-01-02', '2020.1.3', ' 5 '].forEach((v, i) => inspector.add(v, i + 1));
 * inspector.result().defects.map((d) => d.code); // ['dotted_date', 'mixed_date_formats', 'number_with_spaces', 'mixed_types']
 */
export class ColumnInspector {
  private inspected = 0;
  private empty = 0;
  private readonly patterns = new Map<ValuePattern, number>();
  private readonly tallies = new Map<DefectCode, DefectTally>();
  /** Per date format: its count and first examples, to name the minority formats at the end. */
  private readonly dates = new Map<string, DefectTally>();
  /** Per kind: count and first examples, to name the odd ones out at the end. */
  private readonly kinds = new Map<ValueKind, DefectTally>();

  /** Inspect one value (null or undefined is an empty value). */
  add(value: string | null | undefined, row: number): void {
    this.inspected++;
    if (value === null || value === undefined) {
      this.empty++;
      return;
    }
    const trimmed = value.trim();
    const pattern = classifyTrimmed(trimmed);
    if (value.includes('\uFFFD')) this.tally('replacement_character', row, value);
    if (pattern === 'empty') {
      this.empty++;
      if (value.length > 0) this.tally('leading_trailing_space', row, value);
      return;
    }
    this.patterns.set(pattern, (this.patterns.get(pattern) ?? 0) + 1);
    if (trimmed.length !== value.length) {
      this.tally(isPlainNumber(trimmed) ? 'number_with_spaces' : 'leading_trailing_space', row, value);
    }
    if (pattern === 'scientific' && isExcelScientific(trimmed)) this.tally('excel_scientific_number', row, value);
    if (pattern === 'date' || pattern === 'datetime') {
      const format = matchDate(trimmed)!.name;
      if (format.startsWith('YYYY.')) this.tally('dotted_date', row, value);
      let tally = this.dates.get(format);
      if (!tally) this.dates.set(format, (tally = new DefectTally()));
      tally.add(row, value);
    }
    const kind = kindOf(pattern)!;
    let tally = this.kinds.get(kind);
    if (!tally) this.kinds.set(kind, (tally = new DefectTally()));
    tally.add(row, value);
  }

  private tally(code: DefectCode, row: number, value: string): void {
    let tally = this.tallies.get(code);
    if (!tally) this.tallies.set(code, (tally = new DefectTally()));
    tally.add(row, value);
  }

  result(): ColumnInspection {
    const nonEmpty = this.inspected - this.empty;
    const defects: ColumnDefect[] = [];
    const push = (code: DefectCode, tally: { count: number; examples: Array<{ row: number; value: string }> }) =>
      defects.push({ code, count: tally.count, examples: tally.examples, message: DEFECT_MESSAGES[code] });
    for (const [code, tally] of this.tallies) push(code, tally);

    const dateFormats = [...this.dates.entries()].map(([format, t]) => ({ format, count: t.count })).sort((a, b) => b.count - a.count);
    if (dateFormats.length > 1) {
      // Everything but the most common layout is the odd one out.
      push('mixed_date_formats', oddOnesOut([...this.dates.values()]));
    }
    const kinds = [...this.kinds.entries()].sort((a, b) => b[1].count - a[1].count);
    const dominant = kinds[0];
    if (kinds.length > 1 && dominant && dominant[0] !== 'text') {
      // A text column with a few numbers in it is still text (names, addresses); a number or date
      // column with text in it is a defect.
      push('mixed_types', oddOnesOut(kinds.map(([, t]) => t)));
    }
    const order: DefectCode[] = Object.keys(DEFECT_MESSAGES) as DefectCode[];
    defects.sort((a, b) => order.indexOf(a.code) - order.indexOf(b.code));
    return {
      inspected: this.inspected,
      empty: this.empty,
      patterns: [...this.patterns.entries()]
        .map(([pattern, count]) => ({ pattern, count, share: nonEmpty ? count / nonEmpty : 0 }))
        .sort((a, b) => b.count - a.count || a.pattern.localeCompare(b.pattern)),
      dateFormats,
      defects,
    };
  }
}

/** Merges all tallies but the largest: their total count and their earliest examples. */
function oddOnesOut(tallies: DefectTally[]): { count: number; examples: Array<{ row: number; value: string }> } {
  const sorted = [...tallies].sort((a, b) => b.count - a.count);
  const rest = sorted.slice(1);
  return {
    count: rest.reduce((n, t) => n + t.count, 0),
    examples: rest
      .flatMap((t) => t.examples)
      .sort((a, b) => a.row - b.row)
      .slice(0, MAX_EXAMPLES),
  };
}
