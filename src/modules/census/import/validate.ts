/**
 * Validation of imported rows: each source row is mapped onto the census form and checked with the
 * form's own schema, and every problem is reported against the row and the column of the file it
 * came from, in Korean and English.
 */
import type { z } from 'zod';
import { DEFAULT_DOMAINS, FIELD_CHOICES, FIELD_LABELS, censusFormSchema, type CensusForm, type Labels } from '../census.form.js';
import type { DuplicateIndex } from './duplicates.js';
import {
  LIST_FIELDS,
  NUMBER_FIELDS,
  bindMapping,
  type BoundMapping,
  type FormField,
  type Mapping,
  type MappingTarget,
  type MetaTarget,
} from './mapping.js';
import { readRows } from './readers.js';
import { ImportFileError, type ImportFormat, type ReadMeta, type RowError, type SourceRow, type SourceValue } from './types.js';

export type { RowError } from './types.js';

/** A source row mapped onto the form: `form` is there only when the row has no errors. */
export interface MappedRow {
  row: number;
  form?: CensusForm;
  agency?: { code?: string; name?: string };
  externalId?: string;
  /** Values for `extra:<name>` targets, by name. */
  extra: Record<string, string>;
  errors: RowError[];
  /** Ids of earlier rows (or entries put in the index beforehand) this one likely duplicates. */
  likelyDuplicates?: string[];
}

export interface MapRowOptions {
  /**
   * Undo the formula guard of CSV exports: a cell starting with an apostrophe followed by = + - @, a
   * tab, a carriage return or another apostrophe loses the first apostrophe. On for CSV and TSV in
   * `importRows`.
   */
  unguard?: boolean;
}

type Message = { ko: string; en: string };

const msg = {
  required: { ko: '필수 항목입니다', en: 'required' },
  encoding: {
    ko: '잘못된 문자가 있습니다(인코딩 오류): 파일의 인코딩을 확인하세요',
    en: 'invalid character (encoding): check the encoding the file was saved in',
  },
  notAllowed: (value: string, allowedKo: string[], allowedEn: string[]): Message => ({
    ko: `허용되지 않는 값입니다: "${value}" (가능: ${allowedKo.join(', ')})`,
    en: `not an allowed value: "${value}" (allowed: ${allowedEn.join(', ')})`,
  }),
  notNumber: (value: string): Message => ({ ko: `숫자가 아닙니다: "${value}"`, en: `not a number: "${value}"` }),
  notInteger: { ko: '정수여야 합니다', en: 'must be a whole number' },
  url: (value: string): Message => ({ ko: `URL 형식이 아닙니다: "${value}"`, en: `not a valid URL: "${value}"` }),
  email: (value: string): Message => ({ ko: `이메일 형식이 아닙니다: "${value}"`, en: `not a valid email address: "${value}"` }),
  date: (value: string): Message => ({
    ko: `날짜는 YYYY, YYYY-MM, YYYY-MM-DD 형식이어야 합니다: "${value}"`,
    en: `dates are YYYY, YYYY-MM or YYYY-MM-DD: "${value}"`,
  }),
  restriction: { ko: '개방하지 않는 데이터는 제한 사유를 입력해야 합니다', en: 'required when the data is not open' },
  sensitive: {
    ko: '개인정보 포함 여부가 "없음"이면 민감정보 범주를 입력할 수 없습니다',
    en: 'sensitive categories need personal information',
  },
  collectionEnd: { ko: '수집 시작보다 앞설 수 없습니다', en: 'before the start of collection' },
};

// ---------------------------------------------------------------------------------------------
// Reading cells as form values

/** Enum values by `valueKey` of their key and labels, per enum field. */
const CHOICE_INDEX = new Map<FormField, Map<string, string>>();
for (const [field, choices] of Object.entries(FIELD_CHOICES) as Array<[FormField, Record<string, Labels>]>) {
  CHOICE_INDEX.set(field, labelIndex(choices));
}
const DOMAIN_INDEXES = new WeakMap<Record<string, Labels>, Map<string, string>>();

