import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../../test/support/cli.js';
import { registerEvaluateCommands } from './evaluate.js';

const dir = mkdtempSync(path.join(tmpdir(), 'datadam-cli-evaluate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
}

const runSelect = (args: string[]) =>
  runInProcess((program, action) => registerEvaluateCommands(program, { action }), ['evaluate', 'select', ...args]);

const HEADER = 'id,score,cost,domain,agency,modality';
const SMALL = file(
  'small.csv',
  [
    HEADER,
    'A,90,3000000000,교통,국토교통부,text',
    'B,80,2500000000,교통,경찰청,image',
    'C,70,1700000000,해양,해양수산부,text',
    'D,10,100000000,해양,해양수산부,audio',
    'E,40,900000000,보건의료,질병관리청,tabular',
  ].join('\n'),
);

interface SelectJson {
  status: string;
  objective: number | null;
  selected: string[];
  cost: number;
  greedy: { objective: number; selected: number; gapPercent: number | null };
  conflict?: { groups: string[]; message: string };
  explanations?: Array<{ id: string; selected: boolean; binding: string[]; marginalMethod: string }>;
}

describe('datadam evaluate select', () => {
  it('prints the contract JSON: status, objective, selected, cost, greedy', async () => {
    const result = await runSelect(['--candidates', SMALL, '--n', '3', '--json']);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as SelectJson;
    expect(out).toMatchObject({ status: 'optimal', objective: 200, selected: ['A', 'C', 'E'], cost: 5_600_000_000 });
    // By score: A and B, then only D still fits.
    expect(out.greedy).toMatchObject({ objective: 180, selected: 3 });
  });

  it('takes the budget and an upper count, and the constraints file', async () => {
    const constraints = file(
      'rules.json',
      JSON.stringify({ domainMin: { 해양: 2 }, domainMax: { 교통: 1 }, agencyMax: 2, mustExclude: ['E'] }),
    );
    const result = await runSelect([
      '--candidates',
      SMALL,
      '--constraints',
      constraints,
      '--budget',
      '5,000,000,000',
      '--n-max',
      '4',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as SelectJson;
    expect(out.selected).toEqual(['A', 'C', 'D']);
    expect(out.cost).toBe(4_800_000_000);
  });

  it('exits 1 on an infeasible problem, still printing the JSON with the conflict', async () => {
    const constraints = file('conflict.json', JSON.stringify({ mustInclude: ['A', 'B', 'C'] }));
    const result = await runSelect(['--candidates', SMALL, '--constraints', constraints, '--n-max', '5', '--json']);
    expect(result.code).toBe(1);
    const out = JSON.parse(result.stdout) as SelectJson;
    expect(out.status).toBe('infeasible');
    expect(out.objective).toBeNull();
    expect(out.conflict!.message).toBe(
      'budget (6 bn KRW) and mustInclude (3 entries costing 7.2 bn KRW) cannot all hold: drop or relax any one of them',
    );
  });

  it('says that there are fewer candidates than the default count of 100', async () => {
    const result = await runSelect(['--candidates', SMALL]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('count (exactly 100 entries, but there are only 5 candidates) cannot be met');
  });

  it('prints a short table for people, and explanations with --explain', async () => {
    const result = await runSelect(['--candidates', SMALL, '--n', '2', '--explain']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^status: optimal/m);
    expect(result.stdout).toMatch(/^selected 2 of 5, objective 170\.000, cost 5\.5 bn KRW$/m);
    expect(result.stdout).toMatch(/^A {3}90\.00 {2}3 bn KRW {4}교통/m);
    expect(result.stdout).toMatch(/^ {2}D: out: adding it would break count/m);
    const json = JSON.parse((await runSelect(['--candidates', SMALL, '--n', '2', '--explain', '--json'])).stdout) as SelectJson;
    expect(json.explanations).toHaveLength(5);
    expect(json.explanations!.every((e) => e.marginalMethod === 'exact')).toBe(true);
  });

  it('names the row and field of a bad number, a duplicate id and a missing column (exit 2)', async () => {
    const bad = file(
      'bad.csv',
      [HEADER, 'A,90,1e9,교통,국토교통부,text', 'B,high,1e9,교통,국토교통부,text', 'A,5,-3,교통,국토교통부,text'].join('\n'),
    );
    const result = await runSelect(['--candidates', bad, '--json']);
    expect(result.code).toBe(2);
    const error = (JSON.parse(result.stdout) as { error: { message: string; problems: Array<{ field: string; message: string }> } }).error;
    expect(error.message).toMatch(/bad\.csv: row 3, score "high" is not a number \(and 2 more problems\)/);
    expect(error.problems).toEqual([
      { field: 'row 3, score', message: '"high" is not a number' },
      { field: 'row 4, id', message: '"A" is a duplicate of row 2' },
      { field: 'row 4, cost', message: '"-3" is not an amount ≥ 0 in KRW' },
    ]);
    const missing = file('missing.csv', ['id,score,cost,domain,modality', 'A,1,1,x,text'].join('\n'));
    const noColumn = await runSelect(['--candidates', missing]);
    expect(noColumn.code).toBe(2);
    expect(noColumn.stderr).toMatch(/missing\.csv lacks the column agency: it has id, score, cost, domain, modality/);
  });

  it('validates the constraints file, naming the key', async () => {
    const wrong = file('wrong.json', JSON.stringify({ domainMin: { 교통: -1 }, agencyCap: 3, mustInclude: 'A' }));
    const result = await runSelect(['--candidates', SMALL, '--constraints', wrong]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/agencyCap is not a constraint/);
    expect(result.stderr).toMatch(/domainMin\.교통 -1 is not a whole number ≥ 0/);
    expect(result.stderr).toMatch(/mustInclude must be a list of candidate ids/);
    const unknownId = file('unknown.json', JSON.stringify({ mustInclude: ['Z'] }));
    const unknown = await runSelect(['--candidates', SMALL, '--constraints', unknownId]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/mustInclude names "Z", which no candidate has/);
    expect((await runSelect(['--candidates', SMALL, '--constraints', file('broken.json', '{')])).code).toBe(2);
  });

  it('exits 2 on bad usage', async () => {
    expect((await runSelect(['--candidates', SMALL, '--n', '3', '--n-max', '4'])).code).toBe(2);
    expect((await runSelect(['--candidates', SMALL, '--n', 'three'])).code).toBe(2);
    expect((await runSelect(['--candidates', SMALL, '--budget', 'lots'])).code).toBe(2);
    expect((await runSelect(['--candidates', path.join(dir, 'nowhere.csv')])).code).toBe(2);
    expect((await runSelect([])).code).toBe(2);
  });
});
