import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runInProcess } from '../../test/support/cli.js';
import { registerDeidRisk } from './deid-risk.js';

const dir = mkdtempSync(path.join(tmpdir(), 'datadam-cli-deid-risk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const POSTNATAL = path.join(REPO_ROOT, 'test/fixtures/datago-tabular/행정안전부_산후조리업/fulldata_01_01_04_P_산후조리업.csv');

const runDeid = (args: string[]) =>
  runInProcess((program, action) => registerDeidRisk(program.command('deid'), { action }), ['deid', 'risk', ...args]);

/** Independent check: smallest group of identical quasi-identifier tuples in a CSV text (simple quoting). */
function smallestGroup(csv: string, columns: string[]): { k: number; rows: number } {
  const lines = csv.trimEnd().split('\n');
  const split = (line: string) =>
    line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((f) => f.replace(/,$/, '').replace(/^"|"$/g, '').replaceAll('""', '"'));
  const header = split(lines[0]!);
  const at = columns.map((c) => header.indexOf(c));
  const groups = new Map<string, number>();
  for (const line of lines.slice(1)) {
    const cells = split(line);
    const key = JSON.stringify(at.map((i) => cells[i]));
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return { k: Math.min(...groups.values()), rows: lines.length - 1 };
}

describe('datadam deid risk', () => {
  const small = path.join(dir, 'patients.csv');
  writeFileSync(
    small,
    [
      '이름,나이,성별,병명',
      '가,34,남,감기',
      '나,36,남,당뇨',
      '다,31,남,감기',
      '라,52,여,고혈압',
      '마,57,여,감기',
      '바,58,여,당뇨',
      '사,90,남,암',
    ].join('\n'),
  );

  it('reports k, l, t and prosecutor risk, and exits 1 when k is below the target', async () => {
    const result = await runDeid([small, '--quasi', '나이,성별', '--k', '2', '--sensitive', '병명', '--json']);
    expect(result.code).toBe(1);
    const out = JSON.parse(result.stdout) as {
      reached: boolean;
      risk: {
        k: number;
        classes: number;
        lDiversity: { distinct: number };
        prosecutor: { highest: number; recordsAtRisk: number };
        smallClassCount: number;
      };
    };
    expect(out.reached).toBe(false);
    expect(out.risk).toMatchObject({
      k: 1,
      classes: 7,
      smallClassCount: 7,
      lDiversity: { distinct: 1 },
      prosecutor: { highest: 1, recordsAtRisk: 7 },
    });
  });

  it('prints the measures for people, with the classes below k', async () => {
    const result = await runDeid([small, '--quasi', '성별', '--k', '3', '--sensitive', '병명']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^k = 3 \(target 3\): reached$/m);
    expect(result.stdout).toMatch(/l-diversity of 병명: distinct 3, entropy/);
    expect(result.stdout).toMatch(/prosecutor risk: highest 0\.333, average 0\.286/);
    const failing = await runDeid([small, '--quasi', '나이', '--k', '2']);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/classes smaller than 2: 7 \(7 records\)/);
  });

  it('counts the same classes with --engine duckdb as with the streaming reader', async () => {
    const args = [POSTNATAL, '--quasi', '소재지우편번호,인허가일자', '--sensitive', '임산부정원수', '--k', '2', '--json'];
    const viaStream = JSON.parse((await runDeid([...args, '--engine', 'stream'])).stdout) as { engine: string; risk: unknown };
    const viaDuckDb = JSON.parse((await runDeid([...args, '--engine', 'duckdb'])).stdout) as { engine: string; risk: unknown };
    expect([viaStream.engine, viaDuckDb.engine]).toEqual(['stream', 'duckdb']);
    expect(viaDuckDb.risk).toEqual(viaStream.risk);
  });

  it('exits 2 when a column is unknown or an option is malformed', async () => {
    const unknown = await runDeid([small, '--quasi', '나이,키', '--k', '2']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown column 키: .* has 이름, 나이, 성별, 병명/);
    expect((await runDeid([small, '--quasi', '나이', '--k', 'two'])).code).toBe(2);
    expect((await runDeid([small, '--quasi', '나이', '--sensitive', '질병'])).code).toBe(2);
    expect((await runDeid([small, '--quasi', '나이', '--hierarchy', '나이=zodiac'])).code).toBe(2);
    expect((await runDeid([small])).code).toBe(2);
    expect((await runDeid([small, '--quasi', '나이', '--engine', 'spark'])).code).toBe(2);
  });

  it('--apply generalises a small table to reach k and writes it', async () => {
    const out = path.join(dir, 'patients.k2.csv');
    const result = await runDeid([small, '--quasi', '나이,성별', '--k', '2', '--apply', out, '--max-suppression', '20', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      reached: boolean;
      apply: { written: number; suppressedRecords: number; loss: { ncp: number }; after: { k: number } };
    };
    expect(report.reached).toBe(true);
    const check = smallestGroup(readFileSync(out, 'utf8'), ['나이', '성별']);
    expect(check.k).toBeGreaterThanOrEqual(2);
    expect(check.rows).toBe(report.apply.written);
    expect(report.apply.written + report.apply.suppressedRecords).toBe(7);
    expect(report.apply.suppressedRecords).toBeLessThanOrEqual(1);
    expect(report.apply.loss.ncp).toBeGreaterThan(0);
  });

  it('--apply on a real table (산후조리업, UTF-8 with BOM) reaches k=5 with addresses along 법정동 codes', async () => {
    const out = path.join(dir, 'postnatal.k5.csv');
    const result = await runDeid([
      POSTNATAL,
      '--quasi',
      '소재지전체주소,인허가일자,임산부정원수',
      '--sensitive',
      '영업상태명',
      '--k',
      '5',
      '--apply',
      out,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/generalised: 소재지전체주소 → \S+ \(level \d of 4, address\)/);
    expect(result.stdout).toMatch(/information loss: NCP 0\.\d{3}/);
    const written = Number(/wrote .* \((\d+) records\)/.exec(result.stdout)![1]);
    const check = smallestGroup(readFileSync(out, 'utf8'), ['소재지전체주소', '인허가일자', '임산부정원수']);
    expect(check.rows).toBe(written);
    expect(check.k).toBeGreaterThanOrEqual(5);
    const total = Number(/^ {2}(\d+) records in/m.exec(result.stdout)![1]);
    expect(total).toBeGreaterThan(900);
    expect(written).toBeGreaterThanOrEqual(Math.ceil(total * 0.95));
  });
});