function labelIndex(choices: Record<string, Labels>): Map<string, string> {
  const index = new Map<string, string>();
  for (const [key, labels] of Object.entries(choices)) {
    for (const name of [key, labels.ko, labels.en]) index.set(valueKey(name), key);
  }
  return index;
}

/** A cell value reduced for matching against enum keys and labels: NFC, lower case, no spaces. */
function valueKey(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/\s+/g, '');
}

/** Lists are written `a; b` or `a, b`. */
const LIST_SPLIT = /\s*[;,\n]\s*/;
/** URLs may contain commas and semicolons: split on spaces, or on ; or , followed by a space or a new URL. */
const URL_SPLIT = /\s*[;,]\s*(?=[a-z][a-z0-9+.-]*:\/\/)|\s*[;,]\s+|\s+/i;
/** 1234, -5, 0.5, 1e-7 (as JavaScript writes very small or large numbers). */
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
/** 1,234,567.5 */
const GROUPED_NUMBER = /^[+]?\d{1,3}(,\d{3})+(\.\d+)?$/;

type Parsed = { value: unknown } | { error: Message };

function mapValue(valueMap: Record<string, string> | undefined, text: string): string {
  return valueMap !== undefined && Object.hasOwn(valueMap, text) ? valueMap[text]! : text;
}

/** A cell as a list: text split on `pattern`; a JSON array is a list as it stands. */
function splitList(value: SourceValue, pattern: RegExp): string[] {
  const items = Array.isArray(value) ? value : value.split(pattern);
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

function allowedLists(choices: Record<string, Labels>, valueMap: Record<string, string> | undefined): [string[], string[]] {
  if (valueMap) return [Object.keys(valueMap), Object.keys(valueMap)];
  return [Object.values(choices).map((l) => l.ko), Object.keys(choices)];
}

/** One cell read as the value of a form field, with the mapping's value map applied first. */
function parseField(
  field: FormField,
  raw: SourceValue,
  valueMap: Record<string, string> | undefined,
  domains: Record<string, Labels>,
): Parsed {
  const choices = FIELD_CHOICES[field];

  if (LIST_FIELDS.has(field)) {
    const pattern = field === 'urls' ? URL_SPLIT : LIST_SPLIT;
    // A value map may turn one value into several (e.g. 'CSV; JSON').
    const items = splitList(raw, pattern).flatMap((item) => (valueMap ? splitList(mapValue(valueMap, item), pattern) : [item]));
    if (items.length === 0) return { value: undefined };
    if (!choices) return { value: items };
    const index = CHOICE_INDEX.get(field)!;
    const keys: string[] = [];
    for (const item of items) {
      const key = index.get(valueKey(item));
      if (key === undefined) return { error: msg.notAllowed(item, ...allowedLists(choices, valueMap)) };
      keys.push(key);
    }
    return { value: [...new Set(keys)] };
  }

  const source = (Array.isArray(raw) ? raw.join('; ') : raw).trim();
  if (source === '') return { value: undefined };
  const text = mapValue(valueMap, source).trim();

  if (choices) {
    const key = CHOICE_INDEX.get(field)!.get(valueKey(text));
    return key === undefined ? { error: msg.notAllowed(source, ...allowedLists(choices, valueMap)) } : { value: key };
  }
  if (field === 'domain') {
    let index = DOMAIN_INDEXES.get(domains);
    if (!index) DOMAIN_INDEXES.set(domains, (index = labelIndex(domains)));
    const key = index.get(valueKey(text));
    return key === undefined ? { error: msg.notAllowed(source, ...allowedLists(domains, valueMap)) } : { value: key };
  }
  if (NUMBER_FIELDS.has(field)) {
    const compact = text.replace(/\s+/g, '');
    if (!PLAIN_NUMBER.test(compact) && !GROUPED_NUMBER.test(compact)) {
      return { error: msg.notNumber(source) };
    }
    return { value: Number(compact.replace(/,/g, '')) };
  }
  if (field === 'collectionStart' || field === 'collectionEnd') {
    // 2022.06.30, 2022/6/30, 2022. 6. 30. → 2022-06-30
    const parts = /^(\d{4})\s*[./-]\s*(\d{1,2})(?:\s*[./-]\s*(\d{1,2}))?\s*\.?$/.exec(text);
    if (parts) return { value: [parts[1], parts[2]!.padStart(2, '0'), parts[3]?.padStart(2, '0')].filter(Boolean).join('-') };
    return { value: text };
  }
  return { value: text };
}

// ---------------------------------------------------------------------------------------------
// Zod issues as row errors

function issueMessage(issue: z.core.$ZodIssue, input: Record<string, unknown>): Message {
  const field = issue.path[0] as FormField;
  const value = issue.path.reduce<unknown>((at, key) => (at as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey], input);
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return msg.required;
      if (issue.expected === 'int') return msg.notInteger;
      break;
    case 'too_small':
      if (issue.origin === 'string') {
        return Number(issue.minimum) <= 1
          ? msg.required
          : { ko: `${issue.minimum}자 이상이어야 합니다`, en: `must be at least ${issue.minimum} characters` };
      }
      return { ko: `${issue.minimum} 이상이어야 합니다`, en: `must be at least ${issue.minimum}` };
    case 'too_big':
      if (issue.origin === 'string') return { ko: `${issue.maximum}자 이하여야 합니다`, en: `must be at most ${issue.maximum} characters` };
      if (issue.origin === 'array') return { ko: `${issue.maximum}개 이하여야 합니다`, en: `at most ${issue.maximum} items` };
      return { ko: `${issue.maximum} 이하여야 합니다`, en: `must be at most ${issue.maximum}` };
    case 'invalid_format':
      if (issue.format === 'url') return msg.url(shown);
      if (issue.format === 'email') return msg.email(shown);
      if (field === 'collectionStart' || field === 'collectionEnd') return msg.date(shown);
      break;
    case 'invalid_union':
      if (field === 'contactEmail') return msg.email(shown);
      break;
    case 'invalid_value':
      return msg.notAllowed(shown, issue.values.map(String), issue.values.map(String));
    case 'custom':
      if (field === 'restrictionReason') return msg.restriction;
      if (field === 'sensitiveCategories') return msg.sensitive;
      if (field === 'collectionEnd') return msg.collectionEnd;
      break;
    default:
      break;
  }
  return { ko: `올바르지 않은 값입니다: ${issue.message}`, en: issue.message };
}

