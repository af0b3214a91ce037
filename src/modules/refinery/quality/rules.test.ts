import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, sqlString, type DuckDb } from '../duckdb.js';
import { compileExpression, expressionColumns, parseExpression } from './condition.js';
import { RuleFileError, parseRuleFile, ruleApplies, runRules, type RuleResult } from './rules.js';

let dir: string;
let db: DuckDb;

const STORES = [
  '상호명,사업자번호,면적,전화번호,상태,개업일자,폐업일자,메모',
  '행복약국,111,35.5,02-123-4567,영업,2019-03-01,,"여러 줄\n메모"',
  '"한빛 ""서점""",222,120,031-555-1234,폐업,2015-07-10,2021-12-31,',
  ',333,12a,010-1234-5678,영업,2020-01-01,,',
  '미래상사,222,-3,02-9999-000,폐업,2018-05-05,2017-01-01,',
  '새싹분식,444,80,02-777-8888,휴업,2021-06-06,,',
  '   ,555,50,02-111-2222,기타,2022-02-02,,',
  '',
].join('\n');

function expectRuleError(yaml: string, field: string, message: RegExp): void {
  try {
    parseRuleFile(yaml);
  } catch (error) {
    expect(error).toBeInstanceOf(RuleFileError);
    const problem = (error as RuleFileError).problems.find((p) => p.field === field);
    expect(problem, `problems: ${JSON.stringify((error as RuleFileError).problems)}`).toBeDefined();
    expect(problem!.message).toMatch(message);
    return;
  }
  throw new Error('expected a RuleFileError');
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'datadam-rules-'));
  writeFileSync(path.join(dir, 'stores.csv'), STORES);
  db = await openDuckDb({ allowedDirectories: [dir], threads: 2 });
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('parseRuleFile', () => {
  it('reads every kind', () => {
    const set = parseRuleFile(`
version: 1
file: "*.csv"
rules:
  - { kind: not_null, column: 상호명 }
  - { kind: unique, columns: [사업자번호] }
  - { kind: range, column: 면적, min: 0, max: 1000 }
  - { kind: pattern, column: 전화번호, pattern: '^0\\d{1,2}-\\d{3,4}-\\d{4}$' }
  - { kind: allowed_values, column: 상태, values: [영업, 휴업, 폐업] }
  - { kind: length, column: 상호명, max: 10 }
  - { kind: row_count, min: 1 }
  - { kind: condition, when: "상태 = '폐업'", check: 폐업일자 >= 개업일자 }
`);
    expect(set.file).toBe('*.csv');
    expect(set.rules.map((r) => r.kind)).toEqual([
      'not_null',
      'unique',
      'range',
      'pattern',
      'allowed_values',
      'length',
      'row_count',
      'condition',
    ]);
    expect(set.rules.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('names the rule and the field of every problem', () => {
    expectRuleError('rules:\n  - { kind: not_null }', 'rules[0].column', /required/);
    expectRuleError(
      'rules:\n  - { kind: not_null, column: a }\n  - { kind: nope, column: a }',
      'rules[1].kind',
      /unknown kind "nope".*not_null/,
    );
    expectRuleError('rules:\n  - { kind: range, column: a, min: 5, max: 1 }', 'rules[0].max', /below min/);
    expectRuleError('rules:\n  - { kind: range, column: a }', 'rules[0]', /min, max/);
    expectRuleError('rules:\n  - { kind: range, column: a, min: abc }', 'rules[0].min', /number or a date/);
    expectRuleError('rules:\n  - { kind: length, column: a, min: 1, colour: red }', 'rules[0].colour', /unknown field/);
    expectRuleError('rules:\n  - { kind: pattern, column: a, pattern: "(" }', 'rules[0].pattern', /not a valid regular expression/);
    expectRuleError('rules:\n  - { kind: pattern, column: a, pattern: "^(?=a)b" }', 'rules[0].pattern', /look-ahead.*RE2/);
    expectRuleError('rules:\n  - { kind: pattern, column: a, pattern: "(a)\\\\1" }', 'rules[0].pattern', /back-references/);
    expectRuleError('rules:\n  - { kind: unique, column: a, columns: [b] }', 'rules[0]', /one of them/);
    expectRuleError('rules:\n  - { kind: condition, check: "a >=" }', 'rules[0].check', /expected a value after ">="/);
    expectRuleError('rules:\n  - { kind: condition, check: "a > 1", when: "b = \'x" }', 'rules[0].when', /unterminated/);
    expectRuleError('rules: []', 'rules', /.+/);
    expectRuleError('rules: [\n', '(file)', /not valid YAML/);
    expectRuleError('rule:\n  - { kind: not_null, column: a }', 'rule', /unknown field/);
  });
});

describe('runRules on a Korean CSV', () => {
  async function run(yaml: string): Promise<RuleResult[]> {
    return runRules(db, parseRuleFile(yaml).rules, path.join(dir, 'stores.csv'), 'stores.csv');
  }

  it('reports failing rows by their real data row number, past a value spanning two lines', async () => {
    const [notNull, unique, range, pattern, allowed, length, count] = await run(`
rules:
  - { kind: not_null, column: 상호명 }
  - { kind: unique, column: 사업자번호 }
  - { kind: range, column: 면적, min: 0, max: 100 }
  - { kind: pattern, column: 전화번호, pattern: '^0\\d{1,2}-\\d{3,4}-\\d{4}$' }
  - { kind: allowed_values, column: 상태, values: [영업, 휴업, 폐업] }
  - { kind: length, column: 상호명, max: 6 }
  - { kind: row_count, min: 1, max: 5 }
`);
    // Row 3 has no name, row 6 only spaces.
    expect(notNull).toMatchObject({
      passed: false,
      checked: 6,
      failed: 2,
      failingRows: [{ row: 3, values: { 상호명: null } }, { row: 6 }],
    });
    expect(unique).toMatchObject({
      passed: false,
      checked: 6,
      failed: 2,
      failingRows: [{ row: 2, values: { 사업자번호: '222' } }, { row: 4 }],
    });
    // 120 above the max, "12a" not a number, -3 below the min.
    expect(range!.failingRows.map((r) => [r.row, r.values.면적])).toEqual([
      [2, '120'],
      [3, '12a'],
      [4, '-3'],
    ]);
    expect(pattern!.failingRows.map((r) => r.row)).toEqual([4]);
    expect(allowed).toMatchObject({ failed: 1, failingRows: [{ row: 6, values: { 상태: '기타' } }] });
    // '한빛 "서점"' is 7 characters (quotes unescaped); the two blank names are not checked by length.
    expect(length).toMatchObject({ checked: 4, failed: 1, failingRows: [{ row: 2, values: { 상호명: '한빛 "서점"' } }] });
    expect(count).toMatchObject({ passed: false, checked: 6, failed: 1 });
    expect(notNull!.message.en).toBe('상호명 has a value: 2 of 6 rows fail');
    expect(notNull!.message.ko).toBe('상호명 값 있음: 6행 중 2행 위반');
  });

  it('checks cross-column conditions only where `when` holds, failing undecidable rows', async () => {
    const [closed, noWhen] = await run(`
rules:
  - { kind: condition, when: "상태 = '폐업'", check: "폐업일자 >= 개업일자" }
  - { kind: condition, check: "면적 > 10 or 상태 in ('휴업')" }
`);
    expect(closed).toMatchObject({
      checked: 2,
      failed: 1,
      failingRows: [{ row: 4, values: { 상태: '폐업', 폐업일자: '2017-01-01', 개업일자: '2018-05-05' } }],
    });
    // Row 3 ("12a") cannot be compared with 10 and is not 휴업; row 4 (-3) is too small.
    expect(noWhen!.failingRows.map((r) => r.row)).toEqual([3, 4]);
  });

  it('passes rules that hold and says so', async () => {
    const [result] = await run('rules:\n  - { kind: range, column: 개업일자, min: 2000-01-01, max: 2030-12-31 }');
    expect(result).toMatchObject({ passed: true, checked: 6, failed: 0, failingRows: [] });
    expect(result!.message.en).toMatch(/all 6 rows pass/);
  });

  it('names an unknown column with the rule index and field', async () => {
    await expect(run('rules:\n  - { kind: not_null, column: 상호명 }\n  - { kind: pattern, column: 주소, pattern: x }')).rejects.toThrow(
      /rules\[1\]\.column: unknown column "주소" in stores\.csv/,
    );
    await expect(run('rules:\n  - { kind: condition, when: "지역 = \'x\'", check: 면적 > 1 }')).rejects.toThrow(
      /rules\[0\]\.when: unknown column "지역"/,
    );
  });

  it('never lets rule text reach SQL as code', async () => {
    // Strings with quotes stay strings; a column name with quotes is one (unknown) name.
    const [result] = await run(
      `rules:\n  - { kind: allowed_values, column: 상태, values: ["영업'); DROP TABLE x; --", 영업, 휴업, 폐업, 기타] }`,
    );
    expect(result!.passed).toBe(true);
    const tree = parseExpression(`상태 = 'a'' OR 1=1 --'`);
    expect(compileExpression(tree)).toBe(`(CAST("상태" AS VARCHAR) = 'a'' OR 1=1 --')`);
    await expect(run('rules:\n  - { kind: not_null, column: \'상호명" IS NULL OR "1\' }')).rejects.toThrow(/unknown column/);
  });

  it('lists at most 100 failing rows but counts them all', async () => {
    const rows = ['id,값', ...Array.from({ length: 250 }, (_, i) => `${i + 1},${i % 2 ? 'x' : ''}`)].join('\n');
    const file = path.join(dir, 'many.csv');
    writeFileSync(file, rows);
    const [result] = await runRules(db, parseRuleFile('rules:\n  - { kind: not_null, column: 값 }').rules, file);
    expect(result!.failed).toBe(125);
    expect(result!.failingRows).toHaveLength(100);
    expect(result!.failingRows[99]!.row).toBe(199);
  });
});

describe('runRules on Parquet and JSONL', () => {
  it('reads typed files and numbers their rows', async () => {
    const jsonl = path.join(dir, 'reviews.jsonl');
    writeFileSync(
      jsonl,
      ['{"리뷰":"좋아요","평점":5}', '{"리뷰":"","평점":11}', '{"리뷰":"별로","평점":null}', '{"리뷰":"최고","평점":3}'].join('\n'),
    );
    const parquet = path.join(dir, 'reviews.parquet');
    await db.run(`COPY (SELECT * FROM read_json(${sqlString(jsonl)})) TO ${sqlString(parquet)} (FORMAT parquet)`);
    const rules = parseRuleFile('rules:\n  - { kind: not_null, column: 리뷰 }\n  - { kind: range, column: 평점, min: 1, max: 10 }').rules;
    for (const file of [jsonl, parquet]) {
      const [notNull, range] = await runRules(db, rules, file);
      expect(notNull!.failingRows.map((r) => r.row)).toEqual([2]);
      expect(range).toMatchObject({ checked: 3, failed: 1, failingRows: [{ row: 2, values: { 평점: '11' } }] });
    }
  });

  it('numbers rows in file order on a large CSV read by several threads', async () => {
    const file = path.join(dir, 'large.csv');
    const lines = ['번호,값'];
    for (let i = 1; i <= 600_000; i++) lines.push(`${i},${i % 99_991 === 0 ? 'bad' : 'ok'}`);
    writeFileSync(file, lines.join('\n'));
    const [result] = await runRules(db, parseRuleFile('rules:\n  - { kind: condition, check: "값 = \'ok\'" }').rules, file);
    expect(result!.failingRows.map((r) => r.row)).toEqual([99_991, 199_982, 299_973, 399_964, 499_955, 599_946]);
  });
});

describe('ruleApplies', () => {
  it('matches the rule glob, else the file glob, on the relative path or the name', () => {
    const [rule] = parseRuleFile('rules:\n  - { kind: row_count, min: 1, file: "stores/*.csv" }').rules;
    expect(ruleApplies(rule!, undefined, 'stores/a.csv')).toBe(true);
    expect(ruleApplies(rule!, undefined, 'other/a.csv')).toBe(false);
    const [plain] = parseRuleFile('rules:\n  - { kind: row_count, min: 1 }').rules;
    expect(ruleApplies(plain!, '*.parquet', 'x/y.parquet')).toBe(true);
    expect(ruleApplies(plain!, '**/*.csv', 'x/y/z.csv')).toBe(true);
    expect(ruleApplies(plain!, '*.parquet', 'y.csv')).toBe(false);
    expect(ruleApplies(plain!, undefined, 'anything.csv')).toBe(true);
  });
});

describe('condition expressions', () => {
  it('parse with precedence, quoted names and lists', () => {
    const tree = parseExpression(`"면적(㎡)" > 0 and not (업종 = '기타') or 상태 not in ('폐업', 1) or x is not null`);
    expect(tree.kind).toBe('or');
    expect(expressionColumns(tree)).toEqual(['면적(㎡)', '업종', '상태', 'x']);
    expect(() => parseExpression('a > b c')).toThrow(/unexpected "c" at character 7/);
    expect(() => parseExpression('a in (b)')).toThrow(/column "b"/);
    expect(() => parseExpression('')).toThrow(/empty/);
    expect(() => parseExpression('a ; b')).toThrow(/unexpected ";"/);
  });

  it('compare numbers as numbers, dates as dates, and text as text', async () => {
    const evaluate = async (expression: string, row: Record<string, string | null>) => {
      const columns = Object.entries(row)
        .map(([k, v]) => `${v === null ? 'NULL' : sqlString(v)}::VARCHAR AS "${k}"`)
        .join(', ');
      const [result] = await db.all<{ r: boolean | null }>(
        `SELECT ${compileExpression(parseExpression(expression))} AS r FROM (SELECT ${columns})`,
      );
      return result!.r;
    };
    expect(await evaluate('a < b', { a: '9', b: '10' })).toBe(true); // numbers, not text
    expect(await evaluate('a < b', { a: '2020-01-05', b: '2019-12-31' })).toBe(false);
    expect(await evaluate('a < b', { a: '가', b: '나' })).toBe(true);
    expect(await evaluate('a = 1', { a: '1.0' })).toBe(true);
    expect(await evaluate('a = b', { a: '1.0', b: '1' })).toBe(false); // equality between columns is text
    expect(await evaluate('a > 1', { a: 'x' })).toBeNull();
    expect(await evaluate('a < b', { a: null, b: '1' })).toBeNull();
    expect(await evaluate('a is null', { a: null })).toBe(true);
    expect(await evaluate('a in (1, 2)', { a: '2' })).toBe(true);
  });
});
