import { describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.js';
import { UNIQUE_IDENTIFIERS } from './entities.js';
import { parsePolicy, policyHash, resolvePolicyKeys, ruleForType, validatePolicy } from './policy.js';

/** The problems of a policy that must be refused. */
function problemsOf(yaml: string): { field: string; message: string }[] {
  try {
    parsePolicy(yaml);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('validation');
    return (error as AppError).problems;
  }
  throw new Error('the policy was accepted');
}

describe('policy files', () => {
  it('fills defaults and reads the short form of a rule', () => {
    const policy = parsePolicy('version: 1\ntypes:\n  PERSON: pseudonym\n  PHONE: { operator: mask, keep_first: 3, keep_last: 4 }\n');
    expect(policy.threshold).toBe(0.5);
    expect(policy.secret_env).toBe('DATADAM_DEID_SECRET');
    expect(policy.detect).toContain('KR_RRN');
    expect(ruleForType(policy, 'PERSON')).toEqual({ operator: 'pseudonym' });
    expect(ruleForType(policy, 'PHONE')).toEqual({ operator: 'mask', keep_first: 3, keep_last: 4, char: '*', keep_separators: true });
    expect(ruleForType(policy, 'EMAIL')).toEqual({ operator: 'replace' });
  });

  it('names the field of every mistake', () => {
    expect(problemsOf('version: 1\ntypes:\n  KR_RRN: { operator: shred }\n')[0]!.field).toBe('types.KR_RRN.operator');
    expect(problemsOf('version: 1\ntypes:\n  NAME: redact\n')[0]!.field).toBe('types');
    expect(problemsOf('version: 1\ntypes:\n  PHONE: { operator: mask, keep_first: -1 }\n')[0]!.field).toBe('types.PHONE.keep_first');
    expect(problemsOf('version: 1\nthreshold: 2\n')[0]!.field).toBe('threshold');
    expect(problemsOf('version: 1\nfields:\n  나이: { operator: generalize }\n')[0]!.field).toBe('fields.나이.to');
    expect(problemsOf('version: 1\nfields:\n  진료일: date_shift\n')[0]!.field).toBe('subject_field');
    expect(problemsOf('version: 1\nfields:\n  성명: pseudonym\n')[0]!.field).toBe('fields.성명.as');
    expect(problemsOf('version: 1\ntypes:\n  PERSON: encrypt\n')[0]!.field).toBe('encryption');
    expect(problemsOf('version: 1\ntypes:\n  PERSON: generalize\n')[0]!.field).toBe('types.PERSON.operator');
    expect(problemsOf('version: 2\n')[0]!.field).toBe('version');
    expect(problemsOf('version: 1\ntypes: [oops\n')[0]!.field).toBe('(yaml)');
  });

  it('refuses secrets written into the file', () => {
    const problems = problemsOf('version: 1\nsecret: hunter2hunter2hunter2\n');
    expect(problems[0]!.message).toMatch(/Unrecognized key/);
    expect(problemsOf('version: 1\nsecret_env: not a name\n')[0]!.field).toBe('secret_env');
  });

  it.each(UNIQUE_IDENTIFIERS)('never keeps %s without a legal basis, and records the basis when given', (type) => {
    expect(problemsOf(`version: 1\ntypes:\n  ${type}: keep\n`)).toContainEqual(
      expect.objectContaining({ field: `types.${type}.operator` }),
    );
    expect(problemsOf('version: 1\ndefault: keep\n')).toContainEqual(expect.objectContaining({ field: 'default.operator' }));
    expect(problemsOf(`version: 1\ndetect: [PERSON]\n`)).toContainEqual(expect.objectContaining({ field: 'detect' }));
    expect(problemsOf(`version: 1\nfields:\n  번호: { operator: keep, as: ${type} }\n`)).toContainEqual(
      expect.objectContaining({ field: 'fields.번호.operator' }),
    );
    const basis = '「감염병의 예방 및 관리에 관한 법률」 제76조의2에 따른 역학조사';
    const policy = parsePolicy(`version: 1\ntypes:\n  ${type}: keep\nallow_unique_identifiers_with_legal_basis: "${basis}"\n`);
    expect(ruleForType(policy, type).operator).toBe('keep');
    expect(policy.allow_unique_identifiers_with_legal_basis).toBe(basis);
  });

  it('hashes meaning, not spelling', () => {
    const a = parsePolicy('version: 1\ntypes:\n  PERSON: pseudonym\n');
    const b = validatePolicy({ types: { PERSON: { operator: 'pseudonym' } }, version: 1, threshold: 0.5 });
    const c = parsePolicy('version: 1\ntypes:\n  PERSON: mask\n');
    expect(policyHash(a)).toBe(policyHash(b));
    expect(policyHash(a)).not.toBe(policyHash(c));
    expect(policyHash(a)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe('resolving the secrets a policy references', () => {
  const policy = parsePolicy('version: 1\ntypes:\n  PERSON: pseudonym\n  KR_RRN: encrypt\nencryption: { key_env: AGENCY_KEY }\n');
  const key = 'ab'.repeat(32);

  it('reads them from the environment', () => {
    const keys = resolvePolicyKeys(policy, { env: { DATADAM_DEID_SECRET: 'a long enough project secret', AGENCY_KEY: key } });
    expect(Buffer.from(keys.hmacSecret!).toString()).toBe('a long enough project secret');
    expect(Buffer.from(keys.encryptionKey!).toString('hex')).toBe(key);
  });

  it('reads the key from a file relative to what the caller resolves', () => {
    const fromFile = parsePolicy('version: 1\ntypes:\n  KR_RRN: encrypt\nencryption: { key_file: agency.key }\n');
    const keys = resolvePolicyKeys(fromFile, { env: {}, readFile: (p) => (p === 'agency.key' ? `${key}\n` : '') });
    expect(Buffer.from(keys.encryptionKey!).toString('hex')).toBe(key);
  });

  it('names the missing or weak secret without printing it', () => {
    try {
      resolvePolicyKeys(policy, { env: { DATADAM_DEID_SECRET: 'short1', AGENCY_KEY: 'not-a-key-at-all' } });
      expect.unreachable();
    } catch (error) {
      const e = error as AppError;
      expect(e.problems.map((p) => p.field)).toEqual(['secret_env', 'encryption.key_env']);
      expect(e.message).not.toContain('short1');
      expect(e.message).not.toContain('not-a-key-at-all');
    }
  });

  it('needs no secret for a policy that uses none', () => {
    expect(resolvePolicyKeys(parsePolicy('version: 1\n'), { env: {} })).toEqual({});
  });
});