// ---------------------------------------------------------------------------------------------
// Rows

/** A bound mapping compiled into what to do with each column. */
interface Plan {
  bound: BoundMapping;
  steps: Array<{
    column: string;
    targets: MappingTarget[];
    extras: string[];
    metas: MetaTarget[];
    fields: Array<{ field: FormField; valueMap: Record<string, string> | undefined }>;
  }>;
}

const PLANS_BY_HEADER = new WeakMap<Mapping, WeakMap<readonly string[], Plan>>();
const PLANS_BY_KEYS = new WeakMap<Mapping, Map<string, Plan>>();

function compile(mapping: Mapping, columns: readonly string[]): Plan {
  const bound = bindMapping(mapping, [...columns]);
  const steps = bound.columns.map(({ column, targets }) => ({
    column,
    targets,
    extras: targets.filter((t) => t.startsWith('extra:')).map((t) => t.slice(6)),
    metas: targets.filter((t): t is MetaTarget => t === 'agencyCode' || t === 'agencyName' || t === 'externalId'),
    fields: targets
      .filter((t): t is FormField => !t.startsWith('extra:') && t !== 'agencyCode' && t !== 'agencyName' && t !== 'externalId')
      .map((field) => ({ field, valueMap: mapping.valueMaps?.[field] })),
  }));
  return { bound, steps };
}

