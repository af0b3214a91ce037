/**
 * De-identification policies: a YAML file that says, per entity type, which operator runs with
 * which options (and, for tables and JSON records, what happens to whole fields such as a birth
 * date or an age column). Validated with zod; a bad policy names the field (`types.KR_RRN.operator`).
 *
 * Two rules hold for every policy:
 * - PIPA's unique identifiers (KR_RRN, KR_FRN, KR_PASSPORT, KR_DRIVER_LICENSE) are never kept —
 *   not by `keep`, not by leaving them out of `detect` — unless the policy states the legal basis
 *   that allows it in `allow_unique_identifiers_with_legal_basis` (recorded in every run report).
 * - Secrets are referenced, never written in the file: `secret_env` names the environment
 *   variable holding the HMAC secret, `encryption.key_env` / `encryption.key_file` the AES key.
 */
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AppError, type FieldProblem } from '../../core/errors.js';
import { ENTITY_TYPES, UNIQUE_IDENTIFIERS, type EntityType } from './entities.js';
import { parseEncryptionKey } from './operators/encrypt.js';

const entityType = z.enum(ENTITY_TYPES);
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name (A-Z, 0-9, _)');

const keep = z.strictObject({ operator: z.literal('keep') });
const redact = z.strictObject({ operator: z.literal('redact') });
const mask = z.strictObject({
  operator: z.literal('mask'),
  keep_first: z.int().min(0).max(64).default(1),
  keep_last: z.int().min(0).max(64).default(1),
  char: z.string().min(1).max(4).default('*'),
  keep_separators: z.boolean().default(true),
});
const replace = z.strictObject({
  operator: z.literal('replace'),
  /** The exact token; default `[label]` with the type's Korean label (or `labels`). */
  token: z.string().max(100).optional(),
});
const pseudonym = z.strictObject({
  operator: z.literal('pseudonym'),
  style: z.enum(['name', 'token', 'shape']).optional(),
});
const suppress = z.strictObject({ operator: z.literal('suppress') });
const encrypt = z.strictObject({ operator: z.literal('encrypt') });
const generalizeAddressRule = z.strictObject({
  operator: z.literal('generalize'),
  to: z.enum(['sigungu', 'sido']).default('sigungu'),
});
const ageOptions = {
  band_width: z.int().min(1).max(50).default(10),
  top: z.int().min(1).max(130).default(90),
  age_style: z.enum(['korean', 'range']).default('korean'),
};
const generalizeFieldRule = z.strictObject({
  operator: z.literal('generalize'),
  to: z.enum(['month', 'year', 'age_band', 'sigungu', 'sido']),
  ...ageOptions,
});
const dateShift = z.strictObject({
  operator: z.literal('date_shift'),
  max_days: z.int().min(1).max(3650).default(30),
});

/** `KR_RRN: redact` is short for `KR_RRN: { operator: redact }`. */
const shorthand = (value: unknown) => (typeof value === 'string' ? { operator: value } : value);

/** What may be done to a span the detector found. */
const typeRule = z.preprocess(
  shorthand,
  z.discriminatedUnion('operator', [keep, redact, mask, replace, pseudonym, suppress, encrypt, generalizeAddressRule]),
);
/** What may be done to a whole field (a column of a CSV, a key of a JSON record). */
// `as` says what the field holds: the shape of its pseudonym, the label of its token, the type it is counted under.
const as = { as: entityType.optional() };
const fieldRule = z.preprocess(
  shorthand,
  z.discriminatedUnion('operator', [
    keep.extend(as),
    redact.extend(as),
    mask.extend(as),
    replace.extend(as),
    pseudonym.extend(as),
    suppress.extend(as),
    encrypt.extend(as),
    generalizeFieldRule.extend(as),
    dateShift.extend(as),
  ]),
);

