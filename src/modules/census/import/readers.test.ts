import { createReadStream, readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { ImportFileError, cellText, formatFromName, readRows, type ReadMeta, type ReadOptions, type SourceRow } from './readers.js';

const FIXTURES = new URL('../../../../test/fixtures/census/', import.meta.url);
const fixturePath = (name: string) => new URL(name, FIXTURES);

async function* chunks(data: string | Uint8Array, size = 7): AsyncGenerator<Uint8Array> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf-8') : data;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function readAll(source: AsyncIterable<Uint8Array>, options: ReadOptions = {}): Promise<SourceRow[]> {
  const rows: SourceRow[] = [];
  for await (const row of readRows(source, options)) rows.push(row);
  return rows;
}

async function failure(
  source: AsyncIterable<Uint8Array>,
  options: ReadOptions = {},
): Promise<{ rows: SourceRow[]; error: ImportFileError }> {
  const rows: SourceRow[] = [];
  try {
    for await (const row of readRows(source, options)) rows.push(row);
  } catch (error) {
    if (error instanceof ImportFileError) return { rows, error };
    throw error;
  }
  throw new Error('expected an ImportFileError');
}

const brief = (rows: SourceRow[]) => rows.map(({ row, line, values, problems }) => ({ row, line, values, problems }));

describe('formatFromName', () => {
  it('knows the extensions', () => {
    expect(formatFromName('목록.CSV')).toBe('csv');
    expect(formatFromName('a.tsv')).toBe('tsv');
    expect(formatFromName('a.xlsx')).toBe('xlsx');
    expect(formatFromName('a.json')).toBe('json');
    expect(formatFromName('a.ndjson')).toBe('jsonl');
    expect(formatFromName('a.txt')).toBe('txt');
    expect(formatFromName('a.xls')).toBe('xls');
    expect(formatFromName('README')).toBeUndefined();
  });
});

describe('readRows: CSV', () => {
  it('numbers rows as in the file: header 1, a quoted multi-line cell once, blank rows counted', async () => {
    const text = ' 목록명 ,설명\n가,"한 줄\n두 줄"\n\n나,다\n,\n라,마';
    const meta: ReadMeta = {};
    const rows = await readAll(chunks(text, 3), { fileName: 'a.csv', meta });
    expect(brief(rows)).toEqual([
      { row: 2, line: 2, values: { 목록명: '가', 설명: '한 줄\n두 줄' }, problems: undefined },
      { row: 4, line: 5, values: { 목록명: '나', 설명: '다' }, problems: undefined },
      { row: 6, line: 7, values: { 목록명: '라', 설명: '마' }, problems: undefined },
    ]);
    expect(meta).toEqual({ format: 'csv', encoding: 'utf-8', columns: ['목록명', '설명'] });
  });

  it('shares one header array between rows', async () => {
    const rows = await readAll(chunks('a,b\n1,2\n3,4\n'));
    expect(rows[0]!.columns).toBe(rows[1]!.columns);
  });

  it('marks a row with too many or too few cells instead of failing, and ignores empty trailing cells', async () => {
    const rows = await readAll(chunks('a,b,c\n1,2,3,4\n1,2\n1,2,3,,\n'));
    expect(rows.map((r) => [r.row, r.problems])).toEqual([
      [2, [{ column: '#4', message: '열이 너무 많습니다: 4개 (머리글은 3개)', messageEn: 'too many columns: 4 (the header has 3)' }]],
      [3, [{ column: 'c', message: '열이 부족합니다: 2개 (머리글은 3개)', messageEn: 'too few columns: 2 (the header has 3)' }]],
      [4, undefined],
    ]);
  });

  it('throws ImportFileError for an unterminated quote after giving the rows before it', async () => {
    const { rows, error } = await failure(chunks('a,b\n1,2\n3,"open\n4,5\n'));
    expect(rows.map((r) => r.row)).toEqual([2]);
    expect(error.toRowError()).toEqual({
      row: 3,
      column: 'b',
      message: '3행(3번째 줄) "b" 열에서 시작한 따옴표가 닫히지 않았습니다',
      messageEn: 'unterminated quote: the quoted cell starting at row 3 (line 3), column "b" is never closed',
    });
    expect(error.line).toBe(3);
    expect(error.code).toBe('validation');
    expect(error.status).toBe(422);
  });

  it('refuses an empty file, an empty header and a header naming a column twice', async () => {
    expect((await failure(chunks(''))).error.messageEn).toBe('the file is empty');
    expect((await failure(chunks(',,\n1,2,3'))).error.messageEn).toBe('the header (row 1) is empty');
    const twice = (await failure(chunks('a,b,a\n1,2,3'))).error;
    expect(twice.toRowError()).toMatchObject({ row: 1, column: 'a', messageEn: 'the header names a column twice: "a"' });
  });

  it('names unnamed header cells by position', async () => {
    const rows = await readAll(chunks('a,,c\n1,2,3\n'));
    expect(rows[0]!.values).toEqual({ a: '1', '#2': '2', c: '3' });
  });

  it('reads TSV by extension and by sniffing', async () => {
    const text = 'a\tb\n1,5\t2\n';
    expect((await readAll(chunks(text), { fileName: 'x.tsv' }))[0]!.values).toEqual({ a: '1,5', b: '2' });
    const meta: ReadMeta = {};
    expect((await readAll(chunks(text), { fileName: 'x.txt', meta }))[0]!.values).toEqual({ a: '1,5', b: '2' });
    expect(meta.format).toBe('tsv');
  });

  it('records the encoding it found', async () => {
    for (const [name, encoding] of [
      ['data-go-kr-1000.csv', 'utf-8'],
      ['data-go-kr-1000.cp949.csv', 'cp949'],
      ['data-go-kr-100.utf8-bom.csv', 'utf-8-bom'],
      ['data-go-kr-100.utf16le.csv', 'utf-16le'],
    ] as const) {
      const meta: ReadMeta = {};
      const rows = await readAll(createReadStream(fixturePath(name)), { fileName: name, meta });
      expect(meta.encoding).toBe(encoding);
      expect(meta.columns?.[0]).toBe('목록키');
      expect(rows[0]!.values['목록명']).toBe('농림수산식품교육문화정보원_기관조사가격서비스');
    }
  });
});

