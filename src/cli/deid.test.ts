import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/support/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'datadam-cli-deid-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Each test starts the CLI a few times; on two busy cores one start can take several seconds. */
const SPAWN_TIMEOUT = 120_000;

interface ScanLine {
  id: string | number;
  entities: Array<{ type: string; start: number; end: number; score: number }>;
}

/** PERSON and ADDRESS come from another engineer's detectors: these tests look at the structured types. */
const structured = (e: { type: string }) => e.type !== 'PERSON' && e.type !== 'ADDRESS';

function parseLines(stdout: string): ScanLine[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as ScanLine);
}

const RECORDS = [
  { id: 'a', text: '주민번호는 900101-1234568입니다' },
  { id: 'b', text: '연락처 010-1234-5678로 연락 주세요. 메일 hong@example.com' },
  { id: 3, text: '금액 1,234,000원, 2024-05-01 결제' },
];

describe('datadam deid scan', () => {
  it(
    'writes one {"id","entities"} line per record, in order, with offsets into the text',
    async () => {
      const file = path.join(dir, 'in.jsonl');
      writeFileSync(file, `${RECORDS.map((r) => JSON.stringify(r)).join('\n')}\n`);
      const result = await runCli(['deid', 'scan', '--format', 'jsonl', file]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const lines = parseLines(result.stdout);
      expect(lines.map((l) => l.id)).toEqual(['a', 'b', 3]);
      expect(Object.keys(lines[0]!)).toEqual(['id', 'entities']);
      for (const [i, line] of lines.entries()) {
        for (const e of line.entities) {
          expect(Object.keys(e)).toEqual(['type', 'start', 'end', 'score']);
          expect(e.end).toBeLessThanOrEqual(RECORDS[i]!.text.length);
        }
      }
      const spans = lines.map((l, i) => l.entities.filter(structured).map((e) => [e.type, RECORDS[i]!.text.slice(e.start, e.end)]));
      expect(spans).toEqual([
        [['KR_RRN', '900101-1234568']],
        [
          ['PHONE', '010-1234-5678'],
          ['EMAIL', 'hong@example.com'],
        ],
        [],
      ]);
    },
    SPAWN_TIMEOUT,
  );

  it(
    'reads standard input, and honours --types and --threshold',
    async () => {
      const input = `${RECORDS.map((r) => JSON.stringify(r)).join('\n')}\n`;
      const phonesOnly = parseLines((await runCli(['deid', 'scan', '--types', 'PHONE'], { input })).stdout);
      expect(phonesOnly.flatMap((l) => l.entities.map((e) => e.type))).toEqual(['PHONE']);
      const strict = parseLines((await runCli(['deid', 'scan', '--threshold', '0.99'], { input })).stdout);
      expect(strict.flatMap((l) => l.entities)).toEqual([]);
      const all = parseLines((await runCli(['deid', 'scan', '-'], { input })).stdout);
      expect(all.flatMap((l) => l.entities.filter(structured).map((e) => e.type))).toEqual(['KR_RRN', 'PHONE', 'EMAIL']);
    },
    SPAWN_TIMEOUT,
  );

  it(
    'stops at a malformed line with exit 1, naming it, after writing the lines before it',
    async () => {
      const input = [JSON.stringify(RECORDS[0]), '', JSON.stringify(RECORDS[1]), '{"id": "x", "text": ', JSON.stringify(RECORDS[2])].join(
        '\n',
      );
      const result = await runCli(['deid', 'scan'], { input });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/line 4: not valid JSON/);
      expect(parseLines(result.stdout).map((l) => l.id)).toEqual(['a', 'b']);
      const noText = await runCli(['deid', 'scan'], { input: '{"id": 1, "body": "x"}\n' });
      expect(noText.code).toBe(1);
      expect(noText.stderr).toMatch(/line 1: "text" must be a string/);
    },
    SPAWN_TIMEOUT,
  );

  it(
    'rejects unknown types, thresholds and formats as bad usage (exit 2)',
    async () => {
      const types = await runCli(['deid', 'scan', '--types', 'PHONE,SSN'], { input: '' });
      expect(types.code).toBe(2);
      expect(types.stderr).toMatch(/Unknown entity type SSN/);
      expect((await runCli(['deid', 'scan', '--threshold', '1.5'], { input: '' })).code).toBe(2);
      expect((await runCli(['deid', 'scan', '--format', 'csv'], { input: '' })).code).toBe(2);
      const missing = await runCli(['deid', 'scan', path.join(dir, 'nope.jsonl')]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/No such file/);
    },
    SPAWN_TIMEOUT,
  );

  it(
    'streams a large input without holding it: many records in, as many lines out',
    async () => {
      const n = 5000;
      const lines: string[] = [];
      for (let i = 0; i < n; i++)
        lines.push(JSON.stringify({ id: i, text: `고객 ${i}번 연락처 010-${String(1000 + (i % 9000)).padStart(4, '0')}-5678` }));
      const file = path.join(dir, 'big.jsonl');
      writeFileSync(file, lines.join('\n'));
      const result = await runCli(['deid', 'scan', file]);
      expect(result.code).toBe(0);
      const out = parseLines(result.stdout);
      expect(out).toHaveLength(n);
      expect(out.every((l, i) => l.id === i && l.entities.length === 1 && l.entities[0]!.type === 'PHONE')).toBe(true);
    },
    SPAWN_TIMEOUT,
  );
});
