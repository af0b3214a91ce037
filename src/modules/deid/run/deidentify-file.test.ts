import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { decryptText } from '../operators/encrypt.js';
import { parsePolicy, type DeidKeys } from '../policy.js';
import { deidentifyFile, formatFromName, withoutSamples } from './deidentify-file.js';

const dir = mkdtempSync(path.join(tmpdir(), 'datadam-deid-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNumber = 0;
const file = (name: string, content?: string) => {
  const p = path.join(dir, `${fileNumber++}-${name}`);
  if (content !== undefined) writeFileSync(p, content);
  return p;
};

const keys: DeidKeys = { hmacSecret: Buffer.from('the project secret of the tests'), encryptionKey: Buffer.alloc(32, 9) };
const otherKeys: DeidKeys = { ...keys, hmacSecret: Buffer.from('a different project secret!!') };

/** A resident registration number whose check digit is right, as the detector expects. */
function rrn(birth: string, serial: string): string {
  const digits = `${birth}${serial}`;
  const weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
  const sum = weights.reduce((s, w, i) => s + w * Number(digits[i]), 0);
  return `${birth}-${serial}${(11 - (sum % 11)) % 10}`;
}

const PEOPLE = [
  { name: '홍길동', rrn: rrn('900101', '123456'), phone: '010-1234-5678', email: 'hong@example.co.kr' },
  { name: '김영희', rrn: rrn('850315', '234567'), phone: '010-9876-5432', email: 'younghee.kim@example.com' },
  { name: '이철수', rrn: rrn('021224', '312345'), phone: '010-2222-3333', email: 'cs.lee@example.org' },
];

/** The other unique identifiers, written with the words that announce them. */
const OTHER_UNIQUE = [
  { text: '여권번호 M12345678', value: 'M12345678' },
  { text: '운전면허 11-12-123456-12', value: '11-12-123456-12' },
  { text: '외국인등록번호 900101-5234567', value: '900101-5234567' },
];

const JSONL = PEOPLE.flatMap((p, i) => [
  JSON.stringify({
    id: i + 1,
    본문: `${p.name} 고객님(주민등록번호 ${p.rrn})의 연락처는 ${p.phone}, 이메일은 ${p.email}입니다.`,
    담당: '상담원',
  }),
  JSON.stringify({ id: i + 1, 본문: `${p.name} 님이 다시 문의했습니다. 회신 번호 ${p.phone}.`, meta: { 메모: `주민번호 ${p.rrn} 확인` } }),
]).join('\n');

const JSONL_POLICY = parsePolicy(
  [
    'version: 1',
    'types:',
    '  PERSON: pseudonym',
    '  PHONE: pseudonym',
    '  EMAIL: pseudonym',
    '  KR_RRN: encrypt',
    'encryption: { key_env: DATADAM_DEID_KEY }',
    'samples: 2',
  ].join('\n'),
);

describe('deidentifyFile on JSONL', () => {
  it('pseudonymises consistently, encrypts reversibly, and leaves no unique identifier in clear', async () => {
    const input = file('상담.jsonl', `${JSONL}\n`);
    const first = file('out.jsonl');
    const report = await deidentifyFile(input, first, JSONL_POLICY, { keys, threads: 2, batchRecords: 2 });
    const out = readFileSync(first, 'utf8');
    const records = out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: number; 본문: string; meta?: { 메모: string } });
    expect(records).toHaveLength(6);
    for (const p of PEOPLE) {
      for (const secret of [p.name, p.rrn, p.rrn.replace('-', ''), p.phone, p.email]) expect(out).not.toContain(secret);
    }
    // The same person has the same pseudonym in both of their records.
    for (let i = 0; i < PEOPLE.length; i++) {
      const [a, b] = [records[2 * i]!.본문, records[2 * i + 1]!.본문];
      expect(b.slice(0, 3)).toBe(a.slice(0, 3));
      expect(a.slice(0, 3)).toMatch(/^[가-힣]{3}$/);
      expect(/010-\d{4}-\d{4}/.exec(a)![0]).toBe(/010-\d{4}-\d{4}/.exec(b)![0]);
    }
    // The encrypted RRNs decrypt back to the originals, in the nested field too.
    const decrypted = decryptText(out, keys.encryptionKey!);
    for (const p of PEOPLE) expect(decrypted).toContain(p.rrn);
    expect(records[1]!.meta!.메모).toMatch(/^주민번호 enc:v1:/);

    expect(report.records).toEqual({ in: 6, out: 6, changed: 6, suppressed: 0 });
    expect(report.entities).toEqual({ PERSON: 6, KR_RRN: 6, PHONE: 6, EMAIL: 3 });
    expect(report.fields!['본문']!.entities).toEqual({ PERSON: 6, KR_RRN: 3, PHONE: 6, EMAIL: 3 });
    expect(report.fields!['meta.메모']!.entities).toEqual({ KR_RRN: 3 });
    expect(report.policy.hash).toMatch(/^sha256:/);
    expect(report.samples.sensitive).toBe(true);
    expect(report.samples.items.map((s) => s.record)).toEqual([1, 2]);
    expect(report.samples.items[0]!.before).toContain(PEOPLE[0]!.rrn);
    expect(JSON.stringify(withoutSamples(report))).not.toContain(PEOPLE[0]!.rrn);
    expect(JSON.stringify(report)).not.toContain('the project secret');

    // The same input twice: the same pseudonyms. Another secret: other pseudonyms.
    const again = file('again.jsonl');
    await deidentifyFile(input, again, JSONL_POLICY, { keys, threads: 0 });
    const stripEncrypted = (s: string) => s.replace(/enc:v1:[\w-]+/g, 'enc');
    expect(stripEncrypted(readFileSync(again, 'utf8'))).toBe(stripEncrypted(out));
    const other = file('other.jsonl');
    await deidentifyFile(input, other, JSONL_POLICY, { keys: otherKeys, threads: 0 });
    expect(stripEncrypted(readFileSync(other, 'utf8'))).not.toBe(stripEncrypted(out));
  });

  it('drops suppressed records, keeps untouched ones byte for byte, and skips blank lines', async () => {
    const input = file(
      'mixed.jsonl',
      `{"t": "특이사항 없음",  "n": 1.50}\n\n{"t": "${PEOPLE[0]!.name} 님 연락처 ${PEOPLE[0]!.phone}"}\r\n{"t":"메모"}`,
    );
    const output = file('mixed-out.jsonl');
    const report = await deidentifyFile(input, output, parsePolicy('version: 1\ntypes:\n  PHONE: suppress\n'), { keys, threads: 0 });
    expect(readFileSync(output, 'utf8')).toBe('{"t": "특이사항 없음",  "n": 1.50}\n{"t":"메모"}\n');
    expect(report.records).toEqual({ in: 3, out: 2, changed: 1, suppressed: 1 });
    expect(report.samples.items).toEqual([{ record: 3, before: expect.stringContaining(PEOPLE[0]!.phone) as string, after: null }]);
  });

  it('fails on a line that is not JSON, naming it, and leaves no partial output', async () => {
    const input = file('broken.jsonl', '{"t": "a"}\n{"t": \n');
    const output = file('broken-out.jsonl');
    await expect(deidentifyFile(input, output, parsePolicy('version: 1\n'), { keys, threads: 1 })).rejects.toThrow(
      /Record 2 is not valid JSON/,
    );
    expect(existsSync(output)).toBe(false);
  });
});

