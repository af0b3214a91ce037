import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/support/cli.js';
import { decryptText, parseEncryptionKey } from '../modules/deid/operators/encrypt.js';

const dir = mkdtempSync(path.join(tmpdir(), 'datadam-cli-deid-apply-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string, content?: string) => {
  const p = path.join(dir, name);
  if (content !== undefined) writeFileSync(p, content);
  return p;
};

const SECRET = 'cli-test-secret-0123456789';
const KEY = 'c0'.repeat(32);
const ENV = { DATADAM_DEID_SECRET: SECRET, AGENCY_KEY: KEY, DATADAM_PROGRESS: 'lines' };

const deidApply = (args: string[], env: Record<string, string> = ENV) => runCli(['deid', 'apply', ...args], { env });

const RRN = '900101-1234568';
const POLICY = at(
  'policy.yaml',
  ['version: 1', 'types:', '  PERSON: pseudonym', '  PHONE: pseudonym', '  KR_RRN: encrypt', 'encryption: { key_env: AGENCY_KEY }'].join(
    '\n',
  ),
);
const JSONL = at(
  '상담.jsonl',
  [
    { id: 1, text: `홍길동 고객(${RRN}) 연락처 010-1234-5678` },
    { id: 2, text: '특이사항 없음' },
    { id: 3, text: '홍길동 고객 재문의: 010-1234-5678' },
  ]
    .map((r) => JSON.stringify(r))
    .join('\n'),
);

interface Report {
  records: { in: number; changed: number };
  entities: Record<string, number>;
  samples?: { items: unknown[] };
  policy: { hash: string };
}

describe('datadam deid apply', () => {
  it('de-identifies JSONL on every core, reporting progress on stderr and the report on stdout', { timeout: 60_000 }, async () => {
    const out = at('out.jsonl');
    const result = await deidApply(['--policy', POLICY, JSONL, out, '--json']);
    expect(result.stderr).toMatch(/deid apply/);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.records).toMatchObject({ in: 3, changed: 2 });
    expect(report.entities).toEqual({ PERSON: 2, KR_RRN: 1, PHONE: 2 });
    expect(report.samples).toBeUndefined();
    const written = readFileSync(out, 'utf8');
    expect(written).not.toContain(RRN);
    expect(written).not.toContain('홍길동');
    expect(written).not.toContain('010-1234-5678');
    expect(decryptText(written, parseEncryptionKey(KEY))).toContain(RRN);
    const texts = written
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { text: string }).text);
    expect(texts[2]!.slice(0, 3)).toBe(texts[0]!.slice(0, 3));

    const withSamples = await deidApply(['--policy', POLICY, JSONL, at('out2.jsonl'), '--json', '--samples', '--threads', '0']);
    expect(withSamples.code).toBe(0);
    expect((JSON.parse(withSamples.stdout) as Report).samples!.items).toHaveLength(2);
  });

  it('reads a UTF-8 CSV with Korean columns and prints a human report', { timeout: 60_000 }, async () => {
    const csv = at('환자.csv', `성명,연락처,메모\n홍길동,010-1234-5678,"${RRN} 확인"\n김영희,010-9876-5432,없음\n`);
    const policy = at(
      'csv-policy.yaml',
      'version: 1\nscan_fields: [메모]\nfields:\n  성명: { operator: mask }\n  연락처: { operator: mask, keep_first: 3, keep_last: 4 }\n',
    );
    const out = at('환자-out.txt');
    const result = await deidApply(['--policy', policy, csv, out, '--format', 'csv']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/De-identified 2 records/);
    expect(result.stdout).toMatch(/메모: KR_RRN 1/);
    expect(readFileSync(out, 'utf8')).toBe('성명,연락처,메모\n홍*동,010-****-5678,[주민등록번호] 확인\n김*희,010-****-5432,없음\n');
  });

  it('refuses a bad policy with exit 2, naming the field', { timeout: 60_000 }, async () => {
    const bad = at('bad.yaml', 'version: 1\ntypes:\n  KR_RRN: keep\n');
    const result = await deidApply(['--policy', bad, JSONL, at('never.jsonl')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/types\.KR_RRN\.operator/);
    expect(existsSync(at('never.jsonl'))).toBe(false);

    const json = await deidApply([
      '--policy',
      at('bad2.yaml', 'version: 1\ntypes:\n  PHONE: { operator: shred }\n'),
      JSONL,
      at('never.jsonl'),
      '--json',
    ]);
    expect(json.code).toBe(2);
    expect((JSON.parse(json.stdout) as { error: { problems: { field: string }[] } }).error.problems[0]!.field).toBe('types.PHONE.operator');
  });

  it('refuses a missing secret with exit 2 without printing any secret', { timeout: 60_000 }, async () => {
    const result = await deidApply(['--policy', POLICY, JSONL, at('never.jsonl')], { AGENCY_KEY: KEY });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/secret_env/);
    expect(result.stderr + result.stdout).not.toContain(KEY);
  });

  it('fails with exit 1 on input it cannot read', { timeout: 60_000 }, async () => {
    const broken = at('broken.jsonl', '{"text": "a"}\nnot json\n');
    const result = await deidApply(['--policy', POLICY, broken, at('broken-out.jsonl'), '--threads', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Record 2 is not valid JSON/);
  });
});