describe('readRows: XLSX', () => {
  it('reads the first sheet of a workbook not written by exceljs: rich text, inline strings, numbers, dates', async () => {
    const meta: ReadMeta = {};
    const rows = await readAll(createReadStream(fixturePath('native.xlsx')), { fileName: 'native.xlsx', meta });
    expect(meta).toMatchObject({ format: 'xlsx', sheet: '조사표' });
    expect(meta.columns).toHaveLength(18);
    expect(rows.map((r) => r.row)).toEqual([2, 4, 5]); // row 3 is empty
    expect(rows[0]!.values).toMatchObject({
      ID: 'A-1',
      데이터명: '서울시 대기질 측정 자료',
      '규모(건수)': '1234567',
      '수집 시작': '2010-01-01',
    });
    expect(rows[1]!.values['관련 URL']).toBe('https://nhiss.example.go.kr/sample');
    expect(rows[0]!.values['제한 사유']).toBe('');
  });

  it('sniffs XLSX without a file name, and reads a workbook exceljs wrote', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('목록');
    sheet.addRow(['이름', '값', '링크']);
    sheet.addRow(['가', 1.5, { text: '누리집', hyperlink: 'https://example.go.kr' }]);
    sheet.addRow(['나', { formula: '1+1', result: 2 }, '', '', 'extra']);
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    const rows = await readAll(chunks(buffer, 1000));
    expect(brief(rows)).toEqual([
      { row: 2, line: undefined, values: { 이름: '가', 값: '1.5', 링크: '누리집' }, problems: undefined },
      {
        row: 3,
        line: undefined,
        values: { 이름: '나', 값: '2', 링크: '' },
        problems: [
          { column: '#4', message: '열이 너무 많습니다: 5개 (머리글은 3개)', messageEn: 'too many columns: 5 (the header has 3)' },
        ],
      },
    ]);
  });

  it('refuses a file named .xlsx that is not one, a broken zip and an old .xls', async () => {
    expect((await failure(chunks('a,b\n1,2\n'), { fileName: 'a.xlsx' })).error.messageEn).toBe('not an XLSX file');
    const broken = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(200, 7)]);
    expect((await failure(chunks(broken, 50), { fileName: 'a.xlsx' })).error.messageEn).toMatch(
      /^cannot read the XLSX file|the workbook has no worksheet/,
    );
    const ole = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    expect((await failure(chunks(ole))).error.messageEn).toMatch(/XLS \(Excel 97-2003\)/);
    expect((await failure(chunks('a'), { fileName: 'old.xls' })).error.messageKo).toMatch(/XLS/);
  });

  it('turns cell values into text', () => {
    expect(cellText(null)).toBe('');
    expect(cellText(new Date('2022-06-30T00:00:00Z'))).toBe('2022-06-30');
    expect(cellText(new Date('2022-06-30T09:30:00Z'))).toBe('2022-06-30T09:30:00.000Z');
    expect(cellText({ richText: [{ text: '가' }, { text: '나' }] })).toBe('가나');
    expect(cellText({ formula: 'A1', result: 'x' } as ExcelJS.CellFormulaValue)).toBe('x');
    expect(cellText({ error: '#N/A' } as ExcelJS.CellErrorValue)).toBe('#N/A');
    expect(cellText(true)).toBe('true');
  });
});

