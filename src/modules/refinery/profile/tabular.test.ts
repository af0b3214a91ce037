import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { openDuckDb, sqlString } from '../duckdb.js';
import { profileTable } from './tabular.js';

const dir = mkdtempSync(path.join(tmpdir(), 'datadam-tabular-'));
const work = mkdtempSync(path.join(tmpdir(), 'datadam-tabular-work-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});
const options = { workDir: work };

/** 서울 and 부산 in CP949. */
const SEOUL = Buffer.from([0xbc, 0xad, 0xbf, 0xef]);
const BUSAN = Buffer.from([0xba, 0xce, 0xbb, 0xea]);

describe('profileTable: CSV', () => {
  it('profiles every column: types, nulls, stats, exact top values and a histogram that adds up', async () => {
    const rows = ['id,city,amount,day,code'];
    for (let i = 1; i <= 200; i++)
      rows.push(
        `${i},${i % 4 === 0 ? '부산' : '서울'},${i % 10 === 0 ? '' : i * 1.5},2024-01-${String((i % 28) + 1).padStart(2, '0')},0${i % 7}`,
      );
    const file = path.join(dir, 'basic.csv');
    writeFileSync(file, rows.join('\n') + '\n');
    const p = await profileTable(file, 'csv', options);
    expect(p).toMatchObject({ encoding: 'utf-8', rows: 200, inspectedRows: 200 });
    const [id, city, amount, day, code] = p.columns;
    expect(id).toMatchObject({ name: 'id', type: 'BIGINT', nulls: 0, issues: [] });
    expect(id!.stats).toMatchObject({ min: 1, max: 200, mean: 100.5 });
    expect(id!.distinct).toBeGreaterThan(190);
    expect(city!.stats.topValues).toEqual([
      { value: '서울', count: 150 },
      { value: '부산', count: 50 },
    ]);
    expect(city!.stats.histogram).toEqual({ kind: 'top', values: city!.stats.topValues });
    expect(amount).toMatchObject({ type: 'DOUBLE', nulls: 20 });
    const bins = amount!.stats.histogram.kind === 'bins' ? amount!.stats.histogram.bins : [];
    expect(bins).toHaveLength(20);
    expect(bins.reduce((n, b) => n + b.count, 0)).toBe(180);
    expect(amount!.stats.p50).toBeGreaterThan(100);
    expect(amount!.stats.p50).toBeLessThan(200);
    expect(day).toMatchObject({ type: 'DATE' });
    expect(day!.stats).toMatchObject({ min: '2024-01-01', max: '2024-01-28' });
    // 00…06: leading zeros make it a code, not a number.
    expect(code!.type).toBe('VARCHAR');
  });

  it('reads defects the type sniffer would hide, with their rows', async () => {
    const file = path.join(dir, 'defects.csv');
    writeFileSync(file, 'no,count,opened\n3.62E+17,"1,234 ",2020.1.2\n3.62E+17, 5 ,2020-01-03\n200114300000,7,2020-01-04\n');
    const p = await profileTable(file, 'csv', options);
    const [no, count, opened] = p.columns;
    expect(no!.issues).toEqual(['excel_scientific_number']);
    expect(no!.defects[0]).toMatchObject({
      count: 2,
      examples: [
        { row: 1, value: '3.62E+17' },
        { row: 2, value: '3.62E+17' },
      ],
    });
    expect(count!.issues).toEqual(['number_with_spaces']);
    expect(opened!.issues).toEqual(['dotted_date', 'mixed_date_formats']);
    expect(opened!.type).toBe('VARCHAR');
  });

  it('transcodes CP949, and a file that is ASCII for 64 KiB and CP949 after', async () => {
    const small = path.join(dir, 'cp949.csv');
    writeFileSync(small, Buffer.concat([Buffer.from('city,n\n'), SEOUL, Buffer.from(',1\n'), BUSAN, Buffer.from(',2\n')]));
    const p = await profileTable(small, 'csv', options);
    expect(p).toMatchObject({ encoding: 'cp949', rows: 2 });
    expect(p.columns[0]!.stats.topValues.map((t) => t.value).sort()).toEqual(['부산', '서울']);

    const late = path.join(dir, 'late-cp949.csv');
    const ascii = Buffer.from('city,n\n' + 'Seoul,1\n'.repeat(10_000));
    writeFileSync(late, Buffer.concat([ascii, BUSAN, Buffer.from(',2\n')]));
    const q = await profileTable(late, 'csv', options);
    expect(q).toMatchObject({ encoding: 'cp949', rows: 10_001 });
    expect(q.columns[0]!.stats.topValues).toContainEqual({ value: '부산', count: 1 });
  });

  it('profiles a TSV and inspects only the first sampleRows rows, counting all', async () => {
    const file = path.join(dir, 't.tsv');
    writeFileSync(file, 'a\tb\n' + Array.from({ length: 50 }, (_, i) => `${i}\t${i < 10 ? ' x' : 'y'}`).join('\n'));
    const p = await profileTable(file, 'tsv', { ...options, sampleRows: 20 });
    expect(p).toMatchObject({ rows: 50, inspectedRows: 20 });
    expect(p.columns[1]!.defects[0]).toMatchObject({ code: 'leading_trailing_space', count: 10 });
  });

  it('past the inspection, counts top values of text columns and skips ids (unique) and numbers (their histogram says more)', async () => {
    const file = path.join(dir, 'large.csv');
    const rows = Array.from({ length: 2_000 }, (_, i) => `ID-${i},${i % 3 === 0 ? '서울' : '부산'},${i % 97}`);
    writeFileSync(file, `id,city,amount\n${rows.join('\n')}\n`);
    const p = await profileTable(file, 'csv', { ...options, sampleRows: 100 });
    const [id, city, amount] = p.columns;
    expect(p).toMatchObject({ rows: 2_000, inspectedRows: 100 });
    expect(city!.stats.topValues).toEqual([
      { value: '부산', count: 1_333 },
      { value: '서울', count: 667 },
    ]);
    expect(city!.stats.topValuesSkipped).toBeUndefined();
    expect(id!.stats).toMatchObject({ topValues: [], topValuesSkipped: 'unique' });
    expect(amount!.stats).toMatchObject({ topValues: [], topValuesSkipped: 'numeric', min: 0, max: 96 });
    expect(amount!.stats.histogram.kind).toBe('bins');
  });

  it('summarises number and date columns by their values, and one that turns to text further on by its texts', async () => {
    const file = path.join(dir, 'turns-text.csv');
    const rows = Array.from(
      { length: 300 },
      (_, i) => `${i},2024-01-${String((i % 28) + 1).padStart(2, '0')},7,${i * 10},${i % 2 ? '1' : '1.0'}`,
    );
    rows.push('알 수 없음,모름,7,5,1');
    writeFileSync(file, `n,day,same,amount,ratio\n${rows.join('\n')}\n`);
    const p = await profileTable(file, 'csv', { ...options, sampleRows: 100 });
    const [n, day, same, amount, ratio] = p.columns;
    // Characters, not bytes: '알 수 없음' is 6 characters in 14 bytes.
    expect(n).toMatchObject({ type: 'VARCHAR', nulls: 0 });
    expect(n!.stats).toMatchObject({ min: '0', max: '알 수 없음', minLength: 1, maxLength: 6 });
    expect(n!.distinct).toBeGreaterThan(250); // 301, estimated (HyperLogLog)
    expect(day).toMatchObject({ type: 'VARCHAR' });
    expect(day!.stats).toMatchObject({ min: '2024-01-01', max: '모름', minLength: 2, maxLength: 10 });
    expect(same).toMatchObject({ type: 'BIGINT', distinct: 1, issues: ['constant'] });
    expect(same!.stats).toMatchObject({ min: 7, max: 7, minLength: 1, maxLength: 1 });
    expect(amount).toMatchObject({ type: 'BIGINT', nulls: 0 });
    expect(amount!.stats).toMatchObject({ min: 0, max: 2990, minLength: 1, maxLength: 4 });
    expect(amount!.distinct).toBeGreaterThan(250);
    // One number written two ways.
    expect(ratio).toMatchObject({ type: 'DOUBLE', distinct: 1, issues: ['constant'] });
  });

  it('names the file and the line when a CSV is broken', async () => {
    const file = path.join(dir, 'ragged.csv');
    // Past DuckDB's sniffing sample (20,480 lines) the error has a line number; within it, a reason.
    writeFileSync(file, 'a,b\n' + '1,2\n'.repeat(30_000) + '3,4,5,6\n');
    await expect(profileTable(file, 'csv', options)).rejects.toThrow(/^ragged\.csv: .*Line: 30002/);
    const small = path.join(dir, 'ragged-small.csv');
    writeFileSync(small, 'a,b\n1,2\n3,4,5,6\n');
    await expect(profileTable(small, 'csv', options)).rejects.toThrow(/^ragged-small\.csv: the CSV dialect could not be settled/);
  });
});

describe('profileTable: XLSX, Parquet, JSON Lines', () => {
  it('streams the first sheet of a workbook', async () => {
    const file = path.join(dir, 'book.xlsx');
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('목록');
    sheet.addRow(['기관', '건수', '등록일']);
    sheet.addRow(['서울시', 3, new Date(Date.UTC(2024, 0, 2))]);
    sheet.addRow(['부산시', 5, new Date(Date.UTC(2024, 0, 3))]);
    workbook.addWorksheet('other').addRow(['x']);
    await workbook.xlsx.writeFile(file);
    const p = await profileTable(file, 'xlsx', options);
    expect(p).toMatchObject({ encoding: null, rows: 2, sheet: '목록', sheets: 2 });
    expect(p.columns.map((c) => [c.name, c.type])).toEqual([
      ['기관', 'VARCHAR'],
      ['건수', 'BIGINT'],
      ['등록일', 'DATE'],
    ]);
  });

  it('keeps the native types of Parquet and JSON Lines', async () => {
    const parquet = path.join(dir, 'p.parquet');
    const db = await openDuckDb({ allowedDirectories: [dir] });
    await db.run(`copy (select range as n, 'v' || (range % 3) as s from range(1000)) to ${sqlString(parquet)} (format parquet)`);
    db.close();
    const p = await profileTable(parquet, 'parquet', options);
    expect(p).toMatchObject({ rows: 1000, encoding: null });
    expect(p.columns[0]).toMatchObject({ name: 'n', type: 'BIGINT', nulls: 0 });
    expect(p.columns[0]!.stats).toMatchObject({ min: 0, max: 999 });
    expect(p.columns[1]!.stats.topValues).toHaveLength(3);

    const jsonl = path.join(dir, 'r.jsonl');
    writeFileSync(jsonl, '{"id":1,"label":"a"}\n{"id":2,"label":null}\n{"id":3,"label":"a"}\n');
    const j = await profileTable(jsonl, 'jsonl', options);
    expect(j.rows).toBe(3);
    expect(j.columns.map((c) => [c.name, c.type, c.nulls])).toEqual([
      ['id', 'BIGINT', 0],
      ['label', 'VARCHAR', 1],
    ]);
  });
});
