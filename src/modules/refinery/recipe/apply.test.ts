import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../../core/errors.js';
import { Cp949Decoder } from '../../shared/encoding.js';
import { openDuckDb, sqlString } from '../duckdb.js';
import { RecipeRunError, applyRecipe, globToRegExp } from './apply.js';
import { parseRecipe } from './recipe.js';

const root = mkdtempSync(path.join(tmpdir(), 'datadam-apply-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** CP949 bytes of a text, found by inverting the project's decoder over the two-byte range. */
function encodeCp949(text: string): Buffer {
  const table = new Map<string, number[]>();
  const decoder = new Cp949Decoder();
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x41; trail <= 0xfe; trail++) {
      const char = decoder.decode(Uint8Array.from([lead, trail]));
      if (char.length === 1 && char !== '\uFFFD' && !table.has(char)) table.set(char, [lead, trail]);
    }
  }
  const bytes: number[] = [];
  for (const char of text) {
    if (char.charCodeAt(0) < 0x80) bytes.push(char.charCodeAt(0));
    else if (table.has(char)) bytes.push(...table.get(char)!);
    else throw new Error(`no CP949 code for ${char}`);
  }
  return Buffer.from(bytes);
}

let counter = 0;
function folder(name: string): string {
  const dir = path.join(root, `${name}-${counter++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function query<T = Record<string, unknown>>(sql: string, dirs: string[]): Promise<T[]> {
  const db = await openDuckDb({ allowedDirectories: dirs, threads: 1 });
  try {
    return await db.all<T>(sql);
  } finally {
    db.close();
  }
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A CP949 file as a Korean spreadsheet saves it: dotted dates, stray spaces, a duplicate row, E+ ids. */
const RAW_ROWS = [
  '관리번호,사업장명,인허가일자,정원,상태',
  '1001, 행복산후조리원 ,2013.1.28," 1,234 ",영업',
  '1002,사랑조리원,20150302,１２,폐업',
  '1001, 행복산후조리원 ,2013.1.28," 1,234 ",영업',
  '3.62E+17,미래조리원,2020년 12월 31일,7,영업',
  '1004,  ,2021.02.30,없음,영업',
  '1005,하늘조리원,2019/7/1,,휴업',
];

const CLEANING = `
version: 1
schema:
  columns:
    - { name: id, type: text, id: true }
    - { name: name }
    - { name: licensed_on, type: date }
    - { name: capacity, type: integer }
    - { name: status }
steps:
  - op: trim
  - op: parse_date
    columns: [인허가일자]
  - op: parse_number
    columns: [정원]
    type: integer
  - op: deduplicate
  - op: rename
    map: { 관리번호: id, 사업장명: name, 인허가일자: licensed_on, 정원: capacity, 상태: status }
  - op: filter
    where: "status != '휴업'"
  - op: fill_null
    values: { name: '(이름 없음)' }
  - op: replace
    columns: [status]
    values: { 영업: open, 폐업: closed }
output:
  formats: [parquet, jsonl]
  name: 산후조리원
`;

describe('applyRecipe', () => {
  it('cleans a CP949 CSV: dates, numbers, spaces, duplicates, ids in E notation, and the standard schema', async () => {
    const input = folder('in');
    const out = folder('out');
    writeFileSync(path.join(input, '조리원.csv'), encodeCp949(RAW_ROWS.join('\r\n') + '\r\n'));
    const run = await applyRecipe(parseRecipe(CLEANING), path.join(input, '조리원.csv'), out);

    expect(run.inputs).toEqual([
      { path: '조리원.csv', bytes: expect.any(Number), sha256: sha256(path.join(input, '조리원.csv')), format: 'csv', encoding: 'cp949' },
    ]);
    const rows = await query(`select * from read_parquet(${sqlString(path.join(out, 'data/산후조리원.parquet'))})`, [out]);
    expect(
      rows.map((r) => ({ ...r, licensed_on: r.licensed_on instanceof Date ? r.licensed_on.toISOString().slice(0, 10) : r.licensed_on })),
    ).toEqual([
      { id: '1001', name: '행복산후조리원', licensed_on: '2013-01-28', capacity: 1234, status: 'open' },
      { id: '1002', name: '사랑조리원', licensed_on: '2015-03-02', capacity: 12, status: 'closed' },
      { id: null, name: '미래조리원', licensed_on: '2020-12-31', capacity: 7, status: 'open' },
      { id: '1004', name: '(이름 없음)', licensed_on: null, capacity: null, status: 'open' },
    ]);
    const types = await query<{ column_name: string; column_type: string }>(
      `describe select * from read_parquet(${sqlString(path.join(out, 'data/산후조리원.parquet'))})`,
      [out],
    );
    expect(types.map((t) => t.column_type)).toEqual(['VARCHAR', 'VARCHAR', 'DATE', 'INTEGER', 'VARCHAR']);

    const jsonl = readFileSync(path.join(out, 'data/산후조리원.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(jsonl.map((r) => r.licensed_on)).toEqual(['2013-01-28', '2015-03-02', '2020-12-31', null]);

    expect(run.rowsIn).toBe(6);
    expect(run.rowsOut).toBe(4);
    const step = (at: string) => run.steps.find((s) => s.at === at)!;
    expect(step('steps[1]').nulled).toEqual({ 인허가일자: 1 });
    expect(step('steps[2]').nulled).toEqual({ 정원: 1 });
    expect(step('steps[3]')).toMatchObject({ op: 'deduplicate', rowsIn: 6, rowsOut: 5 });
    expect(step('steps[5]')).toMatchObject({ op: 'filter', rowsIn: 5, rowsOut: 4 });
    expect(step('steps[6]').filled).toEqual({ name: 1 });
    expect(step('schema').precisionLost).toEqual({ id: 1 });
    expect(run.warnings.join('\n')).toMatch(/1 identifier\(s\) in "id" are in scientific notation/);
    expect(run.outputs.map((o) => [o.path, o.rows])).toEqual([
      ['data/산후조리원.parquet', 4],
      ['data/산후조리원.jsonl', 4],
    ]);
    expect(run.outputs[0]!.sha256).toBe(sha256(path.join(out, 'data/산후조리원.parquet')));
    expect(JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'))).toEqual(run);
  });

  it('writes every text value in NFC, whatever the input had', async () => {
    const input = folder('nfc');
    const out = folder('out');
    const decomposed = '한글'.normalize('NFD');
    writeFileSync(path.join(input, 'a.csv'), `name\n${decomposed}\n`);
    await applyRecipe(parseRecipe('version: 1\noutput: { formats: [jsonl] }'), path.join(input, 'a.csv'), out);
    const text = readFileSync(path.join(out, 'data/data.jsonl'), 'utf8');
    expect(text).toBe('{"name":"한글"}\n');
    expect(text.includes(decomposed)).toBe(false);
  });

  it('gives byte-identical outputs for the same recipe and input, split stratified', async () => {
    const input = folder('repro');
    const lines = ['key,label,value'];
    for (let i = 0; i < 300; i++) lines.push(`k${i},${['가', '나', '다'][i % 3]!}${i % 7 === 0 ? '' : ''},${i * 1.5}`);
    writeFileSync(path.join(input, 'a.csv'), lines.join('\n'));
    const recipe = parseRecipe(
      'version: 1\nsteps: [{ op: parse_number, columns: [value] }]\noutput: { formats: [parquet, jsonl] }\nsplit: { ratios: { train: 0.7, validation: 0.2, test: 0.1 }, seed: 11, key: key, stratify: label }',
    );
    const first = await applyRecipe(recipe, input, folder('out'));
    const secondDir = folder('out');
    const second = await applyRecipe(recipe, input, secondDir);
    expect(second.outputs).toEqual(first.outputs);
    expect(first.outputs.map((o) => o.path)).toEqual([
      'data/train.parquet',
      'data/train.jsonl',
      'data/validation.parquet',
      'data/validation.jsonl',
      'data/test.parquet',
      'data/test.jsonl',
    ]);
    for (const output of second.outputs) expect(sha256(path.join(secondDir, output.path))).toBe(output.sha256);

    const counts = await query<{ split: string; label: string; n: number }>(
      `select split, label, count(*) as n from (
         select 'train' as split, * from read_parquet(${sqlString(path.join(secondDir, 'data/train.parquet'))})
         union all select 'validation', * from read_parquet(${sqlString(path.join(secondDir, 'data/validation.parquet'))})
         union all select 'test', * from read_parquet(${sqlString(path.join(secondDir, 'data/test.parquet'))})) group by all order by all`,
      [secondDir],
    );
    const share = { train: 0.7, validation: 0.2, test: 0.1 } as Record<string, number>;
    expect(counts).toHaveLength(9);
    for (const c of counts) expect(Math.abs(c.n - 100 * share[c.split]!)).toBeLessThanOrEqual(1);
    const keys = await query<{ n: number; distinct_keys: number }>(
      `select count(*) as n, count(distinct key) as distinct_keys from read_parquet([${['train', 'validation', 'test'].map((s) => sqlString(path.join(secondDir, `data/${s}.parquet`))).join(', ')}])`,
      [secondDir],
    );
    expect(keys).toEqual([{ n: 300, distinct_keys: 300 }]);
  });

  it('reads a folder of JSONL and Parquet files chosen by input.files', async () => {
    const input = folder('mixed');
    mkdirSync(path.join(input, 'part'));
    writeFileSync(path.join(input, 'part/a.jsonl'), '{"이름":" 가 ","n":"1"}\n{"이름":"나","n":"2"}\n');
    writeFileSync(path.join(input, 'part/b.jsonl'), '{"이름":"다","n":"3"}\n');
    writeFileSync(path.join(input, 'skip.jsonl'), '{"이름":"x","n":"9"}\n');
    const out = folder('out');
    const run = await applyRecipe(
      parseRecipe("version: 1\ninput: { files: ['part/*.jsonl'] }\nsteps: [{ op: trim }, { op: cast, columns: { n: integer } }]"),
      input,
      out,
    );
    expect(run.inputs.map((i) => i.path)).toEqual(['part/a.jsonl', 'part/b.jsonl']);
    const rows = await query(`select * from read_parquet(${sqlString(path.join(out, 'data/data.parquet'))})`, [out]);
    expect(rows).toEqual([
      { 이름: '가', n: 1 },
      { 이름: '나', n: 2 },
      { 이름: '다', n: 3 },
    ]);

    // Its own output read back as Parquet input, with a regex replace.
    const again = folder('out');
    await applyRecipe(
      parseRecipe(
        "version: 1\nsteps: [{ op: replace, columns: [이름], pattern: '^(.)$', replacement: '<\\1>' }]\noutput: { formats: [jsonl] }",
      ),
      path.join(out, 'data'),
      again,
    );
    expect(readFileSync(path.join(again, 'data/data.jsonl'), 'utf8')).toBe(
      '{"이름":"<가>","n":1}\n{"이름":"<나>","n":2}\n{"이름":"<다>","n":3}\n',
    );
  });

  it('stops when told to fail on ids that lost their digits, and refuses a recipe that does not fit', async () => {
    const input = folder('ids');
    writeFileSync(path.join(input, 'a.csv'), 'id,x\n2.00116E+14,1\n123,2\n');
    const failing = parseRecipe('version: 1\nsteps: [{ op: parse_number, columns: [id], type: text, id: true, on_precision_loss: fail }]');
    await expect(applyRecipe(failing, input, folder('out'))).rejects.toThrow(RecipeRunError);
    await expect(applyRecipe(failing, input, folder('out'))).rejects.toThrow(/1 value/);

    const misfit = parseRecipe('version: 1\nsteps: [{ op: trim }, { op: drop_columns, columns: [nope] }]');
    const error = await applyRecipe(misfit, input, folder('out')).catch((e: unknown) => e);
    expect(isAppError(error) && error.problems[0]!.field).toBe('steps[1].columns');

    const badRegex = parseRecipe("version: 1\nsteps: [{ op: replace, columns: all, pattern: '(', replacement: '' }]");
    const regexError = await applyRecipe(badRegex, input, folder('out')).catch((e: unknown) => e);
    expect(isAppError(regexError) && regexError.problems[0]!.field).toBe('steps[0].pattern');
  });
});

describe('globToRegExp', () => {
  it('matches * within a folder and ** across folders', () => {
    expect(globToRegExp('*.csv').test('a.csv')).toBe(true);
    expect(globToRegExp('*.csv').test('x/a.csv')).toBe(false);
    expect(globToRegExp('**/*.csv').test('x/y/a.csv')).toBe(true);
    expect(globToRegExp('**/*.csv').test('a.csv')).toBe(true);
    expect(globToRegExp('a?.csv').test('ab.csv')).toBe(true);
    expect(globToRegExp('a.csv').test('abcsv')).toBe(false);
  });
});
