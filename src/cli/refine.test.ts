import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/support/cli.js';
import { openDuckDb, sqlString } from '../modules/refinery/duckdb.js';
import { Cp949Decoder } from '../modules/shared/encoding.js';

const root = mkdtempSync(path.join(tmpdir(), 'datadam-refine-cli-'));
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
  return Buffer.from([...text].flatMap((char) => (char.charCodeAt(0) < 0x80 ? [char.charCodeAt(0)] : table.get(char)!)));
}

const input = path.join(root, '산후조리업.csv');
writeFileSync(
  input,
  encodeCp949(
    [
      '사업장명,인허가일자,상태',
      ' 행복조리원 ,2013.1.28,영업',
      '사랑조리원 ,2015.03.02.,폐업',
      ' 행복조리원 ,2013.1.28,영업',
      '하늘조리원,2020.13.01,영업',
    ].join('\r\n'),
  ),
);
const recipeFile = path.join(root, 'recipe.yaml');
writeFileSync(
  recipeFile,
  [
    'version: 1',
    'steps:',
    '  - op: trim',
    '  - op: parse_date',
    '    columns: [인허가일자]',
    '  - op: deduplicate',
    'output:',
    '  formats: [parquet, jsonl]',
    '  name: 조리원',
  ].join('\n'),
);

async function readParquet(file: string): Promise<Record<string, unknown>[]> {
  const db = await openDuckDb({ allowedDirectories: [path.dirname(file)], threads: 1 });
  try {
    return await db.all(`select 사업장명, cast(인허가일자 as varchar) as 인허가일자, 상태 from read_parquet(${sqlString(file)})`);
  } finally {
    db.close();
  }
}

describe('datadam refine apply', () => {
  it('cleans a CP949 CSV into Parquet and JSONL and prints the run record', { timeout: 120_000 }, async () => {
    const out = path.join(root, 'out');
    const result = await runCli(['refine', 'apply', recipeFile, input, out, '--json'], { env: { DATADAM_PROGRESS: 'lines' } });
    expect(result.stderr).toMatch(/refine/);
    expect(result.code).toBe(0);
    const run = JSON.parse(result.stdout) as {
      rowsIn: number;
      rowsOut: number;
      inputs: { encoding: string }[];
      steps: { at: string; nulled?: object }[];
    };
    expect(run.rowsIn).toBe(4);
    expect(run.rowsOut).toBe(3);
    expect(run.inputs[0]!.encoding).toBe('cp949');
    expect(run.steps.find((s) => s.at === 'steps[1]')!.nulled).toEqual({ 인허가일자: 1 });

    const expected = [
      { 사업장명: '행복조리원', 인허가일자: '2013-01-28', 상태: '영업' },
      { 사업장명: '사랑조리원', 인허가일자: '2015-03-02', 상태: '폐업' },
      { 사업장명: '하늘조리원', 인허가일자: null, 상태: '영업' },
    ];
    expect(await readParquet(path.join(out, 'data/조리원.parquet'))).toEqual(expected);
    const jsonl = readFileSync(path.join(out, 'data/조리원.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(jsonl).toEqual(expected);

    // The same command again: refused without --force, identical bytes with it.
    const before = readFileSync(path.join(out, 'data/조리원.parquet'));
    const refused = await runCli(['refine', 'apply', recipeFile, input, out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/not empty.*--force/);
    const forced = await runCli(['refine', 'apply', recipeFile, input, out, '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/Refined 4 rows into 3/);
    expect(readFileSync(path.join(out, 'data/조리원.parquet')).equals(before)).toBe(true);
  });

  it('exits 2 naming the step of a bad recipe, and 1 when the run fails', { timeout: 120_000 }, async () => {
    const bad = path.join(root, 'bad.yaml');
    writeFileSync(bad, 'version: 1\nsteps:\n  - op: trim\n  - op: parse_date\n');
    const result = await runCli(['refine', 'apply', bad, input, path.join(root, 'out-bad')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/steps\[1\]\.columns/);

    const misfit = path.join(root, 'misfit.yaml');
    writeFileSync(misfit, 'version: 1\nsteps:\n  - op: parse_date\n    columns: [없는열]\n');
    const json = await runCli(['refine', 'apply', misfit, input, path.join(root, 'out-misfit'), '--json']);
    expect(json.code).toBe(2);
    expect((JSON.parse(json.stdout) as { error: { problems: { field: string }[] } }).error.problems[0]!.field).toBe('steps[0].columns');

    const ids = path.join(root, 'ids');
    mkdirSync(ids);
    writeFileSync(path.join(ids, 'a.csv'), 'id\n3.62E+17\n');
    const failing = path.join(root, 'failing.yaml');
    writeFileSync(
      failing,
      'version: 1\nsteps:\n  - op: parse_number\n    columns: [id]\n    type: text\n    id: true\n    on_precision_loss: fail\n',
    );
    const failed = await runCli(['refine', 'apply', failing, ids, path.join(root, 'out-fail')]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/scientific notation/);
  });
});
