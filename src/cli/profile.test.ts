import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../../test/support/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'datadam-cli-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CRIME = path.join(REPO_ROOT, 'test/fixtures/datago-tabular/경찰청_범죄 발생 장소별 통계');

describe('datadam profile', () => {
  it('prints the contract JSON with --json, contract fields first', async () => {
    const result = await runCli(['profile', CRIME, '--json']);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as { files: Array<Record<string, unknown> & { columns: Array<Record<string, unknown>> }> };
    expect(out.files).toHaveLength(1);
    const file = out.files[0]!;
    expect(Object.keys(file).slice(0, 5)).toEqual(['path', 'format', 'encoding', 'rows', 'columns']);
    expect(file).toMatchObject({ path: '경찰청_범죄 발생 장소별 통계_20201231.csv', format: 'csv', encoding: 'cp949', rows: 38 });
    expect(Object.keys(file.columns[0]!).slice(0, 5)).toEqual(['name', 'type', 'nulls', 'distinct', 'issues']);
    expect(file.columns[2]).toMatchObject({ name: '아파트-연립다세대', type: 'BIGINT', nulls: 0, issues: ['number_with_spaces'] });
  });

  it('prints one block per file for people, with progress lines on stderr for a folder', async () => {
    writeFileSync(path.join(dir, 'a.csv'), 'x,y\n1, 2\n3,4\n');
    writeFileSync(path.join(dir, 'b.txt'), '한 줄\n두 줄\n');
    const result = await runCli(['profile', dir], { env: { DATADAM_PROGRESS: 'lines' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^a\.csv\n {2}format csv \(text\/csv\), encoding utf-8, rows 2/m);
    expect(result.stdout).toMatch(/^ {2}y\tBIGINT\tnulls 0\tdistinct ~2\tissues: number_with_spaces$/m);
    expect(result.stdout).toMatch(/^b\.txt\n {2}format text/m);
    expect(result.stderr).toMatch(/profiling .*: 2 files/);
  });

  it('exits 1 with a clear message when the path does not exist', async () => {
    const result = await runCli(['profile', path.join(dir, 'nope.csv')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/No such file or folder: .*nope\.csv/);
  });
});
