// `datadam quality check` end to end, as a user runs it. UTF-8 files only: the rule engine reads
// CSV as UTF-8 (CP949 files are converted by the refinery's ingest first).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/support/cli.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'datadam-quality-cli-'));
  mkdirSync(path.join(dir, 'data', 'stores'), { recursive: true });
  writeFileSync(
    path.join(dir, 'data', 'stores', '상가.csv'),
    [
      '상호명,상태,개업일자,폐업일자',
      '행복약국,영업,2019-03-01,',
      '한빛서점,폐업,2015-07-10,2021-12-31',
      '미래상사,폐업,2018-05-05,2017-01-01',
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(dir, 'data', 'reviews.jsonl'), ['{"리뷰":"재밌어요","평점":9}', '{"리뷰":"지루함","평점":2}'].join('\n'));
  writeFileSync(path.join(dir, 'data', 'notes.txt'), 'not tabular');
  writeFileSync(
    path.join(dir, 'failing.yaml'),
    `rules:
  - { kind: not_null, column: 상호명, file: "stores/*.csv" }
  - { kind: condition, when: "상태 = '폐업'", check: "폐업일자 >= 개업일자", file: "*.csv" }
  - { kind: range, column: 평점, min: 1, max: 10, file: "*.jsonl" }
`,
  );
  writeFileSync(
    path.join(dir, 'passing.yaml'),
    'file: "*.jsonl"\nrules:\n  - { kind: range, column: 평점, min: 1, max: 10 }\n  - { kind: row_count, min: 2 }\n',
  );
  writeFileSync(
    path.join(dir, 'bad.yaml'),
    'rules:\n  - { kind: not_null, column: 상호명 }\n  - { kind: pattern, column: 상호명, pattern: "(?<=a)b" }\n',
  );
  writeFileSync(
    path.join(dir, 'unknown-column.yaml'),
    'rules:\n  - { kind: not_null, column: 상호명 }\n  - { kind: not_null, column: 주소 }\n',
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('datadam quality check', () => {
  it('exits 1 and names the failing rows when a rule fails (JSON)', async () => {
    const result = await runCli(['quality', 'check', path.join(dir, 'data'), '--rules', path.join(dir, 'failing.yaml'), '--json']);
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.ok).toBe(false);
    expect(report.files).toEqual([
      { file: 'reviews.jsonl', rules: 1, failed: 0 },
      { file: 'stores/상가.csv', rules: 2, failed: 1 },
    ]);
    const condition = report.rules.find((r: { rule: number }) => r.rule === 1);
    expect(condition).toMatchObject({
      kind: 'condition',
      file: 'stores/상가.csv',
      passed: false,
      checked: 2,
      failed: 1,
      failingRows: [{ row: 3, values: { 상태: '폐업', 폐업일자: '2017-01-01', 개업일자: '2018-05-05' } }],
    });
    expect(condition.message.ko).toMatch(/2행 중 1행 위반/);
  });

  it('prints a readable report on a terminal', async () => {
    const result = await runCli(['quality', 'check', path.join(dir, 'data'), '--rules', path.join(dir, 'failing.yaml')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL rules\[1\] stores\/상가\.csv: when 상태 = '폐업': 폐업일자 >= 개업일자: 1 of 2 rows fail/);
    expect(result.stdout).toMatch(/row 3: 상태="폐업", 폐업일자="2017-01-01", 개업일자="2018-05-05"/);
    expect(result.stdout).toMatch(/1 of 3 rule checks failed on 2 file\(s\)/);
  });

  it('exits 0 when every rule passes, on one file too', async () => {
    const folder = await runCli(['quality', 'check', path.join(dir, 'data'), '--rules', path.join(dir, 'passing.yaml'), '--json']);
    expect(folder.code, folder.stderr).toBe(0);
    expect(JSON.parse(folder.stdout)).toMatchObject({ ok: true, files: [{ file: 'reviews.jsonl', rules: 2, failed: 0 }] });
    const single = await runCli(['quality', 'check', path.join(dir, 'data', 'reviews.jsonl'), '--rules', path.join(dir, 'passing.yaml')]);
    expect(single.code).toBe(0);
    expect(single.stdout).toMatch(/All 2 rule checks passed on 1 file/);
  });

  it('exits 2 with the rule and field on a bad rule file', async () => {
    const result = await runCli(['quality', 'check', path.join(dir, 'data'), '--rules', path.join(dir, 'bad.yaml')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/rules\[1\]\.pattern: look-ahead and look-behind/);
    const unknown = await runCli([
      'quality',
      'check',
      path.join(dir, 'data', 'stores'),
      '--rules',
      path.join(dir, 'unknown-column.yaml'),
      '--json',
    ]);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout).error.problems).toContainEqual({
      field: 'rules[1].column',
      message: expect.stringMatching(/^unknown column "주소" in 상가\.csv/),
    });
  });

  it('exits 2 when the rule file or the path is missing', async () => {
    expect((await runCli(['quality', 'check', path.join(dir, 'data'), '--rules', path.join(dir, 'none.yaml')])).code).toBe(2);
    expect((await runCli(['quality', 'check', path.join(dir, 'nowhere'), '--rules', path.join(dir, 'passing.yaml')])).code).toBe(2);
    expect((await runCli(['quality', 'check', path.join(dir, 'data', 'notes.txt'), '--rules', path.join(dir, 'passing.yaml')])).code).toBe(
      2,
    );
  });
});