/** The plan for a row: by the identity of its header (CSV, XLSX), else by its keys (JSON). */
function planFor(mapping: Mapping, source: SourceRow): Plan {
  if (source.columns !== undefined) {
    let byHeader = PLANS_BY_HEADER.get(mapping);
    if (!byHeader) PLANS_BY_HEADER.set(mapping, (byHeader = new WeakMap()));
    let plan = byHeader.get(source.columns);
    if (!plan) byHeader.set(source.columns, (plan = compile(mapping, source.columns)));
    return plan;
  }
  let byKeys = PLANS_BY_KEYS.get(mapping);
  if (!byKeys) PLANS_BY_KEYS.set(mapping, (byKeys = new Map()));
  const keys = Object.keys(source.values);
  const signature = keys.join('\u0000');
  let plan = byKeys.get(signature);
  if (!plan) {
    if (byKeys.size >= 100) byKeys.clear();
    byKeys.set(signature, (plan = compile(mapping, keys)));
  }
  return plan;
}

/** A value `csvField` guarded: an apostrophe before = + - @, a tab, a carriage return or another apostrophe. */
const GUARDED = /^'['=+\-@\t\r]/;

function hasReplacementChar(value: SourceValue): boolean {
  return typeof value === 'string' ? value.includes('\uFFFD') : value.some((v) => v.includes('\uFFFD'));
}

function asText(value: SourceValue, separator: string): string {
  return (typeof value === 'string' ? value : value.join(separator)).trim();
}

/**
 * Map one source row onto the census form and validate it with `censusFormSchema`. Errors name the
 * source column (the form field's key when no column feeds it); a cell with U+FFFD (a byte the
 * file's encoding could not decode) is reported as an encoding error.
 *
 * @example
 * mapRow({ row: 2, values: { 목록명: '교통량', 분류체계: '교통', … } }, DATA_GO_KR_MAPPING).errors
 * // [{ row: 2, column: '분류체계', message: '허용되지 않는 값입니다: "교통" (가능: 공공행정, …)', messageEn: 'not an allowed value: "교통" (allowed: 공공행정, …)' }]
 */
export function mapRow(source: SourceRow, mapping: Mapping, options: MapRowOptions = {}): MappedRow {
  const row = source.row;
  const result: MappedRow = { row, extra: {}, errors: [] };
  if (source.problems !== undefined && source.problems.length > 0) {
    result.errors = source.problems.map((p) => ({ row, column: p.column, message: p.message, messageEn: p.messageEn }));
    return result;
  }
  const plan = planFor(mapping, source);
  const domains = mapping.domains ?? DEFAULT_DOMAINS;
  const errors: RowError[] = [];
  /** Fields and targets already reported, so the schema's complaint about them is not repeated. */
  let reported: Set<string> | undefined;
  const input: Record<string, unknown> = Object.assign({}, mapping.constants);
  const meta: Partial<Record<MetaTarget, string>> = {};

  for (const step of plan.steps) {
    let raw = source.values[step.column] ?? '';
    if (hasReplacementChar(raw)) {
      errors.push({ row, column: step.column, message: msg.encoding.ko, messageEn: msg.encoding.en });
      reported ??= new Set();
      for (const target of step.targets) reported.add(target);
      continue;
    }
    if (options.unguard) raw = typeof raw === 'string' ? unguard(raw) : raw.map(unguard);
    for (const name of step.extras) {
      const text = asText(raw, '; ');
      if (text !== '') result.extra[name] = text;
    }
    for (const target of step.metas) {
      const text = asText(raw, ',');
      if (text !== '') meta[target] = text;
    }
    for (const { field, valueMap } of step.fields) {
      const parsed = parseField(field, raw, valueMap, domains);
      if ('error' in parsed) {
        (reported ??= new Set()).add(field);
        errors.push({ row, column: step.column, message: parsed.error.ko, messageEn: parsed.error.en });
      } else if (parsed.value !== undefined) input[field] = parsed.value;
    }
  }

  for (const target of mapping.requiredTargets ?? []) {
    if (meta[target] === undefined && !reported?.has(target)) {
      errors.push({ row, column: plan.bound.columnOf.get(target) ?? target, message: msg.required.ko, messageEn: msg.required.en });
    }
  }

  const parsed = censusFormSchema.safeParse(input);
  if (!parsed.success) {
    const seen = new Set<string>();
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '');
      if (reported?.has(field)) continue;
      const column = plan.bound.columnOf.get(field as MappingTarget) ?? field;
      const message = issueMessage(issue, input);
      const key = `${column}\u0000${message.en}`;
      if (seen.has(key)) continue;
      seen.add(key);
      errors.push({ row, column, message: message.ko, messageEn: message.en });
    }
  }

  if (meta.agencyCode !== undefined || meta.agencyName !== undefined) {
    result.agency = {};
    if (meta.agencyCode !== undefined) result.agency.code = meta.agencyCode;
    if (meta.agencyName !== undefined) result.agency.name = meta.agencyName;
  }
  if (meta.externalId !== undefined) result.externalId = meta.externalId;
  result.errors = errors;
  if (errors.length === 0 && parsed.success) result.form = parsed.data;
  return result;
}

