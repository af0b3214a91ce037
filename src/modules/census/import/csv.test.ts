import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvParser, CsvSyntaxError } from './csv.js';

function parseAll(pieces: string[], delimiter = ','): Array<{ cells: string[]; line: number }> {
  const records: Array<{ cells: string[]; line: number }> = [];
  const parser = new CsvParser(delimiter, (cells, line) => records.push({ cells, line }));
  for (const piece of pieces) parser.push(piece);
  parser.end();
  return records;
}

const cells = (pieces: string[], delimiter = ',') => parseAll(pieces, delimiter).map((r) => r.cells);

/** Split a string at the given cut points. */
function split(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let at = 0;
  for (const p of points) {
    out.push(text.slice(at, p));
    at = p;
  }
  out.push(text.slice(at));
  return out;
}

describe('CsvParser', () => {
  it('reads plain and quoted fields, escaped quotes, delimiters and line breaks inside quotes', () => {
    expect(cells(['a,b,c\n1,"x, ""y""",3\n"multi\nline",,"\r\n"\n'])).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, "y"', '3'],
      ['multi\nline', '', '\r\n'],
    ]);
  });

  it('accepts \\n, \\r\\n and \\r line ends, also split between chunks', () => {
    expect(cells(['a,b\r', '\n1,2\r3,4\n5,6'])).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
    ]);
  });

  it('reads quotes that are not at the start of a field as text, and keeps "ab"c as it stands', () => {
    expect(cells(['5" pipe,"ab"c,x"y"\n'])).toEqual([['5" pipe', '"ab"c', 'x"y"']]);
  });

  it('gives an empty line as one empty field, and no record for a final line break', () => {
    expect(cells(['a\n\nb\n'])).toEqual([['a'], [''], ['b']]);
    expect(cells(['a,\n'])).toEqual([['a', '']]);
    expect(cells(['a,'])).toEqual([['a', '']]);
    expect(cells([''])).toEqual([]);
  });

  it('tells the line each record starts on, counting line breaks inside quoted cells', () => {
    expect(parseAll(['h\n"a\nb\nc"\nd\r\n\r\ne']).map((r) => r.line)).toEqual([1, 2, 5, 6, 7]);
  });

  it('reads TSV with the tab delimiter', () => {
    expect(cells(['a\tb,c\t"d\te"\n'], '\t')).toEqual([['a', 'b,c', 'd\te']]);
  });

  it('reports an unterminated quote with the record, its first line and the field', () => {
    const parser = new CsvParser(',', () => undefined);
    parser.push('h1,h2\n1,2\nx,"open\nmore\n');
    const error = (() => {
      try {
        parser.end();
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CsvSyntaxError);
    expect(error).toMatchObject({ kind: 'unterminated_quote', records: 2, line: 3, field: 1 });
  });

  it('stops a runaway quoted cell instead of growing without bound', () => {
    const parser = new CsvParser(',', () => undefined, 1000);
    parser.push('a,"');
    expect(() => {
      for (let i = 0; i < 20; i++) parser.push('x'.repeat(100));
    }).toThrow(CsvSyntaxError);
  });

  it('reads what csv-parse reads, however the text is cut (property)', () => {
    const cell = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', '가', ' ', '1', '"', ',', '\n', '\r', '\t', '똠'), maxLength: 8 }),
      fc.string({ maxLength: 5 }),
    );
    const record = fc.array(cell, { minLength: 1, maxLength: 5 });
    const quote = (value: string, always: boolean) =>
      always || /[",\r\n]/.test(value) || value === '' ? `"${value.replace(/"/g, '""')}"` : value;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(record, fc.boolean()), { minLength: 1, maxLength: 6 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.array(fc.nat(300), { maxLength: 6 }),
        (records, eol, finalEol, cuts) => {
          const text = records.map(([r, always]) => r.map((v) => quote(v, always)).join(',')).join(eol) + (finalEol ? eol : '');
          const expected = parse(text, { relax_column_count: true, relax_quotes: true, skip_empty_lines: false }) as string[][];
          expect(cells(split(text, cuts))).toEqual(expected);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reads unquoted, loosely quoted text as csv-parse with relax_quotes does (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', '가', ' ', '"', ',', '\n'), maxLength: 60 }),
        fc.array(fc.nat(60), { maxLength: 4 }),
        (text, cuts) => {
          let expected: string[][] | undefined;
          try {
            expected = parse(text, { relax_column_count: true, relax_quotes: true, skip_empty_lines: false }) as string[][];
          } catch {
            expected = undefined; // csv-parse gives up (an open quote at the end); so must we
          }
          if (expected === undefined) expect(() => cells(split(text, cuts))).toThrow(CsvSyntaxError);
          else expect(cells(split(text, cuts))).toEqual(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
