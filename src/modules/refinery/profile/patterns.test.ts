import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ColumnInspector,
  DEFECT_MESSAGES,
  MAX_EXAMPLES,
  classifyValue,
  dateFormatOf,
  isExcelScientific,
  kindOf,
  type DefectCode,
} from './patterns.js';

function inspect(values: Array<string | null>) {
  const inspector = new ColumnInspector();
  values.forEach((v, i) => inspector.add(v, i + 1));
  return inspector.result();
}
const defect = (values: Array<string | null>, code: DefectCode) => inspect(values).defects.find((d) => d.code === code);

const pad2 = (n: number) => String(n).padStart(2, '0');
const calendarDate = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true });

describe('classifyValue', () => {
  it.each([
    ['010-1234-5678', 'phone'],
    ['02-123-4567', 'phone'],
    ['031-987-6543', 'phone'],
    ['(02)123-4567', 'phone'],
    ['1577-0083', 'phone'],
    ['+82-10-1234-5678', 'phone'],
    ['01012345678', 'phone'],
    ['2020-12-31', 'date'],
    ['2020.12.31', 'date'],
    ['2013.1.28', 'date'],
    ['2020. 12. 31.', 'date'],
    ['2020/1/5', 'date'],
    ['2020년 12월 31일', 'date'],
    ['2020-01-01 05', 'datetime'],
    ['2020-01-01 05:30:00', 'datetime'],
    ['2021-02-29', 'text'],
    ['12:30', 'time'],
    ['4223033031', 'integer'],
    ['-12', 'integer'],
    ['3.14', 'decimal'],
    ['1,234,567', 'formatted_number'],
    ['3.62E+17', 'scientific'],
    ['data@nia.or.kr', 'email'],
    ['https://www.data.go.kr/x?y=1', 'url'],
    ['BE_LiST27-0164', 'id'],
    ['A1100008', 'id'],
    ['Y', 'boolean'],
    ['서울특별시 송파구', 'korean_text'],
    ['Seoul', 'text'],
    ['   ', 'empty'],
    ['', 'empty'],
  ])('%s is %s', (value, pattern) => {
    expect(classifyValue(value)).toBe(pattern);
  });

  it('ignores surrounding whitespace (a law: the pattern of v is the pattern of v padded)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.constantFrom(' ', '  ', '\t', '\u00a0'), (value, pad) => {
        expect(classifyValue(pad + value + pad)).toBe(classifyValue(value));
      }),
    );
  });

  it('sees every integer as an integer and every grouped integer as a formatted number', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), (n) => {
        // Korean mobiles without dashes (01x…) are phones; no generated integer has a leading zero but 0.
        expect(classifyValue(String(n))).toBe('integer');
        if (Math.abs(n) >= 1000) expect(classifyValue(n.toLocaleString('en-US'))).toBe('formatted_number');
      }),
    );
  });

  it('sees every real calendar date as a date in every layout, with the layout named', () => {
    fc.assert(
      fc.property(calendarDate, (d) => {
        const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
        expect(dateFormatOf(`${y}-${pad2(m)}-${pad2(day)}`)).toBe('YYYY-MM-DD');
        expect(dateFormatOf(`${y}.${m}.${day}`)).toBe('YYYY.MM.DD');
        expect(dateFormatOf(`${y}/${pad2(m)}/${pad2(day)}`)).toBe('YYYY/MM/DD');
        expect(classifyValue(`${y}.${m}.${day}`)).toBe('date');
      }),
    );
  });

  it('refuses dates that are not in the calendar', () => {
    expect(dateFormatOf('2021-02-29')).toBeUndefined();
    expect(dateFormatOf('2020-02-29')).toBe('YYYY-MM-DD');
    expect(dateFormatOf('2020.13.01')).toBeUndefined();
    expect(dateFormatOf('2020-04-31')).toBeUndefined();
  });

  it('sees every Korean phone number in the usual layouts as a phone', () => {
    const area = fc.constantFrom('02', '031', '051', '064', '010', '011', '070');
    fc.assert(
      fc.property(area, fc.integer({ min: 100, max: 9999 }), fc.integer({ min: 0, max: 9999 }), (a, mid, end) => {
        expect(classifyValue(`${a}-${mid}-${String(end).padStart(4, '0')}`)).toBe('phone');
      }),
    );
  });

  it('gives every pattern but empty a kind', () => {
    fc.assert(
      fc.property(fc.string(), (v) => {
        expect(kindOf(classifyValue(v)) === undefined).toBe(v.trim() === '');
      }),
    );
  });
});

