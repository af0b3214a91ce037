import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENTITY_TYPES, type Entity } from '../entities.js';
import { decryptValue } from '../operators/encrypt.js';
import { parsePolicy } from '../policy.js';
import { applyFieldRule, applyPolicy, selectEntities } from './apply.js';

const keys = { hmacSecret: Buffer.from('a project secret for the tests'), encryptionKey: Buffer.alloc(32, 3) };
const span = (type: Entity['type'], text: string, value: string, score = 0.9): Entity => {
  const start = text.indexOf(value);
  if (start < 0) throw new Error(`${value} is not in the text`);
  return { type, start, end: start + value.length, score };
};

describe('applyPolicy', () => {
  const text = '환자 홍길동(900101-1234567)의 연락처는 010-1234-5678, 주소는 서울특별시 강남구 테헤란로 123입니다.';
  const entities = [
    span('PERSON', text, '홍길동'),
    span('KR_RRN', text, '900101-1234567'),
    span('PHONE', text, '010-1234-5678'),
    span('ADDRESS', text, '서울특별시 강남구 테헤란로 123'),
  ];

  it('applies each type’s operator and leaves the rest of the text as it was', () => {
    const policy = parsePolicy(
      'version: 1\ntypes:\n  PERSON: mask\n  KR_RRN: redact\n  PHONE: { operator: mask, keep_first: 3, keep_last: 4 }\n  ADDRESS: generalize\n',
    );
    const result = applyPolicy(text, entities, policy, { keys });
    expect(result.text).toBe('환자 홍*동()의 연락처는 010-****-5678, 주소는 서울특별시 강남구입니다.');
    expect(result.suppressed).toBe(false);
    expect(result.replacements.map((r) => [r.type, r.operator])).toEqual([
      ['PERSON', 'mask'],
      ['KR_RRN', 'redact'],
      ['PHONE', 'mask'],
      ['ADDRESS', 'generalize'],
    ]);
  });

  it('replaces with tokens by default, encrypts reversibly, and suppresses the record when asked', () => {
    const replaced = applyPolicy(text, entities, parsePolicy('version: 1\n'), { keys });
    expect(replaced.text).toBe('환자 [이름]([주민등록번호])의 연락처는 [전화번호], 주소는 [주소]입니다.');
    const encrypted = applyPolicy(text, entities, parsePolicy('version: 1\ntypes:\n  KR_RRN: encrypt\nencryption: { key_env: K }\n'), {
      keys,
    });
    const token = /enc:v1:[\w-]+/.exec(encrypted.text)![0];
    expect(decryptValue(token, keys.encryptionKey)).toBe('900101-1234567');
    expect(applyPolicy(text, entities, parsePolicy('version: 1\ntypes:\n  PHONE: suppress\n'), { keys }).suppressed).toBe(true);
  });

  it('ignores entities under the threshold, of types not detected, or overlapping an earlier one', () => {
    const policy = parsePolicy('version: 1\nthreshold: 0.8\n');
    const selected = selectEntities(
      [
        { type: 'PERSON', start: 0, end: 5, score: 0.9 },
        { type: 'PHONE', start: 3, end: 8, score: 0.99 },
        { type: 'EMAIL', start: 10, end: 12, score: 0.5 },
        { type: 'ADDRESS', start: 20, end: 30, score: 0.85 },
      ],
      policy,
      40,
    );
    expect(selected.map((e) => e.type)).toEqual(['PERSON', 'ADDRESS']);
  });

  it('falls back to the token when the operator cannot read the value', () => {
    const t = '주소: 테헤란로 123';
    const result = applyPolicy(t, [span('ADDRESS', t, '테헤란로 123')], parsePolicy('version: 1\ntypes:\n  ADDRESS: generalize\n'), {
      keys,
    });
    expect(result.text).toBe('주소: [주소]');
    expect(result.replacements[0]!.applied).toBe(false);
  });

  it('keeps offsets consistent: outside the entities the text is unchanged, inside each lies its replacement', () => {
    const rules = ['keep', 'redact', 'mask', 'replace', 'pseudonym', 'encrypt'] as const;
    const policyArb = fc
      .constantFrom(...rules)
      .map((operator) =>
        parsePolicy(
          `version: 1\nencryption: { key_env: K }\ndefault: ${operator}\nallow_unique_identifiers_with_legal_basis: "a legal basis for the property test"\n`,
        ),
      );
    const input = fc.string({ unit: fc.constantFrom(...'가나다 abc 012-@.홍길동'), minLength: 1, maxLength: 60 });
    const case_ = input.chain((t) =>
      fc.tuple(
        fc.constant(t),
        fc.array(
          fc
            .tuple(fc.nat(t.length), fc.nat(t.length), fc.constantFrom(...ENTITY_TYPES), fc.double({ min: 0, max: 1, noNaN: true }))
            .map(([a, b, type, score]) => ({ type, start: Math.min(a, b), end: Math.max(a, b), score })),
          { maxLength: 6 },
        ),
      ),
    );
    fc.assert(
      fc.property(case_, policyArb, ([t, ents], policy) => {
        const result = applyPolicy(t, ents, policy, { keys });
        let inCursor = 0;
        let outCursor = 0;
        for (const r of result.replacements) {
          expect(result.text.slice(outCursor, r.outputStart)).toBe(t.slice(inCursor, r.start));
          expect(r.outputStart - outCursor).toBe(r.start - inCursor);
          inCursor = r.end;
          outCursor = r.outputEnd;
        }
        expect(result.text.slice(outCursor)).toBe(t.slice(inCursor));
        for (let i = 1; i < result.replacements.length; i++)
          expect(result.replacements[i]!.start).toBeGreaterThanOrEqual(result.replacements[i - 1]!.end);
      }),
    );
  });
});

describe('applyFieldRule', () => {
  const policy = parsePolicy(
    [
      'version: 1',
      'subject_field: 환자번호',
      'fields:',
      '  생년월일: { operator: generalize, to: year }',
      '  나이: { operator: generalize, to: age_band, age_style: range }',
      '  진료일: date_shift',
      '  성명: { operator: pseudonym, as: PERSON }',
      '  비고: suppress',
    ].join('\n'),
  );
  const f = policy.fields;

  it('transforms whole values, shifting dates per subject', () => {
    expect(applyFieldRule('1987-06-15', f['생년월일']!, policy, { keys }).value).toBe('1987');
    expect(applyFieldRule('34', f['나이']!, policy, { keys }).value).toBe('30-39');
    expect(applyFieldRule('홍길동', f['성명']!, policy, { keys }).value).toMatch(/^[가-힣]{3}$/);
    const a = applyFieldRule('2024-03-01', f['진료일']!, policy, { keys, subjectKey: 'P-1' }).value!;
    const b = applyFieldRule('2024-03-11', f['진료일']!, policy, { keys, subjectKey: 'P-1' }).value!;
    expect((Date.parse(b) - Date.parse(a)) / 86_400_000).toBe(10);
    expect(applyFieldRule('x', f['비고']!, policy, { keys }).suppressed).toBe(true);
  });

  it('never leaves a value it cannot read as it was', () => {
    const result = applyFieldRule('모름', f['생년월일']!, policy, { keys });
    expect(result).toEqual({ value: '[비식별]', suppressed: false, applied: false });
  });
});