function unguard(text: string): string {
  return GUARDED.test(text) ? text.slice(1) : text;
}

export interface ImportOptions {
  mapping: Mapping;
  fileName?: string;
  format?: ImportFormat;
  /** Filled in as the file is read (format, encoding, columns, ignored columns). */
  meta?: ReadMeta;
  /**
   * If given, each valid row is added (under its agency code, else name) and `likelyDuplicates` set
   * from it. Put existing entries in beforehand to find duplicates of what is already there.
   */
  duplicates?: DuplicateIndex;
}

/**
 * Read, map and validate an import file, row by row, in bounded memory. A header that lacks columns
 * the mapping needs (CSV, TSV, XLSX) and a file that cannot be read throw `ImportFileError` (after the
 * rows before the failure have been yielded).
 *
 * @example
 * let imported = 0;
 * const errors: RowError[] = [];
 * for await (const r of importRows(createReadStream(path), { mapping: DATA_GO_KR_MAPPING, fileName: path })) {
 *   if (r.form) imported++;
 *   else errors.push(...r.errors);
 * }
 */
export async function* importRows(source: AsyncIterable<Uint8Array>, options: ImportOptions): AsyncGenerator<MappedRow> {
  const meta = options.meta ?? {};
  const onHeader = (columns: string[]) => {
    const bound = planFor(options.mapping, { row: 1, values: {}, columns }).bound;
    meta.ignoredColumns = bound.ignored;
    const missing = [
      ...bound.missingColumns.map((column) => ({ column, ko: `"${column}"`, en: `"${column}"` })),
      // A required field is only worth naming when no missing column explains its absence.
      ...bound.missingRequired
        .filter((field) => !bound.missingColumns.some((column) => [options.mapping.columns[column]].flat().includes(field)))
        .map((field) => ({
          column: FIELD_LABELS[field].ko,
          ko: `"${FIELD_LABELS[field].ko}"(필수)`,
          en: `"${FIELD_LABELS[field].en}" (required)`,
        })),
    ];
    if (missing.length > 0) {
      throw new ImportFileError(
        {
          ko: `머리글에 필요한 열이 없습니다: ${missing.map((m) => m.ko).join(', ')} (매핑 ${options.mapping.name})`,
          en: `the header lacks columns the mapping needs: ${missing.map((m) => m.en).join(', ')} (mapping ${options.mapping.name})`,
        },
        { row: 1, line: 1, column: missing[0]!.column },
      );
    }
  };
  const reader = readRows(source, {
    ...(options.fileName === undefined ? {} : { fileName: options.fileName }),
    ...(options.format === undefined ? {} : { format: options.format }),
    meta,
    onHeader,
  });
  for await (const row of reader) {
    const mapped = mapRow(row, options.mapping, { unguard: meta.format === 'csv' || meta.format === 'tsv' });
    if (options.duplicates && mapped.form) {
      const agencyKey = mapped.agency?.code ?? mapped.agency?.name ?? '';
      const ids = options.duplicates.add(agencyKey, mapped.externalId ?? `row ${mapped.row}`, mapped.form.title, mapped.agency?.name);
      if (ids.length > 0) mapped.likelyDuplicates = ids;
    }
    yield mapped;
  }
}