const policySchema = z.strictObject({
  version: z.literal(1),
  /** Entities the detector scores below this are left alone. */
  threshold: z.number().min(0).max(1).default(0.5),
  /** Which types to detect (default: all). */
  detect: z
    .array(entityType)
    .min(1)
    .default([...ENTITY_TYPES]),
  /** The rule for a detected type that `types` does not name. */
  default: typeRule.default({ operator: 'replace' }),
  types: z.partialRecord(entityType, typeRule).default({}),
  /** Rules for whole fields (CSV columns, JSONL keys or dotted paths such as `patient.birth`). */
  fields: z.record(z.string().min(1), fieldRule).default({}),
  /** The fields in which detection runs: `all` string fields (default), or a list. */
  scan_fields: z.union([z.literal('all'), z.array(z.string().min(1)).min(1)]).default('all'),
  /** The field whose value identifies the subject of a record, for `date_shift`. */
  subject_field: z.string().min(1).optional(),
  /** Korean labels of `replace` tokens, changed per type. */
  labels: z.partialRecord(entityType, z.string().min(1).max(50)).default({}),
  /** The environment variable holding the HMAC secret of `pseudonym` and `date_shift`. */
  secret_env: envName.default('DATADAM_DEID_SECRET'),
  encryption: z
    .strictObject({ key_env: envName.optional(), key_file: z.string().min(1).optional() })
    .refine((e) => Boolean(e.key_env) !== Boolean(e.key_file), 'exactly one of key_env and key_file')
    .optional(),
  /** How many changed records the run report keeps as before/after samples (sensitive). */
  samples: z.int().min(0).max(1000).default(5),
  allow_unique_identifiers_with_legal_basis: z.string().trim().min(10, 'the legal basis, in words (at least 10 characters)').optional(),
});

/** A validated policy with every default filled in. */
export type Policy = z.infer<typeof policySchema>;
export type TypeRule = Policy['default'];
export type FieldRule = Policy['fields'][string];
export type OperatorName = TypeRule['operator'] | FieldRule['operator'];

function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(policy)';
}