describe('isExcelScientific', () => {
  it('flags whole numbers Excel shortened, not ordinary scientific notation', () => {
    expect(isExcelScientific('3.62E+17')).toBe(true);
    expect(isExcelScientific('2.00116E+14')).toBe(true);
    expect(isExcelScientific('2.10121E+11')).toBe(true);
    expect(isExcelScientific('1.5e-3')).toBe(false);
    expect(isExcelScientific('6.02214076E+23')).toBe(true);
    expect(isExcelScientific('1.234567E+5')).toBe(false);
    expect(isExcelScientific('12345')).toBe(false);
  });

  it('flags every long whole number once printed the way Excel prints it', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 10n ** 11n, max: 10n ** 20n }), (n) => {
        const digits = n.toString();
        const mantissa = `${digits[0]}.${digits.slice(1, 6)}`.replace(/\.?0+$/, '');
        expect(isExcelScientific(`${mantissa}E+${digits.length - 1}`)).toBe(true);
      }),
    );
  });
});

describe('ColumnInspector', () => {
  it('finds Excel-mangled ids with their rows', () => {
    const d = defect(['2.00116E+14', '200114300000', '2.00146E+18'], 'excel_scientific_number');
    expect(d).toMatchObject({
      count: 2,
      examples: [
        { row: 1, value: '2.00116E+14' },
        { row: 3, value: '2.00146E+18' },
      ],
    });
    expect(d?.message).toEqual(DEFECT_MESSAGES.excel_scientific_number);
  });

  it('finds dotted dates and mixed date formats, naming the minority rows', () => {
    const values = ['2020-01-01', '2020-01-02', '2020.1.3', '2020-01-04', '2020/01/05'];
    const result = inspect(values);
    expect(result.defects.find((d) => d.code === 'dotted_date')).toMatchObject({ count: 1, examples: [{ row: 3, value: '2020.1.3' }] });
    expect(result.defects.find((d) => d.code === 'mixed_date_formats')).toMatchObject({
      count: 2,
      examples: [
        { row: 3, value: '2020.1.3' },
        { row: 5, value: '2020/01/05' },
      ],
    });
    expect(result.dateFormats[0]).toEqual({ format: 'YYYY-MM-DD', count: 3 });
    // One layout throughout, dots or not, is not mixed.
    expect(defect(['2020.1.1', '2020.12.31'], 'mixed_date_formats')).toBeUndefined();
  });

  it('tells numbers with spaces from text with spaces', () => {
    const result = inspect(['111 ', ' 1,234 ', '7', ' 서울', '부산 ']);
    expect(result.defects.find((d) => d.code === 'number_with_spaces')).toMatchObject({ count: 2 });
    expect(result.defects.find((d) => d.code === 'leading_trailing_space')).toMatchObject({
      count: 2,
      examples: [
        { row: 4, value: ' 서울' },
        { row: 5, value: '부산 ' },
      ],
    });
  });

  it('flags text in a numeric column but not numbers in a text column', () => {
    expect(defect(['1', '2', '3', '없음', '5'], 'mixed_types')).toMatchObject({ count: 1, examples: [{ row: 4, value: '없음' }] });
    expect(defect(['서울', '부산', '123', '대구'], 'mixed_types')).toBeUndefined();
  });

  it('counts empty values and blanks, and reports pattern shares of the non-empty ones', () => {
    const result = inspect(['010-1234-5678', null, '', '  ', '02-123-4567', 'x']);
    expect(result).toMatchObject({ inspected: 6, empty: 3 });
    expect(result.patterns).toEqual([
      { pattern: 'phone', count: 2, share: 2 / 3 },
      { pattern: 'text', count: 1, share: 1 / 3 },
    ]);
    expect(result.defects.find((d) => d.code === 'leading_trailing_space')).toMatchObject({ count: 1, examples: [{ row: 4 }] });
  });

  it('flags replacement characters from a wrong decoding', () => {
    expect(defect(['서울', '\uFFFD\uFFFD시'], 'replacement_character')).toMatchObject({ count: 1, examples: [{ row: 2 }] });
  });

  it('laws: counts are exact, examples are at most five, rising, and really defective', () => {
    const value = fc.oneof(
      fc.constantFrom('2020-01-01', '2020.1.1', '3.62E+17', ' 12 ', ' a', '12', '', 'text', '2020/01/01'),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(fc.option(value, { nil: null }), { maxLength: 60 }), (values) => {
        const result = inspect(values);
        expect(result.inspected).toBe(values.length);
        expect(result.empty + result.patterns.reduce((n, p) => n + p.count, 0)).toBe(values.length);
        const excel = values.filter((v) => v !== null && isExcelScientific(v)).length;
        expect(result.defects.find((d) => d.code === 'excel_scientific_number')?.count ?? 0).toBe(excel);
        for (const d of result.defects) {
          expect(d.count).toBeGreaterThan(0);
          expect(d.examples.length).toBe(Math.min(d.count, MAX_EXAMPLES));
          const rows = d.examples.map((e) => e.row);
          expect(rows).toEqual([...rows].sort((a, b) => a - b));
          for (const e of d.examples) expect(values[e.row - 1]).toBe(e.value);
        }
      }),
    );
  });
});