describe('readRows: JSON and JSON Lines', () => {
  it('reads a JSON array element by element, however it is cut', async () => {
    const json = readFileSync(fixturePath('native.json'));
    for (const size of [1, 5, 64, 100_000]) {
      const meta: ReadMeta = {};
      const rows = await readAll(chunks(json, size), { meta });
      expect(meta.format).toBe('json');
      expect(rows.map((r) => [r.row, r.line])).toEqual([
        [1, 2],
        [2, 20],
        [3, 40],
      ]);
      expect(rows[0]!.values).toMatchObject({ id: 'A-1', volumeRecords: '1234567', formats: ['CSV', 'JSON'] });
      expect(rows[2]!.values['titleEn']).toBe('');
    }
  });

  it('reads strings with brackets, braces and escaped quotes inside', async () => {
    const rows = await readAll(chunks('[{"a":"x]}\\"{[,"},{"a":[1,{"b":2}]},\n{"a":null}]', 3), { fileName: 'x.json' });
    expect(rows.map((r) => r.values)).toEqual([{ a: 'x]}"{[,' }, { a: ['1', '{"b":2}'] }, { a: '' }]);
    expect(await readAll(chunks('[ ]'), { fileName: 'x.json' })).toEqual([]);
  });

  it('marks an element that is not an object', async () => {
    const rows = await readAll(chunks('[{"a":1}, 5]'), { fileName: 'x.json' });
    expect(rows[1]).toMatchObject({ row: 2, problems: [{ column: '', messageEn: 'not a JSON object' }] });
  });

  it('throws ImportFileError for broken JSON, naming the element and line', async () => {
    const broken = await failure(chunks('[\n{"a":1},\n{"a":2,,}\n]'), { fileName: 'x.json' });
    expect(broken.rows).toHaveLength(1);
    expect(broken.error).toMatchObject({ row: 2, line: 3 });
    expect(broken.error.messageEn).toMatch(/^JSON syntax error in element 2 \(line 3\)/);
    expect((await failure(chunks('[{"a":1}'), { fileName: 'x.json' })).error.messageEn).toMatch(/the array is not closed/);
    expect((await failure(chunks('{"a":1}'), { fileName: 'x.json' })).error.messageEn).toMatch(/expected a JSON array/);
    expect((await failure(chunks('[{"a":1}] x'), { fileName: 'x.json' })).error.messageEn).toMatch(/content after the end/);
    expect((await failure(chunks('[{"a":1},]'), { fileName: 'x.json' })).error.messageEn).toMatch(/unexpected "\]"/);
  });

  it('reads JSON Lines with the line as the row, a bad line marked, blank lines skipped', async () => {
    const meta: ReadMeta = {};
    const rows = await readAll(chunks('{"a":"1"}\n\n{"a":\n{"a":"3"}', 4), { meta });
    expect(meta.format).toBe('jsonl');
    expect(rows.map((r) => [r.row, r.values, r.problems?.[0]?.column])).toEqual([
      [1, { a: '1' }, undefined],
      [3, {}, ''],
      [4, { a: '3' }, undefined],
    ]);
    expect(rows[1]!.problems![0]!.messageEn).toMatch(/^JSON syntax error/);
  });
});