describe('deidentifyFile on CSV', () => {
  const header = '환자번호,성명,생년월일,나이,연락처,주소,진료일,메모';
  const rows = [
    `P-001,홍길동,1990-01-01,34,010-1234-5678,서울특별시 강남구 테헤란로 123,2024-03-01,"${PEOPLE[0]!.rrn} 본인 확인, 재방문"`,
    `P-002,김영희,1985.3.15,만 41세,010-9876-5432,경기도 수원시 영통구 매탄동 1,2024-03-05,특이사항 없음`,
    `P-001,홍길동,1990-01-01,34,010-1234-5678,서울특별시 강남구 테헤란로 123,2024-03-11,재진`,
  ];
  const policy = parsePolicy(
    [
      'version: 1',
      'subject_field: 환자번호',
      'scan_fields: [메모]',
      'fields:',
      '  환자번호: { operator: pseudonym, as: KR_HEALTH_INSURANCE, style: token }',
      '  성명: { operator: pseudonym, as: PERSON }',
      '  생년월일: { operator: generalize, to: year }',
      '  나이: { operator: generalize, to: age_band }',
      '  연락처: { operator: mask, keep_first: 3, keep_last: 4 }',
      '  주소: { operator: generalize, to: sigungu }',
      '  진료일: date_shift',
    ].join('\n'),
  );

  it('de-identifies a UTF-8 CSV with Korean columns, with counts per column', async () => {
    const input = file('진료.csv', `\uFEFF${header}\r\n${rows.join('\r\n')}\r\n`);
    const output = file('진료-out.csv');
    const report = await deidentifyFile(input, output, policy, { keys, threads: 2, batchRecords: 1 });
    const lines = readFileSync(output, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(header);
    const cells = lines.slice(1).map((l) => l.split(','));
    expect(cells[0]![0]).toMatch(/^건강보험증번호_[0-9a-f]{8}$/);
    expect(cells[0]![0]).toBe(cells[2]![0]);
    expect(cells[0]![1]).toBe(cells[2]![1]);
    expect(cells[0]!.slice(2, 6)).toEqual(['1990', '30대', '010-****-5678', '서울특별시 강남구']);
    expect(cells[1]!.slice(2, 6)).toEqual(['1985', '40대', '010-****-5432', '경기도 수원시 영통구']);
    // One subject, one shift: P-001's visits stay ten days apart.
    expect((Date.parse(cells[2]![6]!) - Date.parse(cells[0]![6]!)) / 86_400_000).toBe(10);
    expect(cells[0]![6]).not.toBe('2024-03-01');
    expect(lines[1]).toContain('"[주민등록번호] 본인 확인, 재방문"');
    expect(readFileSync(output, 'utf8')).not.toContain(PEOPLE[0]!.rrn);
    expect(report.fields!['메모']!.entities).toEqual({ KR_RRN: 1 });
    expect(report.fields!['성명']!.transformed).toBe(3);
    expect(report.fields!['진료일']!.transformed).toBe(3);
    expect(report.records).toEqual({ in: 3, out: 3, changed: 3, suppressed: 0 });
    expect(report.warnings).toEqual([]);
  });
});

describe('date shifts without a subject', () => {
  it('warns about records whose subject field is empty or missing', async () => {
    const input = file(
      'visits.jsonl',
      ['{"pid": "A", "visit": "2024-01-10"}', '{"visit": "2024-01-12"}', '{"pid": "", "visit": "2024-01-13"}'].join('\n'),
    );
    const policy = parsePolicy('version: 1\nsubject_field: pid\nfields:\n  visit: date_shift\n');
    const report = await deidentifyFile(input, file('visits-out.jsonl'), policy, { keys, threads: 0 });
    expect(report.warnings).toEqual(['2 record(s) have no value in the subject field "pid": their dates all share one shift']);
    expect(report.fields!['visit']!.transformed).toBe(3);
  });
});

describe('worker threads', () => {
  it('write exactly what a single-thread run writes, in order, on random inputs', async () => {
    const cell = fc.constantFrom(
      ...PEOPLE.flatMap((p) => [p.name, p.rrn, p.phone, p.email]),
      '서울특별시 강남구 테헤란로 123',
      ...OTHER_UNIQUE.map((u) => u.text),
      '특이사항 없음',
      '재방문 예정',
      '',
    );
    const line = fc.array(cell, { minLength: 1, maxLength: 4 }).map((parts) => parts.join(' '));
    const policy = parsePolicy(
      'version: 1\ntypes:\n  PERSON: pseudonym\n  PHONE: pseudonym\n  KR_RRN: redact\n  EMAIL: suppress\n  ADDRESS: generalize\n',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 120 }), fc.integer({ min: 1, max: 7 }), async (lines, batchRecords) => {
        const input = file('random.txt', lines.join('\n'));
        const single = file('single.txt');
        const pooled = file('pooled.txt');
        const a = await deidentifyFile(input, single, policy, { keys, threads: 0, batchRecords });
        const b = await deidentifyFile(input, pooled, policy, { keys, threads: 2, batchRecords });
        expect(readFileSync(pooled, 'utf8')).toBe(readFileSync(single, 'utf8'));
        expect(b.entities).toEqual(a.entities);
        expect(b.records).toEqual(a.records);
        expect(b.samples).toEqual(a.samples);
        const written = readFileSync(pooled, 'utf8');
        for (const value of [...PEOPLE.map((p) => p.rrn), ...OTHER_UNIQUE.map((u) => u.value)]) expect(written).not.toContain(value);
      }),
      { numRuns: 8 },
    );
  }, 120_000);
});

describe('formatFromName', () => {
  it('reads the format from the extension', () => {
    expect(formatFromName('a.JSONL')).toBe('jsonl');
    expect(formatFromName('a.ndjson')).toBe('jsonl');
    expect(formatFromName('환자.csv')).toBe('csv');
    expect(formatFromName('notes.txt')).toBe('text');
  });
});