function invalid(problems: FieldProblem[]): AppError {
  return new AppError('validation', `The policy is not valid: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, {
    problems,
  });
}

/**
 * The rule that applies to a detected type: its own, or the policy's default.
 *
 * @example ruleForType(parsePolicy('version: 1\n'), 'EMAIL') // { operator: 'replace' }
 */
export function ruleForType(policy: Policy, type: EntityType): TypeRule {
  return policy.types[type] ?? policy.default;
}

/**
 * Validates a policy object (parsed from YAML or JSON); a bad one throws an AppError
 * ('validation') whose problems name the field, e.g. `types.KR_RRN.operator`.
 *
 * @example validatePolicy({ version: 1, types: { PERSON: 'pseudonym' } }).types.PERSON // { operator: 'pseudonym' }
 */
export function validatePolicy(value: unknown): Policy {
  const parsed = policySchema.safeParse(value);
  if (!parsed.success) {
    throw invalid(parsed.error.issues.map((issue) => ({ field: fieldPath(issue.path), message: issue.message })));
  }
  const policy = parsed.data;
  const problems: FieldProblem[] = [];
  if (!policy.allow_unique_identifiers_with_legal_basis) {
    const why = 'PIPA unique identifiers cannot be kept without allow_unique_identifiers_with_legal_basis';
    for (const type of UNIQUE_IDENTIFIERS) {
      if (!policy.detect.includes(type)) problems.push({ field: 'detect', message: `${type} must be detected: ${why}` });
      else if (ruleForType(policy, type).operator === 'keep') {
        problems.push({ field: policy.types[type] ? `types.${type}.operator` : 'default.operator', message: `${type} is kept: ${why}` });
      }
    }
  }
  // Of the detected types only addresses have a coarser form; dates and ages are fields.
  if (policy.default.operator === 'generalize') {
    problems.push({ field: 'default.operator', message: 'generalize applies to ADDRESS only: name it under types.ADDRESS' });
  }
  for (const [type, rule] of Object.entries(policy.types)) {
    if (rule.operator === 'generalize' && type !== 'ADDRESS') {
      problems.push({ field: `types.${type}.operator`, message: 'generalize applies to ADDRESS (dates and ages: use fields)' });
    }
  }
  for (const [name, rule] of Object.entries(policy.fields)) {
    if (rule.operator === 'keep' && rule.as && UNIQUE_IDENTIFIERS.includes(rule.as) && !policy.allow_unique_identifiers_with_legal_basis) {
      problems.push({
        field: `fields.${name}.operator`,
        message: `${rule.as} is kept: PIPA unique identifiers cannot be kept without allow_unique_identifiers_with_legal_basis`,
      });
    }
    if ((rule.operator === 'pseudonym' || rule.operator === 'replace') && !rule.as && !(rule.operator === 'replace' && rule.token)) {
      problems.push({
        field: `fields.${name}.as`,
        message: `say what the field holds (PERSON, PHONE, …) so its ${rule.operator} has the right shape`,
      });
    }
    if (rule.operator === 'date_shift' && !policy.subject_field) {
      problems.push({
        field: 'subject_field',
        message: `fields.${name} shifts dates per subject: name the field that identifies the subject`,
      });
    }
  }
  if (usesOperator(policy, 'encrypt') && !policy.encryption) {
    problems.push({ field: 'encryption', message: 'the policy encrypts: name the key with encryption.key_env or encryption.key_file' });
  }
  if (problems.length) throw invalid(problems);
  return policy;
}

/**
 * Parses and validates a policy written in YAML.
 *
 * @example parsePolicy('version: 1\ntypes:\n  PERSON: mask\n').types.PERSON?.operator // 'mask'
 */
export function parsePolicy(yamlText: string): Policy {
  let value: unknown;
  try {
    value = parseYaml(yamlText, { prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    throw invalid([{ field: '(yaml)', message: (error as Error).message }]);
  }
  return validatePolicy(value);
}

/**
 * Whether any rule of the policy (type, default or field) uses the operator.
 *
 * @example usesOperator(parsePolicy('version: 1\ntypes:\n  PERSON: pseudonym\n'), 'pseudonym') // true
 */
export function usesOperator(policy: Policy, operator: OperatorName): boolean {
  const rules: { operator: string }[] = [policy.default, ...Object.values(policy.types), ...Object.values(policy.fields)];
  return rules.some((r) => r.operator === operator);
}

/**
 * A stable fingerprint of a policy's meaning (defaults filled, keys sorted): two files that
 * say the same thing have the same hash. The policy holds no secret, only references to them.
 *
 * @example policyHash(parsePolicy('version: 1\n')) // 'sha256:…'
 */
export function policyHash(policy: Policy): string {
  return `sha256:${createHash('sha256').update(canonicalJson(policy)).digest('hex')}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The keys a run needs, resolved from the references of a policy. */
export interface DeidKeys {
  /** HMAC secret of `pseudonym` and `date_shift`. */
  hmacSecret?: Uint8Array;
  /** AES-256 key of `encrypt`. */
  encryptionKey?: Uint8Array;
}

/**
 * Resolves the secrets a policy references: from the environment, and the key file through the
 * `readFile` the caller gives (this module does no I/O). Missing or weak secrets throw a
 * 'validation' AppError naming the policy field; no error message ever contains a secret.
 *
 * @example resolvePolicyKeys(policy, { env: process.env, readFile: (p) => readFileSync(p, 'utf8') })
 */
export function resolvePolicyKeys(
  policy: Policy,
  io: { env: Record<string, string | undefined>; readFile?: (path: string) => string },
): DeidKeys {
  const keys: DeidKeys = {};
  const problems: FieldProblem[] = [];
  const needsHmac = usesOperator(policy, 'pseudonym') || usesOperator(policy, 'date_shift');
  if (needsHmac) {
    const secret = io.env[policy.secret_env];
    if (!secret) problems.push({ field: 'secret_env', message: `set the secret in the environment variable ${policy.secret_env}` });
    else if (Buffer.byteLength(secret) < 16) {
      problems.push({
        field: 'secret_env',
        message: `the secret in ${policy.secret_env} is too short (16 bytes at least; 32 random ones advised)`,
      });
    } else keys.hmacSecret = Buffer.from(secret, 'utf8');
  }
  if (usesOperator(policy, 'encrypt') && policy.encryption) {
    const { key_env: keyEnv, key_file: keyFile } = policy.encryption;
    let text: string | undefined;
    if (keyEnv) {
      text = io.env[keyEnv];
      if (!text) problems.push({ field: 'encryption.key_env', message: `set the encryption key in the environment variable ${keyEnv}` });
    } else if (keyFile) {
      try {
        text = io.readFile?.(keyFile);
      } catch {
        problems.push({ field: 'encryption.key_file', message: `cannot read the key file ${keyFile}` });
      }
    }
    if (text) {
      try {
        keys.encryptionKey = parseEncryptionKey(text);
      } catch (error) {
        problems.push({ field: keyEnv ? 'encryption.key_env' : 'encryption.key_file', message: (error as Error).message });
      }
    }
  }
  if (problems.length) throw invalid(problems);
  return keys;
}
